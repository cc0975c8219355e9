"""Deadline reminders in Telegram: /subscribe, /unsubscribe, /deadlines, their buttons and group
migrations. Every database call goes through the services, off the event loop; the jobs that
send the reminders live in handlers/jobs.py."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import jobs
from handlers.context import BotApplication, BotContext
from handlers.replies import reply_text
from reminders import texts
from reminders.schedule import DEPARTMENT, GOVERNMENT, KIND_DATES
from services import Subscribed

log = logging.getLogger(__name__)

SUBSCRIBE_DATA = "rsub"  # rsub:<kind> then rsub:<kind>:<region id>
UNSUBSCRIBE_DATA = "runsub"  # runsub:<id> or runsub:all
REGION_BUTTONS = 8
MIGRATION_GROUP = 7  # a handler group of its own, so that no catch-all handler hides it
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def parse_id(text: str) -> int | None:
    """A subscription or region id as buttons and commands carry it: ASCII digits that fit the
    database's 64-bit integers. Anything else (a forged "²", thirty digits) is None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


async def _may_change(update: Update, context: BotContext) -> bool:
    """Private chats belong to their user; in groups only admins (getChatMember) may change."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin speaks as the group
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def _arm(context: BotContext, result: Subscribed) -> None:
    """A subscription was added: arm its jobs now rather than at the next sync."""
    if result.plan is not None:
        await jobs.arm_plan(context.application, result.plan, now=context.bot_data.services.now())


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe [类型 范围 [提前 天数]]: subscribes the chat, or offers buttons to choose."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    if not await _may_change(update, context):
        await message.reply_text(texts.NOT_ADMIN)
        return
    text = " ".join(context.args or [])
    if not text:
        buttons = [
            InlineKeyboardButton(texts.kind_choice(kind), callback_data=f"{SUBSCRIBE_DATA}:{kind}")
            for kind in (DEPARTMENT, GOVERNMENT)
        ]
        await message.reply_text(texts.CHOOSE_KIND, reply_markup=InlineKeyboardMarkup([buttons]))
        return
    services = context.bot_data.services
    result = await asyncio.to_thread(
        services.subscribe_text, chat.id, text, user_id=user.id if user else None
    )
    await _arm(context, result)
    await message.reply_text(result.text)


async def subscribe_button(update: Update, context: BotContext) -> None:
    """A /subscribe button: first the kind, then a region; the last press subscribes."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or query.data is None or chat is None:
        return
    if not await _may_change(update, context):
        await query.answer(texts.NOT_ADMIN, show_alert=True)
        return
    parts = query.data.split(":")
    kind = parts[1]
    region_id = parse_id(parts[2]) if len(parts) == 3 else None
    if kind not in KIND_DATES or len(parts) > 3 or (len(parts) == 3 and region_id is None):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    services = context.bot_data.services
    if len(parts) == 2:
        regions = await asyncio.to_thread(services.region_choices, limit=REGION_BUTTONS)
        if not regions:
            await query.edit_message_text(texts.NO_REGIONS)
            return
        rows = [
            [InlineKeyboardButton(name, callback_data=f"{SUBSCRIBE_DATA}:{kind}:{region_id}")]
            for region_id, name in regions
        ]
        await query.edit_message_text(texts.CHOOSE_REGION, reply_markup=InlineKeyboardMarkup(rows))
        return
    assert region_id is not None
    result = await asyncio.to_thread(
        services.subscribe_region, chat.id, kind, region_id, user_id=user.id if user else None
    )
    await _arm(context, result)
    await query.edit_message_text(result.text)


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe [编号… | 全部]: removes subscriptions, or offers a button for each."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await _may_change(update, context):
        await message.reply_text(texts.NOT_ADMIN)
        return
    services = context.bot_data.services
    args = [a.lstrip("#") for a in context.args or []]
    if not args:
        views = await asyncio.to_thread(services.deadlines, chat.id)
        if not views:
            await message.reply_text(texts.NOTHING_SUBSCRIBED)
            return
        rows = [
            [InlineKeyboardButton(texts.kind_line(v), callback_data=f"{UNSUBSCRIBE_DATA}:{v.id}")]
            for v in views
        ]
        every = InlineKeyboardButton(
            texts.UNSUBSCRIBE_ALL, callback_data=f"{UNSUBSCRIBE_DATA}:all"
        )
        rows.append([every])
        markup = InlineKeyboardMarkup(rows)
        await message.reply_text(texts.CHOOSE_UNSUBSCRIBE, reply_markup=markup)
        return
    ids = None if args == ["全部"] else [i for a in args if (i := parse_id(a)) is not None]
    count = await asyncio.to_thread(services.unsubscribe, chat.id, ids)
    jobs.drop_jobs(context.application, chat.id, ids)
    await message.reply_text(texts.unsubscribed_text(count))


async def unsubscribe_button(update: Update, context: BotContext) -> None:
    """An /unsubscribe button: removes that subscription (or all of the chat's)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    if not await _may_change(update, context):
        await query.answer(texts.NOT_ADMIN, show_alert=True)
        return
    choice = query.data.split(":")[1]
    picked = parse_id(choice)
    if choice != "all" and picked is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    ids = None if picked is None else [picked]
    count = await asyncio.to_thread(context.bot_data.services.unsubscribe, chat.id, ids)
    jobs.drop_jobs(context.application, chat.id, ids)
    await query.edit_message_text(texts.unsubscribed_text(count))


async def deadlines(update: Update, context: BotContext) -> None:
    """/deadlines: this chat's subscriptions, their next deadline and when each reminder comes."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    views = await asyncio.to_thread(context.bot_data.services.deadlines, chat.id)
    await reply_text(message, texts.deadlines_text(views))  # split under Telegram's limit


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its subscriptions follow the new chat id (no reply)."""
    message = update.effective_message
    if message is None:
        return
    services = context.bot_data.services
    if message.migrate_to_chat_id:
        await asyncio.to_thread(services.migrate_chat, message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        old = message.migrate_from_chat_id
        await asyncio.to_thread(services.migrate_chat, old, message.chat.id)


def register(application: BotApplication) -> None:
    """/subscribe, /unsubscribe, /deadlines, their buttons, migrations, the periodic re-arm."""
    # An edited /subscribe or /unsubscribe changes nothing: only new messages change state.
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("subscribe", subscribe, filters=new))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe, filters=new))
    application.add_handler(CommandHandler("deadlines", deadlines))
    application.add_handler(CallbackQueryHandler(subscribe_button, pattern=f"^{SUBSCRIBE_DATA}:"))
    application.add_handler(
        CallbackQueryHandler(unsubscribe_button, pattern=f"^{UNSUBSCRIBE_DATA}:")
    )
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated), group=MIGRATION_GROUP
    )
    if application.job_queue is not None:
        jobs.start_sync(application.job_queue)
