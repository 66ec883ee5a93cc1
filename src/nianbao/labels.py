"""Former "table of truth", now a thin view of the forms (form/) under the old names, for the
modules and tests not yet moved to `nianbao.form`. It holds no data of its own: every name
below is computed from FORM_2021 / FORM_2019. New code imports `nianbao.form`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .form import CHINESE_ORDINALS, FORM_2019, FORM_2021, normalize_label

FORMAT_2021 = FORM_2021.version
FORMAT_2019 = FORM_2019.version

_ACTIVE = FORM_2021.table("active_disclosure")
_APPS = FORM_2021.table("applications")
_APPS_2019 = FORM_2019.table("applications")
_REVIEW = FORM_2021.table("review_litigation")


@dataclass(frozen=True)
class RowLabel:
    key: str
    group: str | None      # the innermost group label, e.g. "（三）不予公开"
    label: str             # the official leaf label
    patterns: tuple[str, ...] = ()


APPLICANTS: list[tuple[str, str]] = [(c.key, c.label) for c in _APPS.columns]
APPLICANT_KEYS = [k for k, _ in APPLICANTS]
APP_ROWS: list[RowLabel] = [RowLabel(r.key, r.group, r.leaf, r.variants) for r in _APPS.rows]
APP_ROW_KEYS = [r.key for r in APP_ROWS]
APP_ROW_BY_KEY = {r.key: r for r in APP_ROWS}
OUTCOME_ROW_KEYS = [FORM_2021.cell(p)[1].key for p in FORM_2021.identities("T302")[0].rhs]
_LEGACY_ROWS = [r for r in _APPS_2019.rows if r.path_prefix != _APPS.rows[0].path_prefix]
APP_ROW_KEYS_2019 = [r.key for r in _APPS_2019.rows if r not in _LEGACY_ROWS]
LEGACY_OTHER_2019 = _LEGACY_ROWS[0].key

REVIEW_GROUPS: list[tuple[str, str]] = [(r.key, r.name) for r in _REVIEW.rows]
REVIEW_GROUP_KEYS = [k for k, _ in REVIEW_GROUPS]
REVIEW_COLS: list[tuple[str, str]] = [(c.key, c.label) for c in _REVIEW.columns]
REVIEW_COL_KEYS = [k for k, _ in REVIEW_COLS]

ACTIVE_ROWS: list[tuple[str, str, str]] = [(r.key, r.leaf, r.labels[0]) for r in _ACTIVE.rows]
ACTIVE_COLS: dict[str, list[tuple[str, str]]] = {r.key: [(c.key, c.label) for c in r.columns] for r in _ACTIVE.rows}
ACTIVE_ROW_LABELS = {k: label for k, label, _ in ACTIVE_ROWS}

TABLE_TITLES = {t.key: t.title for t in FORM_2021.tables}
SECTION_HEADINGS = list(FORM_2021.sections)


def all_cell_paths(fmt: str = FORMAT_2021) -> list[str]:
    """Dotted paths of the 2021 model's cells a report of the format has (2019: without the three
    （六） rows; its own cells under tables.legacy are not listed)."""
    if fmt == FORMAT_2021:
        return FORM_2021.cell_paths()
    rows = set(APP_ROW_KEYS_2019)
    return [p for p in FORM_2021.cell_paths()
            if not p.startswith(_APPS.rows[0].path_prefix + ".") or FORM_2021.cell(p)[1].key in rows]


_ROW_PATTERNS = [(r, [re.compile(p) for p in r.patterns]) for r in APP_ROWS]
_ROW_EXACT = {normalize_label(r.label): r.key for r in APP_ROWS}
_RESULTS = _APPS.row("granted").group or ""
_RESULTS_GROUP = normalize_label(_RESULTS)
_RESULTS_WORDS = _RESULTS_GROUP[-4:]          # "办理结果"


@lru_cache(maxsize=16384)
def match_app_row(label: str) -> str | None:
    """The table-三 row key a (leaf) label names, or None. Exact official wording first."""
    n = normalize_label(label)
    if not n:
        return None
    if n.startswith(_RESULTS_GROUP) and len(n) > len(_RESULTS_GROUP):
        # the group label glued to the leaf in one cell: "三、本年度办理结果（一）予以公开"
        rest = label[label.index(_RESULTS_WORDS) + len(_RESULTS_WORDS):] if _RESULTS_WORDS in label else ""
        # normalised, the leaf's numbering lost its brackets: "本年度办理结果一予以公开"
        return match_app_row(rest) or match_app_row(re.sub(f"^[{CHINESE_ORDINALS}]+", "", normalize_label(rest)))
    if n in _ROW_EXACT:
        return _ROW_EXACT[n]
    for row, pats in _ROW_PATTERNS:
        if any(p.search(n) for p in pats):
            return row.key
    return None


def is_official_app_label(key: str, label: str) -> bool:
    """Whether a found label is the official wording (ignoring numbering, spaces, punctuation)."""
    return normalize_label(label) == normalize_label(APP_ROW_BY_KEY[key].label)
