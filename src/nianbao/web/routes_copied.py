"""Copied text and roll-up pages: two reports' sections 一/五 side by side with the copied passages
marked (/copied/{id}/{other}: linked from the X002 and X005 findings of the report page), the
copied pairs of a year (/copied), a region's roll-up (/rollup), and their JSON API
(/api/copied, /api/copied/{id}/{other}, /api/rollup, POST /api/region-audit).

A thin layer over Library.copied / copied_view / rollup / audit_region (nianbao.oversight).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..oversight.rollup import fmt
from . import auth
from .views import library, render
from .params import year_param

router = APIRouter()
SECTION_NAMES = {1: "一、总体情况", 5: "五、存在的主要问题及改进情况"}
# a report compared with itself is 100% the same: refused before anything is read (400, not a page)
SAME_REPORT = "不能把报告 {} 与它自己比较：请给出两份不同报告的编号"


def _year(request: Request, year: str | None) -> int | None:
    y = year_param(year)
    if y is None:
        years = request.app.state.backend.years()
        y = years[0] if years else None
    return y


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{round(v * 100)}%"


# ------------------------------------------------------------------ pages
def _not_stored(lib, report_id: int, other_id: int) -> str:
    """Why a pair cannot be shown: which report is not stored, and if it was deleted, its deletion
    record and the report it was restored as (an older version's finding may still name it)."""
    for rid, other in ((report_id, other_id), (other_id, report_id)):
        if lib.store.get_info(rid) is not None:
            continue
        got = lib.deletion_of(rid)
        now = got[1] if got is not None else None
        pair = f"/copied/{other}/{now}" if rid == other_id else f"/copied/{now}/{other}"
        return lib.not_stored_message(rid) + (f"：{pair}" if now is not None else "")
    return "报告不存在"


@router.get("/copied/{report_id}/{other_id}", response_class=HTMLResponse, include_in_schema=False)
def copied_page(request: Request, report_id: int, other_id: int):
    if report_id == other_id:
        raise HTTPException(400, SAME_REPORT.format(report_id))
    view = library(request).copied_view(report_id, other_id)
    if view is None:
        raise HTTPException(404, _not_stored(library(request), report_id, other_id))
    return render(request, "copied.html", mode="pair", view=view, names=SECTION_NAMES, pct=_pct)


@router.get("/copied", response_class=HTMLResponse, include_in_schema=False)
def copied_list(request: Request, year: str | None = None, region: str | None = None):
    y = _year(request, year)
    pairs, error = [], None
    if y is not None:
        try:
            pairs = library(request).copied(year=y, region=region or None)
        except InputError as e:
            error = e.message
    return render(request, "copied.html", mode="list", pairs=pairs, year=y, region=region or "", error=error,
                   years=request.app.state.backend.years(), pct=_pct)


@router.get("/rollup", response_class=HTMLResponse, include_in_schema=False)
def rollup_page(request: Request, region: str | None = None, year: str | None = None, all: str | None = None):
    y = _year(request, year)
    ru, error = None, None
    if region and y is not None:
        try:
            ru = library(request).rollup(region=region, year=y)
        except InputError as e:
            error = e.message
    show_all = all in ("1", "true", "yes")
    cells = []
    if ru is not None and ru.computed:
        diffs = {c.path for c in ru.differences()}
        cells = [{"name": c.name, "government": fmt(c.government), "total": fmt(c.total), "difference": fmt(c.difference),
                  "differs": c.path in diffs, "blank": c.blank,
                  "lower_bound": bool(ru.missing) and c.difference is not None and c.difference > 0}
                 for c in ru.cells if show_all or c.difference is None or abs(c.difference) > 1e-9]
    q = urlencode({k: v for k, v in {"region": region or "", "year": y or "", "all": "1"}.items() if v})
    return render(request, "copied.html", mode="rollup", ru=ru, cells=cells, region=region or "", year=y,
                   error=error, years=request.app.state.backend.years(), show_all=show_all, all_link=f"/rollup?{q}")


# ------------------------------------------------------------------ JSON API
class PairOut(BaseModel):
    report_id: int
    agency: str | None
    region: str | None
    other_report_id: int
    other_agency: str | None
    share: float
    other_share: float
    by_section: dict[str, float]
    threshold: float
    year: int


@router.get("/api/copied", response_model=list[PairOut], tags=["oversight"],
            summary="同级雷同的报告对（同一年度、地区、同类机关，第一、五部分相同比例达到阈值）")
async def api_copied(request: Request, year: int, region: str | None = None):
    try:
        return await run_in_threadpool(library(request).copied, year=year, region=region or None)
    except InputError as e:
        raise HTTPException(404 if getattr(e, "kind", "") == "notfound" else 400, e.message) from None


@router.get("/api/copied/{report_id}/{other_id}", tags=["oversight"],
            summary="两份报告第一、五部分并排，标出相同段落（字符位置，左闭右开）")
async def api_copied_pair(request: Request, report_id: int, other_id: int):
    if report_id == other_id:
        raise HTTPException(400, SAME_REPORT.format(report_id))
    view = await run_in_threadpool(library(request).copied_view, report_id, other_id)
    if view is None:
        raise HTTPException(404, await run_in_threadpool(_not_stored, library(request), report_id, other_id))

    def spans(segments: list[tuple[str, bool]]) -> dict[str, Any]:
        text, out, pos = "", [], 0
        for piece, marked in segments:
            if marked:
                out.append([pos, pos + len(piece)])
            text += piece
            pos += len(piece)
        return {"text": text, "spans": out}

    return {k: v for k, v in view.items() if k != "sections"} | {
        "sections": [{"no": s["no"], "this": spans(s["this"]), "other": spans(s["other"])} for s in view["sections"]]}


@router.get("/api/rollup", tags=["oversight"],
            summary="汇总比对：全域政府报告表三、表四与下属报告之和，逐单元格差额，计入与缺少的机关")
async def api_rollup(request: Request, region: str, year: int):
    try:
        ru = await run_in_threadpool(library(request).rollup, region=region, year=year)
    except InputError as e:
        raise HTTPException(404 if getattr(e, "kind", "") == "notfound" else 400, e.message) from None
    return ru.to_dict()


class RegionAuditIn(BaseModel):
    region: str | None = None
    year: int | None = None


@router.post("/api/region-audit", tags=["oversight"],
             summary="区域审核：重跑 D004、X002、X005、R001、R002 并替换库中这些规则的问题（需登录）")
async def api_region_audit(request: Request, body: RegionAuditIn, user: str = Depends(auth.require_writer)):
    try:
        res = await run_in_threadpool(library(request).audit_region, region=body.region, year=body.year, user=user)
    except InputError as e:
        raise HTTPException(404 if getattr(e, "kind", "") == "notfound" else 400, e.message) from None
    return res.to_dict()
