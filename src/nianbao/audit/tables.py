"""T rules: the arithmetic printed into the tables themselves (表内勾稽关系).

Sums that involve a blank (null) cell are skipped: C003 reports blanks.

Table 三 is a grid of equations: every row sums across (T301) and every column sums down
(T302, T303). When exactly one row equation and one column equation fail, the wrong cell is
where they cross: the finding's path points at that cell (and the message names it);
otherwise it points at the total the equation checks.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..form import Form, Identity
from ..model import Number, Report
from .common import cells, fmt, form_of, is_count, known
from .registry import Hit, rule


def _cell(form: Form, path: str) -> tuple[str, str]:
    """(row key, column key) of a table-三 cell path."""
    _, row, col = form.cell(path)
    return row.key, col.key


def _fails(vals: dict[str, Number], ident: Identity) -> bool:
    values = [vals[p] for p in ident.paths]
    return known(*values) and abs(sum(values[:len(ident.lhs)]) - sum(values[len(ident.lhs):])) > 1e-9


def _row_fails(form: Form, vals: dict[str, Number]) -> set[str]:
    """Rows of table 三 whose applicant columns do not add up to their 总计 (T301)."""
    return {_cell(form, i.lhs[0])[0] for i in form.identities("T301") if _fails(vals, i)}


def _col_fails(form: Form, vals: dict[str, Number], rule_: str) -> dict[str, set[str]]:
    """Failing columns of the column equations `rule_` (T302, T303), with the rows each involves."""
    out: dict[str, set[str]] = {}
    for i in form.identities(rule_):
        if _fails(vals, i):
            out[_cell(form, i.lhs[0])[1]] = {_cell(form, p)[0] for p in i.paths}
    return out


def _suspect(rows: set[str], cols: set[str]) -> tuple[str, str] | None:
    """The one cell where a failing row and a failing column cross, when there is exactly one."""
    if len(rows) == 1 and len(cols) == 1:
        return next(iter(rows)), next(iter(cols))
    return None


def _cell_path(form: Form, cell: tuple[str, str]) -> str:
    return form.table("applications").row(cell[0]).path(cell[1])


def _hint(form: Form, cell: tuple[str, str] | None) -> str:
    return f"（疑为「{form.cell_name(_cell_path(form, cell), table=False)}」格有误）" if cell else ""


@rule("T301", "error", "T",
      "表三「{row_name}」行：各类申请人之和({expr})={sum}，但总计列为{total}{hint}")
def row_total_matches_applicants(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 三, checks that every row's 总计 equals the sum of the six applicant columns
    (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他); the equations are the form's
    (`form.identities("T301")`), so a 2019 report's （六）其他处理 row is checked too.

    Why it matters:
    The 总计 column is what readers and the statistics take; a wrong row total means either
    the total or one of the applicant cells was typed wrongly.

    Example:
    予以公开: 自然人 3, 商业企业 1, others 0, 总计 5 → 3+1=4 ≠ 5.
    """
    form, vals = form_of(report), cells(report)
    col_fails = _col_fails(form, vals, "T302")
    for col, rows in _col_fails(form, vals, "T303").items():
        col_fails[col] = col_fails.get(col, set()) | rows
    for ident in form.identities("T301"):
        if not _fails(vals, ident):
            continue
        row = form.cell(ident.lhs[0])[1]
        values = [vals[p] for p in ident.rhs]
        # the column equations this row takes part in say which of its cells is off
        cell = _suspect({row.key}, {c for c, rows in col_fails.items() if row.key in rows})
        yield Hit(_cell_path(form, cell) if cell else ident.lhs[0], {
            "row": row.key, "row_name": row.name, "expr": "+".join(fmt(v) for v in values),
            "sum": fmt(sum(values)), "total": fmt(vals[ident.lhs[0]]), "parts": values,
            "hint": _hint(form, cell), "cells": list(ident.rhs + ident.lhs)})


@rule("T302", "error", "T",
      "表三「{col_name}」列：各项办理结果之和={sum}，但（七）总计为{total}{hint}")
