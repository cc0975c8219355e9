"""Turning answers into Telegram messages: splitting under the length limit, choice buttons.

`split_message` is pure; the send helpers are the only place handlers post answers, so every
answer gets the same splitting and the same keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit

from messages import split_text, utf16_units

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)  # 4,096, counted in UTF-16 code units
ANSWER_PREFIX = "a:"  # callback_data = "a:" + Choice.token (≤ 60 bytes) → ≤ 62 of 64 bytes
MAX_CALLBACK_BYTES = 64


class ChoiceLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def token(self) -> str: ...


class AnswerLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def choices(self) -> Sequence[ChoiceLike]: ...


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Telegram's parts of `text`: within `limit` UTF-16 units, cut where `messages` cuts."""
    return split_text(text, limit, measure=utf16_units)


def choice_keyboard(choices: Sequence[ChoiceLike]) -> InlineKeyboardMarkup | None:
    """One button per alternative, one per row; the button carries its own answer token, so
    old buttons still work after a restart (no server-side state)."""
    rows = []
    for choice in choices:
        data = ANSWER_PREFIX + choice.token
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            continue  # Telegram would reject the whole keyboard; drop the one bad button
        rows.append([InlineKeyboardButton(choice.label[:64], callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


async def reply_answer(message: Message, answer: AnswerLike) -> None:
    """Send an answer as one or more messages, with its choices as buttons on the last one."""
    await reply_text(message, answer.text, choice_keyboard(answer.choices))


async def send_text(
    bot: Bot, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Send `text` to a chat split under the limit; a keyboard goes on the last part."""
    parts = split_message(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await bot.send_message(chat_id, part, reply_markup=keyboard if last else None)


async def reply_text(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Send `text` split under the limit; a keyboard goes on the last part."""
    parts = split_message(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(part, reply_markup=keyboard if last else None)
