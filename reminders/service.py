"""Sending reminders exactly once, and keeping PTB's JobQueue in step with the database.

Jobs are not persisted by PTB, so they are rebuilt from the subscriptions at start and every few
minutes (`rearm`), under deterministic names. Whoever sends first commits the SentReminder key
before sending (`store.subscriptions.claim_reminder`); a restart, a crash or a second process then
finds the key and stays silent. On PostgreSQL only the holder of an advisory lock runs jobs.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, JobQueue
from telegram.warnings import PTBDeprecationWarning

from reminders.message import reminder_text, summary_text
from reminders.parse import SubscribeRequest
from reminders.replies import SubscriptionView, scope_label
from reminders.schedule import (
    GRACE,
    JOB_PREFIX,
    Due,
    Plan,
    Reminder,
    current_deadline,
    due,
    latest_past,
    upcoming,
)
from store import subscriptions as store
from store.models import Subscription

log = logging.getLogger(__name__)

PER_CHAT_GAP = 3.0  # seconds: Telegram allows about 20 messages a minute in one group
GLOBAL_GAP = 0.04  # seconds: at most 25 messages a second across all chats
SYNC_INTERVAL = timedelta(minutes=5)
SYNC_JOB = "reminders:sync"
PACER_KEY = "reminders.pacer"
LEADER_KEY = "reminders.leader"
MISSED_KEY = "reminders.missed"  # names of missed reminders already logged

SENT = "sent"
DUPLICATE = "duplicate"  # another process or an earlier run holds the key
SKIPPED = "skipped"  # the subscription was deleted or paused meanwhile
FAILED = "failed"
PAUSED = "paused"  # the bot was removed from the chat


class Sender(Protocol):
    """What sending needs from `telegram.Bot`."""

    async def send_message(self, chat_id: int | str, text: str) -> Any: ...


class Pacer:
    """Spaces messages per chat and overall; the clock and the sleep are injectable for tests."""

    def __init__(
        self,
        *,
        per_chat: float = PER_CHAT_GAP,
        overall: float = GLOBAL_GAP,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_chat = per_chat
        self.overall = overall
        self.clock = clock
        self.sleep = sleep
        self._next_chat: dict[int, float] = {}
        self._next_any = 0.0

    async def wait(self, chat_id: int) -> None:
        """Reserve the next free slot for this chat (no await before reserving), then wait."""
        now = self.clock()
        start = max(now, self._next_any, self._next_chat.get(chat_id, 0.0))
        self._next_any = start + self.overall
        self._next_chat[chat_id] = start + self.per_chat
        if start > now:
            await self.sleep(start - now)


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    status: str  # SENT, DUPLICATE, SKIPPED, FAILED or PAUSED
    chat_id: int  # where it went (a migrated group's new id)


def render(engine: Engine, due_item: Due, *, now: datetime) -> tuple[int, str] | None:
    """(chat id, text) of a due reminder, from the store; None if the subscription is gone.

    Days left count from the reminder's own day, or from `now` when it is sent late.
    """
    r = due_item.reminder
    today = now.date() if due_item.late else r.at.date()
    with Session(engine) as session:
        sub = store.get_subscription(session=session, subscription_id=r.subscription_id)
        if sub is None or sub.paused:
            return None
        status = store.scope_status(session=session, sub=sub, year=r.deadline.year - 1)
        if r.is_summary:
            text = summary_text(
                kind=sub.kind, deadline=r.deadline, status=status, late=due_item.late
            )
        else:
            text = reminder_text(
                kind=sub.kind,
                deadline=r.deadline,
                today=today,
                status=status,
                late=due_item.late,
            )
        return sub.chat_id, text


async def deliver(
    engine: Engine, bot: Sender, due_item: Due, *, now: datetime, pacer: Pacer
) -> Outcome:
    """Claim the reminder's key, then send it; never sends twice, even across processes."""
    r = due_item.reminder
    rendered = render(engine, due_item, now=now)
    if rendered is None:
        return Outcome(r, SKIPPED, r.chat_id)
    chat_id, text = rendered
    with Session(engine) as session:
        if not store.claim_reminder(session=session, reminder=r, late=due_item.late, now=now):
            log.info("reminder %s already claimed; not sending", r.name)
            return Outcome(r, DUPLICATE, chat_id)
    status, chat_id, error = await _send(engine, bot, chat_id, text, pacer=pacer)
    with Session(engine) as session:
        store.finish_reminder(session=session, reminder=r, now=now, error=error)
    if status == SENT:
        log.info(
            "sent reminder %s to chat %s%s", r.name, chat_id, " (late)" if due_item.late else ""
        )
    return Outcome(r, status, chat_id)


