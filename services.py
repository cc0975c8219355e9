"""The use cases every channel calls: Telegram (handlers/), WeCom, the web page, the terminal
(console.py) and the command line (cli/). A channel turns its input into one of these calls
and the typed result into its own messages; no business rule lives in a channel.

Calls are synchronous (they read and write the database): async channels run them with
`asyncio.to_thread`. Results carry their reply text where one exists, built from the texts
modules (replies.py, query/texts.py, reminders/), so every channel says the same thing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

import replies
from parsers import parse_bytes
from parsers.model import ParsedReport, ParseError
from query import Answer, Asker, ChartSpec
from store.reader import StoreReader
from store.writer import IngestOutcome

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # every date and deadline (the bot serves mainland China)
DEFAULT_MAX_UPLOAD_MB = 20


@dataclass(frozen=True)
class Chart:
    """A chart ready to send: the PNG and the caption that says what it shows and its source."""

    spec: ChartSpec
    png: bytes

    @property
    def caption(self) -> str:
        return f"{self.spec.title}\n{self.spec.source}" if self.spec.source else self.spec.title


@dataclass(frozen=True)
class UploadResult:
    """What became of a report file: parsed (and stored, for an upload) or refused.

    `report` is None when the file could not be read as a report (`error` says why);
    `outcome` is None for a check, which never stores anything."""

    file_name: str
    text: str  # the reply, the same in every channel
    report: ParsedReport | None = None
    outcome: IngestOutcome | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Services:
    """The use cases over one database. Build one per process (bot.py does) and share it:
    every call opens its own short database session."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.engine = engine
        self.max_upload_mb = max_upload_mb
        self.asker = Asker(StoreReader(engine), tz=SHANGHAI, today=today)

    # --- questions --------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        """The answer to a question typed in any channel."""
        return self.asker.ask(question)

    def resolve(self, token: str) -> Answer:
        """The answer behind a choice (a button token from an earlier answer)."""
        return self.asker.resolve(token)

    def chart(self, question: str) -> Chart | Answer:
        """A PNG chart of what the question asks, or the plain answer when it cannot be
        charted (not understood, no data, a choice to make)."""
        result = self.asker.chart(question)
        if isinstance(result, Answer):
            return result
        from charts import render_chart  # matplotlib loads only when a chart is asked for

        return Chart(result, render_chart(result))

    # --- report files -----------------------------------------------------------------------

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def too_big(self, size: int | None) -> str | None:
        """The refusal for a file of `size` bytes over the upload limit, else None. Channels
        ask before downloading when they know the size, and again after."""
        if size is not None and size > self.max_upload_bytes:
            return replies.too_big_text(size=size, max_upload_mb=self.max_upload_mb)
        return None

    def check_upload(self, data: bytes, file_name: str | None) -> UploadResult:
        """Parse and validate a report file; nothing is stored."""
        name = file_name or replies.UNNAMED_FILE
        refused = self.too_big(len(data))
        if refused is not None:
            return UploadResult(name, refused, error=refused)
        try:
            report = parse_bytes(data, filename=name)
        except ParseError as err:
            return UploadResult(name, replies.unreadable_text(name, str(err)), error=str(err))
        return UploadResult(name, replies.check_text(report, name), report=report)

    def ingest_upload(self, data: bytes, file_name: str | None) -> UploadResult:
        """Parse, validate and store a report file in one transaction. A file that is not a
        report (or cannot be stored) leaves the database unchanged; bytes stored before are
        reported as unchanged without being parsed again."""
        from store.ingest import stored_outcome, write_report

        name = file_name or replies.UNNAMED_FILE
        refused = self.too_big(len(data))
        if refused is not None:
            return UploadResult(name, refused, error=refused)
        sha = hashlib.sha256(data).hexdigest()
        known = stored_outcome(self.engine, sha)
        if known is not None:  # not parsed again: a scanned report takes minutes to read
            return UploadResult(name, replies.unchanged_text(known, name), outcome=known)
        try:
            report = parse_bytes(data, filename=name)
            outcome = write_report(self.engine, report, source_name=name, data_sha256=sha)
        except ParseError as err:  # InvalidReport (cannot be stored) is a ParseError too
            return UploadResult(name, replies.unreadable_text(name, str(err)), error=str(err))
        text = replies.ingest_text(report, outcome.status, name)
        return UploadResult(name, text, report=report, outcome=outcome)

    # --- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Give the database connections back (at the end of the process)."""
        self.engine.dispose()
