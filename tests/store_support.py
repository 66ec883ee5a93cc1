"""Database fixtures shared by the store, ingest, compare and export tests: every test that takes
`db_url` runs twice, on a fresh SQLite file and on a fresh PostgreSQL schema (in one database
created for the test session; schema and database are dropped after).

PostgreSQL: $NIANBAO_TEST_PG (an admin URL) or postgres@127.0.0.1:5432/test with trust auth.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN = os.environ.get("NIANBAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin():
    try:
        eng = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        return eng
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {e}")


_pg_session: tuple | None = None     # (URL, engine) of this session's database


def _pg_database(config):
    """One fresh PostgreSQL database per test session, dropped when the session ends (importing
    `db_url` is all a test module needs; no session fixture to import as well)."""
    global _pg_session
    if _pg_session is None:
        admin = _pg_admin()
        name = f"nianbao_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name)
        eng = create_engine(url, isolation_level="AUTOCOMMIT")

        def drop() -> None:
            global _pg_session
            eng.dispose()
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
            _pg_session = None

        config.add_cleanup(drop)
        _pg_session = (url, eng)
    return _pg_session


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nianbao.db'}"
        return
    url, eng = _pg_database(request.config)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with eng.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # every connection of this URL (also in subprocesses) works in the test's own schema
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with eng.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def store(db_url):
    from nianbao.store import open_store

    s = open_store(db_url)
    yield s
    s.close()
