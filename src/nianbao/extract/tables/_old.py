"""Tables 二/三/四 from the document's table rows, found by their labels.

All table rows of the document are read as one stream in reading order, so a table
without its title, two tables merged into one block, or a table split over several
blocks (a page break) read the same. A row is identified by its leaf label (the last
label cell); its values are the cells after that label. Header rows switch the zone
(which table we are in), which decides the ambiguous leaves "其他" and "总计".

Where a conversion's empty cells make a table-三 row's columns ambiguous, the candidate
readings are, most trusted first: exactly 7 cells after the label; the table's full-grid
shape (every row the same length, values in the last 7 cells); the header's column
positions; the cells after the label without the conversion's edge padding. A less trusted
reading wins only when it adds up (总计 = the six columns) and the trusted one does not; a row
that its own 总计 cannot settle takes, once the table is read, the reading with more columns
that balance the table's checks (一 + 二 = 三 + 四; 总计 = the outcome rows).

2019-format reports (table 二 with 本年新制作数量…, or table 三 with a single （六）其他处理
row) keep the old layout's own cells under `tables.legacy`; the pieces here (row_view,
fit, the readings) are plain functions so that a fuller 2019 extractor can reuse them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ... import labels as L
from ...document import Cell, Document, Loc, Paragraph, Table
from ...model import ApplicantRow, Decisions, DocCounts, Fees, LabelVariant, Number, Report, ReviewRow
from ..values import BLANK, LABEL, VALUE, fit, parse_cell, position

# ---------------------------------------------------------------- label sets (normalised text)
# A row label is the label, maybe with a short unit ("行政事业性收费万元"): a line of prose that
# starts with the same words ("规范性文件进行集中公开并动态更新") is not the row.
ACTIVE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("normative_documents", re.compile(r"^(?:行政)?规范性文件.{0,4}$")),
    ("regulations", re.compile(r"^(?:政府)?规章(?:件数)?$")),
    ("licensing", re.compile(r"^行政许可.{0,4}$")),
    ("punishment", re.compile(r"^行政处罚.{0,4}$")),
    ("enforcement", re.compile(r"^行政强制.{0,4}$")),
    ("fees", re.compile(r"^行政事业性收费.{0,6}$")),
]
# 2019 format, table 二: row → the old layout's columns, kept under tables.legacy.active_disclosure;
# the 处理决定数量 of 行政许可/行政处罚/行政强制 is also the 2021 model's `decisions`.
LEGACY_ACTIVE_2019: dict[str, tuple[re.Pattern, tuple[str, ...]]] = {
    "regulations": (re.compile(r"^(?:政府)?规章.{0,4}$"), ("new_made", "new_published", "total_published")),
    "normative_documents": (re.compile(r"^(?:行政)?规范性文件.{0,4}$"), ("new_made", "new_published", "total_published")),
    "licensing": (re.compile(r"^行政许可.{0,4}$"), ("prev_year_items", "change", "decisions")),
    "other_services": (re.compile(r"^其他对外管理服务事项.{0,4}$"), ("prev_year_items", "change", "decisions")),
    "punishment": (re.compile(r"^行政处罚.{0,4}$"), ("prev_year_items", "change", "decisions")),
    "enforcement": (re.compile(r"^行政强制.{0,4}$"), ("prev_year_items", "change", "decisions")),
    "fees": (re.compile(r"^行政事业性收费.{0,6}$"), ("prev_year_items", "change")),
    "procurement": (re.compile(r"^政府集中采购.{0,4}$"), ("items", "amount")),
}
SHARED_2019 = ("licensing", "punishment", "enforcement")
ACTIVE_HEADER_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
ACTIVE_HEADER_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
APP_HEADER = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
              "本列数据的勾稽关系")
APP_COLUMN_LABELS = {"自然人": "natural_person", "商业企业": "commercial", "科研机构": "research",
                     "社会公益组织": "social_welfare", "法律服务机构": "legal_service", "其他": "other_org",
                     "总计": "total"}
REVIEW_HEADER = ("行政复议", "行政诉讼", "未经复议", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结")
REVIEW_GROUP_LABELS = {"行政复议": "review", "未经复议直接起诉": "litigation_direct", "直接起诉": "litigation_direct",
                       "复议后起诉": "litigation_after_review"}
OTHER_PROCESSING_2019 = "其他处理"
# the last words of table 四's header when its labels are split over lines ("结果\n维持", "尚未\n审结")
_REVIEW_HEADER_LEAVES = {"总计", "审结", "维持", "纠正", "结果", "其他", "尚未审结", "其他结果", "结果维持", "结果纠正"}
ACTIVE_ROW_MODELS = {"regulations": DocCounts, "normative_documents": DocCounts, "licensing": Decisions,
                     "punishment": Decisions, "enforcement": Decisions, "fees": Fees}

N_APP = len(L.APPLICANT_KEYS)
normalize = L.normalize_label          # both cached in labels
match_app_row = L.match_app_row
N_REVIEW = len(L.REVIEW_COL_KEYS)
OUTCOME_ROWS = tuple(L.OUTCOME_ROW_KEYS)                                            # 总计 = their sum
BALANCE_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")   # 一 + 二 = 三 + 四


@dataclass(slots=True)
class RowView:
    """A table row as the extractor sees it: cells (covered slots skipped), kinds and values."""
    cells: list[Cell]
    kinds: list[int]
    values: list[Number]
    norms: list[str]                 # normalised label text ("" for non-labels)
    loose_tail: bool = False         # split off a longer row: trailing blanks may be the next row's slots

    @property
    def label_idx(self) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == LABEL]

    @property
    def has_values(self) -> bool:
        return VALUE in self.kinds

    def after(self, i: int, expected: int | None = None) -> list[Cell]:
        """The cells after label i; for a row split off a longer one, blanks beyond the `expected`
        values are the next row's (covered label slots, printed as blank cells)."""
        run = self.cells[i + 1:]
        if self.loose_tail and expected is not None and len(run) > expected \
                and not any(c.text.strip() for c in run[expected:]):
            return run[:expected]
        return run


