"""The FastAPI application: settings, middleware, templates and error pages.

`create_app(Settings(...))` builds one app per store; `nianbao serve` runs it
with uvicorn. Pages are server-rendered Jinja2 (autoescaped: report text is
untrusted) with HTMX for the interactive parts; static assets are bundled.
"""
from __future__ import annotations

import json
import os
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.sessions import SessionMiddleware

from . import auth
from .backend import Backend
from .db import ensure_tables
from .jobs import JobRunner
from .sources import SourceFiles
from .uploads import DEFAULT_MAX_EXPANDED_MB, DEFAULT_MAX_MB, DEFAULT_USER_BUDGET_MB, Limits, UploadBudget
from ..originals import default_data_dir
from ..readers.detect import format_name
from ..oversight.scope import RegionNotFound

HERE = Path(__file__).parent
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_MESSAGES = {"Not Found": "页面或接口不存在", "Method Not Allowed": "不支持该请求方法",
                   "Unsupported Media Type": "不支持的内容类型"}


@dataclass
class Settings:
    db_url: str | None = None             # None: $NIANBAO_DB or ./nianbao.db (store.resolve_url)
    data_dir: Path | None = None          # originals and the session key; default beside the SQLite file
    max_upload_mb: int = DEFAULT_MAX_MB
    secret: str | None = None
    workers: int = 2
    secure_cookies: bool = False          # set behind HTTPS
    page_size: int = 50                   # rows per page of the report list (paging.DEFAULT_LIMIT)
    max_expanded_mb: int = DEFAULT_MAX_EXPANDED_MB    # one zip, all entries inflated
    user_budget_mb: int = DEFAULT_USER_BUDGET_MB      # one user's uploads in flight, all requests together
    warm: bool = False                    # warm the caches in the background at start (nianbao serve: web.warm)

    def resolved_data_dir(self, url: str) -> Path:
        return default_data_dir(url, self.data_dir)

    @property
    def max_bytes(self) -> int:
        return self.max_upload_mb * 2**20

    @property
    def upload_limits(self) -> Limits:
        return Limits(self.max_bytes, self.max_expanded_mb * 2**20)

    def to_json(self) -> str:
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()})

    @classmethod
    def from_json(cls, text: str) -> Settings:
        given, known = json.loads(text), {f.name for f in fields(cls)}
        values = {k: v for k, v in given.items() if k in known}
        if values.get("data_dir") is not None:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)


SETTINGS_ENV = "NIANBAO_WEB_SETTINGS"     # the Settings as JSON, for each server process of nianbao serve


def create_app_from_env() -> FastAPI:
    """The app of one server process of `nianbao serve --processes N` (uvicorn's factory, run in each
    process it starts): the settings are the JSON `nianbao serve` put in $NIANBAO_WEB_SETTINGS."""
    text = os.environ.get(SETTINGS_ENV)
    if not text:
        raise RuntimeError(f"${SETTINGS_ENV} is not set: this factory is for the processes nianbao serve starts")
    _stop_with_parent()
    return create_app(Settings.from_json(text))


