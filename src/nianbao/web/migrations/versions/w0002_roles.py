"""Accounts: roles (admin / reviewer / viewer), disabling, and a session epoch that ends every
session of a user at once (bumped on disable, password reset and role change).

Revision ID: w0002
Revises: w0001
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "w0002"
down_revision = "w0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_users") as b:
        b.add_column(sa.Column("role", sa.String(10), nullable=False, server_default="reviewer"))
        b.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("web_users") as b:
        b.drop_column("session_epoch")
        b.drop_column("disabled")
        b.drop_column("role")
