"""PDF reader at the Document level (committed LibreOffice PDFs; no LibreOffice needed here):
tables across page breaks, merged cells, running headers and page numbers, re-flowed
paragraphs with page + bbox; and one clear InputError for each kind of unusable PDF."""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from nianbao.form import FORM_2021
from nianbao.document import Table
from nianbao.errors import InputError
from nianbao.readers import read

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture(scope="module")
def doc2021():
    return read((FIXTURES / "synth2021.pdf").read_bytes(), "synth2021.pdf")


def app_table(doc) -> Table:
    return next(t for t in doc.tables() if any("申请人情况" in c.text for c in t.rows[0]))


def test_table_three_crossing_a_page_break_is_one_table_without_the_repeated_header(doc2021):
    t = app_table(doc2021)
    pages = {c.loc.page for row in t.rows for c in row}
    assert len(pages) == 2                                  # the fixture's table 三 does cross a page
    assert sum(1 for row in t.rows if row[3].text == "申请人情况" and not row[3].covered) == 1
    assert len(t.rows) == 3 + len(FORM_2021.table("applications").rows)               # header + the 25 official rows, none twice
    assert {len(row) for row in t.rows} == {10}
    assert len(doc2021.tables()) == 3


def test_merged_label_continues_as_covered_slots_after_the_page_break(doc2021):
    t = app_table(doc2021)
    results = [row for row in t.rows if row[0].text == "三、本年度办理结果"]
    assert len(results) == 22
    assert sum(not row[0].covered for row in results) == 1
    denied = [row for row in t.rows if row[1].text == "（三）不予公开"]
    assert len(denied) == 8 and [row[1].covered for row in denied] == [False] + [True] * 7


def test_cells_carry_page_and_bbox(doc2021):
    t = app_table(doc2021)
    cell = t.rows[5][4]
    assert cell.loc.page in (1, 2, 3, 4) and len(cell.loc.bbox) == 4
    x0, top, x1, bottom = cell.loc.bbox
    assert x0 < x1 and top < bottom and bottom < 842


def test_running_header_and_page_numbers_are_removed_and_recorded(doc2021):
    header = "政府信息公开工作年度报告"
    numbers = [r for r in doc2021.removed if r.kind == "page_number"]
    assert len(numbers) == doc2021.pages and all(re.fullmatch(r"- \d+ -", r.text) for r in numbers)
    running = [r for r in doc2021.removed if r.kind == "other"]
    assert len(running) == doc2021.pages and all(r.text.endswith(header) for r in running)
    assert not any(re.fullmatch(r"- \d+ -", p.text) for p in doc2021.paragraphs())
    assert sum(p.text.endswith(header) and len(p.text) < 40 for p in doc2021.paragraphs()) == 1   # only the title


@pytest.mark.parametrize("rid", ["synth2021", "synth2019a"])
def test_paragraphs_reflow_to_the_docx_paragraphs(rid):
    """Lines wrapped by the page width (and across pages) join back into the source's paragraphs."""
    squeeze = lambda ps: [re.sub(r"\s", "", p.text) for p in ps]  # noqa: E731
    from_docx = read((FIXTURES / f"{rid}.docx").read_bytes(), "x.docx").paragraphs()
    from_pdf = read((FIXTURES / f"{rid}.pdf").read_bytes(), "x.pdf").paragraphs()
    assert squeeze(from_pdf) == squeeze(from_docx)
    assert all(p.loc.page and p.loc.bbox for p in from_pdf)


# ---------------------------------------------------------------- unusable PDFs
def assert_refused(data: bytes, pattern: str) -> None:
    t = time.perf_counter()
    with pytest.raises(InputError, match=pattern):
        read(data, "bad.pdf")
    assert time.perf_counter() - t < 5


def test_truncated_pdf():
    data = (FIXTURES / "synth2021.pdf").read_bytes()
    assert_refused(data[: len(data) * 2 // 3], "不完整")


def test_encrypted_pdf():
    assert_refused((FIXTURES / "encrypted.pdf").read_bytes(), "已加密")


def test_damaged_pdf():
    assert_refused(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "已损坏")


def test_scanned_pdf_without_text_layer():
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 850), 255)
    ImageDraw.Draw(img).rectangle((50, 50, 550, 120), fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PDF")
    assert_refused(buf.getvalue(), "没有文字层.*OCR")
