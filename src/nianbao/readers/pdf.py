"""PDF → Document: text lines re-flowed into paragraphs, ruled tables as grids, with page + bbox.

Steps, per page: the characters (pdfplumber) inside a ruled table (pdfplumber's
"lines" strategy) go to the table's cells, the rest are grouped into lines.
A table's grid comes from its cell rectangles: the distinct cell edges give the
columns and rows, a cell spanning several of them is an origin followed by
covered slots (`covered=True`, origin's text). A 1×1 "table" is a box around
text, read as text. Cell text lines wrapped by the column width are joined.

Across pages: running headers and footers (a line in the top or bottom 10% of
the page repeating on at least half the pages, digits ignored) and page numbers
("3", "- 3 -", "第3页 共9页", "3/9") are dropped and recorded as `Removed`
("page_number" for numbers, "other" for running text). A table ending a page
and a table starting the next one with the same columns (edges within 3 pt; the
continuation may lack some inner edges when its rows merge those columns) are
one table: a repeated header (the first rows equal to the first part's first
rows) is dropped, and an empty label cell at the top of the continuation under a
merged label reaching the page end is marked as covered by that label.

Paragraphs: consecutive lines are one paragraph unless the previous line ends
short of the right margin, the line is indented, the font size changes, the
gap is more than about one line, or the line starts a numbered heading (一、
（一）); a paragraph may continue on the next page. Chinese lines join without
a space.

Positions: `Loc(page=p, bbox=(x0, top, x1, bottom))`, p 1-based, bbox in PDF
points from the page's top-left corner (pdfplumber's coordinates), for
paragraphs (union of their lines) and for cells (the cell rectangle).

Checks and bounds: a file without "%%EOF" near its end is truncated; a file
pdfium cannot open is damaged; a file needing a password is encrypted: each an
InputError. No text on any page → InputError (scanned, needs OCR); mostly
undecodable glyphs ("(cid:N)") → InputError. At most 500 pages, 200,000
characters per page and 120 s in total; table detection is skipped on a page
with more than 5,000 ruling edges (drawings, maps), whose text is then read as
lines.
"""
from __future__ import annotations

import bisect
import io
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from ..document import Cell, Document, Loc, Paragraph, Removed, Table
from ..errors import InputError
from .cleanup import clean_line

MAX_PAGES = 500
MAX_CHARS_PER_PAGE = 200_000
MAX_EDGES_FOR_TABLES = 5_000
MAX_SECONDS = 120.0
BAND = 0.10                 # top/bottom share of the page where running headers/footers live
EDGE_TOL = 3.0

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_·•\s]*\d{1,4}[-—–－_·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.I)
_WORD_CHAR = re.compile(r"[A-Za-z0-9@._:/\\\-%+=&?#~]")
_CLOSING = set("）)。，,；;、：:")
_SENTENCE_END = set("。！？；：!?;:")
_NO_LINE_START = set("。，、；：？！”’）》」』】〕〉…—·%）,.;:?!")
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）])")


@dataclass
class _Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int
    lead: float = 0.0      # width of a leading Latin word (URL, number): Word wraps it whole


@dataclass
class _Grid:
    """A table on one page, before joining: cells and where each slot's origin is."""
    page: int
    bbox: tuple
    xs: list[float]
    cells: list[list[Cell]]
    origin: list[list[tuple[int, int]]]
    top: float = 0.0


@dataclass
class _Page:
    no: int
    width: float
    height: float
    items: list = field(default_factory=list)    # _Line | _Grid, in reading order


