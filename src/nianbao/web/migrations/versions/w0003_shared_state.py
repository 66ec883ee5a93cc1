"""State the server processes share (nianbao serve --processes N): upload jobs and their files'
progress, failed logins (the login throttle), the users' upload reservations (the upload budget).

Revision ID: w0003
Revises: w0002
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "w0003"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("seen", sa.Float, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_web_jobs_created", "web_jobs", ["created"])
    op.create_table(
        "web_job_files",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("web_jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("report_id", sa.Integer),
        sa.Column("agency", sa.Text),
        sa.Column("year", sa.Integer),
    )
    op.create_table(
        "web_login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_web_login_failures_key", "web_login_failures", ["client", "name", "at"])
    op.create_index("ix_web_login_failures_client", "web_login_failures", ["client", "at"])
    op.create_index("ix_web_login_failures_at", "web_login_failures", ["at"])
    op.create_table(
        "web_upload_reservations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("nbytes", sa.BigInteger, nullable=False),
        sa.Column("nfiles", sa.Integer, nullable=False),
        sa.Column("seen", sa.Float, nullable=False),
    )
    op.create_index("ix_web_upload_reservations_user", "web_upload_reservations", ["user"])


def downgrade() -> None:
    op.drop_table("web_upload_reservations")
    op.drop_table("web_login_failures")
    op.drop_table("web_job_files")
    op.drop_table("web_jobs")
