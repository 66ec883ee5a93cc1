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

from ...document import Cell, Document, Loc, Paragraph, Table
from ..values import BLANK, LABEL, VALUE, parse_cell
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
_TAIL = re.compile(r"^(.*[^\d\s.,，+\-－—])\s*(\d[\d.]*)$")
_SPLIT = re.compile(r"[\s|]+")
_WIDE = re.compile(r"\s{3,}|\|")
PROSE_MAX = 120


def _label(text: str, loc: Loc, grid: int = -1, row: int = -1, col: int = -1) -> list[Token]:
    t = text.strip()
    m = _TAIL.match(t)
    tail = ""
    if m and not m.group(1).endswith(("第", "页")):
        head, digits = m.group(1), m.group(2)
        if match_norm(head) and not digits.endswith("."):
            t, tail = head, digits
    return [Token(L, t, loc, norm=match_norm(t), tail=tail, grid=grid, row=row, col=col)]


def cell_token(text: str, loc: Loc, grid: int = -1, row: int = -1, col: int = -1) -> list[Token]:
    kind, value = parse_cell(text)
    if kind == VALUE:
        s = text.strip()
        return [Token(V, s, loc, value, grid=grid, row=row, col=col, glued=s.isdigit() and len(s) > 6)]
    if kind == BLANK:
        return [Token(B, text.strip(), loc, grid=grid, row=row, col=col)]
    return _label(text, loc, grid, row, col)


def _grid_tokens(table: Table, gi: int) -> list[Token]:
    out: list[Token] = []
    # cells printed one per line ("3 |"): a row of nothing but pipes counts the blank cells of the
    # row before it, without saying where they were
    one_per_line = sum(1 for r in table.rows if len(r) == 1) * 2 >= len(table.rows)
    for ri, row in enumerate(table.rows):
        if one_per_line and not any(c.text.strip() for c in row):
            out.extend(Token(B, "", c.loc, grid=gi, row=ri, col=ci, floating=True) for ci, c in enumerate(row))
            continue
        toks: list[Token] = []
        for ci, c in enumerate(row):
            if c.covered:
                continue
            toks.extend(cell_token(c.text, c.loc, gi, ri, ci))
        first_label = next((i for i, t in enumerate(toks) if t.kind == L), None)
        if first_label:
            # empty slots before a row's label are the label columns of a merged group cell
            toks = [t for i, t in enumerate(toks) if i >= first_label or t.kind != B]
        out.extend(toks)
    return out


def paragraph_tokens(p: Paragraph) -> list[Token]:
    s = p.text.strip()
    if s == "|":
        return [Token(PB, s, p.loc)]
    if "。" in s or len(s) > PROSE_MAX:
        return [Token(X, "", p.loc)]
    out: list[Token] = []
    loc = Loc(line=p.loc.line, page=p.loc.page, bbox=p.loc.bbox)
    for chunk in _WIDE.split(s):
        pieces = [x for x in _SPLIT.split(chunk) if x]
        if len(pieces) > 1 and all(len(x) == 1 and not x.isdigit() for x in pieces):
            pieces = ["".join(pieces)]          # a letter-spaced label: "四 、 结 转 下 年 度"
        for piece in pieces:
            out.extend(cell_token(piece, loc))
    return out


def tokens_of(doc: Document) -> list[Token]:
    out: list[Token] = []
    for gi, b in enumerate(doc.blocks):
        if isinstance(b, Table):
            out.extend(_grid_tokens(b, gi))
        else:
            out.extend(paragraph_tokens(b))
    return _pipes(out)


def _pipes(toks: list[Token]) -> list[Token]:
    """Lone `|` lines: where they follow (nearly) every cell they separate cells, and a run of k is
    k-1 blank cells; elsewhere each is a soft blank the assembler counts only when a row is short."""
    n_pipe = sum(1 for t in toks if t.kind == PB)
    if not n_pipe:
        return toks
    content = [i for i, t in enumerate(toks) if t.kind in (L, V, B) and t.grid < 0]
    followed = sum(1 for i in content if i + 1 < len(toks) and toks[i + 1].kind == PB)
    if followed * 10 < len(content) * 8:
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


__all__ = ["B", "Cell", "L", "LABEL", "PB", "Token", "V", "X", "cell_token", "tokens_of"]
