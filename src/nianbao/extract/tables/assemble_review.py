"""Table 四: three rows of five (维持, 纠正, 其他, 尚未审结, 总计). Printed as rows, each row's values
follow its label; printed as the form prints it (one value row under a two-level header), the 15
values follow the last header and are dealt out in the header's order. T401 (总计 = the other four)
decides where a short run's gaps are."""
from __future__ import annotations

from ...form import Form
from .place import grid_leads, place
from .result import TableResult
from .rows import RowRead
from .tokens import V
from .unread import record


def _group_totals(n_rows: int, width: int):
    def check(vals: list) -> bool | None:
        verdict: bool | None = True
        for g in range(n_rows):
            part = vals[g * width:(g + 1) * width]
            total, rest = part[-1], part[:-1]
            if total is None or any(v is None for v in rest) and abs(sum(v or 0 for v in rest) - total) > 1e-9:
                verdict = None if verdict else verdict      # a blank is no 0: it rules nothing out
                continue
            if abs(sum(v or 0 for v in rest) - total) > 1e-9:
                return False
            if not total:
                verdict = None if verdict else verdict
        return verdict
    return check


def assemble_review(rows: list[RowRead], form: Form, res: TableResult) -> None:
    if not rows:
        return
    table = rows[0].target.table
    width = len(table.columns)
    with_values = [r for r in rows if any(t.kind == V for t in r.values)]
    pooled = len(with_values) == 1 and (
        sum(1 for t in with_values[0].values if t.kind != "PB" and not t.floating) > width
        or any(t.glued and len(t.text) > width for t in with_values[0].values))
    if pooled:
        run = list(with_values[0].values)
        # the values dealt to the form's rows in order, from the first printed on
        order = [r for r in table.rows]
        slots, why = place(run, width * len(order), _group_totals(len(order), width))
        for i, row in enumerate(order):
            part = slots[i * width:(i + 1) * width]
            record(res, row, part, why, with_values[0])
            for col, tok in zip(row.columns, part):
                value = tok.value if tok is not None and tok.kind == V else None
                res.set(row.path(col.key), value, tok.loc if tok is not None else None)
        return
    leads = grid_leads([r.values for r in rows], width)
    for r in rows:
        row = r.target.row
        grids = {t.grid for t in r.values if t.kind == V}
        lead = leads.get(next(iter(grids))) if len(grids) == 1 else None
        slots, why = place(r.values, width, _group_totals(1, width), lead=lead)
        record(res, row, slots, why, r)
        for col, tok in zip(row.columns, slots):
            value = tok.value if tok is not None and tok.kind == V else None
            res.set(row.path(col.key), value, tok.loc if tok is not None else None)
