"""Small helpers the rule families share: the report's form, cell values, number checks.

Names of cells, rows and tables come from the form (`form_for(report.format)`); nothing here
spells one.
"""
from __future__ import annotations

from functools import lru_cache

from ..form import FORM_2021, Form, form_for
from ..model import Number, Report

APPLICATIONS = FORM_2021.table("applications")


def form_of(report: Report) -> Form:
    return form_for(report.format)


def applicant_name(col: str) -> str:
    """Chinese name of a table-三 column: "自然人", "总计"."""
    return next((c.name for c in APPLICATIONS.columns if c.key == col), col)


def fmt(v: Number) -> str:
    """A number as printed: 5, 0.35."""
    if v is None:
        return "空"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def known(*values: Number) -> bool:
    return all(v is not None for v in values)


def app_path(row: str, col: str) -> str:
    return APPLICATIONS.row(row).path(col)


def value(report: Report, path: str) -> Number:
    """The value at a model path ("tables.applications.granted.total", legacy paths too)."""
    return report.tables.cell(path.removeprefix("tables."))


def app_value(report: Report, row: str, col: str) -> Number:
    r = report.tables.applications.get(row)
    return getattr(r, col) if r is not None else None


def is_count(v: Number) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer())


@lru_cache(maxsize=16)
def cell_paths(fmt_: str, table: str | None = None) -> tuple[str, ...]:
    """Every cell the report's form prints (of one table), in print order, computed once."""
    return tuple(form_for(fmt_).cell_paths(table))
