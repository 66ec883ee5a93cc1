"""Legacy Word .doc (OLE2) → Document, by converting to .docx with LibreOffice.

LibreOffice is optional: when `soffice` (or `libreoffice`) is on PATH the file is
converted headless in a private temporary profile (so parallel conversions do
not collide), with a 120 s timeout, and read by the DOCX reader; otherwise the
user is told to install it. Encrypted .doc files and other OLE documents
(.xls, .ppt) fail the conversion and get a clear message.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import InputError
from . import docx

TIMEOUT = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(data: bytes, name: str = "") -> Document:
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise InputError("Word 文档已加密（需要密码才能打开），请提供未加密的文件", name)
    exe = soffice()
    if exe is None:
        raise InputError("需要安装 LibreOffice 才能读取 .doc 文件（或请另存为 .docx / PDF 后再提交）", name)
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        src = Path(tmp) / "report.doc"
        src.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                            "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f".doc 转换超时（超过 {TIMEOUT} 秒）", name) from None
        out = Path(tmp) / "report.docx"
        if not out.exists() or out.stat().st_size == 0:
            raise InputError("无法转换 .doc 文件（文件可能已加密、已损坏，或不是 Word 文档）", name)
        doc = docx.read(out.read_bytes(), name)
    doc.reader = "doc"
    return doc
