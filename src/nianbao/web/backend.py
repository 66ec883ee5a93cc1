"""What the pages need from the store, in one small interface over the store's Python API
(nianbao.store.Store, nianbao.ingest, nianbao.compare, nianbao.export).

Pages and the JSON API call only `Backend`, so they hold no queries of their own.
"""
from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ..errors import InputError
from ..model import Report
from ..store import ReportInfo, Store, open_store
from ..store.models import Finding as FindingRow
from ..store.models import Report as ReportRow


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
PARSE_WORKERS = 2


def _parse_pool() -> ProcessPoolExecutor:
    """One pool per server process, started on the first upload (forkserver, as ingest does: the
    server holds threads and database connections that must not be forked)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["nianbao.api", "nianbao.extract", "nianbao.audit.registry"])
            _POOL = ProcessPoolExecutor(max_workers=PARSE_WORKERS, mp_context=ctx)
        return _POOL


def shutdown_pool() -> None:
    """Stop the parse workers (server shutdown). Explicitly: idle workers left behind would keep
    the forkserver, and whatever pipes the server inherited, alive after the server is gone."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pool)


def parse_in_worker(data: bytes, name: str) -> Report:
    from ..ingest import parse_and_audit

    global _POOL
    try:
        return _parse_pool().submit(parse_and_audit, data, name).result()
    except InputError as e:             # crossed the process boundary without its file name
        raise InputError(e.message, name) from None
    except BrokenProcessPool:
        with _POOL_LOCK:
            _POOL = None                # a worker died (out of memory, a crashing library): start afresh
        raise InputError("解析进程异常退出，文件可能已损坏", name) from None


@dataclass
class Summary:
    id: int
    agency: str
    year: int | None
    agency_id: int | None = None
    region: str | None = None
    format: str = "2021"
    file: str | None = None
    sha256: str | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    rules: dict[str, int] = field(default_factory=dict)      # code -> n
    is_current: bool = True
    duplicate: bool = False       # set by ingest when the same file was stored before

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "agency": self.agency, "agency_id": self.agency_id, "year": self.year,
                "region": self.region, "format": self.format, "file": self.file, "sha256": self.sha256,
                "is_current": self.is_current,
                "findings": {"error": self.errors, "warning": self.warnings, "info": self.infos},
                "rules": self.rules}


def _summary(info: ReportInfo, rules: dict[str, int] | None = None) -> Summary:
    return Summary(id=info.id, agency=info.agency_name or info.agency or "（未识别机关）", year=info.year,
                   agency_id=info.agency_id, region=info.region or None, format=info.format,
                   file=info.source_file, sha256=info.sha256, errors=info.errors, warnings=info.warnings,
                   infos=info.infos, rules=rules or {}, is_current=info.is_current)


