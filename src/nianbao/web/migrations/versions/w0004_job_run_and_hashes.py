"""Upload jobs name their ingest run (web_jobs.run_id) and each file its sha256 (web_job_files.sha256),
so that a job whose process died can be squared with the store: a file whose report is stored is shown
as stored, the run is closed with the counts of what it stored.

Revision ID: w0004
Revises: w0003
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "w0004"
down_revision = "w0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_jobs") as b:
        b.add_column(sa.Column("run_id", sa.Integer, nullable=True))
    with op.batch_alter_table("web_job_files") as b:
        b.add_column(sa.Column("sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_job_files") as b:
        b.drop_column("sha256")
    with op.batch_alter_table("web_jobs") as b:
        b.drop_column("run_id")
