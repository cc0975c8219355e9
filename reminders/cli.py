"""`bot.py reminders --at …`: what the bot would send at a moment, and optionally send it.

"Due at `at`" means what a bot running (or starting) at that moment sends: for each active
subscription, the latest reminder whose time has come and which nobody has sent yet — on time
within the grace hour, otherwise as （补发）, and never once its deadline has passed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session
from telegram import Bot

from reminders.message import LATE_MARK, lead_text
from reminders.schedule import Due, due
from reminders.service import Pacer, deliver, render
from settings import Settings
from store import subscriptions as store

STATUS_TEXT = {
    "sent": "已发送",
    "duplicate": "已由他处发送，跳过",
    "skipped": "订阅已删除或暂停，跳过",
    "failed": "发送失败",
    "paused": "群不可达，订阅已暂停",
}


def due_report(
    settings: Settings, engine: Engine, *, at: datetime, send: bool, out: TextIO
) -> int:
    """Print the reminders due at `at` (aware), with their chats and full texts; 0 on success."""
    if send and settings.telegram_bot_token is None:
        print("错误：--send 需要 TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    items = due_items(engine, at)
    mode = "发送" if send else "预览，未发送"
    if not items:
        print(f"{at:%Y-%m-%d %H:%M} 没有到期的提醒（{mode}）。", file=out)
        return 0
    print(f"{at:%Y-%m-%d %H:%M} 到期提醒 {len(items)} 条（{mode}）：", file=out)
    for item in items:
        rendered = render(engine, item, now=at)
        if rendered is None:
            continue
        chat_id, text = rendered
        r = item.reminder
        print("", file=out)
        print(
            f"— 订阅 #{r.subscription_id} → 聊天 {chat_id}：截止 {r.deadline:%Y-%m-%d}，"
            f"{lead_text(r.lead_days)}，"
            f"计划 {r.at:%Y-%m-%d %H:%M}{LATE_MARK if item.late else ''}",
            file=out,
        )
        print(text, file=out)
    if send:
        outcomes = asyncio.run(_send_all(settings, engine, items, at=at))
        print("", file=out)
        for name, status in outcomes:
            print(f"{name}：{STATUS_TEXT[status]}", file=out)
    return 0


def due_items(engine: Engine, at: datetime) -> list[Due]:
    """The due reminder of every active subscription that has one unsent at `at`."""
    found = []
    with Session(engine) as session:
        for sub in store.active_subscriptions(session=session):
            item = due(store.to_plan(sub), at)
            if item is None:
                continue
            r = item.reminder
            if store.is_claimed(
                session=session,
                subscription_id=r.subscription_id,
                deadline=r.deadline,
                lead_days=r.lead_days,
            ):
                continue
            found.append(item)
    return found


async def _send_all(
    settings: Settings, engine: Engine, items: list[Due], *, at: datetime
) -> list[tuple[str, str]]:
    assert settings.telegram_bot_token is not None
    base_url = settings.telegram_api_base_url or "https://api.telegram.org/bot"
    pacer = Pacer()
    async with Bot(settings.telegram_bot_token.get_secret_value(), base_url=base_url) as bot:
        outcomes = [await deliver(engine, bot, item, now=at, pacer=pacer) for item in items]
    return [(o.reminder.name, o.status) for o in outcomes]
