"""Table 三: each row's seven values (six applicant columns and 总计). Where a row's count leaves
the columns open, its own total (T301: 总计 = the six columns) decides; a row it cannot decide
is null and named in extraction.unread."""
from __future__ import annotations

from ...form import Form
from .place import place
from .result import TableResult
from .rows import RowRead
from .unread import record


def row_total(vals: list) -> bool | None:
    """T301 on one reading: True adds up, False does not, None cannot tell (总计 blank, or all zero)."""
    total, parts = vals[-1], vals[:-1]
    if total is None:
        return None
    if abs(sum(v or 0 for v in parts) - total) > 1e-9:
        return False
    return True if total else None


def assemble_applications(rows: list[RowRead], form: Form, res: TableResult) -> None:
    for r in rows:
        row = r.target.row
        slots, why = place(r.values, len(row.columns), row_total)
        record(res, row, slots, why, r)
        for col, tok in zip(row.columns, slots):
            value = tok.value if tok is not None and tok.kind == "V" else None
            res.set(row.path(col.key), value, tok.loc if tok is not None else None)
