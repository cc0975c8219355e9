"""figures hold the cells only: agency, year and currency are read from the report

Revision ID: 0004_figures_cells_only
Revises: 0003_figures_by_report_key
Create Date: 2026-11-26 09:30:00

The copies of agency_id, year and current in every figure row cost a foreign-key probe and
three columns per cell on every bulk load, and an UPDATE of ~230 rows per replacement; every
reader already reaches figures through their report.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_figures_cells_only"
down_revision: str | Sequence[str] | None = "0003_figures_by_report_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CELLS = '"key", value, unit, raw, flags, candidates'
_CELL_COLUMNS = """
    "key" VARCHAR NOT NULL,
    value NUMERIC(20, 4),
    unit VARCHAR,
    raw VARCHAR NOT NULL,
    flags VARCHAR NOT NULL,
    candidates VARCHAR NOT NULL,
    FOREIGN KEY(report_id) REFERENCES reports (id),
    PRIMARY KEY (report_id, "key")"""
_COPIES = """
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    current BOOLEAN NOT NULL,"""


def _rebuild_sqlite(body: str, select: str) -> None:
    """SQLite cannot drop a column with a foreign key: copy into a new table and swap."""
    op.execute(f"CREATE TABLE figures_new (\n    report_id INTEGER NOT NULL,{body}\n) WITHOUT ROWID")
    op.execute(select)
    op.execute("DROP TABLE figures")
    op.execute("ALTER TABLE figures_new RENAME TO figures")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(
            _CELL_COLUMNS,
            f"INSERT INTO figures_new (report_id, {_CELLS}) SELECT report_id, {_CELLS} "
            "FROM figures",
        )
        return
    for column in ("agency_id", "year", "current"):
        op.drop_column("figures", column)


def downgrade() -> None:
    copies = "r.agency_id, r.year, NOT r.superseded"
    cells = ", ".join(f"f.{c}" for c in _CELLS.split(", "))
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(
            _COPIES + _CELL_COLUMNS,
            f"INSERT INTO figures_new (report_id, agency_id, year, current, {_CELLS}) "
            f"SELECT f.report_id, {copies}, {cells} FROM figures f "
            "JOIN reports r ON r.id = f.report_id",
        )
        return
    op.add_column("figures", sa.Column("agency_id", sa.Integer(), nullable=True))
    op.add_column("figures", sa.Column("year", sa.Integer(), nullable=True))
    op.add_column("figures", sa.Column("current", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE figures f SET agency_id = r.agency_id, year = r.year, current = NOT r.superseded "
        "FROM reports r WHERE r.id = f.report_id"
    )
    for column in ("agency_id", "year", "current"):
        op.alter_column("figures", column, nullable=False)
    op.create_foreign_key(None, "figures", "agencies", ["agency_id"], ["id"])
