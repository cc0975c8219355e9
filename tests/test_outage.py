"""A running bot survives a PostgreSQL stop and start (issue #11, item 4): during the outage a
question gets "服务暂时不可用，请稍后再试" (not "没看懂"), a command the same instead of the
generic error; afterwards /subscribe answers and arms its jobs and the next reminder is sent.

The real Application from build_application over the fake Bot API, on a PostgreSQL server of
the test's own, stopped the way an operator does (pg_ctl stop -m fast) and started again.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from telegram.ext import Application

from handlers import jobs
from handlers.app import build_application
from reminders.schedule import upcoming
from replies import UNAVAILABLE
from services import Services, plan_of
from settings import Settings
from store import subscriptions as store
from store.db import make_engine, upgrade
from tests.fixtures_reminders import seed_huaian
from tests.helpers.bot_driver import USER_ID, BotDriver
from tests.helpers.fake_bot_api import FakeBotApi, Request
from tests.helpers.postgres import PostgresServer

QUESTION = "淮安市财政局 2024 申请数量"


def texts(requests: list[Request]) -> list[str]:
    return [r.params["text"] for r in requests if r.method == "sendMessage"]


def job_names(application: Application) -> list[str]:  # type: ignore[type-arg]
    assert application.job_queue is not None
    return sorted(str(job.name) for job in application.job_queue.jobs("^reminder:"))


async def test_a_running_bot_survives_a_postgresql_stop_and_start(
    own_postgres: PostgresServer, fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    url = own_postgres.fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    seed_huaian(engine)
    settings = Settings(
        telegram_bot_token=SecretStr(fake_bot_api.token),
        telegram_api_base_url=fake_bot_api.base_url,
        database_url=url,
        seed_samples=False,
    )
    services = Services(engine)
    application = build_application(settings, services)
    driver = BotDriver(application, fake_bot_api)
    async with application:
        await jobs.rearm(application, now=services.now())  # what post_init does: it leads
        (before,) = texts(await driver.say(QUESTION))
        assert before != UNAVAILABLE
        own_postgres.stop()
        assert texts(await driver.say(QUESTION)) == [UNAVAILABLE]
        assert texts(await driver.say("/deadlines")) == [UNAVAILABLE]
        assert await jobs.rearm(application, now=services.now()) == 0  # the periodic sync
        own_postgres.start()

        (reply,) = texts(await driver.say("/subscribe 1月26日 淮安市财政局 提前 30,14,7"))
        assert reply.startswith("已订阅：#1 ")
        ahead = upcoming(plan_of(_stored(services, USER_ID)), services.now())
        assert job_names(application) == sorted(r.name for r in ahead)
        assert application.job_queue is not None
        [job] = application.job_queue.get_jobs_by_name(ahead[0].name)
        fake_bot_api.clear()
        await job.run(application)
        (sent,) = texts(fake_bot_api.requests)
        assert sent.startswith("⏰ ") and "淮安市财政局" in sent
        assert texts(await driver.say(QUESTION)) == [before]
    services.close()
    engine.dispose()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def _stored(services: Services, chat_id: int):  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    with Session(services.engine) as session:
        [sub] = store.chat_subscriptions(session=session, chat_id=chat_id)
    return sub
