"""The declarative base for the web's own tables (accounts).

Kept apart from the report tables so the web can create what it needs on any
store database without touching the store's schema.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


def ensure_tables(engine: Engine) -> None:
    from . import auth  # noqa: F401  (registers the models)

    Base.metadata.create_all(engine)
