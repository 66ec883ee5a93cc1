"""The Python API the CLI and the web call: read → extract → audit, one function a step."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, os_error_message
from .model import Extraction, Position, Report
from .readers import MAX_BYTES, read

if TYPE_CHECKING:
    from .audit.context import AuditContext


def read_path(path: str | Path) -> bytes:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError(f"文件过大（上限 {MAX_BYTES // 2**20} MB）", str(path))
        return p.read_bytes()
    except OSError as e:
        raise InputError(os_error_message(e), str(path)) from None


def parse_bytes(data: bytes, name: str = "") -> Report:
    """Parse one report file's bytes into the canonical model (no findings yet). A file that cannot
    be read raises InputError, whatever the library underneath raised."""
    from .extract import extract

    try:
        doc = read(data, name)
    except InputError:
        raise
    except MemoryError:
        raise InputError("文件内容异常庞大，读取时内存不足", name) from None
    except Exception as e:  # noqa: BLE001 — a reader library's own error (PdfiumError, lxml, zipfile …)
        raise InputError(f"文件已损坏，无法读取（{type(e).__name__}）", name) from None
    report = extract(doc)
    if doc.reader == "html":     # a saved web page: its header and CMS metadata are data too
        from .fetch.pages import fill_from_html
        try:
            fill_from_html(report, data)
        except Exception as e:  # noqa: BLE001 — a damaged page (NULs, bad bytes): the report stands without it
            report.extraction.notes.append(f"网页的页眉和元数据无法读取（{type(e).__name__}），未用于补全机关和日期")
    if doc.replaced is not None:
        count, locs = doc.replaced
        report.extraction.replaced_chars = Extraction.ReplacedChars(
            count=count, positions=[Position(**loc.as_dict()) for loc in locs])
    report.source.file = Path(name).name if name else None
    report.source.sha256 = hashlib.sha256(data).hexdigest()
    return report


def parse_file(path: str | Path) -> Report:
    return parse_bytes(read_path(path), str(path))


def audit(report: Report, previous: Report | None = None, context: AuditContext | None = None) -> Report:
    """Fill `report.findings` by running every rule of the catalog (and the cross-year ones when
    the previous year's report is given; the regional ones when `context` holds what they need —
    the deadline that applies to the agency, sibling reports, the roll-up: audit/context.py)."""
    from .audit import run_rules

    report.findings = run_rules(report, previous, context)
    return report
