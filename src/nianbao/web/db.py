"""The web's own tables (reviewer accounts) and their migrations.

They live beside the store's tables in the same database but have their own
declarative base and their own Alembic history (version table
`web_alembic_version`, scripts in web/migrations), so the store's schema and
migration chain stay the store's alone.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "web_alembic_version"


class Base(DeclarativeBase):
    pass


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