def row_view(row: Sequence[Cell]) -> RowView:
    cells = [c for c in row if not c.covered]
    kinds, values, norms = [], [], []
    for c in cells:
        k, v = parse_cell(c.text)
        kinds.append(k)
        values.append(v)
        norms.append(normalize(c.text) if k == LABEL else "")
    return RowView(cells, kinds, values, norms)


def _names_row(norm: str) -> bool:
    key = match_app_row(norm)
    return key is not None and key not in ("other.other", "results_total") or match_active(norm) is not None


def split_rows(v: RowView) -> list[RowView]:
    """A row that holds several table rows (cells printed one per line with nothing between the
    rows) split where a row starts: at a label after a value, or at a row label after the blank
    cells of a row label ("规章" "" "" "" "行政规范性文件"). The blank cells between two rows go
    with the first (loose_tail): which of them are its values, its columns decide."""
    kinds = v.kinds
    if LABEL not in kinds:
        return [v]
    starts = [0]
    leaf = -1                     # the current segment's last label
    valued = False                # a value after it
    for i, k in enumerate(kinds):
        if k == VALUE:
            valued = leaf >= 0 or valued
        elif k == LABEL:
            if leaf >= 0 and (valued or i > leaf + 1 and _names_row(v.norms[leaf]) and _names_row(v.norms[i])):
                starts.append(i)
            leaf, valued = i, False
    if len(starts) == 1:
        return [v]
    ends = starts[1:] + [len(kinds)]
    return [RowView(v.cells[a:b], kinds[a:b], v.values[a:b], v.norms[a:b], loose_tail=b < len(kinds))
            for a, b in zip(starts, ends)]


def app_grid_length(views: Sequence[RowView]) -> int | None:
    """The row length of table 三 when it is printed as a full grid (every row has all its label
    slots, then the 7 values in the last 7 cells), judged by the rows whose 7 values are all there."""
    lengths: dict[int, list[bool]] = {}
    for v in views:
        labels = v.label_idx
        if not labels or VALUE not in v.kinds or match_app_row(v.norms[labels[-1]]) is None:
            continue
        filled = [i for i in range(labels[-1] + 1, len(v.cells)) if v.kinds[i] != BLANK or v.cells[i].text.strip()]
        if len(filled) != N_APP:
            continue
        n = len(v.cells)
        lengths.setdefault(n, []).append(filled == list(range(n - N_APP, n)))
    if not lengths:
        return None
    n, fits = max(lengths.items(), key=lambda kv: len(kv[1]))
    total = sum(len(f) for f in lengths.values())
    return n if len(fits) * 2 >= total and all(fits) else None


def _value(cell: Cell | None) -> Number:
    if cell is None:
        return None
    kind, value = parse_cell(cell.text)
    return value if kind == VALUE else None


def row_sum_score(slots: Sequence[Cell | None]) -> int:
    """How well a reading of a table-三 row fits its own 总计 = sum of the six columns (T301), a blank
    counting as 0: 2 it adds up, 1 it cannot be checked (总计 blank), 0 it does not add up."""
    values = [_value(c) for c in slots]
    total, parts = values[-1], [v for v in values[:-1] if v is not None]
    if total is None or not parts:
        return 1
    if abs(sum(parts) - total) > 1e-9:
        return 0
    return 2 if total else 1          # zeros add up in any reading: no evidence


def choose_reading(readings: list[list[Cell | None]]) -> list[Cell | None]:
    """The most trusted reading, unless a less trusted one adds up and it does not. Readings differ
    only when the conversion's empty cells make the columns ambiguous; a row that adds up in no
    reading keeps the most trusted one, so the audit still sees the report's own error."""
    first = readings[0]
    if all(len(r) == len(first) and all(a is b for a, b in zip(r, first)) for r in readings[1:]):
        return first
    if row_sum_score(first) == 2:
        return first
    return next((r for r in readings[1:] if row_sum_score(r) == 2), first)


