"""/subscribe, /unsubscribe, /deadlines and group migrations end to end: the real Application
from build_application, updates fed in, requests recorded by the fake Bot API over HTTP."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram.ext import Application

from reminders.schedule import upcoming
from reminders.texts import CHOOSE_KIND, CHOOSE_REGION, NOT_ADMIN, NOTHING_SUBSCRIBED
from services import plan_of
from store import subscriptions as store
from tests.helpers.bot_driver import GROUP_ID, USER_ID, BotDriver
from tests.helpers.fake_bot_api import FakeBotApi, Request

ADMIN = 777
SHANGHAI = ZoneInfo("Asia/Shanghai")


def texts(requests: list[Request]) -> list[str]:
    return [r.params["text"] for r in requests if r.method in ("sendMessage", "editMessageText")]


def job_names(application: Application) -> list[str]:  # type: ignore[type-arg]
    assert application.job_queue is not None
    return sorted(str(job.name) for job in application.job_queue.jobs("^reminder:"))


async def test_group_admin_subscribes_and_the_reminder_arrives_over_http(
    bot_driver: BotDriver,
    bot_app: Application,
    bot_engine: Engine,
    fake_bot_api: FakeBotApi,  # type: ignore[type-arg]
) -> None:
    fake_bot_api.set_member_status(GROUP_ID, ADMIN, "administrator")
    requests = await bot_driver.say(
        "/subscribe 部门 淮安市 提前 14,7", chat_id=GROUP_ID, user_id=ADMIN
    )
    [check] = [r for r in requests if r.method == "getChatMember"]
    assert (check.params["chat_id"], check.params["user_id"]) == (GROUP_ID, ADMIN)
    [reply] = texts(requests)
    with Session(bot_engine) as session:
        [sub] = store.chat_subscriptions(session=session, chat_id=GROUP_ID)
    plan = plan_of(sub)
    assert (plan.kind, sub.scope_region, plan.leads, sub.created_by) == (
        "department",
        "淮安市",
        (14, 7),
        ADMIN,
    )
    ahead = upcoming(plan, datetime.now(SHANGHAI))
    deadline = ahead[0].deadline
    assert reply.splitlines()[0].startswith(
        f"已订阅：#{sub.id} 部门年报，截止 {deadline.year}年1月31日"
    )
    assert reply.splitlines()[1] == "将在以下时间提醒："
    assert len(reply.splitlines()) == 2 + len([r for r in ahead if r.deadline == deadline])
    assert job_names(bot_app) == sorted(r.name for r in ahead)
    # The first reminder's time has come: its job sends to the group over HTTP, exactly once.
    assert bot_app.job_queue is not None
    [job] = bot_app.job_queue.get_jobs_by_name(ahead[0].name)
    fake_bot_api.clear()
    await job.run(bot_app)
    await job.run(bot_app)
    [sent] = fake_bot_api.calls("sendMessage")
    assert sent.params["chat_id"] == GROUP_ID
    assert sent.params["text"].startswith("⏰ 部门年报截止提醒\n截止日期：")
    assert "范围：淮安市" in sent.params["text"]


async def test_non_admins_cannot_change_a_groups_subscriptions(
    bot_driver: BotDriver,
    bot_engine: Engine,
    bot_app: Application,  # type: ignore[type-arg]
) -> None:
    assert texts(
        await bot_driver.say("/subscribe 部门 淮安市", chat_id=GROUP_ID, user_id=USER_ID)
    ) == [NOT_ADMIN]
    assert texts(await bot_driver.say("/unsubscribe 全部", chat_id=GROUP_ID, user_id=USER_ID)) == [
        NOT_ADMIN
    ]
    with Session(bot_engine) as session:
        assert store.chat_subscriptions(session=session, chat_id=GROUP_ID) == []
    assert job_names(bot_app) == []


async def test_buttons_choose_kind_then_region(
    bot_driver: BotDriver, bot_engine: Engine, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.set_member_status(GROUP_ID, ADMIN, "creator")
    [ask] = [
        r
        for r in await bot_driver.say("/subscribe", chat_id=GROUP_ID, user_id=ADMIN)
        if r.method == "sendMessage"
    ]
    assert ask.params["text"] == CHOOSE_KIND
    kinds = [
        b["callback_data"] for row in ask.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert kinds == ["rsub:department", "rsub:government"]
    bot_message = bot_driver.message(CHOOSE_KIND, chat_id=GROUP_ID, user_id=fake_bot_api.bot_id)
    [edit] = [
        r
        for r in await bot_driver.press(bot_message, "rsub:government", user_id=ADMIN)
        if r.method == "editMessageText"
    ]
    assert edit.params["text"] == CHOOSE_REGION
    regions = [row[0] for row in edit.params["reply_markup"]["inline_keyboard"]]
    with Session(bot_engine) as session:
        assert [
            (f"rsub:government:{i}", n) for i, n in store.known_regions(session=session, limit=8)
        ] == [(b["callback_data"], b["text"]) for b in regions]
    [done] = [
        r
        for r in await bot_driver.press(bot_message, regions[0]["callback_data"], user_id=ADMIN)
        if r.method == "editMessageText"
    ]
    assert done.params["text"].startswith("已订阅：#1 政府年报，截止 ")
    assert f"范围：{regions[0]['text']}" in done.params["text"].splitlines()[0]


async def test_deadlines_and_unsubscribe_in_a_private_chat(
    bot_driver: BotDriver,
    bot_app: Application,  # type: ignore[type-arg]
) -> None:
    assert texts(await bot_driver.say("/deadlines")) == [NOTHING_SUBSCRIBED]
    await bot_driver.say("/subscribe 3月31日 淮安市人民政府,洪泽区人民政府 提前 1")
    [listing] = texts(await bot_driver.say("/deadlines"))
    lines = listing.splitlines()
    assert lines[0] == "本群的截止提醒："
    assert lines[2].startswith("#1 年报（自定截止日），截止 ")
    assert lines[2].endswith("，范围：淮安市人民政府、洪泽区人民政府")
    assert lines[3].endswith(" 09:00 提前 1 天")
    assert lines[4].endswith(" 09:00 截止汇总")
    assert len(job_names(bot_app)) == 4  # this deadline's two, and next year's two
    assert texts(await bot_driver.say("/unsubscribe 1")) == ["已取消 1 项订阅。"]
    assert job_names(bot_app) == []
    assert texts(await bot_driver.say("/unsubscribe 1")) == [
        "没有找到这项订阅，发送 /deadlines 查看本群的订阅。"
    ]


async def test_group_migration_moves_the_subscriptions(
    bot_driver: BotDriver, bot_engine: Engine, fake_bot_api: FakeBotApi
) -> None:
    old, new = -4455, -1004455
    fake_bot_api.set_member_status(old, ADMIN, "administrator")
    await bot_driver.say("/subscribe 部门 淮安市", chat_id=old, user_id=ADMIN)
    requests = await bot_driver.send(
        bot_driver.message(None, chat_id=old, user_id=ADMIN, migrate_to_chat_id=new)
    )
    assert texts(requests) == []
    # Telegram also posts migrate_from_chat_id in the new supergroup: applying it is harmless.
    await bot_driver.send(
        bot_driver.message(None, chat_id=new, user_id=ADMIN, migrate_from_chat_id=old)
    )
    with Session(bot_engine) as session:
        assert store.chat_subscriptions(session=session, chat_id=old) == []
        assert len(store.chat_subscriptions(session=session, chat_id=new)) == 1
