"""Group robots (群机器人): their webhook URLs, pacing, and sending markdown.

A robot is one URL, `…/cgi-bin/webhook/send?key=KEY`, on WeCom's API host or a 政务微信 server;
the key is its only credential, so it is shown masked and never logged. WeCom allows 20
messages a minute per robot and answers 45009 beyond; a removed or disabled robot answers
93000, 93004 or 93008 — for good, so the subscription is paused rather than retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from wecom import texts
from wecom.api import RATE_LIMITED, WeComError, call
from wecom.markdown import ROBOT_MARKDOWN_BYTES, split_bytes

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/cgi-bin/webhook/send"
PER_MINUTE = 20
WINDOW = 60.0  # seconds
RATE_LIMIT_WAIT = 60.0  # seconds to wait after a 45009 before trying again
ATTEMPTS = 3  # sends of one message in all, 45009 answers included


class WebhookError(ValueError):
    """`str(err)` says in Chinese what is wrong with a webhook URL."""


@dataclass(frozen=True)
class Webhook:
    url: str
    key: str

    @property
    def masked(self) -> str:
        """What people and logs see: the host and the key's first and last four characters."""
        host = urlsplit(self.url).netloc
        return f"{host} key={self.key[:4]}…{self.key[-4:]}"


def parse_webhook(url: str) -> Webhook:
    """A robot's webhook URL as copied from the robot's page in WeCom."""
    parts = urlsplit(url.strip())
    keys = parse_qs(parts.query).get("key", [])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WebhookError(texts.WEBHOOK_SCHEME)
    if not parts.path.endswith(WEBHOOK_PATH) or len(keys) != 1 or len(keys[0]) < 8:
        raise WebhookError(texts.NOT_A_WEBHOOK)
    return Webhook(url=url.strip(), key=keys[0])


class RobotGone(Exception):
    """The robot was removed, disabled or left the group: `reason` says which, in Chinese."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"errcode {errcode}")
        self.errcode = errcode
        self.reason = texts.ROBOT_GONE[errcode]


class RobotPacer:
    """At most `count` messages in any `window` seconds per robot. A slot is reserved before
    the wait, so concurrent senders queue up; clock and sleep are injectable for tests."""

    def __init__(
        self,
        *,
        count: int = PER_MINUTE,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.count = count
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._slots: dict[str, deque[float]] = {}

    async def wait(self, robot: str) -> None:
        now = self.clock()
        slots = self._slots.setdefault(robot, deque())
        while slots and slots[0] <= now - self.window:
            slots.popleft()
        start = now if len(slots) < self.count else max(now, slots[-self.count] + self.window)
        slots.append(start)
        if start > now:
            await self.sleep(start - now)


class RobotClient:
    """Sends markdown to robots, split under 4,096 bytes, paced, 45009 waited out."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        pacer: RobotPacer | None = None,
        rate_limit_wait: float = RATE_LIMIT_WAIT,
    ) -> None:
        self._http = http
        self.pacer = pacer or RobotPacer()
        self._rate_limit_wait = rate_limit_wait

    async def send_markdown(self, webhook: Webhook, content: str) -> int:
        """Send `content` as one or more markdown messages; how many. RobotGone for a robot
        that is no more, WeComError for anything else."""
        parts = split_bytes(content, ROBOT_MARKDOWN_BYTES)
        for part in parts:
            await self._send(webhook, {"msgtype": "markdown", "markdown": {"content": part}})
        return len(parts)

    async def _send(self, webhook: Webhook, payload: dict[str, object]) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            await self.pacer.wait(webhook.key)
            try:
                await call(self._http, "POST", webhook.url, json=payload)
                return
            except WeComError as err:
                if err.errcode in texts.ROBOT_GONE:
                    raise RobotGone(err.errcode) from None
                if err.errcode != RATE_LIMITED or attempt == ATTEMPTS:
                    raise
                log.warning(
                    "robot %s: rate limited (45009), waiting %.0f s",
                    webhook.masked,
                    self._rate_limit_wait,
                )
                await self.pacer.sleep(self._rate_limit_wait)
