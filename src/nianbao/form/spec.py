"""The vocabulary a form is declared in: tables, rows, columns, identities, layout slots.

A form (国办公开办函〔2021〕30号, or the 2019 layout) is plain data built from these
classes; nothing here knows a particular form. Cell paths are the model's dotted paths
("tables.applications.granted.natural_person"), the same ones provenance and findings use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .text import CHINESE_ORDINALS, normalize_label

@dataclass(frozen=True)
class Column:
    key: str
    label: str                            # the official header wording
    variants: tuple[str, ...] = ()        # other wordings reports print (matched normalised)
    short: str = ""                       # name in messages when the label is long
    signed: bool = False                  # a change that may be negative (2019: 本年增/减)

    @property
    def name(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Row:
    """One row of a table. `labels` are the label cells from the outermost group to the leaf,
    as the official form prints them: ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")."""
    key: str
    labels: tuple[str, ...]
    columns: tuple[Column, ...]           # the value columns this row has, in print order
    variants: tuple[str, ...] = ()        # regexes on the normalised leaf of known variant wordings
    short: str = ""                       # name in messages ("（二）部分公开")
    path_prefix: str = ""                 # "tables.applications" (set by the table)
    kind: str = "count"                   # "count" (whole numbers) or "amount" (fees, may be fractional)

    @property
    def leaf(self) -> str:
        return self.labels[-1]

    @property
    def group(self) -> str | None:
        """The innermost group label, or None for a row with a label of its own."""
        return self.labels[-2] if len(self.labels) > 1 else None

    @property
    def name(self) -> str:
        """Chinese name for messages: the inner group (when it is a numbered sub-group) and the leaf."""
        leaf = self.short or self.leaf
        g = self.group
        if g and g.startswith("（"):
            return f"{g}·{leaf}"
        return leaf

    @cached_property
    def norm(self) -> str:
        return normalize_label(self.leaf)

    def path(self, col: str) -> str:
        return f"{self.path_prefix}.{self.key}.{col}"

    def paths(self) -> list[str]:
        return [self.path(c.key) for c in self.columns]


@dataclass(frozen=True)
class Identity:
    """An equation the form states: sum(lhs) == sum(rhs), over cell paths. `rule` is the audit
    code that checks it; `name` says it in Chinese ("（七）总计 = 办理结果各项之和·自然人")."""
    rule: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    name: str = ""

    @property
    def paths(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Slot:
    """One origin cell of the official printed layout: a header/label text or a value slot
    (`path`), with its merges. Renderers (DOCX, HTML, web) fill value slots from a report."""
    text: str = ""
    path: str | None = None
    rowspan: int = 1
    colspan: int = 1
    header: bool = False                  # a column header (repeated on each page)
    kind: str = ""                        # "item", "group", "rowlabel", "corner", "" (CSS classes)


@dataclass(frozen=True)
class TableForm:
    key: str                              # model key: "applications"
    number: str                           # "三"
    title: str                            # "三、收到和处理政府信息公开申请情况"
    rows: tuple[Row, ...]
    columns: tuple[Column, ...] = ()      # columns shared by every row (tables 三, 四)
    header_words: tuple[str, ...] = ()    # header texts that identify this table when its title is lost
    identities: tuple[Identity, ...] = ()
    layout: tuple[tuple[Slot, ...], ...] = ()
    header_rows: int = 0                  # leading layout rows that are column headers

    @property
    def name(self) -> str:
        return f"表{self.number}"

    @cached_property
    def by_key(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}

    def row(self, key: str) -> Row:
        return self.by_key[key]

    @property
    def row_keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def cell_paths(self) -> list[str]:
        return [p for r in self.rows for p in r.paths()]

    @property
    def width(self) -> int:
        return max(len(r.columns) for r in self.rows)


@dataclass(frozen=True)
class Form:
    """A version of the official form: its tables in print order and the six section headings."""
    version: str                          # the model's `format`: "2021", "2019"
    name: str                             # "国办公开办函〔2021〕30号"
    tables: tuple[TableForm, ...]
    sections: tuple[str, ...]
    # (path, path): a cell the model keeps in two places (2019: 处理决定数量 under tables.legacy and
    # in the 2021 model's `decisions`); the first is the form's, the second its copy
    mirrors: tuple[tuple[str, str], ...] = field(default=())

    @cached_property
    def by_key(self) -> dict[str, TableForm]:
        return {t.key: t for t in self.tables}

    def table(self, key: str) -> TableForm:
        return self.by_key[key]

    def cell_paths(self, table: str | None = None) -> list[str]:
        """Dotted model paths of every cell the form prints, in print order (a 2019 report's own
        cells live under tables.legacy)."""
        return [p for t in self.tables if table in (None, t.key) for p in t.cell_paths()]

    @cached_property
    def _cells(self) -> dict[str, tuple[TableForm, Row, Column]]:
        out = {}
        for t in self.tables:
            for r in t.rows:
                for c in r.columns:
                    out[r.path(c.key)] = (t, r, c)
        return out

    def cell(self, path: str) -> tuple[TableForm, Row, Column] | None:
        return self._cells.get(path if path.startswith("tables.") else "tables." + path)

    def cell_name(self, path: str, *, table: bool = True, full: bool = False) -> str:
        """Chinese name of a cell: "表三·（三）不予公开·1.属于国家秘密·自然人"; the path itself if unknown.
        `table=False` leaves out "表三·" (a message that names the table itself); `full=True` gives the
        column's official label with its unit ("本年收费金额（单位：万元）") instead of its short name."""
        found = self.cell(path)
        if found is None:
            return path
        t, r, c = found
        name = f"{r.name}·{c.label if full else c.name}"
        return f"{t.name}·{name}" if table else name

    def model_paths(self) -> list[str]:
        """Every path the model holds a cell of this form at: the form's cells, then the copies
        `mirrors` keeps (2019: the 处理决定数量 also under tables.active_disclosure)."""
        return self.cell_paths() + [copy for _, copy in self.mirrors]

    def heading(self, no: int) -> str:
        """Section `no` (1…6) as the form titles it, with its ordinal: "三、收到和处理政府信息公开申请情况"."""
        return f"{CHINESE_ORDINALS[no - 1]}、{self.sections[no - 1]}"

    def identities(self, rule: str | None = None) -> list[Identity]:
        return [i for t in self.tables for i in t.identities if rule in (None, i.rule)]