def _review_group(leaf: str) -> str | None:
    """The table-四 group a row label names: "行政复议", "未经复议直接起诉", "行政诉讼（复议后起诉）"."""
    if leaf in REVIEW_GROUP_LABELS:
        return REVIEW_GROUP_LABELS[leaf]
    if leaf.startswith("行政诉讼"):
        return next((g for lab, g in REVIEW_GROUP_LABELS.items() if leaf.endswith(lab) and lab != "行政复议"), None)
    return None


def iter_rows(doc: Document) -> Iterable[list[Cell]]:
    """The rows of the document's tables. A short line between two tables is a row of one cell: the
    first line of a label cell whose line break the conversion kept ("（二）部分公开（区分处理的，只计
    这一情形，" / "不计其他情形）\t77\t18…"), or a running page header, which names no row."""
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            yield from b.rows
        elif 0 < i < len(blocks) - 1 and isinstance(blocks[i - 1], Table) and isinstance(blocks[i + 1], Table) \
                and len(b.text) <= 40 and "。" not in b.text:
            yield [Cell(b.text, b.loc)]


@lru_cache(maxsize=4096)
def match_active(norm: str) -> str | None:
    for key, pat in ACTIVE_PATTERNS:
        if pat.search(norm):
            return key
    return None


_NEEDLES: dict[tuple[str, ...], re.Pattern] = {}


@lru_cache(maxsize=4096)
def match_active_2019(norm: str) -> str | None:
    for key, (pat, _) in LEGACY_ACTIVE_2019.items():
        if pat.search(norm):
            return key
    return None


def _any_contains(joined: str, needles: tuple[str, ...]) -> bool:
    pat = _NEEDLES.get(needles)
    if pat is None:
        pat = _NEEDLES[needles] = re.compile("|".join(map(re.escape, needles)))
    return pat.search(joined) is not None


@dataclass
class TableResult:
    """What the table reader found; `apply` writes it into a Report."""
    cells: dict[str, tuple[Number, Cell | None]] = field(default_factory=dict)   # "tables.…" → value, cell
    found: set[str] = field(default_factory=set)
    variants: list[LabelVariant] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    format_2019: bool = False

    def apply(self, report: Report) -> None:
        rows: dict[str, dict[str, Number]] = {}
        for path, (value, cell) in self.cells.items():
            row, _, col = path.rpartition(".")
            rows.setdefault(row, {})[col] = value
            if cell is not None:
                pos = position(cell.loc)
                if pos is not None:
                    report.provenance[path] = pos
        t = report.tables
        legacy: dict[str, dict[str, dict[str, Number]]] = {}
        for row, values in rows.items():      # one validated row object each: cheaper than a setattr per cell
            _, table, key = row.split(".", 2)
            if table == "legacy":
                ltable, lrow = key.split(".", 1)
                legacy.setdefault(ltable, {})[lrow] = values
            elif table == "applications":
                t.applications[key] = ApplicantRow(**values)
            elif table == "review_litigation":
                setattr(t.review_litigation, key, ReviewRow(**values))
            else:
                setattr(t.active_disclosure, key, ACTIVE_ROW_MODELS[key](**values))
        order = ["active_disclosure", "applications", "review_litigation"]
        report.extraction.tables_found = [t for t in order if t in self.found]
        report.extraction.label_variants.extend(self.variants)
        report.extraction.notes.extend(self.notes)
        if self.format_2019:
            report.format = L.FORMAT_2019
            # what the 2019 layout does not have is absent, not blank
            t.applications = {k: t.applications[k] for k in L.APP_ROW_KEYS_2019 if k in t.applications}
            if legacy.get("active_disclosure"):
                t.active_disclosure.regulations = None
                t.active_disclosure.normative_documents = None
                t.active_disclosure.fees = None
        if legacy:
            t.legacy = legacy


