"""The rows of the report lists (dashboard, index) as HTML, built here rather than in the templates:
50 rows of a dozen cells through Jinja's autoescape and attribute lookups were most of a list
page's first rendering (~3 ms of ~6); the templates keep the filters, headers and pager."""
from __future__ import annotations

from html import escape

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
