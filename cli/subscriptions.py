"""`bot.py subscribe --wecom-webhook URL KIND SCOPE [--leads …]`, `bot.py subscriptions` and
`bot.py unsubscribe ID`: subscriptions managed from the command line, since a WeCom group robot
cannot receive a /subscribe. A robot's key is a credential: it is shown masked."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from reminders import texts
from reminders.parse import SubscribeError, parse_subscribe
from services import Listed, Services
from wecom.robot import WebhookError, parse_webhook


def target_of(chat_id: int | None, wecom_webhook: str | None) -> str:
    robot = parse_webhook(wecom_webhook).masked if wecom_webhook else None
    return texts.target_text(chat_id, robot)


def subscribe(
    open_services: Callable[[], Services],
    *,
    webhook: str,
    kind: str,
    scope: str,
    leads: str | None,
    out: TextIO = sys.stdout,
) -> int:
    """Subscribe a robot; 2 with a Chinese reason (and nothing stored) for bad arguments."""
    try:
        hook = parse_webhook(webhook)
        request = parse_subscribe(f"{kind} {scope}" + (f" 提前 {leads}" if leads else ""))
    except (WebhookError, SubscribeError) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    services = open_services()
    done = services.subscribe(None, request, user_id=None, wecom_webhook=hook.url)
    print(done.text, file=out)
    print(f"发往：{texts.target_text(None, hook.masked)}", file=out)
    return 0


def listing(open_services: Callable[[], Services], *, out: TextIO = sys.stdout) -> int:
    """Every chat's and robot's subscriptions with ids and the reminders still ahead."""
    found: list[Listed] = open_services().subscriptions()
    if not found:
        print(texts.NO_SUBSCRIPTIONS, file=out)
        return 0
    blocks = [texts.listed_text(s.view, target_of(s.chat_id, s.wecom_webhook)) for s in found]
    print("\n\n".join(blocks), file=out)
    return 0


def unsubscribe(
    open_services: Callable[[], Services], subscription_id: int, *, out: TextIO = sys.stdout
) -> int:
    if open_services().unsubscribe_ids([subscription_id]):
        print(texts.unsubscribed_text(1), file=out)
        return 0
    print(texts.no_such_subscription(subscription_id), file=sys.stderr)
    return 2