class TableReader:
    """Walks the row stream once; see the module docstring."""

    def __init__(self) -> None:
        self.res = TableResult()
        self.zone: str | None = None
        self.app_seen: set[str] = set()
        self.app_cols: list[int] | None = None      # column index of each applicant column, if the header is a grid
        self._app_col_pos: dict[str, int] = {}
        self.review_cells: list[Cell] = []
        self.review_rows_done: set[str] = set()
        self.review_header_text = ""
        self.pending: tuple[str, str, RowView, int] | None = None   # (table, key, view, label index)
        self.pending_tail = ""    # label-only rows after the pending one that go on with its label
        self.last_variant: tuple[int, str] | None = None          # (index in res.variants, row key)
        self.ambiguous: dict[str, tuple[list[list[Cell | None]], list[Cell | None]]] = {}  # key → readings, chosen
        self.fragment = ""        # a table-三 label-only row naming no row: the start of a wrapped label
        self.before = ""          # the fragment of the rows just before the current one

    # ---------------------------------------------------------------- entry
    def read(self, rows: Iterable[Sequence[Cell]], split: bool = True) -> TableResult:
        """split: a row may hold several table rows (see split_rows); not for lines of text read
        as rows, where a line is at most one row and figures after words are prose."""
        views = [s for r in rows for s in split_rows(row_view(r))] if split else [row_view(r) for r in rows]
        self.app_grid_len = app_grid_length(views)
        for v in views:
            self.row(v)
        self._flush_pending()
        self._finish_review()
        self._rebalance()
        return self.res

    def row(self, v: RowView) -> None:
        prev_variant, self.last_variant = self.last_variant, None
        self.before, self.fragment = self.fragment, ""
        labels = v.label_idx
        if not labels:
            self._unlabelled(v)
            return
        last = labels[-1]
        leaf = v.norms[last]
        norms = "|".join(v.norms[i] for i in labels)
        if not self.res.format_2019 and _any_contains(norms, ACTIVE_HEADER_2019):
            # before the row's own label: header and first row may run together (one cell per line)
            self._flush_pending()
            self.res.format_2019 = True
            self.res.notes.append("表二为2019年版格式（本年新制作数量/本年新公开数量/对外公开总数量），按2019年版报告处理")
        # table 二
        key = match_active_2019(leaf) if self.res.format_2019 else match_active(leaf)
        if key:
            self.zone = "active"
            self._labelled_row("active", key, v, last)
            return
        # a table-三 data row (the common case) needs none of the header checks below
        key = match_app_row(leaf)
        if key is not None and key not in ("other.other", "results_total"):
            key = self._app_key(leaf, v, labels)
            if key:
                self.zone = "app"
                self._labelled_row("app", key, v, last)
            return
        # headers
        if _any_contains(norms, ACTIVE_HEADER_2021) or "第二十条" in norms or _any_contains(norms, ACTIVE_HEADER_2019):
            self._flush_pending()
            self.zone = "active"
            return
        group = _review_group(leaf)
        if group and v.has_values:          # table 四 printed with groups as rows
            self._flush_pending()
            self._review_group_row(group, v, last)
            return
        if _any_contains(norms, REVIEW_HEADER) or self.zone == "review" and leaf in _REVIEW_HEADER_LEAVES:
            self._flush_pending()
            self.zone = "review"
            self.res.found.add("review_litigation")
            self.review_header_text += "|" + norms
            if v.has_values:                  # header and value cells run together (no row breaks)
                self.review_cells.extend(v.after(last))
            return
        if _any_contains(norms, APP_HEADER) and not self._app_data_label(leaf, v.cells[last].text):
            self._flush_pending()
            self.zone = "app"
            self.res.found.add("applications")
            self._app_header(v)
            return
        # table 三
        key = self._app_key(leaf, v, labels)
        if key:
            self.zone = "app"
            self._labelled_row("app", key, v, last)
            return
        if leaf == OTHER_PROCESSING_2019 and self.zone == "app" and v.has_values:
            self._flush_pending()
            self._legacy_other(v, last)
            return
        fragment = self.before
        if v.has_values and fragment and self.zone == "app" and self._wrapped_label(fragment, v, last):
            return
        if self.pending and v.has_values:         # the rest of a label broken over two rows, then values
            self._take_pending(v.after(last), v.cells[last].text.strip())
        elif not v.has_values:
            text = v.cells[last].text.strip()
            if self.pending and len(labels) == 1 and self._continues_pending(text):
                self.pending_tail += text
                return
            if self.zone == "app":                # "5.要求行政机关确" / "认或重新出具已获 3 4 …"
                self.fragment = text if _NUMBERING_PREFIX.match(text) else fragment + text
            if len(labels) == 1:
                self._label_tail(text, prev_variant)

    def _continues_pending(self, text: str) -> bool:
        table, key, pv, plast = self.pending
        official = L.APP_ROW_BY_KEY[key].label if table == "app" else L.ACTIVE_ROW_LABELS.get(key, "")
        found = normalize(pv.cells[plast].text + self.pending_tail + text)
        return normalize(official).startswith(found) and normalize(official) != normalize(pv.cells[plast].text)

    def _wrapped_label(self, fragment: str, v: RowView, last: int) -> bool:
        """A row with values whose label names no row, after label-only rows that named none either:
        one label wrapped over the lines, split inside its words ("5.属于三类内部事" / "务信息 4 1 …")."""
        for joined in _joined(fragment, v.cells[last].text.strip()):
            key = match_app_row(joined)
            if key is not None and key not in ("other.other", "results_total") and key not in self.app_seen:
                break
        else:
            return False
        leaf = Cell(joined, v.cells[last].loc)
        v = RowView(v.cells[:last] + [leaf] + v.cells[last + 1:], v.kinds, v.values,
                    v.norms[:last] + [normalize(joined)] + v.norms[last + 1:], v.loose_tail)
        self._labelled_row("app", key, v, last)
        return True

    def _label_tail(self, text: str, last: tuple[int, str] | None) -> None:
        """A label-only row after a row with values may be the rest of that row's wrapped label
        ("1.申请人无正当理由逾期不补正、行政机关 1 0 0 …" + "不再处理其政府信息公开申请"): then
        the row's wording is the official one after all."""
        if last is None:
            return
        i, key = last
        variant = self.res.variants[i]
        whole = variant.found + text
        official = L.is_official_app_label(key, whole) if variant.path.startswith("tables.applications.") \
            else normalize(whole) == normalize(variant.official)
        if official:
            del self.res.variants[i]
        elif normalize(variant.official).startswith(normalize(whole)):
            variant.found = whole                # wrapped over more lines still: the next may end it
            self.last_variant = last

    def _labelled_row(self, table: str, key: str, v: RowView, last: int) -> None:
        """A row whose leaf label names a cell row. With no value after the label it may be the first
        half of a label broken over two rows (or a label whose values follow on the next row)."""
        if self.pending and self.pending[:2] == (table, key):
            found = v.cells[last].text
            whole = L.is_official_app_label(key, found) if table == "app" else \
                normalize(found) == normalize(L.ACTIVE_ROW_LABELS.get(key, ""))
            if not whole:                    # "四、结转下年度" + "继续办理\t0…": one label in two rows
                self._take_pending(v.after(last), found.strip())
                return
            self.pending = None              # the first was a line of prose starting like the label
        self._flush_pending()
        if VALUE not in v.kinds[last + 1:]:
            self.pending, self.pending_tail = (table, key, v, last), ""
            return
        if table == "app":
            self._app_row(key, v, last)
        else:
            self._active_row(key, v, last)

    def _take_pending(self, run: list[Cell], tail: str = "") -> None:
        table, key, pv, plast = self.pending
        self.pending, tail, self.pending_tail = None, self.pending_tail + tail, ""
        if table == "app":
            self._app_row(key, pv, plast, run, tail)
        else:
            self._active_row(key, pv, plast, run, tail)

    def _flush_pending(self) -> None:
        """A pending row nothing continued: its own (blank) cells are its values."""
        if self.pending:
            table, key, pv, plast = self.pending
            self.pending, tail, self.pending_tail = None, self.pending_tail, ""
            if table == "app":
                self._app_row(key, pv, plast, tail=tail)
            else:
                self._active_row(key, pv, plast, tail=tail)

    # ---------------------------------------------------------------- table 二
    def _active_row(self, key: str, v: RowView, last: int, run: list[Cell] | None = None, tail: str = "") -> None:
        if self.res.format_2019:
            self._active_row_2019(key, v, last, run)
            return
        cols = L.ACTIVE_COLS[key]
        slots = fit(v.after(last, len(cols)) if run is None else run, len(cols), labelled=True)
        for (col, _), cell in zip(cols, slots):
            self._set(f"tables.active_disclosure.{key}.{col}", cell)
        self.res.found.add("active_disclosure")
        found = v.cells[last].text.strip() + tail
        official = L.ACTIVE_ROW_LABELS[key]
        self.last_variant = None
        if normalize(found) != normalize(official):
            self.last_variant = (len(self.res.variants), key)
            self.res.variants.append(LabelVariant(path=f"tables.active_disclosure.{key}", found=found,
                                                  official=official, evidence=position(v.cells[last].loc)))

    def _active_row_2019(self, key: str, v: RowView, last: int, run: list[Cell] | None) -> None:
        cols = LEGACY_ACTIVE_2019[key][1]
        slots = fit(v.after(last, len(cols)) if run is None else run, len(cols), labelled=True)
        for col, cell in zip(cols, slots):
            self._set(f"tables.legacy.active_disclosure.{key}.{col}", cell)
            if col == "decisions" and key in SHARED_2019:
                self._set(f"tables.active_disclosure.{key}.decisions", cell)
        self.res.found.add("active_disclosure")

    # ---------------------------------------------------------------- table 三
    @staticmethod
    def _app_data_label(leaf: str, text: str) -> bool:
        """A header-looking row whose leaf is really a data row label ("一、本年新收…"; "3.其他" and
        "（七）总计" too: column headers carry no row numbering)."""
        return bool(match_app_row(leaf)) and (leaf not in ("其他", "总计") or bool(_NUMBERING_PREFIX.match(text.strip())))

    def _app_key(self, leaf: str, v: RowView, labels: list[int]) -> str | None:
        key = match_app_row(leaf)
        if key is None:
            return None
        if key in ("other.other", "results_total"):
            # Bare "其他"/"总计" are also column headers (table 三 申请人, table 四); only a data row
            # inside table 三 is the row.
            if self.zone != "app" or not self.app_seen:
                return None
        if key in self.app_seen:
            prefix = f"tables.applications.{key}."
            if VALUE in v.kinds and not any(val is not None for p, (val, _) in self.res.cells.items()
                                            if p.startswith(prefix)):
                # the first one had no value at all (a label-like line of text, a half label): use this one
                for p in [p for p in self.res.cells if p.startswith(prefix)]:
                    del self.res.cells[p]
                self.res.variants = [x for x in self.res.variants if x.path != prefix[:-1]]
                self.last_variant = None
                return key
            self.res.notes.append(f"表三的行“{v.cells[labels[-1]].text.strip()}”出现不止一次，取第一次的数值")
            return None
        return key

    def _app_header(self, v: RowView) -> None:
        """Remember the applicant columns' positions when the header is a clean grid (family a)."""
        cols = dict(self._app_col_pos)
        for i, n in enumerate(v.norms):
            if n in APP_COLUMN_LABELS and APP_COLUMN_LABELS[n] not in cols:
                cols[APP_COLUMN_LABELS[n]] = i
        self._app_col_pos = cols
        if len(cols) == N_APP:
            pos = [cols[k] for k in L.APPLICANT_KEYS]
            if all(b == a + 1 for a, b in zip(pos, pos[1:])):
                self.app_cols = pos

    def _app_row(self, key: str, v: RowView, last: int, run: list[Cell] | None = None, tail: str = "") -> None:
        self.zone = "app"
        self.app_seen.add(key)
        self.res.found.add("applications")
        readings = self._app_readings(v, last, run)
        slots = choose_reading(readings)
        if row_sum_score(slots) != 2 and any(
                any(a is not b for a, b in zip(r, slots)) for r in readings):
            self.ambiguous[key] = (readings, slots)
        for col, cell in zip(L.APPLICANT_KEYS, slots):
            self._set(f"tables.applications.{key}.{col}", cell)
        found = v.cells[last].text.strip() + tail
        self.last_variant = None
        if self.before and not L.is_official_app_label(key, found):
            found = _with_start(self.before, found, L.APP_ROW_BY_KEY[key].label)
        if not L.is_official_app_label(key, found):
            self.last_variant = (len(self.res.variants), key)
            self.res.variants.append(LabelVariant(path=f"tables.applications.{key}", found=found,
                                                  official=L.APP_ROW_BY_KEY[key].label,
                                                  evidence=position(v.cells[last].loc)))

    def _app_readings(self, v: RowView, last: int, run: list[Cell] | None) -> list[list[Cell | None]]:
        """Candidate readings of a row's value cells, most trusted first (see choose_reading)."""
        if run is not None:
            return [fit(run, N_APP, labelled=True)]
        after = v.after(last, N_APP)
        out: list[list[Cell | None]] = []
        if len(after) == N_APP:
            out.append(after)
        n = len(v.cells)
        if self.app_grid_len == n and last < n - N_APP \
                and not any(c.text.strip() for c in v.cells[last + 1:n - N_APP]):
            out.append(v.cells[n - N_APP:])          # the table is a full grid: values in the last 7 slots
        if self.app_cols and last < self.app_cols[0]:
            lo, hi = self.app_cols[0], self.app_cols[-1]
            if not any(c.text.strip() for i, c in enumerate(v.cells) if i > last and not lo <= i <= hi):
                out.append([v.cells[i] if i < n else None for i in self.app_cols])
        out.append(fit(after, N_APP, labelled=True))
        return out

    def _legacy_other(self, v: RowView, last: int) -> None:
        if not self.res.format_2019:
            self.res.format_2019 = True
            self.res.notes.append("表三只有一行“（六）其他处理”，为2019年版格式，按2019年版报告处理")
        slots = fit(v.after(last, N_APP), N_APP, labelled=True)
        for col, cell in zip(L.APPLICANT_KEYS, slots):
            self._set(f"tables.legacy.applications.{L.LEGACY_OTHER_2019}.{col}", cell)

    def _rebalance(self) -> None:
        """An ambiguous row of table 三 that its own 总计 could not settle: the reading with more columns
        that balance the table's own checks (一 + 二 = 三 + 四, and 总计 = the outcome rows; T303/T302),
        if one has more."""
        for key, (readings, chosen) in self.ambiguous.items():
            best_n = self._balanced_columns(key, chosen)
            if best_n is None:                     # the rows the checks need are not all there
                continue
            best, best_n = chosen, best_n - (row_sum_score(chosen) == 0)
            for r in readings:
                n = self._balanced_columns(key, r) - (row_sum_score(r) == 0)     # checks passed - own sum failed
                if n > best_n:
                    best, best_n = r, n
            if best is not chosen:
                for col, cell in zip(L.APPLICANT_KEYS, best):
                    path = f"tables.applications.{key}.{col}"
                    self.res.cells.pop(path, None)
                    self._set(path, cell)

    def _balanced_columns(self, key: str, slots: Sequence[Cell | None]) -> int | None:
        def value(row: str, i: int) -> float:
            v = _value(slots[i]) if row == key else self.res.cells.get(
                f"tables.applications.{row}.{L.APPLICANT_KEYS[i]}", (None, None))[0]
            return v or 0
        have = lambda rows: all(f"tables.applications.{r}.total" in self.res.cells or r == key for r in rows)
        n = None
        if key in BALANCE_ROWS and have(BALANCE_ROWS):
            n = sum(1 for i in range(N_APP) if abs(value("new_received", i) + value("carried_over", i)
                                                    - value("results_total", i) - value("carried_forward", i)) < 1e-9)
        if (key == "results_total" or key in OUTCOME_ROWS) and have(OUTCOME_ROWS + ("results_total",)):
            n = (n or 0) + sum(1 for i in range(N_APP)
                               if abs(sum(value(r, i) for r in OUTCOME_ROWS) - value("results_total", i)) < 1e-9)
        return n

    # ---------------------------------------------------------------- table 四
    def _unlabelled(self, v: RowView) -> None:
        if not v.has_values:
            return
        if self.pending:
            self._take_pending(v.cells)
            return
        if self.zone == "review":
            self.review_cells.extend(v.cells)

    def _review_group_row(self, group: str, v: RowView, last: int) -> None:
        self.zone = "review"
        self.res.found.add("review_litigation")
        self.review_rows_done.add(group)
        for col, cell in zip(L.REVIEW_COL_KEYS, fit(v.after(last, N_REVIEW), N_REVIEW, labelled=True)):
            self._set(f"tables.review_litigation.{group}.{col}", cell)

    def _finish_review(self) -> None:
        if not self.review_cells:
            return
        if self.review_rows_done:
            # groups printed as labelled rows, and the rest as values without a label (行政复议 as a
            # table of its own, named in its caption): the values go to the group left, if they fit it
            rest = [g for g in L.REVIEW_GROUP_KEYS if g not in self.review_rows_done]
            values = [c for c in self.review_cells if c.text.strip()]
            if len(rest) == 1 and len(values) == N_REVIEW:
                for col, cell in zip(L.REVIEW_COL_KEYS, values):
                    self._set(f"tables.review_litigation.{rest[0]}.{col}", cell)
            return
        groups = list(L.REVIEW_GROUP_KEYS)
        h = self.review_header_text
        d, a = h.find("未经复议"), h.find("复议后起诉")
        if d >= 0 and a >= 0 and a < d:          # a layout printing 复议后起诉 before 未经复议直接起诉
            groups[1], groups[2] = groups[2], groups[1]
        slots = fit(self.review_cells, N_REVIEW * len(groups), labelled=False)
        if len(self.review_cells) > N_REVIEW * len(groups) and any(
                c.text.strip() for c in self.review_cells[len(self.review_cells) - 1:]):
            self.res.notes.append("表四的数值个数多于15个，只取前15个")
        for gi, group in enumerate(groups):
            for ci, col in enumerate(L.REVIEW_COL_KEYS):
                self._set(f"tables.review_litigation.{group}.{col}", slots[gi * N_REVIEW + ci])

    # ---------------------------------------------------------------- common
    def _set(self, path: str, cell: Cell | None) -> None:
        if path in self.res.cells:
            return
        if cell is None:
            self.res.cells[path] = (None, None)
            return
        kind, value = parse_cell(cell.text)
        if kind == LABEL:
            self.res.notes.append(f"{path} 的单元格“{cell.text.strip()}”不是数字，按空白处理")
            value = None
        self.res.cells[path] = (value, cell)


