"""Views show whole numbers as integers (Datasette printed counts as 0.0).

Cell values are stored as floats (fees are fractional); in the views a value that is a whole
number is cast to INTEGER. SQLite then shows 5, not 5.0; PostgreSQL resolves the CASE to one type
and shows its numbers as before.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

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


def _num(expr: str) -> str:
    return f"CASE WHEN {expr} = CAST({expr} AS INTEGER) THEN CAST({expr} AS INTEGER) ELSE {expr} END"


def _create(whole: bool) -> None:
    def value(e: str) -> str:
        return _num(e) if whole else e

    figures = ",\n  ".join(
        value(f"MAX(CASE WHEN c.table_key = '{t}' AND c.row_key = '{r}' AND c.col_key = '{k}' THEN c.value END)")
        + f" AS {name}" for name, t, r, k in WIDE)
    op.execute(f"""CREATE VIEW report_wide AS
SELECT r.id AS report_id, a.name AS agency, a.region AS region, r.year AS year,
  r.agency_name AS agency_name_printed, r.format AS format, r.published AS published,
  r.is_current AS is_current, r.errors AS errors, r.warnings AS warnings, r.infos AS infos,
  r.source_file AS source_file,
  {figures}
FROM report r LEFT JOIN agency a ON a.id = r.agency_id LEFT JOIN cell c ON c.report_id = r.id
GROUP BY r.id, a.id""")
    op.execute(f"""CREATE VIEW current_cell AS
SELECT a.name AS agency, a.region AS region, r.year AS year, c.table_key AS table_key,
  c.row_key AS row_key, c.col_key AS col_key, {value('c.value')} AS value, r.id AS report_id
FROM cell c JOIN report r ON r.id = c.report_id LEFT JOIN agency a ON a.id = r.agency_id
WHERE r.is_current""")


def _drop() -> None:
    op.execute("DROP VIEW current_cell")
    op.execute("DROP VIEW report_wide")


def upgrade() -> None:
    _drop()
    _create(True)


def downgrade() -> None:
    _drop()
    _create(False)
