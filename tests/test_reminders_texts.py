"""Every sentence of the reminders (reminders/texts.py): messages with deadline, weekday, days
left, holiday note, loaded / missing / failing; the /subscribe and /deadlines replies."""

from __future__ import annotations

from datetime import date

from reminders.schedule import Plan, reminders_for
from reminders.texts import (
    Failing,
    ScopeStatus,
    SubscriptionView,
    deadlines_text,
    reminder_text,
    scope_label,
    subscribed_text,
    summary_text,
)
from tests.fixtures_reminders import SHANGHAI

HUAIAN = ScopeStatus(
    scope="淮安市",
    year=2024,
    loaded=["淮安市财政局"],
    missing=["淮安市教育局", "洪泽区民政局"],
    failing=[Failing("淮安市财政局", "V2", "办理结果总计 12 ≠ 各项之和 11")],
)


def test_reminder_names_the_holiday_and_the_last_working_day_before_the_deadline() -> None:
    text = reminder_text(
        kind="department", deadline=date(2025, 1, 31), today=date(2025, 1, 24), status=HUAIAN
    )
    assert text == (
        "⏰ 部门年报截止提醒\n"
        "截止日期：2025年1月31日（星期五），还有 7 天。\n"
        "注意：截止日在春节假期中，此前最后一个工作日是 2025年1月27日（星期一）。\n"
        "范围：淮安市（2024 年度报告）\n"
        "已入库 1 个：\n"
        "  · 淮安市财政局\n"
        "尚未入库 2 个：\n"
        "  · 淮安市教育局\n"
        "  · 洪泽区民政局\n"
        "校验未通过 1 处：\n"
        "  · 淮安市财政局：V2 办理结果总计 12 ≠ 各项之和 11"
    )


def test_late_reminder_on_the_deadline_day_is_marked_and_says_today() -> None:
    status = ScopeStatus(scope="淮安市人民政府", year=2025, loaded=["淮安市人民政府"])
    text = reminder_text(
        kind="government",
        deadline=date(2026, 3, 31),
        today=date(2026, 3, 31),
        status=status,
        late=True,
    )
    assert text.splitlines() == [
        "（补发）⏰ 政府年报截止提醒",
        "截止日期：2026年3月31日（星期二），今天截止。",
        "范围：淮安市人民政府（2025 年度报告）",
        "已入库 1 个：",
        "  · 淮安市人民政府",
        "尚未入库 0 个。",
    ]


def test_weekend_deadline_without_holiday_data_is_called_a_rest_day() -> None:
    text = reminder_text(
        kind="custom",
        deadline=date(2027, 1, 31),
        today=date(2027, 1, 22),
        status=ScopeStatus(scope="淮安市", year=2026),
    )
    assert text.splitlines()[:3] == [
        "⏰ 年报（自定截止日）截止提醒",
        "截止日期：2027年1月31日（星期日），还有 9 天。",
        "注意：截止日是休息日，此前最后一个工作日是 2027年1月29日（星期五）。",
    ]


def test_summary_lists_who_missed_the_deadline() -> None:
    assert summary_text(kind="department", deadline=date(2025, 1, 31), status=HUAIAN) == (
        "📋 部门年报截止汇总\n"
        "截止日期 2025年1月31日（星期五）已过。\n"
        "范围：淮安市（2024 年度报告）\n"
        "已入库 1 个：\n"
        "  · 淮安市财政局\n"
        "逾期未见 2 个：\n"
        "  · 淮安市教育局\n"
        "  · 洪泽区民政局\n"
        "校验未通过 1 处：\n"
        "  · 淮安市财政局：V2 办理结果总计 12 ≠ 各项之和 11"
    )


def test_long_lists_are_cut_with_a_count() -> None:
    names = [f"单位{i:02d}" for i in range(45)]
    text = summary_text(
        kind="department",
        deadline=date(2025, 1, 31),
        status=ScopeStatus(scope="全省", year=2024, missing=names),
    )
    lines = text.splitlines()
    assert lines[3:6] == ["已入库 0 个。", "逾期未见 45 个：", "  · 单位00"]
    assert len(lines) == 3 + 2 + 30 + 1
    assert lines[-2:] == ["  · 单位29", "  …… 等共 45 个"]


def test_a_scope_unknown_to_the_store_says_so_instead_of_empty_lists() -> None:
    text = reminder_text(
        kind="department",
        deadline=date(2026, 1, 31),
        today=date(2026, 1, 1),
        status=ScopeStatus(scope="海南省三沙市", year=2025),
    )
    assert text.splitlines()[-2:] == [
        "范围：海南省三沙市（2025 年度报告）",
        "库中还没有这个范围内的单位，无法列出谁已报、谁未报。",
    ]


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
