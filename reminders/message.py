"""Reminder and summary texts: pure, from the deadline, the send day and the scope's status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reminders.calendar import describe_deadline, weekday_name
from reminders.schedule import CUSTOM, DEPARTMENT, GOVERNMENT

KIND_LABELS = {DEPARTMENT: "部门年报", GOVERNMENT: "政府年报", CUSTOM: "年报（自定截止日）"}
LATE_MARK = "（补发）"
UNKNOWN_SCOPE = "库中还没有这个范围内的单位，无法列出谁已报、谁未报。"
MAX_NAMES = 30  # longer lists are cut so that a message stays far below Telegram's 4096 chars


@dataclass(frozen=True)
class Failing:
    agency: str
    rule: str
    message: str


@dataclass(frozen=True)
class ScopeStatus:
    """Who in a subscription's scope has the report year's report loaded, and who has not."""

    scope: str  # e.g. 淮安市 or 3 个单位
    year: int  # the report year (the deadline's year minus one)
    loaded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failing: list[Failing] = field(default_factory=list)


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{weekday_name(day)}）"


def reminder_text(
    *, kind: str, deadline: date, today: date, status: ScopeStatus, late: bool = False
) -> str:
    """A reminder before the deadline: the date, days left, holiday note, loaded and missing."""
    left = (deadline - today).days
    when = "今天截止" if left == 0 else f"还有 {left} 天"
    lines = [
        f"{LATE_MARK if late else ''}⏰ {KIND_LABELS[kind]}截止提醒",
        f"截止日期：{date_text(deadline)}，{when}。",
    ]
    info = describe_deadline(deadline)
    if not info.working:
        reason = f"在{info.holiday}假期中" if info.holiday else "是休息日"
        lines.append(
            f"注意：截止日{reason}，此前最后一个工作日是 {date_text(info.last_working_day)}。"
        )
    lines.append(f"范围：{status.scope}（{status.year} 年度报告）")
    if not status.loaded and not status.missing:
        lines.append(UNKNOWN_SCOPE)
        return "\n".join(lines)
    lines += _names(f"已入库 {len(status.loaded)} 个", status.loaded)
    lines += _names(f"尚未入库 {len(status.missing)} 个", status.missing)
    lines += _failing(status.failing)
    return "\n".join(lines)


def summary_text(*, kind: str, deadline: date, status: ScopeStatus, late: bool = False) -> str:
    """The day after the deadline: who made it and who missed it."""
    lines = [
        f"{LATE_MARK if late else ''}📋 {KIND_LABELS[kind]}截止汇总",
        f"截止日期 {date_text(deadline)}已过。",
        f"范围：{status.scope}（{status.year} 年度报告）",
    ]
    if not status.loaded and not status.missing:
        lines.append(UNKNOWN_SCOPE)
        return "\n".join(lines)
    lines += _names(f"已入库 {len(status.loaded)} 个", status.loaded)
    if status.missing:
        lines += _names(f"逾期未见 {len(status.missing)} 个", status.missing)
    else:
        lines.append("没有逾期未见的单位。")
    lines += _failing(status.failing)
    return "\n".join(lines)


def lead_text(lead_days: int) -> str:
    if lead_days < 0:
        return "截止汇总"
    if lead_days == 0:
        return "截止当天"
    return f"提前 {lead_days} 天"


def _names(title: str, names: list[str]) -> list[str]:
    if not names:
        return [f"{title}。"]
    lines = [f"{title}：", *(f"  · {name}" for name in names[:MAX_NAMES])]
    if len(names) > MAX_NAMES:
        lines.append(f"  …… 等共 {len(names)} 个")
    return lines


def _failing(failing: list[Failing]) -> list[str]:
    if not failing:
        return []
    shown = failing[:MAX_NAMES]
    lines = [f"校验未通过 {len(failing)} 处："]
    lines += [f"  · {f.agency}：{f.rule} {f.message}" for f in shown]
    if len(failing) > MAX_NAMES:
        lines.append(f"  …… 等共 {len(failing)} 处")
    return lines
