"""The review workflow's JSON API under /api/review/ (in the OpenAPI at /api/openapi.json).

Reading is open; every change needs a logged-in session and the CSRF token (`X-CSRF-Token`, from
GET /api/session), and names who acts by the session. A change carries the `version` the client
read: when someone changed the finding or the case meanwhile the answer is 409 with `current`
(what it is now), never a silent overwrite. Errors are `{"detail": "<中文说明>"}`.
"""
from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..errors import InputError
from ..model import YEAR_MAX, YEAR_MIN
from ..store.review import DECISION_ALIASES, STATUSES, ConflictError, ReviewError
from . import auth
from .deleted_pages import deleted_rows, restore_deleted
from .paging import PAGE_HEADERS, PAGE_PARAM, with_offset
from .params import year_query
from .views import library

router = APIRouter(prefix="/api/review", tags=["review"])

_CONFLICT = {409: {"description": "冲突：他人已改动（返回 detail 与 current）"}}



def _call(fn, *args, **kw):
    """Review errors as HTTP answers: 404 unknown, 409 conflict (with `current`), 400 otherwise."""
    try:
        return fn(*args, **kw)
    except ConflictError as e:
        return JSONResponse({"detail": e.message, "current": e.current}, status_code=409)
    except ReviewError as e:
        raise HTTPException(404 if e.kind == "notfound" else 400, e.message) from None
    except InputError as e:
        raise HTTPException(400, e.message) from None


class StatusIn(BaseModel):
    status: str = Field(description="、".join(STATUSES))
    comment: str | None = None
    deadline: date | None = Field(None, description="回复期限（退回整改时）")
    version: int = Field(description="读取时审核记录的版本")


def _spellings() -> str:
    by: dict[str, list[str]] = {}
    for k, v in DECISION_ALIASES.items():
        by.setdefault(v or "待定", []).append(k)
    return "；".join(f"{name}：{'、'.join(ks)}" for name, ks in by.items())


class DecisionIn(BaseModel):
    decision: str | None = Field(description="决定，可用中文名或英文别名（不分大小写）——" + _spellings()
                                 + "；待定、undecided 或 null 为撤销决定",
                                 json_schema_extra={"examples": ["确认", "confirm", "误报", "fp", "不适用", "na"]})
    reason: str | None = Field(None, description="误报、不适用时必填")
    note: str | None = None
    version: int = Field(description="读取时该问题的版本")


class ManualFindingIn(BaseModel):
    message: str
    severity: str = "warning"
    path: str | None = Field(None, description="单元格路径，如 tables.applications.new_received.total")
    line: int | None = Field(None, description="原文行号")
    note: str | None = None


class AssignIn(BaseModel):
    report_ids: list[int]
    reviewer: str | None = Field(None, description="审核人；null 为取消分配")


class DeleteIn(BaseModel):
    reason: str | None = Field(None, description="删除原因（可省略；记入留痕）")


@router.get("/reports/{report_id}", summary="一份报告（其机关与年度）的审核状态与审核问题")
def report_review(request: Request, report_id: int) -> dict[str, Any]:
    lib = library(request)
    case = _call(lib.case, report_id)
    if isinstance(case, Response):
        return case
    return {"case": case, "findings": lib.review.findings(case["id"])}


@router.post("/reports/{report_id}/status", summary="改变审核状态（需登录）：待审 → 审核中 → 退回整改 → 已整改待复核 → 通过，"
                                                "逐步推进；退回整改须有已确认的问题；撤回退回整改、重新打开已通过的报告（改回审核中）须填写说明；"
                                                "不能改回待审", responses={**_CONFLICT, 400: {"description": "不允许的状态变化（中文说明）"}})
def set_status(request: Request, report_id: int, body: StatusIn, user: str = Depends(auth.require_writer)):
    return _call(library(request).set_status, report_id, body.status, user=user, comment=body.comment,
                 deadline=body.deadline, expected_version=body.version)


