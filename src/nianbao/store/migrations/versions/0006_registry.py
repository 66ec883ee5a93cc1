"""Registry of regions and the agencies expected to publish in each (issue 16;
store/registry_models.py describes each table).

Revision ID: 0006_registry
Revises: 0005_review
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_registry"
down_revision = "0005_review"
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("region.id", ondelete="CASCADE"), nullable=True),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("full_name", sa.String(400), nullable=False),
        sa.Column("deadlines", _json(), nullable=True),
        sa.Column("config", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("full_name", name="uq_region_full_name"),
    )
    op.create_index("ix_region_parent_id", "region", ["parent_id"])
    op.create_index("ix_region_name", "region", ["name"])
    op.create_table(
        "registry_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("covers", sa.String(10), nullable=True),
        sa.Column("deadline", sa.String(5), nullable=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("region_id", "name", name="uq_registry_entry_region_name"),
    )
    op.create_index("ix_registry_entry_agency_id", "registry_entry", ["agency_id"])
    op.create_index("ix_registry_entry_kind", "registry_entry", ["kind"])


def downgrade() -> None:
    op.drop_table("registry_entry")
    op.drop_table("region")
