"""Every database access of reminders: subscriptions, sent reminders, the reports of a scope.

Rows and plain values in and out: when reminders are due and what they say is decided in
reminders/ and services.py. Exactly-once sending rests on `claim_reminder`: the SentReminder row
with its unique key is committed before the message goes out, so whichever process (or restart)
inserts it first is the only one that sends.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import Connection, Engine, delete, func, literal, or_, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from store.db import WRITE
from store.models import (
    Agency,
    AgencyAlias,
    CheckResult,
    Region,
    Report,
    SentReminder,
    Subscription,
)

log = logging.getLogger(__name__)

# pg advisory lock key of the reminder scheduler's leader ("nbremind"); store.db's upgrade lock
# uses another key, so a leader never blocks a starting process's migrations.
LEADER_LOCK_KEY = 0x6E6272656D696E64
SUBSCRIBE_LOCK_KEY = LEADER_LOCK_KEY + 1  # held by the transaction that adds a subscription
Added = Literal["added", "exists", "full"]
# What makes two subscriptions of one target the same.
_SAME = ("kind", "deadline_month", "deadline_day", "scope_region", "scope_agencies",
         "lead_days", "send_hour", "send_minute")  # fmt: skip


@dataclass(frozen=True)
class ScopeReports:
    """Who in a scope has a current report of the year, who has not, and the failed checks
    of the reports there are (agency, rule, message), one per agency and rule."""

    loaded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failing: list[tuple[str, str, str]] = field(default_factory=list)


def lead_days_of(sub: Subscription) -> tuple[int, ...]:
    """The stored lead days, "30,14,7" → (30, 14, 7)."""
    return tuple(int(part) for part in sub.lead_days.split(",") if part)


def scope_agencies(sub: Subscription) -> list[str]:
    return [name for name in sub.scope_agencies.split("\n") if name]


def add_subscription(
    *,
    session: Session,
    chat_id: int | None,
    kind: str,
    month: int,
    day: int,
    scope_region: str | None,
    scope_agencies: Sequence[str],
    leads: Sequence[int],
    created_by: int | None,
    now: datetime,
    limit: int,
    wecom_webhook: str | None = None,
) -> tuple[Subscription | None, Added]:
    """Store a subscription unless the target has the same one already ("exists", that one
    returned; a paused one is resumed, "added") or `limit` of them ("full", None). Decided in
    one transaction that waits for every other change of subscriptions, so two identical
    requests at once (a double tap, a retried update) store one."""
    session.commit()  # end any read transaction, so that the next one can begin as a writer
    conn = session.connection(execution_options=WRITE)  # SQLite: the write lock at BEGIN
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SUBSCRIBE_LOCK_KEY})
    sub = Subscription(
        chat_id=chat_id,
        wecom_webhook=wecom_webhook,
        kind=kind,
        deadline_month=month,
        deadline_day=day,
        scope_region=scope_region,
        scope_agencies="\n".join(scope_agencies),
        lead_days=",".join(str(lead) for lead in leads),
        created_by=created_by,
        created_at=now,
    )
    target = (
        col(Subscription.chat_id) == chat_id
        if wecom_webhook is None
        else col(Subscription.wecom_webhook) == wecom_webhook
    )
    same = select(Subscription).where(
        target, *(col(getattr(Subscription, name)) == getattr(sub, name) for name in _SAME)
    )  # `== None` is IS NULL
    found = session.exec(same.order_by(col(Subscription.id))).first()
    if found is not None:
        status: Added = "added" if found.paused else "exists"
        found.paused, found.paused_reason = False, None
        session.add(found)
        session.commit()
        session.refresh(found)
        return found, status
    count = session.exec(select(func.count()).select_from(Subscription).where(target)).one()
    if count >= limit:
        session.rollback()
        return None, "full"
    session.add(sub)
    session.commit()
    session.refresh(sub)
    return sub, "added"


def chat_subscriptions(*, session: Session, chat_id: int) -> list[Subscription]:
    """A chat's subscriptions, paused ones included, oldest first."""
    query = (
        select(Subscription).where(Subscription.chat_id == chat_id).order_by(col(Subscription.id))
    )
    return list(session.exec(query))


