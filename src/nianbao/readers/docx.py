"""Word .docx → Document: body paragraphs and tables in document order, merges resolved.

What a careful reader sees:
- the body's w:p and w:tbl in order (content controls and custom-XML wrappers
  looked through); text boxes, headers, footers, footnotes, comments, deleted and
  hidden text are not part of the report body and are ignored;
- automatic list numbering (一、 （一） 1.) is rendered in front of the paragraph as
  Word shows it, since headings often get their "一、" that way;
- a manual line break (w:br) splits a paragraph: the lines are separate Paragraphs;
- tables as grids: a w:gridSpan origin is followed by covered slots to its right,
  a vMerge "continue" cell is a covered slot below its origin; covered slots carry
  the origin's text; w:gridBefore leaves empty slots so columns stay aligned;
- a table that holds other tables is a layout wrapper: it is unwrapped, its
  cells' paragraphs and tables become blocks in reading order (nested tables
  flattened into the block sequence).

Positions: a Paragraph has `Loc(line=n)`, n = 1-based number of the paragraph
among the body's paragraphs outside data tables (empty ones counted, so n is
what Word's navigation counts). A cell has `Loc(table=T, row=R, col=C)`, all
0-based: T = index of the table among the Document's tables, R/C = grid slot.

The package is read with zipfile + lxml: only word/document.xml and word/numbering.xml
are parsed (python-docx's loader parses every part into proxy objects, about 4× slower;
the renderer, generate/docx.py, uses python-docx).

Bounds (checked on the zip directory before anything is inflated; `zipfile`
never yields more than an entry's declared size and checks its CRC, so declared
sizes bound the real ones): at most 5,000 entries, 200 MB inflated in total,
word/document.xml at most 50 MB, and no entry over 10 MB inflating more than
200× (a ratio bomb). A zip that is not a Word document, or a corrupt one, is an
InputError with a one-line message.
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from ..document import Cell, Document, Loc, Paragraph, Table
from ..errors import InputError
from .cleanup import clean_cell, clean_line

MAX_ENTRIES = 5_000
MAX_TOTAL = 200 * 2**20
MAX_DOCUMENT_XML = 50 * 2**20
BOMB_RATIO = 200
BOMB_MIN_SIZE = 10 * 2**20

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (_w(t) for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent",
                                                                  "customXml"))
T, TAB, BR, CR, NBH = (_w(t) for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
_VAL = _w("val")

# runs of the paragraph itself (not of a text box inside it), not hidden
_RUN_PARTS = etree.XPath(
    ".//w:r[not(ancestor::w:txbxContent) and not(w:rPr/w:vanish[not(@w:val='0' or @w:val='false')])]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]", namespaces=NS)
_ROWS = etree.XPath("./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr", namespaces=NS)
_CELLS = etree.XPath("./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc", namespaces=NS)
_HAS_NESTED = etree.XPath("boolean(.//w:tc//w:tbl)", namespaces=NS)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def read(data: bytes, name: str = "") -> Document:
    zf = _open_zip(data, name)
    try:
        if "[Content_Types].xml" not in zf.namelist():
            raise InputError("DOCX 文件已损坏，无法读取（缺少 [Content_Types].xml）", name)
        root = etree.fromstring(zf.read("word/document.xml"), _PARSER)
        body = root.find(_w("body"))
        if root.tag != _w("document") or body is None:
            raise InputError("DOCX 文件已损坏，无法读取（正文部件不是 Word 文档）", name)
        numbering_root = None
        if "word/numbering.xml" in zf.namelist():
            numbering_root = etree.fromstring(zf.read("word/numbering.xml"), _PARSER)
    except InputError:
        raise
    except Exception as e:  # broken XML, bad CRC, truncated deflate stream …
        raise InputError(f"DOCX 文件已损坏，无法读取（{type(e).__name__}）", name) from None
    finally:
        zf.close()
    walker = _Walker(_Numbering(numbering_root))
    walker.container(body)
    if not walker.blocks:
        raise InputError("Word 文档中没有正文内容", name)
    return Document(blocks=walker.blocks, reader="docx", name=name)


def _open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError("文件已损坏：不是完整的 zip/docx 文件（可能下载不完整）", name) from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        zf.close()
        if any(n.startswith("xl/") for n in names):
            raise InputError("这是 Excel 表格（.xlsx），不是 Word 文档；请提交年度报告的 Word/PDF/网页版本", name)
        if any(n.startswith("ppt/") for n in names):
            raise InputError("这是 PowerPoint 演示文稿，不是 Word 文档", name)
        if "mimetype" in names or "content.xml" in names:
            raise InputError("这是 OpenDocument 文档（.odt 等），暂不支持；请另存为 .docx 或 PDF", name)
        raise InputError("这是 zip 压缩包，不是 Word (.docx) 文档；请解压后逐个提交报告文件", name)
    if len(infos) > MAX_ENTRIES:
        zf.close()
        raise InputError(f"DOCX 文件结构异常（包含 {len(infos)} 个部件，上限 {MAX_ENTRIES}），拒绝读取", name)
    total = 0
    for i in infos:
        total += i.file_size
        ratio = i.file_size / max(i.compress_size, 1)
        if (i.filename == "word/document.xml" and i.file_size > MAX_DOCUMENT_XML) or total > MAX_TOTAL \
                or (i.file_size > BOMB_MIN_SIZE and ratio > BOMB_RATIO):
            zf.close()
            raise InputError("DOCX 文件解压后异常巨大（疑似压缩炸弹），拒绝读取", name)
    return zf


# ---------------------------------------------------------------- list numbering
_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
               "taiwaneseCounting", "japaneseCounting"):
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return f"（{n}）"
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out, k = "", n
        for v, s in vals:
            while k >= v:
                out, k = out + s, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


def _int(v: str | None, default: int) -> int:
    return int(v) if v is not None and v.isdigit() and len(v) < 6 else default


class _Numbering:
    """Word's automatic list numbering: numId/ilvl → level format, counters as Word keeps them."""

    def __init__(self, root):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        abstract = {}
        for an in root.findall(_w("abstractNum")):
            lv = {}
            for lvl in an.findall(_w("lvl")):
                ilvl = _int(lvl.get(_w("ilvl")), 0)
                fmt = lvl.find(_w("numFmt"))
                text = lvl.find(_w("lvlText"))
                start = lvl.find(_w("start"))
                lv[ilvl] = (fmt.get(_VAL) if fmt is not None else "decimal",
                            text.get(_VAL) if text is not None else "",
                            _int(start.get(_VAL), 1) if start is not None else 1)
            abstract[an.get(_w("abstractNumId"))] = lv
        for num in root.findall(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(_VAL), {}).items():
                self.levels[(num.get(_w("numId")), ilvl)] = spec

    def label(self, p) -> str:
        ppr = p.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        if numpr is None:
            return ""
        nid, lvl = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
        num_id = nid.get(_VAL) if nid is not None else None
        ilvl = _int(lvl.get(_VAL), 0) if lvl is not None else 0
        spec = self.levels.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        if ilvl >= 9:
            return ""
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else spec[2]
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lspec = self.levels.get((num_id, k))
            return _format_number(counts[k] or (lspec[2] if lspec else 1), lspec[0] if lspec else "decimal")

        return re.sub(r"%(\d)", sub, spec[1])


