"""The canonical report model (shared/spec/report-json.md) as pydantic models.

`Report.to_json()` is exactly the documented JSON. Additions to the spec, all
additive (the spec's keys and meanings are unchanged):
- `source`: which file and reader the report came from;
- `narrative`: numbers stated in the text (extract/narrative/, typed `FactKind` + payload), with positions,
  so the audit compares text and tables without parsing text itself;
- `extraction`: what the extractor noticed about the document that the audit
  needs: tables found, label variants (C004), conversion debris (A001).
"""
from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_serializer

from .form import FORM_2019, FORM_2021

Number = int | float | None  # counts are ints; fees and unreadable counts may be floats (T304 flags them)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Position(_Model):
    """Where a value sits in the source: a text line, a PDF page region, or a table cell."""
    line: int | None = None
    page: int | None = None
    bbox: list[float] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None

    @model_serializer(mode="wrap")
    def _drop_none(self, handler):
        return {k: v for k, v in handler(self).items() if v is not None}


# ------------------------------------------------------------------ meta
class Period(_Model):
    start: date | None = None
    end: date | None = None


class Contact(_Model):
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None


# The report years nianbao accepts from users (CLI options, web parameters): the 条例 dates from
# 2008; a year outside this range is a typo, and dates built from it would overflow.
YEAR_MIN, YEAR_MAX = 1990, 2100


class Meta(_Model):
    agency: str | None = None
    title: str | None = None
    year: int | None = None
    period: Period | None = None
    published: date | None = None
    contact: Contact = Field(default_factory=Contact)


class Section(_Model):
    no: int                      # 1…6
    heading: str
    text: str


# ------------------------------------------------------------------ tables
class _Sparse(_Model):
    """A container whose absent members (None) are left out of the JSON."""

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler):
        return {k: v for k, v in handler(self).items() if v is not None}


def _named(name: str, base: type[_Model], doc: str = "", **fields: Any) -> type[_Model]:
    """A model class built from the form, kept as a module attribute (reports pickle for the
    worker processes)."""
    cls = create_model(name, __base__=base, __doc__=doc or None, **fields)
    globals()[name] = cls
    return cls


def _row_model(name: str, columns) -> type[_Model]:
    """A table row: one number (or null) per column of the form."""
    return _named(name, _Model, **{c.key: (Number, None) for c in columns})


# The table models are the 2021 form's tables (form/form2021.py): a row model per column set,
# a table model with a member per row. Names are the spec's (shared/spec/report-json.md).
_ACTIVE = FORM_2021.table("active_disclosure")
DocCounts = _row_model("DocCounts", _ACTIVE.row("regulations").columns)        # 本年制发/废止/现行有效
Decisions = _row_model("Decisions", _ACTIVE.row("licensing").columns)          # 本年处理决定数量
Fees = _row_model("Fees", _ACTIVE.row("fees").columns)                         # 本年收费金额（万元）
ACTIVE_ROW_MODELS = {r.key: next(m for m in (DocCounts, Decisions, Fees)
                                 if tuple(m.model_fields) == tuple(c.key for c in r.columns)) for r in _ACTIVE.rows}
ActiveDisclosure = _named(
    "ActiveDisclosure", _Sparse,
    "Table 二. In the 2019 format only the items it shares with 2021 are set; the rest is None and absent.",
    **{k: (m | None, Field(default_factory=m)) for k, m in ACTIVE_ROW_MODELS.items()})
ApplicantRow = _row_model("ApplicantRow", FORM_2021.table("applications").columns)
_REVIEW = FORM_2021.table("review_litigation")
ReviewRow = _row_model("ReviewRow", _REVIEW.columns)
ReviewLitigation = _named("ReviewLitigation", _Model,
                          **{k: (ReviewRow, Field(default_factory=ReviewRow)) for k in _REVIEW.row_keys})


_APPLICATIONS = FORM_2021.table("applications").row_keys


def _empty_applications() -> dict[str, ApplicantRow]:
    return {k: ApplicantRow() for k in _APPLICATIONS}


def _legacy_model() -> type[_Sparse]:
    """`tables.legacy`, typed from Form2019: one model per table of the 2019 layout's own rows
    (`legacy.active_disclosure.<row>.<column>`, `legacy.applications.other_processing.<column>`);
    a row or table nothing was read for is absent, as before."""
    tables: dict[str, dict[str, Any]] = {}
    for t in FORM_2019.tables:
        for r in t.rows:
            if r.path_prefix.startswith("tables.legacy."):
                row = _row_model(f"Legacy_{t.key}_{r.key}", r.columns)
                tables.setdefault(t.key, {})[r.key] = (row | None, None)
    return _named("Legacy", _Sparse, **{
        t: (_named(f"Legacy_{t}", _Sparse, **rows) | None, None) for t, rows in tables.items()})


Legacy = _legacy_model()


