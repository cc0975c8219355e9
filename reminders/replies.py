"""Replies of /subscribe, /unsubscribe and /deadlines: pure texts from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reminders.message import KIND_LABELS, date_text, lead_text
from reminders.schedule import Reminder

USAGE = (
    "用法：/subscribe 类型 范围 [提前 天数]\n"
    "类型：部门（1月31日）、政府（3月31日）或日期（如 1月26日）\n"
    "范围：一个地区，或用逗号分隔的单位名称\n"
    "例如：/subscribe 部门 淮安市\n"
    "/subscribe 1月26日 淮安市洪泽区人民政府,淮安市财政局 提前 30,14,7\n"
    "默认提前 30、14、7、3、1 天，北京时间 09:00 提醒；遇节假日提前到上一个工作日。"
)
NOT_ADMIN = "只有群管理员可以更改本群的订阅。"
CHOOSE_KIND = "请选择要提醒的截止日期（也可直接发送 /subscribe 部门 淮安市）："
CHOOSE_REGION = "请选择范围（其他地区或单位请发送 /subscribe 类型 范围）："
NO_REGIONS = "还没有收录任何地区的年报，请直接写明范围。\n" + USAGE
NOTHING_SUBSCRIBED = "本群还没有订阅截止提醒。发送 /subscribe 订阅。"
CHOOSE_UNSUBSCRIBE = "要取消哪一项订阅？"
UNKNOWN_SUBSCRIPTION = "没有找到这项订阅，发送 /deadlines 查看本群的订阅。"


@dataclass(frozen=True)
class SubscriptionView:
    """One subscription as /deadlines shows it."""

    id: int
    kind: str
    deadline: date
    scope: str
    upcoming: list[Reminder]
    paused: bool = False
    paused_reason: str | None = None


def scope_label(region: str | None, agencies: list[str]) -> str:
    if region:
        return region
    return (
        "、".join(agencies) if len(agencies) <= 3 else f"{agencies[0]} 等 {len(agencies)} 个单位"
    )


def kind_line(view: SubscriptionView) -> str:
    return (
        f"#{view.id} {KIND_LABELS[view.kind]}，截止 {date_text(view.deadline)}，范围：{view.scope}"
    )


def reminder_lines(reminders: list[Reminder]) -> list[str]:
    """One line per reminder, with the days actually left (a moved reminder comes earlier)."""
    lines = []
    for r in reminders:
        days = r.lead_days if r.is_summary else (r.deadline - r.at.date()).days
        lines.append(f"  · {date_text(r.at.date())} {r.at:%H:%M} {lead_text(days)}")
    return lines


def subscribed_text(view: SubscriptionView) -> str:
    return "\n".join(
        ["已订阅：" + kind_line(view), "将在以下时间提醒：", *reminder_lines(view.upcoming)]
    )


def deadlines_text(views: list[SubscriptionView]) -> str:
    if not views:
        return NOTHING_SUBSCRIBED
    blocks = []
    for view in views:
        lines = [kind_line(view)]
        if view.paused:
            lines.append(f"  （已暂停：{view.paused_reason or '原因未知'}）")
        else:
            lines += reminder_lines(view.upcoming)
        blocks.append("\n".join(lines))
    return "本群的截止提醒：\n\n" + "\n\n".join(blocks)


def unsubscribed_text(count: int) -> str:
    return f"已取消 {count} 项订阅。" if count else UNKNOWN_SUBSCRIPTION
