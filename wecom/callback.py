"""The app's callback URL, free of any web framework: URL verification and incoming messages.

WeCom checks the URL with a GET carrying an encrypted `echostr`, which must be answered with
its plaintext within a second. Messages come as POSTs; WeCom retries a message it got no
answer to within five seconds, so the answer is immediate and empty, the message is handled in
the background, and a retry of one already seen (same MsgId) is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from wecom.crypto import CallbackCipher, CallbackError
from wecom.envelope import EnvelopeError, Incoming, encrypted_part, parse_message

log = logging.getLogger(__name__)

REMEMBERED = 2048  # message keys kept to drop WeCom's retries
QUERY = ("msg_signature", "timestamp", "nonce")


@dataclass(frozen=True)
class Reply:
    status: int
    body: str = ""


class Callback:
    """`await handle(method, query, body)` for each request to the callback URL."""

    def __init__(
        self, cipher: CallbackCipher, on_message: Callable[[Incoming], Awaitable[None]]
    ) -> None:
        self._cipher = cipher
        self._on_message = on_message
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, method: str, query: Mapping[str, str], body: bytes) -> Reply:
        if any(not query.get(name) for name in QUERY):
            return Reply(400, "missing msg_signature, timestamp or nonce")
        try:
            if method == "GET":
                return Reply(200, self._open(query, query.get("echostr", "")).decode())
            if method == "POST":
                self._accept(parse_message(self._open(query, encrypted_part(body))))
                return Reply(200)
        except CallbackError as err:
            log.warning("callback refused: %s", err)
            return Reply(403, "forbidden")
        except (EnvelopeError, UnicodeDecodeError) as err:
            log.warning("callback not understood: %s", err)
            return Reply(400, "bad request")
        return Reply(405, "method not allowed")

    def _open(self, query: Mapping[str, str], encrypted: str) -> bytes:
        return self._cipher.open(
            msg_signature=query["msg_signature"],
            timestamp=query["timestamp"],
            nonce=query["nonce"],
            encrypted=encrypted,
        )

    def _accept(self, message: Incoming) -> None:
        if message.key in self._seen:
            log.info("callback retry of a message already handled; dropped")
            return
        self._seen[message.key] = None
        while len(self._seen) > REMEMBERED:
            self._seen.popitem(last=False)
        task = asyncio.create_task(self._run(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, message: Incoming) -> None:
        try:
            await self._on_message(message)
        except Exception:
            log.exception("handling a WeCom message failed")

    async def drain(self) -> None:
        """Wait for the messages being handled (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
