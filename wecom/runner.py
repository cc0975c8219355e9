"""The WeCom side of `bot.py run` on an asyncio loop of its own — in the foreground when
Telegram is not configured, on a thread beside it otherwise (as the web site runs): the group
robots' reminders (they need no credentials, so they always run) and the app's callback
server when WECOM_* are set."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import httpx

from wecom.api import TIMEOUT
from wecom.channel import serve_app
from wecom.delivery import RobotReminders
from wecom.robot import RobotClient

if TYPE_CHECKING:
    from services import Services
    from settings import Settings

log = logging.getLogger(__name__)


class WeComRunner:
    """`robots=False` when Telegram runs too: its JobQueue then looks at the robots' reminders
    (one scheduler per process, see wecom/delivery.py)."""

    def __init__(self, settings: Settings, services: Services, *, robots: bool = True) -> None:
        self.settings = settings
        self.services = services
        self.robots = robots
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM (call from the main thread)."""
        asyncio.run(self._main(signals=True))

    def start(self) -> None:
        """Serve on a background thread until `stop()`."""
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(signals=False)), name="wecom", daemon=True
        )
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._failed is not None:
            raise self._failed

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=30)

    async def _main(self, *, signals: bool) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._loop.add_signal_handler(sig, self._stop.set)
        async with AsyncExitStack() as stack:
            try:
                if self.settings.wecom_app_configured:
                    await stack.enter_async_context(serve_app(self.settings, self.services))
                http = await stack.enter_async_context(httpx.AsyncClient(timeout=TIMEOUT))
            except BaseException as err:  # e.g. the port is taken: say so to start()
                self._failed = err
                raise
            finally:
                self._ready.set()
            if self.robots:
                reminders = RobotReminders(
                    self.services, RobotClient(http), clock=self.services.now
                )
                await reminders.run(self._stop)
            else:
                await self._stop.wait()
            log.info("WeCom channel stopping")
