"""Background ingest of uploaded files with per-file progress the upload page polls.

A few threads hand the files one by one to the Library (Library.add_file), which parses them in
its one worker-process pool (ingest.ParsePool, the pool `nianbao ingest` uses) and stores them;
the threads only wait and record each file's state. A bad file gets its own Chinese message and
the rest go on. The parsing runs in the server process that received the upload; the job and its
files' states are kept in the database (tables web_jobs, web_job_files), so the page's polls may
land on any process of `nianbao serve --processes N`. They are progress reports, not records (what
was stored is in the store): the newest MAX_JOBS_KEPT are kept. A job whose process stopped
vouching for it (db.Keepalive) for db.STALE seconds shows its unfinished files as 失败.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Engine

from ..errors import InputError
from .db import HEARTBEAT, STALE, Keepalive, job_files_table as files_t, jobs_table as jobs_t, writing

MAX_JOBS_KEPT = 200
FINAL = ("done", "duplicate", "error")
ABANDONED = "处理中断：处理该文件的服务进程已停止，请重新上传"
STOPPED = "处理中断：网页服务已停止，请重新上传"


@dataclass
class FileStatus:
    name: str
    state: str = "queued"          # queued, running, done, duplicate, error
    message: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "处理中", "done": "已入库", "duplicate": "已入库（重复文件）",
                "error": "失败"}[self.state]

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

    @property
    def finished(self) -> bool:
        return all(f.state in FINAL for f in self.files)

    @property
    def progress(self) -> tuple[int, int]:
        return sum(f.state in FINAL for f in self.files), len(self.files)

    def as_dict(self) -> dict:
        done, total = self.progress
        return {"id": self.id, "finished": self.finished, "done": done, "total": total,
                "files": [f.as_dict() for f in self.files]}


class JobRunner:
    """Runs upload jobs in this process and reads any process's jobs from the database."""

    def __init__(self, engine: Engine, workers: int = 2, clock: Callable[[], float] = time.time,
                 stale: float = STALE, heartbeat: float | None = None):
        self.engine, self.clock, self.stale = engine, clock, stale
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nianbao-ingest")
        self._lock = threading.Lock()
        self._live: dict[str, Job] = {}         # this process's jobs not yet through
        self._keepalive = Keepalive(self._touch, heartbeat or HEARTBEAT)

    # ---------------------------------------------------------------- reading (any process's jobs)
    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as c:
            row = c.execute(select(jobs_t).where(jobs_t.c.id == job_id)).first()
            if row is None:
                return None
            files = c.execute(select(files_t).where(files_t.c.job_id == job_id).order_by(files_t.c.seq)).all()
        job = Job(row.id, row.user, created=row.created, closed=bool(row.closed))
        job.files = [FileStatus(f.name, f.state, f.message or "", f.report_id, f.agency, f.year) for f in files]
        if not row.closed and row.seen < self.clock() - self.stale:
            for f in job.files:             # its process died: nothing will move these any more
                if f.state not in FINAL:
                    f.state, f.message = "error", ABANDONED
        return job

    # ---------------------------------------------------------------- running (this process's jobs)
    def start(self, user: str, items: list[tuple[str, Callable[[], tuple[int, str | None, int | None, bool]]]],
              failed: list[InputError] = (), on_finish: Callable[[Job], None] | None = None) -> Job:
        """items: (file name, work) where work() stores the file and returns
        (report id, agency, year, duplicate); `on_finish(job)` runs once every file is through."""
        now = self.clock()
        job = Job(secrets.token_urlsafe(12), user, created=now)
        job.on_finish = on_finish
        job.files = [FileStatus(e.file or "", "error", e.message) for e in failed]
        pending = [(FileStatus(name), work) for name, work in items]
        job.files += [st for st, _ in pending]
        try:
            with writing(self.engine) as c:
                self._prune(c, now)
                c.execute(insert(jobs_t).values(id=job.id, user=user, created=now, seen=now, closed=not pending))
                if job.files:
                    c.execute(insert(files_t), [{"job_id": job.id, "seq": i, "name": f.name, "state": f.state,
                                                 "message": f.message} for i, f in enumerate(job.files)])
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
            last = job.finished and not job.closed
            if last:
                job.closed = True
                self._live.pop(job.id, None)
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
        """Stop: files not yet through are marked failed (this process will not parse them); `wait`
        for the files being parsed (their outcome is then recorded over the mark)."""
        self._keepalive.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            live, self._live = list(self._live.values()), {}
        for job in live:
            try:
                with writing(self.engine) as c:
                    c.execute(update(files_t).where(files_t.c.job_id == job.id,
                                                    files_t.c.state.in_(("queued", "running")))
                              .values(state="error", message=STOPPED))
                    c.execute(update(jobs_t).where(jobs_t.c.id == job.id).values(closed=True, seen=self.clock()))
            except Exception:
                pass
        if wait:
            self._pool.shutdown(wait=True)