class Tables(_Model):
    # assignment validates: a reader may set `legacy` (or `applications`) from plain dicts
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    active_disclosure: ActiveDisclosure = Field(default_factory=ActiveDisclosure)
    # Row keys are flat strings with a dot ("denied.state_secret"), in the official order.
    applications: dict[str, ApplicantRow] = Field(default_factory=_empty_applications)
    review_litigation: ReviewLitigation = Field(default_factory=ReviewLitigation)
    legacy: Legacy | None = None   # 2019 format: the old layout's own cells (form/form2019.py)

    @field_validator("applications")
    @classmethod
    def _known_rows(cls, v: dict[str, ApplicantRow]) -> dict[str, ApplicantRow]:
        unknown = set(v) - set(_APPLICATIONS)
        if unknown:
            raise ValueError(f"unknown table-三 rows: {sorted(unknown)}")
        return {k: v[k] for k in _APPLICATIONS if k in v}

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler):
        return {k: v for k, v in handler(self).items() if not (k == "legacy" and v is None)}

    def cell(self, path: str) -> Number:
        """Value at a path relative to tables, e.g. "applications.granted.total" or
        "legacy.active_disclosure.fees.change"."""
        table, rest = path.split(".", 1)
        if table == "applications":
            row, col = rest.rsplit(".", 1)
            r = self.applications.get(row)
            return getattr(r, col) if r is not None else None
        obj: Any = getattr(self, table)
        for part in rest.split("."):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj

    def set_cell(self, path: str, value: Number) -> None:
        """Set the value at a path relative to tables (a leading "tables." is allowed); the rows
        and tables of `legacy` it needs are created."""
        table, rest = path.removeprefix("tables.").split(".", 1)
        if table == "applications":
            row, col = rest.rsplit(".", 1)
            setattr(self.applications.setdefault(row, ApplicantRow()), col, value)
            return
        *parents, leaf = rest.split(".")
        if table == "legacy" and self.legacy is None:
            self.legacy = Legacy()
        obj: Any = getattr(self, table)
        for part in parents:
            child = getattr(obj, part)
            if child is None:           # an absent 2019 row or table (or a 2021 table-二 row)
                child = _member_class(type(obj), part)()
                setattr(obj, part, child)
            obj = child
        setattr(obj, leaf, value)


def _member_class(model: type[BaseModel], field: str) -> type[BaseModel]:
    """The model class of an optional member (`X | None`)."""
    ann = model.model_fields[field].annotation
    return next(a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel))


# ------------------------------------------------------------------ narrative, extraction, findings
class FactKind(StrEnum):
    """What a number stated in the text counts: the closed set of narrative fact kinds.

    A `StrEnum`, so `fact.kind == "applications.new_received"` holds and the JSON keeps the
    plain strings. Table 三 (applications), table 四 (review, litigation), table 二 (documents),
    and the statements the other rules read.
    """
    NEW_RECEIVED = "applications.new_received"            # 本年新收
    CARRIED_OVER = "applications.carried_over"            # 上年结转
    RECEIVED_TOTAL = "applications.received_total"        # 受理/办理 N 件: 新收, or 新收 + 上年结转
    GRANTED = "applications.granted"                      # 予以公开
    PARTIALLY_GRANTED = "applications.partially_granted"  # 部分公开
    GRANTED_AND_PARTIAL = "applications.granted_and_partial"   # 予以公开及部分公开 N 件: the sum of both
    DENIED = "applications.denied"                        # 不予公开 (group total)
    UNAVAILABLE = "applications.unavailable"              # 无法提供 (group total)
    NOT_PROCESSED = "applications.not_processed"          # 不予处理 (group total)
    OTHER_PROCESSING = "applications.other_processing"    # 其他处理 (group total)
    COMPLETED = "applications.completed"                  # 办结/答复 N 件 (办理结果总计)
    CARRIED_FORWARD = "applications.carried_forward"      # 结转下年度继续办理
    REVIEW_TOTAL = "review.total"                         # 行政复议 about the agency's disclosure
    REVIEW_MAINTAINED = "review.maintained"               # …结果维持
    REVIEW_CORRECTED = "review.corrected"                 # …结果纠正
    LITIGATION_TOTAL = "litigation.total"                 # 行政诉讼 (直接起诉 + 复议后起诉)
    LITIGATION_MAINTAINED = "litigation.maintained"
    LITIGATION_CORRECTED = "litigation.corrected"
    REGULATIONS_ISSUED = "regulations.issued"             # table 二: 规章 制发
    REGULATIONS_REPEALED = "regulations.repealed"
    NORMATIVE_DOCUMENTS_ISSUED = "normative_documents.issued"
    NORMATIVE_DOCUMENTS_REPEALED = "normative_documents.repealed"
    ENUMERATION = "enumeration"                           # 共 X 条，其中 A a 条、B b 条…
    ALL_COMPLETED = "all_completed"                       # 申请均已办结 (no value)
    FEE_STATEMENT = "fee_statement"                       # whether 信息处理费 was charged
    YEAR_MENTION = "year_mention"                         # a year other than the report's


class _Payload(_Model):
    """Typed extras of a fact; fields at their default are left out of the JSON (as before)."""

    @model_serializer(mode="wrap")
    def _drop_defaults(self, handler):
        out = handler(self)
        return {k: v for k, v in out.items()
                if k not in type(self).model_fields or type(self).model_fields[k].is_required()
                or v != type(self).model_fields[k].get_default(call_default_factory=True)}


