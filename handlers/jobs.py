"""Deadline reminders on Telegram: PTB's JobQueue kept in step with the database, and delivery.

Jobs are not persisted by PTB, so they are rebuilt from the subscriptions at start and every few
minutes (`rearm`), under deterministic names. Whoever sends first commits the reminder's key
before sending (`Services.claim_reminder`); a restart, a crash or a second process then finds the
key and stays silent. On PostgreSQL only the holder of an advisory lock runs jobs.

Pacing is the bot's AIORateLimiter (handlers/app.py: about 30 messages a second overall, 20 a
minute per group, flood-control answers waited out and retried), the same for reminders as for
answers; delivery only handles what a retry cannot fix: a removed or migrated chat.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import JobQueue

from handlers.context import BotApplication, BotContext
from reminders.schedule import (
    DUPLICATE,
    FAILED,
    GRACE,
    JOB_PREFIX,
    PAUSED,
    SENT,
    SKIPPED,
    TELEGRAM,
    Due,
    Plan,
    Reminder,
    upcoming,
)
from reminders.texts import CHAT_UNREACHABLE
from services import Services

log = logging.getLogger(__name__)

SYNC_INTERVAL = timedelta(minutes=5)
SYNC_JOB = "reminders:sync"


class Sender(Protocol):
    """What delivery needs from `telegram.Bot`."""

    async def send_message(self, chat_id: int | str, text: str) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    status: str  # SENT, DUPLICATE, SKIPPED, FAILED or PAUSED
    chat_id: int | None  # where it went (a migrated group's new id)


async def deliver(services: Services, bot: Sender, item: Due, *, now: datetime) -> Outcome:
    """Claim the reminder's key, then send it; never sends twice, even across processes."""
    r = item.reminder
    rendered = await asyncio.to_thread(services.render_reminder, item, now)
    if rendered is None or rendered.chat_id is None:  # gone, paused, or a WeCom robot's
        return Outcome(r, SKIPPED, r.chat_id)
    if not await asyncio.to_thread(services.claim_reminder, item, now):
        log.info("reminder %s already claimed; not sending", r.name)
        return Outcome(r, DUPLICATE, rendered.chat_id)
    status, chat_id, error = await _send(services, bot, rendered.chat_id, rendered.text)
    await asyncio.to_thread(services.finish_reminder, r, now, error)
    if status == SENT:
        late = " (late)" if item.late else ""
        log.info("sent reminder %s to chat %s%s", r.name, chat_id, late)
    return Outcome(r, status, chat_id)


async def _send(
    services: Services, bot: Sender, chat_id: int, text: str
) -> tuple[str, int, str | None]:
    """(status, chat id, error). A migrated group is followed once; a chat the bot cannot
    write to any more has its subscriptions paused."""
    try:
        await bot.send_message(chat_id=chat_id, text=text)
        return SENT, chat_id, None
    except ChatMigrated as err:
        await asyncio.to_thread(services.migrate_chat, chat_id, err.new_chat_id)
        log.info("chat %s migrated to %s; subscriptions follow", chat_id, err.new_chat_id)
        chat_id = err.new_chat_id
        try:
            await bot.send_message(chat_id=chat_id, text=text)
            return SENT, chat_id, None
        except TelegramError as again:
            return FAILED, chat_id, str(again)
    except (Forbidden, BadRequest) as err:
        if isinstance(err, BadRequest) and "chat not found" not in err.message.lower():
            log.error("reminder to chat %s rejected: %s", chat_id, err.message)
            return FAILED, chat_id, err.message
        reason = CHAT_UNREACHABLE.format(error=err.message)
        count = await asyncio.to_thread(services.pause_chat, chat_id, reason)
        log.warning("chat %s unreachable (%s); paused %d subscription(s)", chat_id, err, count)
        return PAUSED, chat_id, err.message
    except TelegramError as err:  # flood control beyond the rate limiter's retries, network
        log.error("reminder to chat %s failed: %s", chat_id, err)
        return FAILED, chat_id, str(err)


