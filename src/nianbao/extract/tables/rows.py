"""What a row is: the label the alignment matched, and the value tokens that follow it.

A row's values are the numbers and blanks after its label up to the next matched label or a line
of prose. Label pieces between that name nothing stop it too, unless they are plainly not a row:
the rest of its own wrapped label ("不计其他情形）"), a column header repeated after a page break,
a running page header (…年度报告). Pure: tokens and matches in, RowRead out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .align import Match
from .match import Target, Targets, match_norm
from .tokens import B, L, PB, Token, V, X


@dataclass(slots=True)
class RowRead:
    target: Target
    found: str                        # the label as printed (pieces joined, wrapped tail included)
    label: Token                      # its last piece (the evidence)
    values: list[Token] = field(default_factory=list)
    first: int = 0                    # token index of the label's first piece
    end: int = 0                      # token index after the row's last value token


@lru_cache(maxsize=16)
def _header_text(targets: Targets) -> str:
    # keyed by the Targets (identity hash), not its tables: hashing a frozen TableForm walks all of it
    words: list[str] = []
    for t in targets.tables:
        words.extend(t.header_words)
        for r in t.rows:
            for c in r.columns:
                words.append(c.label)
                words.extend(c.variants)
    return "|" + "|".join(dict.fromkeys(match_norm(w) for w in words)) + "|"


@lru_cache(maxsize=16)
def _header_words(headers: str) -> re.Pattern:
    words = sorted((w for w in headers.split("|") if len(w) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _transparent(tok: Token, target: Target, headers: str, found: str) -> bool:
    n = tok.norm
    if not n or n in found:            # nothing, or the label again (printed in each slot of its merged cell)
        return True
    if "报告" in n:                   # a running page header
        return True
    if n in headers or not _header_words(headers).sub("", n):
        return True                    # a column header, or several run together
    return len(n) >= 2 and n in target.leaf             # the rest of its wrapped label


def _starts_any(full: tuple[str, ...], norm: str) -> bool:
    return any(s.startswith(norm) for s in full)


def read_rows(tokens: list[Token], matches: list[Match], targets: Targets) -> list[RowRead]:
    headers = _header_text(targets)
    # grid rows holding a label: their empty cells belong to that label's row (a header's are layout)
    label_rows = {(t.grid, t.row) for t in tokens if t.kind == L and t.grid >= 0}
    out: list[RowRead] = []
    for k, m in enumerate(matches):
        target = targets.items[m.target]
        pieces = [tokens[i] for i in range(m.first, m.last + 1) if tokens[i].kind == L]
        # a piece of a group label printed beside a wrapped leaf ("（三）不予" in a PDF's text) is no
        # part of the leaf's wording
        own = [p for p in pieces if not (p.norm and (p.norm in target.group or f"|{p.norm}|" in headers)
                                         and p.norm not in target.leaf)]
        found = "".join(p.text for p in own or pieces)
        last = tokens[m.last]
        row = RowRead(target, found, last, first=m.first, end=m.last + 1)
        if last.tail:
            row.values.append(Token(V, last.tail, last.loc, _number(last.tail), glued=True))
        found_norm = match_norm(found)
        end = matches[k + 1].first if k + 1 < len(matches) else len(tokens)
        for i in range(m.last + 1, end):
            t = tokens[i]
            if t.kind in (V, B, PB):
                if t.kind == B and t.grid >= 0 and (t.grid, t.row) in label_rows \
                        and (t.grid, t.row) != (last.grid, last.row):
                    continue                     # an empty cell of a header row, or of a label-only row
                row.values.append(t)
                row.end = i + 1
            elif t.kind == X:
                break
            elif _starts_any(target.full, match_norm(row.found + t.text)):
                row.found += t.text               # the rest of its wrapped label ("卷", "不计其他情形）")
                if t.tail:
                    row.values.append(Token(V, t.tail, t.loc, _number(t.tail), glued=True))
            elif _transparent(t, target, headers, found_norm) or (
                    not row.values and len(t.norm) >= 2 and t.norm in target.group):   # group words beside it
                if t.tail:
                    row.values.append(Token(V, t.tail, t.loc, _number(t.tail), glued=True))
            else:
                break
        out.append(row)
    return out


def _number(digits: str):
    try:
        return int(digits) if digits.isdigit() else float(digits)
    except ValueError:
        return None


def unlabelled_before(tokens: list[Token], rows: list[RowRead], k: int) -> list[Token]:
    """The values between row k-1's last value and row k's label that no row took (a table printed
    without the row label, named only in its caption: "表4-1 政府信息公开行政复议情况")."""
    lo = rows[k - 1].end if k > 0 else 0
    return [t for t in tokens[lo:rows[k].first] if t.kind in (V, B)]
