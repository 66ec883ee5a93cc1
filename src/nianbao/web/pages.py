"""Server-rendered pages: report list, report page with source view, agency history, dashboard,
upload with live progress, login.
"""
from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from ..form import FORM_2021, form_for
from ..errors import InputError
from ..model import SEVERITY_RANK, Report
from . import auth
from . import paging
from .viewcache import view, view_async
from .layout import tables_html
from .sources import source_view
from ..lru import LRU
from .params import year_param
from .rows import dashboard_rows, index_rows
from .uploads import expand_all
from .views import render

router = APIRouter(include_in_schema=False)


class ReportGone(HTTPException):
    """404 for a report id that is not stored; `back` is the error page's link (href, text)."""

    def __init__(self, message: str, back: tuple[str, str] | None = None):
        super().__init__(404, message)
        self.back = back


def not_stored(request: Request, report_id: int) -> HTTPException:
    """What /reports/{id} (and its sub-pages) answer for an id that is not stored: a redirect (307) to
    the report it was restored as, the same path below it; 「报告 N 已删除（删除记录 M）」 with the way
    to /deleted for those who may restore it; else 报告 N 不存在."""
    got = request.app.state.backend.library.deletion_of(report_id)
    if got is None:
        return HTTPException(404, f"报告 {report_id} 不存在")
    record, now = got
    if now is not None and now != report_id:
        prefix = f"/reports/{report_id}"
        url = f"/reports/{now}" + request.url.path[len(prefix):]
        if request.url.query:
            url += "?" + request.url.query
        return HTTPException(307, f"报告 {report_id} 已恢复为报告 {now}", headers={"Location": url})
    account = auth.session_account(request)
    back = (f"/deleted?just={record}#deleted-{record}", "到「已删除报告」中恢复") \
        if account is not None and account[1] in auth.WRITERS else None
    return ReportGone(f"报告 {report_id} 已删除（删除记录 {record}）", back)


def _load(request: Request, report_id: int):
    got = request.app.state.backend.get(report_id)
    if got is None:
        raise not_stored(request, report_id)
    return got


