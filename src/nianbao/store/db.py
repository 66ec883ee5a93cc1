"""Where the store lives and how to connect: URL resolution, engine setup, self-migration.

SQLite is the embedded default (`nianbao.db` in the working directory); PostgreSQL via a
`postgresql+psycopg://…` URL or the NIANBAO_DB environment variable.
"""
from __future__ import annotations

import contextvars
import os
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

DEFAULT_URL = "sqlite:///nianbao.db"
MIGRATIONS = Path(__file__).with_name("migrations")

# Set while a write transaction is opened: SQLite then starts it with BEGIN IMMEDIATE, so two
# writers queue on the busy timeout instead of failing when a read lock cannot be upgraded.
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("nianbao_immediate", default=False)


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """The database URL: the argument, else $NIANBAO_DB, else ./nianbao.db. A bare path means SQLite."""
    u = str(url) if url else os.environ.get("NIANBAO_DB") or DEFAULT_URL
    if "://" not in u:
        u = f"sqlite:///{Path(u).expanduser()}"
    if u.startswith(("postgresql://", "postgres://")):
        u = "postgresql+psycopg://" + u.split("://", 1)[1]    # psycopg 3 is the driver we ship
    return u


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None    # we issue BEGIN ourselves (see _begin)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (the store calls this on open)."""
    from alembic import command

    if revision == "head" and current_revision(engine) == head_revision():
        return
    token = _immediate.set(True)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except Exception:
        # another process may have migrated between our check and our upgrade
        if current_revision(engine) != head_revision():
            raise
    finally:
        _immediate.reset(token)