def _stop_with_parent() -> None:
    """uvicorn's worker processes outlive a parent that is killed outright (SIGKILL, OOM): each would go
    on serving the port alone. This one stops (SIGTERM, its graceful shutdown) once its parent is gone."""
    import signal

    from ..lifeline import when_gone

    when_gone(os.getppid(), lambda: os.kill(os.getpid(), signal.SIGTERM))


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["SEVERITY_LABELS"] = SEVERITY_LABELS
    env.filters["format_name"] = format_name            # a reader's format in Chinese (readers.detect)
    env.globals["account_role"] = _account_role       # base.html shows admins the 用户 link
    return Jinja2Templates(env=env)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    from ..library import Library
    from ..store import resolve_url

    url = resolve_url(settings.db_url)
    data_dir = settings.resolved_data_dir(url)
    data_dir.mkdir(parents=True, exist_ok=True)
    sources = SourceFiles(data_dir)
    # the application façade: store, originals, parse workers; pages and routes ask it (via Backend)
    backend = Backend(Library(url, originals=sources, workers=max(1, settings.workers)))
    ensure_tables(backend.engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop_warming = threading.Event()
        if settings.warm:
            from . import warm
            app.state.warm_up = warm.start(app, settle=True, watch=warm.WATCH, stop=stop_warming)
        yield
        stop_warming.set()
        app.state.jobs.shutdown()
        app.state.upload_budget.close()
        backend.close()         # the Library's parse workers, then the store

    app = FastAPI(title="nianbao 年报审核", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/openapi.json",
                  description="政府信息公开工作年度报告：报告、审核问题、比较与上传的 JSON 接口。")
    app.state.settings = settings
    app.state.backend = backend
    app.state.sources = sources
    # what the server processes share lives in the database (web/db.py), not in this process's memory
    app.state.jobs = JobRunner(backend.engine, settings.workers, store=backend.store)
    app.state.templates = _templates()
    from .pages import PageCache
    from .routes_scorecard import new_scorecard_cache
    from .viewcache import new_view_cache
    app.state.page_cache = PageCache()
    app.state.view_cache = new_view_cache()
    app.state.scorecard_cache = new_scorecard_cache()
    app.state.login_throttle = auth.LoginThrottle(backend.engine)
    app.state.upload_budget = UploadBudget(backend.engine, settings.user_budget_mb * 2**20)

    from .guards import RefuseAnonymousUploads
    app.add_middleware(RefuseAnonymousUploads)          # inside the session middleware: it reads the session
    app.add_middleware(SessionMiddleware, secret_key=settings.secret or auth.load_secret(data_dir),
                       session_cookie="nianbao_session", same_site="lax", https_only=settings.secure_cookies,
                       max_age=12 * 3600)

    app.add_middleware(LimitAndHarden, max_request=settings.max_bytes * 10 + 2**20,
                       max_upload_mb=settings.max_upload_mb)

    @app.exception_handler(RegionNotFound)             # ?region= that neither registry nor store knows
    async def unknown_region(request: Request, exc: RegionNotFound):
        return _error(request, 404, str(exc))

    @app.exception_handler(StarletteHTTPException)     # FastAPI's HTTPException and the router's own 404/405
    async def http_error(request: Request, exc: StarletteHTTPException):
        location = (getattr(exc, "headers", None) or {}).get("Location")
        if 300 <= exc.status_code < 400 and location:      # a page that moved (a restored report's old id)
            return RedirectResponse(location, status_code=exc.status_code)
        detail = STATUS_MESSAGES.get(str(exc.detail), str(exc.detail))
        back = getattr(exc, "back", None)
        if back is None and exc.status_code in (400, 422):     # a bad request: back where it came from
            back = _back_link(request)
        return _error(request, exc.status_code, detail, getattr(exc, "headers", None), back=back)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception):
        # an id or number beyond what the database holds (/reports/1e17 is a 422 already; 10**20 got here)
        return _error(request, 400, "请求中的数字超出范围")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message, status = validation_summary(exc.errors(), for_people=not request.url.path.startswith("/api/"))
        return _error(request, status, message, back=_back_link(request))

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        # browsers ask /favicon.ico whatever the page links: the bundled SVG, cached for a day
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request):
        # FastAPI's own page loads swagger-ui from a CDN; this one uses the bundled copy
        return app.state.templates.TemplateResponse(request, "api_docs.html", {})

    @app.get("/api/health", summary="服务是否可用（数据库能否连接）", tags=["api"])
    def health():
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with backend.engine.connect() as c:
                c.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"status": "error", "detail": "数据库无法连接"}, status_code=503)
        return {"status": "ok"}

    from . import pages, routes_api
    # the pages first: a request walks the routes in order, and the report page and dashboard are
    # what most requests ask (no route of another router is shadowed: tests/test_web_routes.py)
    app.include_router(pages.router)
    app.include_router(routes_api.router)
    from . import routes_review
    app.include_router(routes_review.router)
    from . import review_pages
    app.include_router(review_pages.router)
    from . import deleted_pages
    app.include_router(deleted_pages.router)
    from . import routes_scorecard
    app.include_router(routes_scorecard.router)
    from . import routes_copied
    app.include_router(routes_copied.router)
    from . import routes_oversight
    app.include_router(routes_oversight.router)
    from . import routes_registry
    app.include_router(routes_registry.router)
    from . import routes_admin, routes_rules
    app.include_router(routes_admin.router)
    app.include_router(routes_rules.router)

    return app


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_VALIDATION_ZH = {
    "missing": "缺少此项", "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false", "string_type": "应为文本", "list_type": "应为列表",
    "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON", "date_parsing": "应为日期（如 2024-01-31）",
    "date_from_datetime_parsing": "应为日期（如 2024-01-31）", "date_type": "应为日期（如 2024-01-31）",
    "datetime_parsing": "应为日期时间", "greater_than_equal": "不能小于 {ge}", "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}", "less_than": "应小于 {lt}", "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符", "too_long": "最多 {max_length} 项", "too_short": "至少 {min_length} 项",
    "literal_error": "只能是 {expected}", "enum": "只能是 {expected}", "extra_forbidden": "不是可用的参数",
    "string_pattern_mismatch": "格式不正确",
}


