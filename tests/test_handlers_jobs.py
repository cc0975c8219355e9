"""Sending reminders exactly once over real HTTP (PTB against the fake Bot API): restarts,
downtime, racing senders, removed and migrated chats, flood control through the rate limiter."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from telegram.ext import Application, ExtBot

from handlers import jobs
from handlers.app import RetryingRateLimiter, build_application
from handlers.context import CONTEXT_TYPES, BotApplication
from reminders.schedule import Due, Plan, Reminder, reminders_for, upcoming
from services import Services, plan_of
from settings import Settings
from store import subscriptions as store
from store.db import make_engine, upgrade
from store.models import Subscription
from tests.fixtures_reminders import SHANGHAI, seed_huaian, shanghai
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.patience import PATIENCE

GROUP = -1001234
CREATED = shanghai(2025, 1, 5, 12)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def rate_limited_bot(api: FakeBotApi) -> ExtBot[int]:
    """A bot like the application's: paced and retried by the rate limiter."""
    return ExtBot(api.token, base_url=api.base_url, rate_limiter=RetryingRateLimiter(delays=(0,)))


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[ExtBot[int]]:
    async with rate_limited_bot(api) as real_bot:
        yield real_bot


@pytest.fixture
def services(rem_engine: Engine) -> Services:
    return Services(rem_engine)


def add_sub(engine: Engine, *, chat_id: int = GROUP, region: str = "淮安市") -> Subscription:
    with Session(engine) as session:
        sub, _ = store.add_subscription(
            session=session,
            chat_id=chat_id,
            kind="department",
            month=1,
            day=31,
            scope_region=region,
            scope_agencies=(),
            leads=(30, 14, 7, 3, 1),
            created_by=1,
            now=CREATED,
            limit=100,
        )
    assert sub is not None
    return sub


def reminder_of(sub: Subscription, lead: int) -> Reminder:
    plan = plan_of(sub)
    return next(r for r in reminders_for(plan, date(2025, 1, 31), SHANGHAI) if r.lead_days == lead)


def make_app(api: FakeBotApi, engine: Engine) -> BotApplication:
    """A fresh Application, as after a restart: no jobs, only the database remembers."""
    application: BotApplication = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(RetryingRateLimiter(delays=(0,)))
        .build()
    )
    application.bot_data.services = Services(engine)
    return application


def job_times(application: BotApplication) -> dict[str, datetime]:
    """Reminder job name → run time (the scheduler is never started in tests)."""
    assert application.job_queue is not None
    return {
        str(job.name): job.job.trigger.run_date for job in application.job_queue.jobs("^reminder:")
    }


async def test_one_send_claims_the_key_and_records_it(
    rem_engine: Engine, api: FakeBotApi, bot: ExtBot[int], services: Services
) -> None:
    sub = add_sub(rem_engine)
    r = reminder_of(sub, 7)
    outcome = await jobs.deliver(services, bot, Due(r, late=False), now=r.at)
    assert (outcome.status, outcome.chat_id) == (jobs.SENT, GROUP)
    [call] = api.calls("sendMessage")
    assert call.params["chat_id"] == GROUP
    assert call.params["text"].splitlines()[:2] == [
        "⏰ 部门年报截止提醒",
        "截止日期：2025年1月31日（星期五），还有 7 天。",
    ]
    again = await jobs.deliver(services, bot, Due(r, late=False), now=r.at)
    assert again.status == jobs.DUPLICATE
    assert len(api.calls("sendMessage")) == 1
    with Session(rem_engine) as session:
        [row] = store.sent_reminders(session=session, subscription_id=sub.id or 0)
    assert (row.lead_days, row.late, row.error, row.sent_at) == (7, False, None, r.at)


async def test_restart_rebuilds_the_same_jobs_and_sends_nothing(
    rem_engine: Engine, api: FakeBotApi
) -> None:
    sub = add_sub(rem_engine)
    now = shanghai(2025, 1, 10, 9)
    expected = {r.name: r.at for r in upcoming(plan_of(sub), now)}
    assert list(expected)[:3] == [
        "reminder:1:2025-01-31:14",
        "reminder:1:2025-01-31:7",
        "reminder:1:2025-01-31:1",
    ]
    first = make_app(api, rem_engine)
    async with first:
        assert await jobs.rearm(first, now=now) == 0
        assert job_times(first) == expected
        assert await jobs.rearm(first, now=now) == 0  # re-arming is idempotent
        assert job_times(first) == expected
    restarted = make_app(api, rem_engine)
    async with restarted:
        assert await jobs.rearm(restarted, now=shanghai(2025, 1, 10, 9, 5)) == 0
        assert job_times(restarted) == expected
    assert api.calls("sendMessage") == []


async def test_downtime_over_a_reminder_sends_it_once_late_at_start(
    rem_engine: Engine, api: FakeBotApi
) -> None:
    add_sub(rem_engine)
    # Down from 1月10日 until 1月20日 10:00: the 14-day reminder (1月17日) was missed.
    for minute in (0, 5):
        application = make_app(api, rem_engine)
        async with application:
            await jobs.rearm(application, now=shanghai(2025, 1, 20, 10, minute))
            assert next(iter(job_times(application))) == "reminder:1:2025-01-31:7"
    [call] = api.calls("sendMessage")
    assert call.params["text"].splitlines()[:2] == [
        "（补发）⏰ 部门年报截止提醒",
        "截止日期：2025年1月31日（星期五），还有 11 天。",
    ]


