"""T rules: the arithmetic printed into the tables themselves (表内勾稽关系).

Sums that involve a blank (null) cell are skipped: C003 reports blanks.

Table 三 is a grid of equations: every row sums across (T301) and every column sums down
(T302, T303). When exactly one row equation and one column equation fail, the wrong cell is
where they cross: the finding's path points at that cell (and the message names it);
otherwise it points at the total the equation checks.
"""
from __future__ import annotations

from collections.abc import Iterator

from .. import labels as L
from ..model import Report
from .common import (cell_paths, REVIEW_COL_NAMES, REVIEW_GROUP_NAMES, TABLE_NAMES, app_path, app_row_name, app_value, applicant_name, fmt,
                     is_count, known, legacy_other, outcome_rows)
from .registry import Hit, rule

PARTS = [k for k in L.APPLICANT_KEYS if k != "total"]
BALANCE_ROWS = ["new_received", "carried_over", "results_total", "carried_forward"]


def _row_fails(report: Report) -> set[str]:
    """Rows of table 三 whose applicant columns do not add up to their 总计 (T301)."""
    out = set()
    for row in report.tables.applications:
        values = [app_value(report, row, c) for c in PARTS]
        total = app_value(report, row, "total")
        if known(total, *values) and abs(sum(values) - total) > 1e-9:
            out.add(row)
    return out


def _outcome_col_fails(report: Report) -> set[str]:
    """Columns whose outcome rows do not add up to （七）总计 (T302)."""
    rows = outcome_rows(report)
    out = set()
    for col in L.APPLICANT_KEYS:
        values = [app_value(report, r, col) for r in rows]
        if report.format == L.FORMAT_2019:
            values.append(legacy_other(report, col))
        total = app_value(report, "results_total", col)
        if known(total, *values) and abs(sum(values) - total) > 1e-9:
            out.add(col)
    return out


def _balance_col_fails(report: Report) -> set[str]:
    """Columns where 新收 + 上年结转 ≠ 总计 + 结转下年度 (T303)."""
    out = set()
    for col in L.APPLICANT_KEYS:
        new, over, res, fwd = (app_value(report, r, col) for r in BALANCE_ROWS)
        if known(new, over, res, fwd) and abs(new + over - res - fwd) > 1e-9:
            out.add(col)
    return out


def _suspect(rows: set[str], cols: set[str]) -> tuple[str, str] | None:
    """The one cell where a failing row and a failing column cross, when there is exactly one."""
    if len(rows) == 1 and len(cols) == 1:
        return next(iter(rows)), next(iter(cols))
    return None


def _hint(cell: tuple[str, str] | None) -> str:
    return f"（疑为「{app_row_name(cell[0])}·{applicant_name(cell[1])}」格有误）" if cell else ""


@rule("T301", "error", "T",
      "表三「{row_name}」行：各类申请人之和({expr})={sum}，但总计列为{total}{hint}")
