"""DOCX reader at the Document level: order, merged cells as covered slots, positions, bad zips."""
from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from nianbao.form import FORM_2021
from nianbao.document import Paragraph, Table
from nianbao.errors import InputError
from nianbao.generate import random_report
from nianbao.generate.docx import render_docx
from nianbao.readers import read
from nianbao.readers import docx as docx_reader

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def grid(table: Table) -> list[list[str]]:
    return [[("~" if c.covered else "") + c.text for c in row] for row in table.rows]


@pytest.fixture(scope="module")
def rendered():
    report = random_report(random.Random(7), nonzero=True)
    return report, read(render_docx(report), "r.docx")


def test_blocks_keep_document_order_with_tables_after_their_headings(rendered):
    _, doc = rendered
    kinds = [("T" if isinstance(b, Table) else b.text[:2]) for b in doc.blocks]
    for heading in ("二、", "三、", "四、"):
        assert kinds[kinds.index(heading) + 1:].index("T") <= 3   # the table follows its section heading
    assert len(doc.tables()) == 3
    assert doc.reader == "docx"


def test_horizontal_merge_gives_covered_slots_to_the_right(rendered):
    _, doc = rendered
    t3 = doc.tables()[1]
    row = next(r for r in t3.rows if r[0].text.startswith("一、本年新收"))
    assert [c.covered for c in row[:3]] == [False, True, True]
    assert row[1].text == row[2].text == row[0].text
    assert len(row) == 10


def test_vertical_merge_gives_covered_slots_below_with_origin_text(rendered):
    _, doc = rendered
    t3 = doc.tables()[1]
    rows = [r for r in t3.rows if "不予公开" in r[1].text]
    assert len(rows) == 8
    assert not rows[0][1].covered and all(r[1].covered for r in rows[1:])
    results = [r for r in t3.rows if r[0].text == "三、本年度办理结果"]
    assert len(results) == 22 and sum(not r[0].covered for r in results) == 1


def test_cells_hold_the_report_values_with_table_row_col_positions(rendered):
    report, doc = rendered
    t3 = doc.tables()[1]
    row = next(r for r in t3.rows if r[2].text.startswith("1.属于国家秘密"))
    row_cells = FORM_2021.table("applications").row("denied.state_secret").paths()
    want = [str(report.tables.cell(p.removeprefix("tables."))) for p in row_cells]
    assert [c.text for c in row[3:]] == want
    r = t3.rows.index(row)
    assert (row[5].loc.table, row[5].loc.row, row[5].loc.col) == (1, r, 5)


def test_two_level_header_of_table_four(rendered):
    _, doc = rendered
    g = grid(doc.tables()[2])
    assert g[1][5] == "未经复议直接起诉" and g[1][6] == "~未经复议直接起诉"
    assert g[2][0] == "~结果维持" and g[2][5] == "结果维持"


def test_paragraph_positions_are_body_paragraph_numbers():
    d = docx.Document()
    d.add_paragraph("第一段")
    d.add_paragraph("")
    d.add_table(rows=1, cols=2).cell(0, 0).text = "x"
    d.add_paragraph("第三段")
    doc = read(save(d), "p.docx")
    paras = doc.paragraphs()
    assert [(p.text, p.loc.line) for p in paras] == [("第一段", 1), ("第三段", 3)]


def test_text_boxes_headers_and_deleted_text_are_not_body_text():
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉文字"
    p = d.add_paragraph("正文")
    p._p.append(parse_xml(
        f'<w:r {W}><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>删掉</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'))
    doc = read(save(d), "t.docx")
    assert [b.text for b in doc.blocks] == ["正文"]


def test_line_breaks_split_paragraphs_and_list_numbering_is_rendered():
    d = docx.Document()
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text in ("总体情况", "主动公开政府信息情况"):
        q = d.add_paragraph(text)
        q._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
    doc = read(save(d), "n.docx")
    assert [b.text for b in doc.blocks] == ["第一行", "第二行", "一、总体情况", "二、主动公开政府信息情况"]


def test_layout_table_holding_tables_is_unwrapped():
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "一、总体情况"
    inner = cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(1, 1).text = "规章", "3"
    doc = read(save(d), "nested.docx")
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "一、总体情况"
    assert grid(doc.tables()[0]) == [["规章", ""], ["", "3"]]


def test_grid_before_keeps_columns_aligned():
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["a", "b", "c"]):
        t.cell(0, c).text = text
    t.cell(1, 1).text = "y"
    tr = t.rows[1]._tr
    tr.remove(tr.tc_lst[0])           # the row starts one grid column in
    tr.insert(0, parse_xml(f'<w:trPr {W}><w:gridBefore w:val="1"/></w:trPr>'))
    doc = read(save(d), "g.docx")
    rows = doc.tables()[0].rows
    assert [c.text for c in rows[1]] == ["", "y", ""]


# ---------------------------------------------------------------- bad input
def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_that_is_not_a_docx_is_refused_clearly():
    with pytest.raises(InputError, match="zip 压缩包，不是 Word"):
        read(zip_bytes({"readme.txt": b"hello"}), "a.docx")
    with pytest.raises(InputError, match="Excel"):
        read(zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "b.docx")


def test_truncated_docx_is_refused_clearly():
    data = (FIXTURES / "synth2021.docx").read_bytes()
    with pytest.raises(InputError, match="不是完整的 zip/docx"):
        read(data[: len(data) // 2], "cut.docx")


def test_docx_with_broken_xml_is_refused_clearly():
    data = (FIXTURES / "synth2021.docx").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    entries = {n: src.read(n) for n in src.namelist()}
    entries["word/document.xml"] = entries["word/document.xml"][:5000]
    with pytest.raises(InputError, match="DOCX 文件已损坏"):
        read(zip_bytes(entries), "broken.docx")


def test_docx_zip_bombs_are_refused_before_inflating():
    big = zip_bytes({"[Content_Types].xml": b"<x/>",
                     "word/document.xml": b" " * (docx_reader.MAX_DOCUMENT_XML + 1)})
    ratio = zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w:document/>",
                       "word/media/pad.bin": b"\0" * (docx_reader.BOMB_MIN_SIZE + 1)})
    for data in (big, ratio):
        t = time.perf_counter()
        with pytest.raises(InputError, match="压缩炸弹"):
            read(data, "bomb.docx")
        assert time.perf_counter() - t < 1.0


# ---------------------------------------------------------------- legacy .doc via LibreOffice
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096


def test_doc_without_libreoffice_says_what_to_install(monkeypatch):
    from nianbao.readers import doc as doc_reader

    monkeypatch.setattr(doc_reader, "soffice", lambda: None)
    with pytest.raises(InputError, match="需要安装 LibreOffice"):
        read(OLE, "old.doc")


def test_encrypted_office_file_is_refused_before_converting():
    marker = "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(InputError, match="已加密"):
        read(OLE + marker, "locked.doc")


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_doc_converted_by_libreoffice_reads_like_the_docx(tmp_path):
    import subprocess

    from nianbao import api

    src = tmp_path / "r.docx"
    src.write_bytes((FIXTURES / "synth2021.docx").read_bytes())
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    from_doc = api.parse_bytes((tmp_path / "r.doc").read_bytes(), "r.doc")
    from_docx = api.parse_bytes(src.read_bytes(), "r.docx")
    assert from_doc.source.reader == "doc"
    assert from_doc.tables == from_docx.tables and from_doc.meta == from_docx.meta
