"""Query parameters the pages read by hand (`?year=` of a page is optional and may be empty): a
value that is not a plain small integer is a 400 with a Chinese message, never a 500 or a silent
empty page. The JSON API declares its numbers with `Query(ge=…, le=…)` and `YEAR` instead.
"""
from __future__ import annotations

from fastapi import HTTPException, Query

from ..model import YEAR_MAX, YEAR_MIN


def int_param(raw: str | None, what: str, low: int, high: int) -> int | None:
    """`raw` as an integer within [low, high]; None when empty; HTTPException(400) otherwise."""
    if raw is None or raw.strip() == "":
        return None
    s = raw.strip()
    # digits only and few of them: int() of a 10,000-digit string is slow by itself
    digits = s[1:] if s[:1] == "-" and low < 0 else s
    if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(high)) or not low <= int(s) <= high:
        raise HTTPException(400, f"{what}应为 {low} 到 {high} 之间的整数（收到「{raw[:40]}」）")
    return int(s)


def year_param(raw: str | None) -> int | None:
    return int_param(raw, "年度", YEAR_MIN, YEAR_MAX)


def year_query(default=..., description: str = "报告年度"):
    """`year: int = year_query()` in an API route: the same bounds as the pages."""
    return Query(default, ge=YEAR_MIN, le=YEAR_MAX, description=description)
