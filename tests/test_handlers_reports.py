"""/report, /compare, /rank, /sources, /chart, /start and /help end to end."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import matplotlib.image as mpimg
import numpy as np
from sqlalchemy.engine import Engine

from commands import help_text
from query import Answer, Asker
from replies import ERROR
from store.reader import StoreReader
from tests.helpers.bot_driver import USER_ID, BotDriver
from tests.helpers.fake_bot_api import Request


def asker_for(engine: Engine) -> Asker:
    return Asker(StoreReader(engine), tz=ZoneInfo("Asia/Shanghai"))


def texts(requests: list[Request]) -> list[str]:
    return [r.params["text"] for r in requests if r.method == "sendMessage"]


async def test_report_card_is_the_overview_question(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    (reply,) = texts(await bot_driver.say("/report 洪泽区 2023"))
    assert reply == asker_for(bot_engine).ask("洪泽区 2023 年报概况").text
    assert "洪泽区" in reply and "2023" in reply


async def test_compare_rank_and_sources_ask_their_questions(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    asker = asker_for(bot_engine)
    assert texts(await bot_driver.say("/compare 平潭 申请数量")) == [
        asker.ask("平潭 申请数量 对比").text
    ]
    assert texts(await bot_driver.say("/rank 淮安市 2024 申请数量")) == [
        asker.ask("淮安市 2024 申请数量 排名").text
    ]
    (sources,) = texts(await bot_driver.say("/sources"))
    assert sources == asker.ask("有哪些年报").text
    assert "平潭综合实验区" in sources and "淮安市人民政府" in sources


async def test_commands_without_arguments_say_how_to_use_them(bot_driver: BotDriver) -> None:
    assert texts(await bot_driver.say("/report")) == [
        "用法：/report 单位 年份\n例如：/report 金安区 2020"
    ]
    assert texts(await bot_driver.say("/chart")) == [
        "用法：/chart 单位 指标\n例如：/chart 平潭 申请数量"
    ]


async def test_help_lists_commands_examples_groups_and_the_upload_limit(
    bot_driver: BotDriver,
) -> None:
    (reply,) = texts(await bot_driver.say("/help"))
    assert reply == help_text(max_upload_mb=5)
    assert "/report 单位 年份 — 某单位某年年报概况与校验结果" in reply
    assert "金安区 2020 申请数量" in reply
    assert "隐私模式" in reply and "不超过 5 MB" in reply
    (start,) = texts(await bot_driver.say("/start"))
    assert start.endswith(reply)


async def test_chart_sends_a_png_with_chinese_text_drawn(bot_driver: BotDriver) -> None:
    requests = await bot_driver.say("/chart 平潭 申请数量")
    assert ERROR not in texts(requests)  # a missing-glyph warning would be an error here
    (photo,) = [r for r in requests if r.method == "sendPhoto"]
    assert photo.params["chat_id"] == USER_ID
    assert "平潭" in photo.params["caption"]
    png = photo.upload("photo").data
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = mpimg.imread(io.BytesIO(png))
    dark = image[..., :3].mean(axis=2) < 0.5
    title = dark[: int(np.argmax(dark.mean(axis=1) > 0.5))]  # above the plot's frame
    assert title.sum() > 500
    islands = int(np.count_nonzero(np.diff(title.any(axis=0).astype(int)) == 1))
    assert islands >= 5  # separate glyphs, not one run of empty boxes


async def test_chart_of_unknown_things_answers_in_text(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    expected = asker_for(bot_engine).chart("火星 申请数量")
    assert isinstance(expected, Answer)
    requests = await bot_driver.say("/chart 火星 申请数量")
    assert [r.method for r in requests] == ["sendMessage"]
    assert texts(requests) == [expected.text]
