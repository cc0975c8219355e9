"""`bot.py reminders --at … [--send]`: what the bot would send at a moment, and optionally send it.

"Due at `at`" means what a bot running (or starting) at that moment sends: for each active
subscription, the latest reminder whose time has come and which nobody has sent yet — on time
within the grace hour, otherwise as （补发）, and never once its deadline has passed. `--send`
claims and sends exactly like the bot (handlers.jobs.deliver, the same rate limiter).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from cli.subscriptions import target_of
from reminders import texts
from reminders.schedule import Due
from services import SHANGHAI, Services
from settings import Settings


def moment(text: str) -> datetime:
    """`--at 2027-01-24T09:00` as Beijing time (an offset in the text is converted)."""
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at.astimezone(SHANGHAI)


def run(settings: Settings, open_services: Callable[[], Services], *, at: str, send: bool) -> int:
    return due_report(settings, open_services(), at=moment(at), send=send, out=sys.stdout)


def due_report(
    settings: Settings, services: Services, *, at: datetime, send: bool, out: TextIO
) -> int:
    """Print the reminders due at `at` (aware), with their chats or robots and full texts; 0 on
    success. `send` needs the credentials of the channels it sends to, and only those: a
    Telegram reminder without TELEGRAM_BOT_TOKEN stops it before anything is sent (2)."""
    items = services.due_reminders(at)
    telegram = any(item.reminder.chat_id is not None for item in items)
    if send and telegram and settings.telegram_bot_token is None:
        print(texts.SEND_NEEDS_TOKEN, file=sys.stderr)
        return 2
    if not items:
        print(texts.nothing_due_text(at, send=send), file=out)
        return 0
    print(texts.due_count_text(at, len(items), send=send), file=out)
    for item in items:
        rendered = services.render_reminder(item, at)
        if rendered is None:
            continue
        print("", file=out)
        target = target_of(rendered.chat_id, rendered.wecom_webhook)
        print(texts.due_line(item.reminder, target, late=item.late), file=out)
        print(rendered.text, file=out)
    if send:
        outcomes = asyncio.run(_send_all(settings, services, items, at=at))
        print("", file=out)
        for name, status in outcomes:
            print(f"{name}：{texts.DELIVERY_STATUS[status]}", file=out)
    return 0


async def _send_all(
    settings: Settings, services: Services, items: list[Due], *, at: datetime
) -> list[tuple[str, str]]:
    """Each item through its channel: Telegram chats with the bot's token and rate limiter,
    WeCom robots paced as the running bot paces them."""
    chats = [item for item in items if item.reminder.chat_id is not None]
    robots = [item for item in items if item.reminder.chat_id is None]
    outcomes = await _send_telegram(settings, services, chats, at=at) if chats else []
    if robots:
        outcomes += await _send_wecom(services, robots, at=at)
    return outcomes


async def _send_telegram(
    settings: Settings, services: Services, items: list[Due], *, at: datetime
) -> list[tuple[str, str]]:
    from telegram.ext import ExtBot

    from handlers.app import RetryingRateLimiter
    from handlers.jobs import deliver

    assert settings.telegram_bot_token is not None
    base_url = settings.telegram_api_base_url or "https://api.telegram.org/bot"
    token = settings.telegram_bot_token.get_secret_value()
    bot = ExtBot(token, base_url=base_url, rate_limiter=RetryingRateLimiter())
    async with bot:
        outcomes = [await deliver(services, bot, item, now=at) for item in items]
    return [(o.reminder.name, o.status) for o in outcomes]


async def _send_wecom(
    services: Services, items: list[Due], *, at: datetime
) -> list[tuple[str, str]]:
    import httpx

    from wecom.api import TIMEOUT
    from wecom.delivery import deliver
    from wecom.robot import RobotClient

    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        robots = RobotClient(http)
        return [(i.reminder.name, await deliver(services, robots, i, now=at)) for i in items]
