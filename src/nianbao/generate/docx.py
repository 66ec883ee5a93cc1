"""Render a Report as a Word document in the official layout, with real merged cells.

`render_docx(report) -> bytes`. Tables use Word merges (gridSpan, vMerge) exactly
where the official form has them (see generate/layout.py); rows do not split
across pages and table headers repeat, like the template agencies use. Agency
staff can start a draft from it; the test fixtures are made with it.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
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


def _run_xml(text: str, name: str, size: float, bold: bool) -> str:
    if _ONLY_FONT:
        name, bold = _ONLY_FONT, False
    b = "<w:b/>" if bold else ""
    half_points = int(round(size * 2))
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}"/>{b}'
            f'<w:sz w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def _add_table(doc, grid: Grid, font_size: float) -> None:
    """The table's XML written directly (python-docx's cell merging is quadratic): an origin cell
    has w:gridSpan for its columns and w:vMerge="restart" when it spans rows; the rows below get
    a w:vMerge continuation cell with the same span."""
    table = doc.add_table(rows=0, cols=grid.ncols)
    if _BORDERS:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [int(Cm(w).twips) for w in WIDTHS.get(grid.key, [16 / grid.ncols] * grid.ncols)]
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w))
    nrows = len(grid.rows)
    # slot → (origin row, origin col, cell) for every grid slot
    slots: list[list[tuple | None]] = [[None] * grid.ncols for _ in range(nrows)]
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while c < grid.ncols and slots[r][c] is not None:
                c += 1
            for rr in range(r, min(r + cell.rowspan, nrows)):
                for cc in range(c, min(c + cell.colspan, grid.ncols)):
                    slots[rr][cc] = (r, c, cell)
            c += cell.colspan
    for r in range(nrows):
        props = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < grid.header_rows else "")
        tcs = []
        c = 0
        while c < grid.ncols:
            slot = slots[r][c]
            if slot is None:                      # a hole in the layout: an empty cell
                tcs.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
                c += 1
                continue
            o_r, o_c, cell = slot
            span = min(cell.colspan, grid.ncols - c)
            width = sum(widths[c:c + span])
            pr = f'<w:tcW w:w="{width}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            if cell.rowspan > 1:
                pr += '<w:vMerge w:val="restart"/>' if o_r == r else "<w:vMerge/>"
            pr += '<w:vAlign w:val="center"/>'
            body = _run_xml(cell.text, BODY_FONT, font_size, cell.header) if o_r == r and cell.text else ""
            tcs.append(f'<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{body}</w:p></w:tc>')
            c += span
        table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}><w:trPr>{props}</w:trPr>{''.join(tcs)}</w:tr>"))


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
                font: str | None = None, borders: bool = True) -> bytes:
    """The report as .docx bytes; footer page numbers and a running header line if asked.
    `font` sets one plain font for everything (small PDFs for test fixtures); `borders=False`
    prints the tables without ruling lines, as some agencies do."""
    global _ONLY_FONT, _BORDERS
    _ONLY_FONT, _BORDERS = font, borders
    try:
        return _render(report, page_numbers, running_header)
    finally:
        _ONLY_FONT, _BORDERS = None, True


_ONLY_FONT: str | None = None
_BORDERS = True


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
