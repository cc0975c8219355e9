"""store.subscriptions on a real migrated SQLite database: scope reports, claims, chat changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from services import plan_of
from store import subscriptions as store
from store.models import Subscription
from tests.fixtures_reminders import shanghai

NOW = shanghai(2025, 1, 10, 12)
DEADLINE = date(2025, 1, 31)


def _add(
    engine: Engine,
    *,
    region: str | None = None,
    agencies: tuple[str, ...] = (),
    kind: str = "department",
    chat_id: int = -1001,
) -> Subscription:
    with Session(engine) as session:
        sub, _ = store.add_subscription(
            session=session,
            chat_id=chat_id,
            kind=kind,
            month=1,
            day=31,
            scope_region=region,
            scope_agencies=agencies,
            leads=(30, 14, 7),
            created_by=42,
            now=NOW,
            limit=100,
        )
    assert sub is not None
    return sub


def test_region_scope_counts_departments_of_the_city_and_its_counties(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="淮安市")
    with Session(rem_engine) as session:
        status = store.scope_reports(session=session, sub=sub, year=2024, level="department")
    assert status.loaded == ["淮安市财政局"]
    # 教育局's 2024 report is superseded only; 民政局 has 2023 only; 南京 is outside the scope.
    assert status.missing == ["洪泽区民政局", "淮安市教育局"]
    assert status.failing == [("淮安市财政局", "V2", "办理结果总计 12 ≠ 各项之和 11")]


def test_government_region_scope_counts_only_governments(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="江苏省淮安市", kind="government")
    with Session(rem_engine) as session:
        status = store.scope_reports(session=session, sub=sub, year=2024, level="government")
    assert (status.loaded, status.missing) == (["洪泽区人民政府"], ["淮安市人民政府"])


def test_list_scope_matches_names_aliases_and_region_prefixed_names(rem_engine: Engine) -> None:
    names = ("淮安市洪泽区人民政府", "淮安市财政局", "洪泽区民政部门", "淮安市不存在局")
    sub = _add(rem_engine, agencies=names)
    with Session(rem_engine) as session:
        status = store.scope_reports(session=session, sub=sub, year=2024, level=None)
    assert status.loaded == ["淮安市洪泽区人民政府", "淮安市财政局"]
    assert status.missing == ["洪泽区民政部门", "淮安市不存在局"]
    assert [agency for agency, _, _ in status.failing] == ["淮安市财政局"]


def test_a_name_with_a_foreign_region_prefix_does_not_match(rem_engine: Engine) -> None:
    sub = _add(rem_engine, agencies=("南京市洪泽区人民政府",))
    with Session(rem_engine) as session:
        status = store.scope_reports(session=session, sub=sub, year=2024, level=None)
    assert (status.loaded, status.missing) == ([], ["南京市洪泽区人民政府"])


def test_a_reminder_key_is_claimed_once(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="淮安市")
    assert sub.id is not None
    key = {"subscription_id": sub.id, "deadline": DEADLINE, "lead_days": 7}
    with Session(rem_engine) as session:
        assert store.claim_reminder(session=session, **key, late=False, now=NOW)
    with Session(rem_engine) as session:
        assert not store.claim_reminder(session=session, **key, late=True, now=NOW)
        store.finish_reminder(session=session, **key, now=NOW)
        rows = store.sent_reminders(session=session, subscription_id=sub.id)
    assert [(r.lead_days, r.late, r.error, r.sent_at is not None) for r in rows] == [
        (7, False, None, True)
    ]


def test_paused_subscriptions_cannot_be_claimed_and_are_not_active(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="淮安市")
    other = _add(rem_engine, region="淮安市", chat_id=-2002)
    assert sub.id is not None
    with Session(rem_engine) as session:
        assert store.pause_chat(session=session, chat_id=-1001, reason="机器人已被移出群") == 1
        key = {"subscription_id": sub.id, "deadline": DEADLINE, "lead_days": 7}
        assert not store.claim_reminder(session=session, **key, late=False, now=NOW)
        assert [s.id for s in store.active_subscriptions(session=session)] == [other.id]
        paused = store.get_subscription(session=session, subscription_id=sub.id)
        assert paused is not None and paused.paused_reason == "机器人已被移出群"


def test_migrated_chat_takes_its_subscriptions_and_sent_keys(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="淮安市", chat_id=-555)
    assert sub.id is not None
    key = {"subscription_id": sub.id, "deadline": DEADLINE, "lead_days": 7}
    with Session(rem_engine) as session:
        store.claim_reminder(session=session, **key, late=False, now=NOW)
        assert store.migrate_chat(session=session, old_chat_id=-555, new_chat_id=-1009) == 1
        assert [s.id for s in store.chat_subscriptions(session=session, chat_id=-1009)] == [sub.id]
        assert [
            r.chat_id for r in store.sent_reminders(session=session, subscription_id=sub.id)
        ] == [-1009]
        # The key still holds after the move: no second send to the new chat id.
        assert not store.claim_reminder(session=session, **key, late=False, now=NOW)


def test_delete_only_touches_the_chat_and_ids_given(rem_engine: Engine) -> None:
    first = _add(rem_engine, region="淮安市")
    second = _add(rem_engine, region="洪泽区")
    third = _add(rem_engine, region="淮安市", chat_id=-2002)
    assert first.id is not None
    with Session(rem_engine) as session:
        assert (
            store.delete_subscriptions(
                session=session, chat_id=-1001, ids=[first.id, third.id or 0]
            )
            == 1
        )
        assert [s.id for s in store.chat_subscriptions(session=session, chat_id=-1001)] == [
            second.id
        ]
        assert store.delete_subscriptions(session=session, chat_id=-1001, ids=None) == 1
        assert store.chat_subscriptions(session=session, chat_id=-1001) == []


def test_plan_keeps_the_creation_time_as_aware_utc(rem_engine: Engine) -> None:
    sub = _add(rem_engine, region="淮安市")
    with Session(rem_engine) as session:
        stored = store.get_subscription(session=session, subscription_id=sub.id or 0)
        assert stored is not None
        plan = plan_of(stored)
    assert plan.since == NOW
    assert plan.leads == (30, 14, 7)
