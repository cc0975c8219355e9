"""`bot.py run` with WeCom only (no Telegram token) as a real process against the fake WeCom
server: the app answers an encrypted question with the figure, a robot's reminder that came
due goes out once, SIGTERM stops it cleanly — and no secret is in its log at DEBUG."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine

from reminders.parse import parse_subscribe
from services import Services
from tests.botcli import PROJECT
from tests.fake_wecom import (
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    SECRET,
    TOKEN,
    FakeWeCom,
    encrypted_callback,
    message_xml,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bot.py run ended early: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def test_wecom_only_run_answers_reminds_and_logs_no_secret(
    wecom: FakeWeCom, bot_engine: Engine, bot_db_url: str, tmp_path: Path
) -> None:
    services = Services(bot_engine)
    robot = wecom.add_robot()
    now = services.now()
    deadline = now.date() + timedelta(days=3)
    request = parse_subscribe(f"{deadline.month}月{deadline.day}日 淮安市 提前 7")
    services.subscribe(
        None, request, user_id=None, wecom_webhook=robot, now=now - timedelta(days=10)
    )
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("TELEGRAM_", "WECOM_", "WEB_"))
    }
    env.update(
        DATABASE_URL=bot_db_url,
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
    )
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "run"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, process)
        query, body = encrypted_callback(message_xml("淮安市 2024 年行政复议多少件"))
        answer = httpx.post(f"http://127.0.0.1:{port}/wecom?{query}", content=body, timeout=10)
        assert (answer.status_code, answer.text) == (200, "")
        (sent,) = wecom.wait_for("message/send", 1, timeout=60)
        assert "351 件" in sent.json["text"]["content"]
        wecom.wait_for("webhook/send", 1, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    (reminder,) = wecom.markdowns(robot)  # the late reminder, once
    assert reminder.startswith("### （补发）⏰ 年报（自定截止日）截止提醒")
    assert "还有 3 天" in reminder
    tokens = {c.params["access_token"] for c in wecom.calls("message/send")}
    key = robot.split("key=")[1]
    assert "HTTP Request: POST" in err  # DEBUG logging did run
    for secret in (SECRET, TOKEN, AES_KEY, key, *tokens):
        assert secret not in err and secret not in out
