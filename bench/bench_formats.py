"""DOCX / HTML / PDF parse throughput, and the PDF cost against pdfplumber's raw text extraction.

DOCX and HTML: synthetic reports rendered by generate/docx.py and generate/html.py (portal
chrome, GBK). PDF: the committed LibreOffice PDFs in tests/fixtures/formats (no LibreOffice
needed here), each parsed several times. The ratio divides nianbao's full PDF parse (tables,
merges, re-flow, extraction) by `pdfplumber` opening the same files and calling
`page.extract_text()` on every page — the aim is at most 3×.

    .venv/bin/python bench/bench_formats.py [N]
"""
from __future__ import annotations

import io
import random
import sys
import time
from pathlib import Path

from nianbao import api
from nianbao.generate import random_report
from nianbao.generate.docx import render_docx
from nianbao.generate.html import render_html

N = 60
PDF_ROUNDS = 3
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "formats"


def _rate(items: list[tuple[str, bytes]]) -> float:
    api.parse_bytes(items[0][1], items[0][0])            # warm-up: imports, compiled patterns
    t = time.perf_counter()
    for name, data in items:
        api.parse_bytes(data, name)
    return len(items) / (time.perf_counter() - t)


def _raw_pdfplumber(pdfs: list[bytes]) -> float:
    import pdfplumber

    t = time.perf_counter()
    for data in pdfs:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return time.perf_counter() - t


def run(n: int = N) -> list[tuple[str, str]]:
    rng = random.Random(5)
    reports = [random_report(rng, nonzero=i % 3 != 0) for i in range(n)]
    docx = [(f"r{i}.docx", render_docx(r)) for i, r in enumerate(reports)]
    html = [(f"r{i}.html", render_html(r, site_chrome=True, charset="gbk")) for i, r in enumerate(reports)]
    pdf_files = sorted(FIXTURES.glob("synth*.pdf"))
    pdfs = [(p.name, p.read_bytes()) for p in pdf_files] * PDF_ROUNDS
    pages = 0
    import pypdfium2 as pdfium

    for _, data in pdfs:
        doc = pdfium.PdfDocument(data)
        pages += len(doc)
        doc.close()
    pdf_rate = _rate(pdfs)
    ours = len(pdfs) / pdf_rate
    raw = _raw_pdfplumber([d for _, d in pdfs])
    return [
        (f"docx: reports per second ({n} rendered reports)", f"{_rate(docx):.1f}"),
        (f"html: reports per second ({n} portal pages, GBK)", f"{_rate(html):.1f}"),
        (f"pdf: reports per second ({len(pdfs)} parses, {pages / len(pdfs):.1f} pages each)", f"{pdf_rate:.2f}"),
        ("pdf: nianbao parse time / pdfplumber extract_text time (aim <= 3)", f"{ours / raw:.2f}"),
    ]


if __name__ == "__main__":
    for what, fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else N):
        print(f"{what}: {fig}")
