"""The review workflow's tables (store/review.py is their API; migration 0005_review creates them).

- review_case: one per agency and year (or per report when the report names no agency or year):
  its status (待审 → 审核中 → 退回整改 → 已整改待复核 → 通过), who set it, when, a comment, the
  reviewer it is assigned to, the reply deadline of the 整改通知, and the report under review.
- review_finding: each finding of the case — from the audit (matched across versions by rule,
  cell and order, `key`) or added by hand — with its decision (确认 / 误报 / 不适用), reason, note,
  who decided it and when, and `version` for optimistic locking (an update names the version it
  read; a concurrent change makes it fail instead of overwriting). `state` "gone" = no longer in
  a newer version (shown as 已整改), "stale" = no longer raised by a re-audit of the same version
  after a rule or registry change (shown as 不再适用).
- review_event: the append-only trail (upload, delete, status, decision, …: who, when,
  before → after). No foreign keys, so it outlives what it records; triggers refuse UPDATE/DELETE.
- deleted_report: what a (soft) delete took out of the listings, kept whole so it can be restored.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Json


class ReviewCase(Base):
    __tablename__ = "review_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    status: Mapped[str] = mapped_column(String(10))
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_review_case_agency_year"),)


class ReviewFinding(Base):
    __tablename__ = "review_finding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_case.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), nullable=True)
    key: Mapped[str] = mapped_column(String(300))          # rule|cell|n, or manual|<id>
    origin: Mapped[str] = mapped_column(String(10))        # "audit" or "manual"
    code: Mapped[str] = mapped_column(String(10), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[dict | None] = mapped_column(Json, nullable=True)
    state: Mapped[str] = mapped_column(String(10))         # "open" (in the current version), "gone" or "stale"
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)   # 确认 / 误报 / 不适用
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_review_finding_key"),)


class ReviewEvent(Base):
    __tablename__ = "review_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str | None] = mapped_column(String(100), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    finding_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    before: Mapped[dict | None] = mapped_column(Json, nullable=True)
    after: Mapped[dict | None] = mapped_column(Json, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_review_event_case", "case_id"), Index("ix_review_event_report", "report_id"))


class DeletedReport(Base):
    __tablename__ = "deleted_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer)        # the id it had
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_mtime: Mapped[float | None] = mapped_column(Float, nullable=True)
    model: Mapped[dict] = mapped_column(Json)
    deleted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
