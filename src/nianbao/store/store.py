"""The store's Python API: save, load, list and summarise reports (the CLI and the web call it).

    store = open_store("sqlite:///nianbao.db")          # or postgresql+psycopg://…, $NIANBAO_DB
    result = store.save_report(report)                  # SaveResult(report_id, status, …)
    store.get_report(result.report_id).report           # the Report back, findings included
    store.list_reports(region="中卫市", year=2023)
    store.agency_history(agency_id)                     # every year and version of one agency
    store.findings_summary(year=2023)

Versions: per agency and year one report is current; the others stay, `superseded_by` the current
one. Which one is current is a rule, not the order files finish in (`newer_version`): between
ingested files, the later stated publication date (one stating a date beats one stating none),
then the later file modification time, then the larger SHA-256. A report saved without a file
time (the API, built in memory) replaces the current one unless that one states a later
publication date. Deleting the current version promotes the newest remaining one by the same rule.

Cross-year findings: the store is persistence only and never runs an audit by itself. The
application (nianbao.library.Library) hands it the cross-year rules (`history_rules`); with them,
saving re-runs those rules (X…) against the previous year's current report and re-audits the
following year's current report against the new one (deleting re-audits likewise). Without them
a report's findings are stored as given.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..agency import clean_name, regions_agree, split_agency
from ..errors import StoreError
from ..lifeline import alive
from ..model import Finding as FindingModel
from ..model import Report
from . import db
from .cells import report_cells
from .models import Agency, Cell, Finding, IngestRun
from .models import Report as ReportRow

HISTORY_PREFIX = "X"
# X codes that compare other agencies' reports of the same year, not the previous year's: the
# regional pass (nianbao.oversight.regional) replaces them, a cross-year re-audit keeps them
REGIONAL_X = ("X005",)


def _history(code: str) -> bool:
    return code.startswith(HISTORY_PREFIX) and code not in REGIONAL_X
# the cross-year rules: (report, the previous year's report) → their findings (Library hands them in)
HistoryRules = Callable[[Report, Report], list[FindingModel]]


def _now() -> datetime:
    return datetime.now(UTC)


def newer_version(new: tuple[str | None, float | None, str], current: tuple[str | None, float | None, str]) -> bool:
    """Whether a version (published, file mtime, sha256) replaces the current one of its agency and year.

    The rule, the same whatever order the files arrive in: between two ingested files (both with a
    modification time) the later stated publication date wins (a version stating a date beats one
    stating none); on the same date the later file modification time; on the same time the larger
    SHA-256. A report saved without a file time (built in memory, the API) replaces the current
    one unless the current one states a later publication date.
    """
    (pub, mtime, sha), (cur_pub, cur_mtime, cur_sha) = new, current
    if mtime is not None and cur_mtime is not None:
        return (pub or "", mtime, sha) > (cur_pub or "", cur_mtime, cur_sha)
    return not (cur_pub and pub and cur_pub > pub)


RUN_INTERRUPTED = "入库中断：处理它的进程已停止，未处理的文件未入库"


def _closed_interrupted(run: IngestRun) -> bool:
    return any(isinstance(e, dict) and e.get("interrupted") for e in run.errors or ())


def _run_status(run: IngestRun) -> str:
    """"finished", "running", "interrupted" (its process is gone: killed, crashed, the machine
    restarted; or closed afterwards by close_interrupted_run) or "unknown" (another machine's run, or
    a run recorded before runs named their process)."""
    if run.finished_at is not None:
        return "interrupted" if _closed_interrupted(run) else "finished"
    if run.pid is None or run.host != socket.gethostname()[:255]:
        return "unknown"
    return "running" if alive(run.pid) else "interrupted"


def report_sha256(report: Report) -> str:
    """The source file's hash; for a report built in memory, the hash of its JSON (without findings)."""
    if report.source.sha256:
        return report.source.sha256
    d = report.to_dict()
    d.pop("findings", None)
    return hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass
class ReportInfo:
    """One stored report without its model: what lists and tables show."""
    id: int
    agency_id: int | None
    agency: str | None          # normalised name (agency.py)
    region: str | None
    agency_name: str | None     # as printed on the report
    year: int | None
    format: str
    published: str | None
    source_file: str | None
    sha256: str
    errors: int
    warnings: int
    infos: int
    is_current: bool
    superseded_by: int | None
    ingested_at: datetime
    ingest_run_id: int | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ingested_at"] = self.ingested_at.isoformat() if self.ingested_at else None
        return d


@dataclass
class StoredReport(ReportInfo):
    report: Report = field(default=None)  # type: ignore[assignment]


@dataclass
class AgencyInfo:
    id: int
    name: str
    region: str
    names: list[str]
    reports: int = 0
    years: list[int] = field(default_factory=list)


