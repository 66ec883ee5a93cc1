"""The three tables in the official layout (merged header cells as printed in the form),
as grids of cells the report template renders, with the cells that have findings marked.

Rows, columns and labels come from labels.py; only the arrangement of merged
cells is drawn here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import labels as L
from ..model import Finding, Report


@dataclass
class Cell:
    text: str = ""
    th: bool = False
    colspan: int = 1
    rowspan: int = 1
    path: str | None = None          # model path of a value cell ("tables.applications.granted.total")
    value: Any = None
    findings: list[int] = field(default_factory=list)   # indices into report.findings
    cls: str = ""


@dataclass
class Grid:
    key: str
    title: str
    head: list[list[Cell]]
    body: list[list[Cell]]
    findings: list[int] = field(default_factory=list)   # findings about the table as a whole


def _paths_in(obj: Any) -> list[str]:
    """Model paths mentioned anywhere in a finding's data (e.g. the blank cells of a C003)."""
    out: list[str] = []
    if isinstance(obj, str):
        if obj.startswith("tables."):
            out.append(obj)
        elif obj.startswith(("applications.", "active_disclosure.", "review_litigation.")):
            out.append("tables." + obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            out += _paths_in(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            out += _paths_in(v)
    return out


def finding_index(findings: list[Finding]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """(path → findings) for cell and row paths, and (table key → findings) for whole-table findings."""
    by_path: dict[str, list[int]] = {}
    by_table: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        paths = ([f.path] if f.path else []) + _paths_in(f.data)
        for p in dict.fromkeys(paths):
            parts = p.split(".")
            if len(parts) <= 2:
                if len(parts) == 2 and parts[0] == "tables":
                    by_table.setdefault(parts[1], []).append(i)
                continue
            by_path.setdefault(p, []).append(i)
    return by_path, by_table


def _value_cell(report: Report, path: str, by_path: dict[str, list[int]]) -> Cell:
    rel = path.removeprefix("tables.")
    try:
        v = report.tables.cell(rel)
    except (AttributeError, KeyError, ValueError):
        v = None
    hits: list[int] = []
    # a finding on the cell, or on its row (e.g. a T301 row total); row keys may contain a dot
    parts = path.split(".")
    for k in range(3, len(parts) + 1):
        hits += by_path.get(".".join(parts[:k]), [])
    hits = sorted(set(hits))
    text = "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() and "fees" not in path
                                  else str(v))
    cls = "val" + (" blank" if v is None else "") + (" flagged" if hits else "")
    return Cell(text=text, path=path, value=v, findings=hits, cls=cls)


def _legacy(report: Report, table: str, row: str) -> dict[str, Any]:
    """A 2019-format row kept under tables.legacy (nested {"applications": {"other_processing": …}}
    or flat {"applications.other_processing": …})."""
    leg = report.tables.legacy or {}
    got = leg.get(f"{table}.{row}")
    if got is None:
        got = (leg.get(table) or {}).get(row)
    return got if isinstance(got, dict) else {}


def active_disclosure_2019(report: Report, by_table) -> Grid:
    """Table 二 of the 2019 layout: the generator's grid (generate/layout.py), values under tables.legacy."""
    from ..generate.layout import active_grid_2019

    g = active_grid_2019(report)
    body = [[Cell(c.text, th=c.header, colspan=c.colspan, rowspan=c.rowspan,
                  cls="" if c.header else ("val" if c.text else "val blank") if j else "rowlabel")
             for j, c in enumerate(row)] for row in g.rows]
    for row in body:
        if row and not row[0].th:
            row[0].th = True
    return Grid("active_disclosure", L.TABLE_TITLES["active_disclosure"], [], body,
                by_table.get("active_disclosure", []))


def active_disclosure(report: Report, by_path, by_table) -> Grid:
    if report.format == L.FORMAT_2019:
        return active_disclosure_2019(report, by_table)
    body: list[list[Cell]] = []
    blocks = [("第二十条第（一）项", ["regulations", "normative_documents"]),
              ("第二十条第（五）项", ["licensing"]),
              ("第二十条第（六）项", ["punishment", "enforcement"]),
              ("第二十条第（八）项", ["fees"])]
    for item, rows in blocks:
        body.append([Cell(item, th=True, colspan=4, cls="item")])
        cols = L.ACTIVE_COLS[rows[0]]
        span = 3 if len(cols) == 1 else 1
        body.append([Cell("信息内容", th=True)] + [Cell(label, th=True, colspan=span) for _, label in cols])
        for row in rows:
            cells = [Cell(L.ACTIVE_ROW_LABELS[row], th=True, cls="rowlabel")]
            for col, _ in L.ACTIVE_COLS[row]:
                c = _value_cell(report, f"tables.active_disclosure.{row}.{col}", by_path)
                c.colspan = span
                cells.append(c)
            body.append(cells)
    return Grid("active_disclosure", L.TABLE_TITLES["active_disclosure"], [], body,
                by_table.get("active_disclosure", []))


OUTCOME_GROUP = "三、本年度办理结果"


def applications(report: Report, by_path, by_table) -> Grid:
    head = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", th=True, colspan=3, rowspan=3,
              cls="corner"),
         Cell("申请人情况", th=True, colspan=7)],
        [Cell("自然人", th=True, rowspan=2), Cell("法人或其他组织", th=True, colspan=5),
         Cell("总计", th=True, rowspan=2)],
        [Cell(label, th=True) for key, label in L.APPLICANTS if key not in ("natural_person", "total")],
    ]
    keys = list(L.APP_ROW_KEYS if report.format == L.FORMAT_2021 else L.APP_ROW_KEYS_2019)
    if report.format == L.FORMAT_2019:     # its single （六）其他处理 row, kept under tables.legacy
        keys.insert(keys.index("results_total"), L.LEGACY_OTHER_2019)
    outcome = [k for k in keys if k in L.OUTCOME_ROW_KEYS or k in ("results_total", L.LEGACY_OTHER_2019)]
    body: list[list[Cell]] = []
    seen_groups: set[str] = set()
    for key in keys:
        if key == L.LEGACY_OTHER_2019:
            vals = _legacy(report, "applications", key)
            cells = [Cell("（六）其他处理", th=True, colspan=2, cls="rowlabel")]
            for col in L.APPLICANT_KEYS:
                path = f"tables.legacy.applications.{key}.{col}"
                hits = sorted(set(by_path.get(path, [])))
                v = vals.get(col)
                cells.append(Cell("" if v is None else str(v), path=path, value=v, findings=hits,
                                  cls="val" + (" blank" if v is None else "") + (" flagged" if hits else "")))
            body.append(cells)
            continue
        row = L.APP_ROW_BY_KEY[key]
        cells = []
        if key in outcome:
            if OUTCOME_GROUP not in seen_groups:
                seen_groups.add(OUTCOME_GROUP)
                cells.append(Cell(OUTCOME_GROUP, th=True, rowspan=len(outcome), cls="group"))
            inner = row.group if row.group and row.group != OUTCOME_GROUP else None
            if inner:
                if inner not in seen_groups:
                    seen_groups.add(inner)
                    n = sum(1 for k in outcome if k in L.APP_ROW_BY_KEY and L.APP_ROW_BY_KEY[k].group == inner)
                    cells.append(Cell(inner, th=True, rowspan=n, cls="group"))
                cells.append(Cell(row.label, th=True, cls="rowlabel"))
            else:
                cells.append(Cell(row.label, th=True, colspan=2, cls="rowlabel"))
        else:
            cells.append(Cell(row.label, th=True, colspan=3, cls="rowlabel"))
        cells += [_value_cell(report, f"tables.applications.{key}.{col}", by_path) for col in L.APPLICANT_KEYS]
        body.append(cells)
    return Grid("applications", L.TABLE_TITLES["applications"], head, body, by_table.get("applications", []))


def review_litigation(report: Report, by_path, by_table) -> Grid:
    cols = [Cell(label, th=True) for _, label in L.REVIEW_COLS]
    head = [
        [Cell("行政复议", th=True, colspan=5), Cell("行政诉讼", th=True, colspan=10)],
        [Cell(c.text, th=True, rowspan=2) for c in cols]
        + [Cell("未经复议直接起诉", th=True, colspan=5), Cell("复议后起诉", th=True, colspan=5)],
        [Cell(c.text, th=True) for c in cols] * 2,
    ]
    body = [[_value_cell(report, f"tables.review_litigation.{g}.{c}", by_path)
             for g in L.REVIEW_GROUP_KEYS for c in L.REVIEW_COL_KEYS]]
    return Grid("review_litigation", L.TABLE_TITLES["review_litigation"], head, body,
                by_table.get("review_litigation", []))


def report_grids(report: Report) -> list[Grid]:
    by_path, by_table = finding_index(report.findings)
    return [active_disclosure(report, by_path, by_table), applications(report, by_path, by_table),
            review_litigation(report, by_path, by_table)]


def flagged_paths(report: Report) -> set[str]:
    return {c.path for g in report_grids(report) for row in g.body for c in row if c.findings and c.path}