# ---------------------------------------------------------------- entry
def read(data: bytes, name: str = "") -> Document:
    started = time.monotonic()
    n_pages = _precheck(data, name)
    import pdfplumber

    pages: list[_Page] = []
    total_chars = cid_chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, page in enumerate(pdf.pages):
                if time.monotonic() - started > MAX_SECONDS:
                    raise InputError(f"PDF 处理超时（超过 {int(MAX_SECONDS)} 秒，已读 {i} 页）", name)
                chars = page.chars
                if len(chars) > MAX_CHARS_PER_PAGE:
                    raise InputError(f"PDF 第 {i + 1} 页文字量异常（{len(chars)} 个字符），拒绝读取", name)
                total_chars += len(chars)
                cid_chars += sum(1 for c in chars if c["text"].startswith("(cid:"))
                pages.append(_read_page(page, i + 1))
                page.flush_cache()
    except InputError:
        raise
    except Exception as e:   # pdfminer raises many kinds on damaged files
        raise InputError(f"PDF 文件已损坏，无法读取（{type(e).__name__}）", name) from None
    if total_chars == 0:
        raise InputError("PDF 没有文字层（可能是扫描件），需要先做文字识别(OCR)", name)
    if cid_chars > 0.3 * total_chars:
        raise InputError("PDF 的文字无法解码（字体缺少编码表），需要先做文字识别(OCR)", name)
    removed = _drop_running(pages)
    blocks = _assemble(pages)
    if not blocks:
        raise InputError("PDF 中没有找到正文内容", name)
    return Document(blocks=blocks, reader="pdf", name=name, removed=removed, pages=n_pages)


def _precheck(data: bytes, name: str) -> int:
    """Truncation, damage and encryption, cheaply with pdfium; the page count; an early no-text check."""
    if b"%%EOF" not in data[-4096:]:
        raise InputError("PDF 文件不完整（缺少文件结尾，可能下载中断），请重新获取完整文件", name)
    import pypdfium2 as pdfium

    try:
        pdoc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg or "security" in msg:
            raise InputError("PDF 已加密（需要密码才能打开），请提供未加密的文件", name) from None
        raise InputError("PDF 文件已损坏，无法打开", name) from None
    try:
        n = len(pdoc)
        if n == 0:
            raise InputError("PDF 没有页面", name)
        if n > MAX_PAGES:
            raise InputError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页）", name)
        if all(pdoc[i].get_textpage().count_chars() == 0 for i in range(n)):
            raise InputError("PDF 没有文字层（可能是扫描件），需要先做文字识别(OCR)", name)
        return n
    except pdfium.PdfiumError:           # a page that does not load: damaged inside
        raise InputError("PDF 文件已损坏，无法读取页面", name) from None
    finally:
        pdoc.close()


# ---------------------------------------------------------------- one page
def _read_page(page, no: int) -> _Page:
    chars = [c for c in page.chars if c["text"].strip() or c["text"] == " "]
    grids: list[_Grid] = []
    if page.edges and len(page.edges) <= MAX_EDGES_FOR_TABLES:
        for t in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
            g = _grid_skeleton(t.cells, no)
            if g is not None:
                grids.append(g)
    rest = _fill_grids(grids, chars)
    lines = _group_lines(rest, no)
    p = _Page(no, float(page.width), float(page.height))
    p.items = sorted([*lines, *grids], key=lambda it: it.top)
    return p


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOL:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    i = bisect.bisect_left(bounds, v - EDGE_TOL)
    return min(i, len(bounds) - 1)


def _grid_skeleton(cells: list[tuple], page: int) -> _Grid | None:
    if not cells:
        return None
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    ncols, nrows = len(xs) - 1, len(ys) - 1
    if ncols < 1 or nrows < 1 or (ncols == 1 and nrows == 1):
        return None
    grid_cells: list[list[Cell | None]] = [[None] * ncols for _ in range(nrows)]
    origin = [[(r, c) for c in range(ncols)] for r in range(nrows)]
    for x0, top, x1, bottom in cells:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                if r < nrows and c < ncols:
                    grid_cells[r][c] = Cell("", Loc(page=page, bbox=(x0, top, x1, bottom)), covered=(r, c) != (r0, c0))
                    origin[r][c] = (r0, c0)
    for r in range(nrows):
        for c in range(ncols):
            if grid_cells[r][c] is None:        # a hole: no cell drawn there
                grid_cells[r][c] = Cell("", Loc(page=page, bbox=(xs[c], ys[r], xs[c + 1], ys[r + 1])))
    g = _Grid(page, (xs[0], ys[0], xs[-1], ys[-1]), xs, grid_cells, origin, top=ys[0])
    g.ys = ys  # type: ignore[attr-defined]
    return g


