"""Background ingest of uploaded files with per-file progress the upload page polls.

A few threads hand the files one by one to the Library (Library.add_file), which parses them in
its one worker-process pool (ingest.ParsePool, the pool `nianbao ingest` uses) and stores them;
the threads only wait and record each file's state. A bad file gets its own Chinese message and
the rest go on. Jobs live in memory: they are progress reports, not records (what was stored is
in the store).
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..errors import InputError

MAX_JOBS_KEPT = 200
FINAL = ("done", "duplicate", "error")


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
    def __init__(self, workers: int = 2):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nianbao-ingest")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def start(self, user: str, items: list[tuple[str, Callable[[], tuple[int, str | None, int | None, bool]]]],
              failed: list[InputError] = (), on_finish: Callable[[Job], None] | None = None) -> Job:
        """items: (file name, work) where work() stores the file and returns
        (report id, agency, year, duplicate); `on_finish(job)` runs once every file is through."""
        job = Job(secrets.token_urlsafe(12), user)
        job.on_finish = on_finish
        job.files = [FileStatus(e.file or "", "error", e.message) for e in failed]
        pending = [(FileStatus(name), work) for name, work in items]
        job.files += [st for st, _ in pending]
        with self._lock:
            if len(self._jobs) >= MAX_JOBS_KEPT:
                for old in sorted(self._jobs.values(), key=lambda j: j.created)[: MAX_JOBS_KEPT // 2]:
                    if old.finished:
                        self._jobs.pop(old.id, None)
            self._jobs[job.id] = job
        for st, work in pending:
            self._pool.submit(self._run, job, st, work)
        if not pending:
            self._finish(job)
        return job

    def _run(self, job: Job, st: FileStatus, work) -> None:
        st.state = "running"
        try:
            st.report_id, st.agency, st.year, dup = work()
            st.state = "duplicate" if dup else "done"
        except InputError as e:
            st.message, st.state = e.message, "error"
        except Exception as e:  # a bug or an unforeseen file: one line for this file, the job goes on
            st.message, st.state = f"无法处理（{type(e).__name__}: {e}）", "error"
        with self._lock:
            last = job.finished and not job.closed
            if last:
                job.closed = True
        if last:
            self._finish(job)

    @staticmethod
    def _finish(job: Job) -> None:
        job.closed = True
        if job.on_finish:
            try:
                job.on_finish(job)
            except Exception:  # recording the run is bookkeeping; the files are stored either way
                pass

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