async def test_a_missed_reminder_after_the_deadline_is_only_logged(
    rem_engine: Engine, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    add_sub(rem_engine)
    application = make_app(api, rem_engine)
    caplog.set_level(logging.INFO, logger="handlers.jobs")
    async with application:
        assert await jobs.rearm(application, now=shanghai(2025, 2, 1, 8)) == 0
        assert await jobs.rearm(application, now=shanghai(2025, 2, 1, 8, 5)) == 0
    assert api.calls("sendMessage") == []
    missed = "reminder reminder:1:2025-01-31:1 was missed and is too late to send"
    assert caplog.messages.count(missed) == 1  # logged once, not at every re-arm


async def test_the_job_callback_sends_on_time_over_http(
    rem_engine: Engine, api: FakeBotApi, services: Services
) -> None:
    add_sub(rem_engine)
    application = make_app(api, rem_engine)
    async with application:
        await jobs.rearm(application, now=shanghai(2025, 1, 10, 9))
        assert application.job_queue is not None
        [job] = application.job_queue.get_jobs_by_name("reminder:1:2025-01-31:7")
        await job.run(application)
        await job.run(application)  # fired twice (e.g. by a second scheduler): one message
    [call] = api.calls("sendMessage")
    assert call.params["chat_id"] == GROUP
    assert call.params["text"].startswith(
        "⏰ 部门年报截止提醒\n截止日期：2025年1月31日（星期五），还有 7 天。"
    )


def _race(engine_urls: list[str], api: FakeBotApi, reminders: list[Reminder]) -> list[str]:
    """Each engine URL is a sender in its own thread and event loop, sending every reminder."""
    barrier = threading.Barrier(len(engine_urls))
    statuses: list[str] = []

    def sender(url: str) -> None:
        engine = make_engine(url)

        async def run() -> None:
            services = Services(engine)
            async with rate_limited_bot(api) as bot:
                barrier.wait()
                for r in reminders:
                    outcome = await jobs.deliver(services, bot, Due(r, late=False), now=r.at)
                    statuses.append(outcome.status)

        asyncio.run(run())
        engine.dispose()

    threads = [threading.Thread(target=sender, args=(url,)) for url in engine_urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    return sorted(statuses)


def test_two_processes_racing_on_one_sqlite_file_send_each_reminder_once(
    rem_engine: Engine, rem_db_path: Path, api: FakeBotApi
) -> None:
    subs = [add_sub(rem_engine, chat_id=GROUP - i) for i in range(4)]
    reminders = [reminder_of(sub, lead) for sub in subs for lead in (7, 1)]
    url = f"sqlite:///{rem_db_path}"
    statuses = _race([url, url], api, reminders)
    assert statuses == [jobs.DUPLICATE] * 8 + [jobs.SENT] * 8
    assert len(api.calls("sendMessage")) == 8


def test_two_processes_racing_on_postgresql_send_each_reminder_once(
    postgres_server: object, api: FakeBotApi
) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()  # type: ignore[attr-defined]
    engine = make_engine(url)
    upgrade(engine)
    seed_huaian(engine)
    subs = [add_sub(engine, chat_id=GROUP - i) for i in range(4)]
    reminders = [reminder_of(sub, lead) for sub in subs for lead in (7, 1)]
    statuses = _race([url, url], api, reminders)
    engine.dispose()
    assert statuses == [jobs.DUPLICATE] * 8 + [jobs.SENT] * 8
    assert len(api.calls("sendMessage")) == 8


def test_only_one_process_leads_on_postgresql(postgres_server: object) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()  # type: ignore[attr-defined]
    first, second = make_engine(url), make_engine(url)
    leader, other = store.LeaderLock(first), store.LeaderLock(second)
    assert leader.acquire() is True
    assert other.acquire() is False
    assert leader.acquire() is True  # still leading
    leader.release()
    assert other.acquire() is True  # takes over once the leader is gone
    other.release()
    first.dispose()
    second.dispose()


async def test_on_postgresql_only_the_leader_arms_jobs_and_a_successor_takes_over(
    postgres_server: object, api: FakeBotApi
) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()  # type: ignore[attr-defined]
    first, second = make_engine(url), make_engine(url)
    upgrade(first)
    seed_huaian(first)
    add_sub(first)
    now = shanghai(2025, 1, 10, 9)
    leader, standby = make_app(api, first), make_app(api, second)
    async with leader, standby:
        await jobs.rearm(leader, now=now)
        await jobs.rearm(standby, now=now)
        assert len(job_times(leader)) == 10
        assert job_times(standby) == {}
        leader.bot_data.services.close()  # the leader's process goes away
        await jobs.rearm(standby, now=now)
        assert job_times(standby) == job_times(leader)
        await jobs.rearm(leader, now=now)  # it comes back as a standby and drops its jobs
        assert job_times(leader) == {}
        standby.bot_data.services.close()
    first.dispose()
    second.dispose()


def test_sqlite_deployments_always_lead(rem_engine: Engine) -> None:
    assert store.LeaderLock(rem_engine).acquire() is True


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (403, "Forbidden: bot was kicked from the supergroup chat", None),
        (400, "Bad Request: chat not found", "Chat not found"),  # as PTB words it
    ],
    ids=["kicked", "chat-not-found"],
)
async def test_a_removed_chat_pauses_its_subscriptions_and_is_logged(
    rem_engine: Engine,
    api: FakeBotApi,
    bot: ExtBot[int],
    caplog: pytest.LogCaptureFixture,
    status: int,
    description: str,
    error: str | None,
    services: Services,
) -> None:
    error = error or description
    sub = add_sub(rem_engine)
    api.fail_next("sendMessage", status=status, description=description)
    r = reminder_of(sub, 7)
    outcome = await jobs.deliver(services, bot, Due(r, late=False), now=r.at)
    assert outcome.status == jobs.PAUSED
    with Session(rem_engine) as session:
        paused = store.get_subscription(session=session, subscription_id=sub.id or 0)
        [row] = store.sent_reminders(session=session, subscription_id=sub.id or 0)
        assert store.active_subscriptions(session=session) == []
    assert paused is not None and paused.paused
    assert paused.paused_reason == f"机器人无法在此群发言：{error}"
    assert (row.sent_at, row.error) == (None, error)
    assert f"chat {GROUP} unreachable ({error}); paused 1 subscription(s)" in caplog.messages
    # Paused: the next reminder is neither claimed nor sent.
    nxt = reminder_of(sub, 1)
    later = await jobs.deliver(services, bot, Due(nxt, late=False), now=nxt.at)
    assert later.status == jobs.SKIPPED
    assert len(api.calls("sendMessage")) == 1