# ---------------------------------------------------------------- tables printed as plain lines
_VALUE_TOKEN_END = re.compile(r"(?:\s+(?:[-+]?[\d,，.]+(?:件|条|个)?|—+|-|－|/))+\s*$")
_DIGIT = re.compile(r"\d")
_NUMBERING_PREFIX = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])")
_LABEL_SPLIT = re.compile(r"\s+(?=[（(][一二三四五六七八九十]+[)）]|\d+[.、．](?!\d)|[一二三四五六七八九十]+、)")
_WIDE_GAP = re.compile(r"\s{2,}")


def _label_cells(label: str) -> list[str]:
    """The label cells of a line: split before a numbering, and at wide gaps (the columns of
    pdftotext -layout: "办理结果        务信息") unless that leaves single characters ("规    章")."""
    out = []
    for piece in _LABEL_SPLIT.split(label):
        parts = [x for x in _WIDE_GAP.split(piece.strip()) if x]
        out.extend(parts if all(len(x) >= 2 for x in parts) else [piece])
    return [x for x in out if x]
TABLE_WORDS = ("自然人", "商业企业", "申请人情况", "行政复议", "行政诉讼", "结果维持", "信息内容", "本年制发件数",
               "本年处理决定数量", "本年收费金额", "复议后起诉", "尚未审结")


