"""Every block of a document as one stream of table tokens, whatever the flattening.

A grid (DOCX, HTML, PDF, tab/pipe rows) gives its cells in reading order with their row and
column; a paragraph (a table whose grid the text lost) gives its whitespace-separated pieces.
What a token is, is decided here once: a label piece, a number, a blank (an empty grid cell, or
"—", "/"), a lone `|` line (a blank or a separator: the assembler decides by the count), or a
barrier (a line of prose: no row goes on across it).

    tokens_of(doc) -> list[Token]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...document import Cell, Document, Loc, Paragraph, Table
from ..values import BLANK, LABEL, MINUS_SIGNS, VALUE, parse_cell
from .match import match_norm

L, V, B, PB, X = "L", "V", "B", "PB", "X"     # label, value, blank, lone pipe, barrier


@dataclass(slots=True)
class Token:
    kind: str
    text: str
    loc: Loc
    value: float | int | None = None
    norm: str = ""                 # label text as matched (match_norm)
    tail: str = ""                 # digits glued to the end of a label ("规章000" → "000")
    grid: int = -1                 # index of the grid block (-1: a paragraph)
    row: int = -1                  # row and column inside the grid
    col: int = -1
    glued: bool = False            # a digit run that may be several cells run together
    floating: bool = False         # a blank counted, not placed (a closing run of pipes: "|||")


# A label with digits run into its end: "规章000", "（七）总计241930272837165", "行政事业性收费0.5".
_TAIL = re.compile(rf"^(.*[^\d\s.,，+{re.escape(MINUS_SIGNS)}—])\s*(\d[\d.\-]*\d|\d)$")
_SPLIT = re.compile(r"[\s|]+")
_WIDE = re.compile(r"\s{3,}|\|")
PROSE_MAX = 120


Spec = tuple  # (kind, text, value, norm, tail, glued): what a cell's text is, wherever it stands


@lru_cache(maxsize=65536)
def cell_spec(text: str) -> Spec:
    """What a cell's text is. Cached: cell texts (labels, small numbers) recur in every report."""
    kind, value = parse_cell(text)
    s = text.strip()
    if kind == VALUE:
        return (V, s, value, "", "", s.isdigit() and len(s) > 6)
    if kind == BLANK:
        return (B, s, None, "", "", False)
    m = _TAIL.match(s)
    tail = ""
    if m and not m.group(1).endswith(("第", "页")):
        head, digits = m.group(1), m.group(2)
        if match_norm(head) and not digits.endswith("."):
            s, tail = head, digits
    return (L, s, None, match_norm(s), tail, False)


def cell_token(text: str, loc: Loc, grid: int = -1, row: int = -1, col: int = -1) -> Token:
    kind, s, value, norm, tail, glued = cell_spec(text)
    return Token(kind, s, loc, value, norm, tail, grid, row, col, glued)


def _grid_tokens(table: Table, gi: int) -> list[Token]:
    out: list[Token] = []
    # cells printed one per line ("3 |"): a row of nothing but pipes counts the blank cells of the
    # row before it, without saying where they were
    one_per_line = sum(1 for r in table.rows if len(r) == 1) * 2 >= len(table.rows)
    markers = set() if one_per_line else _page_markers(table)
    for ri, row in enumerate(table.rows):
        if ri in markers:
            continue
        if one_per_line and not any(c.text.strip() for c in row):
            out.extend(Token(B, "", c.loc, grid=gi, row=ri, col=ci, floating=True) for ci, c in enumerate(row))
            continue
        toks: list[Token] = []
        seen_label = False
        for ci, c in enumerate(row):
            if c.covered:
                continue
            kind, text, value, norm, tail, glued = cell_spec(c.text)
            if kind == L:
                if not seen_label and toks:
                    # empty slots before a row's label are the label columns of a merged group cell
                    toks = [t for t in toks if t.kind != B]
                seen_label = True
            toks.append(Token(kind, text, c.loc, value, norm, tail, gi, ri, ci, glued))
        out.extend(toks)
    return out


_PAGE_NO = re.compile(r"^\d{1,3}$")


def _page_markers(table: Table) -> set[int]:
    """Rows of a many-celled grid that are a page number copied as a row ("4 |"): one bare number
    alone, set apart by blank lines from the rows around it, which hold several cells each (the next
    may be a repeated header of two)."""
    fills = [[t for c in r if (t := c.text.strip())] for r in table.rows]     # each row's filled cells, once
    wide = [len(f) >= 3 for f in fills]
    if sum(wide) < 5:
        return set()
    out = set()
    for ri in range(1, len(table.rows) - 1):
        f = fills[ri]
        if len(f) != 1 or not _PAGE_NO.match(f[0]) or not (wide[ri - 1] and len(fills[ri + 1]) >= 2):
            continue
        line = table.rows[ri][0].loc.line
        before, after = table.rows[ri - 1][0].loc.line, table.rows[ri + 1][0].loc.line
        if line and before and after and line - before > 1 and after - line > 1:
            out.add(ri)
    return out


