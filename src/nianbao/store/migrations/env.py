"""Alembic environment. The store runs it itself on open (store/db.py → migrate), passing its
own connection; `alembic -x url=…` from the command line works too."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from nianbao.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # two processes opening a fresh database at once: one migrates, the other waits
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(84217301)")
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