@router.post("/findings/{finding_id}/decision", summary="确认、误报或不适用（需登录）", responses=_CONFLICT)
def decide(request: Request, finding_id: int, body: DecisionIn, user: str = Depends(auth.require_writer)):
    return _call(library(request).decide, finding_id, body.decision, user=user, reason=body.reason, note=body.note,
                 expected_version=body.version)


@router.post("/reports/{report_id}/findings", status_code=201, summary="人工添加审核问题（需登录）")
def add_finding(request: Request, report_id: int, body: ManualFindingIn, user: str = Depends(auth.require_writer)):
    return _call(library(request).add_finding, report_id, body.message, user=user, severity=body.severity,
                 path=body.path, line=body.line, note=body.note)


@router.post("/assign", summary="把报告分配给审核人（需登录）")
def assign(request: Request, body: AssignIn, user: str = Depends(auth.require_writer)):
    return _call(library(request).assign, body.report_ids, body.reviewer, user=user)


@router.delete("/reports/{report_id}", summary="删除报告（软删除，可恢复，记入留痕；需登录）")
def delete(request: Request, report_id: int, body: DeleteIn | None = Body(None),
           user: str = Depends(auth.require_writer)):
    reason = ((body.reason if body else None) or "").strip() or None
    record = library(request).delete(report_id, user=user, reason=reason)
    if record is None:
        raise HTTPException(404, library(request).not_stored_message(report_id))
    return {"deleted": report_id, "restore_id": record}


@router.get("/deleted", summary="已删除的报告（新的在前）：删除记录编号（恢复时用）、原报告、机关、年度、删除人、时间、理由，"
                                "已恢复的附 restored_as")
