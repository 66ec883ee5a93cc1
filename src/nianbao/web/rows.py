"""The rows of the long tables (dashboard, index, scorecard) as HTML, built here rather than in the
templates: 50 rows of a dozen cells through Jinja's autoescape and attribute lookups were most of a
list page's first rendering (~3 ms of ~6) — on dicts each lookup first fails as an attribute, so a
city's scorecard (~110 agencies × 8 lines) spent ~10 ms there; the templates keep the filters,
headers and pager."""
from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .backend import Summary


def _num(n: int, sev: str) -> str:
    return f'<td class="num sev-{sev}">{n}</td>' if n else '<td class="num">0</td>'


def dashboard_rows(rows: list[Summary], rule_titles: dict[str, str], with_region: bool) -> Markup:
    out = []
    for s in rows:
        total = s.errors + s.warnings + s.infos
        tags = "".join(f'<span class="tag" title="{escape(rule_titles[code])}">{escape(code)} '
                       f'{escape(rule_titles[code])}{f"×{n}" if n > 1 else ""}</span> '
                       for code, n in sorted(s.rules.items(), key=lambda kv: kv[0].lower()))
        fix = ""
        if s.agency_id and total:
            y = s.year or ""
            fix = (f'<a href="/agencies/{s.agency_id}/rectification.xlsx?year={y}">Excel</a> · '
                   f'<a href="/agencies/{s.agency_id}/rectification.docx?year={y}">Word</a>')
        out.append(
            f'<tr><td><a href="/reports/{s.id}">{escape(s.agency)}</a></td>'
            + (f"<td>{escape(s.region or '')}</td>" if with_region else "")
            + f'<td class="num">{s.year or ""}</td>{_num(s.errors, "error")}{_num(s.warnings, "warning")}'
            f'<td class="num">{s.infos}</td><td class="num">{total}</td>'
            f'<td class="small">{tags}</td><td class="small">{fix}</td></tr>\n')
    return Markup("".join(out))


def index_rows(rows: list[Summary]) -> Markup:
    out = []
    for s in rows:
        history = f' <a class="muted small" href="/agencies/{s.agency_id}">历年</a>' if s.agency_id else ""
        out.append(
            f'<tr><td><a href="/reports/{s.id}">{escape(s.agency)}</a>{history}</td>'
            f"<td>{escape(s.region or '')}</td><td>{s.year or ''}</td>"
            f'<td class="muted">{escape(s.file or "")}</td>'
            f'{_num(s.errors, "error")}{_num(s.warnings, "warning")}<td class="num">{s.infos}</td></tr>\n')
    return Markup("".join(out))


def scorecard_rows(agencies: list[dict[str, Any]], region: str, year: int) -> Markup:
    """The ranking table's rows from Scorecard.to_dict()'s agencies: each line's points with its
    explanation as the tooltip, "—" with the reason where it was not evaluated. An unranked agency
    (incomplete score) has "—" for its rank, "未完整评估：<why>" under its name and its total
    marked 不完整."""
    where = f"region={quote(region)}&amp;year={year}"
    out = []
    for a in agencies:
        cells = "".join(f'<td class="num" title="{escape(ln["text"])}">{ln["points"]}</td>' if ln["evaluated"]
                        else f'<td class="num muted" title="{escape(ln["reason"] or "")}">—</td>'
                        for ln in a["lines"])
        floored = '<span class="small muted">（保底）</span>' if a["floored"] else ""
        ranked = a["rank"] is not None
        partial = "" if ranked else '<span class="small muted">（不完整）</span>'
        note = "" if ranked else f'<div class="small muted">{escape(a["incomplete_text"] or "")}</div>'
        tr = '<tr class="sev-error">' if a["status"] == "missing" else ("<tr>" if ranked else '<tr class="muted">')
        out.append(
            f'{tr}<td class="num">{a["rank"] if ranked else "—"}</td>'
            f'<td><a href="/scorecard/agency/{quote(a["key"])}?{where}">{escape(a["agency"])}</a>{note}</td>'
            f'<td>{escape(a["status_name"])}</td>{cells}'
            f'<td class="num"><b>{a["total"]}</b>{floored}{partial}</td></tr>\n')
    return Markup("".join(out))
