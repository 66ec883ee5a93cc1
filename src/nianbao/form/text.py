"""Label text reduced to what identifies it, so printed variants of one label compare equal.

"（二）部分公开（区分处理的，…）", "(二) 部分公开 (区分处理的, …)" and "二 部分公开区分处理的…"
normalise to the same string: no list numbering, spaces, brackets or punctuation, NFKC
(full-width letters and digits folded).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CHINESE_ORDINALS = "一二三四五六七八九十"

_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d))+"
)
_DROP = re.compile(r"[\s\u3000\u00a0\"'“”‘’「」『』《》〈〉（）()【】\[\],，、。．.:：;；!！?？·•*_\-—－]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def normalize_label(text: str) -> str:
    """Label text without numbering, spaces or punctuation. Cached: labels repeat across rows
    and reports, and this is pure."""
    t = _SPACES.sub("", unicodedata.normalize("NFKC", text))    # before the numbering: "（ 七 ） 总 计"
    t = _NUMBERING.sub("", t)
    return _DROP.sub("", t)
