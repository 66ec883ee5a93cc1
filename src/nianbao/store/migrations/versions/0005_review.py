"""Review workflow: cases (status per agency-year), decisions on findings, the append-only trail,
deleted reports kept for restoring (store/review_models.py describes each table).

review_event is append-only: triggers refuse UPDATE and DELETE on it (SQLite and PostgreSQL).

Revision ID: 0005_review
Revises: 0004
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_review"
down_revision = "0004"
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "review_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id", ondelete="CASCADE"), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("report.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("agency_id", "year", name="uq_review_case_agency_year"),
    )
    op.create_index("ix_review_case_report_id", "review_case", ["report_id"])
    op.create_index("ix_review_case_assignee", "review_case", ["assignee"])
    op.create_table(
        "review_finding",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("review_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("report.id", ondelete="SET NULL"), nullable=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("evidence", _json(), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("case_id", "key", name="uq_review_finding_key"),
    )
    op.create_index("ix_review_finding_case_id", "review_finding", ["case_id"])
    op.create_index("ix_review_finding_code", "review_finding", ["code"])
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(100), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_event_case", "review_event", ["case_id"])
    op.create_index("ix_review_event_report", "review_event", ["report_id"])
    op.create_table(
        "deleted_report",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source_mtime", sa.Float(), nullable=True),
        sa.Column("model", _json(), nullable=False),
        sa.Column("deleted_by", sa.String(100), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_deleted_report_sha256", "deleted_report", ["sha256"])
    # the trail is append-only, whoever writes to the database
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION review_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'review_event is append-only'; END $$")
        op.execute("CREATE TRIGGER review_event_append_only BEFORE UPDATE OR DELETE ON review_event "
                   "FOR EACH ROW EXECUTE FUNCTION review_event_append_only()")
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER review_event_no_{what.lower()} BEFORE {what} ON review_event "
                       f"BEGIN SELECT RAISE(ABORT, 'review_event is append-only'); END")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_event_append_only ON review_event")
        op.execute("DROP FUNCTION IF EXISTS review_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS review_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS review_event_no_delete")
    op.drop_table("deleted_report")
    op.drop_table("review_event")
    op.drop_table("review_finding")
    op.drop_table("review_case")
