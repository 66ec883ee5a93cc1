"""The review panel of a report page (an HTMX fragment): status and its allowed changes (only those
Review.allowed gives: the rules in nianbao.store.review), a decision per finding (确认 / 误报 /
不适用 with reason), a form adding a finding by hand (pinned to one of the report's cells or a line),
the trail in Chinese (nianbao.trail_text) with its CSV export. Changes go through
the Library with the version the page showed: a concurrent change re-renders the panel with the
conflict named instead of overwriting it."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from ..export import SEVERITY_NAMES, safe_text, where
from ..form import form_for
from ..store.review import TRANSITIONS, ConflictError, ReviewError
from ..trail_text import change_texts
from . import auth

router = APIRouter()


def _cells(lib, report_id: int) -> list[tuple[str, str]]:
    """(path, Chinese name) of every cell of the report's form, in print order (the manual-finding
    form's choices)."""
    info = lib.report_info(report_id)
    form = form_for(info.format if info else None)
    return [(p, form.cell_name(p)) for p in form.cell_paths()]


def _panel(request: Request, report_id: int, error: str | None = None, status: int = 200,
           draft: dict | None = None) -> HTMLResponse:
    lib = request.app.state.backend.library
    try:
        case = lib.case(report_id)
    except ReviewError as e:
        raise HTTPException(404, e.message) from None
    findings = lib.review.findings(case["id"])
    cells = _cells(lib, report_id)
    names = dict(cells)
    for f in findings:
        f["where"] = where(f["evidence"]) or names.get(f["path"] or "", f["path"] or "")
    trail = lib.trail(report_id=report_id, limit=200)
    for e in trail:
        e["before_text"], e["after_text"] = change_texts(e)
    allowed = lib.review.allowed(case["id"])
    ctx = {"report_id": report_id, "case": case, "findings": findings, "error": error,
           "transitions": allowed, "return_blocked": "退回整改" in TRANSITIONS[case["status"]]
           and "退回整改" not in allowed, "trail": trail, "cells": cells, "severities": SEVERITY_NAMES,
           "draft": draft or {}, "has_original": lib.has_original(report_id),
           "user": auth.current_user(request), "csrf": auth.csrf_token(request)}
    account = auth.session_account(request)
    ctx["can_write"] = bool(account and account[1] in auth.WRITERS)     # a viewer reads only
    return request.app.state.templates.TemplateResponse(request, "_review.html", ctx, status_code=status)


@router.get("/reports/{report_id}/review", response_class=HTMLResponse, include_in_schema=False)
def review_panel(request: Request, report_id: int):
    return _panel(request, report_id)


def _act(request: Request, report_id: int, fn, *args, draft: dict | None = None, **kw) -> HTMLResponse:
    try:
        fn(*args, **kw)
    except ConflictError as e:
        return _panel(request, report_id, f"{e.message}（已显示最新状态）")
    except ReviewError as e:
        if e.kind == "notfound":
            raise HTTPException(404, e.message) from None
        return _panel(request, report_id, e.message, draft=draft)
    return _panel(request, report_id)


@router.post("/reports/{report_id}/review/status", response_class=HTMLResponse, include_in_schema=False)
def review_status(request: Request, report_id: int, status: str = Form(...), version: int = Form(...),
                  deadline: str = Form(""), comment: str = Form(""), user: str = Depends(auth.require_writer)):
    try:
        due = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        return _panel(request, report_id, "回复期限的日期格式不正确")
    return _act(request, report_id, request.app.state.backend.library.set_status, report_id, status, user=user,
                comment=comment or None, deadline=due, expected_version=version)


@router.post("/reports/{report_id}/review/findings/{finding_id}", response_class=HTMLResponse,
             include_in_schema=False)
def review_decide(request: Request, report_id: int, finding_id: int, decision: str = Form(...),
                  version: int = Form(...), reason: str = Form(""), note: str = Form(""),
                  user: str = Depends(auth.require_writer)):
    return _act(request, report_id, request.app.state.backend.library.decide, finding_id,
                None if decision == "待定" else decision, user=user, reason=reason or None, note=note or None,
                expected_version=version)


@router.post("/reports/{report_id}/review/findings", response_class=HTMLResponse, include_in_schema=False)
def review_add_finding(request: Request, report_id: int, message: str = Form(""), severity: str = Form("warning"),
                       path: str = Form(""), line: str = Form(""), note: str = Form(""),
                       user: str = Depends(auth.require_writer)):
    """A finding added by hand (confirmed by its author), pinned to one of the report's cells or a line."""
    lib = request.app.state.backend.library
    draft = {"message": message, "severity": severity, "path": path, "line": line, "note": note}
    path, line = path.strip(), line.strip()
    if line and not re.fullmatch(r"-?\d{1,9}", line):       # the form's text; Review checks the rest
        return _panel(request, report_id, "行号须为正整数", draft=draft)
    return _act(request, report_id, lib.add_finding, report_id, message, user=user, severity=severity,
                path=path or None, line=int(line) if line else None, note=note.strip() or None, draft=draft)


def trail_csv_response(events: list[dict], filename: str) -> Response:
    """Trail events as the CSV download (UTF-8 with BOM, for Excel): who, when, what, before → after
    in Chinese (nianbao.trail_text)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["时间", "操作人", "操作", "报告编号", "问题编号", "之前", "之后", "说明"])
    for e in events:
        before, after = change_texts(e)
        w.writerow([safe_text(x) for x in (e["at"], e["user"], e["action_name"], e["report_id"], e["finding_id"],
                                           before, after, e["comment"])])
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/reports/{report_id}/trail.csv", include_in_schema=False)
def trail_csv(request: Request, report_id: int):
    events = request.app.state.backend.library.trail(report_id=report_id, limit=None)
    return trail_csv_response(events, f"留痕-报告{report_id}.csv")


PAGE = 200


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, region: str = "", year: str = "", status: str = "", rule: str = "",
                assignee: str = "", offset: str = "0"):
    """Progress per region and the reports with their review state, filtered and paged."""
    from urllib.parse import urlencode

    from ..store.review import STATUSES

    y = int(year) if year.strip().isdigit() and len(year.strip()) <= 4 else None
    off = int(offset) if offset.isdigit() and len(offset) <= 9 else 0
    lib = request.app.state.backend.library
    rows = lib.cases(region=region or None, year=y, status=status or None, rule=rule or None,
                     assignee=assignee or None, limit=PAGE + 1, offset=off)
    f = {"region": region, "year": y, "status": status, "rule": rule, "assignee": assignee}
    ctx = {"f": f, "statuses": (*STATUSES, "逾期"), "progress": lib.progress(region=region or None, year=y),
           "rows": rows[:PAGE], "more": len(rows) > PAGE, "offset": off, "limit": PAGE,
           "query": urlencode({k: v for k, v in f.items() if v not in (None, "")}),
           "user": auth.current_user(request), "csrf": auth.csrf_token(request)}
    return request.app.state.templates.TemplateResponse(request, "review.html", ctx)
