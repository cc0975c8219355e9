"""Turning answers into Telegram messages: splitting under the length limit, choice buttons.

`split_message` is pure; the send helpers are the only place handlers post answers, so every
answer gets the same splitting and the same keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit

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


def _units(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji can count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> int:
    """Largest prefix length of `text` (in characters) within `limit` UTF-16 units."""
    total = 0
    for index, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return index
    return len(text)


# Where a message may end: (separator, characters of it kept at the end of the part). A blank
# line (one block of a list, such as a subscription in /deadlines) is taken when it falls in
# the second half of the part, else a line break, a sentence end, a space, a hard cut.
_BREAKS = (("\n\n", 1), ("\n", 0), ("。", 1), (" ", 0))


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split `text` into messages within `limit`, at the best break (`_BREAKS`). Joining the
    parts back with the one dropped character ("\n" or " ") gives the text again."""
    parts: list[str] = []
    rest = text
    while _units(rest) > limit:
        head = rest[: _cut(rest, limit)]
        for sep, kept in _BREAKS:
            at = head.rfind(sep)
            if at > (len(head) // 2 if sep == "\n\n" else 0):
                keep = at + kept
                parts.append(rest[:keep])
                rest = rest[keep + len(sep) - kept :]
                break
        else:
            parts.append(head)
            rest = rest[len(head) :]
    if rest or not parts:
        parts.append(rest)
    return parts


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
