"""Uploaded originals, kept so a finding can be shown where it comes from.

The store keeps the parsed model and the file's sha256, not the bytes; the web
keeps each uploaded file under a generated name derived from that sha256
(`<data_dir>/sources/ab/abcdef….bin`), so the model's `source.sha256` is the
mapping and no user-chosen name ever reaches the file system.

A source view is built from a position (model.Position):
- text/Markdown: the lines around `line`, the line itself marked;
- PDF: the page rendered to PNG with the `bbox` region outlined;
- DOCX/HTML: the table re-read from the original with the cell marked.
Reports ingested without their original (e.g. from the command line) fall back
to the model's section text.
"""
from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Position, Report
from ..originals import Originals

CONTEXT_LINES = 6
PDF_SCALE = 1.5


class SourceFiles(Originals):
    """The originals (nianbao.originals) with the views the web shows of them."""

    def __init__(self, root: Path):
        super().__init__(root)
        self._page_cache: dict[tuple[str, int], tuple[bytes, float, float]] = {}
        self._lines_cache: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- text
    def lines(self, sha256: str) -> list[str] | None:
        with self._lock:
            if sha256 in self._lines_cache:
                return self._lines_cache[sha256]
        data = self.load(sha256)
        if data is None:
            return None
        lines = decode_text(data).split("\n")      # numbered as the text reader numbers them
        with self._lock:
            if len(self._lines_cache) > 64:
                self._lines_cache.clear()
            self._lines_cache[sha256] = lines
        return lines

    # ---------------------------------------------------------------- pdf
    def pdf_page_png(self, sha256: str, page: int) -> tuple[bytes, float, float] | None:
        """(PNG bytes, page width, page height in PDF points) of a 1-based page."""
        key = (sha256, page)
        with self._lock:
            if key in self._page_cache:
                return self._page_cache[key]
        data = self.load(sha256)
        if data is None:
            return None
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                return None
            pg = pdf[page - 1]
            w, h = pg.get_size()
            img = pg.render(scale=PDF_SCALE).to_pil()
            buf = io.BytesIO()
            img.save(buf, format="PNG", optimize=True)
            out = (buf.getvalue(), float(w), float(h))
        finally:
            pdf.close()
        with self._lock:
            if len(self._page_cache) > 32:
                self._page_cache.clear()
            self._page_cache[key] = out
        return out


def decode_text(data: bytes) -> str:
    """The original text as the text reader decodes it, with its line breaks (\r\n, \r, \f → \n) so
    line numbers agree; otherwise as printed (full-width digits and odd spaces kept)."""
    from ..readers import text as text_reader

    try:
        return text_reader.decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    except Exception:  # refused by the reader (it was read some other way): show what plain decoding gives
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(enc).replace("\r\n", "\n")
            except UnicodeDecodeError:
                continue
        return data.decode("utf-8", errors="replace")


@dataclass
class SourceView:
    kind: str                              # "lines", "pdf", "table", "section", "none"
    note: str = ""
    lines: list[tuple[int, str, bool]] = field(default_factory=list)   # (line no, text, marked)
    page: int | None = None
    box: dict[str, float] | None = None     # bbox in percent of the page: left, top, width, height
    table: list[list[tuple[str, bool]]] = field(default_factory=list)
    section_heading: str = ""
    section_text: str = ""
    section_parts: tuple[str, str, str] | None = None     # text before, the quoted part, after
    position: dict | None = None


def position_for(report: Report, evidence: Position | None, path: str | None) -> Position | None:
    if evidence is not None and evidence.model_dump(exclude_none=True):
        return evidence
    if path and path in report.provenance:
        return report.provenance[path]
    if path:   # a row or table path: the first provenance below it
        for p, pos in report.provenance.items():
            if p.startswith(path + "."):
                return pos
    return None


def source_view(files: SourceFiles, report: Report, evidence: Position | None, path: str | None,
                section: int | None = None) -> SourceView:
    pos = position_for(report, evidence, path)
    sha = report.source.sha256 or ""
    posd = pos.model_dump(exclude_none=True) if pos else None
    if pos is not None and pos.line is not None:
        lines = files.lines(sha)
        if lines is not None:
            n = pos.line
            lo, hi = max(1, n - CONTEXT_LINES), min(len(lines), n + CONTEXT_LINES)
            return SourceView("lines", lines=[(i, lines[i - 1], i == n) for i in range(lo, hi + 1)], position=posd)
    if pos is not None and pos.page is not None:
        if files.path(sha) and files.path(sha).exists():
            box = None
            if pos.bbox and len(pos.bbox) == 4:
                got = files.pdf_page_png(sha, pos.page)
                if got:
                    _, w, h = got
                    x0, y0, x1, y1 = pos.bbox
                    box = {"left": 100 * x0 / w, "top": 100 * y0 / h,
                           "width": 100 * max(x1 - x0, 2) / w, "height": 100 * max(y1 - y0, 2) / h}
            return SourceView("pdf", page=pos.page, box=box, position=posd)
    if pos is not None and pos.table is not None:
        data = files.load(sha)
        if data is not None:
            grid = _table_grid(data, report.source.file or "", pos)
            if grid:
                return SourceView("table", table=grid, position=posd)
    quote = ""
    m = re.match(r"narrative(?:\[(\d+)\]|\.(\d+))", path or "")
    k = int(m.group(1) or m.group(2)) if m else -1
    if 0 <= k < len(report.narrative):      # a number stated in the text: show its sentence
        fact = report.narrative[k]
        section, quote = section or fact.section, fact.text
    sec = report.section(section) if section else None
    if sec is None and path and path.startswith("sections."):
        try:
            sec = report.section(int(path.split(".")[1]))
        except ValueError:
            sec = None
    if sec is not None:
        parts = None
        chars = [ch for ch in quote if not ch.isspace()]
        # the fact's text may differ from the section's in spacing ("2021 年" / "2021年")
        hit = re.search(r"\s*".join(map(re.escape, chars)), sec.text) if chars else None
        if hit:
            parts = (sec.text[:hit.start()], hit.group(), sec.text[hit.end():])
        return SourceView("section", section_heading=sec.heading, section_text=sec.text, section_parts=parts,
                          position=posd, note="" if files.load(sha) else "未保存原文件，显示报告中的章节文字")
    note = "未保存原文件（例如由命令行入库），无法显示原文" if pos else "该问题没有原文位置"
    return SourceView("none", note=note, position=posd)


def _table_grid(data: bytes, name: str, pos: Position) -> list[list[tuple[str, bool]]]:
    from ..readers import read

    try:
        doc = read(data, name)
    except Exception:  # the original no longer reads: show nothing rather than fail the page
        return []
    tables = doc.tables()
    if pos.table is None or not 0 <= pos.table < len(tables):
        return []
    return [[(c.text, r == pos.row and j == pos.col) for j, c in enumerate(row) if not c.covered]
            for r, row in enumerate(tables[pos.table].rows)]
