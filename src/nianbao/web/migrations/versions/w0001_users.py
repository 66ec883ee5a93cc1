"""Web reviewer accounts (web_users).

Revision ID: w0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("name", name="uq_web_users_name"),
    )


def downgrade() -> None:
    op.drop_table("web_users")
