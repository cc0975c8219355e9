"""Splitting long answers under Telegram's 4,096-unit limit, and the answer buttons."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from telegram import Message
from telegram.ext import Application

from handlers.replies import (
    ANSWER_PREFIX,
    choice_keyboard,
    reply_text,
    split_message,
)
from tests.helpers.bot_driver import BotDriver
from tests.helpers.fake_bot_api import FakeBotApi


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_short_text_is_one_message() -> None:
    assert split_message("金安区 2020 申请数量：0 件") == ["金安区 2020 申请数量：0 件"]


def test_long_answer_splits_at_line_breaks_under_4096() -> None:
    line = "表三 一、本年新收政府信息公开申请数量 · 总计：12 件"  # 29 characters
    text = "\n".join(f"{i:04d} {line}" for i in range(400))  # 400 lines of 34 + newline
    parts = split_message(text)
    assert len(parts) == 4
    assert all(units(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text  # nothing lost, lines kept whole
    assert all(p.splitlines()[0].startswith(("0", "1", "2", "3")) for p in parts)
    assert [len(p.splitlines()) for p in parts] == [
        117,
        117,
        117,
        49,
    ]  # 117 × 35 - 1 = 4094 ≤ 4096


def test_text_without_breaks_is_cut_hard_at_4096() -> None:
    text = "数" * 10000
    parts = split_message(text)
    assert [len(p) for p in parts] == [4096, 4096, 1808]
    assert "".join(parts) == text


def test_sentence_end_is_a_split_point_when_there_is_no_line_break() -> None:
    sentence = "本年度共收到申请十二件。"  # 12 characters
    text = sentence * 400  # 4,800 characters, no newline, no space
    parts = split_message(text)
    assert len(parts) == 2
    assert parts[0].endswith("。") and len(parts[0]) == 4092
    assert "".join(parts) == text


def test_emoji_count_two_units_each() -> None:
    text = "😀" * 2049  # 4,098 UTF-16 units
    parts = split_message(text)
    assert [units(p) for p in parts] == [4096, 2]


@pytest.mark.parametrize("limit", [5, 17, 100])
def test_every_part_fits_any_limit(limit: int) -> None:
    text = "第一行\n第二行很长很长很长很长很长很长\n 第三行 有空格 的 文本" * 7
    parts = split_message(text, limit)
    assert all(0 < units(p) <= limit for p in parts)


@dataclass(frozen=True)
class _Choice:
    label: str
    token: str


def test_choices_become_one_button_per_row_with_prefixed_tokens() -> None:
    keyboard = choice_keyboard(
        [
            _Choice("本年新收", "v|3|2020|apply.new.total"),
            _Choice("上年结转", "v|3|2020|apply.carried_in.total"),
        ]
    )
    assert keyboard is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard]
    assert rows == [
        [("本年新收", f"{ANSWER_PREFIX}v|3|2020|apply.new.total")],
        [("上年结转", f"{ANSWER_PREFIX}v|3|2020|apply.carried_in.total")],
    ]


def test_no_choices_means_no_keyboard_and_oversized_tokens_are_dropped() -> None:
    assert choice_keyboard([]) is None
    assert choice_keyboard([_Choice("太长", "x" * 63)]) is None


async def test_a_long_reply_arrives_as_several_messages_with_the_buttons_on_the_last(
    bot_app: Application, fake_bot_api: FakeBotApi, bot_driver: BotDriver
) -> None:
    message = Message.de_json(bot_driver.message("问题"), bot_app.bot)
    text = "\n".join(f"第 {i} 行：本年新收政府信息公开申请数量 12 件" for i in range(300))
    keyboard = choice_keyboard([_Choice("上年结转", "v|3|2020|apply.carried_in.total")])
    await reply_text(message, text, keyboard)
    sent = fake_bot_api.calls("sendMessage")
    assert len(sent) == 3
    assert "\n".join(r.params["text"] for r in sent) == text
    assert all(units(r.params["text"]) <= 4096 for r in sent)
    assert ["reply_markup" in r.params for r in sent] == [False, False, True]
