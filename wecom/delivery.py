"""Deadline reminders through WeCom group robots: the same text as Telegram's (services.py
renders it) as WeCom markdown, claimed exactly once in the same table, and a robot that is
gone (removed from its group, disabled) pauses its subscription with the reason.

Robots are checked once a minute: a reminder goes out within a minute of its time, on time by
the schedule's hour of grace; at start, what came due meanwhile goes out once, marked （补发）.
Only the process holding the scheduler's leader lock sends. One scheduler per process: with
Telegram running, the minute's look is a job of Telegram's JobQueue (`job`), beside its
reminder jobs; without it, the WeCom side's own loop (`run`) looks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from reminders.schedule import DUPLICATE, FAILED, PAUSED, SENT, SKIPPED, WECOM, Due
from wecom.api import TIMEOUT, WeComError
from wecom.markdown import as_markdown
from wecom.robot import RobotClient, RobotGone, WebhookError, parse_webhook

if TYPE_CHECKING:
    from services import Services

log = logging.getLogger(__name__)

TICK = 60.0  # seconds between looks at what is due


async def deliver(services: Services, robots: RobotClient, item: Due, *, now: datetime) -> str:
    """Claim the reminder's key, then send it to its robot; what became of it (SENT, …)."""
    r = item.reminder
    rendered = await asyncio.to_thread(services.render_reminder, item, now)
    if rendered is None or rendered.wecom_webhook is None:
        return SKIPPED
    if not await asyncio.to_thread(services.claim_reminder, item, now):
        log.info("reminder %s already claimed; not sending", r.name)
        return DUPLICATE
    status, error = SENT, None
    try:
        webhook = parse_webhook(rendered.wecom_webhook)
        await robots.send_markdown(webhook, as_markdown(rendered.text))
    except RobotGone as gone:
        status, error = PAUSED, gone.reason
        await asyncio.to_thread(services.pause_subscription, r.subscription_id, gone.reason)
        log.warning(
            "robot of subscription %s is gone (errcode %s); subscription paused",
            r.subscription_id,
            gone.errcode,
        )
    except (WeComError, WebhookError) as err:
        status, error = FAILED, str(err)
        log.error("reminder %s to its robot failed: %s", r.name, err)
    await asyncio.to_thread(services.finish_reminder, r, now, error)
    if status == SENT:
        late = " (late)" if item.late else ""
        log.info("sent reminder %s to robot of subscription %s%s", r.name, r.subscription_id, late)
    return status


class RobotReminders:
    """Every robot subscription's reminders, looked at once a minute. Without a robot client
    given, one (and its HTTP client) is made on the first look, on the loop that looks."""

    def __init__(
        self,
        services: Services,
        robots: RobotClient | None = None,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self.services = services
        self.robots = robots
        self.clock = clock
        self._missed_logged: set[str] = set()
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> RobotClient:
        if self.robots is None:
            self._http = httpx.AsyncClient(timeout=TIMEOUT)
            self.robots = RobotClient(self._http)
        return self.robots

    async def job(self, context: object) -> None:
        """The minute's look as a job of Telegram's JobQueue (its context is not needed)."""
        try:
            await self.tick(self.clock())
        except Exception:
            log.exception("robot reminders: a look at what is due failed")

    async def close(self, *_: object) -> None:
        """Close the HTTP client made on the first look (as the application stops)."""
        if self._http is not None:
            await self._http.aclose()

    async def tick(self, now: datetime) -> list[str]:
        """Send what is due at `now` (when this process leads); the outcomes."""
        if not await asyncio.to_thread(self.services.lead):
            return []
        due = await asyncio.to_thread(self.services.due_reminders, now, WECOM)
        outcomes = [await deliver(self.services, self._client(), item, now=now) for item in due]
        for missed in await asyncio.to_thread(self.services.missed_reminders, now, WECOM):
            if missed.name not in self._missed_logged:
                log.info("reminder %s was missed and is too late to send", missed.name)
                self._missed_logged.add(missed.name)
        return outcomes

    async def run(self, stop: asyncio.Event, *, interval: float = TICK) -> None:
        """Tick until `stop` is set; a failing tick is logged and the next one comes."""
        while not stop.is_set():
            try:
                await self.tick(self.clock())
            except Exception:
                log.exception("robot reminders: a look at what is due failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
