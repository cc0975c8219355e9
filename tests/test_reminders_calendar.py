"""Working days: official holidays and 调休 from chinese_calendar, weekdays beyond its data."""

from __future__ import annotations

from datetime import date

import pytest

from reminders.calendar import (
    describe_deadline,
    holiday_name,
    is_working_day,
    weekday_name,
    working_day_on_or_before,
)


def test_2025_department_deadline_fell_in_the_spring_festival_break() -> None:
    info = describe_deadline(date(2025, 1, 31))
    assert info.working is False
    assert info.holiday == "春节"
    # The break ran 1月28日–2月4日, so Monday 1月27日 was the last working day before it.
    assert info.last_working_day == date(2025, 1, 27)
    assert weekday_name(info.last_working_day) == "星期一"
    # …and Sunday 1月26日 was worked in lieu (调休).
    assert is_working_day(date(2025, 1, 26)) is True


def test_a_tiaoxiu_saturday_is_a_working_day_and_receives_a_sunday_reminder() -> None:
    assert date(2025, 2, 8).weekday() == 5
    assert is_working_day(date(2025, 2, 8)) is True
    assert working_day_on_or_before(date(2025, 2, 9)) == date(2025, 2, 8)


def test_an_ordinary_working_deadline_stays_put() -> None:
    info = describe_deadline(date(2026, 3, 31))
    assert (info.working, info.holiday, info.last_working_day) == (True, None, date(2026, 3, 31))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2030, 1, 4), date(2030, 1, 4)),  # Friday
        (date(2030, 1, 5), date(2030, 1, 4)),  # Saturday → Friday
        (date(2030, 1, 6), date(2030, 1, 4)),  # Sunday → Friday
        (date(2030, 1, 1), date(2030, 1, 1)),  # 元旦 unknown without data: a Tuesday counts
    ],
    ids=["friday", "saturday", "sunday", "new-year-unknown"],
)
def test_years_without_holiday_data_fall_back_to_weekdays(day: date, expected: date) -> None:
    assert working_day_on_or_before(day) == expected
    assert holiday_name(day) is None


def test_a_weekend_deadline_beyond_the_data_is_a_rest_day_without_holiday_name() -> None:
    info = describe_deadline(date(2027, 1, 31))
    assert (info.working, info.holiday, info.last_working_day) == (False, None, date(2027, 1, 29))
