"""Table cell values: what counts as a number, a blank, or a label (tables/place.py fits a row's
values to its columns)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..document import Loc
from ..model import Number, Position

# Printed for "nothing": dashes, slashes, "无". Blank cells are null too (never 0).
# A negative sign as documents print it: ASCII hyphen-minus, full-width (U+FF0D), the minus sign
# (U+2212, Word/PDF exports, HTML &minus;), small hyphen-minus (U+FE63), figure and en dash
# (U+2012/2013), hyphen and non-breaking hyphen (U+2010/2011). Directly before a digit each is a
# sign ("−2" is -2); alone or doubled, each is a blank like "-". The em dash "—" is never a sign.
MINUS_SIGNS = "-\uff0d\u2212\ufe63\u2012\u2013\u2010\u2011"
_TO_ASCII_MINUS = {ord(c): "-" for c in MINUS_SIGNS}
NULL_MARKS = frozenset({"", "—", "——", "/", "／", "\\", "无", "…", "／",
                        *MINUS_SIGNS, *(c + c for c in MINUS_SIGNS)})
_NUM = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:件|条|个|项|次|人次|万元|元)?$")
_SPACES = re.compile(r"\s+")

BLANK, VALUE, LABEL = 0, 1, 2


@lru_cache(maxsize=8192)
def parse_cell(text: str) -> tuple[int, Number]:
    """(kind, value): BLANK (null), VALUE (a number), or LABEL (anything else). Cached: cell texts repeat."""
    t = text.strip()
    if not t:
        return BLANK, None
    if t in NULL_MARKS:
        return BLANK, None
    c = t[0]
    if not (c.isdigit() or c in MINUS_SIGNS or c in "+＋" or "\uff10" <= c <= "\uff19"):
        return LABEL, None
    t = _SPACES.sub("", unicodedata.normalize("NFKC", t)).replace("，", ",").translate(_TO_ASCII_MINUS)
    if t in NULL_MARKS:
        return BLANK, None
    m = _NUM.match(t)
    if not m:
        return LABEL, None
    sign, whole, frac = m.groups()
    whole = whole.replace(",", "")
    if frac:
        v: Number = float(sign + whole + frac)
    else:
        v = int(whole) * (-1 if sign == "-" else 1)
    return VALUE, v


def position(loc: Loc | None) -> Position | None:
    """The model's Position for a document Loc (None when the Loc says nothing)."""
    if loc is None:
        return None
    bbox = tuple(loc.bbox) if loc.bbox is not None else None
    return _position(loc.line, loc.page, bbox, loc.table, loc.row, loc.col)


@lru_cache(maxsize=8192)
def _position(line, page, bbox, table, row, col) -> Position | None:
    # Cached: a report has a few hundred positions and the same line numbers recur in every report.
    # Positions are values; nothing mutates them after extraction.
    kw = {k: v for k, v in (("line", line), ("page", page), ("table", table), ("row", row), ("col", col))
          if v is not None}
    if bbox is not None:
        kw["bbox"] = list(bbox)
    return Position(**kw) if kw else None
