"""Table 二: each row's values in its columns (3 for 规章/规范性文件, 1 for the 第二十条 decisions and
the fee; the 2019 layout's own columns). The form states no arithmetic for it, so a row's values
are placed only when their count, or the grid's header over them, leaves no doubt."""
from __future__ import annotations

from ...form import Form
from .match import match_norm
from .place import place
from .result import TableResult
from .rows import RowRead
from .tokens import L, Token, V
from .unread import record


def header_columns(tokens: list[Token]) -> dict[tuple[int, str], int]:
    """(grid, normalised header text) → the grid column it heads ("本年制发件数" over column 1)."""
    out: dict[tuple[int, str], int] = {}
    for t in tokens:
        if t.grid >= 0 and t.kind == L:
            out.setdefault((t.grid, t.norm), t.col)
    return out


def header_spans(tokens: list[Token]) -> dict[tuple[int, str], set[int]]:
    """(grid, normalised header text) → every grid column it heads (a header merged over two
    columns is printed in both: "采购总金额 | 采购总金额")."""
    out: dict[tuple[int, str], set[int]] = {}
    for t in tokens:
        if t.grid >= 0 and t.kind == L:
            out.setdefault((t.grid, t.norm), set()).add(t.col)
    return out


def _merged_repeats(run: list[Token], row, grid: int, cols: list[int],
                    spans: dict[tuple[int, str], set[int]]) -> list[Token]:
    """A row's value run without the copies of a merged cell: a cell under the same header as a
    column's own cell, printed again (or left empty) in the slot the merge covers."""
    own = {t.col: t for t in run if t.grid == grid}
    drop: set[int] = set()
    for c, col in zip(row.columns, cols):
        span = set().union(*(spans.get((grid, match_norm(w)), set()) for w in (c.label, *c.variants)))
        first = own.get(col)
        for extra in span - {col}:
            t = own.get(extra)
            if t is not None and extra not in cols and (not t.text or first is not None and t.text == first.text):
                drop.add(extra)
    return [t for t in run if not (t.grid == grid and t.col in drop)]


def _columns(row, grid: int, heads: dict[tuple[int, str], int]) -> list[int] | None:
    cols = []
    for c in row.columns:
        col = next((heads[(grid, n)] for n in (match_norm(w) for w in (c.label, *c.variants)) if (grid, n) in heads),
                   None)
        if col is None:
            return None
        cols.append(col)
    return cols if all(b > a for a, b in zip(cols, cols[1:])) else None


def assemble_active(rows: list[RowRead], form: Form, res: TableResult, tokens: list[Token] | None = None) -> None:
    mirrors = dict(form.mirrors)
    heads = header_columns(tokens) if tokens else {}
    spans = header_spans(tokens) if tokens else {}
    for r in rows:
        row = r.target.row
        # what one cut piece may look like per column: signed (本年增/减), an amount (its last column)
        kinds = [c.signed or ("amount" if row.kind == "amount" and c is row.columns[-1] else False)
                 for c in row.columns]
        grids = {t.grid for t in r.values if t.kind == V}
        cols = _columns(row, next(iter(grids)), heads) if len(grids) == 1 and -1 not in grids else None
        run = r.values
        if cols and len(cols) > 1:
            run = _merged_repeats(run, row, next(iter(grids)), cols, spans)
        slots, why = place(run, len(row.columns), cols=cols if cols and len(cols) > 1 else None, signed=kinds,
                           merged=len(row.columns) < r.target.table.width)     # its last cell spans the rest
        record(res, row, slots, why, r)
        for col, tok in zip(row.columns, slots):
            path = row.path(col.key)
            value = tok.value if tok is not None and tok.kind == V else None
            res.set(path, value, tok.loc if tok is not None else None)
            if path in mirrors:
                res.set(mirrors[path], value, tok.loc if tok is not None else None)
