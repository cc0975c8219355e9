"""Working days in mainland China, so that no reminder lands on a holiday.

`chinese_calendar` knows the official holidays and 调休 working weekends, but only for the years
it ships data for; it raises NotImplementedError outside them, so those years fall back to
Monday–Friday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
WEEKDAYS = "一二三四五六日"


def is_working_day(day: date) -> bool:
    """Official calendar when known (调休 Saturdays count as working), else Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def holiday_name(day: date) -> str | None:
    """The Chinese name of the public holiday `day` belongs to, if the calendar knows one."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not on_holiday or name is None:
        return None
    return HOLIDAY_NAMES.get(name, name)


def working_day_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def weekday_name(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


@dataclass(frozen=True)
class DeadlineDay:
    """What a message says about the deadline date itself."""

    day: date
    working: bool
    holiday: str | None  # e.g. 春节, when the deadline falls in a public holiday
    last_working_day: date  # the deadline itself, or the last working day before it


def describe_deadline(day: date) -> DeadlineDay:
    return DeadlineDay(
        day=day,
        working=is_working_day(day),
        holiday=holiday_name(day),
        last_working_day=working_day_on_or_before(day),
    )
