"""Checking uploaded files before anything parses them: size, type by content, zip archives.

Every refusal is an InputError with a Chinese message naming the file, shown
per file on the upload page and returned as a 4xx by the API.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import InputError
from ..readers import sniff

DEFAULT_MAX_MB = 50
MAX_ZIP_ENTRIES = 500
SUPPORTED = "支持 PDF、DOCX、DOC、HTML、TXT、Markdown 文件及其 ZIP 压缩包"


class Refused(InputError):
    """An upload refused before parsing; `status` is the HTTP status the API answers with."""

    def __init__(self, message: str, file: str | None = None, status: int = 422):
        super().__init__(message, file)
        self.status = status


@dataclass
class Upload:
    name: str
    data: bytes


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Refused(f"文件过大（{_mb(size)}，上限 {max_bytes // 2**20} MB）", name, 413)


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as e:
            if e.start >= len(head) - 4:     # a character cut at the sample's end
                text = head[:e.start].decode(enc, errors="ignore")
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return controls <= len(text) // 100
    return False


def is_zip_archive(data: bytes) -> bool:
    """A zip that is not itself an Office document (a .docx is a zip too)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" not in names and "word/document.xml" not in names


def check_type(name: str, data: bytes) -> str:
    """The reader format for a file, or InputError when it is not a report file nianbao reads."""
    if not data or not data.strip():
        raise Refused("文件为空", name, 422)
    fmt = sniff(data, name)
    if fmt in ("text", "markdown") and not _looks_like_text(data):
        raise Refused(f"不支持的文件类型（内容不是文本、PDF 或 Word 文档；{SUPPORTED}）", name, 415)
    return fmt


def _zip_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:         # no UTF-8 flag: Chinese Windows zips use GBK
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def expand(name: str, data: bytes, max_bytes: int) -> tuple[list[Upload], list[InputError]]:
    """The files an upload holds: itself, or the entries of a zip (each checked on its own)."""
    check_size(name, len(data), max_bytes)
    if not is_zip_archive(data):
        check_type(name, data)
        return [Upload(name, data)], []
    files: list[Upload] = []
    errors: list[InputError] = []
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("ZIP 压缩包已损坏", name, 422) from None
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_ENTRIES:
            raise Refused(f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ZIP_ENTRIES}）", name, 413)
        for info in infos:
            inner = _zip_name(info)
            base = PurePosixPath(inner).name
            if not base or base.startswith(".") or inner.startswith("__MACOSX/"):
                continue
            label = f"{name}/{inner}"
            try:
                check_size(label, info.file_size, max_bytes)     # declared size: refuse before inflating
                with z.open(info) as f:
                    content = f.read(max_bytes + 1)
                check_size(label, len(content), max_bytes)
                if is_zip_archive(content):
                    raise Refused("压缩包内嵌套的压缩包不予处理", label, 415)
                check_type(label, content)
                files.append(Upload(label, content))
            except InputError as e:
                errors.append(e)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:   # encrypted or damaged entry
                errors.append(Refused(f"无法解压（{e}）", label, 422))
    if not files and not errors:
        raise Refused("压缩包内没有文件", name, 422)
    return files, errors
