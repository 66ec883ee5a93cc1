"""Label similarity: how well a printed label (one piece, or several pieces joined) names a row of
the form. Pure and cached: the same labels recur in every report.

A target is a row of the form; its strings are the row's labels joined from any group level to the
leaf ("本年度办理结果予以公开", "予以公开"), compared without numbering, brackets, spaces or
punctuation (`match_norm`), and its variants are the form's regexes on the normalised leaf.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ...form import Form, Row, TableForm, normalize_label

# numbering anywhere in a label ("（三）不予公开1.属于国家秘密"): a group glued to its leaf keeps
# the leaf's numbering inside
_INNER_NUMBERING = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[)）]|(?<!\d)\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,3}、")


@lru_cache(maxsize=65536)
def match_norm(text: str) -> str:
    """Label text as compared: no numbering (anywhere), spaces, brackets or punctuation."""
    t = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return normalize_label(_INNER_NUMBERING.sub("", t))


_SPACES = re.compile(r"\s+")
_BRACKET = re.compile(r"[（(]")


@lru_cache(maxsize=65536)
def head_norm(text: str) -> str:
    """The label before an annotation in brackets: "规章（本级政府制定的）" → "规章"."""
    t = _INNER_NUMBERING.sub("", _SPACES.sub("", unicodedata.normalize("NFKC", text)))
    m = _BRACKET.search(t)
    return normalize_label(t[:m.start()]) if m and m.start() > 0 else ""


@lru_cache(maxsize=65536)
def common_run(a: str, b: str) -> int:
    """Length of the longest run of characters `a` and `b` share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size


@dataclass(frozen=True)
class Target:
    index: int
    table: TableForm
    row: Row
    full: tuple[str, ...]          # the joined label strings, longest first
    variants: tuple[re.Pattern, ...]

    @property
    def leaf(self) -> str:
        return self.full[-1]

    @property
    def group(self) -> str:
        """The group labels above the leaf, joined ("本年度办理结果不予公开")."""
        return self.full[0][:len(self.full[0]) - len(self.leaf)]


class Targets:
    """The rows of the tables an alignment may name, in print order, and the similarity of a label
    to each (cached per distinct label text)."""

    def __init__(self, tables: tuple[TableForm, ...]):
        self.tables = tables
        items: list[Target] = []
        for t in tables:
            for r in t.rows:
                full = tuple(dict.fromkeys(match_norm("".join(r.labels[k:])) for k in range(len(r.labels))))
                items.append(Target(len(items), t, r, full, tuple(re.compile(v) for v in r.variants)))
        self.items = items
        self.exact: dict[str, list[int]] = {}
        for it in items:
            for s in it.full:
                self.exact.setdefault(s, []).append(it.index)
        self.cache: dict[tuple[str, str], tuple[tuple[int, float], ...]] = {}
        # align's candidates per (first piece's text, the run's normalised pieces): see align._candidates
        self.piece_cache: dict[tuple[str, ...], tuple[tuple[int, int, float], ...]] = {}
        # column labels that are row leaves as well ("其他", "总计")
        self.header_words = {match_norm(c.label) for t in tables for r in t.rows for c in r.columns}
        # fast rejects for the many labels that name no row (headings, headers, agency names)
        self.any_variant = re.compile("|".join(f"(?:{v.pattern})" for it in items for v in it.variants))
        self.all_full = "|" + "|".join(s for it in items for s in it.full)

    def __len__(self) -> int:
        return len(self.items)

    def similar(self, norm: str, head: str = "") -> tuple[tuple[int, float], ...]:
        """(target index, score) of the targets a label names. Score ~ characters matched:
        exact > annotated head ("规章（…）") > variant regex > start of a wrapped label."""
        key = (norm, head)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        out: dict[int, float] = {}
        if not norm:
            self.cache[key] = ()
            return ()
        for i in self.exact.get(norm, ()):
            out[i] = len(norm) + 2.0
        if head:
            for i in self.exact.get(head, ()):
                if self.items[i].leaf == head:
                    out.setdefault(i, len(head) + 1.0)
        variant = self.any_variant.search(norm) is not None
        prefix = len(norm) >= 4 and ("|" + norm) in self.all_full
        for it in self.items if variant or prefix else ():
            if it.index in out:
                continue
            named = variant and any(p.search(norm) for p in it.variants)
            if named and len(it.leaf) <= 2 and len(norm) > len(it.leaf):
                continue                 # "其他", "总计": only the bare word
            if named or prefix and any(s.startswith(norm) and len(norm) > len(s) - len(it.leaf) for s in it.full):
                # a variant, or the first lines of a wrapped label (into its leaf, not just a group:
                # "第二十条第（一）项"): the characters it shares with the label count, the others cost,
                # so that a neighbour's wrapped tail or a header is not taken into the label
                common = common_run(norm, it.leaf)
                score = 0.9 * common - 0.3 * (len(norm) - common)
                if score > 0:
                    out[it.index] = score
        res = tuple(sorted(out.items()))
        self.cache[key] = res
        return res


_TARGETS: dict[tuple[int, ...], tuple[tuple[TableForm, ...], Targets]] = {}


def targets_for(tables: tuple[TableForm, ...]) -> Targets:
    """The Targets of these tables, built once. Keyed by the tables' identity: the forms are module
    constants, and hashing a frozen TableForm hashes every row and column of it (~1 ms a call)."""
    key = tuple(map(id, tables))
    hit = _TARGETS.get(key)
    if hit is None:
        if len(_TARGETS) >= 16:
            _TARGETS.clear()
        hit = _TARGETS[key] = (tables, Targets(tables))   # the tables kept alive: their ids stay theirs
    return hit[1]


def form_tables(form: Form) -> tuple[TableForm, ...]:
    return form.tables
