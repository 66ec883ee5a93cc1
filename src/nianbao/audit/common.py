"""Small helpers the rule families share: Chinese names of cells, number checks."""
from __future__ import annotations

from functools import lru_cache

from .. import labels as L
from ..model import Number, Report

APPLICANT_NAMES = dict(L.APPLICANTS)
REVIEW_GROUP_NAMES = dict(L.REVIEW_GROUPS)
REVIEW_COL_NAMES = dict(L.REVIEW_COLS)
TABLE_NAMES = {"active_disclosure": "表二", "applications": "表三", "review_litigation": "表四"}


def app_row_name(key: str) -> str:
    """Short Chinese name of a table-三 row, e.g. "（三）不予公开·1.属于国家秘密"."""
    r = L.APP_ROW_BY_KEY[key]
    label = r.label
    if key == "partially_granted":
        label = "（二）部分公开"
    if r.group and r.group.startswith("（"):
        return f"{r.group}·{label}"
    return label


def applicant_name(col: str) -> str:
    return "总计" if col == "total" else APPLICANT_NAMES[col]


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
    return f"tables.applications.{row}.{col}"


def outcome_rows(report: Report) -> list[str]:
    """The rows whose sum is (七)总计: 21 in the 2021 format; the 2019 format has no other.* rows."""
    if report.format == L.FORMAT_2019:
        return [k for k in L.OUTCOME_ROW_KEYS if not k.startswith("other.")]
    return list(L.OUTCOME_ROW_KEYS)


def app_value(report: Report, row: str, col: str) -> Number:
    r = report.tables.applications.get(row)
    return getattr(r, col) if r is not None else None


def legacy_other(report: Report, col: str) -> Number:
    """2019 format: the single "（六）其他处理" row, kept under tables.legacy by the extractor."""
    leg = report.tables.legacy or {}
    flat = leg.get(f"applications.{L.LEGACY_OTHER_2019}")
    if isinstance(flat, dict):
        return flat.get(col)
    for container in (leg.get("applications") or {}, leg):
        row = container.get(L.LEGACY_OTHER_2019) if isinstance(container, dict) else None
        if isinstance(row, dict):
            return row.get(col)
    return None


def is_count(v: Number) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer())


@lru_cache(maxsize=8)
def cell_paths(fmt_: str, table: str | None = None) -> tuple[str, ...]:
    """labels.all_cell_paths, per table, computed once."""
    paths = L.all_cell_paths(fmt_)
    return tuple(p for p in paths if table is None or p.startswith(f"tables.{table}."))
