"""The web's own tables and their migrations: reviewer accounts (web_users, model in auth.py), and
the state the server processes of `nianbao serve --processes N` share — upload jobs with their
files' progress, failed logins, the users' upload reservations (tables below).

They live beside the store's tables in the same database but have their own
declarative base and their own Alembic history (version table
`web_alembic_version`, scripts in web/migrations), so the store's schema and
migration chain stay the store's alone.

A row that belongs to work in flight in one process (a job being parsed, an upload's reservation)
carries `seen`, the time that process last vouched for it (`Keepalive`, every HEARTBEAT seconds):
when the process dies, the row goes stale after STALE seconds and the other processes treat it as
over (a job shows 失败, a reservation stops counting).
"""
from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text,
                        false, inspect, text)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "web_alembic_version"
HEARTBEAT = 15.0       # seconds between a process's refreshes of its rows in flight
STALE = 120.0          # seconds without a refresh after which a row's process is taken for dead


class Base(DeclarativeBase):
    pass


# ------------------------------------------------------------------ shared state of the server processes
jobs_table = Table(
    "web_jobs", Base.metadata,
    Column("id", String(32), primary_key=True),
    Column("user", String(100), nullable=False),
    Column("created", Float, nullable=False),
    Column("seen", Float, nullable=False),             # the running process's heartbeat (or the finish)
    Column("closed", Boolean, nullable=False, server_default=false()),
    Column("run_id", Integer),                         # the store's ingest run of the upload (w0004)
    Index("ix_web_jobs_created", "created"),
)

job_files_table = Table(
    "web_job_files", Base.metadata,
    Column("job_id", String(32), ForeignKey("web_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("state", String(10), nullable=False),       # queued, running, done, duplicate, error
    Column("message", Text, nullable=False, server_default=""),
    Column("report_id", Integer),
    Column("agency", Text),
    Column("year", Integer),
    Column("sha256", String(64)),                      # the file's hash: found in the store after a crash (w0004)
)

login_failures_table = Table(
    "web_login_failures", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_web_login_failures_key", "client", "name", "at"),
    Index("ix_web_login_failures_client", "client", "at"),
    Index("ix_web_login_failures_at", "at"),
)

upload_reservations_table = Table(
    "web_upload_reservations", Base.metadata,
    Column("id", String(32), primary_key=True),
    Column("user", String(100), nullable=False),
    Column("nbytes", BigInteger, nullable=False),
    Column("nfiles", Integer, nullable=False),
    Column("seen", Float, nullable=False),
    Index("ix_web_upload_reservations_user", "user"),
)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction. On SQLite it takes the write lock at BEGIN (as the store's writes do), so
    a transaction that reads before it writes waits its turn on the busy timeout instead of failing
    with "database is locked" when another process writes meanwhile."""
    from ..store import db as store_db

    token = store_db._immediate.set(True)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        store_db._immediate.reset(token)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[Connection]:
    """A transaction that runs alone among those of every process that ask for the same `name`
    (check-then-write without a race): on SQLite the database's write lock taken at BEGIN, on
    PostgreSQL a transaction-scoped advisory lock."""
    with writing(engine) as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                         {"k": zlib.crc32(f"nianbao:{name}".encode()) - 2**31})
        yield conn


class Keepalive:
    """Refreshes this process's rows in flight (`touch(keys)`, their `seen`) every `interval` seconds
    on a daemon thread, which runs only while there is something to refresh."""

    def __init__(self, touch: Callable[[set[str]], None], interval: float = HEARTBEAT):
        self._touch, self.interval = touch, interval
        self._live: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(self, key: str) -> None:
        with self._lock:
            self._live.add(key)
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._loop, name="nianbao-keepalive", daemon=True)
                self._thread.start()

    def discard(self, key: str) -> None:
        with self._lock:
            self._live.discard(key)

    def live(self) -> set[str]:
        with self._lock:
            return set(self._live)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                keys = set(self._live)
                if not keys:
                    self._thread = None
                    return
            try:
                self._touch(keys)
            except Exception:  # a busy or unreachable database: the next beat tries again
                pass

    def stop(self) -> None:
        """No more beats; waits for one under way."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(10)


# ------------------------------------------------------------------ migrations
def _config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def ensure_tables(engine: Engine) -> None:
    """Upgrade the web tables to the latest revision (idempotent; cheap when up to date)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    if _current(engine) == head:
        return
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
    except Exception:
        if _current(engine) != head:      # another process may have migrated meanwhile
            raise