# ---------------------------------------------------------------- body walk
def _paragraph_lines(p) -> list[str]:
    """The paragraph's text, split at manual line breaks."""
    lines, cur = [], []
    for el in _RUN_PARTS(p):
        tag = el.tag
        if tag == T:
            cur.append(el.text or "")
        elif tag == TAB:
            cur.append(" ")
        elif tag == NBH:
            cur.append("-")
        elif tag == BR and el.get(_w("type")) in ("page", "column"):
            continue
        else:                       # w:br (text wrapping) / w:cr
            lines.append("".join(cur))
            cur = []
    lines.append("".join(cur))
    return lines


TC_PR, GRID_SPAN, V_MERGE, H_MERGE = (_w(t) for t in ("tcPr", "gridSpan", "vMerge", "hMerge"))


def _cell_props(tc) -> tuple[int, str | None, str | None]:
    """(gridSpan, vMerge state, legacy hMerge state) of a cell; a state is "restart", "continue" or None."""
    span, vmerge, hmerge = 1, None, None
    pr = tc.find(TC_PR)
    if pr is None:
        return span, vmerge, hmerge
    for el in pr:
        tag = el.tag
        if tag == GRID_SPAN:
            try:
                span = max(1, min(int(el.get(_VAL)), 1000))
            except (TypeError, ValueError):
                span = 1
        elif tag == V_MERGE:
            vmerge = "restart" if el.get(_VAL) == "restart" else "continue"
        elif tag == H_MERGE:
            hmerge = "restart" if el.get(_VAL) == "restart" else "continue"
    return span, vmerge, hmerge


class _Walker:
    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.blocks: list = []
        self.par_no = 0
        self.table_no = 0

    def container(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag in (SDT, CUSTOM_XML):
                content = child.find(SDT_CONTENT) if tag == SDT else child
                if content is not None:
                    self.container(content)

    def paragraph(self, p) -> None:
        self.par_no += 1
        lines = _paragraph_lines(p)
        label = self.numbering.label(p)
        if label:
            lines[0] = label + lines[0]
        for line in lines:
            text = clean_line(line)
            if text:
                self.blocks.append(Paragraph(text, Loc(line=self.par_no)))

    def table(self, tbl) -> None:
        if _HAS_NESTED(tbl):        # layout wrapper: its content is the document
            for tr in _ROWS(tbl):
                for tc in _CELLS(tr):
                    self.container(tc)
            return
        t = self.table_no
        rows: list[list[Cell]] = []
        for r, tr in enumerate(_ROWS(tbl)):
            row: list[Cell] = []
            before = tr.find(f"{_w('trPr')}/{_w('gridBefore')}")
            if before is not None and (before.get(_VAL) or "").isdigit():
                for _ in range(min(int(before.get(_VAL)), 1000)):
                    row.append(Cell("", Loc(table=t, row=r, col=len(row))))
            for tc in _CELLS(tr):
                c = len(row)
                span, vmerge, hmerge = _cell_props(tc)
                if hmerge == "continue" and row:
                    row.append(Cell(row[-1].text, Loc(table=t, row=r, col=c), covered=True))
                    continue
                if vmerge == "continue" and rows and c < len(rows[-1]):
                    text, covered = rows[-1][c].text, True
                else:
                    text, covered = self.cell_text(tc), False
                row.append(Cell(text, Loc(table=t, row=r, col=c), covered=covered))
                for k in range(1, span):
                    row.append(Cell(text, Loc(table=t, row=r, col=c + k), covered=True))
            rows.append(row)
        if rows:
            self.blocks.append(Table(rows, Loc(table=t)))
            self.table_no += 1

    def cell_text(self, tc) -> str:
        parts: list[str] = []

        def walk(el):
            for child in el:
                if child.tag == P:
                    label = self.numbering.label(child)
                    lines = _paragraph_lines(child)
                    lines[0] = label + lines[0]
                    parts.extend(lines)
                elif child.tag in (SDT, CUSTOM_XML):
                    content = child.find(SDT_CONTENT) if child.tag == SDT else child
                    if content is not None:
                        walk(content)

        walk(tc)
        return clean_cell("\n".join(parts))
