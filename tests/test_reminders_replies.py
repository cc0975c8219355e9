"""/deadlines and /subscribe replies: pure texts from subscription views."""

from __future__ import annotations

from datetime import date

from reminders.replies import SubscriptionView, deadlines_text, scope_label, subscribed_text
from reminders.schedule import Plan, reminders_for
from tests.fixtures_reminders import SHANGHAI

PLAN = Plan(id=1, chat_id=-1001, kind="department", month=1, day=31)
DEADLINE = date(2025, 1, 31)


def view(**changes: object) -> SubscriptionView:
    fields: dict[str, object] = {
        "id": 1,
        "kind": "department",
        "deadline": DEADLINE,
        "scope": "淮安市",
        "upcoming": reminders_for(PLAN, DEADLINE, SHANGHAI),
        **changes,
    }
    return SubscriptionView(**fields)  # type: ignore[arg-type]


def test_deadlines_show_the_days_actually_left_when_a_reminder_moved() -> None:
    assert deadlines_text([view()]) == (
        "本群的截止提醒：\n\n"
        "#1 部门年报，截止 2025年1月31日（星期五），范围：淮安市\n"
        "  · 2024年12月31日（星期二） 09:00 提前 31 天\n"
        "  · 2025年1月17日（星期五） 09:00 提前 14 天\n"
        "  · 2025年1月24日（星期五） 09:00 提前 7 天\n"
        "  · 2025年1月27日（星期一） 09:00 提前 4 天\n"
        "  · 2025年2月1日（星期六） 09:00 截止汇总"
    )


def test_a_paused_subscription_shows_why() -> None:
    text = deadlines_text([view(paused=True, paused_reason="机器人无法在此群发言：Forbidden")])
    assert text.splitlines()[2:] == [
        "#1 部门年报，截止 2025年1月31日（星期五），范围：淮安市",
        "  （已暂停：机器人无法在此群发言：Forbidden）",
    ]


def test_subscribed_reply_lists_the_coming_reminders() -> None:
    lines = subscribed_text(
        view(upcoming=reminders_for(PLAN, DEADLINE, SHANGHAI)[-2:])
    ).splitlines()
    assert lines == [
        "已订阅：#1 部门年报，截止 2025年1月31日（星期五），范围：淮安市",
        "将在以下时间提醒：",
        "  · 2025年1月27日（星期一） 09:00 提前 4 天",
        "  · 2025年2月1日（星期六） 09:00 截止汇总",
    ]


def test_long_agency_lists_are_shortened_in_the_scope_label() -> None:
    assert scope_label(None, ["甲局", "乙局"]) == "甲局、乙局"
    assert scope_label(None, ["甲局", "乙局", "丙局", "丁局"]) == "甲局 等 4 个单位"
    assert scope_label("淮安市", []) == "淮安市"
