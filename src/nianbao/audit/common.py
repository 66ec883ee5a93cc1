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


@lru_cache(maxsize=8)
def _plan(version: str) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(table path, row key, ((cell path, column key), …)) for every row of a form, built once
    (cached by version: hashing the form itself would walk all of it)."""
    return tuple((r.path_prefix.removeprefix("tables."), r.key, tuple((r.path(c.key), c.key) for c in r.columns))
                 for t in form_for(version).tables for r in t.rows)


def cells(report: Report) -> dict[str, Number]:
    """Every cell of the report's form by path, read in one pass (a rule checking the form's
    equations looks cells up many times)."""
    tables = report.tables
    out: dict[str, Number] = {}
    for table, key, cols in _plan(form_of(report).version):
        row = tables.applications.get(key) if table == "applications" else tables.cell(f"{table}.{key}")
        for path, col in cols:
            out[path] = getattr(row, col, None)
    return out


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
