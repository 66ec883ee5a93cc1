"""Which process ran an ingest (a killed run shows as interrupted) and each file's modification time
(which of several versions is current is a stated rule, not completion order).

- ingest_run.host, ingest_run.pid: the machine and process of the run; a run without
  `finished_at` whose process is gone is interrupted.
- report.source_mtime: the file's modification time (seconds since the epoch, UTC) when ingested.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ingest_run", sa.Column("host", sa.String(255), nullable=True))
    op.add_column("ingest_run", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("report", sa.Column("source_mtime", sa.Float(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite ≥ 3.35): a batch copy of `report` would break the views over it
    op.drop_column("report", "source_mtime")
    op.drop_column("ingest_run", "pid")
    op.drop_column("ingest_run", "host")
