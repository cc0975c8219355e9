"""Logging for every command: one stderr handler whose formatter redacts secrets.

httpx logs each request URL at INFO, and Telegram's URLs carry the bot token
(`…/bot123456789:AA…/getMe`, file downloads too); exceptions repeat them. Redacting the
formatted line — message, traceback and stack alike — keeps any secret out of every log line at
every level, whatever library wrote it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

# A Telegram bot token: the bot's numeric id, a colon (URL-quoted in file URLs), 30+ URL-safe
# characters.
_BOT_TOKEN = re.compile(r"\d{5,}(?::|%3A)[A-Za-z0-9_-]{30,}", re.IGNORECASE)
# WeCom's credentials travel as query parameters: an app's access token and corp secret, a
# group robot's webhook key (tokens are fetched at run time and keys live in the database, so
# no list of secrets can name them).
_QUERY_SECRET = re.compile(r"((?:access_token|corpsecret|key)=)[^&\s\"'#<>]+", re.IGNORECASE)
REDACTED = "«secret»"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every known secret and anything shaped like a token."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        forms = {form for s in secrets if len(s) >= 8 for form in (s, quote(s, safe=""))}
        self._secrets = sorted(forms, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, line: str) -> str:
        for secret in self._secrets:
            line = line.replace(secret, REDACTED)
        line = _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", line)
        return _BOT_TOKEN.sub(REDACTED, line)


def configure(level: str, *, secrets: Iterable[str] = (), stream: TextIO = sys.stderr) -> None:
    """Install the one handler on the root logger. Below DEBUG, per-request chatter of the HTTP
    clients and Alembic's set-up lines stay out of the way (they are still redacted at DEBUG)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    if root.level > logging.DEBUG:
        for name in ("httpx", "httpcore", "alembic"):
            logging.getLogger(name).setLevel(logging.WARNING)
