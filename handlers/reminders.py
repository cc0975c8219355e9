"""Deadline reminders in Telegram: /subscribe, /unsubscribe, /deadlines, group migrations, and
re-arming the reminder jobs at start. Database work lives in store/subscriptions.py via
reminders.service."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from reminders import replies, service
from reminders.message import KIND_LABELS
from reminders.parse import SubscribeError, SubscribeRequest, parse_subscribe
from reminders.schedule import DEFAULT_LEADS, DEPARTMENT, GOVERNMENT, KIND_DATES

log = logging.getLogger(__name__)

SUBSCRIBE_DATA = "rsub"  # rsub:<kind> then rsub:<kind>:<region id>
UNSUBSCRIBE_DATA = "runsub"  # runsub:<id> or runsub:all
REGION_BUTTONS = 8
MIGRATION_GROUP = 7  # a handler group of its own, so that no catch-all handler hides it
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def _now(context: ContextTypes.DEFAULT_TYPE) -> datetime:
    return datetime.now(service.tz_of(context.application))


async def _may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
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


async def _subscribed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, request: SubscribeRequest
) -> str:
    """Store the subscription, arm its jobs, and say when the reminders come."""
    assert update.effective_chat is not None
    user = update.effective_user
    now = _now(context)
    view = service.subscribe(
        context.bot_data["engine"],
        request,
        chat_id=update.effective_chat.id,
        user_id=user.id if user else None,
        now=now,
    )
    await service.rearm(context.application, now=now)
    return replies.subscribed_text(view)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe [类型 范围 [提前 天数]]: subscribes the chat, or offers buttons to choose."""
    message = update.effective_message
    if message is None:
        return
    if not await _may_change(update, context):
        await message.reply_text(replies.NOT_ADMIN)
        return
    text = " ".join(context.args or [])
    if not text:
        buttons = [
            InlineKeyboardButton(
                f"{KIND_LABELS[kind]}（{KIND_DATES[kind][0]}月{KIND_DATES[kind][1]}日）",
                callback_data=f"{SUBSCRIBE_DATA}:{kind}",
            )
            for kind in (DEPARTMENT, GOVERNMENT)
        ]
        await message.reply_text(replies.CHOOSE_KIND, reply_markup=InlineKeyboardMarkup([buttons]))
        return
    try:
        request = parse_subscribe(text)
    except SubscribeError as err:
        await message.reply_text(f"{err}\n\n{replies.USAGE}")
        return
    await message.reply_text(await _subscribed(update, context, request))


async def subscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /subscribe button: first the kind, then a region; the last press subscribes."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    if not await _may_change(update, context):
        await query.answer(replies.NOT_ADMIN, show_alert=True)
        return
    await query.answer()
    parts = query.data.split(":")
    kind = parts[1]
    if kind not in KIND_DATES:
        return
    engine = context.bot_data["engine"]
    if len(parts) == 2:
        regions = service.region_choices(engine, limit=REGION_BUTTONS)
        if not regions:
            await query.edit_message_text(replies.NO_REGIONS)
            return
        rows = [
            [InlineKeyboardButton(name, callback_data=f"{SUBSCRIBE_DATA}:{kind}:{region_id}")]
            for region_id, name in regions
        ]
        await query.edit_message_text(
            replies.CHOOSE_REGION, reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    region = service.region_of(engine, int(parts[2]))
    if region is None:
        await query.edit_message_text(replies.NO_REGIONS)
        return
    month, day = KIND_DATES[kind]
    request = SubscribeRequest(kind, month, day, region, (), DEFAULT_LEADS)
    await query.edit_message_text(await _subscribed(update, context, request))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe [编号… | 全部]: removes subscriptions, or offers a button for each."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await _may_change(update, context):
        await message.reply_text(replies.NOT_ADMIN)
        return
    engine = context.bot_data["engine"]
    args = [a.lstrip("#") for a in context.args or []]
    if not args:
        views = service.chat_views(engine, chat.id, now=_now(context))
        if not views:
            await message.reply_text(replies.NOTHING_SUBSCRIBED)
            return
        rows = [
            [
                InlineKeyboardButton(
                    replies.kind_line(v), callback_data=f"{UNSUBSCRIBE_DATA}:{v.id}"
                )
            ]
            for v in views
        ]
        rows.append([InlineKeyboardButton("全部取消", callback_data=f"{UNSUBSCRIBE_DATA}:all")])
        await message.reply_text(
            replies.CHOOSE_UNSUBSCRIBE, reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    ids = None if args == ["全部"] else [int(a) for a in args if a.isdigit()]
    count = service.unsubscribe(engine, chat.id, ids)
    await service.rearm(context.application, now=_now(context))
    await message.reply_text(replies.unsubscribed_text(count))


async def unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An /unsubscribe button: removes that subscription (or all of the chat's)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    if not await _may_change(update, context):
        await query.answer(replies.NOT_ADMIN, show_alert=True)
        return
    await query.answer()
    choice = query.data.split(":")[1]
    ids = None if choice == "all" else [int(choice)]
    count = service.unsubscribe(context.bot_data["engine"], chat.id, ids)
    await service.rearm(context.application, now=_now(context))
    await query.edit_message_text(replies.unsubscribed_text(count))


async def deadlines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/deadlines: this chat's subscriptions, their next deadline and when each reminder comes."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    views = service.chat_views(context.bot_data["engine"], chat.id, now=_now(context))
    await message.reply_text(replies.deadlines_text(views))


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscriptions follow the new chat id (no reply)."""
    message = update.effective_message
    if message is None:
        return
    engine = context.bot_data["engine"]
    if message.migrate_to_chat_id:
        service.migrate(engine, message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        service.migrate(engine, message.migrate_from_chat_id, message.chat.id)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """/subscribe, /unsubscribe, /deadlines, their buttons, migrations, the periodic re-arm."""
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
    application.add_handler(CommandHandler("deadlines", deadlines))
    application.add_handler(CallbackQueryHandler(subscribe_button, pattern=f"^{SUBSCRIBE_DATA}:"))
    application.add_handler(
        CallbackQueryHandler(unsubscribe_button, pattern=f"^{UNSUBSCRIBE_DATA}:")
    )
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated), group=MIGRATION_GROUP
    )
    if application.job_queue is not None:
        service.start_sync(application.job_queue)


async def rearm(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At start (post_init): rebuild the reminder jobs from the database, send late ones."""
    await service.rearm(application, now=datetime.now(service.tz_of(application)))