def deleted(request: Request, limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
    return deleted_rows(library(request), limit)


@router.post("/deleted/{deleted_id}/restore", summary="恢复已删除的报告（需登录）：成为一份新编号的报告，记入留痕；"
                                                      "已恢复过的返回该报告（restored 为 false）",
             responses={404: {"description": "删除记录不存在"}})
def restore(request: Request, deleted_id: int, user: str = Depends(auth.require_writer)) -> dict[str, Any]:
    report_id, now = _call(restore_deleted, library(request), deleted_id, user)
    return {"deleted_id": deleted_id, "report_id": report_id, "restored": now}


_PAGED = {200: {"headers": PAGE_HEADERS}}


@router.get("/reports/{report_id}/trail", summary="一份报告（同一机关同一年度各版本）的留痕（分页）", responses=_PAGED)
def report_trail(request: Request, response: Response, report_id: int, limit: int = Query(50, ge=1, le=5000),
                 offset: int = Query(0, ge=0, le=10**9), page: str | None = PAGE_PARAM):
    lib, p = library(request), with_offset(page, limit, offset)
    if lib.report_info(report_id) is None and not lib.trail(report_id=report_id, limit=1):
        raise HTTPException(404, f"报告 {report_id} 不存在")
    p.headers(request, response, lib.review.count_trail(report_id=report_id))
    return lib.trail(report_id=report_id, limit=p.limit, offset=p.offset)


@router.get("/trail", summary="留痕（按机关、年度，或按地区；分页）", responses={
    **_PAGED, 400: {"description": "region 与 agency_id、year 同用"},
    404: {"description": "地区不在名录中（也不是已入库报告的地区）"}})
def trail(request: Request, response: Response, agency_id: int | None = Query(None, ge=0, le=2**31),
          year: int | None = year_query(None),
          region: str | None = Query(None, description="一个地区（名录的编号或名称，或已入库报告的地区）的留痕："
                                                       "名录变更（本级、下级，及上级设定的期限与配置）和本地区机关报告的"
                                                       "审核留痕；与 agency_id、year 不同用"),
          limit: int = Query(50, ge=1, le=5000), offset: int = Query(0, ge=0, le=10**9),
          page: str | None = PAGE_PARAM):
    lib, p = library(request), with_offset(page, limit, offset)
    if region is not None and region.strip():
        if agency_id is not None or year is not None:
            raise HTTPException(400, "region 不能与 agency_id、year 同用")
        events = lib.region_trail(region.strip(), limit=None)      # RegionNotFound: 404 (app.py)
        p.headers(request, response, len(events))
        return events[p.offset:p.offset + p.limit]
    p.headers(request, response, lib.review.count_trail(agency_id=agency_id, year=year))
    return lib.trail(agency_id=agency_id, year=year, limit=p.limit, offset=p.offset)


@router.get("/cases", summary="审核状态一览（按地区、年度、状态（或 逾期）、规则、审核人筛选；分页）", responses=_PAGED)
def cases(request: Request, response: Response, region: str | None = None,
          year: int | None = year_query(None), status: str | None = None, rule: str | None = None,
          assignee: str | None = None, limit: int = Query(50, ge=1, le=2000), offset: int = Query(0, ge=0, le=10**9),
          page: str | None = PAGE_PARAM):
    lib, p = library(request), with_offset(page, limit, offset)
    sel = {"region": region, "year": year, "status": status, "rule": rule, "assignee": assignee}
    p.headers(request, response, lib.count_cases(**sel))
    return lib.cases(**sel, limit=p.limit, offset=p.offset)


@router.get("/progress", summary="各地区审核进度：已审、退回整改、待复核、逾期、通过")
def progress(request: Request, region: str | None = None, year: int | None = year_query(None)):
    return library(request).progress(region=region, year=year)


@router.get("/fp-rate", summary="各规则的误报率（误报 ÷ (确认 + 误报)）")
def fp_rate(request: Request, region: str | None = None, year: int | None = year_query(None)):
    return library(request).fp_rates(region=region, year=year)


def _download(data: bytes, filename: str, media: str) -> Response:
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


class NoticeIn(BaseModel):
    agency_id: int | None = Field(None, ge=0, le=2**31, description="一个机关（与 region 二选一）")
    region: str | None = Field(None, description="一个地区的所有机关（zip）")
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    fmt: str = Field("docx", description="docx 或 xlsx")
    deadline: date | None = Field(None, description="回复期限")


def _notice(request: Request, agency_id: int | None, region: str | None, **kw) -> Response:
    if (agency_id is None) == (not region):
        raise HTTPException(400, "请给出 agency_id 或 region 之一")
    plan = _call(library(request).notice_plan, agency=agency_id, region=region, **kw)
    if isinstance(plan, Response):
        return plan
    applied = _call(plan.apply)
    if isinstance(applied, Response):
        return applied
    got = _download(plan.data, plan.name, plan.media)
    if plan.skipped:                # the agencies left out (status, no confirmed finding), named
        got.headers["X-Notice-Skipped"] = quote("、".join(plan.skipped))
    return got


@router.get("/notice", summary="下载整改通知（一个机关 docx/xlsx，或一个地区所有机关的 zip；只读，不改变状态、不记留痕）",
            responses={200: {"content": {"application/octet-stream": {}}}})
def notice(request: Request, agency_id: int | None = Query(None, ge=0, le=2**31), region: str | None = None,
           year: int | None = year_query(None), fmt: str = "docx", deadline: date | None = None):
    return _notice(request, agency_id, region, year=year, fmt=fmt, deadline=deadline, record=False)


@router.post("/notice", summary="发出整改通知（需登录）：报告退回整改（附回复期限），记入留痕，返回通知文件；地区中不能退回的机关（如已通过）不发出，列于响应头 X-Notice-Skipped",
             responses={200: {"content": {"application/octet-stream": {}}}})
def send_notice(request: Request, body: NoticeIn, user: str = Depends(auth.require_writer)):
    return _notice(request, body.agency_id, body.region, year=body.year, fmt=body.fmt, deadline=body.deadline,
                   user=user, send=True)


@router.get("/reports/{report_id}/original", summary="下载报告原文件（入库时保存了原文件的）",
            responses={200: {"content": {"application/octet-stream": {}}}})
def original(request: Request, report_id: int):
    got = library(request).original(report_id)
    if got is None:
        raise HTTPException(404, f"报告 {report_id} 不存在或未保存原文件")
    return _download(got[0], got[1], "application/octet-stream")
