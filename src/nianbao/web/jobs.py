"""Background ingest of uploaded files with per-file progress the upload page polls.

A few threads hand the files one by one to the Library (Library.add_file), which parses them in
its one worker-process pool (ingest.ParsePool, the pool `nianbao ingest` uses) and stores them;
the threads only wait and record each file's state. A bad file gets its own Chinese message and
the rest go on. The parsing runs in the server process that received the upload; the job and its
files' states are kept in the database (tables web_jobs, web_job_files), so the page's polls may
land on any process of `nianbao serve --processes N`. They are progress reports, not records (what
was stored is in the store): the newest MAX_JOBS_KEPT are kept.

A job whose process stopped vouching for it (db.Keepalive) for db.STALE seconds — killed — or that
stopped with its server is squared with the store once, by whichever process sees it first
(`reconcile`): each file not through is looked up by its sha256; one whose report is stored shows as
stored (已入库, its report linked; 重复文件 when another run had stored it), only the others as 失败 with
"请重新上传". The job's ingest run is then closed with the reports actually stored under it and marked
interrupted (Store.close_interrupted_run; `nianbao db runs` shows 中断).
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Engine

from ..errors import InputError
from .db import HEARTBEAT, STALE, Keepalive, job_files_table as files_t, jobs_table as jobs_t, writing

MAX_JOBS_KEPT = 200
FINAL = ("done", "duplicate", "error", "skipped")   # skipped: an archive's files that are no report (one row)
ABANDONED = "处理中断：处理该文件的服务进程已停止，请重新上传"
STOPPED = "处理中断：网页服务已停止，请重新上传"
INTERRUPTED = (ABANDONED, STOPPED)

if TYPE_CHECKING:
    from ..store.store import Store


@dataclass
class FileStatus:
    name: str
    state: str = "queued"          # queued, running, done, duplicate, error, skipped
    message: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "处理中", "done": "已入库", "duplicate": "已入库（重复文件）",
                "error": "失败", "skipped": "已跳过"}[self.state]

    def as_dict(self) -> dict:
        return {"name": self.name, "state": self.state, "message": self.message, "report_id": self.report_id,
                "agency": self.agency, "year": self.year}


@dataclass
class Job:
    id: str
    user: str
    files: list[FileStatus] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    on_finish: Callable[[Job], None] | None = None
    closed: bool = False
    run_id: int | None = None       # the store's ingest run of the upload
    stopped: bool = False           # its server stopped before it was through: squared with the store

    @property
    def finished(self) -> bool:
        return all(f.state in FINAL for f in self.files)

    @property
    def progress(self) -> tuple[int, int]:
        return sum(f.state in FINAL for f in self.files), len(self.files)

    @property
    def counts(self) -> dict[str, int]:
        """As the CLI counts a batch: stored (新入库, new reports only), duplicates (已在库中), failed."""
        return {"stored": sum(f.state == "done" for f in self.files),
                "duplicates": sum(f.state == "duplicate" for f in self.files),
                "failed": sum(f.state == "error" for f in self.files)}

    def as_dict(self) -> dict:
        done, total = self.progress
        return {"id": self.id, "finished": self.finished, "done": done, "total": total, **self.counts,
                "files": [f.as_dict() for f in self.files]}


class JobRunner:
    """Runs upload jobs in this process and reads any process's jobs from the database."""

    def __init__(self, engine: Engine, workers: int = 2, clock: Callable[[], float] = time.time,
                 stale: float = STALE, heartbeat: float | None = None, store: Store | None = None):
        """`store`: where the uploads are stored, to square an interrupted job with (without it such a
        job's unfinished files are only marked failed)."""
        self.engine, self.clock, self.stale, self.store = engine, clock, stale, store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nianbao-ingest")
        self._lock = threading.Lock()
        self._settling = threading.Lock()       # this process's reconciliations, one at a time
        self._live: dict[str, Job] = {}         # this process's jobs not yet through
        self._keepalive = Keepalive(self._touch, heartbeat or HEARTBEAT)

    # ---------------------------------------------------------------- reading (any process's jobs)
    def get(self, job_id: str) -> Job | None:
        job, stale = self._read(job_id)
        if stale:                           # its process died: nothing will move its files any more
            try:
                self.reconcile(job_id, ABANDONED)
                job, stale = self._read(job_id)
            except Exception:               # the database failed: show it unsettled, settle it next time
                pass
            if stale:
                for f in job.files:
                    if f.state not in FINAL:
                        f.state, f.message = "error", ABANDONED
        return job

    def _read(self, job_id: str) -> tuple[Job | None, bool]:
        """The job as recorded, and whether its process stopped vouching for it (not closed, stale)."""
        with self.engine.connect() as c:
            row = c.execute(select(jobs_t).where(jobs_t.c.id == job_id)).first()
            if row is None:
                return None, False
            files = c.execute(select(files_t).where(files_t.c.job_id == job_id).order_by(files_t.c.seq)).all()
        job = Job(row.id, row.user, created=row.created, closed=bool(row.closed), run_id=row.run_id)
        job.files = [FileStatus(f.name, f.state, f.message or "", f.report_id, f.agency, f.year) for f in files]
        return job, not row.closed and row.seen < self.clock() - self.stale

    # ---------------------------------------------------------------- squaring interrupted jobs with the store
    def reconcile(self, job_id: str, message: str = ABANDONED, claim: bool = True) -> bool:
        """Square a job that will not finish with the store: each file not through (or marked
        interrupted) whose report is stored is shown as stored, the others failed with `message`;
        then its ingest run is closed, interrupted, with what was stored under it. `claim`: only if the
        job is still open, and closing it — one process settles a dead job. True when settled here."""
        with self._settling:
            with self.engine.connect() as c:
                row = c.execute(select(jobs_t.c.run_id, jobs_t.c.closed).where(jobs_t.c.id == job_id)).first()
                if row is None or (claim and row.closed):
                    return False
                files = c.execute(select(files_t).where(files_t.c.job_id == job_id)).all()
            settled = [(f, self._settle(f, row.run_id, message)) for f in files
                       if f.state not in FINAL or (f.state == "error" and f.message in INTERRUPTED)]
            with writing(self.engine) as c:
                if not claim:
                    c.execute(update(jobs_t).where(jobs_t.c.id == job_id).values(closed=True, seen=self.clock()))
                elif c.execute(update(jobs_t).where(jobs_t.c.id == job_id, jobs_t.c.closed == False)  # noqa: E712
                                       .values(closed=True)).rowcount != 1:
                    return False            # another process settled it meanwhile
                for f, st in settled:       # unless the file's own outcome was recorded meanwhile
                    c.execute(update(files_t).where(files_t.c.job_id == job_id, files_t.c.seq == f.seq,
                                                    files_t.c.state == f.state, files_t.c.message == f.message)
                              .values(state=st.state, message=st.message, report_id=st.report_id,
                                      agency=st.agency, year=st.year))
            self._close_run(job_id)
            return True

    def _settle(self, f, run_id: int | None, message: str) -> FileStatus:
        """A file not through, as the store has it: stored under this run (done), stored by another
        (duplicate: the user need not upload it again), or not stored (failed with `message`)."""
        info = None
        if self.store is not None and f.sha256:
            rid = self.store.report_id_by_sha256(f.sha256)
            info = self.store.get_info(rid) if rid is not None else None
        if info is None:
            return FileStatus(f.name, "error", message)
        dup = run_id is None or info.ingest_run_id != run_id
        return FileStatus(f.name, "duplicate" if dup else "done", "", info.id,
                          info.agency_name or info.agency or "（未识别机关）", info.year)

    def _close_run(self, job_id: str) -> None:
        """Close the job's ingest run as interrupted, with its files' recorded outcomes and the reports
        stored under it (recounted on every call: a file finishing late is counted)."""
        with self.engine.connect() as c:
            run_id = c.execute(select(jobs_t.c.run_id).where(jobs_t.c.id == job_id)).scalar()
            files = c.execute(select(files_t.c.name, files_t.c.state, files_t.c.message)
                              .where(files_t.c.job_id == job_id).order_by(files_t.c.seq)).all()
        if run_id is None or self.store is None:
            return
        files = [f for f in files if f.state != "skipped"]
        failed = [f for f in files if f.state not in ("done", "duplicate")]
        self.store.close_interrupted_run(run_id, files=len(files),
                                         duplicates=sum(f.state == "duplicate" for f in files),
                                         failed=len(failed),
                                         errors=[{"file": f.name, "message": f.message or "未处理"}
                                                 for f in failed])

    def reconcile_stale(self) -> int:
        """Settle every job whose process died (each once, whichever process comes first); how many."""
        with self.engine.connect() as c:
            ids = list(c.scalars(select(jobs_t.c.id).where(jobs_t.c.closed == False,  # noqa: E712
                                                            jobs_t.c.seen < self.clock() - self.stale)))
        n = 0
        for job_id in ids:
            try:
                n += self.reconcile(job_id, ABANDONED)
            except Exception:               # bookkeeping: the next look settles it
                pass
        return n

    # ---------------------------------------------------------------- running (this process's jobs)
    def start(self, user: str, items: list[tuple], failed: list[InputError] = (),
              on_finish: Callable[[Job], None] | None = None, run_id: int | None = None) -> Job:
        """items: (file name, work) or (file name, work, sha256) where work() stores the file and
        returns (report id, agency, year, duplicate); `on_finish(job)` runs once every file is through.
        `run_id`: the store's ingest run the files are stored under; with the files' sha256 it lets a
        job whose process died be squared with the store (reconcile)."""
        now = self.clock()
        job = Job(secrets.token_urlsafe(12), user, created=now, run_id=run_id)
        job.on_finish = on_finish
        job.files = [FileStatus(e.file or "", getattr(e, "state", "error"), e.message) for e in failed]
        pending = [(FileStatus(name), work) for name, work, *_ in items]
        job.files += [st for st, _ in pending]
        hashes = [None] * len(failed) + [rest[0] if rest else None for _, _, *rest in items]
        self.reconcile_stale()          # dead processes' jobs: settled before they are pruned
        try:
            with writing(self.engine) as c:
                self._prune(c, now)
                c.execute(insert(jobs_t).values(id=job.id, user=user, created=now, seen=now, closed=not pending,
                                                run_id=run_id))
                if job.files:
                    c.execute(insert(files_t), [{"job_id": job.id, "seq": i, "name": f.name, "state": f.state,
                                                 "message": f.message, "sha256": h}
                                                for i, (f, h) in enumerate(zip(job.files, hashes))])
        except BaseException:
            for st, _ in pending:      # nothing will run: on_finish still gives back what the upload holds
                st.state, st.message = "error", "无法记录上传任务，未处理"
            self._finish(job)
            raise
        if not pending:
            self._finish(job)
            return job
        with self._lock:
            self._live[job.id] = job
        self._keepalive.add(job.id)
        first = len(job.files) - len(pending)
        for i, (st, work) in enumerate(pending, start=first):
            self._pool.submit(self._run, job, i, st, work)
        return job

    def _prune(self, c, now: float) -> None:
        """Keep the newest MAX_JOBS_KEPT jobs; older ones go once through (or their process is dead)."""
        old = select(jobs_t.c.id).order_by(jobs_t.c.created.desc()).offset(MAX_JOBS_KEPT - 1)
        gone = [r.id for r in c.execute(old.where(or_(jobs_t.c.closed, jobs_t.c.seen < now - self.stale)))]
        if gone:
            c.execute(delete(files_t).where(files_t.c.job_id.in_(gone)))
            c.execute(delete(jobs_t).where(jobs_t.c.id.in_(gone)))

    def _save(self, job: Job, seq: int, st: FileStatus) -> None:
        try:
            with writing(self.engine) as c:
                c.execute(update(files_t).where(files_t.c.job_id == job.id, files_t.c.seq == seq)
                          .values(state=st.state, message=st.message, report_id=st.report_id, agency=st.agency,
                                  year=st.year))
                c.execute(update(jobs_t).where(jobs_t.c.id == job.id).values(seen=self.clock()))
        except Exception:  # the progress report is bookkeeping; the file is stored (or not) either way
            pass

    def _run(self, job: Job, seq: int, st: FileStatus, work) -> None:
        st.state = "running"
        self._save(job, seq, st)
        try:
            st.report_id, st.agency, st.year, dup = work()
            st.state = "duplicate" if dup else "done"
        except InputError as e:
            st.message, st.state = e.message, "error"
        except Exception as e:  # a bug or an unforeseen file: one line for this file, the job goes on
            st.message, st.state = f"无法处理（{type(e).__name__}: {e}）", "error"
        self._save(job, seq, st)
        with self._lock:
            stopped = job.stopped
            last = not stopped and job.finished and not job.closed
            if last:
                job.closed = True
                self._live.pop(job.id, None)
        if stopped:                     # finished after its server stopped: the run recounted with it
            try:
                with self._settling:
                    self._close_run(job.id)
            except Exception:
                pass
            return
        if last:
            self._keepalive.discard(job.id)
            self._close(job.id)
            self._finish(job)

    def _close(self, job_id: str) -> None:
        try:
            with writing(self.engine) as c:
                c.execute(update(jobs_t).where(jobs_t.c.id == job_id).values(closed=True, seen=self.clock()))
        except Exception:
            pass

    def _touch(self, ids: set[str]) -> None:
        with writing(self.engine) as c:
            c.execute(update(jobs_t).where(jobs_t.c.id.in_(ids)).values(seen=self.clock()))

    @staticmethod
    def _finish(job: Job) -> None:
        job.closed = True
        if job.on_finish:
            try:
                job.on_finish(job)
            except Exception:  # recording the run is bookkeeping; the files are stored either way
                pass

    def shutdown(self, wait: bool = False) -> None:
        """Stop: the jobs not yet through are squared with the store (reconcile: a file not yet
        through is failed with STOPPED unless its report is stored; the run closed as interrupted);
        `wait` for the files being parsed (their outcome is then recorded over the mark, the run
        recounted)."""
        self._keepalive.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            live, self._live = list(self._live.values()), {}
            for job in live:
                job.stopped = True
        for job in live:
            try:
                self.reconcile(job.id, STOPPED, claim=False)
            except Exception:
                pass
        if wait:
            self._pool.shutdown(wait=True)
