"""HTML (a report page from a government portal) → Document.

- Encoding: a BOM wins; otherwise the bytes are tried as UTF-8, then as the
  charset the page declares (<meta charset>, http-equiv Content-Type, XML
  declaration; GB2312/GBK are decoded as their superset GB18030), then GB18030,
  then Big5 (a declared single-byte charset such as ISO-8859-1, which would decode
  anything, is tried only after those). A page whose declared charset is wrong is thus decoded by what it
  really is; a page that is none of these is decoded as GB18030 with
  replacement characters.
- The article: scripts, styles, forms, navigation, asides, footers and hidden
  elements are dropped; then, from <body> down, the reader descends into the
  child holding most of the (non-link) text as long as that child keeps at least
  60% of the text, every section heading (一、… 六、), every table and the report
  title. Link-dominated lines left inside the article (share/print bars) are dropped.
- Blocks: block elements (p, div, h1–h6, li, …) and <br> end a paragraph;
  `<table>` becomes a grid with rowspan/colspan expanded: covered slots carry the
  origin's text and `covered=True`; <br> and block elements inside a cell are
  line breaks ("\\n") in the cell text; &nbsp; and other odd spaces are spaces. A
  table whose cells hold tables is page layout: it is unwrapped into blocks.
- Positions: Paragraph `Loc(line=n)` with n the HTML source line where the
  paragraph starts; cells `Loc(table=T, row=R, col=C)` (0-based grid slots).

Bounds: at most 16 MB of HTML, 2,000,000 elements, nesting 2,048 deep (libxml2's
limit: a deeper page is refused rather than read in part) and 200,000 grid slots per
table; every step is one linear pass over the tree (no recursion on depth: the
walk is iterative), so time grows with the page size only.
"""
from __future__ import annotations

import codecs
import re

from lxml import etree

from ..document import Cell, Document, Loc, Paragraph, Table
from ..errors import InputError
from . import encoding
from .detect import MAX_TEXT_CHARS, too_long
from .cleanup import clean_cell, clean_line

MAX_HTML_BYTES = 16 * 2**20
MAX_ELEMENTS = 2_000_000
MAX_TABLE_SLOTS = 200_000
KEEP_SHARE = 0.6

_GB = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "gb18030", "csgb2312", "euc-cn", "x-euc-cn",
       "936", "ms936", "windows-936"}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_SPACE = {0x0B: " ", 0x0C: " "}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

DROP_TAGS = {"script", "style", "noscript", "iframe", "object", "embed", "head", "template", "svg", "canvas",
             "form", "select", "button", "input", "textarea", "nav", "aside", "footer", "map", "audio", "video",
             "title", "meta", "link"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
              "section", "article", "main", "header", "pre", "center", "address", "figure", "figcaption", "hr",
              "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "body", "html", "font-block"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六]\s*[、.．]")
_TITLE = re.compile(r"年度报告|年报")
_COUNTED = re.compile(r"[\w\u4e00-\u9fff]")


def decode_html(data: bytes) -> encoding.Decoded:
    """The page's text, by BOM, then UTF-8, then the declared charset, then GB18030 / Big5; a page
    none of them reads cleanly is decoded by the one with the fewest bad bytes, each replaced with
    U+FFFD and recorded (as are NULs and other control characters, which lxml refuses)."""
    tries = ["utf-8"]
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else ""
    if declared in _GB:
        declared = "gb18030"
    try:
        codecs.lookup(declared)
    except LookupError:
        declared = ""
    # a single-byte charset decodes any bytes: on a Chinese page it is tried last
    single_byte = declared.startswith(("iso-8859", "iso8859", "latin", "windows-125", "cp125", "ascii", "us-ascii"))
    if declared and not single_byte:
        tries.append(declared)
    tries += ["gb18030", "big5"]
    if single_byte:
        tries.append(declared)
    return encoding.decode(data, tuple(dict.fromkeys(tries)))


def _tag(el) -> str:
    t = el.tag          # lxml's HTML parser gives lower-case names; comments/PIs have a non-str tag
    return t if isinstance(t, str) else ""


