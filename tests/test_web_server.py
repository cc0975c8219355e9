"""`python bot.py web` and `python bot.py run` serve the site as real processes on 127.0.0.1."""

from __future__ import annotations

import signal

import httpx

from tests.fixtures_web import start_site, stop_site
from tests.helpers.bot_driver import BotDriver
from tests.helpers.cli import run_bot
from tests.helpers.fake_bot_api import FakeBotApi


def test_bot_web_serves_the_pages_and_stops_cleanly(web_db_url: str) -> None:
    process, base = start_site("web", "--host", "127.0.0.1", "--port", "{port}",
                               database_url=web_db_url)  # fmt: skip
    try:
        page = httpx.get(f"{base}/agencies", params={"q": "平潭"})
        assert page.status_code == 200 and "平潭综合实验区" in page.text
        assert "uvicorn" not in page.headers.get("server", "")
    finally:
        code, err = stop_site(process)
        assert code == -signal.SIGTERM and "Traceback" not in err, err


def test_bot_run_serves_the_site_when_web_port_is_set_without_a_telegram_token(
    web_db_url: str,
) -> None:
    process, base = start_site("run", database_url=web_db_url, WEB_PORT="{port}")
    try:
        answer = httpx.get(f"{base}/api/ask", params={"q": "金安区 2020 申请数量"}).json()
        assert answer["status"] == "answer" and answer["answers"][0]["value"] == 0
    finally:
        code, err = stop_site(process)
        # the WeCom side (group robots' reminders) holds the foreground and stops cleanly
        assert code == 0 and "Traceback" not in err, err


def test_bot_run_without_any_channel_says_what_to_set(web_db_url: str) -> None:
    result = run_bot("run", database_url=web_db_url, SEED_SAMPLES="false")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN、WECOM_*（企业微信应用）或 WEB_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_bot_run_serves_telegram_and_the_site_in_one_process(
    bot_db_url: str, fake_bot_api: FakeBotApi
) -> None:
    """TELEGRAM_BOT_TOKEN and WEB_PORT both set: one process polls the (fake) Bot API and
    serves the site; both answer the same question from the same core; SIGTERM stops both."""
    driver = BotDriver(None, fake_bot_api)
    fake_bot_api.queue_update({"message": driver.message("淮安市 2024 申请数量")})
    process, base = start_site(
        "run",
        database_url=bot_db_url,
        WEB_PORT="{port}",
        TELEGRAM_BOT_TOKEN=fake_bot_api.token,
        TELEGRAM_API_BASE_URL=fake_bot_api.base_url,
    )
    try:
        (sent,) = fake_bot_api.wait_for("sendMessage")
        answer = httpx.get(f"{base}/api/ask", params={"q": "淮安市 2024 申请数量"}).json()
    finally:
        code, err = stop_site(process)
    assert code == 0 and "Traceback" not in err, err  # PTB handles SIGTERM and returns
    assert sent.params["text"] == answer["text"]
