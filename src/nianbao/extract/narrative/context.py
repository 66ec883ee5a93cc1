"""What a fact family knows while reading a paragraph: section, position, report year, what the
sentence before stated, and where facts go."""
from __future__ import annotations

import re

from ...document import Loc
from ...model import FactKind, NarrativeFact, Position, payload_class
from .tokens import COUNT, NUM, display
from .vetoes import veto


def position(loc: Loc | None) -> Position | None:
    if loc is None:
        return None
    return Position(line=loc.line, page=loc.page, bbox=list(loc.bbox) if loc.bbox else None,
                    table=loc.table, row=loc.row, col=loc.col)


# a paragraph that only goes on with the list of the one before
CONTINUES_PARAGRAPH = re.compile(r"[,]?其中")


class Ctx:
    __slots__ = ("section", "loc", "_pos", "year", "facts", "cont", "review_cont", "shown", "last_new")

    def __init__(self, section: int | None, loc: Loc | None, year: int | None, facts: list[NarrativeFact]):
        self.section, self.loc, self.year, self.facts = section, loc, year, facts
        self._pos: Position | None = None   # built when the paragraph states a fact (most state none)
        self.cont = False   # the sentence before, in this paragraph, counted applications
        self.review_cont = False   # the sentence before, in this paragraph, counted the agency's disclosure cases
        self.last_new: NarrativeFact | None = None   # its 新收/收到 count, if any
        self.shown: str | None = None   # the sentence as printed, when the one read is a rewrite of it

    @property
    def pos(self) -> Position | None:
        if self._pos is None and self.loc is not None:
            self._pos = position(self.loc)
        return self._pos

    def at(self, section: int | None, loc: Loc | None) -> None:
        """Read on from another paragraph."""
        self.section, self.loc, self._pos = section, loc, None

    def go_on_from(self, before: Ctx, text: str) -> None:
        """A paragraph that opens with 其中 goes on with the applications of the paragraph before,
        in the same section ("…收到申请2件。" then "其中，予以公开3件，办结3件。"), as a sentence would."""
        if before.cont and before.section == self.section and CONTINUES_PARAGRAPH.match(text):
            self.cont, self.last_new = True, before.last_new

    def add(self, kind: FactKind, value, sentence: str, data=None, *, reason: str = "") -> NarrativeFact:
        """Record a fact; a `reason` makes it uncertain (the N rules then warn instead of erring)."""
        if data is None:
            data = payload_class(kind)()
        fact = NarrativeFact(kind=kind, value=value, text=display(self.shown or sentence), section=self.section,
                             evidence=self.pos, data=data, certain=not reason, reason=reason)
        self.facts.append(fact)
        return fact


# "新收、上年结转政府信息公开申请分别为12件、3件": the items before 分别 pair with the counts after it.
_RESPECTIVELY = re.compile(rf"分别(?:为|是|有|达)?[:]?\s*({NUM}\s*(?:件|条|个|起|宗|项|次|份|篇|期)(?:\s*[、,和及与]\s*{NUM}\s*"
                           rf"(?:件|条|个|起|宗|项|次|份|篇|期))*)")
_ITEM_SEP = re.compile(r"、|和|及|与|以及")
_SHARED_TAIL = re.compile(r"政府信息公开申请|政府信息公开|依申请公开|申请")


@veto("respectively_unpaired", family="counts", example="全年新收、上年结转政府信息公开申请分别为12件。")
def respectively_unpaired(items: list[str], counts: list[str]) -> bool:
    """What it does:
    Rejects a whole sentence "A、B…分别为a件、b件" whose items and counts do not pair up one to
    one: which figure is which cannot be told.

    Why it matters:
    Pairing the wrong figure with an item compares the wrong cells.
    """
    return len(items) < 2 or len(items) != len(counts)


def expand_respectively(s: str) -> str | None:
    """The sentence with every "A、B…分别为a件、b件" written out as "A a件,B b件"; None when items
    and counts do not pair up (the sentence then states nothing that can be read safely)."""
    for _ in range(4):               # a sentence may pair twice: "新收、结转分别为…，其中予以公开、部分公开分别为…"
        expanded = _expand_one(s)
        if expanded is None or expanded == s:
            return expanded
        s = expanded
    return s


def _expand_one(s: str) -> str | None:
    m = _RESPECTIVELY.search(s)
    if m is None:
        return s
    start = max(s.rfind(c, 0, m.start()) for c in ",;:") + 1
    subject = s[start:m.start()]
    items = [x for x in _ITEM_SEP.split(subject) if x]
    found = list(COUNT.finditer(m.group(1)))
    end = m.end()
    n = len(items)
    if 2 <= n < len(found) and "," in m.group(1)[found[n - 1].end():found[n].start()] \
            and "," not in m.group(1)[:found[n - 1].end()]:
        # "A、B分别为3件、4件，25件正在办理中": a list joined by 、 is over at the comma after its
        # last item's count; what follows is a clause of its own (a list joined by commas is not cut)
        end = m.start(1) + found[n - 1].end()
        found = found[:n]
    counts = [c.group(0) for c in found]
    if respectively_unpaired(items, counts):
        return None
    tail = _SHARED_TAIL.search(items[-1])       # the noun the items share, printed once after the last
    shared = items[-1][tail.start():] if tail else ""
    pieces = [(x if not shared or _SHARED_TAIL.search(x) else x + shared) + c for x, c in zip(items, counts)]
    return s[:start] + ",".join(pieces) + s[end:]
