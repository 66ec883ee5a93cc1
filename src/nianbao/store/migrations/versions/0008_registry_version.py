"""The registry's version: one counter that triggers raise on every insert, update and delete of
region and registry_entry (foreign-key actions included: an agency's deletion clearing an entry's
match, a region's cascade). Every regional view checks the registry before using its caches; the
counts, highest ids, timestamps and match sums it read instead scanned the entry table (~2.5 ms a
view at a province's 5,000 entries), and missed a write that kept them all.

Revision ID: 0008_registry_version
Revises: 0007_list_indexes
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_registry_version"
down_revision = "0007_list_indexes"
branch_labels = None
depends_on = None

TABLES = ("region", "registry_entry")
BUMP = "UPDATE registry_version SET n = n + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table("registry_version", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("n", sa.BigInteger(), nullable=False))
    op.execute("INSERT INTO registry_version (id, n) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION bump_registry_version() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
        for t in TABLES:     # once per statement, not per row: an import writes thousands of rows
            op.execute(f"CREATE TRIGGER {t}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_version()")
    else:                    # SQLite has row triggers only
        for t in TABLES:
            for what in ("insert", "update", "delete"):
                op.execute(f"CREATE TRIGGER {t}_version_{what} AFTER {what.upper()} ON {t} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for t in TABLES:
            op.execute(f"DROP TRIGGER {t}_version ON {t}")
        op.execute("DROP FUNCTION bump_registry_version()")
    else:
        for t in TABLES:
            for what in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {t}_version_{what}")
    op.drop_table("registry_version")