def active_subscriptions(*, session: Session) -> list[Subscription]:
    query = select(Subscription).where(col(Subscription.paused).is_(False))
    return list(session.exec(query.order_by(col(Subscription.id))))


def get_subscription(*, session: Session, subscription_id: int) -> Subscription | None:
    return session.get(Subscription, subscription_id)


def all_subscriptions(*, session: Session) -> list[Subscription]:
    """Every subscription of every chat and robot, paused ones included, oldest first."""
    return list(session.exec(select(Subscription).order_by(col(Subscription.id))))


def delete_subscription_ids(*, session: Session, ids: Sequence[int]) -> int:
    """Delete these subscriptions, whatever their target (the command line's unsubscribe)."""
    query = select(col(Subscription.id)).where(col(Subscription.id).in_(ids))
    return _delete(session, list(session.exec(query)))


def pause_subscription(*, session: Session, subscription_id: int, reason: str) -> bool:
    """Pause one subscription (its robot is gone), saying why."""
    result = session.exec(
        update(Subscription)
        .where(col(Subscription.id) == subscription_id, col(Subscription.paused).is_(False))
        .values(paused=True, paused_reason=reason)
    )
    session.commit()
    return bool(result.rowcount)


def delete_subscriptions(*, session: Session, chat_id: int, ids: Sequence[int] | None) -> int:
    """Delete the chat's subscriptions with these ids (all of them when `ids` is None)."""
    query = select(col(Subscription.id)).where(Subscription.chat_id == chat_id)
    if ids is not None:
        query = query.where(col(Subscription.id).in_(ids))
    return _delete(session, list(session.exec(query)))


def _delete(session: Session, found: list[int | None]) -> int:
    """Delete the subscriptions with these ids and their sent keys; how many."""
    if found:
        session.exec(delete(SentReminder).where(col(SentReminder.subscription_id).in_(found)))
        session.exec(delete(Subscription).where(col(Subscription.id).in_(found)))
        session.commit()
    return len(found)


def pause_chat(*, session: Session, chat_id: int, reason: str) -> int:
    """Pause every subscription of a chat the bot can no longer write to."""
    result = session.exec(
        update(Subscription)
        .where(col(Subscription.chat_id) == chat_id, col(Subscription.paused).is_(False))
        .values(paused=True, paused_reason=reason)
    )
    session.commit()
    return int(result.rowcount)


