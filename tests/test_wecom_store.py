"""Migration 0008 on SQLite and PostgreSQL: a subscription's target is a chat or a robot."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from store.db import WRITE, alembic_config, current_revision, make_engine, upgrade

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ROW = (
    "INSERT INTO subscriptions (chat_id, wecom_webhook, kind, deadline_month, deadline_day, "
    "scope_agencies, lead_days, send_hour, send_minute, paused, created_at) VALUES "
    "(:chat, :hook, 'department', 1, 31, '', '7', 9, 0, FALSE, :now)"
)
SENT = (
    "INSERT INTO sent_reminders (chat_id, subscription_id, deadline, lead_days, claimed_at, late)"
    " VALUES (:chat, :sub, :deadline, 7, :now, FALSE)"
)
HOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-0123456789"


def test_upgrade_keeps_chats_and_takes_robots_with_one_key_per_reminder(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0007_version_order")
    with engine.begin() as conn:
        conn.execute(
            text(ROW.replace("wecom_webhook, ", "").replace(":hook, ", "")),
            {"chat": -1001, "now": NOW},
        )
        conn.execute(
            text(SENT), {"chat": -1001, "sub": 1, "deadline": date(2027, 1, 31), "now": NOW}
        )
    upgrade(engine, "0008_wecom_robots")  # the migration under test, not whatever is newest
    assert current_revision(engine) == "0008_wecom_robots"
    with engine.begin() as conn:
        conn.execute(text(ROW), {"chat": None, "hook": HOOK, "now": NOW})
        robot = conn.execute(text("SELECT id FROM subscriptions WHERE chat_id IS NULL")).scalar()
        conn.execute(
            text(SENT), {"chat": None, "sub": robot, "deadline": date(2027, 1, 31), "now": NOW}
        )
    for chat in (-1001, None):  # the key is (subscription, deadline, lead), chat or not
        with pytest.raises(IntegrityError), engine.begin() as conn:
            sub = 1 if chat else robot
            conn.execute(
                text(SENT), {"chat": chat, "sub": sub, "deadline": date(2027, 1, 31), "now": NOW}
            )
    for chat, hook in ((None, None), (-1002, HOOK)):  # exactly one target
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(ROW), {"chat": chat, "hook": hook, "now": NOW})
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT chat_id, wecom_webhook FROM subscriptions ORDER BY id"))
        assert [tuple(r) for r in rows] == [(-1001, None), (None, HOOK)]
    engine.dispose()


def test_downgrade_drops_the_robots_and_keeps_the_chats(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text(ROW.replace(":hook", "NULL")), {"chat": -1001, "now": NOW})
        conn.execute(text(ROW), {"chat": None, "hook": HOOK, "now": NOW})
        conn.execute(
            text(SENT), {"chat": None, "sub": 2, "deadline": date(2027, 1, 31), "now": NOW}
        )
    with engine.connect() as conn:
        command.downgrade(alembic_config(conn.execution_options(**WRITE)), "0007_version_order")
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT chat_id FROM subscriptions")).scalars().all() == [-1001]
        assert conn.execute(text("SELECT COUNT(*) FROM sent_reminders")).scalar() == 0
    engine.dispose()
