"""The rule catalog page (/rules): every audit rule with its level, family and message, and next to
it the rule's false-positive rate from reviewers' decisions (误报 ÷ (确认 + 误报), Library.fp_rates),
so the team sees which rule wastes their time. A rule nobody has decided on shows "—", not 0 %.
"""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from . import auth
from .params import year_param

router = APIRouter(include_in_schema=False)
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")        # a message template's fields, shown as …


def fp_cell(rate: dict[str, Any] | None) -> dict[str, Any]:
    """What the 误报率 column shows: the rate with the decisions it rests on, or "—" without any
    确认/误报 decision (a rate of nothing is not 0 %)."""
    if not rate or rate.get("fp_rate") is None:
        return {"text": "—", "judged": 0, "decided": (rate or {}).get("decided", 0)}
    judged = rate["confirmed"] + rate["false_positive"]
    return {"text": f"{rate['fp_rate'] * 100:.0f}%", "judged": judged,
            "false_positive": rate["false_positive"], "decided": rate["decided"]}


@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, region: str | None = None, year: str | None = None):
    from ..audit.registry import FAMILIES, rules
    from ..audit.titles import rule_title

    y = year_param(year)
    lib = request.app.state.backend.library
    rates = {r["code"]: r for r in lib.fp_rates(region=region or None, year=y)}
    rows = [{"code": r.code, "title": rule_title(r.code), "severity": SEVERITY_NAMES.get(r.severity, r.severity),
             "family": FAMILIES.get(r.code[0], r.family) + ("（跨年）" if r.history else ""),
             "message": _PLACEHOLDER.sub("…", r.messages.get("default", "")), "fp": fp_cell(rates.get(r.code))}
            for r in rules()]
    return request.app.state.templates.TemplateResponse(
        request, "rules.html", {"rows": rows, "region": region or "", "year": y,
                                "user": auth.current_user(request), "csrf": auth.csrf_token(request)})
