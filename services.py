"""The use cases every channel calls: Telegram (handlers/), WeCom, the web page, the terminal
(console.py) and the command line (cli/). A channel turns its input into one of these calls
and the typed result into its own messages; no business rule lives in a channel.

Calls are synchronous (they read and write the database): async channels run them with
`asyncio.to_thread`. Results carry their reply text where one exists, built from the texts
modules (replies.py, query/texts.py, reminders/), so every channel says the same thing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

import replies
from parsers import Progress, parse_bytes, parse_images
from parsers.model import ParsedReport, ParseError
from query import Answer, Asker, ChartSpec
from query.source import SourceUnavailable
from reminders import texts as reminder_texts
from reminders.parse import SubscribeError, SubscribeRequest, parse_subscribe
from reminders.schedule import (
    DEFAULT_LEADS,
    KIND_DATES,
    KIND_LEVELS,
    TELEGRAM,
    WECOM,
    Due,
    Plan,
    Reminder,
    current_deadline,
    due,
    latest_past,
    upcoming,
)
from reminders.texts import Failing, ScopeStatus, SubscriptionView
from store import subscriptions as store
from store.browse import AgencyRow as AgencyRow  # re-exported: web/ imports no store module
from store.browse import Browser as Browser
from store.browse import Ranking as Ranking
from store.browse import RankRow as RankRow
from store.browse import RegionCount as RegionCount
from store.browse import RegionPath as RegionPath
from store.browse import ReportRow as ReportRow
from store.db import DATABASE_DOWN
from store.export import write_csv as write_csv
from store.export import write_xlsx as write_xlsx
from store.models import Subscription
from store.reader import StoreReader
from store.writer import IngestOutcome

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # every date and deadline (the bot serves mainland China)
DEFAULT_MAX_UPLOAD_MB = 20
MAX_SUBSCRIPTIONS = 20  # per chat or robot: a group's deadlines, not a place to store hundreds
# What an upload is: one file's bytes, or photos of one report's pages (PNG/JPEG) in page order.
Upload = bytes | Sequence[bytes]


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


@dataclass(frozen=True)
class Subscribed:
    """The reply to a subscription request; `view` is None when the request was refused, and
    `plan` is set when reminders were added (so the channel arms that plan's jobs, no more)."""

    text: str
    view: SubscriptionView | None = None
    plan: Plan | None = None


@dataclass(frozen=True)
class RenderedReminder:
    """A due reminder ready to send: where it goes — a Telegram chat (a migrated group's new
    id) or a WeCom robot's webhook — and its text."""

    chat_id: int | None
    text: str
    wecom_webhook: str | None = None


@dataclass(frozen=True)
class Listed:
    """One subscription of any chat or robot, for the command line's `subscriptions`."""

    view: SubscriptionView
    chat_id: int | None
    wecom_webhook: str | None


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
        # The web's pages list, rank and lay out what the store holds (rows, not answers): the
        # site reaches the store only through this, like every channel through the rest.
        self.browser = Browser(engine)
        self._leader = store.LeaderLock(engine)
        # Telegram's jobs and WeCom's robots ask from their own threads; the lock holds one
        # connection, which two threads must not use at once.
        self._leader_guard = threading.Lock()
        # One report file is parsed at a time, whatever the channel: parsing is CPU-bound (two
        # at once are no faster under the GIL), and the process then holds one document's
        # working memory, not one per user who sends a file at that moment.
        self._parsing = threading.Lock()

    # --- questions --------------------------------------------------------------------------

    def warm(self) -> threading.Thread:
        """Build the agency index and what first questions load (`Asker.prepare`) on a thread
        of its own (seconds at 100,000 agencies), so a serving process's first question does
        not wait for it from the start; a question asked meanwhile waits for the index's build
        rather than starting a second."""

        def build() -> None:
            try:
                self.asker.prepare()
            except Exception:  # the first question builds it then, and says what is wrong
                log.warning("building the agency index ahead of the questions failed")

        thread = threading.Thread(target=build, name="agency-index", daemon=True)
        thread.start()
        return thread

    def ask(self, question: str) -> Answer:
        """The answer to a question typed in any channel."""
        try:
            return self.asker.ask(question)
        except SourceUnavailable as err:
            return _unavailable(question, err)

    def resolve(self, token: str) -> Answer:
        """The answer behind a choice (a button token from an earlier answer)."""
        try:
            return self.asker.resolve(token)
        except SourceUnavailable as err:
            return _unavailable(token, err)

    def chart(self, question: str) -> Chart | Answer:
        """A PNG chart of what the question asks, or the plain answer when it cannot be
        charted (not understood, no data, a choice to make)."""
        try:
            result = self.asker.chart(question)
        except SourceUnavailable as err:
            return _unavailable(question, err)
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

    def check_upload(
        self, data: Upload, file_name: str | None, *, progress: Progress | None = None
    ) -> UploadResult:
        """Parse and validate a report file (or photos of its pages, in order); nothing is
        stored. A scan is read by OCR, page by page: `progress(done, total)` hears of each
        page."""
        name = file_name or replies.UNNAMED_FILE
        refused = self.too_big(_size(data))
        if refused is not None:
            return UploadResult(name, refused, error=refused)
        from store.schemas import validate_report

        try:
            report = self._parse(data, name, progress)
            validate_report(report)  # what upload would refuse, /check refuses too
        except ParseError as err:
            return UploadResult(name, replies.unreadable_text(name, str(err)), error=str(err))
        return UploadResult(name, replies.check_text(report, name), report=report)

    def ingest_upload(
        self, data: Upload, file_name: str | None, *, progress: Progress | None = None
    ) -> UploadResult:
        """Parse, validate and store a report file (or photos of its pages) in one
        transaction. A file that is not a report (or cannot be stored) leaves the database
        unchanged; bytes stored before are reported as unchanged without being parsed again.
        `progress` as for check_upload."""
        from store.ingest import stored_outcome, upload_sha256, write_report

        name = file_name or replies.UNNAMED_FILE
        refused = self.too_big(_size(data))
        if refused is not None:
            return UploadResult(name, refused, error=refused)
        sha = upload_sha256(data)
        known = stored_outcome(self.engine, sha)
        if known is not None:  # not parsed again: a scanned report takes minutes to read
            return UploadResult(name, replies.unchanged_text(known, name), outcome=known)
        try:
            report = self._parse(data, name, progress)
            outcome = write_report(self.engine, report, source_name=name, data_sha256=sha)
        except ParseError as err:  # InvalidReport (cannot be stored) is a ParseError too
            return UploadResult(name, replies.unreadable_text(name, str(err)), error=str(err))
        text = replies.ingest_text(report, outcome.status, name)
        return UploadResult(name, text, report=report, outcome=outcome)

    def _parse(self, data: Upload, name: str, progress: Progress | None) -> ParsedReport:
        with self._parsing:
            if isinstance(data, bytes):
                return parse_bytes(data, filename=name, progress=progress)
            return parse_images(data, filename=name, progress=progress)

    def seed_if_empty(
        self, samples_dir: Path, *, announce: Callable[[int], None] | None = None
    ) -> int:
        """Fill a database that holds no report with the bundled samples (one by one: a
        handful of files, not worth a process pool); returns how many were stored.
        `announce` hears how many files are about to be read (a person waits meanwhile)."""
        from store.ingest import has_reports

        if has_reports(self.engine):
            return 0
        files = sorted(p for p in samples_dir.iterdir() if p.is_file() and p.name[0] != ".")
        log.info("数据库为空，导入 %d 份示例年报", len(files))
        if announce is not None:
            announce(len(files))
        stored = 0
        for path in files:
            result = self.ingest_upload(path.read_bytes(), path.name)
            if result.ok:
                stored += 1
            else:
                log.warning("示例年报 %s 未能导入：%s", path.name, result.error)
        log.info("示例年报导入完成：%d 份", stored)
        return stored

    # --- reminder subscriptions -------------------------------------------------------------

    @staticmethod
    def now() -> datetime:
        """Beijing time: every deadline is, whatever the host's time zone."""
        return datetime.now(SHANGHAI)

    def subscribe_text(
        self, chat_id: int, text: str, *, user_id: int | None, now: datetime | None = None
    ) -> Subscribed:
        """`/subscribe 部门 淮安市 [提前 30,14]` typed in a chat: the subscription, or why not."""
        try:
            request = parse_subscribe(text)
        except SubscribeError as err:
            return Subscribed(f"{err}\n\n{reminder_texts.USAGE}")
        return self.subscribe(chat_id, request, user_id=user_id, now=now)

    def subscribe_region(
        self, chat_id: int, kind: str, region_id: int, *, user_id: int | None
    ) -> Subscribed:
        """A subscription to a region picked from `region_choices` (the default lead days)."""
        with Session(self.engine) as session:
            region = store.region_name(session=session, region_id=region_id)
        if region is None or kind not in KIND_DATES:
            return Subscribed(reminder_texts.NO_REGIONS)
        month, day = KIND_DATES[kind]
        request = SubscribeRequest(kind, month, day, region, (), DEFAULT_LEADS)
        return self.subscribe(chat_id, request, user_id=user_id)

    def subscribe(
        self,
        chat_id: int | None,
        request: SubscribeRequest,
        *,
        user_id: int | None,
        now: datetime | None = None,
        wecom_webhook: str | None = None,
    ) -> Subscribed:
        """Store a subscription for a chat, or (chat_id None) for a WeCom robot's webhook."""
        now = now or self.now()
        with Session(self.engine) as session:
            sub, status = store.add_subscription(
                session=session,
                chat_id=chat_id,
                wecom_webhook=wecom_webhook,
                kind=request.kind,
                month=request.month,
                day=request.day,
                scope_region=request.region,
                scope_agencies=request.agencies,
                leads=request.leads,
                created_by=user_id,
                now=now,
                limit=MAX_SUBSCRIPTIONS,
            )
            if sub is None:
                return Subscribed(reminder_texts.too_many_text(MAX_SUBSCRIPTIONS))
            view = _view(sub, now)
            if status == "exists":
                return Subscribed(reminder_texts.already_text(view), view)
            return Subscribed(reminder_texts.subscribed_text(view), view, plan_of(sub))

    def deadlines(self, chat_id: int, *, now: datetime | None = None) -> list[SubscriptionView]:
        """A chat's subscriptions with their next deadline and the reminders still ahead."""
        now = now or self.now()
        with Session(self.engine) as session:
            subs = store.chat_subscriptions(session=session, chat_id=chat_id)
            return [_view(sub, now) for sub in subs]

    def scope_deadline(self, text: str, *, now: datetime | None = None) -> str:
        """`部门 淮安市` without a chat (the console): the next deadline of that kind and who in
        the scope has the report year's report loaded, exactly as the reminder would say it.
        Nothing is stored; a malformed request gets the parser's Chinese sentence."""
        try:
            request = parse_subscribe(text)
        except SubscribeError as err:
            return str(err)
        now = now or self.now()
        plan = Plan(0, None, request.kind, request.month, request.day)
        deadline = current_deadline(plan, now)
        sub = Subscription(
            kind=request.kind,
            deadline_month=request.month,
            deadline_day=request.day,
            scope_region=request.region,
            scope_agencies="\n".join(request.agencies),
            created_at=now,
        )
        with Session(self.engine) as session:
            found = store.scope_reports(
                session=session, sub=sub, year=deadline.year - 1, level=KIND_LEVELS.get(sub.kind)
            )
        status = ScopeStatus(
            scope=reminder_texts.scope_label(request.region, list(request.agencies)),
            year=deadline.year - 1,
            loaded=found.loaded,
            missing=found.missing,
            failing=[Failing(agency, rule, message) for agency, rule, message in found.failing],
        )
        if now.date() > deadline:
            return reminder_texts.summary_text(kind=sub.kind, deadline=deadline, status=status)
        return reminder_texts.reminder_text(
            kind=sub.kind, deadline=deadline, today=now.date(), status=status
        )

    def unsubscribe(self, chat_id: int, ids: Sequence[int] | None) -> int:
        """Delete the chat's subscriptions with these ids (all of them for None); how many."""
        with Session(self.engine) as session:
            return store.delete_subscriptions(session=session, chat_id=chat_id, ids=ids)

    def subscriptions(self, *, now: datetime | None = None) -> list[Listed]:
        """Every subscription of every chat and robot, with the reminders still ahead."""
        now = now or self.now()
        with Session(self.engine) as session:
            return [
                Listed(_view(sub, now), sub.chat_id, sub.wecom_webhook)
                for sub in store.all_subscriptions(session=session)
            ]

    def unsubscribe_ids(self, ids: Sequence[int]) -> int:
        """Delete these subscriptions whatever their target; how many there were."""
        with Session(self.engine) as session:
            return store.delete_subscription_ids(session=session, ids=ids)

    def pause_subscription(self, subscription_id: int, reason: str) -> bool:
        """A WeCom robot is gone (removed from its group, disabled): pause, saying why."""
        with Session(self.engine) as session:
            return store.pause_subscription(
                session=session, subscription_id=subscription_id, reason=reason
            )

    def region_choices(self, *, limit: int) -> list[tuple[int, str]]:
        """(id, name) of the regions with the most agencies, to offer as choices."""
        with Session(self.engine) as session:
            return store.known_regions(session=session, limit=limit)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """A group got a new id (Telegram's supergroup upgrade): its subscriptions follow."""
        with Session(self.engine) as session:
            count = store.migrate_chat(
                session=session, old_chat_id=old_chat_id, new_chat_id=new_chat_id
            )
        if count:
            moved = (old_chat_id, new_chat_id, count)
            log.info("chat %s is now %s: %d subscription(s) moved", *moved)
        return count

    def pause_chat(self, chat_id: int, reason: str) -> int:
        """The bot can no longer write to a chat: pause its subscriptions, saying why."""
        with Session(self.engine) as session:
            return store.pause_chat(session=session, chat_id=chat_id, reason=reason)

    # --- reminders due -------------------------------------------------------------------

    def plans(self, channel: str | None = None) -> list[Plan]:
        """The schedule of every active subscription (the jobs a scheduler arms), or of those
        of one channel (TELEGRAM or WECOM)."""
        with Session(self.engine) as session:
            plans = [plan_of(sub) for sub in store.active_subscriptions(session=session)]
        return [p for p in plans if channel in (None, p.channel)]

    def due_reminders(self, now: datetime, channel: str | None = None) -> list[Due]:
        """What a bot running at `now` sends: per subscription, the latest reminder whose
        time has come and that nobody has claimed (late ones marked so)."""
        items = (due(plan, now) for plan in self.plans(channel))
        return [item for item in items if item is not None and not self.is_claimed(item.reminder)]

    def missed_reminders(self, now: datetime, channel: str | None = None) -> list[Reminder]:
        """Reminders whose time came while nobody was running and that are too late to send."""
        plans = self.plans(channel)
        missed = (latest_past(plan, now) for plan in plans if due(plan, now) is None)
        return [r for r in missed if r is not None and not self.is_claimed(r)]

    def render_reminder(self, item: Due, now: datetime) -> RenderedReminder | None:
        """The text of a due reminder and its chat; None once its subscription is gone or
        paused. Days left count from the reminder's own day, or from `now` when late."""
        r = item.reminder
        year = r.deadline.year - 1  # the report year a deadline is for
        with Session(self.engine) as session:
            sub = store.get_subscription(session=session, subscription_id=r.subscription_id)
            if sub is None or sub.paused:
                return None
            found = store.scope_reports(
                session=session, sub=sub, year=year, level=KIND_LEVELS.get(sub.kind)
            )
        status = ScopeStatus(
            scope=reminder_texts.scope_label(sub.scope_region, store.scope_agencies(sub)),
            year=year,
            loaded=found.loaded,
            missing=found.missing,
            failing=[Failing(agency, rule, message) for agency, rule, message in found.failing],
        )
        if r.is_summary:
            text = reminder_texts.summary_text(
                kind=sub.kind, deadline=r.deadline, status=status, late=item.late
            )
        else:
            today = now.date() if item.late else r.at.date()
            text = reminder_texts.reminder_text(
                kind=sub.kind, deadline=r.deadline, today=today, status=status, late=item.late
            )
        return RenderedReminder(sub.chat_id, text, sub.wecom_webhook)

    def claim_reminder(self, item: Due, now: datetime) -> bool:
        """Commit the reminder's sent-key before sending; False when someone holds it already
        (another process, an earlier run) or the subscription is paused or gone."""
        r = item.reminder
        with Session(self.engine) as session:
            return store.claim_reminder(
                session=session,
                subscription_id=r.subscription_id,
                deadline=r.deadline,
                lead_days=r.lead_days,
                late=item.late,
                now=now,
            )

    def finish_reminder(self, reminder: Reminder, now: datetime, error: str | None) -> None:
        """Record a claimed reminder as sent, or the error that stopped it."""
        with Session(self.engine) as session:
            store.finish_reminder(
                session=session,
                subscription_id=reminder.subscription_id,
                deadline=reminder.deadline,
                lead_days=reminder.lead_days,
                now=now,
                error=error,
            )

    def is_claimed(self, reminder: Reminder) -> bool:
        with Session(self.engine) as session:
            return store.is_claimed(
                session=session,
                subscription_id=reminder.subscription_id,
                deadline=reminder.deadline,
                lead_days=reminder.lead_days,
            )

    def lead(self) -> bool:
        """True while this process runs the reminder scheduler (on PostgreSQL one process
        holds an advisory lock; SQLite deployments are one process and always lead)."""
        with self._leader_guard:
            return self._leader.acquire()

    # --- lifecycle ---------------------------------------------------------------------------

    @staticmethod
    def is_outage(error: BaseException | None) -> bool:
        """True when `error` means the database cannot be reached (a channel then says
        `replies.UNAVAILABLE` and logs one line, not a traceback)."""
        return isinstance(error, (SourceUnavailable, *DATABASE_DOWN))

    def close(self) -> None:
        """Release the scheduler's lock and give the database connections back (at the end
        of the process: another process may then take over the reminders)."""
        with self._leader_guard:
            self._leader.release()
        self.engine.dispose()


def _size(data: Upload) -> int:
    return len(data) if isinstance(data, bytes) else sum(len(page) for page in data)


def _unavailable(question: str, err: Exception) -> Answer:
    log.warning("database unavailable, question not answered: %s", err)
    return Answer(question, "unavailable", None, replies.UNAVAILABLE)


def plan_of(sub: Subscription) -> Plan:
    """The schedule part of a subscription row."""
    assert sub.id is not None
    return Plan(
        id=sub.id,
        chat_id=sub.chat_id,
        kind=sub.kind,
        month=sub.deadline_month,
        day=sub.deadline_day,
        leads=store.lead_days_of(sub),
        hour=sub.send_hour,
        minute=sub.send_minute,
        since=sub.created_at,  # SQLModel returns aware UTC
        channel=WECOM if sub.wecom_webhook else TELEGRAM,
    )


def _view(sub: Subscription, now: datetime) -> SubscriptionView:
    """What /deadlines says about a subscription: its next deadline and reminders ahead."""
    plan = plan_of(sub)
    ahead = upcoming(plan, now)
    deadline = ahead[0].deadline if ahead else current_deadline(plan, now)
    return SubscriptionView(
        id=plan.id,
        kind=plan.kind,
        deadline=deadline,
        scope=reminder_texts.scope_label(sub.scope_region, store.scope_agencies(sub)),
        upcoming=[r for r in ahead if r.deadline == deadline],
        paused=sub.paused,
        paused_reason=sub.paused_reason,
    )
