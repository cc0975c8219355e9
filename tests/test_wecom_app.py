"""The WeCom app end to end over loopback: WeCom (the fake) posts encrypted callbacks to the
app's real callback server, the app answers through the fake's message/send with the figure.
No Telegram token anywhere."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

import logs
from services import Services
from settings import Settings
from tests.fixtures_bot import UPLOAD_FILE
from tests.fixtures_store import dump
from tests.helpers.documents import TEST_DATA, document
from tests.helpers.fake_wecom import (
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    SECRET,
    TOKEN,
    FakeWeCom,
    encrypted_callback,
    message_xml,
    verification_query,
)
from wecom.channel import serve_app

ADMIN = "WangAdmin"
GOLD = {(r["file"]): r for r in json.loads((TEST_DATA / "gold.json").read_text())}


def app_settings(wecom: FakeWeCom, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        seed_samples=False,
        max_upload_mb=1,
        wecom_corp_id=CORP_ID,
        wecom_agent_id=AGENT_ID,
        wecom_secret=SecretStr(SECRET),
        wecom_token=SecretStr(TOKEN),
        wecom_aes_key=SecretStr(AES_KEY),
        wecom_api_base_url=wecom.base_url,
        wecom_callback_listen="127.0.0.1",
        wecom_callback_port=0,
        wecom_admin_ids=frozenset({ADMIN.lower()}),  # WeCom user ids ignore case
    )


@dataclass
class App:
    url: str
    wecom: FakeWeCom
    http: httpx.AsyncClient

    async def post(self, plaintext: bytes) -> httpx.Response:
        query, body = encrypted_callback(plaintext)
        return await self.http.post(f"{self.url}?{query}", content=body)

    async def say(self, text: str, *, user: str = "zhangsan", count: int = 1) -> list[str]:
        """Send a text as `user`; the texts the app sent back (waits for `count` more)."""
        before = len(self.wecom.calls("message/send"))
        answer = await self.post(message_xml(text, from_user=user))
        assert (answer.status_code, answer.text) == (200, "")
        return await self.replies(before, count)

    async def replies(self, before: int, count: int) -> list[str]:
        sends = await asyncio.to_thread(self.wecom.wait_for, "message/send", before + count)
        return [s.json["text"]["content"] for s in sends[before:] if s.json["msgtype"] == "text"]


@pytest.fixture
async def app(wecom: FakeWeCom, bot_engine: Engine, bot_db_url: str) -> AsyncIterator[App]:
    settings = app_settings(wecom, bot_db_url)
    services = Services(bot_engine, max_upload_mb=settings.max_upload_mb)
    async with serve_app(settings, services) as port, httpx.AsyncClient() as http:
        yield App(f"http://127.0.0.1:{port}/nianbao/wecom", wecom, http)


async def test_url_verification(app: App) -> None:
    answer = await app.http.get(f"{app.url}?{verification_query('8364512709')}")
    assert (answer.status_code, answer.text) == (200, "8364512709")


async def test_encrypted_question_is_answered_with_the_figure(app: App) -> None:
    gold = GOLD["huaian_city_2024.pdf"]["figures"]["review.total"]
    (text,) = await app.say("淮安市 2024 年行政复议多少件", user="zhangsan")
    assert f"{gold} 件" in text.splitlines()[1]
    assert "淮安市人民政府 · 2024年度 · 表四 行政复议" in text
    assert "huaian_city_2024.pdf" in text
    (send,) = app.wecom.calls("message/send")
    assert (send.json["touser"], send.json["agentid"], send.json["msgtype"]) == (
        "zhangsan",
        AGENT_ID,
        "text",
    )


async def test_a_number_picks_one_of_the_alternatives(app: App) -> None:
    (first,) = await app.say("平潭 2023 申请数量")
    assert "输入编号选择：\n  1. 上年结转申请数量" in first
    (picked,) = await app.say("1")
    assert "上年结转" in picked.splitlines()[0]
    (other,) = await app.say("1", user="lisi")  # another user has no alternatives to pick
    assert "上年结转" not in other.splitlines()[0]


async def test_chart_is_uploaded_and_sent_as_an_image(app: App) -> None:
    before = len(app.wecom.calls("message/send"))
    await app.post(message_xml("/chart 平潭 申请数量"))
    sends = await asyncio.to_thread(app.wecom.wait_for, "message/send", before + 2)
    image, caption = sends[before:]
    (upload,) = app.wecom.calls("media/upload")
    assert (
        upload.params["type"] == "image" and upload.files["media"].data[:8] == b"\x89PNG\r\n\x1a\n"
    )
    assert image.json["image"]["media_id"].startswith("media-out-")
    assert caption.json["text"]["content"].startswith("平潭综合实验区 · 新收申请数量")


async def test_help_and_unknown_commands(app: App) -> None:
    (help_text,) = await app.say("/help")
    assert "/chart 单位 指标" in help_text and "管理员的文件解析入库" in help_text
    (unknown,) = await app.say("/subscribe 部门 淮安市")
    assert unknown == "未知命令。发送 /help 查看用法。"


async def test_an_admins_file_is_stored(app: App, bot_engine: Engine) -> None:
    data = document(UPLOAD_FILE).read_bytes()
    media_id = app.wecom.add_media(data, UPLOAD_FILE)
    before = len(app.wecom.calls("message/send"))
    plain = message_xml(
        "", msg_type="file", from_user=ADMIN, MediaId=media_id, FileName=UPLOAD_FILE
    )
    await app.post(plain)
    received, summary = await app.replies(before, 2)
    assert received == "已收到文件，正在解析……"
    assert summary.startswith(f"已入库（新增）：{UPLOAD_FILE}")
    services = Services(bot_engine)
    assert "2025" in services.ask("平潭 2025 申请数量").text.splitlines()[0]


async def test_anyone_elses_file_is_only_checked(app: App, bot_engine: Engine) -> None:
    stored = dump(bot_engine)
    media_id = app.wecom.add_media(document(UPLOAD_FILE).read_bytes(), UPLOAD_FILE)
    before = len(app.wecom.calls("message/send"))
    await app.post(message_xml("", msg_type="file", MediaId=media_id, FileName=UPLOAD_FILE))
    _, summary = await app.replies(before, 2)
    assert summary.endswith("（您不在 WECOM_ADMIN_IDS 中，文件只做发布前校验，未入库。）")
    assert dump(bot_engine) == stored


async def test_a_file_over_the_limit_is_refused_before_parsing(
    app: App, bot_engine: Engine
) -> None:
    stored = dump(bot_engine)
    media_id = app.wecom.add_media(b"x" * (1024 * 1024 + 1), "huge.pdf")
    before = len(app.wecom.calls("message/send"))
    await app.post(message_xml("", msg_type="file", from_user=ADMIN, MediaId=media_id))
    (text,) = await app.replies(before, 1)
    assert "1 MB" in text
    assert dump(bot_engine) == stored


async def test_an_image_gets_a_clear_answer(app: App) -> None:
    before = len(app.wecom.calls("message/send"))
    await app.post(message_xml("", msg_type="image", MediaId="m-1", PicUrl="http://x/1.jpg"))
    (text,) = await app.replies(before, 1)
    assert text.startswith("暂时只能处理文字问题和年报文件")


async def test_expired_token_is_renewed_and_no_secret_is_logged(
    app: App, wecom: FakeWeCom, bot_db_url: str
) -> None:
    out = io.StringIO()
    root, client_log = logging.getLogger(), logging.getLogger("httpx")
    handlers, level, client_level = list(root.handlers), root.level, client_log.level
    logs.configure("DEBUG", secrets=app_settings(wecom, bot_db_url).secrets(), stream=out)
    client_log.setLevel(logging.DEBUG)  # an earlier test may have quieted it
    try:
        await app.say("淮安市 2024 年行政复议多少件")
        app.wecom.expire_tokens()
        rejected, text = await app.say("淮安市 2024 年行政复议多少件", count=2)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        client_log.setLevel(client_level)
    assert rejected == text and "351 件" in text  # the same message, sent again
    tokens = {c.params["access_token"] for c in app.wecom.calls("message/send")}
    logged = out.getvalue()
    assert "message/send?access_token=" in logged and "access token rejected (42001)" in logged
    for secret in (SECRET, TOKEN, AES_KEY, *tokens):
        assert secret not in logged
