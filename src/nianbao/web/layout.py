"""The three tables of a report page in the official layout (merged header cells as printed in
the form), value cells filled from the report and the cells that have findings marked.

Rows, columns, labels and the merged layout come from the report's form (form/); only the filling
of value slots and the marking of findings is done here. Each table's layout is turned once into a
skeleton — its label and header cells as ready HTML, its value slots with what they need — so a
first view of a report builds ~150 value cells, not 280 cells through a template (most of a report
page's first rendering before).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from markupsafe import Markup

from ..form import Form, TableForm, form_for
from ..model import Finding, Report


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


@dataclass(frozen=True)
class _ValueSlot:
    path: str                    # "tables.applications.granted.total"
    keys: tuple[str, ...]        # what a finding on it may be filed under: its row's, its own
    colspan: str                 # ' colspan="2"' or ""
    amount: bool                 # an amount keeps its decimals (3.0 万元); a count shows 3


@dataclass(frozen=True)
class _Skeleton:
    key: str
    title: str
    head: str                    # the header rows, ready HTML
    body: tuple[tuple[str | _ValueSlot, ...], ...]     # per row: HTML and value slots in order


def _span(slot) -> str:
    return (f' colspan="{slot.colspan}"' if slot.colspan > 1 else "") + \
        (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "")


def _skeleton_of(form: Form, table: TableForm) -> _Skeleton:
    rows: list[tuple[str | _ValueSlot, ...]] = []
    for layout_row in table.layout:
        parts: list[str | _ValueSlot] = ["<tr>"]
        for slot in layout_row:
            if slot.path:
                found = form.cell(slot.path)
                parts.append(_ValueSlot(slot.path, _row_and_cell(slot.path),
                                        f' colspan="{slot.colspan}"' if slot.colspan > 1 else "",
                                        found is not None and found[1].kind == "amount"))
            else:
                cls = f' class="{escape(slot.kind)}"' if slot.kind else ""
                parts.append(f"<th{_span(slot)}{cls}>{escape(slot.text)}</th>")
        parts.append("</tr>\n")
        merged: list[str | _ValueSlot] = []      # neighbouring HTML as one string
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        rows.append(tuple(merged))
    head = "".join(p for row in rows[:table.header_rows] for p in row if isinstance(p, str))
    return _Skeleton(table.key, table.title, head, tuple(rows[table.header_rows:]))


@lru_cache(maxsize=None)
def _skeletons(fmt: str | None) -> tuple[_Skeleton, ...]:
    form = form_for(fmt)
    return tuple(_skeleton_of(form, t) for t in form.tables)


def _row_and_cell(path: str) -> tuple[str, ...]:
    """The keys a finding on this cell may be filed under: its row's (a T301 row total), the
    cell's own; a row key may itself contain a dot, so every prefix below the table counts."""
    parts = path.split(".")
    return tuple(".".join(parts[:k]) for k in range(3, len(parts) + 1))


def _value_html(report: Report, v: _ValueSlot, by_path: dict[str, list[int]], unread: set[str]) -> str:
    try:
        value = report.tables.cell(v.path[7:])            # minus "tables."
    except (AttributeError, KeyError, ValueError):
        value = None
    hits: list[int] = []
    for key in v.keys:
        hits += by_path.get(key, ())
    title = ""
    if hits:
        f = report.findings
        # one line per finding, no line break after the last
        title = ' title="' + "&#10;".join(f"{escape(f[i].code)} {escape(f[i].message)}"
                                          for i in sorted(set(hits))) + '" tabindex="0"'
    if value is None:
        # a cell the extractor could not place (C007) is not a blank the report left
        cls, text = ("val unread" if v.path in unread else "val blank"), ""
    else:
        cls = "val"
        text = str(int(value)) if isinstance(value, float) and value.is_integer() and not v.amount \
            else escape(str(value))
    if hits:
        cls += " flagged"
    return f'<td{v.colspan} class="{cls}" data-path="{v.path}"{title}>{text}</td>'


def tables_html(report: Report, report_id: int) -> Markup:
    """The report's tables as the page shows them: per table a section with its title, the badges
    of findings about the table as a whole, and the grid."""
    by_path, by_table = finding_index(report.findings)
    unread = {p for u in report.extraction.unread for p in u.cells}
    f = report.findings
    out: list[str] = []
    for sk in _skeletons(report.format):
        badges = "".join(f'<a class="badge sev-{f[i].severity}" href="#f{i}" '
                         f'hx-get="/reports/{report_id}/source?finding={i}" hx-target="#source">{escape(f[i].code)}</a>'
                         for i in by_table.get(sk.key, ()))
        out.append(f'<section class="table-block" id="t-{sk.key}">\n  <h3>{escape(sk.title)}{badges}</h3>\n'
                   f'  <table class="official official-{sk.key}">\n')
        if sk.head:
            out.append(f"    <thead>\n{sk.head}    </thead>\n")
        out.append("    <tbody>\n")
        for row in sk.body:
            for part in row:
                out.append(part if isinstance(part, str) else _value_html(report, part, by_path, unread))
        out.append("    </tbody>\n  </table>\n</section>\n")
    return Markup("".join(out))
