"""The fetch state kept in the store (table fetch_url, migration 0004): per URL what it was, its
validators for conditional requests, the links it led to, the page metadata and the last error;
and fetch runs (ingest_run rows with kind "fetch", their URLs in `paths`).

A run resumes an interrupted one: when the newest fetch runs of the same URLs did not finish
(killed, crashed, stopped by an exception), every URL answered since the first of them is taken
from the state without a request; the rest is fetched.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..lifeline import alive
from ..store.models import FetchUrl, IngestRun
from ..store.store import _now

RUN_KIND = "fetch"
RESUME_WITHIN = timedelta(days=7)     # an older interrupted run is not resumed: a fresh run asks conditionally


@dataclass
class UrlState:
    url: str
    kind: str | None = None               # "listing", "page", "document"
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    fetched_at: datetime | None = None
    checked_at: datetime | None = None
    run_id: int | None = None
    report_id: int | None = None
    page: dict[str, Any] | None = None
    links: dict[str, Any] | None = None   # {"next": [...], "reports": [[url, title]], "attachments": [[url, title]]}
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400


_COLS = [f.name for f in fields(UrlState)]


def get(store, url: str) -> UrlState | None:
    with store._read() as s:
        row = s.scalars(select(FetchUrl).where(FetchUrl.url == url)).first()
        return UrlState(**{c: getattr(row, c) for c in _COLS}) if row else None


def save(store, st: UrlState) -> None:
    """Insert or update the state of one URL (a concurrent fetch's insert makes this an update)."""
    values = {c: getattr(st, c) for c in _COLS}
    for _ in range(3):
        try:
            with store._write() as s:
                row = s.scalars(select(FetchUrl).where(FetchUrl.url == st.url)).first()
                if row is None:
                    s.add(FetchUrl(**values))
                else:
                    for k, v in values.items():
                        setattr(row, k, v)
            return
        except IntegrityError:
            continue


def start_run(store, urls: list[str]) -> int:
    run_id = store.start_run(urls)
    with store._write() as s:
        s.execute(update(IngestRun).where(IngestRun.id == run_id).values(kind=RUN_KIND))
    return run_id


def resume_since(store, urls: list[str]) -> datetime | None:
    """When the interrupted fetch runs of these URLs began (None: nothing to resume).

    The newest fetch runs with the same URLs are followed back while they did not finish; a run
    still going in another live process is not resumed (it is not interrupted), nor one older than
    RESUME_WITHIN."""
    key = sorted(set(urls))
    since = None
    with store._read() as s:
        for run in s.scalars(select(IngestRun).where(IngestRun.kind == RUN_KIND).order_by(IngestRun.id.desc())
                             .limit(200)):
            if sorted(set(run.paths or [])) != key:
                continue
            if run.finished_at is not None:
                break
            now = _now() if run.started_at.tzinfo else _now().replace(tzinfo=None)
            if now - run.started_at > RESUME_WITHIN:
                break
            if run.pid not in (None, os.getpid()) and run.host == socket.gethostname()[:255] and alive(run.pid):
                break
            since = run.started_at
    return since


@dataclass
class Counts:
    """A run's counts as `db runs` shows them: found → files, new → stored, unchanged → duplicates."""
    found: int = 0
    new: int = 0
    unchanged: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)


def record_run(store, run_id: int, c: Counts, *, finished: bool) -> None:
    store.finish_run(run_id, files=c.found, stored=c.new, duplicates=c.unchanged, failed=len(c.failures),
                     errors=c.failures, finished=finished)


now = _now