class NoData(_Payload):
    """No extras (all_completed)."""


class CountData(_Payload):
    """A count of applications, cases or documents."""
    zero_phrase: bool = False    # read from a negation ("未收到…申请"), not a figure
    generic: bool = False        # "收到 N 件" without 新收: reports use it for 新收 + 上年结转 too


class EnumerationData(_Payload):
    """"共 X 条，其中 A a 条、B b 条…"."""
    total: int
    unit: str
    label: str
    parts: list[tuple[str, int]]
    open: bool = False                       # the list ends with 等: it may name only some items
    joined_lines: list[int] = Field(default_factory=list)   # the hard-wrapped lines read as one


class FeeData(_Payload):
    charged: bool | None = None
    unit: str | None = None
    generic: bool = False        # "未收取任何费用" in a sentence about applications


class YearMentionData(_Payload):
    role: Literal["report", "plan", "comparison", "date", "other"] = "other"


FactData = EnumerationData | YearMentionData | FeeData | CountData | NoData

# the payload class of each kind (every kind not listed is a count)
PAYLOADS: dict[str, type[_Payload]] = {FactKind.ENUMERATION: EnumerationData, FactKind.YEAR_MENTION: YearMentionData,
                                       FactKind.FEE_STATEMENT: FeeData, FactKind.ALL_COMPLETED: NoData}


def payload_class(kind: str) -> type[_Payload]:
    return PAYLOADS.get(kind, CountData)


class NarrativeFact(_Model):
    """A number the text states, e.g. kind "applications.new_received" value 5.

    `kind` names what the number is about (`FactKind`, see extract/narrative/); `data` is the
    typed payload of that kind (an enumeration's parts, a year mention's role, …). `certain`
    says the fact has one reading (explicit subject and kind); when not, `reason` says why, and
    the N rules report a difference as a warning instead of an error.
    """
    kind: FactKind
    value: Number = None
    text: str = ""
    section: int | None = None
    evidence: Position | None = None
    data: FactData = Field(default_factory=NoData)
    certain: bool = True
    reason: str = ""

    @field_validator("data", mode="before")
    @classmethod
    def _typed_data(cls, v: Any, info) -> Any:
        if isinstance(v, dict):
            return payload_class(info.data.get("kind", "")).model_validate(v)
        return v


class LabelVariant(_Model):
    path: str          # e.g. "tables.applications.denied.prohibited_by_law"
    found: str
    official: str
    evidence: Position | None = None


class Debris(_Model):
    kind: Literal["bookmark", "markdown", "page_number", "fragment", "other"]
    text: str
    evidence: Position | None = None


class Unread(_Model):
    """Cells the extractor found the row of but could not place unambiguously (C007): kept null."""
    row: str                   # the row's path, e.g. "tables.applications.granted"
    cells: list[str]           # the cells left null, full paths
    reason: str                # in Chinese, e.g. "该行有5个数值，应有7个，无法确定空缺位置"
    evidence: Position | None = None


class Extraction(_Model):
    tables_found: list[str] = Field(default_factory=list)   # "active_disclosure", "applications", …
    unread: list[Unread] = Field(default_factory=list)       # rows whose values could not be placed (C007)
    tables_without_values: list[str] = Field(default_factory=list)   # labels printed, no values at all
    label_variants: list[LabelVariant] = Field(default_factory=list)
    debris: list[Debris] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)          # human-readable remarks (Chinese)

    class ReplacedChars(_Model):
        """Characters that did not decode (bad bytes, NULs) and were replaced with U+FFFD (A002)."""
        count: int = 0
        positions: list[Position] = Field(default_factory=list)   # the first few hundred

    replaced_chars: ReplacedChars | None = None


class Source(_Model):
    file: str | None = None
    sha256: str | None = None
    reader: str | None = None      # "text", "markdown", "docx", "html", "pdf"
    pages: int | None = None
    # collected from a website (nianbao fetch): where, when, and what the page said about it
    url: str | None = None
    fetched_at: str | None = None        # ISO 8601, UTC
    page: dict[str, Any] | None = None   # the page's metadata: 标题, 发布日期, 来源, 索引号, 发文机关 …


Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class Finding(_Model):
    code: str
    severity: Severity
    message: str
    path: str | None = None
    evidence: Position | None = None
    data: dict[str, Any] = Field(default_factory=dict)   # the numbers involved, machine-readable


class Report(_Model):
    format: Literal["2021", "2019"] = "2021"
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    tables: Tables = Field(default_factory=Tables)
    provenance: dict[str, Position] = Field(default_factory=dict)
    narrative: list[NarrativeFact] = Field(default_factory=list)
    extraction: Extraction = Field(default_factory=Extraction)
    source: Source = Field(default_factory=Source)
    findings: list[Finding] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def section(self, no: int) -> Section | None:
        return next((s for s in self.sections if s.no == no), None)


def report_json_schema() -> dict[str, Any]:
    return Report.model_json_schema(mode="serialization")
