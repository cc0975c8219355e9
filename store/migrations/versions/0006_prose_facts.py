"""prose figures keep their unit, sentence, section, phrase and flags (prose facts)

Revision ID: 0006_prose_facts
Revises: 0005_exact_values
Create Date: 2026-12-03 18:40:00

Answers quote the sentence a prose fact came from, so it is stored with the figure.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_prose_facts"
down_revision: str | Sequence[str] | None = "0005_exact_values"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = ("sentence", "section", "phrase", "flags")


def upgrade() -> None:
    with op.batch_alter_table("prose_figures") as batch:
        batch.add_column(sa.Column("unit", sa.String(), nullable=True))
        for name in _TEXT:
            batch.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("prose_figures") as batch:
        for name in (*reversed(_TEXT), "unit"):
            batch.drop_column(name)
