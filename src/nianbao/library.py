"""The application: one object that owns the store, the originals, the parse workers, the auditor
and the review, and offers parse, audit, ingest, review, compare and export. The CLI and the web
are thin layers over it (as sqlite-utils' `Database` is the API and its CLI a layer on top); the
store (nianbao.store) is persistence only.

    with Library("sqlite:///nianbao.db") as lib:
        lib.ingest(["2023/"], user="张三")                      # files → parse + audit → store, trail
        case = lib.case(12)                                     # review status of report 12's agency-year
        f = lib.findings(12)[0]
        lib.decide(f["id"], "确认", user="张三", expected_version=f["version"])
        lib.set_status(12, "退回整改", user="张三", deadline=date(2027, 1, 15))
        data, name, media = lib.notice(agency="沙坡头区司法局", year=2023, fmt="docx")
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import StoreError
from .ingest import ParsePool
from .model import Report
from .originals import Originals, originals_store
from .store import Store, open_store
from .store.review import Review, ReviewError


def history_rules(report: Report, previous: Report) -> list:
    """The auditor's cross-year rules (X…), handed to the store: it re-runs them when a year or the
    year before it changes, and never imports the audit itself."""
    from .audit.history import history_findings

    return history_findings(report, previous)


class Library:
    """Reports, their review and their files. `Library(url)` opens the store (SQLite file or
    PostgreSQL URL, $NIANBAO_DB, ./nianbao.db); `close()` (or `with`) when done. A store passed in
    gets the auditor's cross-year rules unless it has its own."""

    def __init__(self, url: str | None = None, *, store: Store | None = None, data_dir: str | Path | None = None,
                 originals: Originals | None = None, workers: int = 2):
        self._own_store = store is None
        self.store: Store = store if store is not None else open_store(url, history_rules=history_rules)
        if self.store.history_rules is None:
            self.store.history_rules = history_rules
        self.originals: Originals = originals if originals is not None else originals_store(self.store.url, data_dir)
        self.pool = ParsePool(workers)
        self.review = Review(self.store)

    def close(self) -> None:
        self.pool.shutdown()
        if self._own_store:
            self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ parse and audit
    def parse(self, source: bytes | str | Path, name: str = "") -> Report:
        """A file (path or bytes) → the Report model, no findings yet (in this process)."""
        from . import api

        if isinstance(source, bytes):
            return api.parse_bytes(source, name)
        return api.parse_file(source)

    def audit(self, report: Report, **kw) -> Report:
        """Every rule on `report`; the cross-year ones against the previous year's stored report
        (`data["previous"]["report_id"]` names it). Nothing is saved. `kw` goes to api.audit."""
        from . import api

        prev = self.store.previous_report(report)
        kw.setdefault("context", self.audit_context(report))
        api.audit(report, prev.report if prev else None, **kw)
        for f in report.findings:
            p = f.data.get("previous")
            if prev is not None and isinstance(p, dict):
                p["report_id"] = prev.id
        return report

    def audit_context(self, report: Report):
        """What the regional rules need that the library knows of `report`: the deadline that
        applies to its agency (registry; None when the agency is not in it — D004 keeps the statute).
        A file audited on its own is measured on its own publication date; once stored as another
        version of an agency-year, the regional pass measures D004 on the agency-year's first
        publication (oversight.regional)."""
        from .audit.context import AuditContext

        agency = self.store.find_agency(report.meta.agency) if report.meta.agency else None
        return AuditContext(deadline=self.deadline_for(agency.id if agency else None, report.meta.year))

    # ------------------------------------------------------------ registry (oversight/registry.py)
    @cached_property
    def registry(self):
        """Regions and the agencies expected to publish in each (nianbao.store.registry.Registry)."""
        from .store.registry import Registry

        return Registry(self.store, on_change=self._registry_changed)

    def _registry_changed(self, region_id: int | None, user: str | None):
        """The registry decides deadlines (D004), siblings (X005) and roll-ups (R001/R002): after it
        changes, the regional pass re-runs for the reports it touches — those of the region (all
        reports when None) and the governments above them — so stored findings are never stale."""
        from .oversight import regional

        if region_id is None:
            return regional.audit_region(self, None, None, user=user)
        return regional.run_pass(self, regional.affected(self, regional.scope(self, region_id, None)), user=user)

    def import_registry(self, source: bytes | str | Path, name: str = "", *, user: str | None = None,
                        replace: bool = False):
        """A registry file (CSV/XLSX path or bytes) → the registry; RegistryImportError names bad lines."""
        from .oversight.registry import parse_registry

        rows = parse_registry(source, name, known_region=self.registry.has_region)
        shown = name or (Path(source).name if isinstance(source, (str, Path)) else None)
        res = self.registry.import_rows(rows, user=user, replace=replace, source=shown)
        done = self._registry_changed(None, user)
        res.reaudited, res.changed = len(done.audited), len(done.changed)
        return res

    def missing(self, region: int | str, year: int, *, today: date | None = None):
        """Expected, published, late, missing per agency of a region (and its sub-regions) and year."""
        from .oversight.missing import missing

        return missing(self.registry, region, year, today=today)

    def deadline_for(self, agency_id: int | None, year: int | None):
        """The publication deadline (audit.context.Deadline) of an agency's report of `year`, or None
        when the agency is not in the registry."""
        from .oversight.deadlines import deadline_for

        return deadline_for(self.registry, agency_id, year)

    def _rematch_registry(self) -> None:
        """New agencies may be the registry's unmatched entries (a read-only store keeps the old match)."""
        try:
            self.registry.rematch()
        except StoreError:
            pass

    # ------------------------------------------------------------ ingest
    def ingest(self, paths: Iterable[str | Path], *, user: str | None = None, jobs: int | None = None,
               keep_originals: bool = False, on_outcome: Callable | None = None,
               on_total: Callable[[int], None] | None = None):
        """Files, folders and zips → the store (nianbao.ingest); each stored report is trailed as an
        upload, and a new version of an agency-year under review carries its decisions over."""
        from .ingest import ingest

        # the Library's worker pool unless another number of workers is asked for (1: in this process)
        pool = None if jobs == 1 or (jobs is not None and jobs != self.pool.workers) else self.pool
        result = ingest(paths, self.store, jobs=jobs, on_outcome=on_outcome, on_total=on_total, pool=pool,
                        keep=self.originals.save if keep_originals else None)
        stored = [(o.report_id, o.name) for o in result.outcomes if o.status == "stored" and o.report_id is not None]
        if stored and not result.store_error:
            # one transaction for the trail; only agency-years already under review sync (a new version
            # carries their decisions over), the others get their case when first opened — and they sync
            # after the regional pass, so the new version's trail entry counts what the reviewer will see
            reviewed: list[int] = []
            try:
                reviewed = self.review.record_uploads(stored, user)
            except StoreError as e:          # the reports are stored; their trail could not be written
                result.store_error = e.message
            self._rematch_registry()
            try:
                if not result.store_error:
                    try:                     # neighbours' X005 and the governments' roll-ups change too
                        self._regional([rid for rid, _ in stored], user)
                    except StoreError as e:
                        result.store_error = e.message
            finally:
                try:
                    for rid in reviewed:
                        self.review.case_for_report(rid, user)
                except StoreError as e:
                    result.store_error = result.store_error or e.message
        return result

    def add_file(self, data: bytes, name: str, *, user: str | None = None, run_id: int | None = None,
                 keep_original: bool = True) -> dict[str, Any]:
        """One file's bytes: parsed and audited in a worker process (a heavy or crashing parse never
        stalls the caller), stored, its original kept, trailed, its review case synced.
        {"report_id", "duplicate", "is_current"}; InputError when it is not a readable report."""
        known = self.store.report_id_by_sha256(hashlib.sha256(data).hexdigest())
        if known is not None:
            return {"report_id": known, "duplicate": True, "is_current": self.store.get_info(known).is_current}
        res = self.store.save_report(self.pool.parse(data, name), run_id=run_id)
        info = self.store.get_info(res.report_id)
        if keep_original and info is not None:
            self.originals.save(info.sha256, data)
        if res.status == "stored":
            self._uploaded(res.report_id, user, name)
        return {"report_id": res.report_id, "duplicate": res.status == "duplicate", "is_current": res.is_current}

    def add_report(self, report: Report, *, user: str | None = None) -> int:
        """Store an already parsed and audited report (trailed as an upload)."""
        res = self.store.save_report(report)
        if res.status == "stored":
            self._uploaded(res.report_id, user, report.source.file)
        return res.report_id

    def _uploaded(self, report_id: int, user: str | None, name: str | None) -> None:
        info = self.store.get_info(report_id)
        if info is None:
            return
        self.review.record("upload", user, report_id=report_id, agency_id=info.agency_id, year=info.year,
                           after={"report_id": report_id, "file": name, "sha256": info.sha256,
                                  "is_current": info.is_current})
        self._rematch_registry()
        try:
            self._regional([report_id], user)
        finally:        # after the regional pass: a new version's trail entry counts its final findings
            self.review.case_for_report(report_id, user)

    def _regional(self, report_ids: list[int], user: str | None):
        """The regional pass for what new reports touch (nianbao.oversight.regional.after_ingest;
        nothing without a registry: then `audit_region` runs it on demand)."""
        from .oversight import regional

        return regional.after_ingest(self, report_ids, user=user)

    def delete(self, report_id: int, *, user: str | None = None, reason: str | None = None) -> int | None:
        """Soft delete: the report leaves the listings (the store deletes it, the next version takes
        over), its model is kept in deleted_report for `restore` (in the same transaction), and the
        trail records who and why. The deletion record's id (what `restore` takes), None when there
        is no such report."""
        from .oversight import regional

        info = self.store.get_info(report_id)
        if info is None:
            return None
        touched = regional.before_delete(self, report_id)     # siblings naming it, governments summing it
        record: list[int] = []
        gone = self.store.delete_report(report_id,
                                        keep=lambda s, row: record.append(self.review.archive(s, row, user, reason)))
        if gone:
            before = {"report_id": info.id, "agency_id": info.agency_id, "year": info.year, "sha256": info.sha256,
                      "file": info.source_file, "is_current": info.is_current}
            self.review.record("delete", user, report_id=report_id, agency_id=info.agency_id, year=info.year,
                               before=before, comment=reason)
            regional.after_delete(self, touched, info.agency_id, info.year, user=user)
        return record[0] if gone else None

    def restore(self, deleted_id: int, *, user: str | None = None) -> int:
        """Put a deleted report back (as a new stored report; versions follow the usual rule). A
        record whose content is stored again already (`restored_as`) answers that report, with no
        second restore in the trail."""
        again = self.restored_as(deleted_id)
        if again is not None:
            return again
        got = self.store.deleted_report(deleted_id)
        if got is None:
            # a user often gives the report's own id: name the record that restores it
            hint = (self.deletion_of(deleted_id) or (None,))[0]
            raise ReviewError(f"已删除报告记录 {deleted_id} 不存在" + (
                f"（报告 {deleted_id} 的删除记录编号是 {hint}：nianbao review restore {hint}）" if hint else ""),
                "notfound")
        old_id, model, mtime = got
        res = self.store.save_report(Report.model_validate(model), mtime=mtime)
        info = self.store.get_info(res.report_id)
        self.review.record("restore", user, report_id=res.report_id, agency_id=info.agency_id, year=info.year,
                           before={"report_id": old_id}, after={"report_id": res.report_id})
        try:
            self._regional([res.report_id], user)
        finally:        # as an upload: the case's counts after the regional pass's findings
            self.review.case_for_report(res.report_id, user)
        return res.report_id

    def restored_as(self, deleted_id: int) -> int | None:
        """The stored report with a deletion record's content — restored already, or the same file
        uploaded again — or None."""
        sha = self.review.deleted_sha256(deleted_id)
        return self.store.report_id_by_sha256(sha) if sha else None

    def deletion_of(self, report_id: int) -> tuple[int, int | None] | None:
        """(deletion record, the stored report with the same content or None) of a deleted report
        id — restored (a restore stores it again under a new id) or the same file uploaded again;
        None when the id was never deleted. One indexed row, not the deleted reports' models."""
        got = self.review.deletion_of(report_id)
        if got is None:
            return None
        record, sha = got
        return record, (self.store.report_id_by_sha256(sha) if sha else None)

    def not_stored_message(self, report_id: int) -> str:
        """Why a report id is not in the store, for people: 「报告 N 不存在」, or 「报告 N 已删除（删除记录
        M）」 and, when its content is stored again, 「，已恢复为报告 K」."""
        got = self.deletion_of(report_id)
        if got is None:
            return f"报告 {report_id} 不存在"
        record, now = got
        return f"报告 {report_id} 已删除（删除记录 {record}）" + (f"，已恢复为报告 {now}" if now is not None else "")

    def deleted(self, limit: int = 100) -> list[dict[str, Any]]:
        """The reports deleted most recently, newest first (each `id` is what `restore` takes)."""
        return self.review.deleted(limit)

    def has_original(self, report_id: int) -> bool:
        """Whether a report's original file was kept (without reading it)."""
        info = self.store.get_info(report_id)
        return info is not None and self.originals.has(info.sha256)

    def original(self, report_id: int) -> tuple[bytes, str] | None:
        """(bytes, file name) of a report's original file, when it was kept."""
        info = self.store.get_info(report_id)
        if info is None:
            return None
        data = self.originals.load(info.sha256)
        return None if data is None else (data, info.source_file or f"report-{report_id}.bin")

    # ------------------------------------------------------------ reading (the store's queries)
    def reports(self, **filters) -> list:
        """Stored reports without their models, by region, agency, year (Store.list_reports filters;
        a region is resolved by nianbao.oversight.scope: the registry's subtree, else the store's text)."""
        return self.store.list_reports(**self._scoped(filters))

    def _scoped(self, filters: dict[str, Any]) -> dict[str, Any]:
        """`region` → the region scope's SQL condition (RegionNotFound, an InputError, when unknown)."""
        from .oversight.scope import scoped

        return scoped(self, filters)

    def report(self, report_id: int):
        """A stored report with its model and findings (StoredReport), or None."""
        return self.store.get_report(report_id)

    def report_info(self, report_id: int):
        return self.store.get_info(report_id)

    def report_version(self, report_id: int) -> tuple | None:
        """Changes whenever a report's page would (superseded, re-audited, deleted: None)."""
        return self.store.report_version(report_id)

    def report_ids(self, **filters) -> list[int]:
        return self.store.report_ids(**self._scoped(filters))

    def report_infos(self, ids: Iterable[int]) -> list:
        return self.store.report_infos(ids)

    def report_totals(self, **filters) -> dict[str, int]:
        return self.store.report_totals(**self._scoped(filters))

    def rule_counts(self, report_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        return self.store.rule_counts(report_ids)

    def data_version(self) -> tuple:
        return self.store.data_version()

    def has_file(self, sha256: str) -> bool:
        return self.store.report_id_by_sha256(sha256) is not None

    def find_agency(self, name: str | int):
        """The agency a printed name (with or without region prefixes) or an id refers to, or None."""
        return self.store.find_agency(str(name))

    def agencies(self, **kw) -> list:
        return self.store.agencies(**kw)

    def agency_history(self, agency_id: int) -> list:
        return self.store.agency_history(agency_id)

    def years(self) -> list[int]:
        return self.store.years()

    def year_counts(self) -> list[tuple[int, int]]:
        return self.store.year_counts()

    def regions(self) -> list[str]:
        return self.store.regions()

    def findings_summary(self, **kw) -> list[dict[str, Any]]:
        """Findings per rule over the matching reports (Store.findings_summary)."""
        return self.store.findings_summary(**self._scoped(kw))

    def start_run(self, paths: Iterable[str] = ()) -> int:
        return self.store.start_run(paths)

    def finish_run(self, run_id: int, **counts) -> None:
        self.store.finish_run(run_id, **counts)

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        return self.store.runs(limit)

    def stats(self) -> dict[str, Any]:
        return self.store.stats() | {"years": self.store.years()}

    # ------------------------------------------------------------ review
    def case(self, report_id: int, user: str | None = None) -> dict[str, Any]:
        return self.review.case_for_report(report_id, user)

    def findings(self, report_id: int, **filters) -> list[dict[str, Any]]:
        return self.review.findings(self.case(report_id)["id"], **filters)

    def decide(self, finding_id: int, decision: str | None, *, user: str, reason: str | None = None,
               note: str | None = None, expected_version: int | None = None) -> dict[str, Any]:
        return self.review.decide(finding_id, decision, user, reason=reason, note=note,
                                  expected_version=expected_version)

    def set_status(self, report_id: int, status: str, *, user: str, comment: str | None = None,
                   deadline: date | None = None, expected_version: int | None = None) -> dict[str, Any]:
        return self.review.set_status(report_id, status, user, comment=comment, deadline=deadline,
                                      expected_version=expected_version)

    def add_finding(self, report_id: int, message: str, *, user: str, **kw) -> dict[str, Any]:
        return self.review.add_finding(report_id, user, message, **kw)

    def assign(self, report_ids: list[int], reviewer: str | None, *, user: str) -> list[dict[str, Any]]:
        return self.review.assign(report_ids, reviewer, user)

    def trail(self, **kw) -> list[dict[str, Any]]:
        return self.review.trail(**kw)

    def region_trail(self, region: int | str, *, limit: int | None = 500) -> list[dict[str, Any]]:
        """A region's trail, oldest first: the registry's changes in it and below it (and the deadlines
        and configurations it inherits from above), and the review events of its agencies' reports."""
        from sqlalchemy import select

        from .oversight.scope import resolve
        from .store.models import Agency

        sc = resolve(self, region).require()
        events = []
        if sc.node is not None:
            chain = [r.id for r in self.registry.ancestors(sc.node.id)]
            events = self.review.registry_trail(sc.node.id, chain=chain)
        agencies = sc.agency_ids if sc.agency_ids is not None else \
            (select(Agency.id).where(sc.condition) if sc.condition is not None else select(Agency.id))
        events += self.review.trail(agencies=agencies, limit=limit)
        events.sort(key=lambda e: e["id"])
        return events if limit is None else events[:limit]

    def progress(self, **kw) -> list[dict[str, Any]]:
        """Review progress per region: the registry's regions when one is imported (scope.group_labels)."""
        from .oversight.scope import group_labels

        return self.review.progress(**self._scoped(kw), groups=group_labels(self))

    def fp_rates(self, **kw) -> list[dict[str, Any]]:
        """Per rule: decisions and false-positive rate, with the rule's family and its Chinese title (summary)."""
        from .audit.registry import FAMILIES
        from .audit.titles import rule_title

        out = []
        for row in self.review.fp_rates(**self._scoped(kw)):
            # the rule's Chinese title (audit.titles), not its English docstring summary
            out.append(row | {"family": FAMILIES.get(row["code"][:1], ""), "summary": rule_title(row["code"])})
        return out

    def cases(self, **kw) -> list[dict[str, Any]]:
        """The review list's rows; `region_name` is the agency's region as the registry names it (its
        full name, 某省某市某区) where the registry knows the agency, else the store's region string."""
        from .oversight.scope import resolve

        rows = self.review.cases(**self._scoped(kw))
        if rows:
            sc = resolve(self, None)
            for r in rows:
                r["region_name"] = sc.region_name(r["agency_id"], r["region"]) or ""
        return rows

    def count_cases(self, **kw) -> int:
        return self.review.count_cases(**self._scoped(kw))

    # ------------------------------------------------------------ regional oversight (issue 16)
    def audit_region(self, region: int | str | None = None, year: int | None = None, *, user: str | None = None):
        """Re-run the registry-dependent rules (D004, X002, X005, R001, R002) for the current reports of
        a region and year and replace those findings in the store (nianbao.oversight.regional)."""
        from .oversight import regional

        return regional.audit_region(self, region, year, user=user)

    def rollup(self, region: int | str, year: int):
        """A government's area report against the sum of its region's reports (oversight.rollup.Rollup)."""
        from .oversight import regional

        return regional.rollup_for(self, region, year)

    def copied(self, *, year: int, region: int | str | None = None) -> list[dict[str, Any]]:
        """Copied-text pairs (X005) among the current reports of a year, with their shares."""
        from .oversight import regional

        return regional.pairs(self, year, region)

    def copied_view(self, report_id: int, other_id: int) -> dict[str, Any] | None:
        """Two reports' sections 一/五 side by side, copied passages marked (X002 and X005)."""
        from .oversight import regional

        return regional.copied_view(self, report_id, other_id)

    # ------------------------------------------------------------ compare and export
    def compare(self, *, ids: list[int] | None = None, agency: str | int | None = None, region: str | None = None,
                year: int | None = None):
        from . import compare as C
        from .oversight.indicators import config_thresholds

        th = config_thresholds(self, region)          # the indicators' marks: the region's thresholds
        if ids:
            return C.compare_reports(self.store, ids, th)
        if agency is not None:
            return C.agency_years(self.store, agency, th)
        return C.region_year(self.store, region=region, year=year, thresholds=th)

    def indicators(self, *, region: int | str | None = None, year: int, agency: str | int | None = None):
        """Risk indicators of every agency of a region (registry id or name, or the store's region
        string) and year, the region's totals and distributions, marked by the region's thresholds
        (nianbao.oversight.indicators)."""
        from .oversight.indicators import region_indicators

        return region_indicators(self, region, year, agency=agency)

    def indicator_trend(self, *, region: int | str | None = None):
        """The region's indicator totals year by year (nianbao.oversight.indicators)."""
        from .oversight.indicators import region_trend

        return region_trend(self, region)

    def export(self, fmt: str = "xlsx", form: str = "wide", **selection) -> tuple[bytes, str, str]:
        from .export import export_bytes

        return export_bytes(self.store, fmt, form, **selection)

    def rectification(self, agency: str | int, fmt: str = "xlsx", year: int | None = None) -> tuple[bytes, str, str]:
        """The 整改清单 of every finding of one agency (nianbao.export)."""
        from .export import rectification_bytes

        return rectification_bytes(self.store, agency, fmt, year=year)

    def notice(self, *, agency: str | int | None = None, region: str | None = None, year: int | None = None,
               fmt: str = "docx", deadline: date | None = None, user: str | None = None,
               send: bool = False, today: date | None = None, record: bool = True) -> tuple[bytes, str, str]:
        """The 整改通知 of the confirmed findings of one agency, or of every agency of a region (a
        zip, one notice per agency: those that cannot be returned with `send` are left out, untouched).
        `send`: also return each report (退回整改, with the deadline); the notice is trailed unless
        `record=False` (a plain download changes nothing). Recorded once made (notice_plan: after)."""
        from .notice import notice_bytes

        return notice_bytes(self, agency=agency, region=region, year=year, fmt=fmt, deadline=deadline,
                            user=user, send=send, today=today, record=record)

    def notice_plan(self, *, agency: str | int | None = None, region: str | None = None, year: int | None = None,
                    fmt: str = "docx", deadline: date | None = None, user: str | None = None,
                    send: bool = False, today: date | None = None, record: bool = True):
        """`notice`, made but not recorded (nianbao.notice.NoticePlan): write its `data`, then call its
        `apply()` — the returns and the trail in one transaction; `skipped` names the agencies of a
        region left out (no confirmed finding, or with `send` a status that cannot be returned)."""
        from .notice import notice_plan

        return notice_plan(self, agency=agency, region=region, year=year, fmt=fmt, deadline=deadline,
                           user=user, send=send, today=today, record=record)

    # ------------------------------------------------------------ regional oversight: scorecard
    def scorecard(self, region: int | str, year: int, *, scheme=None, scheme_source: str | None = None,
                  direct: bool = False, today: date | None = None):
        """The ranked scorecard of a region and year under its jurisdiction's scheme (or `scheme`,
        an oversight.scorecard.Scheme), every agency's points explained (nianbao.oversight.scorecard)."""
        from .oversight.scorecard import build

        return build(self, region, year, scheme=scheme, scheme_source=scheme_source, direct=direct, today=today)