def _fill_grids(grids: list[_Grid], chars: list[dict]) -> list[dict]:
    """Give each table's characters to its cells; return the characters outside tables."""
    if not grids:
        return chars
    rest = []
    buckets: dict[tuple[int, int, int], list[dict]] = {}
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for gi, g in enumerate(grids):
            x0, top, x1, bottom = g.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                c = min(max(bisect.bisect_right(g.xs, cx) - 1, 0), len(g.xs) - 2)
                r = min(max(bisect.bisect_right(g.ys, cy) - 1, 0), len(g.ys) - 2)  # type: ignore[attr-defined]
                buckets.setdefault((gi, *g.origin[r][c]), []).append(ch)
                break
        else:
            rest.append(ch)
    for (gi, r, c), cs in buckets.items():
        g = grids[gi]
        text = _join_wrapped([ln.text for ln in _group_lines(cs, g.page)])
        g.cells[r][c].text = text
    for g in grids:                   # covered slots carry the origin's text
        for r, row in enumerate(g.cells):
            for c, cell in enumerate(row):
                if cell.covered:
                    orow, ocol = g.origin[r][c]
                    cell.text = g.cells[orow][ocol].text
    return rest


_LATIN = re.compile(r"[A-Za-z]")


def _join_wrapped(parts: list[str]) -> str:
    """Wrapped lines → one text: a space only between two Latin letters (Word wraps numbers,
    URLs and Chinese without one)."""
    out = ""
    for p in parts:
        if out and _LATIN.match(out[-1]) and _LATIN.match(p[:1]):
            out += " "
        out += p
    return out


