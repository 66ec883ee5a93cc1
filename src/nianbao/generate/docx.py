"""Render a Report as a Word document in the official layout, with real merged cells.

`render_docx(report) -> bytes`. Tables use Word merges (gridSpan, vMerge) exactly
where the official form has them (see generate/layout.py); rows do not split
across pages and table headers repeat, like the template agencies use. Agency
staff can start a draft from it; the test fixtures are made with it.
"""
from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..model import Report
from .layout import Block, Grid, report_blocks

# column widths (cm) on an A4 page with 2.5 cm margins: wide label columns, narrow figures
WIDTHS = {"active_disclosure": [4.6, 3.8, 3.8, 3.8],
          "applications": [1.6, 1.8, 4.5] + [1.15] * 7,
          "review_litigation": [16 / 15] * 15}
BODY_FONT = "仿宋"
HEAD_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    if _ONLY_FONT:
        name, bold = _ONLY_FONT, False
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _row_props(row, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _add_table(doc, grid: Grid, font_size: float) -> None:
    nrows = len(grid.rows)
    table = doc.add_table(rows=nrows, cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(w) for w in WIDTHS.get(grid.key, [16 / grid.ncols] * grid.ncols)]
    table.autofit = False
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    taken = [[False] * grid.ncols for _ in range(nrows)]
    for r, row in enumerate(grid.rows):
        _row_props(table.rows[r], r < grid.header_rows)
        c = 0
        for cell in row:
            while c < grid.ncols and taken[r][c]:
                c += 1
            r2, c2 = r + cell.rowspan - 1, c + cell.colspan - 1
            for rr in range(r, r2 + 1):
                for cc in range(c, c2 + 1):
                    taken[rr][cc] = True
            origin = table.cell(r, c)
            if (r2, c2) != (r, c):
                origin = origin.merge(table.cell(r2, c2))
            par = origin.paragraphs[0]
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(par.add_run(cell.text), BODY_FONT, font_size, bold=cell.header)
            c = c2 + 1


def _page_number_footer(section, header_text: str | None) -> None:
    """Footer "- N -" (a PAGE field) and an optional running header line."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("- "), BODY_FONT, 10.5)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    _font(p.add_run(" -"), BODY_FONT, 10.5)
    if header_text:
        h = section.header.paragraphs[0]
        h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(h.add_run(header_text), BODY_FONT, 9)


def render_docx(report: Report, *, page_numbers: bool = True, running_header: str | None = None,
                font: str | None = None) -> bytes:
    """The report as .docx bytes; footer page numbers and a running header line if asked.
    `font` sets one plain font for everything (small PDFs for test fixtures)."""
    global _ONLY_FONT
    _ONLY_FONT = font
    try:
        return _render(report, page_numbers, running_header)
    finally:
        _ONLY_FONT = None


_ONLY_FONT: str | None = None


def _render(report: Report, page_numbers: bool, running_header: str | None) -> bytes:
    doc = new_document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    if page_numbers or running_header:
        _page_number_footer(sec, running_header)
    for block in report_blocks(report):
        _add_block(doc, block)
    _drop_template_leftovers(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _drop_template_leftovers(doc) -> None:
    """python-docx's template carries a thumbnail of an unrelated page and a second copy of the
    styles; parts are saved by following relationships, so dropping the relationship drops the part."""
    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/stylesWithEffects")):
                del rels[rid]


def _add_block(doc, block: Block) -> None:
    if block.kind == "table":
        _add_table(doc, block.grid, 9 if block.grid.ncols <= 10 else 7.5)
        return
    p = doc.add_paragraph()
    if block.kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(block.text), "宋体", 18, bold=True)
    elif block.kind == "heading":
        _font(p.add_run(block.text), HEAD_FONT, 14, bold=True)
    elif block.kind == "sign":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(block.text), BODY_FONT, 14)
    else:
        p.paragraph_format.first_line_indent = Pt(28)
        _font(p.add_run(block.text), BODY_FONT, 14)
