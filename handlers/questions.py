"""Questions: any text in a private chat; /ask, replies to the bot and mentions in groups;
answer buttons that answer in place. /start and /help live here too."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import MessageEntity, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from commands import help_text, question_for, start_text, usage_text
from handlers.context import BotApplication, BotContext
from handlers.replies import (
    ANSWER_PREFIX,
    choice_keyboard,
    reply_answer,
    send_text,
    split_message,
)

if TYPE_CHECKING:
    from query import Answer


log = logging.getLogger(__name__)

UNKNOWN_COMMAND_TEXT = "没有这个命令。发送 /help 查看可用命令，或直接输入问题。"


async def ask(context: BotContext, question: str) -> Answer:
    """Run the question use case off the event loop (it reads the database)."""
    return await asyncio.to_thread(context.bot_data.services.ask, question)


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """Ask `text` and reply with the answer and its alternatives as buttons."""
    message = update.effective_message
    if message is None:
        return
    await reply_answer(message, await ask(context, text))


async def start(update: Update, context: BotContext) -> None:
    """What the bot does, the commands and example questions."""
    if update.effective_message:
        text = start_text(max_upload_mb=context.bot_data.services.max_upload_mb)
        await update.effective_message.reply_text(text)


async def help_command(update: Update, context: BotContext) -> None:
    """Every command with its help line, example questions, group use and the upload limit."""
    if update.effective_message:
        text = help_text(max_upload_mb=context.bot_data.services.max_upload_mb)
        await update.effective_message.reply_text(text)


async def private_text(update: Update, context: BotContext) -> None:
    """The answer to a question typed in a private chat."""
    if update.effective_message and update.effective_message.text:
        await answer_question(update, context, update.effective_message.text)


async def ask_command(update: Update, context: BotContext) -> None:
    """The answer to `/ask 问题` (how groups ask), or how to use /ask."""
    message = update.effective_message
    if message is None:
        return
    question = question_for("ask", " ".join(context.args or []))
    if question is None:
        await message.reply_text(usage_text("ask"))
        return
    await answer_question(update, context, question)


async def unknown_command(update: Update, context: BotContext) -> None:
    """In a private chat, a command the bot does not know: point to /help."""
    if update.effective_message:
        await update.effective_message.reply_text(UNKNOWN_COMMAND_TEXT)


def addressed_question(text: str, *, username: str, replying_to_bot: bool) -> str | None:
    """The question in a group message, or None when the message is not for the bot: it must
    mention @username or reply to the bot. The mention itself is removed ("" when nothing else
    was said)."""
    mention = f"@{username}".lower()
    mentioned = mention in text.lower()
    if not (mentioned or replying_to_bot):
        return None
    if mentioned:
        start_at = text.lower().index(mention)
        text = text[:start_at] + text[start_at + len(mention) :]
    return " ".join(text.split())


async def group_text(update: Update, context: BotContext) -> None:
    """In groups, the answer to a message that mentions the bot or replies to it."""
    message = update.effective_message
    if message is None or not message.text:
        return
    reply = message.reply_to_message
    replying = bool(reply and reply.from_user and reply.from_user.id == context.bot.id)
    question = addressed_question(
        message.text, username=context.bot.username, replying_to_bot=replying
    )
    if question == "":
        await message.reply_text(usage_text("ask"))
    elif question is not None:
        await answer_question(update, context, question)


async def choice_pressed(update: Update, context: BotContext) -> None:
    """A pressed alternative: the message is edited in place into that answer."""
    query = update.callback_query
    if query is None or not query.data:
        return
    token = query.data.removeprefix(ANSWER_PREFIX)
    answer = await asyncio.to_thread(context.bot_data.services.resolve, token)
    await query.answer()
    parts = split_message(answer.text)
    keyboard = choice_keyboard(answer.choices)
    try:
        await query.edit_message_text(parts[0], reply_markup=keyboard if len(parts) == 1 else None)
        rest = parts[1:]
    except BadRequest as err:
        if "not modified" in str(err).lower():  # the same button pressed twice
            return
        log.info("Could not edit the message (%s); sending the answer as a new one", err)
        rest = parts
    if rest and update.effective_chat is not None:
        await send_text(context.bot, update.effective_chat.id, "\n".join(rest), keyboard)


def register_fallback(application: BotApplication) -> None:
    """Unknown commands in private chats; registered after every other module, so that it only
    sees the commands no handler took (handlers of one group are tried in order)."""
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, unknown_command)
    )


def register(application: BotApplication) -> None:
    """Questions, /start, /help, /ask and the answer buttons."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("ask", ask_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, private_text)
    )
    addressed = filters.REPLY | filters.Entity(MessageEntity.MENTION)
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & addressed, group_text
        )
    )
    application.add_handler(CallbackQueryHandler(choice_pressed, pattern=f"^{ANSWER_PREFIX}"))
