"""What keeps a public site safe: security headers, per-client rate limits, bounded inputs.

Both middlewares are plain ASGI (no BaseHTTPMiddleware), so they cost microseconds a request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import texts

MAX_QUESTION = 200  # characters of a question
MAX_SEARCH = 50  # characters of an agency search
MAX_PAGE = 200  # pages of a list (50 rows each)
MAX_DOWNLOAD_ROWS = 10_000
MAX_COMPARE = 10  # agencies side by side

# No inline script or style anywhere: everything comes from /static.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


class SecurityHeaders:
    """Adds `HEADERS` to every response, error pages included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cost(path: str) -> int:
    """Charts and downloads cost more than a page; static files and the health check nothing."""
    if path.startswith("/static/") or path == "/healthz":
        return 0
    if path.endswith(".png"):
        return 5
    return 1


class RateLimit:
    """A moving window per client address (`limits`, in memory: one process serves the site).

    Behind a reverse proxy the client address is the proxy's unless uvicorn is told to trust
    its X-Forwarded-For (WEB_FORWARDED_ALLOW_IPS). Downloads (`format=`) cost 5 like charts.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: str,
        on_limit: Callable[[Request, int], Response],
    ) -> None:
        self.app = app
        self.item: RateLimitItem = parse(limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.on_limit = on_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cost = _cost(scope["path"])
        if cost and b"format=" in scope.get("query_string", b""):
            cost = 5
        client = scope.get("client")
        who = client[0] if client else "unknown"
        if cost and not self.limiter.hit(self.item, who, cost=cost):
            reset = self.limiter.get_window_stats(self.item, who).reset_time
            retry = max(1, math.ceil(reset - time.time()))
            response = self.on_limit(Request(scope), retry)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter in [low, high]; anything else is a 400 with a Chinese page."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise HTTPException(400, texts.BAD_NUMBER.format(name=name, low=low, high=high))
    return value


def text_param(request: Request, name: str, limit: int, message: str) -> str:
    """A stripped text query parameter of at most `limit` characters."""
    value = request.query_params.get(name, "").strip()
    if len(value) > limit:
        raise HTTPException(400, message.format(limit=limit))
    return value
