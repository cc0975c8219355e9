"""ranked_values and ranked_counts: current figures filed by key, year and value

Revision ID: 0009_rankings
Revises: 0008_wecom_robots
Create Date: 2026-12-04 01:40:00

A national ranking read one cell of every current report of the year (100,000 at national
scale, about 2 s) because cells are stored by report. `ranked_values` holds each valued cell
and `text.*`/`free.*` prose fact of the current reports under (key, year, value, agency), so a
ranking's first rows are the first entries of one index range; `ranked_counts` counts them per
key and year (ambiguous cells apart). The writer keeps both (`store.rankings`); the upgrade
files the reports already stored, with the same statements frozen here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009_rankings"
down_revision: str | Sequence[str] | None = "0008_wecom_robots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = """
    SELECT f.key AS key, r.year AS year, f.value AS value, r.agency_id AS agency_id
    FROM reports r JOIN figures f ON f.report_id = r.id WHERE NOT r.superseded
    UNION ALL
    SELECT p.key, r.year, p.value, r.agency_id
    FROM reports r JOIN prose_figures p ON p.report_id = r.id
    WHERE NOT r.superseded AND (p.key LIKE 'text.%' OR p.key LIKE 'free.%')
"""


def upgrade() -> None:
    op.create_table(
        "ranked_values",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "year", "value", "agency_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ranked_counts",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("valued", sa.Integer(), nullable=False),
        sa.Column("unclear", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "year"),
    )
    op.execute(
        "INSERT INTO ranked_values (key, year, value, agency_id) "
        f"SELECT key, year, value, agency_id FROM ({_CURRENT}) AS c WHERE value IS NOT NULL "
        "ORDER BY key, year, value, agency_id"
    )
    op.execute(
        "INSERT INTO ranked_counts (key, year, valued, unclear) "
        "SELECT key, year, count(value), count(*) - count(value) "
        f"FROM ({_CURRENT}) AS c GROUP BY key, year"
    )


def downgrade() -> None:
    op.drop_table("ranked_counts")
    op.drop_table("ranked_values")
