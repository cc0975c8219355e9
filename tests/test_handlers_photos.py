"""Photos of report pages sent to the bot: an album is one report read by OCR, page by page.

The pictures are real pages of 淮安 2024 rendered in the test (tests/helpers/scans.py). The
seeded database already holds that report from its PDF, which stays the current version.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy.engine import Engine
from telegram.ext import Application

import handlers.documents as documents
import replies
from services import Services
from tests.helpers.bot_driver import ADMIN_ID, USER_ID, BotDriver
from tests.helpers.fake_bot_api import FakeBotApi, Request
from tests.helpers.scans import photo_png

NAME = "huaian_city_2024.pdf"


async def replies_until(api: FakeBotApi, start: str, timeout: float = 600.0) -> list[str]:
    """Every message text sent (edits included, in order) once one starts with `start`: an
    album is handled after the bot has waited for its last picture, outside the update."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = [str(r.params.get("text", "")) for r in api.requests if "text" in r.params]
        if any(text.startswith(start) for text in said):
            return said
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no reply starting {start!r}")


def methods(requests: list[Request]) -> list[str]:
    return [r.method for r in requests]


pytestmark = pytest.mark.usefixtures("ocr_read_once")  # tests/fixtures_parsers.py


@pytest.fixture(autouse=True)
async def running(bot_app: Application, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The application running (as under `bot.py run`: its tasks are awaited), and albums
    waited for only briefly."""
    monkeypatch.setattr(documents, "ALBUM_WAIT", 0.2)
    await bot_app.start()
    yield
    await bot_app.stop()


async def test_an_admins_album_is_one_report_read_page_by_page_and_the_pdf_stays_current(
    bot_driver: BotDriver, bot_services: Services
) -> None:
    before = bot_services.ask("淮安市 2024 行政诉讼 总计").text
    pages = [photo_png(NAME, 0), photo_png(NAME, 4)]  # the title, 表三's results and 表四
    await bot_driver.send_album(pages, chat_id=ADMIN_ID)
    said = await replies_until(bot_driver.api, replies.OUTCOME_WORDS["archived"])
    assert said[:2] == [replies.ocr_progress_text(0, 2), replies.ocr_progress_text(1, 2)]
    reply = said[-1]
    assert reply.startswith(f"{replies.OUTCOME_WORDS['archived']}：图片 2 张\n")
    assert "淮安市人民政府" in reply and "年度：2024" in reply
    assert "全部页面为扫描件" in reply
    downloads = [r.params["file_path"] for r in bot_driver.api.calls("@download")]
    assert len(downloads) == 2 and not any("thumb" in d for d in downloads)  # the largest size
    assert bot_services.ask("淮安市 2024 行政诉讼 总计").text == before


async def test_check_replying_to_a_photo_reads_it_and_stores_nothing(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    blank = BytesIO()
    Image.new("L", (600, 850), 255).save(blank, "PNG")
    photo = bot_driver.message(None, photo=bot_driver.photo(blank.getvalue()))
    requests = await bot_driver.say("/check", reply_to=photo)
    assert methods(requests)[:2] == ["getFile", "@download"]
    reply = [r.params["text"] for r in requests if r.method == "sendMessage"][-1]
    assert reply.startswith("无法读取 图片 1 张：")


async def test_a_photo_from_someone_not_an_admin_is_refused_without_downloading(
    bot_driver: BotDriver,
) -> None:
    await bot_driver.send_album([photo_png(NAME, 4)], chat_id=USER_ID)
    said = await replies_until(bot_driver.api, documents.NOT_ADMIN)
    assert said == [documents.NOT_ADMIN]
    assert bot_driver.api.calls("getFile") == []
