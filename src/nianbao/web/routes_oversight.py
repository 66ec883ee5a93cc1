"""Regional oversight pages: risk indicators of every agency of a region and year, side by side
(/compare/agencies, sortable, red/yellow marks, formulas in the column headers and the legend),
a region's overview with charts (/regions/overview: trend over the years, distribution, ranking),
the dashboard's indicators panel (an HTMX fragment) and the JSON API (/api/indicators).

A thin layer over Library.indicators / Library.indicator_trend (nianbao.oversight.indicators);
the ECharts options come from nianbao.oversight.charts and static/oversight.js draws them.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..oversight import charts
from ..oversight import indicators as OI
from ..oversight.scope import pinned, region_choices, resolve
from .paging import page_number
from .region_options import datalist_options
from .params import year_param, year_query
from .views import render

router = APIRouter()
PAGE = 200                     # agencies per page of the compare table


def _choices(request: Request, year: int | None, region: str | None = None
             ) -> tuple[list[int], list[str], int | None]:
    """Years (newest first), known regions (the registry's full names when one is imported), and
    the year to show: the one asked, else the year with most current reports. A region neither the
    registry nor the store knows: 404 with its Chinese message (oversight.scope)."""
    backend = request.app.state.backend
    _known(backend.library, region)
    years = backend.years()
    if year is None:
        year = OI.busiest_year(backend.library)
    return years, region_choices(backend.library), year


def _known(lib: Any, region: str | None) -> None:
    """404 (Chinese: 地区「…」不在名录中) for a region no one knows, before any figure is computed."""
    if region:
        sc = resolve(lib, region)
        if not sc.known:
            raise HTTPException(404, sc.message)


def _legend(res: OI.RegionIndicators) -> list[dict[str, Any]]:
    out = []
    for d in OI.legend():
        th = res.thresholds.get(d["name"])
        limits = []
        if th is not None:
            sign = "≤" if th.direction == "low" else "≥"
            for word, v in (("黄色", th.yellow), ("红色", th.red)):
                if v is not None:
                    limits.append(f"{word} {sign} {OI.display(d['name'], v)}")
        out.append(d | {"thresholds": "，".join(limits) or "未设阈值"})
    return out


# ------------------------------------------------------------------ compare across agencies
@router.get("/compare/agencies", response_class=HTMLResponse, include_in_schema=False)
def compare_agencies(request: Request, region: str | None = None, year: str | None = None,
                     sort: str | None = None, desc: str | None = None, page: str | None = None):
    with pinned():                  # the fingerprints read once for the page's figures
        return _compare_agencies(request, region, year, sort, desc, page)


def _compare_agencies(request: Request, region: str | None, year: str | None, sort: str | None, desc: str | None,
                      page: str | None):
    years, regions, y = _choices(request, year_param(year), region)
    key = sort if sort in (*OI.DEFINITIONS, "agency") else None
    descending = desc in ("1", "true", "yes")
    lib = request.app.state.backend.library
    res = lib.indicators(region=region or None, year=y) if y is not None else None
    rows = (OI.sort_rows(res.rows, key, descending) if key else res.rows) if res else []
    n = page_number(page)
    shown = rows[(n - 1) * PAGE:n * PAGE]

    def link(**kw) -> str:
        q = {"region": region or "", "year": y or "", "sort": key or "", "desc": "1" if descending else ""} | kw
        return "/compare/agencies?" + urlencode({k: v for k, v in q.items() if v not in ("", None)})

    sort_links = {name: link(sort=name, desc="" if key == name and descending else "1", page="")
                  for name in (*OI.DEFINITIONS, "agency")}
    return render(request, "oversight_compare.html", res=res, rows=shown, total=len(rows), page=n,
                   more=len(rows) > n * PAGE, prev_link=link(page=n - 1) if n > 1 else None,
                   next_link=link(page=n + 1), region=region or "", year=y, years=years, regions=regions,
                   region_options=datalist_options(regions),
                   sort=key, desc=descending, sort_links=sort_links, definitions=OI.DEFINITIONS,
                   legend=_legend(res) if res else [], overview=link(sort="", desc="", page="").replace(
                       "/compare/agencies", "/regions/overview"))


# ------------------------------------------------------------------ region overview with charts
@router.get("/regions/overview", response_class=HTMLResponse, include_in_schema=False)
def region_overview(request: Request, region: str | None = None, year: str | None = None,
                    indicator: str | None = None):
    with pinned():                  # the registry's fingerprint read once for the page's figures
        return _region_overview(request, region, year, indicator)


def _region_overview(request: Request, region: str | None, year: str | None, indicator: str | None):
    years, regions, y = _choices(request, year_param(year), region)
    name = indicator if indicator in OI.DEFINITIONS else "denial_rate"
    lib = request.app.state.backend.library
    res = lib.indicators(region=region or None, year=y) if y is not None else None
    trend = lib.indicator_trend(region=region or None)
    th = res.thresholds.get(name) if res else None
    options = {"trend": charts.trend_option(trend, res.region if res else region)}
    sub = OI.subregion_trend(lib, region or None, name)
    if sub:
        options["subregions"] = charts.subregion_option(name, sub, th if res else None)
    if res is not None:
        options |= {"distribution": charts.distribution_option(name, res.rows, th),
                    "ranking": charts.ranking_option(name, res.rows, th)}
    bars = min(len([r for r in res.rows if r.indicators[name].value is not None]), charts.RANKING_LIMIT) if res else 0
    q = urlencode({k: v for k, v in {"region": region or "", "year": y or ""}.items() if v})
    return render(request, "oversight_region.html", res=res, region=region or "", year=y, years=years,
                   regions=regions, region_options=datalist_options(regions), indicator=name,
                   definitions=OI.DEFINITIONS, options=options,
                   ranking_height=120 + 22 * max(bars, 3), legend=_legend(res) if res else [],
                   compare_link=f"/compare/agencies?{q}", query=q)


# ------------------------------------------------------------------ dashboard panel
@router.get("/regions/indicators-panel", response_class=HTMLResponse, include_in_schema=False)
def indicators_panel(request: Request, region: str | None = None, year: str | None = None):
    """The dashboard's indicators panel (HTMX fragment): the region's totals with marks and formulas."""
    y = year_param(year)
    _known(request.app.state.backend.library, region)
    if y is None:
        y = OI.busiest_year(request.app.state.backend.library)
    res = request.app.state.backend.library.indicators(region=region or None, year=y) if y is not None else None
    q = urlencode({k: v for k, v in {"region": region or "", "year": y or ""}.items() if v})
    return request.app.state.templates.TemplateResponse(
        request, "oversight_panel.html", {"res": res, "year": y, "region": region or "", "query": q,
                                          "legend": _legend(res) if res else []})


# ------------------------------------------------------------------ JSON API
class IndicatorOut(BaseModel):
    name: str
    label: str
    formula: str
    value: float | None
    display: str
    numerator: float | None
    denominator: float | None
    mark: str | None
    reason: str | None
    reports: int | None = None
    of: int | None = None


class AgencyIndicatorsOut(BaseModel):
    report_id: int
    agency_id: int | None
    agency: str | None
    region: str | None
    agency_name: str | None
    year: int | None
    indicators: dict[str, IndicatorOut]


class DefinitionOut(BaseModel):
    name: str
    label: str
    formula: str
    kind: str
    note: str


class ThresholdOut(BaseModel):
    yellow: float | None
    red: float | None
    direction: str


class IndicatorsOut(BaseModel):
    region: str | None
    year: int | None
    definitions: list[DefinitionOut]
    thresholds: dict[str, ThresholdOut]
    totals: dict[str, IndicatorOut]
    rows: list[AgencyIndicatorsOut]
    distribution: dict[str, dict[str, Any]]
    totals_note: str = ""
    totals_excluded: list[int] = []


@router.get("/api/indicators", response_model=IndicatorsOut, tags=["oversight"],
         summary="风险指标：一个地区一个年度各机关的实质公开率、不予公开率、复议纠错率、诉讼败诉率、结转率、申请量、同比波动",
         description="每个指标给出公式、分子、分母、值与红/黄标记（阈值取所在地区的配置）；分母为 0 或空白时值为 null、"
                     "display 为“—”并说明原因。totals 为地区合计（各机关分子之和 ÷ 分母之和；不含汇总全域数据的政府报告，"
                     "其编号见 totals_excluded，说明见 totals_note），distribution 为各机关取值的分布。未知地区为 404。"
                     "sort 为指标名时按其排序（无值者总在最后）。")
async def api_indicators(request: Request, year: int = year_query(description="年度"),
                         region: str | None = Query(None, description="地区名称、全称或登记表编号；省略为全部地区"),
                         agency: str | None = Query(None, description="只看一个机关（名称或编号）"),
                         sort: str | None = Query(None, description="排序指标，如 denial_rate"),
                         desc: bool = False):
    lib = request.app.state.backend.library
    if sort is not None and sort not in (*OI.DEFINITIONS, "agency"):
        raise HTTPException(400, f"不支持的排序 {sort}（可选 {'、'.join(OI.DEFINITIONS)}、agency）")
    if agency is not None and lib.store.find_agency(agency) is None:
        raise HTTPException(404, f"机关「{agency}」不存在")
    _known(lib, region)
    res = await run_in_threadpool(lib.indicators, region=region or None, year=year, agency=agency)
    d = res.to_dict()
    if sort:
        d["rows"] = [r.to_dict() for r in OI.sort_rows(res.rows, sort, desc)]
    return d
