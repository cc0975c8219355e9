"""When each reminder is sent: pure functions of (subscription, now), aware times only.

A subscription has one deadline a year. Its reminders are the lead days before the deadline at
the send time (moved back to the previous working day) plus a summary on the day after the
deadline (lead −1). A job's name is a pure function of the reminder, so rebuilding the jobs at
start gives the same names and the database key of a sent reminder matches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminders.calendar import working_day_on_or_before

DEPARTMENT = "department"
GOVERNMENT = "government"
CUSTOM = "custom"
KIND_DATES = {DEPARTMENT: (1, 31), GOVERNMENT: (3, 31)}  # 条例第四十九条
# 部门年报 concern the departments of a region, 政府年报 its governments (an agency's level).
KIND_LEVELS = {DEPARTMENT: "department", GOVERNMENT: "government"}
DEFAULT_LEADS = (30, 14, 7, 3, 1)
SUMMARY = -1  # lead_days of the summary sent the day after the deadline
MAX_LEAD = 366
# Within this much of its time a reminder still counts as on time (APScheduler's
# misfire_grace_time uses the same figure); later sends are marked （补发）.
GRACE = timedelta(hours=1)
JOB_PREFIX = "reminder:"
TELEGRAM = "telegram"  # a subscription's channel: a Telegram chat, or
WECOM = "wecom"  # a WeCom group robot
# What became of a due reminder (every channel's delivery says one of these).
SENT = "sent"
DUPLICATE = "duplicate"  # another process or an earlier run holds the key
SKIPPED = "skipped"  # the subscription was deleted or paused meanwhile
FAILED = "failed"
PAUSED = "paused"  # the chat or robot cannot be reached any more: subscription paused


@dataclass(frozen=True)
class Plan:
    """The scheduling part of a subscription, free of the database."""

    id: int
    chat_id: int | None  # None for a WeCom robot
    kind: str
    month: int
    day: int
    leads: tuple[int, ...] = DEFAULT_LEADS
    hour: int = 9
    minute: int = 0
    since: datetime | None = None  # created at: reminders before it are never owed
    channel: str = TELEGRAM


@dataclass(frozen=True)
class Reminder:
    subscription_id: int
    chat_id: int | None
    deadline: date
    lead_days: int  # SUMMARY for the day-after summary
    at: datetime  # aware

    @property
    def name(self) -> str:
        return job_name(self.subscription_id, self.deadline, self.lead_days)

    @property
    def is_summary(self) -> bool:
        return self.lead_days == SUMMARY


@dataclass(frozen=True)
class Due:
    reminder: Reminder
    late: bool


def job_name(subscription_id: int, deadline: date, lead_days: int) -> str:
    return f"{JOB_PREFIX}{subscription_id}:{deadline.isoformat()}:{lead_days}"


def parse_leads(text: str) -> tuple[int, ...]:
    """'30,14,7' → (30, 14, 7), largest first, duplicates dropped; ValueError when invalid."""
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
    leads = sorted({int(p) for p in parts}, reverse=True)
    if not leads or any(lead < 0 or lead > MAX_LEAD for lead in leads):
        raise ValueError(text)
    return tuple(leads)


def deadline_in(plan: Plan, year: int) -> date:
    """The deadline in `year`; 2月29日 becomes 2月28日 in common years."""
    try:
        return date(year, plan.month, plan.day)
    except ValueError:
        return date(year, plan.month, plan.day - 1)


def current_deadline(plan: Plan, now: datetime) -> date:
    """The earliest deadline whose summary day (the day after) has not ended yet."""
    today = now.date()
    for year in (today.year - 1, today.year, today.year + 1):
        deadline = deadline_in(plan, year)
        if deadline + timedelta(days=1) >= today:
            return deadline
    raise AssertionError("unreachable: next year's deadline is always ahead")


def reminders_for(plan: Plan, deadline: date, tz: ZoneInfo) -> list[Reminder]:
    """All reminders of one deadline in time order; leads moved to the same day count once."""
    send_time = time(plan.hour, plan.minute)
    by_day: dict[date, int] = {}
    for lead in sorted(plan.leads, reverse=True):
        day = working_day_on_or_before(deadline - timedelta(days=lead))
        by_day[day] = lead  # smaller leads come later and win: they say the most days left
    items = [(day, lead) for day, lead in by_day.items()]
    items.append((deadline + timedelta(days=1), SUMMARY))
    return [
        Reminder(plan.id, plan.chat_id, deadline, lead, datetime.combine(day, send_time, tz))
        for day, lead in sorted(items)
    ]


def upcoming(plan: Plan, now: datetime) -> list[Reminder]:
    """Reminders still ahead of `now` for this deadline and the next one (the jobs to arm)."""
    tz = _tz(now)
    first = current_deadline(plan, now)
    second = deadline_in(plan, first.year + 1)
    items = reminders_for(plan, first, tz) + reminders_for(plan, second, tz)
    return [r for r in items if r.at > now]


def latest_past(plan: Plan, now: datetime) -> Reminder | None:
    """The last reminder of the current deadline whose time has come since the subscription."""
    items = reminders_for(plan, current_deadline(plan, now), _tz(now))
    past = [r for r in items if r.at <= now and (plan.since is None or r.at >= plan.since)]
    return past[-1] if past else None


def due(plan: Plan, now: datetime) -> Due | None:
    """The reminder to send at `now` if it has not been sent: the latest one whose time has come.

    A lead reminder is still worth sending while the deadline has not passed; the summary only on
    its own day. Older missed reminders are not sent: one late message says it all.
    """
    latest = latest_past(plan, now)
    if latest is None:
        return None
    today = now.date()
    if latest.is_summary and latest.at.date() != today:
        return None
    if not latest.is_summary and today > latest.deadline:
        return None
    return Due(latest, late=now - latest.at > GRACE)


def _tz(now: datetime) -> ZoneInfo:
    if not isinstance(now.tzinfo, ZoneInfo):
        raise ValueError("now must be an aware datetime with a ZoneInfo time zone")
    return now.tzinfo
