"""Alembic environment of the web tables; run by web/db.py with the store's connection."""
from __future__ import annotations

from alembic import context

from nianbao.web import auth  # noqa: F401  (registers the models)
from nianbao.web.db import VERSION_TABLE, Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
