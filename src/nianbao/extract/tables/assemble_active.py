"""Table 二: each row's values in its columns (3 for 规章/规范性文件, 1 for the 第二十条 decisions and
the fee; the 2019 layout's own columns). The form states no arithmetic for it, so a row's values
are placed only when their count leaves no doubt."""
from __future__ import annotations

from ...form import Form
from .place import place
from .result import TableResult
from .rows import RowRead
from .unread import record


def assemble_active(rows: list[RowRead], form: Form, res: TableResult) -> None:
    mirrors = dict(form.mirrors)
    for r in rows:
        row = r.target.row
        # what one cut piece may look like per column: signed (本年增/减), an amount (its last column)
        kinds = [c.signed or ("amount" if row.kind == "amount" and c is row.columns[-1] else False)
                 for c in row.columns]
        slots, why = place(r.values, len(row.columns), signed=kinds)
        record(res, row, slots, why, r)
        for col, tok in zip(row.columns, slots):
            path = row.path(col.key)
            value = tok.value if tok is not None and tok.kind == "V" else None
            res.set(path, value, tok.loc if tok is not None else None)
            if path in mirrors:
                res.set(mirrors[path], value, tok.loc if tok is not None else None)
