"""Plain text and Markdown: decode, clean conversion debris, and rebuild table grids.

Texts converted from PDF/DOCX print tables in a few recognisable families:
  a) tab-separated rows ("规章\t0\t0\t0"), with merged cells showing as extra or
     missing tabs;
  b) one cell per line ("\t0"), an empty cell as a bare "\t", rows separated by
     blank lines, a cell broken over lines continuing on a line without a tab;
  c) Markdown pipe tables ("| a | b |") and pandoc grid tables ("+---+" borders);
  d) web pages saved as text, one row per line with cells between pipes but no
     leading one ("规章 | 0 | 0 | 0 |"), merged cells printed once.
The reader only rebuilds grids; which table is which is the extractor's business.
"""
from __future__ import annotations

import html
import json
import re

from ..document import Cell, Document, Loc, Paragraph, Removed, Table
from ..errors import InputError
from . import encoding

# ---------------------------------------------------------------- decoding
_SPACE_LIKE = {c: " " for c in (0xA0, 0x3000, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
                                0x200A, 0x202F, 0x205F, 0x1680, 0x0B)}
_INVISIBLE = {c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}
_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_TRANSLATE = {**_SPACE_LIKE, **_INVISIBLE, **_FULLWIDTH_DIGITS}
# Full-width decimal point between digits ("０．３５" → "0.35"); elsewhere punctuation is text.
_FW_DECIMAL = re.compile(r"(?<=\d)．(?=\d)")


def decode(data: bytes, name: str = "") -> str:
    """Bytes → str by readers/encoding.py (BOM, UTF-16 by shape, UTF-8, GB18030; a few damaged
    bytes replaced). Empty files, binary junk and JSON data files are refused."""
    d = encoding.decode(data)
    if not d.text.strip():
        raise InputError("文件为空", name)
    if not d.is_text:
        raise InputError("不是文本文件（含有大量无法识别的字符或二进制内容）", name)
    return _not_json(d.text, name)


def _not_json(text: str, name: str) -> str:
    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            raise InputError("是 JSON 数据文件，不是年度报告", name)
    return text


# ---------------------------------------------------------------- debris
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]|\[\]\{#[^}]*\}|\{#_[A-Za-z0-9_]+\}")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|\*\*|__")
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")       # pandoc's "1\. 属于国家秘密"
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_]*\s*\d{1,3}\s*[-—–－_]*"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页\s*[,，/]?\s*第\s*\d{1,3}\s*页"
    r"|\d{1,3}\s*/\s*\d{1,3}"
    r"|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)$"
)

# ---------------------------------------------------------------- line kinds
_CELL_LINE = re.compile(r"^\t[^\t]*$")            # family b: one cell per line
_GRID_BORDER = re.compile(r"^\+[-=:+]+\+$")
_PIPE_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
# Family d: a row ends with a pipe ("第二十条第（一）项 |") or has two pipes between cells; a line
# with one pipe between two cells ("行政许可 | 5") is a row only next to other rows.
_BARE_PIPE_ROW = re.compile(r"\S\s*\|$|\S\s*\|.*\S\s*\|\s*\S")
_ONE_PIPE_ROW = re.compile(r"^[^|]*\S\s*\|\s*\S[^|]*$")
# A line that starts like a heading or a numbered item is never a continuation of a cell.
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|第.{1,4}[章节条])")
_SENTENCE_END = "。；;！!？?：:"
CONTINUATION_MAX = 15

BLANK, PAGE, TAB, PIPE, GRID, TEXT, PIPE1 = range(7)


_NEEDS_TRANSLATE = re.compile("[" + "".join(chr(c) for c in _TRANSLATE) + "]")
_CHAR_MAP = {chr(c): ("" if r is None else r if isinstance(r, str) else chr(r)) for c, r in _TRANSLATE.items()}


def _replace_char(m: re.Match) -> str:
    return _CHAR_MAP[m.group(0)]


_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#[xX][0-9a-fA-F]{1,5});")


def _unescape(m: re.Match) -> str:
    # an entity never makes a line break: line numbers stay those of the file
    t = html.unescape(m.group(0))
    return " " if t in ("\n", "\r", "\f", "\t") else _NEEDS_TRANSLATE.sub(_replace_char, t)


_FORM_FEED = re.compile(r"\n?\f+\n?")


