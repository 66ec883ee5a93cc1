"""A Report's tables as long-form cells (table, row, column, value) and back to dotted paths."""
from __future__ import annotations

from collections.abc import Iterator
from ..form import FORM_2019, form_for
from ..model import Report


def split_path(path: str) -> tuple[str, str, str]:
    """"tables.applications.denied.state_secret.total" → ("applications", "denied.state_secret", "total")."""
    p = path.removeprefix("tables.")
    table, rest = p.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return table, row, col


_LEGACY = "tables.legacy."


def join_path(table: str, row: str, col: str) -> str:
    return f"tables.{table}.{row}.{col}"


def report_cells(report: Report) -> Iterator[tuple[str, str, str, float | None]]:
    """Every cell of the report's form (blank ones with value None), then the 2019 layout's own
    cells that were read, under table "legacy" (row "active_disclosure.regulations")."""
    form = form_for(report.format)
    paths = form.model_paths()
    for path in paths:
        if path.startswith(_LEGACY):
            continue
        table, row, col = split_path(path)
        if table == "active_disclosure" and getattr(report.tables.active_disclosure, row) is None:
            continue   # absent from this report
        v = report.tables.cell(path.removeprefix("tables."))
        yield table, row, col, (float(v) if v is not None else None)
    if report.tables.legacy is not None:
        for path in FORM_2019.cell_paths():
            if not path.startswith(_LEGACY):
                continue
            prefix, col = path.removeprefix(_LEGACY).rsplit(".", 1)
            if report.tables.cell(f"legacy.{prefix}") is None:
                continue   # a row nothing was read for
            v = report.tables.cell(path.removeprefix("tables."))
            yield "legacy", prefix, col, (float(v) if v is not None else None)


def number(v: float | None) -> int | float | None:
    """Stored floats back to what the report printed: whole numbers as int."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v