# ------------------------------------------------------------------ lists
def pager(page: int, total: int, size: int) -> dict[str, Any]:
    """What the page links need: this page, the last, and the page numbers to show (… between)."""
    last = max(1, -(-total // size))
    shown = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    return {"page": page, "last": last, "total": total, "size": size, "shown": shown,
            "first_row": (page - 1) * size + 1 if total else 0, "last_row": min(total, page * size)}


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, year: str | None = None, q: str | None = None, page: str | None = None):
    backend = request.app.state.backend
    size = request.app.state.settings.page_size
    y = year_param(year)
    n = paging.parse(page, None).page

    def body() -> Markup:
        rows, total = backend.page(year=y, search=q or None, limit=size, offset=(n - 1) * size)
        tpl = request.app.state.templates.env.get_template("_index_body.html")
        return Markup(tpl.render(rows=rows, row_html=index_rows(rows), years=backend.years(), year=y, q=q or "", page=n,
                                 more=n * size < total, pager=pager(n, total, size)))

    return render(request, "index.html", body=await view_async(request.app, ("index", y, q or "", n, size), body))


# ------------------------------------------------------------------ report page
def _sorted_findings(report: Report) -> list[tuple[int, Any]]:
    return sorted(enumerate(report.findings), key=lambda t: (-SEVERITY_RANK[t[1].severity], t[1].code))


class PageCache:
    """Rendered report bodies by report id, valid while the report's version (Backend.version) holds.
    Kept zlib-compressed (a 30 KB body is 6–7 KB; 0.1 ms to inflate), so a few thousand reports fit
    in tens of MB and a reviewer going back and forth is not rendered again."""

    def __init__(self, size: int = 4096):
        self._lru = LRU(size)

    def get(self, id: int, version: tuple):
        hit = self._lru.get(id, version)
        return None if hit is None else (Markup(zlib.decompress(hit[0]).decode()), hit[1])

    def put(self, id: int, version: tuple, body: Markup, summary: Any) -> None:
        self._lru.put(id, (zlib.compress(str(body).encode(), 1), summary), version)


def _render_body(request: Request, report_id: int) -> tuple[Markup, Any]:
    summary, report = _load(request, report_id)
    tpl = request.app.state.templates.env.get_template("_report_body.html")
    body = tpl.render(s=summary, r=report, tables=tables_html(report, summary.id), findings=_sorted_findings(report))
    return Markup(body), summary


@router.get("/reports/{report_id}", response_class=HTMLResponse)
async def report_page(request: Request, report_id: int):
    app = request.app
    # the version check is one indexed query (well under a millisecond): run it right here rather than
    # hand it to the thread pool, whose hand-offs cost more than the query under concurrent load
    version = app.state.backend.version(report_id)
    if version is None:
        raise await run_in_threadpool(not_stored, request, report_id)
    cache: PageCache = app.state.page_cache
    hit = cache.get(report_id, version)
    if hit is None:
        hit = await run_in_threadpool(_render_body, request, report_id)
        cache.put(report_id, version, *hit)
    body, summary = hit
    return render(request, "report.html", s=summary, body=body)


@router.get("/reports/{report_id}/source", response_class=HTMLResponse)
def report_source(request: Request, report_id: int, finding: int | None = None, path: str | None = None):
    """The source view (HTMX fragment) of a finding, or of a table cell and the findings on it."""
    summary, report = _load(request, report_id)
    sources = request.app.state.sources
    if finding is not None:
        if not 0 <= finding < len(report.findings):
            raise HTTPException(404, "该问题不存在")
        f = report.findings[finding]
        view = source_view(sources, report, f.evidence, f.path)
        related = [(finding, f)]
        title = f"{f.code} {f.message}"
    elif path:
        view = source_view(sources, report, None, path)
        related = [(i, f) for i, f in enumerate(report.findings)
                   if f.path and (f.path == path or path.startswith(f.path + ".")) or path in str(f.data)]
        title = form_for(report.format).cell_name(path, full=True)
    else:
        raise HTTPException(400, "请指定要查看的问题（finding）或单元格（path）")
    return render(request, "_source.html", s=summary, r=report, view=view, related=related, title=title,
                  path=path)


@router.get("/reports/{report_id}/pages/{page}.png")
def report_page_png(request: Request, report_id: int, page: int):
    summary, report = _load(request, report_id)
    got = request.app.state.sources.pdf_page_png(report.source.sha256 or "", page)
    if got is None:
        raise HTTPException(404, "页面不存在或未保存原文件")
    return Response(got[0], media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/reports/{report_id}/delete")
def report_delete(request: Request, report_id: int, reason: str = Form(""), user: str = Depends(auth.require_writer)):
    """Soft delete (kept for restoring, trailed; the original stays), then the deleted reports' page
    naming this one and its deletion record, with the button that undoes it."""
    record = request.app.state.backend.delete(report_id, user=user, reason=reason.strip() or None)
    if record is None:
        raise HTTPException(404, f"报告 {report_id} 不存在")
    return RedirectResponse(f"/deleted?just={record}#deleted-{record}", status_code=303)


# ------------------------------------------------------------------ agency
APPLICATIONS, REVIEW = FORM_2021.table("applications"), FORM_2021.table("review_litigation")

def _sum(row_values: list[Any]) -> int | float | None:
    vals = [v for v in row_values if v is not None]
    return sum(vals) if vals else None


def agency_series(history: list[tuple[Any, Report]]) -> dict[str, Any]:
    """Year-by-year figures for the agency charts."""
    years, out = [], {k: [] for k in ("new_received", "carried_over", "granted", "partially_granted", "denied",
                                        "unavailable", "not_processed", "other", "review", "litigation_direct",
                                        "litigation_after_review", "findings")}
    for s, r in history:
        years.append(str(s.year) if s.year else "?")
        apps = r.tables.applications

        def total(key: str) -> Any:
            row = apps.get(key)
            return row.total if row is not None else None

        for k in ("new_received", "carried_over", "granted", "partially_granted"):
            out[k].append(total(k))
        for prefix in ("denied", "unavailable", "not_processed", "other"):
            out[prefix].append(_sum([total(k) for k in APPLICATIONS.row_keys if k.startswith(prefix + ".")]))
        for g in REVIEW.row_keys:
            out[g].append(getattr(r.tables.review_litigation, g).total)
        out["findings"].append(len(r.findings))
    return {"years": years, **out}


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(request: Request, agency_id: int):
    backend = request.app.state.backend
    agency = backend.agency(agency_id)
    history = backend.history(agency_id) if agency else []
    if not history:
        raise HTTPException(404, f"机关 {agency_id} 不存在或没有报告")
    compare = backend.compare(agency_id=agency_id)
    return render(request, "agency.html", agency=agency, history=history, series=agency_series(history),
                  compare=compare)


# ------------------------------------------------------------------ dashboard
ALL_YEARS = "all"          # ?year=all: 全部年度
DASHBOARD_PAGE = 50


def dashboard_figures(backend, year: int | None, region: str | None, rule: str | None) -> dict[str, Any]:
    """Totals, the findings-by-rule chart and the filter choices, each aggregated in SQL (a constant
    number of queries, whatever the number of reports). Regions: the registry's when imported."""
    from ..oversight.scope import region_choices
    from ..audit.titles import rule_label, rule_title

    by_rule: dict[str, Counter] = {}
    for c in backend.rule_counts(year=year, region=region, rule=rule):
        by_rule.setdefault(c["code"], Counter())[c["severity"]] += c["findings"]
    codes = sorted(by_rule)
    chart = {"codes": codes, "labels": [rule_label(c) for c in codes],
             "series": [{"severity": sev, "name": label, "data": [by_rule[c][sev] for c in codes]}
                        for sev, label in (("error", "错误"), ("warning", "警告"), ("info", "提示"))]}
    all_codes = codes if not (region or rule) else sorted({c["code"] for c in backend.rule_counts(year=year)})
    return {"totals": backend.count(year=year, region=region, rule=rule), "chart": chart,
            "rules": [(c, rule_title(c)) for c in all_codes], "regions": region_choices(backend.library)}


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, year: str | None = None, region: str | None = None, rule: str | None = None,
                    page: str | None = None):
    """Opens on the year with the most reports (not the newest, which early in a year holds a few);
    全部年度 with ?year=all. The table is paged on the server, DASHBOARD_PAGE rows a page. The body
    is rendered once per selection and page while the store holds the same reports (viewcache)."""
    from ..oversight.scope import registry_fingerprint

    backend = request.app.state.backend
    version = backend.data_version()
    if region:                  # the registry decides a region's reports: its changes renew the page too
        version = (version, registry_fingerprint(backend.library.store))
    year_counts = await view_async(request.app, ("years",), backend.year_counts, version)
    if year == ALL_YEARS:
        y = None
    elif year is None or year.strip() == "":
        # the busiest year; on a tie the newer one
        y = max(year_counts, key=lambda t: (t[1], t[0]))[0] if year_counts else None
    else:
        y = year_param(year)
    region, rule = region or None, rule or None
    n = paging.parse(page, None).page

    def body() -> Markup:
        from ..audit.titles import rule_title

        figures = view(request.app, ("dashboard-figures", y, region, rule),
                       lambda: dashboard_figures(backend, y, region, rule), version)
        rows, _ = backend.page(year=y, region=region, rule=rule, limit=DASHBOARD_PAGE,
                               offset=(n - 1) * DASHBOARD_PAGE)
        tpl = request.app.state.templates.env.get_template("_dashboard_body.html")
        with_region = any(s.region for s in rows)
        return Markup(tpl.render(
            row_html=dashboard_rows(rows, {c: rule_title(c) for s in rows for c in s.rules}, with_region),
            with_region=with_region, year_counts=year_counts, year=y, year_param=ALL_YEARS if y is None else y,
            region=region or "", rule=rule or "",
            pager=pager(n, figures["totals"]["reports"], DASHBOARD_PAGE), exports=backend.export_kinds(),
            **figures))

    html = await view_async(request.app, ("dashboard", y, region, rule, n), body, version)
    return render(request, "dashboard.html", body=html, year=y, region=region or "", rule=rule or "")


def download(data: bytes, filename: str, media: str) -> Response:
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/exports/{kind}")
def export_download(request: Request, kind: str, year: str | None = None, region: str | None = None):
    backend = request.app.state.backend
    if kind not in dict(backend.export_kinds()):
        raise HTTPException(404, "没有这种导出")
    try:
        return download(*backend.export(kind, year=year_param(year), region=region or None))
    except InputError as e:
        raise HTTPException(400, e.message) from None


@router.get("/agencies/{agency_id}/rectification.{fmt}")
def rectification_download(request: Request, agency_id: int, fmt: str, year: str | None = None):
    if fmt not in ("xlsx", "docx"):
        raise HTTPException(404, "整改清单只能导出为 xlsx 或 docx")
    try:
        return download(*request.app.state.backend.rectification(agency_id, fmt, year=year_param(year)))
    except InputError as e:
        raise HTTPException(404, e.message) from None


# ------------------------------------------------------------------ upload
@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request):
    if not auth.current_user(request):
        return RedirectResponse("/login?next=/upload", status_code=303)
    return render(request, "upload.html", max_mb=request.app.state.settings.max_upload_mb)


