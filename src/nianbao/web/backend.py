"""What the pages need, in one small interface over the application façade (nianbao.library.Library:
store, originals, parse workers, review, compare, export).

Pages and the JSON API call `Backend` (or its `library`), so they hold no queries of their own;
Backend itself asks the Library, never the store's tables.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..library import Library
from ..model import Report
from ..store import ReportInfo, Store

if TYPE_CHECKING:
    from ..oversight.scope import RegionScope


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


def _summary(info: ReportInfo, rules: dict[str, int] | None = None, scope: RegionScope | None = None) -> Summary:
    """`scope`: the registry's (oversight.scope.resolve(lib, None)) to name the region as the registry
    does (full name) where it matched the agency; else, or without it, the store's region string."""
    region = scope.region_name(info.agency_id, info.region) if scope is not None else info.region or None
    return Summary(id=info.id, agency=info.agency_name or info.agency or "（未识别机关）", year=info.year,
                   agency_id=info.agency_id, region=region, format=info.format,
                   file=info.source_file, sha256=info.sha256, errors=info.errors, warnings=info.warnings,
                   infos=info.infos, rules=rules or {}, is_current=info.is_current)


class Backend:
    def __init__(self, library: Library | str | None = None, *, workers: int = 2):
        """Over `library` (the web app's, with its originals), or a Library opened on a URL."""
        self._own = not isinstance(library, Library)
        self.library: Library = library if isinstance(library, Library) else Library(library, workers=workers)
        self.engine = self.library.store.engine  # the web's own tables (accounts) live in the same database
        self.url = self.library.store.url
        self.workers = self.library.pool.workers
        self._ids: OrderedDict[tuple, tuple[tuple, list[int]]] = OrderedDict()    # Backend.page
        self._ids_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The Library's store (for routes that read it; Backend's own methods go through the Library)."""
        return self.library.store

    def close(self) -> None:
        self.library.close()

    # ---------------------------------------------------------------- reading
    def _registry(self) -> RegionScope:
        """The registry's scope, for the regions of the agencies it matched (oversight.scope, cached
        per registry change: one lookup per page, not per row)."""
        from ..oversight.scope import resolve

        return resolve(self.library, None)

    def _rules(self, ids: list[int]) -> dict[int, dict[str, int]]:
        return self.library.rule_counts(ids) if ids else {}      # GROUP BY report, rule: no finding rows

    def page(self, *, limit: int, offset: int = 0, year: int | None = None, region: str | None = None,
             rule: str | None = None, agency: str | int | None = None,
             search: str | None = None, registry_regions: bool = False) -> tuple[list[Summary], int]:
        """One page of `summaries` and how many there are in all. The selection's ordered ids are
        read once (from indexes) and kept while the store holds the same reports (data_version), so
        page 40 costs what page 1 does: the 50 rows by id, not a sort of every report.
        `registry_regions`: regions as the registry names them (the API's rows; the pages' lists
        show no region and skip the lookup)."""
        key = (year, region or None, rule or None, agency, search or None)
        version = self.data_version()
        if region:                  # a region's reports follow the registry too (oversight.scope)
            from ..oversight.scope import registry_fingerprint

            version = (version, registry_fingerprint(self.library.store))
        with self._ids_lock:
            hit = self._ids.get(key)
        if hit is None or hit[0] != version:
            ids = self.library.report_ids(year=year, region=region or None, code=rule or None, agency=agency,
                                        search=search or None)
            hit = (version, ids)
            with self._ids_lock:
                self._ids[key] = hit
                self._ids.move_to_end(key)
                while len(self._ids) > 32:
                    self._ids.popitem(last=False)
        ids = hit[1][offset:offset + limit]
        infos = self.library.report_infos(ids)
        rules = self._rules([i.id for i in infos])
        scope = self._registry() if registry_regions else None
        return [_summary(i, rules[i.id], scope) for i in infos], len(hit[1])

    def summaries(self, year: int | None = None, region: str | None = None, rule: str | None = None,
                  agency: str | int | None = None, search: str | None = None, limit: int | None = None,
                  offset: int = 0) -> list[Summary]:
        infos = self.library.reports(year=year, region=region or None, code=rule or None,
                                        agency=agency, search=search or None, limit=limit, offset=offset)
        rules = self._rules([i.id for i in infos])
        scope = self._registry()
        return [_summary(i, rules[i.id], scope) for i in infos]

    def count(self, year: int | None = None, region: str | None = None, rule: str | None = None,
              agency: str | int | None = None, search: str | None = None) -> dict[str, int]:
        """What `summaries` selects, counted and summed in SQL: reports, errors, warnings, infos."""
        return self.library.report_totals(year=year, region=region or None, code=rule or None, agency=agency,
                                        search=search or None)

    def data_version(self) -> tuple:
        """Changes whenever a report is stored, superseded, deleted or re-audited (Store.data_version)."""
        return self.library.data_version()

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, current reports), newest first."""
        return self.library.year_counts()

    def get(self, id: int) -> tuple[Summary, Report] | None:
        got = self.library.report(id)
        if got is None:
            return None
        return (_summary(got, dict(sorted(Counter(f.code for f in got.report.findings).items())), self._registry()),
                got.report)

    def agency(self, agency_id: int) -> dict[str, Any] | None:
        a = next(iter(self.library.agencies(name=str(agency_id))), None)
        return None if a is None else {"id": a.id, "name": a.name, "region": a.region, "names": a.names}

    def history(self, agency_id: int) -> list[tuple[Summary, Report]]:
        """The current report of each year of one agency, oldest first."""
        out = []
        for info in self.library.agency_history(agency_id):
            if info.is_current:
                got = self.get(info.id)
                if got:
                    out.append(got)
        return sorted(out, key=lambda t: t[0].year or 0)

    def years(self) -> list[int]:
        return sorted(self.library.years(), reverse=True)

    def regions(self) -> list[str]:
        return self.library.regions()

    def version(self, id: int) -> tuple | None:
        """A cheap fingerprint of a stored report that changes whenever its page would: superseded,
        re-audited (its findings replaced) or deleted (None) — Store.report_version, one indexed query."""
        return self.library.report_version(id)

    def has_sha(self, sha256: str | None) -> bool:
        return bool(sha256) and self.library.has_file(sha256)

    def rule_counts(self, year: int | None = None, region: str | None = None,
                    rule: str | None = None) -> list[dict[str, Any]]:
        return self.library.findings_summary(year=year, region=region or None, rule=rule or None)

    # ---------------------------------------------------------------- writing
    def ingest(self, data: bytes, name: str, run_id: int | None = None, user: str | None = None) -> Summary:
        """Parse, audit and store one file's bytes (Library.add_file: in a worker process, so a heavy
        or crashing parse never stalls the pages; trailed as `user`'s upload). InputError when it is
        not a readable report. The caller keeps the original."""
        got = self.library.add_file(data, name, user=user, run_id=run_id, keep_original=False)
        s = self.get(got["report_id"])[0]
        s.duplicate = got["duplicate"]
        return s

    def start_run(self, names: list[str]) -> int:
        return self.library.start_run(names)

    def finish_run(self, run_id: int, outcomes: list[dict[str, Any]]) -> None:
        """Record a web upload like a command-line ingest run (nianbao runs lists both)."""
        outcomes = [o for o in outcomes if o["state"] != "skipped"]   # an archive's non-report files: no input
        n = lambda st: sum(1 for o in outcomes if o["state"] == st)  # noqa: E731
        self.library.finish_run(run_id, files=len(outcomes), stored=n("done"), duplicates=n("duplicate"),
                              failed=n("error"),
                              errors=[{"file": o["name"], "message": o["message"]} for o in outcomes
                                      if o["state"] == "error"])

    def add_report(self, report: Report, user: str | None = None) -> Summary:
        """Store an already parsed (and audited) report."""
        return self.get(self.library.add_report(report, user=user))[0]

    def delete(self, id: int, user: str | None = None, reason: str | None = None) -> int | None:
        """Soft delete (Library.delete): kept for restoring, trailed; its original stays. The
        deletion record's id, None when there is no such report."""
        return self.library.delete(id, user=user, reason=reason)

    # ---------------------------------------------------------------- compare and export
    def compare(self, ids: list[int] | None = None, agency_id: int | None = None, region: str | None = None,
                year: int | None = None) -> dict[str, Any]:
        """Key indicators side by side (nianbao.compare): given reports, one agency over the years,
        or every agency of a region and year."""
        from .. import compare as C

        rows = self.library.compare(ids=ids or None, agency=agency_id, region=region or None, year=year)
        return {"indicators": dict(C.INDICATORS), "shares": sorted(C.SHARES), "findings_note": C.FINDINGS_NOTE,
                "rows": [r.to_dict() for r in rows]}

    EXPORTS = [("xlsx", "Excel（报告、各表、审核问题）", "xlsx", "wide"),
               ("csv-wide", "CSV 宽表（每份报告一行）", "csv", "wide"),
               ("csv-long", "CSV 长表（每个单元格一行）", "csv", "long"),
               ("json", "JSON", "json", "wide"),
               ("csv-findings", "CSV 审核问题（每个问题一行，含审核决定）", "csv", "findings")]

    def export_kinds(self) -> list[tuple[str, str]]:
        return [(k, label) for k, label, _, _ in self.EXPORTS]

    def export(self, kind: str, year: int | None = None, region: str | None = None,
               agency: int | None = None) -> tuple[bytes, str, str]:
        """(bytes, file name, media type) of the selected reports (nianbao.export)."""
        fmt, form = next((f, fo) for k, _, f, fo in self.EXPORTS if k == kind)
        return self.library.export(fmt, form, agency=agency, region=region or None, year=year)

    def rectification(self, agency_id: int, fmt: str = "xlsx", year: int | None = None) -> tuple[bytes, str, str]:
        """The 整改清单 of one agency (nianbao.export)."""
        return self.library.rectification(agency_id, fmt, year=year)
