"""The JSON API under /api/ (OpenAPI at /api/openapi.json, docs at /api/docs).

Reading is open; upload and delete need a logged-in session and the CSRF token
in the `X-CSRF-Token` header (GET /api/session gives it). Errors are
`{"detail": "<中文说明>"}` with a 4xx status.

Every list is paged (web/paging.py): `?page=` and `?limit=` (default 50, at most 500); the body is
the page's items, the headers X-Total-Count, X-Page, X-Limit and Link (next/prev/first/last).
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from . import auth
from .pages import agency_series, download, read_uploads
from .paging import PAGE_HEADERS, Paging, paging
from .params import year_query
from .viewcache import view_async
from .uploads import Skipped, expand_all

router = APIRouter(prefix="/api", tags=["api"])


class FindingCounts(BaseModel):
    error: int
    warning: int
    info: int


class ReportSummaryOut(BaseModel):
    id: int
    agency: str
    agency_id: int | None
    is_current: bool
    year: int | None
    region: str | None
    format: str
    file: str | None
    sha256: str | None
    findings: FindingCounts
    rules: dict[str, int]


class UploadedFile(BaseModel):
    name: str
    ok: bool
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    duplicate: bool = False
    message: str = ""


class UploadResult(BaseModel):
    stored: int = Field(description="新入库的报告数（不含此前已在库中的文件）")
    duplicates: int = Field(0, description="此前已在库中的文件数（duplicate: true）")
    failed: int = Field(description="未能入库的文件数")
    files: list[UploadedFile]
    skipped: int = Field(0, description="ZIP 内不是年度报告格式、未读取的文件数（JSON、图片、表格等；不计入失败）")
    skipped_note: str | None = Field(None, description="跳过说明（一行：多少个、哪些类型、原因）")


class SessionOut(BaseModel):
    user: str | None
    csrf_token: str


def _report_or_404(request: Request, report_id: int):
    got = request.app.state.backend.get(report_id)
    if got is None:
        raise HTTPException(404, request.app.state.backend.library.not_stored_message(report_id))
    return got


@router.get("/session", response_model=SessionOut, summary="当前登录用户与 CSRF 令牌")
def session(request: Request):
    return {"user": auth.current_user(request), "csrf_token": auth.csrf_token(request)}


_PAGED = {200: {"headers": PAGE_HEADERS}, 400: {"description": "页码或每页条数不正确"}}


@router.get("/reports", response_model=list[ReportSummaryOut], responses=_PAGED,
            summary="报告列表（可按年度、地区、规则、机关筛选；分页）")
async def list_reports(request: Request, response: Response, year: int | None = year_query(None),
                       region: str | None = None, rule: str | None = None, agency: str | None = None,
                       q: str | None = None, p: Paging = Depends(paging)):
    backend = request.app.state.backend
    sel = {"year": year, "region": region, "rule": rule, "agency": agency, "search": q}

    def body() -> tuple[bytes, int]:
        rows, total = backend.page(**sel, limit=p.limit, offset=p.offset, registry_regions=True)
        return json.dumps([s.as_dict() for s in rows], ensure_ascii=False, separators=(",", ":")).encode(), total

    # the same page for every client until the store or the registry (the rows' regions) changes
    # (viewcache): serialised once
    from ..oversight.scope import registry_fingerprint

    version = (backend.data_version(), registry_fingerprint(backend.store))
    data, total = await view_async(request.app, ("api-reports", *sel.values(), p.offset, p.limit), body, version)
    out = Response(data, media_type="application/json")
    p.headers(request, out, total)
    return out


@router.get("/agencies", responses=_PAGED, summary="机关列表（可按地区、名称筛选；分页）")
def list_agencies(request: Request, response: Response, region: str | None = None, name: str | None = None,
                  p: Paging = Depends(paging)) -> list[dict[str, Any]]:
    store = request.app.state.backend.store
    rows = store.agencies(name=name or None, region=region or None, limit=p.limit, offset=p.offset)
    p.headers(request, response, store.count_agencies(name=name or None, region=region or None))
    return [{"id": a.id, "name": a.name, "region": a.region, "names": a.names, "reports": a.reports,
             "years": a.years} for a in rows]


@router.get("/findings", responses=_PAGED, summary="审核问题列表（跨报告，可按规则、严重程度筛选；分页）")
def list_findings(request: Request, response: Response, rule: str | None = None, severity: str | None = None,
                  p: Paging = Depends(paging)) -> list[dict[str, Any]]:
    store = request.app.state.backend.store
    rows = store.findings(code=rule or None, severity=severity or None, limit=p.limit, offset=p.offset)
    p.headers(request, response, store.count_findings(code=rule or None, severity=severity or None))
    return rows


@router.get("/findings/by-rule", summary="各规则的问题数与涉及报告数（按年度、地区筛选），附规则中文名")
def findings_by_rule(request: Request, year: int | None = year_query(None),
                     region: str | None = None) -> list[dict[str, Any]]:
    from ..audit.titles import rule_title

    rows = request.app.state.backend.rule_counts(year=year, region=region)
    return [r | {"title": rule_title(r["code"])} for r in rows]


@router.get("/runs", responses=_PAGED, summary="入库记录（命令行入库、网页上传、抓取；新的在前；分页）")
def list_runs(request: Request, response: Response, p: Paging = Depends(paging)) -> list[dict[str, Any]]:
    store = request.app.state.backend.store
    rows = store.runs(limit=p.limit, offset=p.offset)
    p.headers(request, response, store.count_runs())
    return rows


@router.get("/exports", summary="可用的导出种类（GET /api/export?kind=…）")
def list_exports(request: Request) -> list[dict[str, str]]:
    return [{"kind": k, "label": label} for k, label in request.app.state.backend.export_kinds()]


@router.get("/reports/{report_id}", summary="一份报告：摘要与完整模型（report-json）")
def get_report(request: Request, report_id: int) -> dict[str, Any]:
    s, r = _report_or_404(request, report_id)
    return {"summary": s.as_dict(), "report": r.to_dict()}


@router.get("/reports/{report_id}/findings", responses=_PAGED, summary="一份报告的审核问题（分页）")
def get_findings(request: Request, response: Response, report_id: int, severity: str | None = None,
                 rule: str | None = None, p: Paging = Depends(paging)) -> list[dict[str, Any]]:
    s, r = _report_or_404(request, report_id)
    chosen = [(i, f) for i, f in enumerate(r.findings)
              if not (severity and f.severity != severity or rule and f.code != rule)]
    p.headers(request, response, len(chosen))
    return [{"index": i, **f.model_dump(mode="json", exclude_none=True)}
            for i, f in chosen[p.offset:p.offset + p.limit]]


@router.delete("/reports/{report_id}", summary="删除一份报告（软删除，可恢复，记入留痕；需登录）：restore_id 是恢复时用的删除记录编号")
def delete_report(request: Request, report_id: int, user: str = Depends(auth.require_writer)) -> dict[str, Any]:
    record = request.app.state.backend.delete(report_id, user=user)   # the original file stays
    if record is None:
        raise HTTPException(404, request.app.state.backend.library.not_stored_message(report_id))
    return {"deleted": report_id, "restore_id": record}


@router.get("/agencies/{agency_id}", summary="一个机关历年的报告与主要数字")
def agency(request: Request, agency_id: int) -> dict[str, Any]:
    backend = request.app.state.backend
    info = backend.agency(agency_id)
    history = backend.history(agency_id) if info else []
    if not history:
        raise HTTPException(404, f"机关 {agency_id} 不存在或没有报告")
    return {"agency": info, "reports": [s.as_dict() for s, _ in history], "series": agency_series(history)}


@router.get("/compare", responses=_PAGED,
            summary="比较指标：给定报告、一个机关的历年，或一个地区一个年度的所有机关（后者分页）")
def compare(request: Request, response: Response,
            ids: list[int] = Query(default=[], description="报告 id，可重复：?ids=1&ids=2（至多 500 个）"),
            agency_id: int | None = None, region: str | None = None, year: int | None = year_query(None),
            p: Paging = Depends(paging)) -> dict[str, Any]:
    backend = request.app.state.backend
    if len(ids) > 500:
        raise HTTPException(400, f"一次至多比较 500 份报告（收到 {len(ids)} 个 id）")
    for i in ids:
        _report_or_404(request, i)
    if agency_id is not None and backend.agency(agency_id) is None:
        raise HTTPException(404, f"机关 {agency_id} 不存在")
    if not ids and agency_id is None and region is None and year is None:
        raise HTTPException(400, "请给出 ids、agency_id，或 region / year")
    if ids or agency_id is not None:
        return backend.compare(ids=ids or None, agency_id=agency_id)
    # every agency of a region and year: one page of them (their cells are read for the page only),
    # marked with the region's own thresholds (its jurisdiction's configuration), as nianbao compare
    from .. import compare as C
    from ..oversight.indicators import config_thresholds

    store = backend.store
    # the region's scope (registry subtree, else the store's text; 404 when unknown: oversight.scope)
    infos = backend.library.reports(region=region or None, year=year, limit=p.limit, offset=p.offset)
    p.headers(request, response, backend.library.report_totals(region=region or None, year=year)["reports"])
    return {"indicators": dict(C.INDICATORS), "shares": sorted(C.SHARES), "findings_note": C.FINDINGS_NOTE,
            "rows": [r.to_dict() for r in C.rows_for(store, infos, config_thresholds(backend.library, region))]}


@router.get("/export", summary="导出所选报告（xlsx、csv-wide、csv-long、json、csv-findings）",
            responses={200: {"content": {"application/octet-stream": {}}}})
def export(request: Request, kind: str = "xlsx", year: int | None = year_query(None), region: str | None = None,
           agency_id: int | None = None):
    backend = request.app.state.backend
    if kind not in dict(backend.export_kinds()):
        raise HTTPException(400, f"不支持的导出 {kind}（可选 {'、'.join(dict(backend.export_kinds()))}）")
    try:
        return download(*backend.export(kind, year=year, region=region, agency=agency_id))
    except InputError as e:
        raise HTTPException(400, e.message) from None


@router.get("/agencies/{agency_id}/rectification", summary="一个机关的整改清单（xlsx 或 docx）",
            responses={200: {"content": {"application/octet-stream": {}}}})
def rectification(request: Request, agency_id: int, fmt: str = "xlsx", year: int | None = year_query(None)):
    if fmt not in ("xlsx", "docx"):
        raise HTTPException(400, "整改清单只能导出为 xlsx 或 docx")
    try:
        return download(*request.app.state.backend.rectification(agency_id, fmt, year=year))
    except InputError as e:
        raise HTTPException(404, e.message) from None


@router.post("/upload", response_model=UploadResult, status_code=201,
             summary="上传报告文件（可多个或 ZIP），解析、审核并入库（需登录）",
             responses={400: {"description": "没有文件"}, 413: {"description": "文件过大，或压缩包解压后过大、文件过多"},
                        415: {"description": "文件类型不支持"}, 422: {"description": "文件无法解析"},
                        429: {"description": "同一用户同时进行的上传超出额度（字节数或文件数）"}})
async def upload(request: Request, files: list[UploadFile] = File(...), user: str = Depends(auth.require_writer)):
    """Synchronous: the answer says, per file, whether it was stored and why not."""
    uploads = await read_uploads(files, request.app.state.settings.max_bytes)
    # expanding, parsing (a 200-page PDF) and storing wait on a worker thread, never on the event loop:
    # other requests go on being answered meanwhile
    return await run_in_threadpool(_store_uploads, request.app, user, uploads)


def _store_uploads(app, user: str, uploads: list[tuple[str, bytes]]):
    settings, backend = app.state.settings, app.state.backend
    try:
        got, refused, release = expand_all(uploads, settings.upload_limits, app.state.upload_budget, user)
    except InputError as e:          # the user's uploads in flight are over budget
        raise HTTPException(_status_for(e), e.message) from None
    results: list[dict[str, Any]] = []
    statuses: list[int] = []
    try:
        run_id = backend.start_run([name for name, _ in uploads])
        skipped = [e for e in refused if isinstance(e, Skipped)]
        for e in refused:
            if e in skipped:
                continue
            results.append({"name": e.file or "", "ok": False, "message": e.message})
            statuses.append(_status_for(e))
        for f in got:
            try:
                s = backend.ingest(f.data, f.name, run_id=run_id, user=user)
            except InputError as e:
                results.append({"name": f.name, "ok": False, "message": e.message})
                statuses.append(_status_for(e))
                continue
            except Exception as e:  # an unforeseen file: a clear answer rather than a 500
                results.append({"name": f.name, "ok": False, "message": f"无法解析（{type(e).__name__}: {e}）"})
                statuses.append(422)
                continue
            if s.sha256:
                app.state.sources.save(s.sha256, f.data)
            results.append({"name": f.name, "ok": True, "report_id": s.id, "agency": s.agency, "year": s.year,
                            "duplicate": s.duplicate, "message": "该文件此前已入库" if s.duplicate else ""})
        backend.finish_run(run_id, [{"name": r["name"], "message": r["message"],
                                     "state": "error" if not r["ok"] else "duplicate" if r.get("duplicate")
                                     else "done"} for r in results])
    finally:
        release()
    # counted as the CLI counts (新入库 / 已在库中 / 失败): a file already stored is no new report
    duplicates = sum(r["ok"] and r.get("duplicate", False) for r in results)
    ok = sum(r["ok"] for r in results)
    body = {"stored": ok - duplicates, "duplicates": duplicates, "failed": len(results) - ok, "files": results}
    if skipped:   # an archive's files that are no report format: named by count, neither stored nor failed
        body["skipped"] = sum(len(e.names) for e in skipped)
        body["skipped_note"] = "；".join(e.message for e in skipped)
    if ok == 0:
        # no file stored or found stored: the request failed; the status says why (first failure), the
        # body says per file
        body["detail"] = "；".join(f"{r['name']}: {r['message']}" for r in results if not r["ok"])
        return JSONResponse(body, status_code=statuses[0] if statuses else 400)
    return body


def _status_for(e: InputError) -> int:
    return getattr(e, "status", 422)


@router.get("/jobs/{job_id}", summary="网页上传任务的进度")
def job(request: Request, job_id: str) -> dict[str, Any]:
    j = request.app.state.jobs.get(job_id)
    if j is None:
        raise HTTPException(404, "上传任务不存在或已过期")
    return j.as_dict()
