"""Serving the site with uvicorn: in the foreground (`bot.py web`), or on a thread of its own
beside the chat channels (`bot.py run` with WEB_PORT set)."""

from __future__ import annotations

import logging
import threading

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class WebServer:
    """One uvicorn server. Logging goes through the process's own configuration (no
    `log_config` of uvicorn's), and the server does not announce itself in a header."""

    def __init__(self, app: ASGIApp, *, host: str, port: int, forwarded_allow_ips: str) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
            server_header=False,
            log_config=None,
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(config)
        self.url = f"http://{host}:{port}/"
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """Serve until interrupted (uvicorn handles SIGINT and SIGTERM on the main thread)."""
        log.info("Web site on %s", self.url)
        self.server.run()

    def start(self) -> None:
        """Serve on a background thread; uvicorn installs no signal handlers off the main
        thread, so the caller stops it with `stop()`."""
        self._thread = threading.Thread(target=self.run, name="web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
