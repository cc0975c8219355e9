"""The callback URL over HTTP: a tornado server (python-telegram-bot's webhook server, so no
new dependency) on the running asyncio loop, passing each request to `Callback.handle`."""

from __future__ import annotations

import logging

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from wecom.callback import Callback

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes; WeCom's callbacks are far smaller


class _Endpoint(RequestHandler):
    def initialize(self, callback: Callback) -> None:
        self.callback = callback

    async def get(self) -> None:
        await self._answer("GET")

    async def post(self) -> None:
        await self._answer("POST")

    async def _answer(self, method: str) -> None:
        query = {name: self.get_query_argument(name) for name in self.request.query_arguments}
        reply = await self.callback.handle(method, query, self.request.body)
        self.set_status(reply.status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(reply.body)


def _quiet(handler: RequestHandler) -> None:
    """No access log line per request (Callback logs what matters)."""


def start_server(
    callback: Callback, *, listen: str, port: int, path: str = "/"
) -> tuple[HTTPServer, int]:
    """Listen on the running loop: the server (`stop()` closes it) and the port it got (port 0
    picks a free one)."""
    app = Application([(path, _Endpoint, {"callback": callback})], log_function=_quiet)
    server = HTTPServer(app, max_body_size=MAX_BODY)
    sockets = bind_sockets(port, address=listen)
    server.add_sockets(sockets)
    bound = int(sockets[0].getsockname()[1])
    log.info("WeCom callback listening on %s:%s%s", listen, bound, path)
    return server, bound