class Backend:
    def __init__(self, url: str | None):
        self.store: Store = open_store(url)
        self.engine = self.store.engine
        self.url = self.store.url

    def close(self) -> None:
        self.store.close()

    # ---------------------------------------------------------------- reading
    def _rules(self, ids: list[int]) -> dict[int, dict[str, int]]:
        out: dict[int, Counter] = {i: Counter() for i in ids}
        if ids:
            for f in self.store.findings(report_ids=ids):
                out[f["report_id"]][f["code"]] += 1
        return {i: dict(sorted(c.items())) for i, c in out.items()}

    def summaries(self, year: int | None = None, region: str | None = None, rule: str | None = None,
                  agency: str | int | None = None, search: str | None = None, limit: int | None = None,
                  offset: int = 0) -> list[Summary]:
        infos = self.store.list_reports(year=year, region=region or None, code=rule or None,
                                        agency=agency, search=search or None, limit=limit, offset=offset)
        rules = self._rules([i.id for i in infos])
        return [_summary(i, rules[i.id]) for i in infos]

    def get(self, id: int) -> tuple[Summary, Report] | None:
        got = self.store.get_report(id)
        if got is None:
            return None
        return _summary(got, dict(sorted(Counter(f.code for f in got.report.findings).items()))), got.report

    def agency(self, agency_id: int) -> dict[str, Any] | None:
        a = next(iter(self.store.agencies(name=str(agency_id))), None)
        return None if a is None else {"id": a.id, "name": a.name, "region": a.region, "names": a.names}

    def history(self, agency_id: int) -> list[tuple[Summary, Report]]:
        """The current report of each year of one agency, oldest first."""
        out = []
        for info in self.store.agency_history(agency_id):
            if info.is_current:
                got = self.get(info.id)
                if got:
                    out.append(got)
        return sorted(out, key=lambda t: t[0].year or 0)

    def years(self) -> list[int]:
        return sorted(self.store.years(), reverse=True)

    def regions(self) -> list[str]:
        return sorted({a.region for a in self.store.agencies() if a.region})

    def version(self, id: int) -> tuple | None:
        """A cheap fingerprint of a stored report that changes whenever its page would: superseded,
        re-audited (its findings replaced) or deleted (None). One indexed query on the store's tables."""
        r, f = ReportRow.__table__, FindingRow.__table__
        mine = f.c.report_id == r.c.id
        q = select(r.c.is_current, r.c.superseded_by, r.c.errors, r.c.warnings, r.c.infos,
                   select(func.count()).where(mine).scalar_subquery(),
                   select(func.max(f.c.id)).where(mine).scalar_subquery()).where(r.c.id == id)
        with self.engine.connect() as conn:          # Core, no ORM session: this runs on every page view
            row = conn.execute(q).first()
        return tuple(row) if row else None

    def has_sha(self, sha256: str | None) -> bool:
        return bool(sha256) and self.store.report_id_by_sha256(sha256) is not None

    def rule_counts(self, year: int | None = None, region: str | None = None,
                    rule: str | None = None) -> list[dict[str, Any]]:
        return self.store.findings_summary(year=year, region=region or None, rule=rule or None)

    # ---------------------------------------------------------------- writing
    def ingest(self, data: bytes, name: str, run_id: int | None = None) -> Summary:
        """Parse, audit and store one file's bytes: the ingest's per-file work (ingest.parse_and_audit,
        in a worker process so a heavy or crashing parse never stalls the pages) and the store's save
        (cross-year rules included). InputError when it is not a readable report."""
        known = self.store.report_id_by_sha256(hashlib.sha256(data).hexdigest())
        if known is not None:              # the same bytes again: nothing to parse
            s = self.get(known)[0]
            s.duplicate = True
            return s
        res = self.store.save_report(parse_in_worker(data, name), run_id=run_id)
        s = self.get(res.report_id)[0]
        s.duplicate = res.status == "duplicate"
        return s

    def start_run(self, names: list[str]) -> int:
        return self.store.start_run(names)

    def finish_run(self, run_id: int, outcomes: list[dict[str, Any]]) -> None:
        """Record a web upload like a command-line ingest run (nianbao runs lists both)."""
        n = lambda st: sum(1 for o in outcomes if o["state"] == st)  # noqa: E731
        self.store.finish_run(run_id, files=len(outcomes), stored=n("done"), duplicates=n("duplicate"),
                              failed=n("error"),
                              errors=[{"file": o["name"], "message": o["message"]} for o in outcomes
                                      if o["state"] == "error"])

    def add_report(self, report: Report) -> Summary:
        """Store an already parsed (and audited) report."""
        res = self.store.save_report(report)
        return self.get(res.report_id)[0]

    def delete(self, id: int) -> bool:
        return self.store.delete_report(id)

    # ---------------------------------------------------------------- compare and export
    def compare(self, ids: list[int] | None = None, agency_id: int | None = None, region: str | None = None,
                year: int | None = None) -> dict[str, Any]:
        """Key indicators side by side (nianbao.compare): given reports, one agency over the years,
        or every agency of a region and year."""
        from .. import compare as C

        if ids:
            rows = C.compare_reports(self.store, ids)
        elif agency_id is not None:
            rows = C.agency_years(self.store, agency_id)
        else:
            rows = C.region_year(self.store, region=region or None, year=year)
        return {"indicators": dict(C.INDICATORS), "shares": sorted(C.SHARES), "rows": [r.to_dict() for r in rows]}

    EXPORTS = [("xlsx", "Excel（报告、各表、审核问题）", "xlsx", "wide"),
               ("csv-wide", "CSV 宽表（每份报告一行）", "csv", "wide"),
               ("csv-long", "CSV 长表（每个单元格一行）", "csv", "long"),
               ("json", "JSON", "json", "wide")]

    def export_kinds(self) -> list[tuple[str, str]]:
        return [(k, label) for k, label, _, _ in self.EXPORTS]

    def export(self, kind: str, year: int | None = None, region: str | None = None,
               agency: int | None = None) -> tuple[bytes, str, str]:
        """(bytes, file name, media type) of the selected reports (nianbao.export)."""
        from ..export import export_bytes

        fmt, form = next((f, fo) for k, _, f, fo in self.EXPORTS if k == kind)
        return export_bytes(self.store, fmt, form, agency=agency, region=region or None, year=year)

    def rectification(self, agency_id: int, fmt: str = "xlsx", year: int | None = None) -> tuple[bytes, str, str]:
        """The 整改清单 of one agency (nianbao.export)."""
        from ..export import rectification_bytes

        return rectification_bytes(self.store, agency_id, fmt, year=year)