def results_total_matches_outcomes(report: Report) -> Iterator[Hit]:
    """What it does:
    In table 三, checks per column that （七）总计 equals the sum of the 21 outcome rows
    （一）予以公开 … （六）其他处理·3.其他 (in the 2019 format the single （六）其他处理 row).

    Why it matters:
    （七）总计 is the number of applications the agency finished this year; if it differs from
    its parts, an outcome was left out, counted twice, or the total was typed wrongly.

    Example:
    自然人 column: 予以公开 2 + 不予公开·国家秘密 1 = 3, but （七）总计 says 4.
    """
    form, vals = form_of(report), cells(report)
    bad_rows = _row_fails(form, vals)
    for ident in form.identities("T302"):
        if not _fails(vals, ident):
            continue
        rows = [_cell(form, p)[0] for p in ident.rhs]
        values = [vals[p] for p in ident.rhs]
        col = _cell(form, ident.lhs[0])[1]
        cell = _suspect(bad_rows & {_cell(form, p)[0] for p in ident.paths}, {col})
        yield Hit(_cell_path(form, cell) if cell else ident.lhs[0], {
            "col": col, "col_name": form.cell(ident.lhs[0])[2].name, "sum": fmt(sum(values)),
            "total": fmt(vals[ident.lhs[0]]), "nonzero": {r: v for r, v in zip(rows, values) if v},
            "hint": _hint(form, cell), "cells": list(ident.rhs + ident.lhs)})


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
    form, vals = form_of(report), cells(report)
    bad_rows = _row_fails(form, vals)
    for ident in form.identities("T303"):
        if not _fails(vals, ident):
            continue
        new, over = (vals[p] for p in ident.lhs)
        res, fwd = (vals[p] for p in ident.rhs)
        col = _cell(form, ident.lhs[0])[1]
        cell = _suspect(bad_rows & {_cell(form, p)[0] for p in ident.paths}, {col})
        yield Hit(_cell_path(form, cell) if cell else ident.rhs[0], {
            "hint": _hint(form, cell),
            "col": col, "col_name": form.cell(ident.lhs[0])[2].name, "new": fmt(new), "carried_over": fmt(over),
            "lhs": fmt(new + over), "results": fmt(res), "carried_forward": fmt(fwd), "rhs": fmt(res + fwd),
            "cells": list(ident.paths)})


@rule("T304", "error", "T", {
    "default": "{table}「{cell_name}」为{value}：件数必须是非负整数",
    "fee": "{table}「{row_name}」{col_name}为{value}：金额不能为负数",
})
def counts_are_whole_and_non_negative(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that every count in tables 二, 三 and 四 is a whole number that is not negative,
    and that an amount (表二's 本年收费金额 in 万元) is not negative. A change the form
    prints signed (the 2019 layout's 本年增/减) may be negative.

    Why it matters:
    Counts of documents, decisions, applications and cases cannot be fractional or negative;
    such a value is a typing or conversion error (e.g. "1.5" for "15", "-" read as a sign).

    Example:
    表三「（一）予以公开」自然人 = 2.5.
    """
    form = form_of(report)
    for path, v in cells(report).items():    # a mirrored copy (2019) holds the same value: checked once
        if v is None:
            continue
        table, row, col = form.cell(path)
        if row.kind == "amount":
            if v < 0:
                yield Hit(path, {"table": table.name, "row_name": row.name, "col_name": col.label, "value": fmt(v)},
                          variant="fee")
            continue
        if (v < 0 and not col.signed) or not is_count(v):
            yield Hit(path, {"table": table.name, "cell_name": form.cell_name(path, table=False), "value": fmt(v)})


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
    form, vals = form_of(report), cells(report)
    for ident in form.identities("T401"):
        if not _fails(vals, ident):
            continue
        _, row, _ = form.cell(ident.lhs[0])
        parts = {form.cell(p)[2].key: fmt(vals[p]) for p in ident.rhs}
        yield Hit(ident.lhs[0], {
            "group": row.key, "group_name": row.name, **parts,
            "sum": fmt(sum(vals[p] for p in ident.rhs)), "total": fmt(vals[ident.lhs[0]]),
            "cells": list(ident.rhs + ident.lhs)})
