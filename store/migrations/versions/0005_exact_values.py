"""figure values keep every printed decimal (NUMERIC without a scale)

Revision ID: 0005_exact_values
Revises: 0004_figures_cells_only
Create Date: 2026-11-26 10:00:00

NUMERIC(20, 4) rounded fees printed to the yuan in 万元 (5949.088667 → 5949.0887) on
PostgreSQL. SQLite stores any declared NUMERIC the same way, so only PostgreSQL changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_exact_values"
down_revision: str | Sequence[str] | None = "0004_figures_cells_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("figures", True), ("prose_figures", False))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, nullable in _COLUMNS:
        op.alter_column(
            table, "value", existing_type=sa.Numeric(20, 4), type_=sa.Numeric(),
            existing_nullable=nullable,
        )  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, nullable in _COLUMNS:
        op.alter_column(
            table, "value", existing_type=sa.Numeric(), type_=sa.Numeric(20, 4),
            existing_nullable=nullable,
        )  # fmt: skip
