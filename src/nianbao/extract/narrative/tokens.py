"""Text → sentences → counts: the tokens every fact family reads.

One normalisation, one sentence splitter, one numeral parser (`cn_int`, shared with the meta
extraction), and one `Count`: a figure "N 件/条/…" with the words around it. "The clause around
this count" is computed here, once, as `Count.window` (since the count before), `Count.clause`
(its own clause up to the count) and `Count.after` (the rest of its clause).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .vetoes import veto

# ------------------------------------------------------------------ numerals
CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "〇零一二两三四五六七八九十百千万"
NUM = rf"(?:\d+|[{CN_NUM}]+)"
UNITS = "件|条|个|起|宗|篇|项|例|份|部(?![门分署])"   # 部: 规章 and 规范性文件 (not 部门, 部分)
# a count: a numeral not glued to another digit, and its unit
COUNT = re.compile(rf"(?<![\d{CN_NUM}])({NUM})({UNITS})")
VAGUE_BEFORE = frozenset("数几上近成若约第每")
# not a count of things: "15件左右", "20个工作日", "3个月"; nor one end of a range ("3-5件", "3至5件")
# nor "三个方面", "一件一档"
NOT_A_COUNT_AFTER = re.compile(r"左右|上下|以上|以内|(?:工作|自然)?日|月|小时|星期|季度|百分点|[-~—–至到]\d|"
                               r"方面|领域|渠道|途径|环节|层面|阶段|一[档案卷事策]|事(?!项)")
RANGE_BEFORE = re.compile(rf"[\d{CN_NUM}](?:件|条|个)?[-~—–至到]$")


def cn_int(s: str) -> int | None:
    """An Arabic or Chinese numeral as an int: "12", "十二", "一百零五", "两", "〇", "二〇二四"
    (None if not one). Used for counts here and for dates in extract/meta.py."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in CN_DIGITS and c not in CN_UNITS and c != "万" for c in s):
        return None
    if not any(c in CN_UNITS or c == "万" for c in s):
        if len(s) == 1:
            return CN_DIGITS[s]
        return int("".join(str(CN_DIGITS[c]) for c in s))   # digit by digit: 一〇五, 二〇二四
    total = section = num = 0
    for c in s:
        if c in CN_DIGITS:
            num = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (num or 1) * CN_UNITS[c]
            num = 0
        elif c == "万":
            total += (section + num) * 10000
            section = num = 0
    return total + section + num


# ------------------------------------------------------------------ text normalisation
_SPACE = re.compile(r"\s+")
# a run of spaces between letters/digits ("Word 2010"); written to start with \s (and the thousands
# separator with ","), so the regex engine skips ahead to candidates instead of trying every position
_ASCII_PAIR = re.compile(r"\s(?:(?<=[A-Za-z0-9]\s)\s*(?=[A-Za-z])|(?<=[A-Za-z]\s)\s*(?=[A-Za-z0-9]))")
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")


# NFKC's mapping of the full-width characters every paragraph holds: replacing them first (str.replace
# is cheap) leaves most paragraphs already normalised, which `is_normalized` tells far faster than
# NFKC rewrites them. Each maps to one starter, so NFKC of the result is NFKC of the text.
_COMMON_WIDE = (("，", ","), ("；", ";"), ("：", ":"), ("（", "("), ("）", ")"), ("！", "!"), ("？", "?"),
                ("\u3000", " "))
_ANY_SPACE = re.compile(r"\s")


