"""`bot.py run` as a real process against the fake WeCom server (and the fake Bot API): with
WeCom only (no Telegram token) the app answers an encrypted question with the figure and a
robot's reminder that came due goes out once; with Telegram too, one process serves both;
SIGTERM stops it cleanly — and no secret is in its log at DEBUG."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import httpx
from sqlalchemy import Engine

from reminders.parse import parse_subscribe
from services import Services
from tests.helpers.bot_driver import BotDriver
from tests.helpers.cli import PROJECT
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.fake_wecom import (
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    SECRET,
    TOKEN,
    FakeWeCom,
    encrypted_callback,
    message_xml,
)
from tests.helpers.patience import PATIENCE

QUESTION = "淮安市 2024 年行政复议多少件"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def subscribe_late_robot(services: Services, robot: str) -> None:
    """A robot subscription whose 7-day reminder came due while nothing ran (sent at start)."""
    now = services.now()
    deadline = now.date() + timedelta(days=3)
    request = parse_subscribe(f"{deadline.month}月{deadline.day}日 淮安市 提前 7")
    services.subscribe(
        None, request, user_id=None, wecom_webhook=robot, now=now - timedelta(days=10)
    )


def start_run(
    wecom: FakeWeCom, database_url: str, **extra: str
) -> tuple[subprocess.Popen[str], int]:
    """`python bot.py run` with the WeCom app set up against the fake; (process, callback
    port) once the callback port listens."""
    port = free_port()
    drop = ("TELEGRAM_", "WECOM_", "WEB_")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    env.update(
        DATABASE_URL=database_url,
        SEED_SAMPLES="false",
        LOG_LEVEL="DEBUG",
        WECOM_CORP_ID=CORP_ID,
        WECOM_AGENT_ID=str(AGENT_ID),
        WECOM_SECRET=SECRET,
        WECOM_TOKEN=TOKEN,
        WECOM_AES_KEY=AES_KEY,
        WECOM_API_BASE_URL=wecom.base_url,
        WECOM_CALLBACK_LISTEN="127.0.0.1",
        WECOM_CALLBACK_PORT=str(port),
        **extra,
    )
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "run"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bot.py run ended early: {process.communicate()[1]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise TimeoutError(f"nothing listens on {port}")


def ask_wecom(port: int, question: str) -> None:
    query, body = encrypted_callback(message_xml(question))
    answer = httpx.post(f"http://127.0.0.1:{port}/wecom?{query}", content=body, timeout=PATIENCE)
    assert (answer.status_code, answer.text) == (200, "")


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0 and "Traceback" not in err, err
    return out, err


def test_wecom_only_run_answers_reminds_and_logs_no_secret(
    wecom: FakeWeCom, bot_engine: Engine, bot_db_url: str
) -> None:
    robot = wecom.add_robot()
    subscribe_late_robot(Services(bot_engine), robot)
    process, port = start_run(wecom, bot_db_url)
    try:
        ask_wecom(port, QUESTION)
        (sent,) = wecom.wait_for("message/send", 1)
        assert "351 件" in sent.json["text"]["content"]
        wecom.wait_for("webhook/send", 1)
    finally:
        out, err = stop(process)
    (reminder,) = wecom.markdowns(robot)  # the late reminder, once
    assert reminder.startswith("### （补发）⏰ 年报（自定截止日）截止提醒")
    assert "还有 3 天" in reminder
    tokens = {c.params["access_token"] for c in wecom.calls("message/send")}
    key = robot.split("key=")[1]
    assert "HTTP Request: POST" in err  # DEBUG logging did run
    for secret in (SECRET, TOKEN, AES_KEY, key, *tokens):
        assert secret not in err and secret not in out


def test_telegram_and_wecom_in_one_process(
    wecom: FakeWeCom, fake_bot_api: FakeBotApi, bot_engine: Engine, bot_db_url: str
) -> None:
    robot = wecom.add_robot()
    subscribe_late_robot(Services(bot_engine), robot)
    driver = BotDriver(None, fake_bot_api)
    fake_bot_api.queue_update({"message": driver.message(QUESTION)})
    process, port = start_run(
        wecom,
        bot_db_url,
        TELEGRAM_BOT_TOKEN=fake_bot_api.token,
        TELEGRAM_API_BASE_URL=fake_bot_api.base_url,
    )
    try:
        (telegram,) = fake_bot_api.wait_for("sendMessage")
        ask_wecom(port, QUESTION)
        (app,) = wecom.wait_for("message/send", 1)
        wecom.wait_for("webhook/send", 1)
    finally:
        _, err = stop(process)
    # one core, two channels (WeCom numbers the alternatives Telegram shows as buttons)
    assert app.json["text"]["content"].startswith(telegram.params["text"] + "\n输入编号选择：")
    assert len(wecom.markdowns(robot)) == 1
    assert fake_bot_api.token.split(":")[1] not in err


def test_a_taken_callback_port_is_a_clear_error(wecom: FakeWeCom, bot_db_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.upper().startswith(("TELEGRAM_", "WECOM_", "WEB_"))
        }
        env.update(
            DATABASE_URL=bot_db_url, SEED_SAMPLES="false", WECOM_CORP_ID=CORP_ID,
            WECOM_AGENT_ID=str(AGENT_ID), WECOM_SECRET=SECRET, WECOM_TOKEN=TOKEN,
            WECOM_AES_KEY=AES_KEY, WECOM_API_BASE_URL=wecom.base_url,
            WECOM_CALLBACK_LISTEN="127.0.0.1", WECOM_CALLBACK_PORT=str(port),
        )  # fmt: skip
        done = subprocess.run(
            [sys.executable, str(PROJECT / "bot.py"), "run"],
            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=PATIENCE, check=False,
        )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"错误：企业微信应用的回调无法在 127.0.0.1:{port} 监听" in done.stderr
