"""Pick the reader by content (magic bytes), falling back on the file name only for text flavours."""
from __future__ import annotations

import importlib

from ..document import Document
from ..errors import InputError

MAX_BYTES = 64 * 1024 * 1024     # no annual report is larger; refuse before reading into memory

# format -> module under nianbao.readers exposing `read(data: bytes, name: str) -> Document`
READERS = {"text": "text", "markdown": "text", "docx": "docx", "doc": "doc", "html": "html", "pdf": "pdf"}


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
    doc = module.read(data, name)
    if fmt == "markdown":
        doc.reader = "markdown"
    return doc
