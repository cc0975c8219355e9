"""Reminder times are pure functions of (subscription, now) in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reminders.schedule import (
    Due,
    Plan,
    current_deadline,
    deadline_in,
    due,
    job_name,
    parse_leads,
    reminders_for,
    upcoming,
)
from tests.fixtures_reminders import SHANGHAI, shanghai

DEPT = Plan(id=7, chat_id=-1001, kind="department", month=1, day=31)


def test_2025_department_reminders_move_off_holidays_and_merge_on_the_same_day() -> None:
    got = [(r.name, r.at) for r in reminders_for(DEPT, date(2025, 1, 31), SHANGHAI)]
    assert got == [
        ("reminder:7:2025-01-31:30", shanghai(2024, 12, 31, 9)),  # 1月1日 元旦 → 12月31日
        ("reminder:7:2025-01-31:14", shanghai(2025, 1, 17, 9)),
        ("reminder:7:2025-01-31:7", shanghai(2025, 1, 24, 9)),
        # 3 and 1 days before (1月28日, 1月30日) are in the Spring Festival break: both move to
        # Monday 1月27日 and only the smaller lead stays.
        ("reminder:7:2025-01-31:1", shanghai(2025, 1, 27, 9)),
        ("reminder:7:2025-01-31:-1", shanghai(2025, 2, 1, 9)),  # summary the day after
    ]


def test_times_are_aware_beijing_times() -> None:
    at = reminders_for(DEPT, date(2025, 1, 31), SHANGHAI)[0].at
    assert at.utcoffset() is not None and at.utcoffset().total_seconds() == 8 * 3600
    assert at.isoformat() == "2024-12-31T09:00:00+08:00"


def test_custom_deadline_with_own_leads_and_time() -> None:
    plan = Plan(
        id=3, chat_id=5, kind="custom", month=1, day=26, leads=(30, 14, 7), hour=8, minute=30
    )
    got = [(r.lead_days, r.at) for r in reminders_for(plan, date(2026, 1, 26), SHANGHAI)]
    assert got == [
        (30, shanghai(2025, 12, 26, 8, 30)),
        (14, shanghai(2026, 1, 12, 8, 30)),
        (7, shanghai(2026, 1, 19, 8, 30)),
        (-1, shanghai(2026, 1, 27, 8, 30)),
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (shanghai(2025, 1, 1, 0), date(2025, 1, 31)),
        (shanghai(2025, 2, 1, 23, 59), date(2025, 1, 31)),  # the summary day still belongs to it
        (shanghai(2025, 2, 2, 0), date(2026, 1, 31)),
        (shanghai(2024, 12, 31, 12), date(2025, 1, 31)),
    ],
    ids=["january", "summary-day", "after-summary-day", "new-years-eve"],
)
def test_current_deadline(now: datetime, expected: date) -> None:
    assert current_deadline(DEPT, now) == expected


def test_upcoming_covers_this_and_next_deadline_after_now() -> None:
    names = [r.name for r in upcoming(DEPT, shanghai(2025, 1, 24, 9))]
    assert names == [
        "reminder:7:2025-01-31:1",
        "reminder:7:2025-01-31:-1",
        "reminder:7:2026-01-31:30",
        "reminder:7:2026-01-31:14",
        "reminder:7:2026-01-31:7",
        "reminder:7:2026-01-31:3",
        "reminder:7:2026-01-31:1",
        "reminder:7:2026-01-31:-1",
    ]


def test_due_on_time_within_the_grace_hour() -> None:
    got = due(DEPT, shanghai(2025, 1, 24, 9, 30))
    assert got == Due(reminders_for(DEPT, date(2025, 1, 31), SHANGHAI)[2], late=False)


def test_due_after_downtime_is_the_latest_missed_reminder_marked_late() -> None:
    got = due(DEPT, shanghai(2025, 1, 20, 10))
    assert got is not None
    assert (got.reminder.lead_days, got.late) == (14, True)


def test_nothing_is_due_once_the_deadline_passed_until_the_summary() -> None:
    assert due(DEPT, shanghai(2025, 2, 1, 8)) is None
    summary = due(DEPT, shanghai(2025, 2, 1, 15))
    assert summary is not None and (summary.reminder.lead_days, summary.late) == (-1, True)
    assert due(DEPT, shanghai(2025, 2, 2, 9)) is None


def test_reminders_before_the_subscription_was_made_are_not_owed() -> None:
    plan = Plan(
        id=7, chat_id=-1001, kind="department", month=1, day=31, since=shanghai(2025, 1, 20)
    )
    assert due(plan, shanghai(2025, 1, 22, 9)) is None
    got = due(plan, shanghai(2025, 1, 24, 9))
    assert got is not None and got.reminder.lead_days == 7


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        due(DEPT, datetime(2025, 1, 24, 9))


def test_job_names_are_deterministic() -> None:
    assert job_name(12, date(2027, 3, 31), 7) == "reminder:12:2027-03-31:7"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30,14,7", (30, 14, 7)), ("7，30 14", (30, 14, 7)), ("1,1,0", (1, 0))],
)
def test_parse_leads(text: str, expected: tuple[int, ...]) -> None:
    assert parse_leads(text) == expected


@pytest.mark.parametrize("text", ["", "a", "-1", "400"])
def test_parse_leads_rejects_bad_input(text: str) -> None:
    with pytest.raises(ValueError):
        parse_leads(text)


def test_february_29_deadline_is_the_28th_in_common_years() -> None:
    plan = Plan(id=1, chat_id=1, kind="custom", month=2, day=29)
    assert (deadline_in(plan, 2027), deadline_in(plan, 2028)) == (
        date(2027, 2, 28),
        date(2028, 2, 29),
    )
