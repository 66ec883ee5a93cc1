"""Document → Report: the extractor knows the report format, not file formats.

meta.py (agency, year, period, dates, contact), sections.py (一…六 and the narrative
paragraphs), tables/ (tables 二/三/四: one token stream aligned to the form's rows),
narrative/ (numbers the text states, as typed facts). Everything is matched by the
official forms in nianbao.form, never by line numbers or column positions that only
hold for one layout.

Provenance keys: "tables.<table>.<row>.<col>" (and "tables.legacy.…" for the 2019 layout),
"meta.agency", "meta.title", "meta.year", "meta.period", "meta.published",
"meta.contact.<field>", and "sections.<i>" (the i-th entry of `sections`, at its heading).
"""
from __future__ import annotations

from ..document import Document, Paragraph, Table
from ..errors import InputError
from ..model import Debris, Report, Section
from .meta import find_meta
from .narrative import extract_narrative
from .sections import find_sections
from .tables import extract_tables
from .values import position

_DEBRIS_KINDS = {"bookmark", "markdown", "page_number", "fragment", "other"}
_REPORT_MARKERS = ("年度报告", "年报", "工作报告")


def _looks_like_report(doc: Document, tables_found: list[str], n_sections: int) -> bool:
    """A report has at least one of the format's parts: a section (一、总体情况 …) or a table.
    A title alone ("…年度报告" and nothing else) is not a report: storing it would show an
    agency-year with no content as if it had been read."""
    return bool(tables_found) or n_sections >= 1


def _has_title(doc: Document) -> bool:
    head = "".join(p.text for p in doc.blocks[:40] if isinstance(p, Paragraph))
    return "公开" in head and any(m in head for m in _REPORT_MARKERS)


def extract(doc: Document) -> Report:
    report = Report()
    paras = [b for b in doc.blocks if isinstance(b, Paragraph)]
    layout = find_sections(doc)

    tables = extract_tables(doc)
    tables.apply(report)
    if not _looks_like_report(doc, report.extraction.tables_found, len(layout.sections)):
        if not paras and not any(isinstance(b, Table) for b in doc.blocks):
            raise InputError("文件中没有文字", doc.name)
        if _has_title(doc):
            raise InputError("只有年度报告的标题，没有报告的任何部分（一、总体情况……）或表格，不能作为年度报告入库",
                             doc.name)
        raise InputError("不是政府信息公开工作年度报告（没有“年度报告”等字样，也没有表二、表三、表四）", doc.name)

    narrative = layout.narrative()
    joined = [Paragraph(text, loc) for _, text, loc in narrative]
    meta = find_meta(layout.preamble if layout.sections else paras[:8], paras, joined)
    report.meta = meta.meta
    for path, loc in meta.locs.items():
        pos = position(loc)
        if pos is not None:
            report.provenance[path] = pos
    report.extraction.notes.extend(meta.notes)

    for i, s in enumerate(layout.sections):
        report.sections.append(Section(no=s.no, heading=s.heading, text="\n".join(p.text for p in s.paras)))
        pos = position(s.loc)
        if pos is not None:
            report.provenance[f"sections.{i}"] = pos
    missing = [n for n in range(1, 7) if report.section(n) is None]
    if missing and layout.sections:
        report.extraction.notes.append("未找到第" + "、".join("一二三四五六"[n - 1] for n in missing) + "部分的标题")

    for r in doc.removed:
        report.extraction.debris.append(
            Debris(kind=r.kind if r.kind in _DEBRIS_KINDS else "other", text=r.text, evidence=position(r.loc)))

    report.narrative = extract_narrative(narrative, report.meta.year)
    report.source.reader = doc.reader
    report.source.pages = doc.pages
    return report
