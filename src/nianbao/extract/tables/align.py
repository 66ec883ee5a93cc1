"""Align the label pieces of a token stream to the form's rows: one dynamic programme.

A row's label may be printed as one piece, split over several (wrapped in a narrow column, split
across cells: "4.无正当理由大量" + "反复申请"), glued to its group ("（三）不予公开1.属于国家秘密")
or to its digits, annotated ("规章（本级政府制定的）"), or missing; headers repeat after page
breaks, and the same words ("其他", "总计") are column headers and rows. The programme picks the
chain of (pieces → row) matches, in print order with each row at most once, that matches the most
label text; a row it skips costs a little, so a header word is not taken for a row far ahead.

    align(tokens, targets) -> list[Match]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .match import Targets, head_norm
from .tokens import L, PB, Token

_NUMBERED = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十\d]+\s*[、.．])")
MAX_PIECES = 5          # a label split into at most this many pieces
SKIP_COST = 0.05        # per form row passed over between two matches


@dataclass(slots=True)
class Match:
    target: int             # index into Targets.items
    first: int              # token index of the label's first piece
    last: int               # token index of its last piece
    score: float


def _pieces(tokens: list[Token]) -> tuple[list[int], list[int]]:
    """Token indices of label pieces, and for each the index of its run (pieces with nothing but
    lone pipes between them; a piece with digits glued to it ends its run)."""
    idx: list[int] = []
    run: list[int] = []
    r = 0
    broken = False                  # something other than a lone pipe since the last piece
    for i, t in enumerate(tokens):
        kind = t.kind
        if kind != L:
            if kind != PB:
                broken = True
            continue
        if idx and broken:
            r += 1
        idx.append(i)
        run.append(r)
        broken = bool(t.tail)
    return idx, run


def _candidates(targets: Targets, text: str, norms: tuple[str, ...]) -> tuple[tuple[int, int, float], ...]:
    """(pieces taken, target, score) of the labels starting with a piece printed as `text`, its
    run's next pieces having the normalised texts `norms[1:]`. Pure in its arguments, so `align`
    caches it per Targets: the same label pieces recur in every report."""
    out: list[tuple[int, int, float]] = []
    joined = ""
    for k, norm in enumerate(norms):
        joined += norm
        head = head_norm(text) if k == 0 and ("（" in text or "(" in text) else ""
        for ti, score in targets.similar(joined, head):
            if targets.items[ti].leaf in targets.header_words:
                if _NUMBERED.match(text):
                    score += 0.5         # "3.其他", "（七）总计": the row, not a column header repeated
                else:
                    score = -score       # unnumbered: a row only right after its table's rows
            out.append((k + 1, ti, score))
    return tuple(out)


def align(tokens: list[Token], targets: Targets) -> list[Match]:
    idx, run = _pieces(tokens)
    n_t = len(targets)
    # candidates grouped by the piece they start at
    cands: list[tuple[int, int, int, float]] = []       # (start piece, end piece excl., target, score)
    norms = [tokens[i].norm for i in idx]
    cache = targets.piece_cache
    n_p = len(idx)
    for p in range(n_p):
        q_end = p + 1
        limit = min(p + MAX_PIECES, n_p)
        while q_end < limit and run[q_end] == run[p]:
            q_end += 1
        key = (tokens[idx[p]].text, *norms[p:q_end])
        found = cache.get(key)
        if found is None:
            found = _candidates(targets, key[0], key[1:])
            if len(cache) >= 65536:
                cache.clear()
            cache[key] = found
        for k, ti, score in found:         # most pieces name no row: nothing to add
            cands.append((p, p + k, ti, score))
    if not cands:
        return []
    # Weighted chain: best(c) = score(c) + max over committed c' (end <= start, target < target)
    # of best(c') - SKIP_COST * (t - t' - 1). With the cost linear in t, keep best(c') + SKIP_COST * t'
    # in a prefix-max Fenwick tree over targets.
    size = n_t + 1
    tree_v = [float("-inf")] * (size + 1)
    tree_c = [-1] * (size + 1)
    best = [0.0] * len(cands)
    back = [-1] * len(cands)
    order = sorted(range(len(cands)), key=lambda c: cands[c][0])
    by_end = sorted(range(len(cands)), key=lambda c: cands[c][1])
    e = 0

    def update(pos: int, v: float, c: int) -> None:
        pos += 1
        while pos <= size:
            if v > tree_v[pos]:
                tree_v[pos], tree_c[pos] = v, c
            pos += pos & -pos

    def query(pos: int) -> tuple[float, int]:      # max over targets < pos
        v, c = float("-inf"), -1
        while pos > 0:
            if tree_v[pos] > v:
                v, c = tree_v[pos], tree_c[pos]
            pos -= pos & -pos
        return v, c

    top, top_c = float("-inf"), -1
    for c in order:
        start, _, t, score = cands[c]
        while e < len(by_end) and cands[by_end[e]][1] <= start:
            d = by_end[e]
            update(cands[d][2], best[d] + SKIP_COST * cands[d][2], d)
            e += 1
        v, prev = query(t)
        if score < 0:                        # needs a predecessor of its own table
            if prev < 0 or targets.items[cands[prev][2]].table is not targets.items[t].table:
                best[c] = float("-inf")
                continue
            score = -score
            cands[c] = (start, cands[c][1], t, score)
        if prev >= 0 and v - SKIP_COST * (t - 1) > 0:
            best[c], back[c] = score + v - SKIP_COST * (t - 1), prev
        else:
            best[c] = score
        if best[c] > top:
            top, top_c = best[c], c
    chain = []
    c = top_c
    while c >= 0:
        p, q, t, score = cands[c]
        chain.append(Match(t, idx[p], idx[q - 1], score))
        c = back[c]
    chain.reverse()
    return _out_of_order(chain, cands, idx, targets)


ADD_MIN_SCORE = 4.0


def _out_of_order(chain: list[Match], cands, idx: list[int], targets: Targets) -> list[Match]:
    """Rows the chain left out whose label stands elsewhere, out of the form's order (a report
    printing 行政事业性收费 first): the best remaining match of each, on pieces no match took.
    Short leaves ("其他", "总计") are column headers too: never taken out of order."""
    used = {m.target for m in chain}
    taken = set()
    for m in chain:
        taken.update(range(m.first, m.last + 1))
    extra: list[Match] = []
    for p, q, t, score in sorted(cands, key=lambda c: -c[3]):
        if t in used or score < ADD_MIN_SCORE or targets.items[t].leaf in targets.header_words:
            continue
        span = range(idx[p], idx[q - 1] + 1)
        if any(i in taken for i in span):
            continue
        used.add(t)
        taken.update(span)
        extra.append(Match(t, idx[p], idx[q - 1], score))
    if not extra:
        return chain
    return sorted(chain + extra, key=lambda m: m.first)