def paragraph_row(p: Paragraph, after_label: bool = False) -> list[Cell] | None:
    """A paragraph that is really a table row whose cells were joined with spaces (a PDF text
    conversion): "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0", "0 0 0 …", "结果维持 结果纠正 …".
    `after_label`: the line before was a label alone, so a lone figure ("行政许可" / "2,318") is
    its value, not a page number or a figure of prose."""
    t = p.text.strip()
    if "。" in t or len(t) > 160:
        return None
    m = _VALUE_TOKEN_END.search(" " + t)
    if m:
        label = (" " + t)[:m.start()].strip()
        values = m.group(0).split()
        if len(label) > 60 or (not label and len(values) < 3 and not after_label):
            return None
        pieces = _label_cells(label)
        if any(_DIGIT.search(_NUMBERING_PREFIX.sub("", x)) for x in pieces):
            return None                    # prose with figures, not a label
        cells = pieces + values
    elif any(w in t for w in TABLE_WORDS) and len(t) <= 120:
        cells = t.split()
        if len(cells) < 2:
            return None
    elif len(t) <= 40:                 # a label alone: half of a label wrapped over two lines
        cells = _label_cells(t)
        if any(_DIGIT.search(_NUMBERING_PREFIX.sub("", x)) for x in cells):
            return None                    # a line of prose with figures ("受理申请141件，其中本年新收…")
    else:
        return None
    return [Cell(x, Loc(line=p.loc.line, page=p.loc.page, bbox=p.loc.bbox)) for x in cells]


