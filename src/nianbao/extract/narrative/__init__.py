"""Numbers the narrative states, as typed `NarrativeFact`s the audit compares with the tables.

The extractor hands over every paragraph (section number or None, text, position) with page
breaks inside a sentence already joined. This package reads them once, at parse time; the audit
rules only look at the facts (they never parse text).

Precision comes first: a false error on a real report costs a reviewer more than a miss, so a
number becomes a fact only when its context says what it counts, and a fact whose reading is not
the only one carries `certain=False` and a `reason` (the N rules then warn instead of erring).

    tokens.py             normalising, sentences, clauses, `cn_int`, `Count` (a figure and its words)
    vetoes.py             `@veto`: every named reason a figure is not read (`nianbao vetoes`)
    context.py            what a family knows while reading a paragraph; "分别为" pairing
    applications.py       table 三: 新收, 上年结转, 受理, outcomes, 办结, 结转下年度, "未收到…申请"
    review_litigation.py  table 四: 行政复议 / 行政诉讼 totals and results (维持, 纠正)
    documents.py          table 二: 规章 / 规范性文件 制发, 废止
    enumerations.py       "共 X 条，其中 A a 条、B b 条…" (read across hard-wrapped lines)
    completion.py         "申请均已办结"
    fees.py               信息处理费 charged or not
    years.py              years other than the report's, with their role (D003)

Fact kinds are `model.FactKind` (a StrEnum: `fact.kind == "applications.new_received"` holds);
their payloads are `model.CountData`, `EnumerationData`, `FeeData`, `YearMentionData`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...document import Loc
from ...model import NarrativeFact
from . import applications, completion, documents, enumerations, fees, review_litigation, years
from .context import Ctx, expand_respectively
from .tokens import Sentence, cn_int, normalize, sentences
from .vetoes import trace, vetoes

__all__ = ["cn_int", "extract_narrative", "iter_kind", "normalize", "sentences", "trace", "vetoes"]

_SENT = re.compile(r"(?:[^。!?.]+|(?<=\d)\.(?=\d))+(?:[。!?]|\.(?!\d))?")
_ENDS_SENTENCE = ("。", "!", "?")
# a line that starts a numbered item or heading starts a new statement: no run goes on into it
_ITEM_START = re.compile(r"^(?:[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十]+[、.是]|\d+[、.](?!\d)|第[一二三四五六七八九十]+)")
_ENUM_HINT = ("其中", "包括", "分别")
_DIGIT = re.compile(r"\d")


def _LAST_YEAR_CARRIED(year: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d){year - 1}年度?(?=(?:的|来的)?结转|(?:的)?(?:政府信息公开)?申请(?:中)?结转)")


def _sentence_facts(s: str, ctx: Ctx) -> None:
    ctx.shown = None
    if "分别" in s:
        expanded = expand_respectively(s)
        if expanded is None:
            years.read(Sentence(s), ctx)
            ctx.cont = False
            return
        if expanded != s:
            ctx.shown, s = s, expanded
    if ctx.year and "结转" in s and f"{ctx.year - 1}年" in s:
        # "其中2022年结转1件" in the 2023 report: carried over from last year, named by its year
        named = _LAST_YEAR_CARRIED(ctx.year).sub("上年", s)
        if named != s:
            ctx.shown, s = ctx.shown or s, named
    sent = Sentence(s)
    before = len(ctx.facts)
    read = applications.read(sent, ctx)   # also the zero phrases when there are no counts
    apps_here = len(ctx.facts) > before
    review_litigation.read(sent, ctx)
    documents.read(sent, ctx)
    completion.read(sent, ctx, apps_here)
    fees.read(sent, ctx)
    years.read(sent, ctx)
    ctx.cont = read


def _continues(prev: tuple[int | None, str, Loc | None], nxt: tuple[int | None, str, Loc | None]) -> bool:
    """Whether a hard-wrapped line `prev` goes on in `nxt`: same section, no full stop at its end,
    no numbered item starting `nxt`, no page break between them."""
    (sec_a, a, loc_a), (sec_b, b, loc_b) = prev, nxt
    if sec_a != sec_b or not a or not b or a.endswith(_ENDS_SENTENCE) or _ITEM_START.match(b):
        return False
    if not _DIGIT.search(a):
        return False       # a heading ("（一）主动公开情况") is no cut list
    if loc_a is not None and loc_b is not None and loc_a.page is not None and loc_b.page is not None \
            and loc_a.page != loc_b.page:
        return False       # a page break really cuts it
    return True


def _enumerations(run: list[tuple[int | None, str, Loc | None]], ctx: Ctx, year: int | None) -> None:
    """The enumerations of a run of hard-wrapped lines, read as one text."""
    text = "".join(t for _, t, _ in run)
    if not any(h in text for h in _ENUM_HINT):
        return
    bounds, pos = [], 0
    for _, t, loc in run:
        bounds.append((pos, pos + len(t), loc.line if loc is not None else None))
        pos += len(t)
    spans = [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group(0).strip("。!? ")]
    for i, (a, b) in enumerate(spans):
        s = text[a:b]
        if i + 1 < len(spans) and enumerations.ENDS_WITH_COUNT.search(s):
            nxt = text[spans[i + 1][0]:spans[i + 1][1]]
            if enumerations.QIZHONG_START.match(nxt):
                b = spans[i + 1][1]       # "…共120条。其中，工作动态50条…": the list of the sentence before
                s = s[:-1] + "," + nxt
        if not any(h in s for h in _ENUM_HINT):
            continue
        if "分别" in s:   # "其中A、B分别为2条、9条": the parts paired first
            s = expand_respectively(s) or s
        lines = [line for x, y, line in bounds if x < b and y > a and line is not None]
        first = next((k for k, (x, y, _) in enumerate(bounds) if x <= a < y), 0)
        ctx.at(run[first][0], run[first][2])
        enumerations.read(s, ctx, text[a:b], lines if len(lines) > 1 else [], at_run_end=b >= len(text))


def extract_narrative(paragraphs: Sequence[tuple[int | None, str, Loc]], year: int | None) -> list[NarrativeFact]:
    """Facts stated in the text. `paragraphs` are (section no or None, text, position) in reading order."""
    facts: list[NarrativeFact] = []
    run: list[tuple[int | None, str, Loc | None]] = []
    paras = [(section, normalize(text), loc) for section, text, loc in paragraphs if text and text.strip()]
    ctx: Ctx | None = None
    for k, (section, text, loc) in enumerate(paras):
        before, ctx = ctx, Ctx(section, loc, year, facts)
        if before is not None:
            ctx.go_on_from(before, text)
        for s in sentences(text):
            _sentence_facts(s, ctx)
        run.append((section, text, loc))
        if k + 1 < len(paras) and _continues(run[-1], paras[k + 1]):
            continue
        if len(run) > 1 or any(h in text for h in _ENUM_HINT):
            _enumerations(run, ctx, year)
        run = []
    return facts


def iter_kind(facts: Sequence[NarrativeFact], kind: str) -> Iterator[NarrativeFact]:
    return (f for f in facts if f.kind == kind)
