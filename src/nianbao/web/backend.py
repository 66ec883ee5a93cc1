"""What the pages need from the store, in one small interface.

Pages and the JSON API call only `Backend`; it delegates to the store's Python
API (nianbao.store, nianbao.ingest, nianbao.compare, nianbao.export).
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from ..errors import InputError
from ..model import Report


@dataclass
class Summary:
    id: int
    agency: str
    year: int | None
    region: str | None = None
    format: str = "2021"
    file: str | None = None
    sha256: str | None = None
    counts: dict[str, int] = field(default_factory=dict)     # severity -> n
    rules: dict[str, int] = field(default_factory=dict)      # code -> n

    @property
    def errors(self) -> int:
        return self.counts.get("error", 0)

    @property
    def warnings(self) -> int:
        return self.counts.get("warning", 0)

    @property
    def infos(self) -> int:
        return self.counts.get("info", 0)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "agency": self.agency, "year": self.year, "region": self.region,
                "format": self.format, "file": self.file, "sha256": self.sha256,
                "findings": {"error": self.errors, "warning": self.warnings, "info": self.infos},
                "rules": self.rules}


def summarize(id: int, report: Report, region: str | None = None) -> Summary:
    return Summary(id=id, agency=report.meta.agency or "（未识别机关）", year=report.meta.year, region=region,
                   format=report.format, file=report.source.file, sha256=report.source.sha256,
                   counts=dict(Counter(f.severity for f in report.findings)),
                   rules=dict(Counter(f.code for f in report.findings)))


class Backend:
    """Interim backend holding reports in memory until the store lands; same interface after."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url)
        self._reports: dict[int, Report] = {}
        self._next = 1
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- reading
    def summaries(self, year: int | None = None, region: str | None = None, rule: str | None = None,
                  agency: str | None = None) -> list[Summary]:
        out = []
        for id, r in sorted(self._reports.items()):
            s = summarize(id, r)
            if year is not None and s.year != year:
                continue
            if region and s.region != region:
                continue
            if rule and rule not in s.rules:
                continue
            if agency and s.agency != agency:
                continue
            out.append(s)
        return out

    def get(self, id: int) -> tuple[Summary, Report] | None:
        r = self._reports.get(id)
        return (summarize(id, r), r) if r is not None else None

    def history(self, agency: str) -> list[tuple[Summary, Report]]:
        rows = [(s, self._reports[s.id]) for s in self.summaries(agency=agency)]
        return sorted(rows, key=lambda t: t[0].year or 0)

    def has_sha(self, sha256: str | None) -> bool:
        return any(r.source.sha256 == sha256 for r in self._reports.values())

    def years(self) -> list[int]:
        return sorted({r.meta.year for r in self._reports.values() if r.meta.year}, reverse=True)

    def regions(self) -> list[str]:
        return []

    # ---------------------------------------------------------------- writing
    def ingest(self, data: bytes, name: str) -> Summary:
        from .. import api

        report = api.parse_bytes(data, name)
        prev = next((r for r in self._reports.values()
                     if r.meta.agency == report.meta.agency and report.meta.year
                     and r.meta.year == report.meta.year - 1), None)
        api.audit(report, prev)
        with self._lock:
            for id, r in self._reports.items():
                if r.source.sha256 == report.source.sha256:
                    raise InputError("该文件已入库", name)
            id = self._next
            self._next += 1
            self._reports[id] = report
        return summarize(id, report)

    def delete(self, id: int) -> bool:
        return self._reports.pop(id, None) is not None

    # ---------------------------------------------------------------- compare and export
    def compare(self, ids: list[int]) -> dict[str, Any]:
        raise NotImplementedError

    def export_kinds(self) -> list[tuple[str, str]]:
        return []

    def export(self, kind: str, year: int | None = None, region: str | None = None) -> tuple[bytes, str, str]:
        raise NotImplementedError