def _zh_list(text: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as 'a'、'b'、'c'."""
    return text.replace("' or '", "'、'").replace("', '", "'、'")


# what a query, path or form parameter is called on the error page people see: 「缺少地区（region）」
PARAM_LABELS = {
    "region": "地区", "year": "年度", "page": "页码", "finding": "问题", "path": "单元格", "q": "搜索词",
    "rule": "规则", "severity": "严重程度", "limit": "条数", "offset": "起始位置", "agency": "机关",
    "agency_id": "机关编号", "report_id": "报告编号", "other_id": "对照报告编号", "ids": "报告编号",
    "kind": "类型", "sort": "排序方式", "desc": "排序方向", "status": "状态", "assignee": "负责人",
    "indicator": "指标", "today": "日期", "fmt": "格式", "key": "机关", "region_id": "地区编号", "ref": "地区",
    "entry_id": "名录条目编号", "finding_id": "问题编号", "deleted_id": "删除记录编号", "job_id": "上传任务编号",
    "name": "名称", "md": "期限", "deadline": "期限", "covers": "报告范围", "yaml": "辖区配置", "file": "文件",
    "files": "文件", "note": "备注", "reason": "理由", "decision": "处理结论", "comment": "说明",
    "version": "版本", "password": "密码", "role": "角色", "all": "全部", "replace": "替换", "just": "删除记录",
}
_LOC_SOURCES = ("query", "body", "path", "form", "header", "cookie")


def _zh_and(items: list[str], spaced: bool = False) -> str:
    """a、b和c; spaced (bare parameter names): a、b 和 c"""
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + (" 和 " if spaced else "和") + items[-1]


def validation_summary(errors: list[dict], for_people: bool) -> tuple[str, int]:
    """The message and status of a request that failed validation. For people (an HTML page) each
    parameter by its Chinese name with the one in the URL after it — 「缺少地区（region）和年度（year）」;
    for the JSON API and HTMX the parameter names themselves, in Chinese sentences."""
    missing, parts, status = [], [], 422
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x not in _LOC_SOURCES]
        where = ".".join(loc)
        if for_people and where:
            label = PARAM_LABELS.get(loc[0])
            where = f"{label}（{where}）" if label else f"参数 {where}"
        said, too_big = validation_message(e)
        status = 400 if too_big else status
        if e.get("type") == "missing" and where:
            missing.append(where)
        else:
            parts.append((f"{where}{said}" if for_people else f"{where}：{said}") if where else said)
    if missing:
        parts.insert(0, ("缺少" if for_people else "缺少参数 ") + _zh_and(missing, spaced=not for_people))
    if for_people:
        return "请求不完整或有误：" + "；".join(parts), status
    return "请求参数不正确（" + "；".join(parts) + "）", status


def _back_link(request: Request) -> tuple[str, str]:
    """Where an error page for a bad request leads back to: the page the user came from (same site),
    the report a report sub-page belongs to, else the report list."""
    from urllib.parse import urlsplit

    ref = urlsplit(request.headers.get("referer", ""))
    if ref.path.startswith("/") and ref.netloc in ("", request.url.netloc) and ref.path != request.url.path:
        return ref.path + (f"?{ref.query}" if ref.query else ""), "返回上一页"
    m = re.match(r"/reports/(\d{1,12})/", request.url.path)
    if m:
        return f"/reports/{m.group(1)}", f"返回报告 {m.group(1)}"
    return "/", "返回报告列表"


def validation_message(e: dict) -> tuple[str, bool]:
    """A pydantic error in Chinese, and whether it is a number too large or not a plain integer
    (`?page=1e17`, `?year=99999999999999999999`): those answer 400, other bad input 422."""
    kind, ctx, given = e.get("type", ""), e.get("ctx") or {}, e.get("input")
    said = _VALIDATION_ZH.get(kind, "格式不正确")
    try:
        said = said.format(**{k: _zh_list(str(v)) for k, v in ctx.items()})
    except (KeyError, IndexError):
        said = _VALIDATION_ZH.get(kind, "格式不正确").split("{")[0].strip() or "格式不正确"
    numeric = isinstance(given, str) and _NUMBER.fullmatch(given) is not None
    too_big = kind in ("less_than_equal", "less_than") or (kind.startswith(("int_", "float_")) and numeric)
    if given is not None and not isinstance(given, (dict, list)) and kind != "missing":
        shown = str(given)
        said += f"，收到「{shown[:40]}{'…' if len(shown) > 40 else ''}」"
    return said, too_big


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"script-src 'self'; object-src 'none'; frame-ancestors 'none'"),
]


FORM_BODY_MAX = 2 * 2**20      # a form or JSON body (no file in it): decisions, notes, bulk assignments


class _TooLarge(StarletteHTTPException):
    """Raised from the body stream: an HTTP error, so FastAPI's body parsing passes it on as it is and
    the app's handler answers 413 in Chinese."""

    def __init__(self, message: str):
        super().__init__(413, message)


class LimitAndHarden:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request): refuse an oversized
    body before it is read — a multipart upload beyond `max_request`, any other body (a form, JSON)
    beyond FORM_BODY_MAX — by its Content-Length, and while it streams in when it has none (chunked);
    each file is checked again on its own. Adds the security headers."""

    def __init__(self, app, max_request: int, max_upload_mb: int):
        self.app, self.max_request, self.max_upload_mb = app, max_request, max_upload_mb

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_hardened(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in have]
            await send(message)

        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            return await self.app(scope, receive, send_hardened)
        headers = dict(scope["headers"])
        upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_request if upload else FORM_BODY_MAX
        msg = (f"上传内容过大（上限每个文件 {self.max_upload_mb} MB，单次共 {self.max_request // 2**20} MB）" if upload
               else f"请求内容过大（上限 {FORM_BODY_MAX // 2**20} MB）")
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await _error(Request(scope), 413, msg)(scope, receive, send_hardened)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:           # no (or a false) Content-Length: stop reading at the limit
                    raise _TooLarge(msg)
            return message

        try:
            await self.app(scope, counted, send_hardened)
        except _TooLarge:                  # raised outside the app's exception handlers
            if started:
                raise
            await _error(Request(scope), 413, msg)(scope, receive, send_hardened)


def _error(request: Request, status: int, message: str, headers: dict | None = None,
           back: tuple[str, str] | None = None, extra: dict | None = None) -> Response:
    """JSON for the API and HTMX fragments, a page for browsers; always a Chinese message. `back`: the
    page's way back (href, text) instead of the report list; `extra`: more for error.html."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if request.headers.get("HX-Request"):
        return HTMLResponse(f'<div class="alert error" role="alert">{_esc(message)}</div>', status_code=status,
                            headers={**(headers or {}), "HX-Reswap": "innerHTML"})
    templates: Jinja2Templates = request.app.state.templates
    session = request.scope.get("session")      # absent when refused before the session middleware
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "message": message, "back": back or ("/", "返回报告列表"),
                                       **(extra or {}),
                                       "user": session.get("user") if session else None,
                                       "csrf": auth.csrf_token(request) if session is not None else ""},
                                      status_code=status, headers=headers)


def _account_role(request: Request | None) -> str | None:
    """The role of the request's user (None without a valid session, or before the session middleware)."""
    if request is None or request.scope.get("session") is None:
        return None
    account = auth.session_account(request)
    return account[1] if account else None


def _esc(s: str) -> str:
    import html
    return html.escape(s)