async def test_a_migrated_group_gets_the_reminder_and_keeps_its_subscription(
    rem_engine: Engine, api: FakeBotApi, bot: ExtBot[int], services: Services
) -> None:
    sub = add_sub(rem_engine, chat_id=-4321)
    api.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009876},
    )
    r = reminder_of(sub, 7)
    outcome = await jobs.deliver(services, bot, Due(r, late=False), now=r.at)
    assert (outcome.status, outcome.chat_id) == (jobs.SENT, -1009876)
    assert [c.params["chat_id"] for c in api.calls("sendMessage")] == [-4321, -1009876]
    with Session(rem_engine) as session:
        moved = store.chat_subscriptions(session=session, chat_id=-1009876)
    assert [s.id for s in moved] == [sub.id]


async def test_flood_control_is_waited_out_by_the_applications_rate_limiter(
    rem_engine: Engine, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pacing mechanism: the job sends through the application's bot, whose
    AIORateLimiter waits out a 429 and sends again; nothing else sleeps."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB v22.2+ deprecates int retry_after
    add_sub(rem_engine)
    api.fail_next(
        "sendMessage", status=429, description="Too Many Requests", parameters={"retry_after": 1}
    )
    application = make_app(api, rem_engine)
    async with application:
        await jobs.rearm(application, now=shanghai(2025, 1, 10, 9))
        assert application.job_queue is not None
        [job] = application.job_queue.get_jobs_by_name("reminder:1:2025-01-31:7")
        started = time.monotonic()
        await job.run(application)
        waited = time.monotonic() - started
    assert [c.params["chat_id"] for c in api.calls("sendMessage")] == [GROUP, GROUP]
    assert waited >= 1.0  # the flood wait Telegram asked for
    with Session(rem_engine) as session:
        [row] = store.sent_reminders(session=session, subscription_id=1)
    assert row.sent_at is not None and row.error is None


def test_a_plan_changed_elsewhere_drops_its_stale_jobs(
    rem_engine: Engine, api: FakeBotApi
) -> None:
    application = make_app(api, rem_engine)
    assert application.job_queue is not None
    plan = Plan(id=9, chat_id=GROUP, kind="department", month=1, day=31)
    now = shanghai(2025, 1, 10, 9)
    jobs.arm(application.job_queue, [plan], now=now)
    assert len(job_times(application)) == 4 + 6  # the rest of 2025's and all of 2026's
    jobs.arm(application.job_queue, [], now=now)
    assert job_times(application) == {}


async def test_a_container_started_with_tz_utc_still_reminds_at_nine_beijing_time(
    rem_engine: Engine, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings read no generic variable: TZ=UTC used to move 09:00 reminders to 17:00."""
    monkeypatch.setenv("TZ", "UTC")
    add_sub(rem_engine)
    settings = Settings(telegram_bot_token=api.token, telegram_api_base_url=api.base_url)
    application = build_application(settings, Services(rem_engine))
    async with application:
        assert application.post_init is not None
        await application.post_init(application)  # the start: menu, then the reminder jobs
        times = job_times(application)
    assert times
    assert {t.astimezone(SHANGHAI).strftime("%H:%M") for t in times.values()} == {"09:00"}