def start_ingest(request: Request, user: str, uploads: list[tuple[str, bytes]]):
    """Check every upload, then ingest the good ones in the background; returns the job. The user's
    upload budget is held until the job is through (InputError 429 when it is spent)."""
    app = request.app
    files, failed, release = expand_all(uploads, app.state.settings.upload_limits, app.state.upload_budget, user)
    backend = app.state.backend
    try:
        run_id = backend.start_run([name for name, _ in uploads])
        items = [(f.name, _ingest_work(app, f.name, f.data, run_id, user), hashlib.sha256(f.data).hexdigest())
                 for f in files]     # the hash: a job whose process dies is squared with the store by it
    except BaseException:
        release()
        raise

    def finish(job):
        release()
        backend.finish_run(run_id, [f.as_dict() for f in job.files])
    return app.state.jobs.start(user, items, failed, on_finish=finish, run_id=run_id)


def _ingest_work(app, name: str, data: bytes, run_id: int, user: str | None = None):
    def work():
        s = app.state.backend.ingest(data, name, run_id=run_id, user=user)
        if s.sha256:
            app.state.sources.save(s.sha256, data)
        return s.id, s.agency, s.year, s.duplicate
    return work


async def read_uploads(files: list[UploadFile], max_bytes: int) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        name = (f.filename or "未命名文件").replace("\\", "/").rsplit("/", 1)[-1]
        data = await f.read(max_bytes + 1)     # one byte over is enough to say "too large"
        out.append((name, data))
    return out


