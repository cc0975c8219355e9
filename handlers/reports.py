"""Report commands: /report (report card), /compare, /rank, /sources and /chart (a PNG)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler

from commands import question_for, usage_text
from handlers.context import BotApplication, BotContext
from handlers.questions import answer_question
from handlers.replies import reply_answer
from query import Answer


async def question_command(update: Update, context: BotContext) -> None:
    """/report, /compare, /rank, /sources: the answer to the question the command stands for,
    or the command's usage when its arguments are missing."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split()[0].lstrip("/").split("@")[0].lower()
    question = question_for(name, " ".join(context.args or []))
    if question is None:
        await message.reply_text(usage_text(name))
        return
    await answer_question(update, context, question)


async def chart(update: Update, context: BotContext) -> None:
    """/chart 单位 指标: a PNG line chart over years (or bars over agencies) with its source,
    or the question layer's text when it cannot chart that."""
    message = update.effective_message
    if message is None:
        return
    text = " ".join(context.args or [])
    if not text:
        await message.reply_text(usage_text("chart"))
        return
    result = await asyncio.to_thread(context.bot_data.services.chart, text)
    if isinstance(result, Answer):  # not understood, no data, or a choice to make
        await reply_answer(message, result)
        return
    await message.reply_photo(result.png, caption=result.caption[:1024])


def register(application: BotApplication) -> None:
    """/report, /compare, /rank, /sources, /chart."""
    application.add_handler(
        CommandHandler(["report", "compare", "rank", "sources"], question_command)
    )
    application.add_handler(CommandHandler("chart", chart))