async def _send(
    engine: Engine, bot: Sender, chat_id: int, text: str, *, pacer: Pacer
) -> tuple[str, int, str | None]:
    """(status, chat id, error): retries once after RetryAfter or a chat migration."""
    retried = False
    while True:
        await pacer.wait(chat_id)
        try:
            await bot.send_message(chat_id=chat_id, text=text)
            return SENT, chat_id, None
        except RetryAfter as err:
            if retried:
                log.warning("flood control again for chat %s; giving up", chat_id)
                return FAILED, chat_id, str(err)
            await pacer.sleep(_retry_seconds(err))
        except ChatMigrated as err:
            if retried:
                return FAILED, chat_id, str(err)
            with Session(engine) as session:
                store.migrate_chat(
                    session=session, old_chat_id=chat_id, new_chat_id=err.new_chat_id
                )
            log.info("chat %s migrated to %s; subscriptions follow", chat_id, err.new_chat_id)
            chat_id = err.new_chat_id
        except (Forbidden, BadRequest) as err:
            if isinstance(err, BadRequest) and "chat not found" not in err.message.lower():
                log.error("reminder to chat %s rejected: %s", chat_id, err.message)
                return FAILED, chat_id, err.message
            reason = f"机器人无法在此群发言：{err.message}"
            with Session(engine) as session:
                count = store.pause_chat(session=session, chat_id=chat_id, reason=reason)
            log.warning("chat %s unreachable (%s); paused %d subscription(s)", chat_id, err, count)
            return PAUSED, chat_id, err.message
        except TelegramError as err:
            log.error("reminder to chat %s failed: %s", chat_id, err)
            return FAILED, chat_id, str(err)
        retried = True


def _retry_seconds(err: RetryAfter) -> float:
    """`retry_after` is an int or a timedelta by PTB_TIMEDELTA (deprecated in PTB v22.2)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def view_of(sub: Subscription, now: datetime) -> SubscriptionView:
    """What /deadlines says about a subscription: its next deadline and reminders still ahead."""
    plan = store.to_plan(sub)
    ahead = upcoming(plan, now)
    deadline = ahead[0].deadline if ahead else current_deadline(plan, now)
    return SubscriptionView(
        id=plan.id,
        kind=plan.kind,
        deadline=deadline,
        scope=scope_label(sub.scope_region, store.scope_agencies(sub)),
        upcoming=[r for r in ahead if r.deadline == deadline],
        paused=sub.paused,
        paused_reason=sub.paused_reason,
    )


def subscribe(
    engine: Engine, request: SubscribeRequest, *, chat_id: int, user_id: int | None, now: datetime
) -> SubscriptionView:
    with Session(engine) as session:
        sub = store.add_subscription(
            session=session,
            chat_id=chat_id,
            kind=request.kind,
            month=request.month,
            day=request.day,
            scope_region=request.region,
            scope_agencies=request.agencies,
            leads=request.leads,
            created_by=user_id,
            now=now,
        )
        return view_of(sub, now)


def chat_views(engine: Engine, chat_id: int, *, now: datetime) -> list[SubscriptionView]:
    with Session(engine) as session:
        return [
            view_of(sub, now) for sub in store.chat_subscriptions(session=session, chat_id=chat_id)
        ]


def unsubscribe(engine: Engine, chat_id: int, ids: list[int] | None) -> int:
    """Delete the chat's subscriptions with these ids, or all of them for None."""
    with Session(engine) as session:
        return store.delete_subscriptions(session=session, chat_id=chat_id, ids=ids)


def region_choices(engine: Engine, *, limit: int) -> list[tuple[int, str]]:
    with Session(engine) as session:
        return store.known_regions(session=session, limit=limit)