def read(data: bytes, name: str = "") -> Document:
    if len(data) > MAX_HTML_BYTES:
        raise InputError(f"网页文件过大（{len(data) // 2**20} MB，上限 {MAX_HTML_BYTES // 2**20} MB）", name)
    decoded = decode_html(data)
    # vertical tab and form feed are whitespace in a page, but lxml refuses them in a string
    text = _XML_DECL.sub("", decoded.text, count=1).translate(_XML_SPACE)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        raise InputError("网页内容为空或无法解析", name)
    if any("ERR_RESOURCE_LIMIT" in str(e.type_name) for e in parser.error_log):
        raise InputError("网页结构嵌套过深（超过 2048 层），无法完整读取", name)
    elements = list(root.iter())
    if len(elements) > MAX_ELEMENTS:
        raise InputError(f"网页结构过于庞大（{len(elements)} 个元素，上限 {MAX_ELEMENTS}）", name)
    chars = sum(len(t) for t in root.itertext())
    if chars > MAX_TEXT_CHARS:                 # before the walk, which is the costly part
        raise InputError(too_long(chars), name)
    _drop_chrome(root, elements)
    body = root.find("body")
    article = _pick_article(body if body is not None else root)
    walker = _Walker()
    walker.walk(article)
    if not walker.blocks:
        raise InputError("网页中没有找到正文内容", name)
    doc = Document(blocks=walker.blocks, reader="html", name=name)
    if decoded.count:
        doc.replaced = (decoded.count, [Loc(line=n) for n in decoded.lines])
    return doc


# ---------------------------------------------------------------- chrome and the article
def _inside(el, tags: set[str]) -> bool:
    p = el.getparent()
    while p is not None:
        if _tag(p) in tags:
            return True
        p = p.getparent()
    return False


def _drop_chrome(root, elements) -> None:
    doomed = []
    for el in elements:
        t = _tag(el)
        if not t:                       # comments / processing instructions left over
            doomed.append(el)
        elif t in DROP_TAGS or (t == "header" and not _inside(el, {"article", "main"})) \
                or el.get("hidden") is not None or _HIDDEN.search(el.get("style") or ""):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        # keep the tail text: it belongs to the parent, not to the dropped element
        if el.tail and el.tail.strip():
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _pick_article(top):
    """Descend from `top` into the child holding most non-link text while it keeps the share,
    the headings, the tables and the title (see the module docstring). Two linear passes."""
    order = list(top.iter())
    index = {el: i for i, el in enumerate(order)}
    n = len(order)
    parent = [-1] * n
    in_link = [False] * n
    for i, el in enumerate(order):          # document order: parents before children
        p = el.getparent()
        j = index.get(p, -1) if p is not None and el is not top else -1
        parent[i] = j
        in_link[i] = el.tag == "a" or (j >= 0 and in_link[j])
    text = [0] * n
    headings = [0] * n
    tables = [0] * n
    title = [0] * n
    for i in range(n - 1, -1, -1):          # children before parents
        el = order[i]
        j = parent[i]
        for piece, owner, linked in ((el.text, i, in_link[i]), (el.tail, j, in_link[j] if j >= 0 else False)):
            if owner < 0 or not piece or piece.isspace():
                continue
            if not linked:
                text[owner] += len(_COUNTED.findall(piece))
            if _SECTION_HEADING.match(piece):
                headings[owner] += 1
            if _TITLE.search(piece):
                title[owner] = 1
        if el.tag == "table":
            tables[i] += 1
        if j >= 0:
            text[j] += text[i]
            headings[j] += headings[i]
            tables[j] += tables[i]
            title[j] = max(title[j], title[i])
    cur = 0
    while True:
        kids = [index[k] for k in order[cur] if isinstance(k.tag, str)]
        if not kids:
            return order[cur]
        best = max(kids, key=text.__getitem__)
        if text[cur] and text[best] >= KEEP_SHARE * text[cur] and headings[best] >= headings[cur] \
                and tables[best] >= tables[cur] and title[best] >= title[cur]:
            cur = best
        else:
            return order[cur]


