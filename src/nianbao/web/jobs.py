"""Background ingest of uploaded files with per-file progress the upload page polls.

A small thread pool parses and stores files one by one; a bad file gets its own
Chinese message and the rest go on. Jobs live in memory: they are progress
reports, not records (what was stored is in the store).
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


@dataclass
class FileStatus:
    name: str
    state: str = "queued"          # queued, running, done, error
    message: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "处理中", "done": "已入库", "error": "失败"}[self.state]

    def as_dict(self) -> dict:
        return {"name": self.name, "state": self.state, "message": self.message, "report_id": self.report_id,
                "agency": self.agency, "year": self.year}


@dataclass
class Job:
    id: str
    user: str
    files: list[FileStatus] = field(default_factory=list)
    created: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return all(f.state in ("done", "error") for f in self.files)

    @property
    def progress(self) -> tuple[int, int]:
        return sum(f.state in ("done", "error") for f in self.files), len(self.files)

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

    def start(self, user: str, items: list[tuple[str, Callable[[], tuple[int, str | None, int | None]]]],
              failed: list[InputError] = ()) -> Job:
        """items: (file name, work) where work() stores the file and returns (report id, agency, year)."""
        job = Job(secrets.token_urlsafe(12), user)
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
            self._pool.submit(self._run, st, work)
        return job

    @staticmethod
    def _run(st: FileStatus, work) -> None:
        st.state = "running"
        try:
            st.report_id, st.agency, st.year = work()
            st.state = "done"
        except InputError as e:
            st.message, st.state = e.message, "error"
        except Exception as e:  # a bug or an unforeseen file: one line for this file, the job goes on
            st.message, st.state = f"无法处理（{type(e).__name__}: {e}）", "error"

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