def region_of(engine: Engine, region_id: int) -> str | None:
    with Session(engine) as session:
        return store.region_name(session=session, region_id=region_id)


def migrate(engine: Engine, old_chat_id: int, new_chat_id: int) -> int:
    with Session(engine) as session:
        count = store.migrate_chat(
            session=session, old_chat_id=old_chat_id, new_chat_id=new_chat_id
        )
    if count:
        log.info("chat %s became %s: %d subscription(s) moved", old_chat_id, new_chat_id, count)
    return count


def arm(job_queue: JobQueue[Any], plans: list[Plan], *, now: datetime) -> list[str]:
    """Schedule every upcoming reminder under its name and drop jobs no plan wants any more."""
    wanted: dict[str, Reminder] = {r.name: r for p in plans for r in upcoming(p, now)}
    for job in job_queue.jobs(f"^{JOB_PREFIX}"):
        if job.name not in wanted:
            job.schedule_removal()
    for name, r in wanted.items():
        job_queue.run_once(
            reminder_job,
            when=r.at,
            data=r,
            name=name,
            chat_id=r.chat_id,
            job_kwargs={
                "id": name,
                "replace_existing": True,
                "misfire_grace_time": int(GRACE.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
            },
        )
    return sorted(wanted)


async def rearm(application: Application[Any, Any, Any, Any, Any, Any], *, now: datetime) -> int:
    """Rebuild the jobs from the database and send what came due while nobody was running.

    Returns how many late reminders were sent. Safe to call repeatedly and from several
    processes: only the leader arms jobs, and sending is claimed in the database.
    """
    engine: Engine = application.bot_data["engine"]
    leader: store.LeaderLock = application.bot_data.setdefault(
        LEADER_KEY, store.LeaderLock(engine)
    )
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    if not leader.acquire():
        log.info("another process runs the reminders; this one stands by")
        arm(job_queue, [], now=now)  # a former leader drops its jobs
        return 0
    with Session(engine) as session:
        plans = [store.to_plan(sub) for sub in store.active_subscriptions(session=session)]
    arm(job_queue, plans, now=now)
    logged: set[str] = application.bot_data.setdefault(MISSED_KEY, set())
    sent = 0
    for plan in plans:
        due_item = due(plan, now)
        if due_item is not None and not _claimed(engine, due_item.reminder):
            outcome = await deliver(
                engine, application.bot, due_item, now=now, pacer=pacer_of(application)
            )
            sent += outcome.status == SENT
        elif due_item is None:
            missed = latest_past(plan, now)
            if missed and missed.name not in logged and not _claimed(engine, missed):
                log.info("reminder %s was missed and is too late to send", missed.name)
                logged.add(missed.name)
    return sent


def _claimed(engine: Engine, reminder: Reminder) -> bool:
    with Session(engine) as session:
        return store.is_claimed(
            session=session,
            subscription_id=reminder.subscription_id,
            deadline=reminder.deadline,
            lead_days=reminder.lead_days,
        )


def pacer_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Pacer:
    pacer: Pacer = application.bot_data.setdefault(PACER_KEY, Pacer())
    return pacer


def tz_of(application: Application[Any, Any, Any, Any, Any, Any]) -> ZoneInfo:
    return ZoneInfo(application.bot_data["settings"].tz)


async def reminder_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """A reminder's time has come (APScheduler fires within the misfire grace)."""
    assert context.job is not None
    r: Reminder = context.job.data  # type: ignore[assignment]
    application = context.application
    await deliver(
        application.bot_data["engine"],
        context.bot,
        Due(r, late=False),
        now=datetime.now(tz_of(application)),
        pacer=pacer_of(application),
    )


async def sync_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Pick up subscriptions changed elsewhere and take over if the leader went away."""
    await rearm(context.application, now=datetime.now(tz_of(context.application)))


def start_sync(job_queue: JobQueue[Any]) -> None:
    job_queue.run_repeating(
        sync_job,
        interval=SYNC_INTERVAL,
        first=SYNC_INTERVAL,
        name=SYNC_JOB,
        job_kwargs={
            "id": SYNC_JOB,
            "replace_existing": True,
            "coalesce": True,
            "max_instances": 1,
        },
    )
