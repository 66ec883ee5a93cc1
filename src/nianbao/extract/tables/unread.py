"""Rows whose values could not be placed: null cells and the reason (extraction.unread)."""
from __future__ import annotations

from ...form import Row
from ...model import Unread
from ..values import position
from .place import UNDECIDED
from .result import TableResult
from .rows import RowRead


def record(res: TableResult, row: Row, slots: list, why: str, r: RowRead) -> None:
    if why:
        # the cells the readings disagree on (all of the row's when none was placed)
        cells = [p for p, t in zip(row.paths(), slots) if t is UNDECIDED] or row.paths()
        res.unread.append(Unread(row=f"{row.path_prefix}.{row.key}", cells=cells, reason=why,
                                 evidence=position(r.label.loc)))
