"""reports carry what orders the versions of an agency-year; the same bytes are stored once

Revision ID: 0007_version_order
Revises: 0006_prose_facts
Create Date: 2026-12-04 10:00:00

The current version of an agency and year was the one ingested last, so two loaders racing
over two versions could leave either one current, and a worse reading ingested later replaced
a better one. Now the current version is the best stored one by `store.writer.version_rank`:
fewer failed V rules, fewer ambiguous cells, the later publication date, the later file time,
then the content hash. Each report keeps the first three inputs that are not columns yet.

Existing rows: the counts are read from their stored checks and cells, the file time is the
ingest time (so that, between equal readings, the later ingest stays the newer). Where the rule
picks another current version than ingest order did, it is switched, and the carry-over (W1)
rows of that agency's reports are dropped: the next ingest of a neighbouring year computes them
again. Superseded versions keep no W1 rows (W1 compares current neighbours). Bytes stored twice (two loaders at once on PostgreSQL) keep one report, the current one
or else the first; the index on the hash becomes unique.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007_version_order"
down_revision: str | Sequence[str] | None = "0006_prose_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEPENDENTS = ("figures", "prose_figures", "check_results")
_DUPLICATES = """
    SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY sha256 ORDER BY superseded, id) AS n
        FROM reports
    ) ranked WHERE n > 1"""
_BEST = """
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY agency_id, year
            ORDER BY failed_checks, ambiguous_cells,
                     CASE WHEN published_on IS NULL THEN 1 ELSE 0 END, published_on DESC,
                     file_time DESC, sha256 DESC
        ) AS n
        FROM reports
    ) ranked WHERE n = 1"""


def upgrade() -> None:
    for dependent in _DEPENDENTS:
        op.execute(f"DELETE FROM {dependent} WHERE report_id IN ({_DUPLICATES})")
    op.execute(f"DELETE FROM reports WHERE id IN ({_DUPLICATES})")
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column("failed_checks", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("ambiguous_cells", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("file_time", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.drop_index("ix_reports_sha256")
        batch.create_index("ix_reports_sha256", ["sha256"], unique=True)
    op.execute("UPDATE reports SET file_time = ingested_at")
    op.execute(
        "UPDATE reports SET failed_checks = (SELECT count(*) FROM check_results c "
        "WHERE c.report_id = reports.id AND NOT c.ok AND c.rule LIKE 'V%')"
    )
    op.execute(
        "UPDATE reports SET ambiguous_cells = (SELECT count(*) FROM figures f "
        "WHERE f.report_id = reports.id AND f.flags LIKE '%ambiguous%')"
    )
    switched = f"superseded = (id IN ({_BEST}))"  # a current report that is not the best
    op.execute(
        "DELETE FROM check_results WHERE rule = 'W1' AND report_id IN (SELECT id FROM reports "
        f"WHERE agency_id IN (SELECT agency_id FROM reports WHERE {switched}))"
    )
    # Two statements: the unique index on current versions is checked row by row.
    op.execute(f"UPDATE reports SET superseded = TRUE WHERE NOT superseded AND id NOT IN ({_BEST})")
    op.execute(f"UPDATE reports SET superseded = FALSE WHERE superseded AND id IN ({_BEST})")
    # A superseded version keeps no carry-over check: W1 compares current neighbours.
    op.execute(
        "DELETE FROM check_results WHERE rule = 'W1' AND report_id IN "
        "(SELECT id FROM reports WHERE superseded)"
    )


def downgrade() -> None:
    op.drop_index("ix_reports_sha256", table_name="reports")
    op.create_index("ix_reports_sha256", "reports", ["sha256"], unique=False)
    for column in ("file_time", "ambiguous_cells", "failed_checks"):
        op.drop_column("reports", column)
