"""figures keyed by (report_id, key), WITHOUT ROWID on SQLite

Revision ID: 0003_figures_by_report_key
Revises: 0002_bigint_current
Create Date: 2026-11-26 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = "0003_figures_by_report_key"
down_revision: str | Sequence[str] | None = "0002_bigint_current"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CELLS = ('"key", agency_id, year, current, value, unit, raw, flags, candidates')
_COLUMNS = f"report_id, {_CELLS}"
_BODY = """
    report_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    agency_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    current BOOLEAN NOT NULL,
    value NUMERIC(20, 4),
    unit VARCHAR,
    raw VARCHAR NOT NULL,
    flags VARCHAR NOT NULL,
    candidates VARCHAR NOT NULL,
    FOREIGN KEY(report_id) REFERENCES reports (id),
    FOREIGN KEY(agency_id) REFERENCES agencies (id),
"""


def _rebuild_sqlite(body: str, suffix: str, columns: str) -> None:
    """SQLite cannot change a primary key in place: copy into a new table and swap."""
    op.execute(f"CREATE TABLE figures_new ({body}) {suffix}")
    op.execute(f"INSERT INTO figures_new ({columns}) SELECT {columns} FROM figures")
    op.execute("DROP TABLE figures")
    op.execute("ALTER TABLE figures_new RENAME TO figures")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(_BODY + '    PRIMARY KEY (report_id, "key")', "WITHOUT ROWID", _COLUMNS)
        return
    op.drop_constraint("uq_figure_report_key", "figures", type_="unique")
    op.drop_constraint("figures_pkey", "figures", type_="primary")
    op.drop_column("figures", "id")
    op.create_primary_key("figures_pkey", "figures", ["report_id", "key"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        body = ("    id INTEGER NOT NULL PRIMARY KEY," + _BODY
                + '    CONSTRAINT uq_figure_report_key UNIQUE (report_id, "key")')  # fmt: skip
        _rebuild_sqlite(body, "", _COLUMNS)
        return
    op.drop_constraint("figures_pkey", "figures", type_="primary")
    op.add_column("figures", sa.Column("id", sa.Integer(), sa.Identity(), nullable=False))
    op.create_primary_key("figures_pkey", "figures", ["id"])
    op.create_unique_constraint("uq_figure_report_key", "figures", ["report_id", "key"])
