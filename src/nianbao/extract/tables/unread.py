"""Rows whose values could not be placed: null cells and the reason (extraction.unread)."""
from __future__ import annotations

from ...form import Row
from ...model import Unread
from ..values import position
from .result import TableResult
from .rows import RowRead


def record(res: TableResult, row: Row, slots: list, why: str, r: RowRead) -> None:
    if why:
        res.unread.append(Unread(row=f"{row.path_prefix}.{row.key}", cells=row.paths(), reason=why,
                                 evidence=position(r.label.loc)))
