"""Collecting from websites (`nianbao fetch`): runs say what kind they are; each URL's fetch state.

- ingest_run.kind: "fetch" for a fetch run (null: a file ingest, as before); `paths` holds its URLs.
- fetch_url: one row per URL ever fetched — what it was (listing, page, document), the validators
  for conditional requests (ETag, Last-Modified), the content's SHA-256, the links a listing or
  report page led to (a 304 or a resumed run follows them without reading the page again), the
  page's metadata (标题, 发布日期, 来源, 索引号 …), the report it gave and the last error.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("ingest_run", sa.Column("kind", sa.String(10), nullable=True))
    op.create_table(
        "fetch_url",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(200), nullable=True),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("ingest_run.id", ondelete="SET NULL"), nullable=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("report.id", ondelete="SET NULL"), nullable=True),
        sa.Column("page", _json(), nullable=True),
        sa.Column("links", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("url", name="uq_fetch_url_url"),
    )


def downgrade() -> None:
    op.drop_table("fetch_url")
    op.drop_column("ingest_run", "kind")