@router.post("/upload", response_class=HTMLResponse)
async def upload_post(request: Request, files: list[UploadFile] = File(default=[]),
                      user: str = Depends(auth.require_writer)):
    uploads = [u for u in await read_uploads(files, request.app.state.settings.max_bytes) if u[0] or u[1]]
    uploads = [u for u in uploads if not (u[0] == "未命名文件" and not u[1])]
    if not uploads:
        raise HTTPException(400, "请选择要上传的文件")
    try:
        # a zip is expanded and checked on a worker thread, not on the event loop
        job = await run_in_threadpool(start_ingest, request, user, uploads)
    except InputError as e:            # the user's uploads in flight are over budget
        raise HTTPException(getattr(e, "status", 422), e.message) from None
    if request.headers.get("HX-Request"):
        return render(request, "_job.html", job=job)
    return RedirectResponse(f"/upload/jobs/{job.id}", status_code=303)


@router.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job_id: str):
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "上传任务不存在或已过期")
    if request.headers.get("HX-Request"):
        return render(request, "_job.html", job=job)
    return render(request, "job.html", job=job)


# ------------------------------------------------------------------ login
def _safe_next(nxt: str | None) -> str:
    ok = nxt and nxt.startswith("/") and not nxt.startswith(("//", "/\\")) and "\\" not in nxt
    return nxt if ok else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None):
    return render(request, "login.html", next=_safe_next(next), error="")


@router.post("/login", response_class=HTMLResponse)
async def login_post(request: Request, name: str = Form(...), password: str = Form(...),
                     next: str = Form("/")):
    await auth.check_csrf(request)
    throttle, client = request.app.state.login_throttle, request.client.host if request.client else ""
    # the throttle is a table the server processes share: read and written off the event loop
    wait = await run_in_threadpool(throttle.wait_seconds, client, name)
    if wait:
        return render(request, "login.html", status=429, next=_safe_next(next),
                      error=f"登录失败次数过多，请 {(wait + 59) // 60} 分钟后再试")
    # scrypt takes tens of milliseconds by design: off the event loop, so login attempts never stall other pages
    user = await auth.authenticate_off_loop(request.app.state.backend.engine, name, password)
    if user is None:
        await run_in_threadpool(throttle.failed, client, name)
        return render(request, "login.html", status=401, next=_safe_next(next), error="用户名或密码错误")
    await run_in_threadpool(throttle.succeeded, client, name)
    auth.login_session(request, user.name)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request):
    await auth.check_csrf(request)
    auth.logout_session(request)
    return RedirectResponse("/", status_code=303)
