"""Subscriptions under repetition and volume (issue #11, item 5): the same /subscribe twice
stores one, an edited /subscribe adds none, a chat has at most MAX_SUBSCRIPTIONS, one
/subscribe arms its own jobs and leaves the others alone, /deadlines fits Telegram's limit at
any number of subscriptions. The real Application over the fake Bot API (which refuses texts
over 4,096 units, as Telegram does); the race on a real SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session
from telegram.ext import Application

from reminders.parse import parse_subscribe
from reminders.texts import too_many_text
from services import MAX_SUBSCRIPTIONS, Services
from store import subscriptions as store
from tests.helpers.bot_driver import GROUP_ID, USER_ID, BotDriver
from tests.helpers.fake_bot_api import FakeBotApi, Request

ADMIN = 777


def texts(requests: list[Request]) -> list[str]:
    return [r.params["text"] for r in requests if r.method in ("sendMessage", "editMessageText")]


def stored(engine: Engine, chat_id: int = GROUP_ID) -> list[int]:
    with Session(engine) as session:
        return [s.id or 0 for s in store.chat_subscriptions(session=session, chat_id=chat_id)]


def jobs_of(application: Application) -> dict[str, object]:  # type: ignore[type-arg]
    assert application.job_queue is not None
    return {str(job.name): job for job in application.job_queue.jobs("^reminder:")}


async def subscribe(driver: BotDriver, api: FakeBotApi, text: str) -> list[str]:
    api.set_member_status(GROUP_ID, ADMIN, "administrator")
    return texts(await driver.say(f"/subscribe {text}", chat_id=GROUP_ID, user_id=ADMIN))


async def test_the_same_subscribe_twice_stores_one(
    bot_driver: BotDriver, bot_app: Application, bot_engine: Engine, fake_bot_api: FakeBotApi
) -> None:  # type: ignore[type-arg]
    (first,) = await subscribe(bot_driver, fake_bot_api, "部门 淮安市 提前 14,7")
    armed = jobs_of(bot_app)
    (again,) = await subscribe(bot_driver, fake_bot_api, "部门 淮安市 提前 14,7")
    assert stored(bot_engine) == [1]
    assert first.startswith("已订阅：#1 ")
    assert again.startswith("已有同样的订阅，未重复添加：#1 ")
    assert jobs_of(bot_app) == armed


async def test_an_edited_subscribe_message_adds_none(
    bot_driver: BotDriver, bot_engine: Engine, fake_bot_api: FakeBotApi
) -> None:
    await subscribe(bot_driver, fake_bot_api, "部门 淮安市")
    message = bot_driver.message("/subscribe 政府 淮安市", chat_id=GROUP_ID, user_id=ADMIN)
    requests = await bot_driver.feed({"edited_message": {**message, "edit_date": 1}})
    assert texts(requests) == []
    assert stored(bot_engine) == [1]


async def test_a_chat_has_at_most_max_subscriptions(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    """In a private chat (a group's replies are paced at 20 a minute)."""
    for lead in range(1, MAX_SUBSCRIPTIONS + 1):
        (reply,) = texts(await bot_driver.say(f"/subscribe 部门 淮安市 提前 {lead}"))
        assert reply.startswith("已订阅：")
    (refused,) = texts(await bot_driver.say("/subscribe 政府 淮安市"))
    assert refused == too_many_text(MAX_SUBSCRIPTIONS)
    assert len(stored(bot_engine, USER_ID)) == MAX_SUBSCRIPTIONS


async def test_one_subscribe_arms_its_own_jobs_and_leaves_the_others_alone(
    bot_driver: BotDriver, bot_app: Application, fake_bot_api: FakeBotApi
) -> None:  # type: ignore[type-arg]
    await subscribe(bot_driver, fake_bot_api, "部门 淮安市")
    before = jobs_of(bot_app)
    await subscribe(bot_driver, fake_bot_api, "政府 淮安市 提前 30,7")
    after = jobs_of(bot_app)
    assert all(after[name] is job for name, job in before.items())  # not scheduled again
    assert sorted(set(after) - set(before)) == sorted(
        name for name in after if name.startswith("reminder:2:")
    )
    assert len(after) > len(before)
    fake_bot_api.set_member_status(GROUP_ID, ADMIN, "administrator")
    await bot_driver.say("/unsubscribe 1", chat_id=GROUP_ID, user_id=ADMIN)
    left = {name for name, job in jobs_of(bot_app).items() if not job.removed}  # type: ignore[attr-defined]
    assert left == {name for name in after if name.startswith("reminder:2:")}


async def test_deadlines_fit_telegrams_limit_at_any_number_of_subscriptions(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    ids = [_add(bot_engine, lead) for lead in range(1, 121)]  # beyond the cap: stored directly
    requests = await bot_driver.say("/deadlines", chat_id=GROUP_ID)
    parts = texts(requests)
    assert len(parts) > 1
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    shown = "\n".join(parts)
    assert all(f"#{i} " in shown for i in ids)
    for part in parts[1:]:  # each part begins with a subscription, not in the middle of one
        assert part.startswith("#"), part[:40]


def _add(engine: Engine, lead: int) -> int:
    with Session(engine) as session:
        sub, _ = store.add_subscription(
            session=session, chat_id=GROUP_ID, kind="department", month=1, day=31,
            scope_region="淮安市", scope_agencies=(), leads=(lead + 60, lead + 30, lead),
            created_by=ADMIN,
            now=datetime(2025, 1, 1).astimezone(), limit=1000,
        )  # fmt: skip
    assert sub is not None and sub.id is not None
    return sub.id


def test_identical_requests_at_once_store_one(engine: Engine) -> None:
    """Eight threads send the same /subscribe at once (a double tap, a retried update)."""
    services = Services(engine)
    request = parse_subscribe("部门 淮安市 提前 7")
    start = threading.Barrier(8)
    replies: list[str] = []

    def send() -> None:
        start.wait()
        replies.append(services.subscribe(GROUP_ID, request, user_id=ADMIN).text)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored(engine) == [stored(engine)[0]]
    assert sum(r.startswith("已订阅：") for r in replies) == 1
    assert sum(r.startswith("已有同样的订阅") for r in replies) == 7