@dataclass
class SaveResult:
    report_id: int
    status: Literal["stored", "duplicate"]
    is_current: bool
    agency_id: int | None
    year: int | None
    reaudited: list[int] = field(default_factory=list)   # following-year reports re-audited
    errors: int = 0                                       # findings of the stored report by severity
    warnings: int = 0
    infos: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_INFO_COLS = (ReportRow.id, ReportRow.agency_id, Agency.name, Agency.region, ReportRow.agency_name, ReportRow.year,
              ReportRow.format, ReportRow.published, ReportRow.source_file, ReportRow.sha256, ReportRow.errors,
              ReportRow.warnings, ReportRow.infos, ReportRow.is_current, ReportRow.superseded_by,
              ReportRow.ingested_at, ReportRow.ingest_run_id)


# Statements asked on every report page view, built once (building a select costs more than running it)
_INFO_QUERY = select(*_INFO_COLS).outerjoin(Agency, Agency.id == ReportRow.agency_id)
_REPORT_QUERY = _INFO_QUERY.add_columns(ReportRow.model).where(ReportRow.id == bindparam("id"))


def _version_query():
    r, f = ReportRow.__table__, Finding.__table__
    mine = f.c.report_id == r.c.id
    return select(r.c.is_current, r.c.superseded_by, r.c.errors, r.c.warnings, r.c.infos,
                  select(func.count()).where(mine).scalar_subquery(),
                  select(func.max(f.c.id)).where(mine).scalar_subquery()).where(r.c.id == bindparam("id"))


_VERSION_QUERY = _version_query()
# a page of a list: its reports' listed columns, and their findings per rule
_INFOS_QUERY = _INFO_QUERY.where(ReportRow.id.in_(bindparam("ids", expanding=True)))
_RULE_COUNTS_QUERY = (select(Finding.report_id, Finding.code, func.count(Finding.id))
                      .where(Finding.report_id.in_(bindparam("ids", expanding=True)))
                      .group_by(Finding.report_id, Finding.code).order_by(Finding.report_id, Finding.code))
_R, _F = ReportRow.__table__, Finding.__table__
# the store's fingerprint (Store.data_version): SQLite counts a table's rows from its smallest index at
# once; PostgreSQL scans to count, so there the reports' finding counts stand in for the findings'
_DATA_VERSION_SQLITE = select(select(func.count()).select_from(_R).scalar_subquery(),
                              select(func.max(_R.c.id)).scalar_subquery(),
                              select(func.count()).select_from(_F).scalar_subquery(),
                              select(func.max(_F.c.id)).scalar_subquery())
_DATA_VERSION_OTHER = select(func.count(_R.c.id), func.max(_R.c.id), func.sum(_R.c.errors), func.sum(_R.c.warnings),
                             func.sum(_R.c.infos), select(func.max(_F.c.id)).scalar_subquery())


def _severity_counts(findings: Iterable[FindingModel]) -> dict[str, int]:
    c = {"errors": 0, "warnings": 0, "infos": 0}
    key = {"error": "errors", "warning": "warnings", "info": "infos"}
    for f in findings:
        c[key[f.severity]] += 1
    return c


def _finding_rows(report_id: int, findings: Iterable[FindingModel]) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        d = f.model_dump(mode="json")
        out.append({"report_id": report_id, "code": d["code"], "severity": d["severity"], "message": d["message"],
                    "path": d.get("path"), "evidence": d.get("evidence"), "data": d.get("data") or None})
    return out