def row_total_matches_applicants(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 三, checks that every row's 总计 equals the sum of the six applicant columns
    (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他).

    Why it matters:
    The 总计 column is what readers and the statistics take; a wrong row total means either
    the total or one of the applicant cells was typed wrongly.

    Example:
    予以公开: 自然人 3, 商业企业 1, others 0, 总计 5 → 3+1=4 ≠ 5.
    """
    outcome_cols, balance_cols = _outcome_col_fails(report), _balance_col_fails(report)
    for row in sorted(_row_fails(report), key=L.APP_ROW_KEYS.index):
        values = [app_value(report, row, c) for c in PARTS]
        total = app_value(report, row, "total")
        # the column equations this row takes part in say which of its cells is off
        cols = (outcome_cols if row in outcome_rows(report) else set()) | \
            (outcome_cols | balance_cols if row == "results_total" else set()) | \
            (balance_cols if row in BALANCE_ROWS else set())
        cell = _suspect({row}, cols)
        yield Hit(app_path(*cell) if cell else app_path(row, "total"), {
            "row": row, "row_name": app_row_name(row), "expr": "+".join(fmt(v) for v in values),
            "sum": fmt(sum(values)), "total": fmt(total), "parts": values, "hint": _hint(cell),
            "cells": [app_path(row, c) for c in L.APPLICANT_KEYS]})


@rule("T302", "error", "T",
      "表三「{col_name}」列：各项办理结果之和={sum}，但（七）总计为{total}{hint}")
def results_total_matches_outcomes(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 三, checks per column that （七）总计 equals the sum of the 21 outcome rows
    （一）予以公开 … （六）其他处理·3.其他.

    Why it matters:
    （七）总计 is the number of applications the agency finished this year; if it differs from
    its parts, an outcome was left out, counted twice, or the total was typed wrongly.

    Example:
    自然人 column: 予以公开 2 + 不予公开·国家秘密 1 = 3, but （七）总计 says 4.
    """
    rows = outcome_rows(report)
    legacy = report.format == L.FORMAT_2019
    bad_rows = _row_fails(report)
    for col in L.APPLICANT_KEYS:
        values = [app_value(report, r, col) for r in rows]
        if legacy:
            other = legacy_other(report, col)
            if other is None:
                continue  # the 2019 其他处理 row was not kept: cannot check
            values.append(other)
        total = app_value(report, "results_total", col)
        if not known(total, *values):
            continue
        s = sum(values)
        if abs(s - total) > 1e-9:
            nonzero = {r: v for r, v in zip(rows, values) if v}
            cell = _suspect(bad_rows & set(rows + ["results_total"]), {col})
            yield Hit(app_path(*cell) if cell else app_path("results_total", col), {
                "col": col, "col_name": applicant_name(col), "sum": fmt(s), "total": fmt(total),
                "nonzero": nonzero, "hint": _hint(cell),
                "cells": [app_path(r, col) for r in rows + ["results_total"]]})


@rule("T303", "error", "T",
      "表三{col_name}列：新收({new})+上年结转({carried_over})={lhs}，"
      "但办理结果总计({results})+结转下年度({carried_forward})={rhs}{hint}")
def received_equals_handled(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 三, checks per column the 勾稽关系 printed in the table header: 第一项 (本年新收)
    + 第二项 (上年结转) = 第三项 (（七）总计) + 第四项 (结转下年度继续办理).

    Why it matters:
    Every application received or carried over must be either finished this year or carried
    forward; a difference means applications were lost or invented in the statistics.

    Example:
    总计 column: 新收 5 + 上年结转 1 = 6, but 办理结果总计 5 + 结转下年度 0 = 5.
    """
    bad_rows = _row_fails(report) & set(BALANCE_ROWS)
    for col in L.APPLICANT_KEYS:
        new = app_value(report, "new_received", col)
        over = app_value(report, "carried_over", col)
        res = app_value(report, "results_total", col)
        fwd = app_value(report, "carried_forward", col)
        if not known(new, over, res, fwd):
            continue
        lhs, rhs = new + over, res + fwd
        if abs(lhs - rhs) > 1e-9:
            cell = _suspect(bad_rows, {col})
            yield Hit(app_path(*cell) if cell else app_path("results_total", col), {
                "hint": _hint(cell),
                "col": col, "col_name": applicant_name(col), "new": fmt(new), "carried_over": fmt(over),
                "lhs": fmt(lhs), "results": fmt(res), "carried_forward": fmt(fwd), "rhs": fmt(rhs),
                "cells": [app_path(r, col) for r in BALANCE_ROWS]})


@rule("T304", "error", "T", {
    "default": "{table}「{cell_name}」为{value}：件数必须是非负整数",
    "fee": "表二「行政事业性收费」本年收费金额为{value}万元：金额不能为负数",
})
def counts_are_whole_and_non_negative(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that every count in tables 二, 三 and 四 is a whole number that is not negative,
    and that the fee amount (万元) is not negative.

    Why it matters:
    Counts of documents, decisions, applications and cases cannot be fractional or negative;
    such a value is a typing or conversion error (e.g. "1.5" for "15", "-" read as a sign).

    Example:
    表三「（一）予以公开」自然人 = 2.5.
    """
    fmt_ = report.format
    for path in cell_paths(fmt_):
        rel = path.removeprefix("tables.")
        v = report.tables.cell(rel)
        if v is None:
            continue
        if rel == "active_disclosure.fees.amount_10k_yuan":
            if v < 0:
                yield Hit(path, {"value": fmt(v)}, variant="fee")
            continue
        if v < 0 or not is_count(v):
            yield Hit(path, {"table": TABLE_NAMES[rel.split(".", 1)[0]], "cell_name": _cell_name(rel), "value": fmt(v)})


def _cell_name(rel: str) -> str:
    table, rest = rel.split(".", 1)
    if table == "applications":
        row, col = rest.rsplit(".", 1)
        return f"{app_row_name(row)}·{applicant_name(col)}"
    if table == "review_litigation":
        g, c = rest.split(".")
        return f"{REVIEW_GROUP_NAMES[g]}·{REVIEW_COL_NAMES[c]}"
    row, col = rest.split(".")
    cols = dict(L.ACTIVE_COLS.get(row, []))
    return f"{L.ACTIVE_ROW_LABELS.get(row, row)}·{cols.get(col, col)}"


@rule("T401", "error", "T",
      "表四「{group_name}」：结果维持({maintained})+结果纠正({corrected})+其他结果({other})"
      "+尚未审结({pending})={sum}，但总计为{total}")
def review_total_matches_parts(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 四, checks for 行政复议, 行政诉讼·未经复议直接起诉 and 行政诉讼·复议后起诉 that
    总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.

    Why it matters:
    Each case is either decided (维持/纠正/其他) or still pending; a total that differs from
    its parts misstates how many cases the agency faced.

    Example:
    行政复议: 维持 1 + 纠正 1 + 其他 0 + 尚未审结 0 = 2, but 总计 3.
    """
    for g in L.REVIEW_GROUP_KEYS:
        row = getattr(report.tables.review_litigation, g)
        parts = [row.maintained, row.corrected, row.other, row.pending]
        if not known(row.total, *parts):
            continue
        s = sum(parts)
        if abs(s - row.total) > 1e-9:
            base = f"tables.review_litigation.{g}"
            yield Hit(f"{base}.total", {
                "group": g, "group_name": REVIEW_GROUP_NAMES[g], "maintained": fmt(row.maintained),
                "corrected": fmt(row.corrected), "other": fmt(row.other), "pending": fmt(row.pending),
                "sum": fmt(s), "total": fmt(row.total),
                "cells": [f"{base}.{c}" for c in L.REVIEW_COL_KEYS]})