def _joined(start: str, text: str) -> tuple[str, ...]:
    """A wrapped label's start joined with the cell that goes on with it: the whole cell, or its last
    word (in a PDF's text the label column may be printed beside a group label: "（五）不予 版物")."""
    return tuple(dict.fromkeys((start + text, start + text.split()[-1])))


def _with_start(start: str, found: str, official: str) -> str:
    """`found` with the label-only rows before it (`start`) when they are the official label's start
    (a label wrapped over lines: "1.申请人无正当理" / "由逾期不补正、行 0 0 …"), else `found`."""
    whole = normalize(official)
    for joined in _joined(start, found):
        if whole.startswith(normalize(joined)):
            return joined
    return found


def _lone_figure(b) -> bool:
    return isinstance(b, Paragraph) and parse_cell(b.text)[0] == VALUE


def iter_rows_and_line_rows(doc: Document) -> Iterable[list[Cell]]:
    after_label = False
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            after_label = False
            yield from b.rows
            continue
        # a lone figure after a label alone is its value, unless more lone figures follow: then the
        # cells are printed one per line (iter_rows_and_cell_lines reads those)
        lone = after_label and not (i + 1 < len(blocks) and _lone_figure(blocks[i + 1]))
        row = paragraph_row(b, lone)
        after_label = bool(row) and all(parse_cell(c.text)[0] == LABEL for c in row)
        if row:
            yield row


