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

from reminders import texts
from reminders.schedule import Due
from services import SHANGHAI, Services
from settings import Settings


def moment(text: str) -> datetime:
    """`--at 2027-01-24T09:00` as Beijing time (an offset in the text is converted)."""
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at.astimezone(SHANGHAI)


def run(settings: Settings, open_services: Callable[[], Services], *, at: str, send: bool) -> int:
    if send and settings.telegram_bot_token is None:
        print(texts.SEND_NEEDS_TOKEN, file=sys.stderr)
        return 2
    return due_report(settings, open_services(), at=moment(at), send=send, out=sys.stdout)


def due_report(
    settings: Settings, services: Services, *, at: datetime, send: bool, out: TextIO
) -> int:
    """Print the reminders due at `at` (aware), with their chats and full texts; 0 on success.
    `send` needs the token (checked by `run`)."""
    items = services.due_reminders(at)
    if not items:
        print(texts.nothing_due_text(at, send=send), file=out)
        return 0
    print(texts.due_count_text(at, len(items), send=send), file=out)
    for item in items:
        rendered = services.render_reminder(item, at)
        if rendered is None:
            continue
        print("", file=out)
        print(texts.due_line(item.reminder, rendered.chat_id, late=item.late), file=out)
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
