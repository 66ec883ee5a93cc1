"""Text clean-up shared by the DOCX, HTML and PDF readers: what a careful reader would type."""
from __future__ import annotations

import re

_SPACE_LIKE = {c: " " for c in (0xA0, 0x3000, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
                                0x200A, 0x202F, 0x205F, 0x1680, 0x0B, 0x0C, 0x09)}
_INVISIBLE = {c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x0D)}
_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_TRANSLATE = {**_SPACE_LIKE, **_INVISIBLE, **_FULLWIDTH_DIGITS}
_FW_DECIMAL = re.compile(r"(?<=\d)．(?=\d)")
_SPACES = re.compile(r" {2,}")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# a space between two CJK characters or CJK punctuation is layout (justification), not text
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")


def clean_line(text: str, cjk_gaps: bool = False) -> str:
    """One line: odd spaces to plain spaces, invisible characters dropped, full-width digits
    to ASCII, runs of spaces collapsed; with `cjk_gaps`, spaces between CJK characters dropped."""
    t = text.translate(_TRANSLATE)
    t = _FW_DECIMAL.sub(".", t)
    if cjk_gaps:
        t = _CJK_GAP.sub("", t)
    return _SPACES.sub(" ", t).strip()


def clean_cell(text: str, cjk_gaps: bool = False) -> str:
    """Cell text: each line cleaned, blank lines dropped, lines kept apart by "\\n"."""
    lines = (clean_line(x, cjk_gaps) for x in text.split("\n"))
    return "\n".join(x for x in lines if x)