def _group_lines(chars: list[dict], page: int) -> list[_Line]:
    """Characters → lines: by vertical overlap, then left to right; doubled glyphs (fake bold) dropped."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict]] = []
    top = bottom = 0.0
    for ch in chars:
        # same line: the glyph overlaps the line's first glyph band by more than half its height
        # (a running band would chain half-offset lines, e.g. a vertically centred label beside figures)
        h = max(ch["bottom"] - ch["top"], 0.1)
        if groups and min(bottom, ch["bottom"]) - max(top, ch["top"]) > 0.5 * min(h, bottom - top):
            groups[-1].append(ch)
        else:
            groups.append([ch])
            top, bottom = ch["top"], ch["bottom"]
    lines = []
    for g in groups:
        g.sort(key=lambda c: c["x0"])
        out: list[str] = []
        prev = None
        for ch in g:
            if prev is not None:
                if ch["text"] == prev["text"] and abs(ch["x0"] - prev["x0"]) < 0.5 * max(ch["x1"] - ch["x0"], 1):
                    continue
                if ch["x0"] - prev["x1"] > 0.25 * (ch.get("size") or 10) and ch["text"] != " ":
                    out.append(" ")
            out.append(ch["text"])
            prev = ch
        text = clean_line("".join(out), cjk_gaps=True)
        if text:
            sizes = [c.get("size") or 0 for c in g]
            lead_end = None
            for ch in g:
                if _WORD_CHAR.match(ch["text"]):
                    lead_end = ch["x1"]
                    continue
                if lead_end is not None and ch["text"] in _CLOSING:
                    lead_end = ch["x1"]
                break
            lines.append(_Line(text, min(c["x0"] for c in g), min(c["top"] for c in g), max(c["x1"] for c in g),
                               max(c["bottom"] for c in g), statistics.median(sizes), page,
                               lead_end - g[0]["x0"] if lead_end is not None else 0.0))
    return lines


# ---------------------------------------------------------------- across pages
def _drop_running(pages: list[_Page]) -> list[Removed]:
    """Remove running headers/footers and page numbers from the top/bottom bands."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.replace(" ", ""))

    def band_lines(p: _Page) -> list[_Line]:
        """Lines among the first/last two items of the page that sit in the top/bottom band."""
        top = [it for it in p.items[:2] if isinstance(it, _Line) and it.bottom < p.height * BAND]
        bottom = [it for it in p.items[-2:] if isinstance(it, _Line) and it.top > p.height * (1 - BAND)
                  and not any(it is t for t in top)]
        return top + bottom

    counts = Counter()
    for p in pages:
        counts.update({key(ln.text) for ln in band_lines(p)})
    need = max(2, (len(pages) + 1) // 2)
    removed = []
    for p in pages:
        doomed = []
        for ln in band_lines(p):
            if _PAGE_NUMBER.match(ln.text):
                removed.append(Removed("page_number", ln.text, Loc(page=p.no, bbox=(ln.x0, ln.top, ln.x1, ln.bottom))))
                doomed.append(ln)
            elif len(pages) >= 2 and counts[key(ln.text)] >= need:
                removed.append(Removed("other", ln.text, Loc(page=p.no, bbox=(ln.x0, ln.top, ln.x1, ln.bottom))))
                doomed.append(ln)
        if doomed:
            p.items = [it for it in p.items if not any(it is d for d in doomed)]
    return removed


def _column_map(a: _Grid, b: _Grid) -> list[tuple[int, int]] | None:
    """How `b`'s columns lie on `a`'s: for each column of b, the range of a's columns it spans.
    None unless every column edge of b is one of a's (same outer edges). A continuation can have
    fewer edges than the first part: its rows may all merge some of the columns."""
    idx = []
    for x in b.xs:
        hit = [i for i, y in enumerate(a.xs) if abs(x - y) <= EDGE_TOL]
        if not hit:
            return None
        idx.append(hit[0])
    if idx[0] != 0 or idx[-1] != len(a.xs) - 1:
        return None
    return [(idx[j], idx[j + 1]) for j in range(len(idx) - 1)]


def _widen(cont: _Grid, cmap: list[tuple[int, int]]) -> None:
    """Re-grid `cont` on the first part's columns: a cell over several of them gets covered slots."""
    if all(e - s == 1 for s, e in cmap):
        return
    start = [s for s, _ in cmap]
    cells, origin = [], []
    for r, row in enumerate(cont.cells):
        new_row, new_origin = [], []
        for j, cell in enumerate(row):
            s, e = cmap[j]
            o_r, o_c = cont.origin[r][j]
            for k in range(s, e):
                new_row.append(cell if k == s else Cell(cell.text, cell.loc, covered=True))
                new_origin.append((o_r, start[o_c]))
        cells.append(new_row)
        origin.append(new_origin)
    cont.cells, cont.origin = cells, origin


def _continue_table(first: _Grid, cont: _Grid) -> None:
    """Append `cont` (the next page's part) to `first`: drop a repeated header, carry merged labels."""
    k = 0
    texts = lambda row: [c.text for c in row]  # noqa: E731
    for n in range(min(len(first.cells), len(cont.cells)) - 1, 0, -1):
        if all(texts(first.cells[i]) == texts(cont.cells[i]) for i in range(n)):
            k = n
            break
    rows, origin = cont.cells[k:], [[(r - k, c) for r, c in row] for row in cont.origin[k:]]
    if rows:
        last = len(first.cells) - 1
        for c in range(len(rows[0])):
            cell = rows[0][c]
            if cell.text or cell.covered:
                continue
            above = first.cells[last][c]
            o_r, o_c = first.origin[last][c]
            # a merged label cell (spanning rows) reaching the page end continues here
            if not above.text or o_r == last or o_c != c:
                continue
            for r, row in enumerate(rows):
                if origin[r][c] == (0, c):
                    row[c].covered, row[c].text = True, above.text
    base = len(first.cells)
    for r, row in enumerate(rows):
        first.cells.append(row)
        first.origin.append([(base + orr, oc) for orr, oc in origin[r]])


def _assemble(pages: list[_Page]) -> list:
    # join tables across page breaks
    stream: list = []
    for p in pages:
        for i, it in enumerate(p.items):
            if i == 0 and isinstance(it, _Grid) and stream and isinstance(stream[-1], _Grid) \
                    and stream[-1].page == p.no - 1 and (cmap := _column_map(stream[-1], it)) is not None:
                _widen(it, cmap)
                _continue_table(stream[-1], it)
                continue
            stream.append(it)
    # text margins for re-flow: per page, but a page with few lines (a signature, a table) takes
    # the document's typical margins
    per_page = {}
    for p in pages:
        lines = [it for it in p.items if isinstance(it, _Line)]
        if lines:
            per_page[p.no] = (len(lines), min(ln.x0 for ln in lines), max(ln.x1 for ln in lines))
    full = [v for v in per_page.values() if v[0] >= 5] or list(per_page.values())
    typical = (statistics.median(v[1] for v in full), statistics.median(v[2] for v in full)) if full else (0, 0)
    margins = {no: (v[1], v[2]) if v[0] >= 5 else typical for no, v in per_page.items()}
    blocks: list = []
    para: list[_Line] = []

    def flush():
        if para:
            text = _join_wrapped([ln.text for ln in para])
            pages_of = para[0].page
            same = [ln for ln in para if ln.page == pages_of]
            bbox = (min(ln.x0 for ln in same), min(ln.top for ln in same), max(ln.x1 for ln in same),
                    max(ln.bottom for ln in same))
            blocks.append(Paragraph(text, Loc(page=pages_of, bbox=bbox)))
            para.clear()

    for it in stream:
        if isinstance(it, _Grid):
            flush()
            blocks.append(Table(it.cells, Loc(page=it.page, bbox=it.bbox)))
            continue
        if para and _starts_paragraph(para[-1], it, margins):
            flush()
        para.append(it)
    flush()
    return blocks




def _centred(ln: _Line, left: float, right: float) -> bool:
    return ln.x0 > left + ln.size and abs((ln.x0 + ln.x1) / 2 - (left + right) / 2) < ln.size


def _starts_paragraph(prev: _Line, ln: _Line, margins: dict) -> bool:
    size = max(prev.size, ln.size, 1.0)
    left, right = margins.get(ln.page, (ln.x0, ln.x1))
    pleft, pright = margins.get(prev.page, (prev.x0, prev.x1))
    if abs(ln.size - prev.size) > 1:
        return True
    if ln.page == prev.page and ln.top - prev.bottom > 1.2 * size:
        return True
    if _HEADING_START.match(ln.text):
        return True
    if _centred(ln, left, right) and ln.page == prev.page and (
            _centred(prev, pleft, pright) or (prev.x0 <= pleft + size and prev.x1 >= pright - 1.5 * size)):
        return False                            # a centred title wrapped onto a second line
    gap = pright - prev.x1
    # line-start rules (禁则) carry a character down with the punctuation after it: "报\n告。"
    kinsoku = len(ln.text) > 1 and ln.text[1] in _NO_LINE_START and gap <= 2.6 * size
    too_long = bool(ln.lead) and ln.lead > gap - 0.5 * size     # the next line's first word did not fit
    if prev.text[-1] in _SENTENCE_END and gap > 0.9 * size and not kinsoku and not too_long:
        return True                             # a sentence ended and the line stopped a character short
    if gap > 1.5 * size and not kinsoku:        # the previous line stopped short …
        # … unless the next line's first word did not fit, or a URL/number broke at "/", "-", ":" …
        if not (too_long or (ln.lead and prev.text[-1] in "/:-@_.&=?#~")):
            return True
    if ln.x0 > left + 1.2 * size:               # indented (first line) or right-aligned
        return True
    return False