def migrate_chat(*, session: Session, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: its subscriptions and their sent keys follow the new id."""
    result = session.exec(
        update(Subscription)
        .where(col(Subscription.chat_id) == old_chat_id)
        .values(chat_id=new_chat_id)
    )
    session.exec(
        update(SentReminder)
        .where(col(SentReminder.chat_id) == old_chat_id)
        .values(chat_id=new_chat_id)
    )
    session.commit()
    return int(result.rowcount)


def claim_reminder(
    *,
    session: Session,
    subscription_id: int,
    deadline: date,
    lead_days: int,
    late: bool,
    now: datetime,
) -> bool:
    """Insert and commit the sent-reminder key; False when someone already holds it.

    The chat id is read from the subscription in the same transaction, so a migrated chat keeps
    the key it had. A paused or deleted subscription cannot be claimed.
    """
    session.commit()  # end any read transaction, so that the next one can begin as a writer
    session.connection(execution_options=WRITE)  # SQLite: take the write lock at BEGIN
    sub = session.get(Subscription, subscription_id)
    if sub is None or sub.paused:
        return False
    session.add(
        SentReminder(
            chat_id=sub.chat_id,
            subscription_id=subscription_id,
            deadline=deadline,
            lead_days=lead_days,
            claimed_at=now,
            late=late,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def finish_reminder(
    *,
    session: Session,
    subscription_id: int,
    deadline: date,
    lead_days: int,
    now: datetime,
    error: str | None = None,
) -> None:
    """Record the outcome of a claimed reminder: sent, or the error that stopped it."""
    session.exec(
        update(SentReminder)
        .where(
            col(SentReminder.subscription_id) == subscription_id,
            col(SentReminder.deadline) == deadline,
            col(SentReminder.lead_days) == lead_days,
        )
        .values(sent_at=None if error else now, error=error)
    )
    session.commit()


def sent_reminders(*, session: Session, subscription_id: int) -> list[SentReminder]:
    query = select(SentReminder).where(SentReminder.subscription_id == subscription_id)
    return list(session.exec(query.order_by(col(SentReminder.id))))


def is_claimed(*, session: Session, subscription_id: int, deadline: date, lead_days: int) -> bool:
    query = select(col(SentReminder.id)).where(
        SentReminder.subscription_id == subscription_id,
        SentReminder.deadline == deadline,
        SentReminder.lead_days == lead_days,
    )
    return session.exec(query).first() is not None


def known_regions(*, session: Session, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the regions with the most agencies, for the /subscribe buttons."""
    query = (
        select(col(Region.id), col(Region.name), func.count(col(Agency.id)).label("n"))
        .join(Agency, col(Agency.region_id) == col(Region.id))
        .group_by(col(Region.id), col(Region.name))
        .order_by(text("n DESC"), col(Region.name))
        .limit(limit)
    )
    return [(region_id, name) for region_id, name, _ in session.exec(query) if region_id]


def region_name(*, session: Session, region_id: int) -> str | None:
    region = session.get(Region, region_id)
    return region.name if region else None


def scope_reports(
    *, session: Session, sub: Subscription, year: int, level: str | None
) -> ScopeReports:
    """Loaded, missing and failing agencies of the subscription's scope for report `year`;
    a region scope counts the agencies of `level` (and those of unknown level), or all."""
    if sub.scope_region:
        return _region_reports(session, sub.scope_region, level, year)
    return _list_reports(session, scope_agencies(sub), year)


def _region_reports(session: Session, scope: str, level: str | None, year: int) -> ScopeReports:
    agencies = _region_agencies(session, scope, level)
    with_report = _current_reports(session, [a.id for a in agencies if a.id is not None], year)
    loaded = sorted(a.name for a in agencies if a.id in with_report)
    missing = sorted(a.name for a in agencies if a.id not in with_report)
    names = {a.id: a.name for a in agencies}
    failing = _failing(session, {rid: names[aid] for aid, rid in with_report.items()})
    return ScopeReports(loaded=loaded, missing=missing, failing=failing)


def _list_reports(session: Session, wanted: list[str], year: int) -> ScopeReports:
    matched = {name: _match_agency(session, name) for name in wanted}
    ids = [aid for aid in matched.values() if aid is not None]
    with_report = _current_reports(session, ids, year)
    loaded = [n for n in wanted if matched[n] in with_report]
    missing = [n for n in wanted if matched[n] not in with_report]
    report_names = {with_report[aid]: n for n, aid in matched.items() if aid in with_report}
    return ScopeReports(loaded=loaded, missing=missing, failing=_failing(session, report_names))


def _region_agencies(session: Session, scope: str, level: str | None) -> list[Agency]:
    """Agencies of every region named `scope` (by full name, part or tail) and below it."""
    match = select(col(Region.name)).where(
        or_(
            col(Region.name) == scope,
            col(Region.province) == scope,
            col(Region.city) == scope,
            col(Region.county) == scope,
            col(Region.name).endswith(scope),
        )
    )
    roots = list(session.exec(match))
    if not roots:
        return []
    query = (
        select(Agency)
        .join(Region, col(Agency.region_id) == col(Region.id))
        .where(or_(*(col(Region.name).startswith(root) for root in roots)))
    )
    if level is not None:  # agencies of unknown level count
        query = query.where(or_(col(Agency.level).is_(None), col(Agency.level) == level))
    return list(session.exec(query.order_by(col(Agency.name))))


def _match_agency(session: Session, wanted: str) -> int | None:
    """The agency a typed name means: its name or an alias, possibly after a region prefix.

    "淮安市洪泽区人民政府" matches an agency named 洪泽区人民政府 in 江苏省淮安市洪泽区, since
    the extra 淮安市 is part of its region's name. The longest matching name wins.
    """
    by_name = select(col(Agency.id), col(Agency.name), col(Region.name)).outerjoin(
        Region, col(Agency.region_id) == col(Region.id)
    )
    candidates = list(session.exec(by_name.where(literal(wanted).endswith(col(Agency.name)))))
    by_alias = (
        select(col(Agency.id), col(AgencyAlias.alias), col(Region.name))
        .join(AgencyAlias, col(AgencyAlias.agency_id) == col(Agency.id))
        .outerjoin(Region, col(Agency.region_id) == col(Region.id))
        .where(literal(wanted).endswith(col(AgencyAlias.alias)))
    )
    candidates += list(session.exec(by_alias))
    best: tuple[int | None, int] | None = None
    for agency_id, name, region in candidates:
        prefix = wanted[: len(wanted) - len(name)]
        if not name or (prefix and prefix not in (region or "")):
            continue
        if best is None or len(name) > best[1]:
            best = (agency_id, len(name))
    return best[0] if best else None


def _current_reports(session: Session, agency_ids: list[int], year: int) -> dict[int, int]:
    """agency id → id of its current report of `year`."""
    if not agency_ids:
        return {}
    query = select(col(Report.agency_id), col(Report.id)).where(
        col(Report.agency_id).in_(agency_ids),
        Report.year == year,
        col(Report.superseded).is_(False),
    )
    return {agency_id: report_id for agency_id, report_id in session.exec(query) if report_id}


def _failing(session: Session, report_names: dict[int, str]) -> list[tuple[str, str, str]]:
    """One line per (agency, rule) of the failed checks of these reports."""
    if not report_names:
        return []
    query = (
        select(col(CheckResult.report_id), col(CheckResult.rule), col(CheckResult.message))
        .where(col(CheckResult.report_id).in_(report_names), col(CheckResult.ok).is_(False))
        .order_by(col(CheckResult.id))
    )
    seen: dict[tuple[str, str], tuple[str, str, str]] = {}
    for report_id, rule, message in session.exec(query):
        name = report_names[report_id]
        seen.setdefault((name, rule), (name, rule, message))
    return sorted(seen.values(), key=lambda f: (f[0], f[1]))


class LeaderLock:
    """Only the holder runs the reminder scheduler (APScheduler runs every job in every process).

    On PostgreSQL the holder keeps `pg_try_advisory_lock` on a dedicated connection; `release`
    or the process dying (the server drops its session) frees it for another process. SQLite
    deployments are single-process and always lead.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        """True while this process leads; retries after a lost connection."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()  # never sit idle in a transaction
                return True
            except SQLAlchemyError as err:
                log.warning("leader connection lost (%s); trying to lead again", err)
                self.release()
        conn = self._engine.connect()
        query = text("SELECT pg_try_advisory_lock(:key)")
        got = bool(conn.execute(query, {"key": LEADER_LOCK_KEY}).scalar_one())
        conn.commit()
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        """Unlock and give the connection back (a pooled close alone would keep the lock)."""
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK_KEY})
            self._conn.commit()
            self._conn.close()
        except SQLAlchemyError:
            # A dead connection (the server dropped the lock with it); a broken one raises
            # PendingRollbackError, which kept this process from leading ever again.
            self._conn.invalidate()
        self._conn = None
