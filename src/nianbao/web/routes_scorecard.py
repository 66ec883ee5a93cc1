"""Scorecard pages: the ranked table of a region and year under its jurisdiction's scheme with a
ranking chart (/scorecard), one agency's points explained line by line (/scorecard/agency/{key}),
the XLSX (/scorecard.xlsx) and the JSON API (/api/scorecard).

A thin layer over Library.scorecard (nianbao.oversight.scorecard); static/scorecard.js draws the
chart from the ECharts option the page carries as JSON (no inline script: the CSP forbids it).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2.utils import htmlsafe_json_dumps
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..lru import LRU
from ..oversight.config import ConfigError
from ..oversight.scope import pinned
from ..oversight.scorecard import RANK_RULE, inputs_version, ranking_chart, scorecard_xlsx
from .params import year_param, year_query
from .region_options import datalist_options
from .rows import scorecard_rows
from .views import render

router = APIRouter()


_REGIONS = LRU(size=8, ttl=30.0)


def _regions(lib) -> list[str]:
    """Registry regions (full names) first, then the regions the store's agencies name; kept while
    the registry and the agency table are unchanged (as oversight.scope.region_choices)."""
    from ..oversight.regional import registry_of
    from ..oversight.scope import _agency_fingerprint, registry_fingerprint

    key = (getattr(lib.store, "url", None), registry_fingerprint(lib.store), _agency_fingerprint(lib.store))
    got = _REGIONS.get(key)
    if got is None:
        out = [r.full_name or r.name for r in registry_of(lib).regions()]
        got = tuple(out + [g for g in lib.store.regions() if g and g not in out])
        _REGIONS.put(key, got)
    return list(got)


def new_scorecard_cache() -> LRU:
    """Scorecards by (region, year), valid while their inputs hold (scorecard.inputs_version: the
    reports, findings, decisions, registry and date): the page, its agencies' pages, the XLSX and the
    API of one region-year compute it once. One per app (web.app keeps it in app.state.scorecard_cache):
    two stores may well have the same fingerprint."""
    return LRU(size=64)     # 32 region-years: the card and its page data


def _cache(request: Request) -> LRU:
    return request.app.state.scorecard_cache


def _card(request: Request, region: str, year: int):
    with pinned():                  # the store's and the registry's fingerprints read once
        return _card_pinned(request, region, year)


def _card_pinned(request: Request, region: str, year: int):
    lib = request.app.state.backend.library
    version = inputs_version(lib)
    cache = _cache(request)
    card = cache.get((region, year), version)
    if card is not None:
        return card
    try:
        card = lib.scorecard(region, year)
    except InputError as e:
        raise HTTPException(404, e.message) from None
    except ConfigError as e:
        raise HTTPException(400, f"{region} 的评分方案有误：{e}") from None
    cache.put((region, year), card, version)
    return card


def _page_data(request: Request, region: str, year: int, card) -> dict[str, Any]:
    """What the page shows of the card, kept beside it: card.to_dict() (without the lines' evidence,
    which the page does not show and whose copy was most of its cost), the table's rows and the
    chart's option as HTML; valid only for that very card object, so a recomputed card gets its own."""
    cache = _cache(request)
    got = cache.get(("page", region, year))
    if got is not None and got[0] is card:
        return got[1]
    data = card.to_dict(evidence=False)
    ranked = [a for a in data["agencies"] if a["rank"] is not None]
    unranked = [a for a in data["agencies"] if a["rank"] is None]
    page = {"data": data, "rows": scorecard_rows(ranked, region, card.year),
            "unranked_rows": scorecard_rows(unranked, region, card.year), "unranked_count": len(unranked),
            "ranked_count": len(ranked), "rank_rule": RANK_RULE, "chart": htmlsafe_json_dumps(ranking_chart(card))}
    cache.put(("page", region, year), (card, page))
    return page


def _page_parts(request: Request, region: str, year: int | None):
    """The page's regions, card and page data, the fingerprints read once for all three."""
    with pinned():
        regions = _regions(request.app.state.backend.library)
        card = _card(request, region, year) if region and year is not None else None
        return regions, card, _page_data(request, region, year, card) if card is not None else None


# ------------------------------------------------------------------ pages
@router.get("/scorecard", response_class=HTMLResponse, include_in_schema=False)
async def scorecard_page(request: Request, region: str | None = None, year: str | None = None):
    lib = request.app.state.backend.library
    years = sorted(lib.store.years(), reverse=True)
    y = year_param(year) if year not in (None, "") else (years[0] if years else None)
    region = (region or "").strip()
    regions, card, page = await run_in_threadpool(_page_parts, request, region, y)
    ctx: dict[str, Any] = {"region": region, "year": y, "years": years, "regions": regions, "card": card,
                           "region_options": datalist_options(regions)}
    if card is not None:
        ctx.update(page)
        ctx["chart_height"] = max(260, 70 + 24 * min(page["ranked_count"], 60))
    return render(request, "scorecard_index.html", **ctx)