def _insert_cells(conn, rows: list[tuple]) -> None:
    """~190 rows per report: straight to the driver (COPY on PostgreSQL), the parent's hot path."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy("COPY cell (report_id, table_key, row_key, col_key, value) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)
    elif conn.dialect.name == "sqlite":
        raw.executemany("INSERT INTO cell (report_id, table_key, row_key, col_key, value) VALUES (?, ?, ?, ?, ?)", rows)
    else:
        conn.execute(insert(Cell.__table__), [dict(zip(("report_id", "table_key", "row_key", "col_key", "value"), r))
                                              for r in rows])


class Store:
    """A database of reports. Use `open_store(url)`; `close()` (or `with`) when done."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, history_rules: HistoryRules | None = None):
        self.url = db.resolve_url(url)
        self.history_rules = history_rules
        # a SQLite file that cannot be written (read-only mount, no permission) is opened read-only:
        # queries work, a write says why it cannot
        self.read_only = db.sqlite_read_only(self.url)
        self._hot_reads: dict[Any, db.HotRead] = {}
        self._years: tuple[tuple, list[int]] | None = None      # (data_version, years): years()
        try:
            self.engine = db.make_engine(self.url, read_only=self.read_only)
            if self.read_only:
                db.check_schema(self.engine, self.url)
            elif migrate:
                db.migrate(self.engine)
        except StoreError:
            raise
        except (SQLAlchemyError, OSError) as e:
            raise db.describe(e, self.url, "打开") from None

    # ------------------------------------------------------------ plumbing
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A failure of the database as a whole (full, unreadable, …) during a read becomes a
        StoreError (one line: what, where, what to do); an error of the statement propagates."""
        try:
            yield
        except (DBAPIError, OSError) as e:
            if db.error_kind(e) not in db.FATAL:
                raise
            raise db.describe(e, self.url, "读取") from None

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reading(), Session(self.engine) as s:
            yield s

    @contextmanager
    def _core(self) -> Iterator[Any]:
        """A plain connection for the listing hot paths (no ORM session: its set-up costs more than
        a small indexed query)."""
        with self._reading(), self.engine.connect() as conn:
            yield conn

    def _hot(self, statement) -> db.HotRead:
        """The statement as a HotRead for this store's engine (made once per statement)."""
        hot = self._hot_reads.get(statement)
        if hot is None:
            hot = self._hot_reads[statement] = db.HotRead(self.engine, statement)
        return hot

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction; SQLite takes the write lock up front (BEGIN IMMEDIATE). A full disk, a
        read-only database, an I/O error become a StoreError (one line: what, where, what to do)."""
        token = db._immediate.set(True)
        try:
            with Session(self.engine) as s, s.begin():
                yield s
        except (DBAPIError, OSError) as e:
            if db.error_kind(e) not in db.FATAL:
                raise
            raise db.describe(e, self.url, "写入") from None
        finally:
            db._immediate.reset(token)

    # ------------------------------------------------------------ ingest runs
    def start_run(self, paths: Iterable[str] = ()) -> int:
        with self._write() as s:
            run = IngestRun(started_at=_now(), files=0, stored=0, duplicates=0, failed=0, errors=[],
                            paths=[str(p) for p in paths], host=socket.gethostname()[:255], pid=os.getpid())
            s.add(run)
            s.flush()
            return run.id

    def finish_run(self, run_id: int, *, files: int, stored: int, duplicates: int, failed: int,
                   errors: list[dict[str, str]], finished: bool = True) -> None:
        """Record a run's counts; `finished=False` records them so far (a killed run keeps them)."""
        values: dict[str, Any] = {"files": files, "stored": stored, "duplicates": duplicates, "failed": failed,
                                  "errors": errors}
        if finished:
            values["finished_at"] = _now()
        with self._write() as s:
            s.execute(update(IngestRun).where(IngestRun.id == run_id).values(**values))

    def close_interrupted_run(self, run_id: int, *, files: int, duplicates: int, failed: int,
                              errors: list[dict[str, str]], message: str = RUN_INTERRUPTED) -> dict[str, int]:
        """Close a run whose process stopped before it could (a killed web upload), squared with the
        store: `stored` is counted from the reports stored under the run (not taken from anyone), the
        other counts are the caller's per-file outcomes; the run is marked interrupted (an errors
        entry {"file": "", "message": message, "interrupted": true}, so `runs` gives status
        "interrupted" with its finished_at). Calling it again recounts (a file finishing late)."""
        with self._write() as s:
            stored = s.scalar(select(func.count(ReportRow.id)).where(ReportRow.ingest_run_id == run_id)) or 0
            s.execute(update(IngestRun).where(IngestRun.id == run_id).values(
                files=files, stored=stored, duplicates=duplicates, failed=failed, finished_at=_now(),
                errors=[*errors, {"file": "", "message": message, "interrupted": True}]))
        return {"files": files, "stored": stored, "duplicates": duplicates, "failed": failed}

    def runs(self, limit: int | None = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Ingest runs, newest first; `limit`/`offset` page them (count_runs counts them)."""
        with self._read() as s:
            rows = s.scalars(select(IngestRun).order_by(IngestRun.id.desc()).offset(offset).limit(limit)).all()
            # A run still going or killed has no counts yet; what it stored so far is in the reports.
            open_ids = [r.id for r in rows if r.finished_at is None]
            so_far = dict(s.execute(select(ReportRow.ingest_run_id, func.count()).where(
                ReportRow.ingest_run_id.in_(open_ids)).group_by(ReportRow.ingest_run_id)).all()) if open_ids else {}
            return [{"id": r.id, "started_at": r.started_at, "finished_at": r.finished_at, "status": _run_status(r),
                     "files": r.files, "stored": r.stored if r.finished_at else max(r.stored, so_far.get(r.id, 0)),
                     "duplicates": r.duplicates, "failed": r.failed, "errors": r.errors, "paths": r.paths,
                     "kind": r.kind or "ingest"}
                    for r in rows]

    def count_runs(self) -> int:
        with self._read() as s:
            return s.scalar(select(func.count(IngestRun.id))) or 0

    # ------------------------------------------------------------ agencies
    def _resolve_agency(self, s: Session, printed: str | None) -> Agency | None:
        if not printed or not clean_name(printed):
            return None
        region, name = split_agency(printed)
        printed = clean_name(printed)
        candidates = s.scalars(select(Agency).where(Agency.name == name).order_by(Agency.id)).all()
        # prefer the same region, then one that does not contradict it
        match = next((a for a in candidates if a.region == region), None) or \
            next((a for a in candidates if regions_agree(a.region, region)), None)
        if match is None:
            match = Agency(name=name, region=region, names=[printed], created_at=_now())
            s.add(match)
            s.flush()
            return match
        if printed not in (match.names or []):
            match.names = [*(match.names or []), printed]
        if len(region) > len(match.region) and region.endswith(match.region):
            match.region = region       # learn the fuller region ("中卫市" → "宁夏回族自治区中卫市")
        return match

    def find_agency(self, name: str) -> AgencyInfo | None:
        """The agency a printed name (with or without region prefixes) or an id refers to."""
        for a in self.agencies(name=name):
            return a
        return None

    def agencies(self, *, name: str | None = None, region: str | None = None, limit: int | None = None,
                 offset: int = 0) -> list[AgencyInfo]:
        """Agencies by region and name; `limit`/`offset` page them (count_agencies counts them)."""
        with self._read() as s:
            q = self._agency_query(name, region).order_by(Agency.region, Agency.name, Agency.id)
            if name is None:        # otherwise the region check below runs in Python: page after it
                q = q.offset(offset).limit(limit)
            found = [a for a in s.scalars(q)
                     if not (name and not str(name).isdigit() and not regions_agree(a.region, split_agency(name)[0]))]
            if name is not None:
                found = found[offset:None if limit is None else offset + limit]
            years: dict[int, set[int]] = {}
            yq = select(ReportRow.agency_id, ReportRow.year).where(ReportRow.is_current, ReportRow.year.is_not(None))
            if name is not None or limit is not None:
                yq = yq.where(ReportRow.agency_id.in_([a.id for a in found]))
            for aid, y in s.execute(yq):
                years.setdefault(aid, set()).add(y)
            return [AgencyInfo(a.id, a.name, a.region, list(a.names or []), len(years.get(a.id, ())),
                               sorted(years.get(a.id, ()))) for a in found]

    def count_agencies(self, *, name: str | None = None, region: str | None = None) -> int:
        if name is not None:
            return len(self.agencies(name=name, region=region))
        with self._read() as s:
            return s.scalar(self._agency_query(None, region).with_only_columns(func.count(Agency.id))) or 0

    @staticmethod
    def _agency_query(name: str | None, region: str | None):
        q = select(Agency)
        if name is not None:
            if str(name).isdigit():
                q = q.where(Agency.id == int(name))
            else:
                reg, nm = split_agency(name)
                q = q.where(Agency.name == nm)
                if reg:
                    q = q.where(or_(Agency.region == "", Agency.region.contains(reg),
                                    func.length(Agency.region) < len(reg)))
        if region:
            q = q.where(or_(Agency.region.contains(region), Agency.name.startswith(region)))
        return q

    # ------------------------------------------------------------ saving
    def save_report(self, report: Report, *, run_id: int | None = None, history: bool = True,
                    attempts: int = 5, mtime: float | None = None) -> SaveResult:
        """Store one report in one transaction (idempotent by sha256). With `history` and the store's
        `history_rules`, the X rules run against the previous year's report in the store (replacing
        the report's own X findings), and the next year's report is re-audited."""
        sha = report_sha256(report)
        last: Exception | None = None
        for _ in range(attempts):
            try:
                with self._write() as s:
                    return self._save(s, report, sha, run_id, history, mtime)
            except IntegrityError as e:
                # a concurrent writer stored the same file, the same agency or the same agency-year
                last = e
                existing = self.report_id_by_sha256(sha)
                if existing is not None:
                    info = self.get_info(existing)
                    return SaveResult(existing, "duplicate", info.is_current, info.agency_id, info.year, [],
                                      info.errors, info.warnings, info.infos)
            except OperationalError as e:   # SQLite busy beyond the timeout, PG serialization
                last = e
        if last is not None and db.error_kind(last) is not None:
            raise db.describe(last, self.url, "写入") from None
        raise last  # type: ignore[misc]

    def _save(self, s: Session, report: Report, sha: str, run_id: int | None, history: bool,
              mtime: float | None = None) -> SaveResult:
        found = s.execute(select(ReportRow.id, ReportRow.is_current, ReportRow.agency_id, ReportRow.year,
                                 ReportRow.errors, ReportRow.warnings, ReportRow.infos)
                          .where(ReportRow.sha256 == sha)).first()
        if found:
            return SaveResult(found.id, "duplicate", found.is_current, found.agency_id, found.year, [],
                              found.errors, found.warnings, found.infos)
        agency = self._resolve_agency(s, report.meta.agency)
        year = report.meta.year
        keyed = agency is not None and year is not None
        current = self._current(s, agency.id, year) if keyed else None

        # a shallow copy: the caller's report keeps its findings and source untouched
        findings = list(report.findings)
        history = history and self.history_rules is not None
        if history:
            findings = [f for f in findings if not _history(f.code)]
            if keyed:
                prev = self._current(s, agency.id, year - 1)
                if prev is not None:
                    findings += self._history_findings(report, prev)
        report = report.model_copy(update={"findings": findings,
                                           "source": report.source.model_copy(update={"sha256": sha})})

        new_published = report.meta.published.isoformat() if report.meta.published else None
        # without agency or year there is nothing to version against: the report is simply listed
        becomes_current = current is None or newer_version(
            (new_published, mtime, sha), (current.published, current.source_mtime, current.sha256))
        if becomes_current and current is not None:
            current.is_current = False          # before the insert: the partial unique index checks per row
            s.flush()
        row = ReportRow(
            agency_id=agency.id if agency else None, year=year, format=report.format,
            agency_name=report.meta.agency, title=report.meta.title,
            period_start=report.meta.period.start.isoformat() if report.meta.period and report.meta.period.start else None,
            period_end=report.meta.period.end.isoformat() if report.meta.period and report.meta.period.end else None,
            published=new_published, source_file=report.source.file, reader=report.source.reader, sha256=sha,
            source_mtime=mtime,
            is_current=bool(becomes_current), ingested_at=_now(), ingest_run_id=run_id, model=report.to_dict(),
            superseded_by=None if becomes_current or current is None else current.id,
            **_severity_counts(report.findings))
        s.add(row)
        s.flush()
        if becomes_current and current is not None:
            current.superseded_by = row.id
            s.execute(update(ReportRow).where(ReportRow.superseded_by == current.id, ReportRow.id != row.id)
                      .values(superseded_by=row.id))
        conn = s.connection()
        _insert_cells(conn, [(row.id, t, r, c, v) for t, r, c, v in report_cells(report)])
        if report.findings:
            conn.execute(insert(Finding.__table__), _finding_rows(row.id, report.findings))
        reaudited = []
        if history and keyed and becomes_current:
            nxt = self._current(s, agency.id, year + 1)
            if nxt is not None:
                self._reaudit(s, nxt, row)
                reaudited.append(nxt.id)
        return SaveResult(row.id, "stored", bool(becomes_current), agency.id if agency else None, year, reaudited,
                          **_severity_counts(report.findings))

    def _current(self, s: Session, agency_id: int, year: int) -> ReportRow | None:
        return s.scalars(select(ReportRow).where(ReportRow.agency_id == agency_id, ReportRow.year == year,
                                                 ReportRow.is_current)).first()

    def _history_findings(self, report: Report, prev_row: ReportRow) -> list[FindingModel]:
        prev = Report.model_validate(prev_row.model)
        out = self.history_rules(report, prev)
        for f in out:
            p = f.data.get("previous")
            if isinstance(p, dict):
                p["report_id"] = prev_row.id
        return out

    def _reaudit(self, s: Session, row: ReportRow, prev_row: ReportRow | None) -> None:
        """Replace the X findings of a stored report (its previous year changed); without the
        cross-year rules there is nothing to recompute."""
        if self.history_rules is None:
            return
        report = Report.model_validate(row.model)
        report.findings = [f for f in report.findings if not _history(f.code)]
        if prev_row is not None:
            report.findings += self._history_findings(report, prev_row)
        row.model = report.to_dict()
        for k, v in _severity_counts(report.findings).items():
            setattr(row, k, v)
        s.execute(delete(Finding).where(Finding.report_id == row.id, Finding.code.startswith(HISTORY_PREFIX),
                                        Finding.code.not_in(REGIONAL_X)))
        new = [f for f in report.findings if _history(f.code)]
        if new:
            s.execute(insert(Finding), _finding_rows(row.id, new))

    def previous_report(self, report: Report) -> StoredReport | None:
        """The current stored report of the same agency for the year before `report`'s, if any."""
        if not report.meta.agency or report.meta.year is None:
            return None
        region, name = split_agency(report.meta.agency)
        with self._read() as s:
            for a in s.scalars(select(Agency).where(Agency.name == name)):
                if regions_agree(a.region, region):
                    row = self._current(s, a.id, report.meta.year - 1)
                    if row is not None:
                        return self.get_report(row.id)
        return None

    def delete_report(self, report_id: int, *, keep: Callable[[Session, ReportRow], None] | None = None) -> bool:
        """Delete a report; if it was current, the most recently stored other version of the same
        agency and year becomes current, and the next year is re-audited. `keep(session, row)` runs
        first in the same transaction (the review archives the report there for restoring: both
        happen or neither)."""
        with self._write() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                return False
            if keep is not None:
                keep(s, row)
            was_current, agency_id, year = row.is_current, row.agency_id, row.year
            s.execute(update(ReportRow).where(ReportRow.superseded_by == report_id).values(superseded_by=None))
            s.delete(row)
            s.flush()
            if was_current and agency_id is not None and year is not None:
                others = s.scalars(select(ReportRow).where(ReportRow.agency_id == agency_id, ReportRow.year == year)
                                   .order_by(ReportRow.ingested_at, ReportRow.id)).all()
                heir = None
                for o in others:            # the newest version by the versions' rule (newer_version)
                    if heir is None or newer_version((o.published, o.source_mtime, o.sha256),
                                                     (heir.published, heir.source_mtime, heir.sha256)):
                        heir = o
                if heir is not None:
                    heir.is_current = True
                    heir.superseded_by = None
                    s.flush()
                    s.execute(update(ReportRow).where(ReportRow.agency_id == agency_id, ReportRow.year == year,
                                                      ReportRow.id != heir.id).values(superseded_by=heir.id))
                    prev = self._current(s, agency_id, year - 1)
                    self._reaudit(s, heir, prev)
                nxt = self._current(s, agency_id, year + 1)
                if nxt is not None:
                    self._reaudit(s, nxt, heir)
            return True

    # ------------------------------------------------------------ reading
    def report_id_by_sha256(self, sha: str) -> int | None:
        with self._read() as s:
            return s.scalar(select(ReportRow.id).where(ReportRow.sha256 == sha))

    def known_sha256(self, shas: Iterable[str]) -> set[str]:
        """Which of these hashes are stored already (ingest skips them before parsing)."""
        shas = list(set(shas))
        out: set[str] = set()
        with self._read() as s:
            for i in range(0, len(shas), 500):
                out.update(s.scalars(select(ReportRow.sha256).where(ReportRow.sha256.in_(shas[i:i + 500]))))
        return out

    def deleted_report(self, deleted_id: int) -> tuple[int, dict, float | None] | None:
        """A soft-deleted report kept for restoring: (its former id, its model, its file time)."""
        from .review_models import DeletedReport

        with self._read() as s:
            d = s.get(DeletedReport, deleted_id)
            return None if d is None else (d.report_id, d.model, d.source_mtime)

    def report_version(self, report_id: int) -> tuple | None:
        """A cheap fingerprint of a stored report that changes whenever what is shown of it would:
        superseded, re-audited (its findings replaced) or deleted (None). One indexed query, Core
        (no ORM session): the web asks it on every page view to reuse a rendered page."""
        with self._reading():
            return self._hot(_VERSION_QUERY).one(id=report_id)

    def _info_query(self):
        return _INFO_QUERY

    def get_info(self, report_id: int) -> ReportInfo | None:
        with self._read() as s:
            r = s.execute(self._info_query().where(ReportRow.id == report_id)).first()
            return ReportInfo(*r) if r else None

    def get_report(self, report_id: int) -> StoredReport | None:
        """A stored report with its model (findings included)."""
        with self._reading():        # a HotRead: the report page asks this on every first view
            r = self._hot(_REPORT_QUERY).one(id=report_id)
        if r is None:
            return None
        *info, model = r
        return StoredReport(*info, report=Report.model_validate(model))

    def _where_reports(self, q, *, agency: str | int | None = None, region: str | None = None,
                       year: int | None = None, search: str | None = None, code: str | None = None,
                       current: bool | None = True, where: Any = None):
        """The filters of list_reports on a query over report (outer-joined to agency). `where`: a
        prepared SQL condition over the agency (a region's scope, nianbao.oversight.scope)."""
        if where is not None:
            q = q.where(where)
        if agency is not None:
            ids = [a.id for a in self.agencies(name=str(agency))]
            q = q.where(ReportRow.agency_id.in_(ids))
        if region:
            q = q.where(or_(Agency.region.contains(region), Agency.name.startswith(region)))
        if year is not None:
            q = q.where(ReportRow.year == year)
        if search:
            q = q.where(or_(Agency.name.contains(search), Agency.region.contains(search),
                            ReportRow.agency_name.contains(search), ReportRow.source_file.contains(search)))
        if code:
            q = q.where(ReportRow.id.in_(select(Finding.report_id).where(Finding.code.startswith(code))))
        if current is not None:
            q = q.where(ReportRow.is_current == current)
        return q

    def list_reports(self, *, agency: str | int | None = None, region: str | None = None, year: int | None = None,
                     search: str | None = None, code: str | None = None, current: bool | None = True,
                     limit: int | None = None, offset: int = 0, where: Any = None) -> list[ReportInfo]:
        """Reports matching every filter given, by region, agency, year. `agency` is an id or a name
        (with or without region prefixes); `region` matches the region or the start of the name;
        `search` any part of a name; `code` reports with a finding of that code (or prefix);
        `current=None` includes superseded versions. `limit`/`offset` page them (count_reports
        counts the same selection)."""
        q = self._where_reports(self._info_query(), agency=agency, region=region, year=year, search=search,
                                code=code, current=current, where=where)
        q = q.order_by(Agency.region, Agency.name, ReportRow.year, ReportRow.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._read() as s:
            return [ReportInfo(*r) for r in s.execute(q)]

    def report_ids(self, *, current: bool | None = True, **filters: Any) -> list[int]:
        """The ids list_reports would give, in its order, read from indexes only (no report rows:
        they carry the whole model) — the web pages a cached copy of it."""
        q = select(ReportRow.id).outerjoin(Agency, Agency.id == ReportRow.agency_id)
        q = self._where_reports(q, current=current, **filters) \
            .order_by(Agency.region, Agency.name, ReportRow.year, ReportRow.id)
        with self._core() as c:
            return list(c.scalars(q))

    def report_infos(self, ids: Iterable[int]) -> list[ReportInfo]:
        """The listed facts of these reports, in the order given (missing ids left out)."""
        ids = list(ids)
        with self._reading():
            got = {r[0]: ReportInfo(*r) for k in range(0, len(ids), 500)
                   for r in self._hot(_INFOS_QUERY).all(ids=ids[k:k + 500])}
        return [got[i] for i in ids if i in got]

    def count_reports(self, *, current: bool | None = True, **filters: Any) -> int:
        """How many reports list_reports would give with the same filters (one COUNT query)."""
        return self.report_totals(current=current, **filters)["reports"]

    def report_totals(self, *, current: bool | None = True, **filters: Any) -> dict[str, int]:
        """Reports and their findings by severity over list_reports' selection, summed in SQL:
        {"reports", "errors", "warnings", "infos"}."""
        q = select(func.count(ReportRow.id), func.coalesce(func.sum(ReportRow.errors), 0),
                   func.coalesce(func.sum(ReportRow.warnings), 0), func.coalesce(func.sum(ReportRow.infos), 0))
        if filters.get("region") or filters.get("search") or filters.get("where") is not None:
            q = q.select_from(ReportRow).outerjoin(Agency, Agency.id == ReportRow.agency_id)
        q = self._where_reports(q, current=current, **filters)
        with self._read() as s:
            n, e, w, i = s.execute(q).one()
        return {"reports": n or 0, "errors": int(e or 0), "warnings": int(w or 0), "infos": int(i or 0)}

    def year_counts(self, *, current: bool | None = True) -> list[tuple[int, int]]:
        """(year, reports) for every year with reports, newest first (one GROUP BY)."""
        q = select(ReportRow.year, func.count(ReportRow.id)).where(ReportRow.year.is_not(None)) \
            .group_by(ReportRow.year).order_by(ReportRow.year.desc())
        if current is not None:
            q = q.where(ReportRow.is_current == current)
        with self._core() as c:
            return [(y, n) for y, n in c.execute(q)]

    def rule_counts(self, report_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Findings per rule of each of these reports, counted in SQL: {report_id: {code: n}}."""
        ids = list(report_ids)
        out: dict[int, dict[str, int]] = {i: {} for i in ids}
        with self._reading():
            for k in range(0, len(ids), 500):
                for rid, code, n in self._hot(_RULE_COUNTS_QUERY).all(ids=ids[k:k + 500]):
                    out[rid][code] = n
        return out

    def data_version(self) -> tuple:
        """A cheap fingerprint of the reports and findings (counts and highest ids, from the indexes):
        it changes when a report is stored, superseded, deleted or re-audited, so figures computed
        over the store can be reused while it holds."""
        q = _DATA_VERSION_SQLITE if self.dialect == "sqlite" else _DATA_VERSION_OTHER
        with self._reading():
            return self._hot(q).one()

    def regions(self) -> list[str]:
        """Every agency region (distinct, sorted), for filters."""
        with self._read() as s:
            return list(s.scalars(select(Agency.region).where(Agency.region != "").distinct().order_by(Agency.region)))

    def agency_history(self, agency_id: int) -> list[ReportInfo]:
        """Every stored report of one agency, all years and versions (current first within a year)."""
        q = self._info_query().where(ReportRow.agency_id == agency_id) \
            .order_by(ReportRow.year, ReportRow.is_current.desc(), ReportRow.ingested_at.desc())
        with self._read() as s:
            return [ReportInfo(*r) for r in s.execute(q)]

    def findings(self, *, report_ids: Iterable[int] | None = None, code: str | None = None,
                 severity: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Stored findings (as dicts), by report and order of the audit; `limit`/`offset` page them
        (count_findings counts the same selection)."""
        q = select(Finding).order_by(Finding.report_id, Finding.id)
        if code:
            q = q.where(Finding.code.startswith(code))
        if severity:
            q = q.where(Finding.severity == severity)
        ids = None if report_ids is None else list(report_ids)
        if limit is not None or offset:
            if ids is not None:
                q = q.where(Finding.report_id.in_(ids))
            queries = [q.offset(offset).limit(limit)]
        else:
            queries = [q] if ids is None else [q.where(Finding.report_id.in_(ids[i:i + 500]))
                                               for i in range(0, len(ids), 500)]
        with self._read() as s:
            return [{"report_id": f.report_id, "code": f.code, "severity": f.severity, "message": f.message,
                     "path": f.path, "evidence": f.evidence, "data": f.data}
                    for qq in queries for f in s.scalars(qq)]

    def findings_summary(self, *, year: int | None = None, region: str | None = None, rule: str | None = None,
                         current: bool = True, run_id: int | None = None, where: Any = None) -> list[dict[str, Any]]:
        """Findings per rule over the matching reports: code, severity, findings, reports (affected).
        `run_id`: only the reports stored by that ingest run."""
        # the reports as a subquery over report's covering indexes: a join would read each finding's
        # report row, and a report row carries its whole model
        reports = select(ReportRow.id)
        if current:
            reports = reports.where(ReportRow.is_current)
        if year is not None:
            reports = reports.where(ReportRow.year == year)
        if region:
            reports = reports.outerjoin(Agency, Agency.id == ReportRow.agency_id) \
                .where(or_(Agency.region.contains(region), Agency.name.startswith(region)))
        elif where is not None:
            reports = reports.outerjoin(Agency, Agency.id == ReportRow.agency_id).where(where)
        if run_id is not None:
            reports = reports.where(ReportRow.ingest_run_id == run_id)
        q = (select(Finding.code, Finding.severity, func.count(Finding.id), func.count(func.distinct(Finding.report_id)))
             .where(Finding.report_id.in_(reports))
             .group_by(Finding.code, Finding.severity).order_by(Finding.code))
        if rule:
            q = q.where(Finding.code.startswith(rule))
        with self._read() as s:
            return [{"code": c, "severity": sev, "findings": n, "reports": r} for c, sev, n, r in s.execute(q)]

    def count_findings(self, *, report_ids: Iterable[int] | None = None, code: str | None = None,
                       severity: str | None = None) -> int:
        q = select(func.count(Finding.id))
        if report_ids is not None:
            q = q.where(Finding.report_id.in_(list(report_ids)))
        if code:
            q = q.where(Finding.code.startswith(code))
        if severity:
            q = q.where(Finding.severity == severity)
        with self._read() as s:
            return s.scalar(q) or 0

    def current_reports(self, agency_ids: Iterable[int], year: int) -> list[ReportInfo]:
        """The current reports of these agencies for one year (a registry subtree's reports)."""
        ids = sorted(set(agency_ids))
        with self._read() as s:
            return [ReportInfo(*r) for k in range(0, len(ids), 500)
                    for r in s.execute(self._info_query().where(ReportRow.agency_id.in_(ids[k:k + 500]),
                                                                ReportRow.year == year, ReportRow.is_current))]

    def replace_findings(self, report_id: int, codes: Iterable[str], findings: Iterable[FindingModel]) -> bool:
        """Replace the findings of these rule codes of one report with `findings` (those of the
        codes), in one transaction: the report's model, its finding rows and its counts by
        severity. False, and nothing written, when they are the same already or the report is gone."""
        codes = tuple(dict.fromkeys(codes))
        new = [f for f in findings if f.code in codes]
        with self._write() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                return False
            report = Report.model_validate(row.model)
            old = [f for f in report.findings if f.code in codes]
            if [f.model_dump(mode="json") for f in old] == [f.model_dump(mode="json") for f in new]:
                return False
            report.findings = [f for f in report.findings if f.code not in codes] + new
            row.model = report.to_dict()
            for k, v in _severity_counts(report.findings).items():
                setattr(row, k, v)
            s.execute(delete(Finding).where(Finding.report_id == report_id, Finding.code.in_(codes)))
            if new:
                s.execute(insert(Finding), _finding_rows(report_id, new))
            return True

    def section_texts(self, report_ids: Iterable[int], sections: Iterable[int] = (1, 5)) -> dict[int, dict[int, str]]:
        """The text of some narrative sections of stored reports, {report_id: {no: text}}, read from
        the model's sections alone (copied-text checks compare thousands of reports)."""
        ids, wanted = list(report_ids), set(sections)
        out: dict[int, dict[int, str]] = {i: {} for i in ids}
        with self._read() as s:
            for i in range(0, len(ids), 500):
                q = select(ReportRow.id, ReportRow.model["sections"]).where(ReportRow.id.in_(ids[i:i + 500]))
                for rid, secs in s.execute(q):
                    texts = out[rid]
                    for sec in secs or []:
                        no, text = sec.get("no"), sec.get("text")
                        if no in wanted and text:
                            texts[no] = f"{texts[no]}\n{text}" if no in texts else text
        return out

    def cells(self, report_ids: Iterable[int], tables: Iterable[str] | None = None
              ) -> dict[int, dict[tuple[str, str, str], float | None]]:
        """Stored cells of these reports (of some tables only): {report_id: {(table, row, col): value}}.
        Plain rows, no ORM objects: a region's roll-up reads tens of thousands of cells."""
        ids = list(report_ids)
        out: dict[int, dict[tuple[str, str, str], float | None]] = {i: {} for i in ids}
        c = Cell.__table__.c
        with self._read() as s:
            for i in range(0, len(ids), 500):
                q = select(c.report_id, c.table_key, c.row_key, c.col_key, c.value).where(
                    c.report_id.in_(ids[i:i + 500]))
                if tables is not None:
                    q = q.where(c.table_key.in_(list(tables)))
                for rid, t, r, col, v in s.execute(q):
                    out[rid][(t, r, col)] = v
        return out

    def years(self) -> list[int]:
        """Every year a stored report is of, ascending; kept while data_version holds (every page's
        year picker asks, and the DISTINCT reads every report row)."""
        version = self.data_version()
        got = self._years
        if got is None or got[0] != version:
            with self._read() as s:
                years = sorted(y for (y,) in s.execute(select(ReportRow.year).where(ReportRow.year.is_not(None))
                                                       .distinct()))
            got = self._years = (version, years)
        return list(got[1])

    def stats(self) -> dict[str, Any]:
        try:
            revision = db.current_revision(self.engine)
        except (DBAPIError, OSError) as e:
            raise db.describe(e, self.url, "读取") from None
        with self._read() as s:
            return {
                "url": self.url if self.dialect == "sqlite" else self.engine.url.render_as_string(hide_password=True),
                "reports": s.scalar(select(func.count(ReportRow.id))) or 0,
                "current": s.scalar(select(func.count(ReportRow.id)).where(ReportRow.is_current)) or 0,
                "agencies": s.scalar(select(func.count(Agency.id))) or 0,
                "findings": s.scalar(select(func.count(Finding.id))) or 0,
                "runs": s.scalar(select(func.count(IngestRun.id))) or 0,
                "revision": revision,
                "read_only": self.read_only,
            }


def open_store(url: str | None = None, *, history_rules: HistoryRules | None = None) -> Store:
    """Open (and create or upgrade to the latest schema) the store at `url`, $NIANBAO_DB or ./nianbao.db."""
    return Store(url, history_rules=history_rules)
