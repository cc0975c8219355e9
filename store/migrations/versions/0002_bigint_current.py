"""big telegram ids, one current report per agency and year, report-first figure look-ups

Revision ID: 0002_bigint_current
Revises: 0001_initial
Create Date: 2026-11-26 06:48:48.861097
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = "0002_bigint_current"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_IDS = (("sent_reminders", "chat_id", False), ("subscriptions", "chat_id", False),
            ("subscriptions", "created_by", True))  # fmt: skip
_NOT_SUPERSEDED = sa.text("NOT superseded")


def upgrade() -> None:
    # Keep only the newest current report per (agency, year) before the unique index exists.
    op.execute(
        "UPDATE figures SET current = FALSE WHERE report_id IN (SELECT id FROM reports "
        "WHERE NOT superseded AND id NOT IN (SELECT max(id) FROM reports WHERE NOT superseded "
        "GROUP BY agency_id, year))"
    )
    op.execute(
        "UPDATE reports SET superseded = TRUE WHERE NOT superseded AND id NOT IN "
        "(SELECT max(id) FROM reports WHERE NOT superseded GROUP BY agency_id, year)"
    )
    # Figures are reached through their report: (report_id, key) is the only index they need.
    op.drop_index("ix_figures_agency_year_key", table_name="figures")
    op.drop_index("ix_figures_key_year", table_name="figures")
    op.create_index(
        "uq_reports_current",
        "reports",
        ["agency_id", "year"],
        unique=True,
        sqlite_where=_NOT_SUPERSEDED,
        postgresql_where=_NOT_SUPERSEDED,
    )
    # SQLite's INTEGER is already 64-bit; rebuilding these tables there would gain nothing.
    if op.get_bind().dialect.name != "sqlite":
        for table, column, nullable in _BIG_IDS:
            op.alter_column(
                table, column, existing_type=sa.Integer(), type_=sa.BigInteger(),
                existing_nullable=nullable,
            )  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table, column, nullable in _BIG_IDS:
            op.alter_column(
                table, column, existing_type=sa.BigInteger(), type_=sa.Integer(),
                existing_nullable=nullable,
            )  # fmt: skip
    op.drop_index("uq_reports_current", table_name="reports")
    op.create_index("ix_figures_key_year", "figures", ["key", "year"])
    op.create_index("ix_figures_agency_year_key", "figures", ["agency_id", "year", "key"])
