"""Forged button data and command arguments (issue #11, item 8): a client may send any callback
data, and a command any argument. None may end in ValueError, an SQLite integer overflow or
Python's 4,300-digit limit: the user gets a friendly reply and nothing is logged as an error.

The real Application over the fake Bot API, on the seeded SQLite store.
"""

from __future__ import annotations

import logging

import pytest

from tests.helpers.bot_driver import BotDriver
from tests.helpers.fake_bot_api import Request

HUGE = "9" * 30  # beyond SQLite's 64-bit integers
ENDLESS = "9" * 5000  # beyond int()'s 4,300 digits
FORGED = [
    "rsub:department:abc",
    f"rsub:department:{HUGE}",
    f"rsub:department:{ENDLESS}",
    "rsub:department:-1",
    "rsub:department:²",
    "rsub:nonsense",
    "rsub:",
    "runsub:abc",
    f"runsub:{HUGE}",
    f"runsub:{ENDLESS}",
    "runsub:²",
    "runsub:",
    f"a:v|1|{HUGE}|-",
    f"a:v|{HUGE}|2023|-",
    f"a:v|1|{ENDLESS}|-",
    "a:v|1|²|-",
    "a:nonsense",
]
ARGUMENTS = ["²", HUGE, ENDLESS, "#-1", f"{HUGE} 1"]


def replies(requests: list[Request]) -> list[str]:
    """What the user was shown: messages, edits and callback answers with a text."""
    out = [str(r.params.get("text", "")) for r in requests
           if r.method in ("sendMessage", "editMessageText", "answerCallbackQuery")]  # fmt: skip
    return [text for text in out if text]


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage()[:200] for r in errors]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_button_data_gets_a_friendly_reply(
    bot_driver: BotDriver, data: str, no_errors: None
) -> None:
    requests = await bot_driver.press(bot_driver.message("请选择："), data)
    shown = replies(requests)
    assert shown, [r.method for r in requests]
    assert not any("出了点问题" in text for text in shown), shown
    assert "失效" in shown[-1] or "没有找到" in shown[-1], shown


@pytest.mark.parametrize("argument", ARGUMENTS)
async def test_forged_unsubscribe_arguments_get_a_friendly_reply(
    bot_driver: BotDriver, argument: str, no_errors: None
) -> None:
    (shown,) = replies(await bot_driver.say(f"/unsubscribe {argument}"))
    assert shown == "没有找到这项订阅，发送 /deadlines 查看本群的订阅。"