def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), no whitespace (page breaks inside a
    sentence, "2023 年"), no thousands separators."""
    t = text
    for wide, narrow in _COMMON_WIDE:
        if wide in t:
            t = t.replace(wide, narrow)
    if not t.isascii() and not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    if _ANY_SPACE.search(t):
        t = _ASCII_PAIR.sub("\x00", t)
        t = _SPACE.sub("", t).replace("\x00", " ")
    return _THOUSANDS.sub("", t) if "," in t else t


_SENT = re.compile(r"(?:[^。!?.]+|(?<=\d)\.(?=\d))+(?:[。!?]|\.(?!\d))?")   # runs, not a branch per character


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0) for m in _SENT.finditer(text)) if s.strip("。!? ")]


_CLAUSE_SEP = re.compile(r"[,;]")


def last_clause(text: str) -> str:
    """The part of `text` after its last ，/；."""
    return _CLAUSE_SEP.split(text)[-1]


def clause_rest(s: str, pos: int) -> str:
    """The rest of the clause from `pos` up to the next ，/；/。."""
    m = re.compile(r"[^,;。]*").match(s, pos)
    return m.group(0) if m else ""


_DISPLAY = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def display(sentence: str, limit: int = 160) -> str:
    # one character for one: cut first, then translate only what is shown
    if len(sentence) <= limit:
        return sentence.translate(_DISPLAY)
    return sentence[:limit].translate(_DISPLAY) + "…"


_QUOTED = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")


def strip_quoted(s: str) -> str:
    """The sentence with 《titles》 and 〔numbers〕 blanked out (same length, so offsets hold)."""
    if "《" not in s and "〔" not in s and "[" not in s:
        return s
    return _QUOTED.sub(lambda m: "□" * len(m.group(0)), s)


YEAR_IN = re.compile(r"((?:19|20)\d\d)年")


@veto("other_year", family="counts", example="2022年收到政府信息公开申请3件。")
def other_year(text: str, year: int | None) -> bool:
    """What it does:
    Rejects a count whose words name a year other than the report's — any year when the report
    year is unknown ("2022年收到申请10件，2023年收到12件" cannot be read without knowing which
    is this year).

    Why it matters:
    Last year's figure compared with this year's table is a false error.
    """
    return any(year is None or int(y) != year for y in YEAR_IN.findall(text))


# ------------------------------------------------------------------ counts
@dataclass(slots=True, eq=False)
class Count:
    """A figure "N 件/条/…" in a sentence, with the words around it."""
    sentence: str
    start: int
    end: int
    value: int
    unit: str
    prev_end: int          # where the count before it ends (0 for the first)

    @property
    def window(self) -> str:
        """The words since the count before: "…申请12件，上年结转" for 结转's figure."""
        return self.sentence[self.prev_end:self.start]

    @property
    def clause(self) -> str:
        """The count's own clause up to the figure (after the last ，/； of the window)."""
        return last_clause(self.window)

    @property
    def after(self) -> str:
        """The rest of the count's clause after its unit."""
        return clause_rest(self.sentence, self.end)

    @property
    def before(self) -> str:
        """The sentence up to the figure."""
        return self.sentence[:self.start]

    @property
    def subject(self) -> str:
        """Who the sentence says acted: the words before its first verb (我局, 本机关, 全县, 2023年，我局)."""
        m = _VERB.search(self.sentence, 0, self.start)
        return self.sentence[:m.start()] if m else self.before


_VERB = re.compile(r"共|全年|依法|收到|新收|受理|接到|办理|办结|答复|被|因|未|没有")


@veto("not_a_count", family="counts", example="对收到的政府信息公开申请，均在20个工作日内答复。")
def not_a_count(s: str, m: re.Match[str]) -> bool:
    """What it does:
    Rejects figures that count no things: a duration (20个工作日, 3个月), "15件左右", one end
    of a range (3-5件, 3至5件), "三个方面", "一件一档".

    Why it matters:
    A duration read as a count of applications makes N001 compare a deadline with the table.
    """
    return NOT_A_COUNT_AFTER.match(s, m.end()) is not None or RANGE_BEFORE.search(s, 0, m.start()) is not None


@veto("vague_or_ordinal", family="counts", example="收到政府信息公开申请近20件。")
def vague_or_ordinal(s: str, m: re.Match[str]) -> bool:
    """What it does:
    Rejects a figure after a vague quantifier or an ordinal: 近20件, 约15件, 上百条, 数十件,
    成…, 若干, 第1件, 每件.

    Why it matters:
    An approximate figure is no count a table cell can be compared with.
    """
    return m.start() > 0 and s[m.start() - 1] in VAGUE_BEFORE


class Sentence:
    """A normalised sentence and its counts (computed once, on first use, shared by every family)."""
    __slots__ = ("text", "_counts", "_plain")

    def __init__(self, text: str):
        self.text = text
        self._counts: list[Count] | None = None
        self._plain: str | None = None

    @property
    def counts(self) -> list[Count]:
        if self._counts is None:
            out: list[Count] = []
            prev = 0
            s = self.text
            for m in COUNT.finditer(s):
                v = cn_int(m.group(1))
                if v is None or vague_or_ordinal(s, m) or not_a_count(s, m):
                    continue
                out.append(Count(s, m.start(), m.end(), v, m.group(2), prev))
                prev = m.end()
            self._counts = out
        return self._counts

    @property
    def plain(self) -> str:
        """The text with 《titles》 and 〔numbers〕 blanked out."""
        if self._plain is None:
            self._plain = strip_quoted(self.text)
        return self._plain
