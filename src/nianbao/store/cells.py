"""A Report's tables as long-form cells (table, row, column, value) and back to dotted paths."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import labels as L
from ..model import Report


def split_path(path: str) -> tuple[str, str, str]:
    """"tables.applications.denied.state_secret.total" → ("applications", "denied.state_secret", "total")."""
    p = path.removeprefix("tables.")
    table, rest = p.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return table, row, col


def join_path(table: str, row: str, col: str) -> str:
    return f"tables.{table}.{row}.{col}"


def _legacy_leaves(obj: Any, prefix: str = "") -> Iterator[tuple[str, float | None]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _legacy_leaves(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, bool):
        return
    elif obj is None or isinstance(obj, int | float):
        yield prefix, obj


def report_cells(report: Report) -> Iterator[tuple[str, str, str, float | None]]:
    """Every cell of the report's format (blank ones with value None), then the 2019 layout's own
    fields under table "legacy"."""
    for path in L.all_cell_paths(report.format):
        table, row, col = split_path(path)
        if table == "active_disclosure" and getattr(report.tables.active_disclosure, row) is None:
            continue   # the 2019 format does not have this item
        v = report.tables.cell(path.removeprefix("tables."))
        yield table, row, col, (float(v) if v is not None else None)
    if report.tables.legacy:
        for key, v in _legacy_leaves(report.tables.legacy):
            if "." in key:
                row, col = key.rsplit(".", 1)
            else:
                row, col = key, "value"
            yield "legacy", row, col, (float(v) if v is not None else None)


def number(v: float | None) -> int | float | None:
    """Stored floats back to what the report printed: whole numbers as int."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v
