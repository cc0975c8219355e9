"""a subscription's target may be a WeCom group robot's webhook instead of a Telegram chat

Revision ID: 0008_wecom_robots
Revises: 0007_version_order
Create Date: 2026-12-03 19:00:00

`subscriptions.wecom_webhook` holds the robot's URL; exactly one of it and `chat_id` is set.
A sent reminder's key is (subscription, deadline, lead): a subscription has one target, and a
robot has no chat id (NULLs would make the old key with chat_id never conflict).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0008_wecom_robots"
down_revision: str | Sequence[str] | None = "0007_version_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGET = "(chat_id IS NULL) <> (wecom_webhook IS NULL)"


SENT_COLUMNS = (
    "id, chat_id, subscription_id, deadline, lead_days, claimed_at, sent_at, late, error"
)


@contextmanager
def _sent_reminders_aside() -> Iterator[None]:
    """SQLite rebuilds a table to change it (copy, drop, rename), and dropping subscriptions
    while sent reminders refer to them fails the foreign key: those rows wait in a temporary
    table meanwhile. PostgreSQL alters the tables in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(f"CREATE TEMP TABLE sent_aside AS SELECT {SENT_COLUMNS} FROM sent_reminders")
        op.execute("DELETE FROM sent_reminders")
    yield
    if sqlite:
        op.execute(
            f"INSERT INTO sent_reminders ({SENT_COLUMNS}) SELECT {SENT_COLUMNS} FROM sent_aside"
        )
        op.execute("DROP TABLE sent_aside")


def upgrade() -> None:
    with _sent_reminders_aside():
        with op.batch_alter_table("subscriptions") as batch:
            batch.add_column(sa.Column("wecom_webhook", sa.String(), nullable=True))
            batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
            batch.create_check_constraint("ck_subscription_target", TARGET)
        with op.batch_alter_table("sent_reminders") as batch:
            batch.drop_constraint("uq_sent_reminder", type_="unique")
            batch.create_unique_constraint(
                "uq_sent_reminder", ["subscription_id", "deadline", "lead_days"]
            )
            batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    robots = "SELECT id FROM subscriptions WHERE wecom_webhook IS NOT NULL"
    op.execute(f"DELETE FROM sent_reminders WHERE subscription_id IN ({robots})")
    op.execute("DELETE FROM subscriptions WHERE wecom_webhook IS NOT NULL")
    with _sent_reminders_aside():
        with op.batch_alter_table("sent_reminders") as batch:
            batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
            batch.drop_constraint("uq_sent_reminder", type_="unique")
            batch.create_unique_constraint(
                "uq_sent_reminder", ["chat_id", "subscription_id", "deadline", "lead_days"]
            )
        with op.batch_alter_table("subscriptions") as batch:
            batch.drop_constraint("ck_subscription_target", type_="check")
            batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
            batch.drop_column("wecom_webhook")