def paragraph_tokens(p: Paragraph) -> list[Token]:
    s = p.text.strip()
    if s == "|":
        return [Token(PB, s, p.loc)]
    if "。" in s or len(s) > PROSE_MAX:
        return [Token(X, "", p.loc)]
    loc = p.loc                      # shared by the line's cells (positions are never changed)
    return [Token(kind, t, loc, value, norm, tail, -1, -1, -1, glued)
            for kind, t, value, norm, tail, glued in _line_specs(s)]


@lru_cache(maxsize=32768)
def _line_specs(s: str) -> tuple[Spec, ...]:
    """The cells of a line of text: split at spaces, a letter-spaced label kept whole."""
    out = []
    for chunk in _WIDE.split(s):
        pieces = [x for x in _SPLIT.split(chunk) if x]
        if len(pieces) > 1 and all(len(x) == 1 and not x.isdigit() for x in pieces):
            pieces = ["".join(pieces)]          # a letter-spaced label: "四 、 结 转 下 年 度"
        out.extend(cell_spec(piece) for piece in pieces)
    return tuple(out)


def tokens_of(doc: Document) -> list[Token]:
    out: list[Token] = []
    for gi, b in enumerate(doc.blocks):
        if isinstance(b, Table):
            out.extend(_grid_tokens(b, gi))
        else:
            out.extend(paragraph_tokens(b))
    return _pipes(_lone_page_numbers(out))


def _lone_page_numbers(toks: list[Token]) -> list[Token]:
    """A page number left between the lines of a space-aligned table: a line of one bare number, set
    apart by blank lines, a few lines after a row of several values (where every cell is its own
    paragraph, the lines before hold one cell each); or one number alone between two grids."""
    lines: list[tuple[int, list[int]]] = []
    drop = set()
    last = len(toks) - 1
    for i, t in enumerate(toks):            # one pass: the lines of text tokens, and numbers between grids
        if t.grid >= 0:
            continue
        line = t.loc.line
        if not line:
            continue
        if lines and lines[-1][0] == line:
            lines[-1][1].append(i)
        else:
            lines.append((line, [i]))
        # one number alone between two grids (a tab table broken by the page's number)
        if t.kind == V and 0 < i < last:
            a, b = toks[i - 1], toks[i + 1]
            if a.grid >= 0 and b.grid >= 0 and a.grid != b.grid and _PAGE_NO.match(t.text) \
                    and a.loc.line and b.loc.line and line - a.loc.line >= 2 and b.loc.line - line >= 2:
                drop.add(i)
    for k in range(1, len(lines) - 1):
        line, idx = lines[k]
        t = toks[idx[0]]
        if len(idx) != 1 or t.kind != V or not _PAGE_NO.match(t.text):
            continue
        if line - lines[k - 1][0] < 2 or lines[k + 1][0] - line < 2:
            continue
        if any(sum(1 for i in ix if toks[i].kind == V) >= 3 for _, ix in lines[max(0, k - 3):k]):
            drop.add(idx[0])
    return [t for i, t in enumerate(toks) if i not in drop] if drop else toks


def _pipes(toks: list[Token]) -> list[Token]:
    """Lone `|` lines: where they follow (nearly) every cell they separate cells, and a run of k is
    k-1 blank cells; elsewhere each is a soft blank the assembler counts only when a row is short."""
    n_pipe = sum(1 for t in toks if t.kind == PB)
    if not n_pipe:
        return toks
    content = [i for i, t in enumerate(toks) if t.kind in (L, V, B) and t.grid < 0]
    followed = sum(1 for i in content if i + 1 < len(toks) and toks[i + 1].kind == PB)
    if followed * 10 < len(content) * 8:
        # a lone | after each row (nearly all followed by the next row's label): separators, no cells
        ends = sum(1 for i, t in enumerate(toks) if t.kind == PB and (i + 1 == len(toks) or toks[i + 1].kind in (L, X)))
        if n_pipe >= 5 and ends * 10 >= n_pipe * 7:
            return [t for t in toks if t.kind != PB]
        return toks
    out: list[Token] = []
    run: list[Token] = []
    for t in toks + [Token(X, "", Loc())]:
        if t.kind == PB:
            run.append(t)
            continue
        out.extend(Token(B, "", r.loc) for r in run[1:])
        run = []
        out.append(t)
    return out[:-1]


__all__ = ["B", "Cell", "L", "LABEL", "PB", "Token", "V", "X", "cell_spec", "cell_token", "tokens_of"]
