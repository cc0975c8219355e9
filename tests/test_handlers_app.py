"""The Application as a whole: command registry, error handler, retries, polling, webhook."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from commands import COMMANDS, help_text
from handlers.app import build_application, webhook_options, webhook_secret
from handlers.questions import UNKNOWN_COMMAND_TEXT
from replies import ERROR
from services import Services
from settings import Settings
from store.db import make_engine, upgrade
from store.subscriptions import LeaderLock
from tests.fixtures_bot import UPLOAD_FILE
from tests.helpers.bot_driver import ADMIN_ID, USER_ID, BotDriver
from tests.helpers.documents import document
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.patience import PATIENCE
from tests.helpers.postgres import PostgresServer

PROJECT = Path(__file__).resolve().parent.parent


def registered_commands(application: Application) -> set[str]:
    return {
        command
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def test_every_command_has_a_help_line_and_a_menu_entry(
    bot_app: Application,
    fake_bot_api: FakeBotApi,
) -> None:
    assert bot_app.post_init is not None
    await bot_app.post_init(bot_app)
    (menu,) = fake_bot_api.calls("setMyCommands")
    menu_names = [c["command"] for c in menu.params["commands"]]
    registry = [c.name for c in COMMANDS]
    assert menu_names == registry
    assert all(1 <= len(c["description"]) <= 256 for c in menu.params["commands"])
    help_lines = help_text(max_upload_mb=5).splitlines()
    handled = registered_commands(bot_app)
    for name in handled:
        assert name in registry, f"/{name} has a handler but no registry entry"
        assert any(line.startswith(f"/{name} ") for line in help_lines), f"/{name} not in /help"
    assert set(registry) <= handled, "every registry entry has a handler"


async def test_a_failing_handler_gives_the_user_a_friendly_message_only(
    bot_app: Application,
    bot_driver: BotDriver,
) -> None:
    async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("secret internal detail")

    bot_app.add_handler(CommandHandler("boom", boom), group=-1)
    requests = await bot_driver.say("/boom")
    # the error message, then group 0 carries on: it does not know /boom either
    assert [(r.method, r.params["chat_id"], r.params["text"]) for r in requests] == [
        ("sendMessage", USER_ID, ERROR),
        ("sendMessage", USER_ID, UNKNOWN_COMMAND_TEXT),
    ]


async def test_a_network_failure_is_retried_and_the_reply_arrives(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.fail_next("sendMessage", status=502, description="Bad Gateway")
    requests = await bot_driver.say("/help")
    sends = [r for r in requests if r.method == "sendMessage"]
    assert len(sends) == 2  # the failed attempt and the retry, same message
    assert sends[0].params == sends[1].params
    assert sends[1].params["text"] == help_text(max_upload_mb=5)


async def test_a_bad_request_is_not_retried_and_becomes_the_error_message(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    requests = await bot_driver.say("/help")
    texts = [r.params["text"] for r in requests if r.method == "sendMessage"]
    assert texts == [help_text(max_upload_mb=5), ERROR]


async def test_long_polling_receives_updates_and_replies_over_http(
    bot_settings: Settings, bot_services: Services, fake_bot_api: FakeBotApi
) -> None:
    application = build_application(bot_settings, bot_services)
    driver = BotDriver(application, fake_bot_api)
    fake_bot_api.queue_update({"message": driver.message("/help")})
    fake_bot_api.fail_next("getUpdates", status=502)  # a network hiccup is retried
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        (sent,) = await asyncio.to_thread(fake_bot_api.wait_for, "sendMessage")
        await application.updater.stop()
        await application.stop()
    assert sent.params["text"] == help_text(max_upload_mb=5)
    assert fake_bot_api.calls("deleteWebhook")  # polling first clears any webhook
    assert len(fake_bot_api.calls("getUpdates")) >= 2
    assert fake_bot_api.sent_texts() == [help_text(max_upload_mb=5)]  # no error message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_options_listen_on_the_urls_path_with_a_secret() -> None:
    settings = Settings(
        telegram_bot_token=SecretStr("1:x"),
        webhook_url="https://bot.example.org/nianbao/hook",
        webhook_listen="127.0.0.1",
        webhook_port=8443,
    )
    options = webhook_options(settings, "1:x")
    assert options["listen"] == "127.0.0.1" and options["port"] == 8443
    assert options["url_path"] == "nianbao/hook"
    assert options["webhook_url"] == "https://bot.example.org/nianbao/hook"
    assert options["secret_token"] == webhook_secret("1:x") != webhook_secret("2:y")
    assert len(options["secret_token"]) == 64


async def test_webhook_mode_registers_the_url_and_answers_posted_updates(
    bot_settings: Settings, bot_services: Services, fake_bot_api: FakeBotApi
) -> None:
    port = free_port()
    settings = bot_settings.model_copy(
        update={
            "webhook_url": f"https://bot.example.org/hook-{port}",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
        }
    )
    application = build_application(settings, bot_services)
    driver = BotDriver(application, fake_bot_api)
    options = webhook_options(settings, fake_bot_api.token)
    async with application:
        assert application.updater is not None
        await application.updater.start_webhook(**options)
        await application.start()
        update = {"update_id": 1, "message": driver.message("/help")}
        async with httpx.AsyncClient() as client:
            forged = await client.post(f"http://127.0.0.1:{port}/hook-{port}", json=update)
            real = await client.post(
                f"http://127.0.0.1:{port}/hook-{port}",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": options["secret_token"]},
            )
        (sent,) = await asyncio.to_thread(fake_bot_api.wait_for, "sendMessage")
        await application.updater.stop()
        await application.stop()
    assert forged.status_code == 403 and real.status_code == 200
    (set_webhook,) = fake_bot_api.calls("setWebhook")
    assert set_webhook.params["url"] == f"https://bot.example.org/hook-{port}"
    assert set_webhook.params["secret_token"] == options["secret_token"]
    assert sent.params["text"] == help_text(max_upload_mb=5)


def test_bot_py_run_polls_sets_the_menu_answers_and_stops_cleanly_on_sigterm(
    bot_db_url: str, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    """The deployed path: `python bot.py run` (post_init, long polling) as a real process."""
    driver = BotDriver(None, fake_bot_api)  # only builds updates
    fake_bot_api.queue_update({"message": driver.message("淮安市 2024 申请数量")})
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_bot_api.token,
        "TELEGRAM_API_BASE_URL": fake_bot_api.base_url,
        "DATABASE_URL": bot_db_url,
        "SEED_SAMPLES": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("WEBHOOK_URL", None)
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        (sent,) = fake_bot_api.wait_for("sendMessage")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, stderr
    assert "3119" in sent.params["text"]
    (menu,) = fake_bot_api.calls("setMyCommands")
    assert [c["command"] for c in menu.params["commands"]] == [c.name for c in COMMANDS]
    assert fake_bot_api.calls("deleteWebhook")


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_no_log_line_of_a_real_run_contains_the_token(
    level: str, bot_db_url: str, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    """`bot.py run` answering a question and storing an upload (getFile + a file download,
    whose URLs carry the token): the captured log names neither the token nor its secret half."""
    driver = BotDriver(None, fake_bot_api)
    data = document(UPLOAD_FILE).read_bytes()
    upload = driver.message(None, chat_id=ADMIN_ID, document=driver.document(data, UPLOAD_FILE))
    fake_bot_api.queue_update({"message": driver.message("淮安市 2024 申请数量")})
    fake_bot_api.queue_update({"message": upload})
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_bot_api.token,
        "TELEGRAM_API_BASE_URL": fake_bot_api.base_url,
        "DATABASE_URL": bot_db_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "SEED_SAMPLES": "false",
        "LOG_LEVEL": level,
    }
    env.pop("WEBHOOK_URL", None)
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sent = fake_bot_api.wait_for("sendMessage", count=2)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, stderr
    assert any(m.params["text"].startswith("已入库") for m in sent)
    assert "getFile" in stderr or level == "INFO"  # DEBUG really logs the requests
    secret_half = fake_bot_api.token.split(":", 1)[1]
    leaking = [line for line in stderr.splitlines() if secret_half in line]
    assert not leaking, leaking[:3]


async def test_a_slow_upload_does_not_hold_up_other_questions(
    bot_settings: Settings, bot_services: Services, fake_bot_api: FakeBotApi
) -> None:
    application = build_application(bot_settings, bot_services)
    driver = BotDriver(application, fake_bot_api)
    data = document(UPLOAD_FILE).read_bytes()
    upload = driver.message(None, chat_id=ADMIN_ID, document=driver.document(data, UPLOAD_FILE))
    fake_bot_api.hold_downloads()  # the upload's download hangs until released
    fake_bot_api.queue_update({"message": upload})
    fake_bot_api.queue_update({"message": driver.message("/help", chat_id=USER_ID)})
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        (answer,) = await asyncio.to_thread(fake_bot_api.wait_for, "sendMessage")
        assert answer.params["chat_id"] == USER_ID  # answered while the upload still waits
        fake_bot_api.release_downloads()
        stored = await asyncio.to_thread(fake_bot_api.wait_for, "sendMessage", 2)
        await application.updater.stop()
        await application.stop()
    assert stored[1].params["chat_id"] == ADMIN_ID
    assert stored[1].params["text"].startswith(f"已入库（新增）：{UPLOAD_FILE}")


def test_a_clean_stop_releases_the_reminder_lock_and_the_database(
    postgres_server: PostgresServer | None, fake_bot_api: FakeBotApi
) -> None:
    """`run_polling` as `bot.py run` does, on PostgreSQL: at start this process leads the
    reminders (advisory lock); after a clean stop another process can lead at once, and no
    connection of the stopped bot is left on the server."""
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    watcher = create_engine(url, poolclass=NullPool)  # another process: holds nothing idle
    settings = Settings(
        telegram_bot_token=SecretStr(fake_bot_api.token),
        telegram_api_base_url=fake_bot_api.base_url,
        database_url=url,
    )
    application = build_application(settings, Services(engine))
    seen: dict[str, object] = {}

    async def stop_after_the_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen["others_may_lead"] = LeaderLock(watcher).acquire()
        seen["connections"] = _connections(watcher)
        context.application.stop_running()

    application.add_handler(MessageHandler(filters.ALL, stop_after_the_reply), group=99)
    fake_bot_api.queue_update({"message": BotDriver(None, fake_bot_api).message("/help")})
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        application.run_polling(stop_signals=None, timeout=1)
    finally:
        asyncio.set_event_loop(None)
    assert seen["others_may_lead"] is False  # while running, this bot led
    assert int(seen["connections"]) >= 1  # type: ignore[call-overload]
    successor = LeaderLock(watcher)
    assert successor.acquire() is True  # released at the stop, not when the process exits
    successor.release()
    assert _connections_after_disconnects(watcher) == 0
    watcher.dispose()


def _connections_after_disconnects(watcher: Engine, timeout: float = PATIENCE) -> int:
    """The count once closed connections' server processes are gone (a backend leaves
    pg_stat_activity a moment after its client hangs up)."""
    deadline = time.monotonic() + timeout
    while (count := _connections(watcher)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def _connections(watcher: Engine) -> int:
    """Connections to the watched database other than the watcher's own."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with watcher.connect() as conn:
        return int(conn.execute(query).scalar_one())
