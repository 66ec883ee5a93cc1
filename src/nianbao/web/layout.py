"""The three tables in the official layout (merged header cells as printed in the form),
as grids of cells the report template renders, with the cells that have findings marked.

Rows, columns, labels and the merged layout come from the report's form (form/); only the
filling of value slots and the marking of findings is done here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..form import Slot, TableForm, form_for
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


def _value_cell(report: Report, path: str, by_path: dict[str, list[int]], unread: set[str] | None = None) -> Cell:
    rel = path.removeprefix("tables.")
    try:
        v = report.tables.cell(rel)
    except (AttributeError, KeyError, ValueError):
        v = None
    hits: list[int] = []
    if by_path:
        # a finding on the cell, or on its row (e.g. a T301 row total); row keys may contain a dot
        parts = path.split(".")
        for k in range(3, len(parts) + 1):
            hits += by_path.get(".".join(parts[:k]), [])
        hits = sorted(set(hits))
    if v is None or isinstance(v, float) and v.is_integer():
        found = form_for(report.format).cell(path)
        amount = found is not None and found[1].kind == "amount"   # an amount keeps its decimals: 3.0 万元
    else:
        amount = False
    text = "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() and not amount
                                  else str(v))
    # a cell the extractor could not place (C007) is not a blank the report left
    blank = "" if v is not None else (" unread" if path in (unread if unread is not None else _unread(report))
                                      else " blank")
    cls = "val" + blank + (" flagged" if hits else "")
    return Cell(text=text, path=path, value=v, findings=hits, cls=cls)


def _unread(report: Report) -> set[str]:
    return {p for u in report.extraction.unread for p in u.cells}


def _cell(slot: Slot, report: Report, by_path: dict[str, list[int]], unread: set[str] | None = None) -> Cell:
    """A layout slot as a page cell: a value slot filled (and marked) from the report, a label or
    header slot with its class (item, group, rowlabel, corner)."""
    if slot.path:
        c = _value_cell(report, slot.path, by_path, unread)
        c.rowspan, c.colspan = slot.rowspan, slot.colspan
        return c
    return Cell(slot.text, th=True, colspan=slot.colspan, rowspan=slot.rowspan, cls=slot.kind)


def table_grid(report: Report, table: TableForm, by_path, by_table) -> Grid:
    """One table of the report's form in its printed layout (form/: the same slots the DOCX and
    HTML generators fill), the header rows apart."""
    unread = _unread(report)        # once per table, not once per blank cell
    rows = [[_cell(slot, report, by_path, unread) for slot in row] for row in table.layout]
    return Grid(table.key, table.title, rows[:table.header_rows], rows[table.header_rows:],
                by_table.get(table.key, []))


def report_grids(report: Report) -> list[Grid]:
    by_path, by_table = finding_index(report.findings)
    return [table_grid(report, t, by_path, by_table) for t in form_for(report.format).tables]


def flagged_paths(report: Report) -> set[str]:
    return {c.path for g in report_grids(report) for row in g.body for c in row if c.findings and c.path}