# ---------------------------------------------------------------- blocks
def _has_nested_table(table) -> bool:
    return any(True for _ in table.iterdescendants("table"))


def _rows(table) -> list:
    rows = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(k for k in child if _tag(k) == "tr")
    return rows


def _span(el, attr: str) -> int | None:
    v = (el.get(attr) or "1").strip()
    m = re.match(r"\d+", v)
    return int(m.group()) if m else 1


def _cell_text(el) -> str:
    """Text of a cell with <br> and block elements as line breaks (iterative)."""
    out: list[str] = []
    stack = [(el, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if _tag(node) in BLOCK_TAGS:
                out.append("\n")
            if node is not el and node.tail:
                out.append(node.tail)
            continue
        t = _tag(node)
        if t == "br":
            out.append("\n")
        elif t in BLOCK_TAGS:
            out.append("\n")
        if node.text and t != "br":
            out.append(node.text)
        stack.append((node, True))
        for child in reversed(node):
            stack.append((child, False))
    return clean_cell("".join(out))


class _Walker:
    def __init__(self):
        self.blocks: list = []
        self.table_no = 0
        self.buf: list[str] = []
        self.link_chars = 0
        self.line: int | None = None

    def add(self, text: str | None, el, in_link: bool) -> None:
        if not text:
            return
        if self.line is None and text.strip():
            self.line = el.sourceline
        self.buf.append(text)
        if in_link:
            self.link_chars += len(_COUNTED.findall(text))

    def flush(self) -> None:
        text = clean_line(" ".join("".join(self.buf).split("\n")))
        if text:
            counted = len(_COUNTED.findall(text))
            if not (counted and self.link_chars >= 0.5 * counted and counted < 80):
                self.blocks.append(Paragraph(text, Loc(line=self.line)))
        self.buf, self.link_chars, self.line = [], 0, None

    def walk(self, top) -> None:
        # iterative walk: (element, closing?, inside a link?)
        stack = [(top, False, False)]
        while stack:
            el, closing, in_link = stack.pop()
            t = _tag(el)
            if closing:
                if t in BLOCK_TAGS:
                    self.flush()
                if el is not top:
                    self.add(el.tail, el, in_link)
                continue
            if t == "table":
                self.flush()
                if _has_nested_table(el):
                    stack.append((el, True, in_link))
                    cells = [c for tr in _rows(el) for c in tr if _tag(c) in ("td", "th")]
                    for c in reversed(cells):
                        stack.append((c, False, in_link))
                    continue
                self.table(el)
                stack.append((el, True, in_link))
                continue
            if t == "br":
                self.flush()
            elif t in BLOCK_TAGS:
                self.flush()
            link = in_link or t == "a"
            self.add(el.text, el, link)
            stack.append((el, True, in_link))
            for child in reversed(el):
                stack.append((child, False, link))
        self.flush()

    def table(self, el) -> None:
        t = self.table_no
        trs = _rows(el)
        n = len(trs)
        grid: list[dict[int, Cell]] = [dict() for _ in range(n)]
        slots = 0
        for r, tr in enumerate(trs):
            c = 0
            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                while c in grid[r]:
                    c += 1
                cs = max(1, min(_span(td, "colspan"), 1000))
                rs = _span(td, "rowspan")
                rs = n - r if rs == 0 else max(1, min(rs, n - r))
                slots += cs * rs
                if slots > MAX_TABLE_SLOTS:
                    raise InputError(f"网页表格异常巨大（超过 {MAX_TABLE_SLOTS} 个单元格）")
                text = _cell_text(td)
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        if cc not in grid[rr]:
                            grid[rr][cc] = Cell(text, Loc(table=t, row=rr, col=cc), covered=(rr, cc) != (r, c))
                c += cs
        rows = []
        for r, slots_r in enumerate(grid):
            width = max(slots_r) + 1 if slots_r else 0
            rows.append([slots_r.get(c) or Cell("", Loc(table=t, row=r, col=c)) for c in range(width)])
        if any(rows):
            self.blocks.append(Table(rows, Loc(table=t, line=el.sourceline)))
            self.table_no += 1