CELL_LINE_MAX = 60


def iter_rows_and_cell_lines(doc: Document) -> Iterable[list[Cell]]:
    """Rows of a table printed one cell per line without tabs: short lines, a blank line ends
    a row, further blank lines are empty cells at the start of the next row. Without blank
    lines, a label after a value starts the next row ("…\n0\n二、上年结转…\n0")."""
    removed = {r.loc.line for r in doc.removed if r.loc.line is not None}
    row: list[Cell] = []
    prev_line: int | None = None
    for b in doc.blocks:
        if isinstance(b, Table):
            if row:
                yield row
            row, prev_line = [], None
            yield from b.rows
            continue
        t, line = b.text, b.loc.line
        if len(t) > CELL_LINE_MAX or "。" in t or line is None:
            if row:
                yield row
            row, prev_line = [], None
            continue
        if prev_line is not None:
            blanks = sum(1 for n in range(prev_line + 1, line) if n not in removed)
            if blanks:
                if row:
                    yield row
                row = [Cell("", Loc(line=prev_line + 2 + i)) for i in range(blanks - 1)]
        if row and row[-1].text and parse_cell(row[-1].text)[0] != LABEL and parse_cell(t)[0] == LABEL:
            yield row
            row = []
        row.append(Cell(t, Loc(line=line, page=b.loc.page, bbox=b.loc.bbox)))
        prev_line = line
    if row:
        yield row


def _complete(res: TableResult, table: str) -> bool:
    paths = L.all_cell_paths(L.FORMAT_2019 if res.format_2019 else L.FORMAT_2021)
    return all(res.cells.get(p, (None, None))[0] is not None for p in paths if p.startswith(f"tables.{table}."))


def extract_tables(doc: Document) -> TableResult:
    res = TableReader().read(iter_rows(doc))
    if len(res.found) == 3 or res.format_2019:
        return res
    # A table the grids did not hold may be printed as plain lines: cells joined by spaces, or one
    # cell per line without tabs. Only the tables still missing are taken from these readings; of
    # two readings of one table, the one that read more of its cells.
    names = {"active_disclosure": "表二", "applications": "表三", "review_litigation": "表四"}
    taken: dict[str, tuple[int, str]] = {}          # table → (cells read, how) of the reading taken
    for rows, how, split in ((iter_rows_and_line_rows(doc), "以空格分隔的行", False),
                             (iter_rows_and_cell_lines(doc), "每行一格的文字", True)):
        more = TableReader().read(rows, split)
        for table in sorted(more.found - (res.found - set(taken))):
            prefixes = (f"tables.{table}.", f"tables.legacy.{table}.")     # with the 2019 layout's own cells
            n = sum(1 for k, v in more.cells.items() if k.startswith(prefixes) and v[0] is not None)
            if n == 0 or n <= taken.get(table, (0, ""))[0]:
                continue                     # a header without values, or no better than the reading taken
            if table in taken:               # a better reading than the one taken: it goes
                res.cells = {k: v for k, v in res.cells.items() if not k.startswith(prefixes)}
                res.variants = [v for v in res.variants if not v.path.startswith(prefixes)]
            res.cells.update({k: v for k, v in more.cells.items() if k.startswith(prefixes)})
            res.variants.extend(v for v in more.variants if v.path.startswith(prefixes))
            res.found.add(table)
            taken[table] = (n, how)
        res.format_2019 = res.format_2019 or more.format_2019
        if len(res.found) == 3 and all(_complete(res, t) for t in taken):
            break
    res.notes.extend(f"{names[t]}不是表格，按正文中{how}读出" for t, (_, how) in sorted(taken.items()))
    return res
