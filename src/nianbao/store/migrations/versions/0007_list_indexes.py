"""Indexes for the paged lists and the dashboard's aggregates at a few thousand reports:
current reports by year with their agency and finding counts (year counts, totals and the list's
ids read from this index alone: a report row carries its whole model), findings by report and rule
(rules per listed report, covering) and by rule and severity (the findings-by-rule GROUP BY,
covering), reports by ingest run, agencies in list order (region, name).

Revision ID: 0007_list_indexes
Revises: 0006_registry
Create Date: 2026-12-07
"""
from alembic import op

revision = "0007_list_indexes"
down_revision = "0006_registry"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_report_list", "report", ["is_current", "year", "agency_id", "errors", "warnings", "infos"]),
    ("ix_report_ingest_run_id", "report", ["ingest_run_id"]),
    ("ix_finding_report_code", "finding", ["report_id", "code", "severity"]),
    ("ix_finding_code_severity", "finding", ["code", "severity", "report_id"]),
    ("ix_agency_region_name", "agency", ["region", "name"]),
]


def upgrade() -> None:
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