def arm(job_queue: JobQueue[BotContext], plans: list[Plan], *, now: datetime) -> list[str]:
    """Schedule every upcoming reminder under its name and drop jobs no plan wants any more."""
    wanted: dict[str, Reminder] = {r.name: r for p in plans for r in upcoming(p, now)}
    for job in job_queue.jobs(f"^{JOB_PREFIX}"):
        if job.name not in wanted:
            job.schedule_removal()
    for r in wanted.values():
        _schedule(job_queue, r)
    return sorted(wanted)


def _schedule(job_queue: JobQueue[BotContext], r: Reminder) -> None:
    job_queue.run_once(
        reminder_job,
        when=r.at,
        data=r,
        name=r.name,
        chat_id=r.chat_id,
        job_kwargs={
            "id": r.name,
            "replace_existing": True,
            "misfire_grace_time": int(GRACE.total_seconds()),
            "coalesce": True,
            "max_instances": 1,
        },
    )


async def arm_plan(application: BotApplication, plan: Plan, *, now: datetime) -> None:
    """A new subscription: schedule its reminders, leaving every other job alone (re-arming
    them all took 0.6 s at 300 subscriptions). Only the leader schedules."""
    services = application.bot_data.services
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    if await asyncio.to_thread(services.lead):
        for r in upcoming(plan, now):
            _schedule(application.job_queue, r)


def drop_jobs(application: BotApplication, chat_id: int, ids: list[int] | None) -> None:
    """Subscriptions of a chat were removed (`ids`, or all of them for None): so are their
    jobs. (A job whose subscription is gone would only be skipped when it fires.)"""
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    prefixes = None if ids is None else tuple(f"{JOB_PREFIX}{i}:" for i in ids)
    for job in application.job_queue.jobs(f"^{JOB_PREFIX}"):
        if job.chat_id == chat_id and (prefixes is None or str(job.name).startswith(prefixes)):
            job.schedule_removal()


async def rearm(application: BotApplication, *, now: datetime) -> int:
    """Rebuild the jobs from the database and send what came due while nobody was running.

    Returns how many late reminders were sent. Safe to call repeatedly and from several
    processes: only the leader arms jobs, and sending is claimed in the database.
    """
    try:
        return await _rearm(application, now=now)
    except Exception as err:
        if not application.bot_data.services.is_outage(err):
            raise
        # The jobs stay as they are; the next sync (or subscription) arms them again.
        log.warning("database unavailable; reminders are re-armed later: %s", err)
        return 0


async def _rearm(application: BotApplication, *, now: datetime) -> int:
    services = application.bot_data.services
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    if not await asyncio.to_thread(services.lead):
        log.info("another process runs the reminders; this one stands by")
        arm(job_queue, [], now=now)  # a former leader drops its jobs
        return 0
    arm(job_queue, await asyncio.to_thread(services.plans, TELEGRAM), now=now)
    sent = 0
    for item in await asyncio.to_thread(services.due_reminders, now, TELEGRAM):
        outcome = await deliver(services, application.bot, item, now=now)
        sent += outcome.status == SENT
    logged = application.bot_data.missed_logged
    for missed in await asyncio.to_thread(services.missed_reminders, now, TELEGRAM):
        if missed.name not in logged:
            log.info("reminder %s was missed and is too late to send", missed.name)
            logged.add(missed.name)
    return sent


async def reminder_job(context: BotContext) -> None:
    """A reminder's time has come (APScheduler fires within the misfire grace)."""
    assert context.job is not None
    r: Reminder = context.job.data  # type: ignore[assignment]
    services = context.bot_data.services
    await deliver(services, context.bot, Due(r, late=False), now=services.now())


async def sync_job(context: BotContext) -> None:
    """Pick up subscriptions changed elsewhere and take over if the leader went away."""
    await rearm(context.application, now=context.bot_data.services.now())


def start_sync(job_queue: JobQueue[BotContext]) -> None:
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