def normalise(text: str) -> str:
    """Line breaks to "\n", odd spaces to " ", invisible characters out, full-width digits to ASCII."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:        # a page break: a line break only where no newline stands beside it (pdftotext
        # writes "\n\f" and starts the next page on the \f's line), so line numbers stay an editor's
        text = _FORM_FEED.sub(lambda m: "\n" * max(1, m.group(0).count("\n")), text)
    if _NEEDS_TRANSLATE.search(text):      # a few odd characters in a long text: replace just those
        text = _NEEDS_TRANSLATE.sub(_replace_char, text)
    if "．" in text:
        text = _FW_DECIMAL.sub(".", text)
    if "&" in text and ";" in text:          # text copied from a web page: "&nbsp;", "&lt;"
        text = _ENTITY.sub(_unescape, text)
    return text


_DEBRIS_MARKS = ("[", "{#", "**", "__", "\\", "#")    # what every cleanup in _clean_line needs in its line


def _clean_line(line: str, lineno: int, removed: list[Removed], markdown_file: bool) -> str:
    if "[" in line or "{#" in line:
        for m in _BOOKMARK.finditer(line):
            removed.append(Removed("bookmark", m.group(0), Loc(line=lineno)))
        line = _BOOKMARK.sub("", line)
    if "**" in line or "__" in line:
        if not markdown_file:
            removed.extend(Removed("markdown", m.group(0), Loc(line=lineno)) for m in _EMPHASIS.finditer(line))
        line = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or "", line)
    if "\\" in line and _MD_ESCAPE.search(line):
        if not markdown_file:
            removed.extend(Removed("markdown", m.group(0), Loc(line=lineno)) for m in _MD_ESCAPE.finditer(line))
        line = _MD_ESCAPE.sub(r"\1", line)
    if line.startswith("#"):
        m = _MD_HEADING.match(line)
        if m:
            if not markdown_file:
                removed.append(Removed("markdown", m.group(1), Loc(line=lineno)))
            line = line[m.end():]
    return line


def _kind(line: str) -> int:
    if "\t" in line:
        return TAB
    s = line.strip()
    if not s:
        return BLANK
    if "|" in s:
        if (s[0] == "|" and s.count("|") >= 2) or _BARE_PIPE_ROW.search(s):
            return PIPE
        if _ONE_PIPE_ROW.match(s):
            return PIPE1
    if s[0] == "+" and _GRID_BORDER.match(s):
        return GRID
    if len(s) <= 16 and _PAGE_NUMBER.match(s):
        return PAGE
    return TEXT


def _is_prose(cell_line: str) -> bool:
    """A tab-indented sentence, not a table cell: what follows it is not the rest of a cell."""
    s = cell_line.strip()
    return "。" in s or len(s) > 50


def _is_continuation(text: str) -> bool:
    s = text.strip()
    return 0 < len(s) <= CONTINUATION_MAX and s[-1] not in _SENTENCE_END and "。" not in s \
        and not _NUMBERED.match(s)


# ---------------------------------------------------------------- grids
def _tab_rows(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    """Family a or b, decided by the region's lines."""
    tab_lines = [t for _, t in lines if "\t" in t]
    one_cell = sum(1 for t in tab_lines if _CELL_LINE.match(t))
    if one_cell * 10 >= len(tab_lines) * 6:
        return _cell_per_line_rows(lines)
    rows: list[list[Cell]] = []
    for n, t in lines:
        if "\t" in t:
            loc = Loc(line=n)                # the cells of a line share their Loc
            rows.append([Cell(c.strip(), loc) for c in t.split("\t")])
        elif t.strip() and rows:          # a cell broken over lines (rare in this family): glue to the last cell
            rows[-1][-1].text += t.strip()
    return rows


