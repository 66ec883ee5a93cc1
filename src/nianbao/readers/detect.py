"""Pick the reader by content (magic bytes), falling back on the file name only for text flavours."""
from __future__ import annotations

import importlib

from ..document import Document, Loc, Paragraph
from ..errors import InputError
from . import encoding

MAX_BYTES = 64 * 1024 * 1024     # no annual report is larger; refuse before reading into memory
# Text of one document (characters in its paragraphs and cells): a long report holds ~100,000; at
# the cap the extractor still finishes in seconds on any content. A 60 MB text without a line
# break, a page of one gigantic cell are refused here instead of costing minutes and gigabytes.
MAX_TEXT_CHARS = 1_000_000

# format -> module under nianbao.readers exposing `read(data: bytes, name: str) -> Document`
READERS = {"text": "text", "markdown": "text", "docx": "docx", "doc": "doc", "html": "html", "pdf": "pdf"}


# a reader's format as people read it (report page, lists): "text" is no word for a reviewer
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word（.docx）", "doc": "Word（.doc）", "html": "网页",
                "markdown": "Markdown 文本", "text": "文本"}


def format_name(fmt: str | None) -> str:
    """The Chinese name of a reader's format ("text" → 文本, "docx" → Word（.docx）); "" for none."""
    if not fmt:
        return ""
    return FORMAT_NAMES.get(fmt, fmt)


def sniff(data: bytes, name: str = "") -> str:
    """The format of `data`: "pdf", "docx", "doc", "html", "markdown" or "text"."""
    head = data[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"            # the docx reader says so if the zip is not a Word document
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low[:1024] \
            or (low.startswith(b"<") and (b"<table" in low or b"<body" in low or b"<div" in low or b"<p" in low)):
        return "html"
    if name.lower().endswith((".md", ".markdown")):
        return "markdown"
    return "text"


def read(data: bytes, name: str = "") -> Document:
    """Read a report file's bytes into a Document with the reader its content calls for."""
    if not data or not data.strip():
        raise InputError("文件为空", name)
    if len(data) > MAX_BYTES:
        raise InputError(f"文件过大（{len(data) // 2**20} MB，上限 {MAX_BYTES // 2**20} MB）", name)
    fmt = sniff(data, name)
    try:
        module = importlib.import_module(f".{READERS[fmt]}", __package__)
    except ModuleNotFoundError:
        raise InputError(f"暂不支持读取 {fmt} 格式", name) from None
    replaced = None
    if fmt in ("text", "markdown"):
        if len(data) > 4 * MAX_TEXT_CHARS:        # more characters than the cap in any encoding
            raise InputError(too_long(len(data) // 3), name)
        data, replaced = _damaged_text(data, name)
    doc = module.read(data, name)
    chars = sum(len(b.text) if isinstance(b, Paragraph) else sum(len(c.text) for row in b.rows for c in row)
                for b in doc.blocks)
    if chars > MAX_TEXT_CHARS:
        raise InputError(too_long(chars), name)
    if replaced is not None:
        doc.replaced = replaced
    if fmt == "markdown":
        doc.reader = "markdown"
    return doc


def too_long(chars: int) -> str:
    return (f"文本内容过长（约 {chars // 10000} 万字，上限 {MAX_TEXT_CHARS // 10000} 万字）："
            "远超一份年度报告的篇幅，未读取")


def _damaged_text(data: bytes, name: str) -> tuple[str, tuple[int, list[Loc]] | None]:
    """A text file decoded once for the text reader: a file with a few bytes that do not decode
    (a flipped byte, a NUL, a cut last character) with U+FFFD in their place, and where they were;
    a file that is not text refused."""
    d = encoding.decode(data)
    if not d.is_text:
        raise InputError(_not_text(data, name), name)
    if len(d.text) > MAX_TEXT_CHARS:
        raise InputError(too_long(len(d.text)), name)
    if not d.text.strip():
        raise InputError("文件为空", name)
    return d.text, ((d.count, [Loc(line=n) for n in d.lines]) if d.count else None)


_MAGIC = ((b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"), (b"\x1f\x8b", "gzip 压缩文件"),
          (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"), (b"MZ", "可执行程序"), (b"\x7fELF", "可执行程序"))


_NAMED = {".pdf": "PDF", ".docx": "Word（.docx）", ".doc": "Word（.doc）", ".wps": "WPS", ".html": "网页",
          ".htm": "网页", ".xlsx": "Excel", ".xls": "Excel"}


def _not_text(data: bytes, name: str) -> str:
    """Why binary bytes the text reader was offered are no report: what the name promised, or what they are."""
    what = next((w for magic, w in _MAGIC if data.startswith(magic)), None)
    promised = next((kind for ext, kind in _NAMED.items() if name.lower().endswith(ext)), None)
    if promised:
        inside = f"内容是{what}" if what else "文件内容不是该格式，可能已损坏或扩展名有误"
        return f"不是有效的{promised}文件（{inside}）"
    if what:
        return f"不是文本文件（是{what}），不是年度报告"
    return "不是文本文件（含有大量无法识别的字符或二进制内容）"
