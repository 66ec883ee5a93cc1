"""What the table reader found, and how it goes into a Report (one validated row object per row)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...document import Loc
from ...form import FORM_2019, FORM_2021
from ...model import ACTIVE_ROW_MODELS, ApplicantRow, LabelVariant, Number, Report, ReviewRow, Unread
from ..values import position

ORDER = tuple(t.key for t in FORM_2021.tables)
# table 三's rows a 2019 report has in the shared model (its （六）其他处理 lives under tables.legacy)
_ROWS_2019 = tuple(r.key for r in FORM_2019.table("applications").rows
                   if r.path_prefix == FORM_2021.table("applications").rows[0].path_prefix)


@dataclass
class TableResult:
    cells: dict[str, tuple[Number, Loc | None]] = field(default_factory=dict)   # "tables.…" → value, where
    found: set[str] = field(default_factory=set)
    variants: list[LabelVariant] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    without_values: list[str] = field(default_factory=list)
    format_2019: bool = False

    def set(self, path: str, value: Number, loc: Loc | None) -> None:
        if path not in self.cells or self.cells[path][0] is None and value is not None:
            self.cells[path] = (value, loc)

    def apply(self, report: Report) -> None:
        rows: dict[str, dict[str, Number]] = {}
        for path, (value, loc) in self.cells.items():
            row, _, col = path.rpartition(".")
            rows.setdefault(row, {})[col] = value
            if loc is not None and value is not None:
                pos = position(loc)
                if pos is not None:
                    report.provenance[path] = pos
        t = report.tables
        legacy: dict[str, dict[str, dict[str, Number]]] = {}
        for row, vals in rows.items():
            _, table, key = row.split(".", 2)
            if table == "legacy":
                ltable, lrow = key.split(".", 1)
                legacy.setdefault(ltable, {})[lrow] = vals
            elif table == "applications":
                t.applications[key] = ApplicantRow(**vals)
            elif table == "review_litigation":
                setattr(t.review_litigation, key, ReviewRow(**vals))
            else:
                setattr(t.active_disclosure, key, ACTIVE_ROW_MODELS[key](**vals))
        ex = report.extraction
        ex.tables_found = [k for k in ORDER if k in self.found]
        ex.label_variants.extend(self.variants)
        ex.notes.extend(self.notes)
        ex.unread.extend(self.unread)
        ex.tables_without_values.extend(k for k in ORDER if k in self.without_values)
        if self.format_2019:
            report.format = FORM_2019.version
            t.applications = {k: t.applications[k] for k in _ROWS_2019 if k in t.applications}
            if legacy.get("active_disclosure"):
                t.active_disclosure.regulations = None
                t.active_disclosure.normative_documents = None
                t.active_disclosure.fees = None
        if legacy:
            t.legacy = legacy
