"""The registry in the web: the region tree (/registry), one region's agencies with their
deadlines, editable by reviewers and admins (/registry/regions/{id}), the CSV/XLSX upload, the
missing-reports view (/missing); and the JSON API under /api/registry/… and /api/missing (in
the OpenAPI).

Reading is open; every change needs a reviewer's or admin's session and the CSRF token (form
field or `X-CSRF-Token`), as the review forms do. A thin layer over Library.registry,
Library.import_registry and Library.missing. Errors are Chinese: a bad file lists its bad lines.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..oversight.registry import COVERS_NAMES, KIND_NAMES, KINDS, LEVEL_NAMES, RegistryImportError
from ..store.registry import RegistryError
from . import auth
from .params import year_param, year_query
from .region_options import select_options
from .views import library, render

router = APIRouter()
api = APIRouter(prefix="/api", tags=["registry"])
MAX_FILE = 10 * 2**20          # a registry of every agency of a province is well under a megabyte


def _render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return render(request, name, status, kind_names=KIND_NAMES, level_names=LEVEL_NAMES, covers_names=COVERS_NAMES,
                  kinds=KINDS, **ctx)


def _http(e: InputError) -> HTTPException:
    return HTTPException(404 if getattr(e, "kind", "") == "notfound" else 400, e.message)


def _region_or_404(lib, ref: int | str):
    try:
        return lib.registry.resolve(ref)
    except RegistryError as e:
        raise _http(e) from None


def _tree(lib) -> tuple[list[dict[str, Any]], int]:
    """The forest as nested dicts with entry counts (own and below); kept while the store and the
    registry are unchanged (oversight.regional.VIEWS)."""
    from ..oversight.regional import VIEWS

    return VIEWS.get(lib.store, lib.registry, ("registry_tree",), lambda: _build_tree(lib))


def _build_tree(lib) -> tuple[list[dict[str, Any]], int]:
    regions = lib.registry.regions()
    counts = lib.registry.entry_counts()
    kids: dict[int | None, list] = {}
    for r in regions:
        kids.setdefault(r.parent_id, []).append(r)

    def node(r) -> dict[str, Any]:
        children = [node(c) for c in sorted(kids.get(r.id, []), key=lambda c: c.name)]
        n, m = counts.get(r.id, (0, 0))
        return {"region": r, "entries": n, "matched": m, "children": children,
                "total": n + sum(c["total"] for c in children)}

    return [node(r) for r in sorted(kids.get(None, []), key=lambda c: c.name)], len(regions)


CHANGES_SHOWN = 20          # the region page's latest registry changes; the CSV has them all


def _region_ctx(lib, region) -> dict[str, Any]:
    from ..oversight.deadlines import region_rules

    reg = lib.registry
    entries = reg.expected(region.id)
    ids = {e.agency_id for e in entries if e.agency_id is not None}
    names = reg.agency_names(ids) if ids else {}
    chain = reg.ancestors(region.id)
    changes = lib.review.registry_trail(region.id, chain=[r.id for r in chain])
    return {"region": region, "chain": chain, "children": reg.children(region.id),
            "entries": entries, "agency_names": names, "rules": region_rules(reg, region.id),
            "changes": changes[::-1][:CHANGES_SHOWN], "changes_total": len(changes)}


def _year(lib, year: str | None) -> int | None:
    """`?year=` of the missing page: empty is the latest year in the store; not a year within
    YEAR_MIN..YEAR_MAX is a 400 in Chinese, as on every other page."""
    y = year_param(year)
    if y is not None:
        return y
    years = lib.store.years()
    return max(years) if years else None


# ------------------------------------------------------------------ pages
@router.get("/registry", response_class=HTMLResponse, include_in_schema=False)
async def registry_page(request: Request):
    lib = library(request)
    forest, n = await run_in_threadpool(_tree, lib)
    flash = _take_flash(request, "/registry")           # an import just done: its figures
    return _render(request, "registry_index.html", forest=forest, regions=n, result=flash.get("result"),
                   filename=flash.get("filename"))


# ------------------------------------------------------------------ post/redirect/get
# A registry form's outcome goes to the page it redirects to (303) in the session, shown once: a
# reload shows the page, it does not post the form again. The session is a cookie (4 KB at most in
# a browser, and a cookie over it is dropped: the user would be logged out), so what is kept of the
# values typed is bounded; a long one is not kept and the message says where to find it.
FLASH = "registry_flash"
FLASH_MAX = 1500            # bytes of the flash as the session stores it (JSON, non-ASCII escaped)
NOT_KEPT = "（填写的内容较长，未能保留在表单中，可用浏览器的“后退”找回）"


def _flash(request: Request, where: str, done: str | None = None, error: str | None = None,
           form: dict[str, Any] | None = None, **more: Any) -> None:
    import json

    data = {"where": where, "done": done, "error": error, "form": form or {}, **more}
    if len(json.dumps(data)) > FLASH_MAX:
        data["form"] = {}
        data["error"] = (error or "")[:300] + (NOT_KEPT if form else "") if error else None
    request.session[FLASH] = data


def _take_flash(request: Request, where: str) -> dict[str, Any]:
    """The flash left for this page (popped: shown once); {} when there is none for it."""
    flash = request.session.get(FLASH)
    if not isinstance(flash, dict) or flash.get("where") != where:
        return {}
    request.session.pop(FLASH, None)
    return flash


@router.post("/registry/upload", include_in_schema=False)
async def registry_upload(request: Request, file: UploadFile = File(...), replace: str = Form(""),
                          user: str = Depends(auth.require_writer)):
    """An import that succeeds redirects (303) to /registry with its figures. A refused file is
    answered here (400) with every bad line: the list does not fit in a session cookie, and a file
    field cannot be filled again anyway — a reload asks before sending the file again."""
    lib = library(request)
    result, errors = None, []
    data = await file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        errors = [f"文件过大（上限 {MAX_FILE // 2**20} MB）"]
    else:
        try:
            result = await run_in_threadpool(lib.import_registry, data, file.filename or "", user=user,
                                             replace=bool(replace))
        except RegistryImportError as e:
            errors = e.errors
        except InputError as e:
            errors = [e.message]
    if not errors:
        _flash(request, "/registry", result=result.to_dict(), filename=(file.filename or "")[:200])
        return RedirectResponse("/registry", status_code=303)
    forest, n = await run_in_threadpool(_tree, lib)
    return _render(request, "registry_index.html", status=400, forest=forest, regions=n,
                   result=None, errors=errors, filename=file.filename)


@router.get("/registry/regions/{region_id}", response_class=HTMLResponse, include_in_schema=False)
async def region_page(request: Request, region_id: int):
    lib = library(request)
    region = _region_or_404(lib, region_id)
    ctx = await run_in_threadpool(_region_ctx, lib, region)
    flash = _take_flash(request, _region_url(region.id))
    return _render(request, "registry_region.html", error=flash.get("error"), done=flash.get("done"),
                   form=flash.get("form") or {}, **ctx)


@router.get("/registry/regions/{region_id}/trail.csv", include_in_schema=False)
async def region_trail_csv(request: Request, region_id: int):
    """The region's trail (Library.region_trail): its registry changes and its agencies' review events."""
    from .review_pages import trail_csv_response

    lib = library(request)
    region = _region_or_404(lib, region_id)
    events = await run_in_threadpool(lambda: lib.region_trail(region.id, limit=None))
    return trail_csv_response(events, f"留痕-{region.full_name}.csv")


def _region_url(region_id: int) -> str:
    return f"/registry/regions/{region_id}"


async def _form_action(request: Request, region_id: int, fn, done: str,
                       form: dict[str, Any]) -> RedirectResponse:
    """Run a change and go back to the region page (303): there the outcome is shown once — done, or
    the reason it was refused with the form still holding what was typed (`form`: which form, its values)."""
    try:
        await run_in_threadpool(fn)
    except RegistryError as e:
        if e.kind == "notfound":
            raise _http(e) from None
        _flash(request, _region_url(region_id), error=e.message, form=form)
    else:
        _flash(request, _region_url(region_id), done=done)
    return RedirectResponse(_region_url(region_id), status_code=303)


@router.post("/registry/regions/{region_id}/entries", include_in_schema=False)
async def entry_add(request: Request, region_id: int, name: str = Form(""), kind: str = Form(...),
                    covers: str = Form(""), deadline: str = Form(""), user: str = Depends(auth.require_writer)):
    reg = library(request).registry
    return await _form_action(request, region_id, lambda: reg.add_entry(
        region_id, name, kind, covers=covers or None, deadline=deadline or None, user=user), f"已添加「{name}」",
        {"add": {"name": name, "kind": kind, "covers": covers, "deadline": deadline}})


@router.post("/registry/entries/{entry_id}", include_in_schema=False)
async def entry_edit(request: Request, entry_id: int, name: str = Form(""), kind: str = Form(...),
                     covers: str = Form(""), deadline: str = Form(""), user: str = Depends(auth.require_writer)):
    reg = library(request).registry
    e = reg.entry(entry_id)
    if e is None:
        raise HTTPException(404, f"名录条目 {entry_id} 不存在")
    return await _form_action(request, e.region_id, lambda: reg.update_entry(
        entry_id, name=name, kind=kind, covers=covers or None, deadline=deadline or None, user=user),
        f"已保存「{name}」", {"entry": {"id": entry_id, "name": name, "kind": kind, "covers": covers,
                                     "deadline": deadline}})


@router.post("/registry/entries/{entry_id}/delete", include_in_schema=False)
async def entry_delete(request: Request, entry_id: int, user: str = Depends(auth.require_writer)):
    reg = library(request).registry
    e = reg.entry(entry_id)
    if e is None:
        raise HTTPException(404, f"名录条目 {entry_id} 不存在")
    return await _form_action(request, e.region_id, lambda: reg.remove_entry(entry_id, user=user),
                              f"已删除「{e.name}」", {})


@router.post("/registry/regions/{region_id}/deadline", include_in_schema=False)
async def region_deadline(request: Request, region_id: int, kind: str = Form(...), md: str = Form(""),
                          user: str = Depends(auth.require_writer)):
    reg = library(request).registry
    label = KIND_NAMES.get(kind, kind)
    return await _form_action(request, region_id, lambda: reg.set_deadline(region_id, kind, md or None, user=user),
                              f"已设定{label}期限 {md}" if md else f"已取消本级{label}期限",
                              {"deadline": {"kind": kind, "md": md}})


@router.post("/registry/regions/{region_id}/config", include_in_schema=False)
async def region_config(request: Request, region_id: int, yaml: str = Form(""),
                        user: str = Depends(auth.require_writer)):
    reg = library(request).registry
    text = yaml.strip() or None
    return await _form_action(request, region_id, lambda: reg.set_config(region_id, text, user=user),
                              "已保存辖区配置" if text else "已删除本级辖区配置", {"config": {"yaml": yaml}})


@router.get("/missing", response_class=HTMLResponse, include_in_schema=False)
async def missing_page(request: Request, region: str | None = None, year: str | None = None):
    lib = library(request)
    y = _year(lib, year)
    region = (region or "").strip()
    view, error = None, None
    if region and y is not None:
        try:
            view = await run_in_threadpool(lib.missing, region, y)
        except RegistryError as e:
            error = e.message
    regions = await run_in_threadpool(lib.registry.regions)
    years = sorted(set(lib.store.years()) | ({y} if y else set()), reverse=True)
    return _render(request, "registry_missing.html", status=404 if error else 200, view=view, error=error,
                   region=region, year=y, years=years, regions=regions, region_options=select_options(regions, region))


# ------------------------------------------------------------------ API
class RegionOut(BaseModel):
    id: int
    name: str
    full_name: str
    level: str = Field(description="province、city、county、township")
    parent_id: int | None
    deadlines: dict[str, str] = Field(description="本级设定的期限 {机关类型: 'MM-DD'}（报告年度次年；下级继承）")
    has_config: bool = Field(description="本级是否设有辖区配置 YAML")
    entries: int = Field(0, description="本级名录中的机关数")
    matched: int = Field(0, description="其中已对应到库中机关的")


class EntryOut(BaseModel):
    id: int
    region_id: int
    name: str = Field(description="名录中的名称")
    kind: str = Field(description="government、department、township、zone")
    covers: str | None = Field(description="area（全域）、office（本机关）、null（未知）")
    agency_id: int | None = Field(description="对应的库中机关；尚无报告时为 null")
    deadline: str | None = Field(description="本机关单独的期限 'MM-DD'")


class RuleOut(BaseModel):
    md: str = Field(description="期限 'MM-DD'（报告年度次年）")
    source: str = Field(description="来源：条例第四十九条、某市规定 …")
    region_id: int | None


class RegionDetail(RegionOut):
    deadlines_in_force: dict[str, RuleOut] = Field(description="各类机关适用的期限及来源")
    children: list[RegionOut]
    items: list[EntryOut] = Field(description="本级名录中的机关")


class EntryIn(BaseModel):
    name: str = Field(min_length=1)
    kind: str = Field(description="government、department、township、zone")
    covers: str | None = Field(None, description="area、office 或 null")
    deadline: str | None = Field(None, description="本机关单独的期限，如 '01-28'")


class EntryPatch(BaseModel):
    name: str | None = None
    kind: str | None = None
    covers: str | None = Field(None, description="area、office；空串为未知")
    deadline: str | None = Field(None, description="'MM-DD'；空串为取消")


class DeadlineIn(BaseModel):
    md: str | None = Field(description="期限 'MM-DD' 或 '1月28日'；null 为取消本级期限")


class ConfigIn(BaseModel):
    yaml: str | None = Field(description="辖区配置 YAML（deadlines、similarity、indicators、scorecard）；null 为删除")


class ImportOut(BaseModel):
    rows: int
    regions_created: int
    entries_created: int
    entries_updated: int
    entries_unchanged: int
    entries_removed: int
    matched: int
    unmatched: int


def _region_out(r, counts: dict[int, tuple[int, int]]) -> dict[str, Any]:
    """A region with its own entries and how many are matched — the same figures wherever a region
    is answered (the list, its page, its children, after a change to its deadlines or configuration)."""
    n, m = counts.get(r.id, (0, 0))
    return r.to_dict() | {"entries": n, "matched": m}


def _region_counted(lib, r) -> dict[str, Any]:
    return _region_out(r, lib.registry.entry_counts())


def _call(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except RegistryImportError:
        raise
    except InputError as e:
        raise _http(e) from None


@api.get("/registry/regions", summary="名录中的全部地区", response_model=list[RegionOut])
def api_regions(request: Request):
    lib = library(request)
    counts = lib.registry.entry_counts()
    return [_region_out(r, counts) for r in lib.registry.regions()]


@api.get("/registry/regions/{ref}", summary="一个地区（id、名称或全称）：适用期限、下级地区、本级机关",
         response_model=RegionDetail)
def api_region(request: Request, ref: str):
    lib = library(request)
    r = _region_or_404(lib, ref)
    ctx = _region_ctx(lib, r)
    counts = lib.registry.entry_counts()
    return _region_out(r, counts) | {"entries": len(ctx["entries"]),
                                     "matched": sum(e.agency_id is not None for e in ctx["entries"]),
                                     "deadlines_in_force": {k: v.to_dict() for k, v in ctx["rules"].items()},
                                     "children": [_region_out(c, counts) for c in ctx["children"]],
                                     "items": [e.to_dict() for e in ctx["entries"]]}


@api.post("/registry/import", summary="导入名录 CSV/XLSX（可重复导入；需登录）", response_model=ImportOut,
          responses={400: {"description": "文件有误：detail.errors 逐行说明"}})
async def api_import(request: Request, file: UploadFile = File(...), replace: bool = Form(False),
                     user: str = Depends(auth.require_writer)):
    data = await file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise HTTPException(413, f"文件过大（上限 {MAX_FILE // 2**20} MB）")
    try:
        res = await run_in_threadpool(_call, library(request).import_registry, data, file.filename or "", user=user,
                                      replace=replace)
    except RegistryImportError as e:       # every bad line, not only the first
        return JSONResponse({"detail": e.message, "errors": e.errors}, status_code=400)
    return res.to_dict()


@api.post("/registry/regions/{region_id}/entries", status_code=201, summary="在地区下添加机关（需登录）",
          response_model=EntryOut)
def api_entry_add(request: Request, region_id: int, body: EntryIn, user: str = Depends(auth.require_writer)):
    return _call(library(request).registry.add_entry, region_id, body.name, body.kind, covers=body.covers,
                 deadline=body.deadline, user=user).to_dict()


@api.patch("/registry/entries/{entry_id}", summary="修改名录中的机关（需登录）", response_model=EntryOut)
def api_entry_edit(request: Request, entry_id: int, body: EntryPatch, user: str = Depends(auth.require_writer)):
    changes = {k: (v or None) if k in ("covers", "deadline") else v
               for k, v in body.model_dump(exclude_unset=True).items()}
    return _call(library(request).registry.update_entry, entry_id, user=user, **changes).to_dict()


@api.delete("/registry/entries/{entry_id}", summary="从名录删除机关（需登录）")
def api_entry_delete(request: Request, entry_id: int, user: str = Depends(auth.require_writer)):
    if not library(request).registry.remove_entry(entry_id, user=user):
        raise HTTPException(404, f"名录条目 {entry_id} 不存在")
    return {"deleted": entry_id}


@api.put("/registry/regions/{region_id}/deadlines/{kind}", summary="设定地区对一类机关的期限（需登录）",
         response_model=RegionOut)
def api_deadline(request: Request, region_id: int, kind: str, body: DeadlineIn,
                 user: str = Depends(auth.require_writer)):
    lib = library(request)
    return _region_counted(lib, _call(lib.registry.set_deadline, region_id, kind, body.md, user=user))


@api.put("/registry/regions/{region_id}/config", summary="保存地区的辖区配置 YAML（经校验；需登录）",
         response_model=RegionOut)
def api_config(request: Request, region_id: int, body: ConfigIn, user: str = Depends(auth.require_writer)):
    lib = library(request)
    return _region_counted(lib, _call(lib.registry.set_config, region_id, body.yaml, user=user))


@api.get("/missing", summary="一个地区（含下级）一个年度：应公开、按时、逾期、未公开的机关")
def api_missing(request: Request, region: str = Query(..., description="地区：id、名称或全称"),
                year: int = year_query(), today: date | None = Query(None, description="按此日期判断是否已过期限")):
    view = _call(library(request).missing, region, year, today=today)
    return view.to_dict()


router.include_router(api)      # one router for web/app.py to include: the pages and the API
