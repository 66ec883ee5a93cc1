"""Initial schema: agency, ingest_run, report, cell (long form), finding; views for Datasette.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

# (column of the view, table, row, column) — the figures people ask for first
WIDE = [
    ("new_received", "applications", "new_received", "total"),
    ("carried_over", "applications", "carried_over", "total"),
    ("granted", "applications", "granted", "total"),
    ("partially_granted", "applications", "partially_granted", "total"),
    ("results_total", "applications", "results_total", "total"),
    ("carried_forward", "applications", "carried_forward", "total"),
    ("review_total", "review_litigation", "review", "total"),
    ("review_corrected", "review_litigation", "review", "corrected"),
    ("litigation_direct_total", "review_litigation", "litigation_direct", "total"),
    ("litigation_after_review_total", "review_litigation", "litigation_after_review", "total"),
    ("regulations_in_force", "active_disclosure", "regulations", "in_force"),
    ("normative_documents_issued", "active_disclosure", "normative_documents", "issued"),
    ("normative_documents_in_force", "active_disclosure", "normative_documents", "in_force"),
    ("licensing_decisions", "active_disclosure", "licensing", "decisions"),
    ("punishment_decisions", "active_disclosure", "punishment", "decisions"),
    ("fees_10k_yuan", "active_disclosure", "fees", "amount_10k_yuan"),
]


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("names", Json, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("name", "region", name="uq_agency_name_region"),
    )
    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("errors", Json, nullable=False),
        sa.Column("paths", Json, nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agency.id"), nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("agency_name", sa.String(300), nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("period_start", sa.String(10), nullable=True),
        sa.Column("period_end", sa.String(10), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("source_file", sa.Text, nullable=True),
        sa.Column("reader", sa.String(20), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("infos", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("superseded_by", sa.Integer, sa.ForeignKey("report.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ingested_at", TS, nullable=False),
        sa.Column("ingest_run_id", sa.Integer, sa.ForeignKey("ingest_run.id", ondelete="SET NULL"), nullable=True),
        sa.Column("model", Json, nullable=False),
        sa.UniqueConstraint("sha256", name="uq_report_sha256"),
    )
    op.create_index("ix_report_agency_id", "report", ["agency_id"])
    op.create_index("ix_report_year", "report", ["year"])
    op.create_index("uq_report_current", "report", ["agency_id", "year"], unique=True,
                    sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))
    op.create_table(
        "cell",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("table_key", sa.String(40), primary_key=True),
        sa.Column("row_key", sa.String(80), primary_key=True),
        sa.Column("col_key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Float, nullable=True),
    )
    op.create_index("ix_cell_lookup", "cell", ["table_key", "row_key", "col_key"])
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=True),
        sa.Column("evidence", Json, nullable=True),
        sa.Column("data", Json, nullable=True),
    )
    op.create_index("ix_finding_report_id", "finding", ["report_id"])
    op.create_index("ix_finding_code", "finding", ["code"])

    # Views for Datasette and ad-hoc SQL: one row per report with the key figures, and the
    # cells of current reports with their agency and year.
    figures = ",\n  ".join(
        f"MAX(CASE WHEN c.table_key = '{t}' AND c.row_key = '{r}' AND c.col_key = '{k}' THEN c.value END) AS {name}"
        for name, t, r, k in WIDE)
    op.execute(f"""CREATE VIEW report_wide AS
SELECT r.id AS report_id, a.name AS agency, a.region AS region, r.year AS year,
  r.agency_name AS agency_name_printed, r.format AS format, r.published AS published,
  r.is_current AS is_current, r.errors AS errors, r.warnings AS warnings, r.infos AS infos,
  r.source_file AS source_file,
  {figures}
FROM report r LEFT JOIN agency a ON a.id = r.agency_id LEFT JOIN cell c ON c.report_id = r.id
GROUP BY r.id, a.id""")
    op.execute("""CREATE VIEW current_cell AS
SELECT a.name AS agency, a.region AS region, r.year AS year, c.table_key AS table_key,
  c.row_key AS row_key, c.col_key AS col_key, c.value AS value, r.id AS report_id
FROM cell c JOIN report r ON r.id = c.report_id LEFT JOIN agency a ON a.id = r.agency_id
WHERE r.is_current""")


def downgrade() -> None:
    op.execute("DROP VIEW current_cell")
    op.execute("DROP VIEW report_wide")
    for t in ("finding", "cell", "report", "ingest_run", "agency"):
        op.drop_table(t)