def _cell_per_line_rows(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    for n, t in lines:
        if not t.strip() and "\t" not in t:
            if row:
                rows.append(row)
                row = []
        elif "\t" in t:
            head, *cells = t.split("\t")
            if head.strip():               # a row printed in family-a style inside family b
                cells.insert(0, head)
            loc = Loc(line=n)
            row.extend(Cell(c.strip(), loc) for c in cells)
        elif row:                          # continuation of the previous cell ("\t商业" + "企业")
            row[-1].text += t.strip()
    if row:
        rows.append(row)
    return rows


def _pipe_rows(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    rows = []
    # A table of rows without a closing pipe ("予以公开 | 82 | 93") ends a row whose last cell is blank
    # with a pipe ("… | 0 | "): there the last pipe separates, it does not close.
    closed = all(t.strip().endswith("|") for _, t in lines if "|" in t)
    for n, t in lines:
        s = t.strip()
        if "|" not in s:
            continue
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") and closed else s
        parts = [p.strip().replace("<br>", "").replace("<br/>", "") for p in s.split("|")]
        if all(_PIPE_SEPARATOR_CELL.match(p) for p in parts if p) and any(parts):
            continue
        rows.append([Cell(p, Loc(line=n)) for p in parts])
    return rows


def _grid_rows(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    """pandoc grid tables: a row spans the lines between two borders; cell text is joined per column."""
    rows: list[list[Cell]] = []
    cur: list[Cell] = []
    for n, t in lines:
        s = t.strip()
        if _GRID_BORDER.match(s):
            if cur:
                rows.append(cur)
            cur = []
        elif s.startswith("|"):
            parts = [p.strip() for p in s.strip("|").split("|")]
            if not cur:
                cur = [Cell(p, Loc(line=n)) for p in parts]
            else:
                for i, p in enumerate(parts):
                    if i < len(cur):
                        cur[i].text += p
                    else:
                        cur.append(Cell(p, Loc(line=n)))
    if cur:
        rows.append(cur)
    return rows


def _emit(kind: int, lines: list[tuple[int, str]], blocks: list) -> None:
    rows = _tab_rows(lines) if kind == TAB else _pipe_rows(lines) if kind == PIPE else _grid_rows(lines)
    rows = [r for r in rows if r]
    filled = [sum(1 for c in r if c.text) for r in rows]
    sentences = sum(1 for r in rows for c in r if "。" in c.text)
    if rows and sentences * 3 >= sum(filled):
        # Tab-indented prose: table cells hardly ever hold full sentences.
        for r in rows:
            blocks.extend(Paragraph(c.text, Loc(line=c.loc.line)) for c in r if c.text)
        return
    # A lone "name\tdate" signature is a paragraph, not a table. Cells printed one per line, each closed
    # by a pipe ("3 |", "|||" for two blank cells) stay a grid: its empty cells are counted blanks.
    one_per_line = kind == PIPE and len(rows) >= 3
    if not rows or not one_per_line and (max(filled) < 2 or (len(rows) == 1 and filled[0] < 3)):
        for r in rows:
            cells = [c for c in r if c.text]
            if cells:
                blocks.append(Paragraph(" ".join(c.text for c in cells), Loc(line=cells[0].loc.line)))
        return
    blocks.append(Table(rows, Loc(line=rows[0][0].loc.line)))


def _two_cell_pipe_rows(kinds: list[int]) -> None:
    """PIPE1 lines are rows when they stand among pipe rows or two or more together (blank lines
    between allowed)."""
    for order in (range(len(kinds)), range(len(kinds) - 1, -1, -1)):
        prev = BLANK
        for i in order:
            if kinds[i] == PIPE1 and prev in (PIPE, PIPE1):
                kinds[i] = PIPE
                if prev == PIPE1:
                    kinds[last] = PIPE
            if kinds[i] != BLANK:
                prev, last = kinds[i], i
    kinds[:] = [TEXT if k == PIPE1 else k for k in kinds]


def _short_text(line: str) -> bool:
    s = line.strip()
    return len(s) <= 60 and "。" not in s


# "-2" (本年增/减) is a cell; "-2-" is a page number. The signs: ASCII, full-width, minus sign (U+2212),
# small hyphen-minus, figure/en dash, hyphens (as extract.values.MINUS_SIGNS reads them).
_MINUS = "-\uff0d\u2212\ufe63\u2012\u2013\u2010\u2011"
_SIGNED_NUMBER = re.compile(rf"^[{_MINUS}]?\d+$")
_TO_ASCII_MINUS = {ord(c): "-" for c in _MINUS}


def _numbers_that_are_cells(lines: list[str], kinds: list[int]) -> None:
    """A bare number after a short line or next to another number ("行政许可\n5", "1100\n80\n4") is a
    table cell printed one per line, not a page number; a page number stands alone, or next to
    prose or table rows."""
    for i, k in enumerate(kinds):
        if k != PAGE or not _SIGNED_NUMBER.match(lines[i].strip()):
            continue
        if int(lines[i].strip().translate(_TO_ASCII_MINUS)) <= 0:
            kinds[i] = TEXT                  # no page is numbered 0 or below: a cell (0, 本年增/减 -2)
            continue
        j = i - 1
        while j > 0 and kinds[j] == PAGE and not _SIGNED_NUMBER.match(lines[j].strip()):
            j -= 1                           # a page marker ("第4页 共12页") between two cells of a row
        before = lines[j].strip() if j >= 0 else ""
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if before.isdigit() or after.isdigit() or (kinds[j] == TEXT and _short_text(before) if j >= 0 else False):
            kinds[i] = TEXT
        elif not before or not after:
            # every cell its own paragraph: the line before (past one blank line) is a bare label or number
            # (one blank line after a bare cell; a page number stands apart by more, or after prose)
            gb, b = _nearest(lines, kinds, i, -1)
            if gb == 1 and _bare_cell(b):
                kinds[i] = TEXT


_DIGITS = re.compile(r"\d")


def _nearest(lines: list[str], kinds: list[int], i: int, step: int) -> tuple[int, str]:
    """(blank lines between, text) of the nearest line before (step -1) or after (+1) that is neither
    blank nor a page marker or running header (an e-book's page break inside a table)."""
    j, blanks = i + step, 0
    while 0 <= j < len(lines):
        t = lines[j].strip()
        if not t:
            blanks += 1
        elif not (kinds[j] == PAGE and not _SIGNED_NUMBER.match(t) or "年度报告" in t and len(t) <= 60):
            return blanks, t
        j += step
    return blanks, ""


_GROUPED_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")     # "1,136": a cell with thousands separators


def _bare_cell(s: str) -> bool:
    """A line that is one table cell: a number, or a short label without figures."""
    return bool(s) and (bool(_SIGNED_NUMBER.match(s) or _GROUPED_NUMBER.match(s)) or len(s) <= 40 and "。" not in s
                        and not _DIGITS.search(s.lstrip("0123456789.、．（()） ")))


def read(data: bytes | str, name: str = "") -> Document:
    """A text or Markdown report: bytes are decoded here; text already decoded (detect.read does,
    to count damaged characters) is taken as it is."""
    text = normalise(decode(data, name) if isinstance(data, bytes) else _not_json(data, name))
    markdown_file = name.lower().endswith((".md", ".markdown"))
    removed: list[Removed] = []
    blocks: list = []
    region: list[tuple[int, str]] = []
    region_kind = -1
    prev_kind = BLANK
    prev_line = ""

    def close() -> None:
        nonlocal region, region_kind
        if region:
            _emit(region_kind, region, blocks)
        region, region_kind = [], -1

    if any(c in text for c in _DEBRIS_MARKS):
        lines = [_clean_line(raw, n, removed, markdown_file) for n, raw in enumerate(text.split("\n"), 1)]
    else:                                     # no line holds what _clean_line removes: nothing to clean
        lines = text.split("\n")
    kinds = [_kind(line) for line in lines]
    _two_cell_pipe_rows(kinds)
    _numbers_that_are_cells(lines, kinds)
    for n, (line, k) in enumerate(zip(lines, kinds), 1):
        if k == PAGE:
            removed.append(Removed("page_number", line.strip(), Loc(line=n)))
            continue                          # a page break inside a table does not end it
        if k == BLANK:
            if region:
                region.append((n, line))
            prev_kind, prev_line = k, line
            continue
        if k in (TAB, PIPE, GRID):
            if region_kind == GRID and k == PIPE:
                k = GRID
            if region and region_kind != k:
                close()
            region_kind = k
            region.append((n, line))
        elif region and region_kind == TAB and prev_kind == TAB and _CELL_LINE.match(prev_line) \
                and _is_continuation(line) and not _is_prose(prev_line):
            region.append((n, line))
            k = TAB                              # so that the next continuation still attaches
            line = "\t" + line.strip()
        else:
            close()
            s = line.strip()
            if s:
                blocks.append(Paragraph(s, Loc(line=n)))
        prev_kind, prev_line = k, line
    close()
    if not blocks:
        raise InputError("文件为空（没有可读的文字）", name)
    removed.sort(key=lambda r: r.loc.line or 0)
    return Document(blocks=blocks, reader="text", name=name, removed=removed)
