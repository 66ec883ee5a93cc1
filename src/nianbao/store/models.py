"""The store's tables (SQLAlchemy 2). Plain tables and readable column names, so the SQLite
file opens in Datasette as it is. The schema itself is created by the Alembic migrations
under store/migrations; these classes must match them (a test checks).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class Agency(Base):
    """One agency across years: `name` without the higher divisions, `region` = those divisions
    (agency.py explains the algorithm), `names` = every name printed on its reports."""
    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")
    names: Mapped[list] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("name", "region", name="uq_agency_name_region"),
                      Index("ix_agency_region_name", "region", "name"))    # list order (0007)

    reports: Mapped[list[Report]] = relationship(back_populates="agency")


class IngestRun(Base):
    __tablename__ = "ingest_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    files: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(Json, default=list)     # [{"file": …, "message": …}]
    paths: Mapped[list] = mapped_column(Json, default=list)      # what was asked for
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)   # who runs it: a run without
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)        # finished_at whose process is gone was killed
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)     # "fetch" (nianbao fetch); null: files


class Report(Base):
    """One stored report file. Per agency and year one report `is_current`; older versions are
    kept with `superseded_by` pointing at the one that replaced them."""
    __tablename__ = "report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), nullable=True, index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    format: Mapped[str] = mapped_column(String(8))
    agency_name: Mapped[str | None] = mapped_column(String(300), nullable=True)   # as printed
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    period_start: Mapped[str | None] = mapped_column(String(10), nullable=True)   # ISO dates
    period_end: Mapped[str | None] = mapped_column(String(10), nullable=True)
    published: Mapped[str | None] = mapped_column(String(10), nullable=True)
    source_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    reader: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    errors: Mapped[int] = mapped_column(Integer, default=0)      # findings by severity
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), nullable=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id", ondelete="SET NULL"), nullable=True)
    model: Mapped[dict] = mapped_column(Json)                    # Report.to_dict(), findings included
    source_mtime: Mapped[float | None] = mapped_column(Float, nullable=True)   # file time (versions' tie-break)
    __table_args__ = (
        UniqueConstraint("sha256", name="uq_report_sha256"),   # the same bytes are stored once
        # at most one current report per agency and year; a concurrent writer gets IntegrityError
        Index("uq_report_current", "agency_id", "year", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # covering: year counts, totals, the list's ids without reading rows that carry the model (0007)
        Index("ix_report_list", "is_current", "year", "agency_id", "errors", "warnings", "infos"),
        Index("ix_report_ingest_run_id", "ingest_run_id"),
    )

    agency: Mapped[Agency | None] = relationship(back_populates="reports")


class Cell(Base):
    """Table cells in long form: ("applications", "denied.state_secret", "total") = 0."""
    __tablename__ = "cell"
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    table_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    col_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)   # null = blank in the report
    __table_args__ = (Index("ix_cell_lookup", "table_key", "row_key", "col_key"),)


class Finding(Base):
    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[dict | None] = mapped_column(Json, nullable=True)   # position in this report
    data: Mapped[dict | None] = mapped_column(Json, nullable=True)       # numbers, the previous report …
    __table_args__ = (   # covering indexes of the rules-per-report and findings-by-rule counts (0007)
        Index("ix_finding_report_code", "report_id", "code", "severity"),
        Index("ix_finding_code_severity", "code", "severity", "report_id"),
    )


class FetchUrl(Base):
    """What `nianbao fetch` knows of one URL: the validators for conditional requests (ETag,
    Last-Modified), the content's hash, where a listing or report page led (`links`: followed
    again on a 304 or a resumed run), the page's metadata, the report it gave, the last error."""
    __tablename__ = "fetch_url"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)     # "listing", "page", "document"
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)      # last HTTP status (304 included)
    final_url: Mapped[str | None] = mapped_column(Text, nullable=True)      # after redirects
    content_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)   # last 200
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)   # last answer
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id", ondelete="SET NULL"), nullable=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), nullable=True)
    page: Mapped[dict | None] = mapped_column(Json, nullable=True)
    links: Mapped[dict | None] = mapped_column(Json, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (UniqueConstraint("url", name="uq_fetch_url_url"),)


from . import review_models  # noqa: E402,F401  (the review tables on the same metadata: migrations match it)
from . import registry_models  # noqa: E402,F401  (the registry tables, likewise)