@router.get("/scorecard/agency/{key}", response_class=HTMLResponse, include_in_schema=False)
async def scorecard_agency_page(request: Request, key: str, region: str, year: int = year_query()):
    card = await run_in_threadpool(_card, request, region.strip(), year)
    one = card.agency(key)
    if one is None:
        raise HTTPException(404, f"{card.region} {year} 年度的评分中没有机关「{key}」")
    return render(request, "scorecard_agency.html", card=card, a=one.to_dict(), region=region.strip(), year=year,
                   items={i.id: i for i in card.scheme.items}, rank_rule=RANK_RULE)


@router.get("/scorecard.xlsx", include_in_schema=False)
async def scorecard_download(request: Request, region: str, year: int = year_query()):
    from .pages import download

    card = await run_in_threadpool(_card, request, region.strip(), year)
    data = await run_in_threadpool(scorecard_xlsx, card)
    return download(data, f"评分-{card.region}-{year}.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ------------------------------------------------------------------ API
class LineOut(BaseModel):
    item: str = Field(description="扣分项 id（评分方案 items[].id）")
    name: str
    per: str = Field(description="计分方式：missing、late、late_day、finding、cell、indicator")
    evaluated: bool = Field(description="是否评估；缺少输入（无名录、单元格空白、指标分母为 0 …）时为 false，不计入总分")
    count: float | None = Field(None, description="次数、天数、条数或单元格数值")
    points: float | None = Field(None, description="本项得分（已按上限截断）；未评估时为 null")
    raw: float | None = Field(None, description="截断前的得分")
    capped: bool
    text: str = Field(description="本项的中文说明")
    reason: str | None = Field(None, description="未评估的原因")
    applicable: bool = Field(True, description="本项是否适用；false：因不适用而未评估（未公开报告的机关只按「未公开」计分；"
                                               "指标 0÷0），不影响总分的完整性")
    evidence: dict[str, Any] = Field(description="依据：findings（审核问题 id、代码）、excluded、days_late、cells、indicator …")


class AgencyOut(BaseModel):
    rank: int | None = Field(description="名次；同分同名次。null：未完整评估（某适用项缺少输入而未评估，且本地区有机关评估了该项），"
                                         "总分不完整，不参与排名，列于排名之后")
    ranked: bool = Field(description="是否参与排名（rank 不为 null）")
    agency: str
    agency_id: int | None
    key: str = Field(description="说明页 /scorecard/agency/{key} 的机关标识")
    region: str | None
    report_id: int | None
    entry_id: int | None = Field(description="机构名录条目 id")
    status: str = Field(description="published、missing（名录应公开而未公开）、unknown（未导入名录）")
    status_name: str
    base: float
    total: float
    floored: bool = Field(description="总分低于最低分，按最低分计")
    complete: bool = Field(description="评分是否完整；false 时 total 只含已评估的项（缺少输入的项未扣分），不与完整评分比较")
    incomplete: list[str] = Field(description="使评分不完整的扣分项 id（缺少输入；不含不适用的项和对所有机关都无法评估的项）")
    incomplete_text: str | None = Field(description="「未完整评估：<各缺少输入的项未评估的原因>」，如「未完整评估：不在机构名录中，无法判断是否应公开」；评分完整时为 null")
    not_evaluated: list[str] = Field(description="所有未评估的扣分项 id（含不适用的项）")
    lines: list[LineOut]


class ItemOut(BaseModel):
    id: str
    name: str
    per: str
    rule: str
    basis: str | None = None


class ScorecardOut(BaseModel):
    region: str
    year: int
    registry: bool = Field(description="应公开的机关来自机构名录")
    scheme_source: str
    scheme: dict[str, Any] = Field(description="评分方案（base、floor、items）")
    notes: list[str]
    items: list[ItemOut]
    common_gaps: list[str] = Field(description="对所有机关都无法评估的扣分项 id（如未导入机构名录时的 missing）：各机关一样不计，不影响排名")
    ranked_count: int = Field(description="参与排名的机关数")
    unranked_count: int = Field(description="未完整评估、不参与排名的机关数")
    agencies: list[AgencyOut] = Field(description="先为参与排名的机关（按名次），后为未完整评估的机关（rank 为 null，按名称）")


@router.get("/api/scorecard", response_model=ScorecardOut | AgencyOut, tags=["api"],
            summary="一个地区一个年度的评分排名（按该地区适用的评分方案）；给出 agency 时只返回该机关的逐项说明",
            responses={404: {"description": "地区没有报告也不在名录中，或没有该机关"},
                       400: {"description": "该地区的评分方案有误"}})
async def scorecard_api(
        request: Request,
        region: str = Query(description="地区：名录中的地区名、全称或 id；未导入名录时按机关所属地区匹配"),
        year: int = year_query(),
        agency: str | None = Query(None, description="只要一个机关：排名中的 key（机关 id 或 e<名录条目 id>）或名称")):
    card = await run_in_threadpool(_card, request, region.strip(), year)
    if agency:
        one = card.agency(agency)
        if one is None:
            raise HTTPException(404, f"{card.region} {year} 年度的评分中没有机关「{agency}」")
        return JSONResponse(one.to_dict())
    # the response model documents the answer; the dict is built to it (validating hundreds of lines
    # again would cost more than the score)
    return JSONResponse(card.to_dict())
