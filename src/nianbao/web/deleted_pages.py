"""Deleted reports in the web (/deleted): the soft-deleted reports, newest first, each with the
deletion record id that restores it (what `nianbao review restore` takes) and, for those who may
write, a 恢复 button. The page delete (POST /reports/{id}/delete) lands here with the deleted report
named, so a wrong delete is undone at once. The JSON API is in routes_review (/api/review/deleted).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store.review import ReviewError
from . import auth
from .views import library, render

router = APIRouter(include_in_schema=False)

PAGE = 200


def deleted_rows(lib, limit: int = PAGE) -> list[dict[str, Any]]:
    """Library.deleted, newest first, with the agency's name and `restored_as`: the stored report
    with the same content when there is one (restored, or uploaded again), else None."""
    rows = lib.deleted(limit)
    stored = lib.store.known_sha256(r["sha256"] for r in rows if r["sha256"])
    current = {sha: lib.store.report_id_by_sha256(sha) for sha in stored}
    names: dict[int, str | None] = {}
    for aid in {r["agency_id"] for r in rows if r["agency_id"] is not None}:
        a = lib.find_agency(str(aid))
        names[aid] = a.name if a is not None else None
    return [{**r, "agency": names.get(r["agency_id"]), "restored_as": current.get(r["sha256"])} for r in rows]


def restore_deleted(lib, deleted_id: int, user: str) -> tuple[int, bool]:
    """(report id, whether restored now). A record whose report is stored again already (restored
    before, or the same file uploaded again) answers that report, without a second restore in the
    trail. ReviewError("notfound") for an unknown record."""
    existing = lib.restored_as(deleted_id)
    if existing is not None:
        return existing, False
    return lib.restore(deleted_id, user=user), True


@router.get("/deleted", response_class=HTMLResponse)
def deleted_page(request: Request, just: str = ""):
    """The deleted reports; ?just=<record> names the one the user has just deleted."""
    account = auth.session_account(request)
    if account is None:
        return RedirectResponse("/login?next=/deleted", status_code=303)
    rows = deleted_rows(library(request))
    just_id = int(just) if just.isdigit() and len(just) <= 12 else None
    done = next((r for r in rows if r["id"] == just_id), None)
    return render(request, "deleted.html", rows=rows, done=done, can_write=account[1] in auth.WRITERS, limit=PAGE)


@router.post("/deleted/{deleted_id}/restore")
def deleted_restore(request: Request, deleted_id: int, user: str = Depends(auth.require_writer)):
    try:
        report_id, _ = restore_deleted(library(request), deleted_id, user)
    except ReviewError as e:
        raise HTTPException(404 if e.kind == "notfound" else 400, e.message) from None
    return RedirectResponse(f"/reports/{report_id}", status_code=303)
