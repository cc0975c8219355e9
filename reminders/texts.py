"""Every sentence the reminders say, pure: reminder and summary messages from the deadline, the
send day and the scope's status, and the replies of /subscribe, /unsubscribe and /deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reminders.calendar import describe_deadline, weekday_name
from reminders.schedule import CUSTOM, DEPARTMENT, GOVERNMENT, KIND_DATES, Reminder

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


# --- replies of the subscription commands ---------------------------------------------

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
UNSUBSCRIBE_ALL = "全部取消"
STALE_BUTTON = "这个按钮已失效，请重新发送 /subscribe 或 /deadlines。"
CHAT_UNREACHABLE = "机器人无法在此群发言：{error}"
# Why /subscribe arguments were refused (reminders.parse raises these).
NO_ARGUMENTS = "请写明截止类型和范围，例如：/subscribe 部门 淮安市"
NO_SCOPE = "请写明范围：一个地区（如 淮安市）或若干单位名称（用逗号分隔）"
BAD_LEADS = "提前天数应为 0–366 的整数，用逗号分隔，例如：提前 30,14,7"
BAD_KIND = "截止类型应为 部门（1月31日）、政府（3月31日）或一个日期，如 1月26日"
NO_SUCH_DATE = "没有 {month}月{day}日 这个日期"


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


def kind_choice(kind: str) -> str:
    """A /subscribe button: 部门年报（1月31日）."""
    month, day = KIND_DATES[kind]
    return f"{KIND_LABELS[kind]}（{month}月{day}日）"


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


def already_text(view: SubscriptionView) -> str:
    """The same subscription again: nothing is added."""
    return "\n".join(
        ["已有同样的订阅，未重复添加：" + kind_line(view), "将在以下时间提醒：",
         *reminder_lines(view.upcoming)]
    )  # fmt: skip


def too_many_text(limit: int) -> str:
    return f"本群已有 {limit} 项订阅，达到上限。请先用 /unsubscribe 取消不需要的，再订阅。"


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


# --- `bot.py reminders --at …` --------------------------------------------------------------

SEND_NEEDS_TOKEN = "错误：有发往 Telegram 的提醒，--send 需要 TELEGRAM_BOT_TOKEN（未发送任何提醒）"
DELIVERY_STATUS = {
    "sent": "已发送",
    "duplicate": "已由他处发送，跳过",
    "skipped": "订阅已删除或暂停，跳过",
    "failed": "发送失败",
    "paused": "群不可达，订阅已暂停",
}


def _mode(send: bool) -> str:
    return "发送" if send else "预览，未发送"


def nothing_due_text(at: datetime, *, send: bool) -> str:
    return f"{at:%Y-%m-%d %H:%M} 没有到期的提醒（{_mode(send)}）。"


def due_count_text(at: datetime, count: int, *, send: bool) -> str:
    return f"{at:%Y-%m-%d %H:%M} 到期提醒 {count} 条（{_mode(send)}）："


def target_text(chat_id: int | None, robot: str | None) -> str:
    """Where a subscription's reminders go: 聊天 -1001, or 群机器人 (its masked webhook)."""
    return f"群机器人 {robot}" if robot is not None else f"聊天 {chat_id}"


def due_line(r: Reminder, target: str, *, late: bool) -> str:
    """— 订阅 #1 → 聊天 -1001：截止 2027-01-31，提前 7 天，计划 2027-01-22 09:00（补发）"""
    return (
        f"— 订阅 #{r.subscription_id} → {target}：截止 {r.deadline:%Y-%m-%d}，"
        f"{lead_text(r.lead_days)}，计划 {r.at:%Y-%m-%d %H:%M}{LATE_MARK if late else ''}"
    )


# --- `bot.py subscribe / subscriptions / unsubscribe` ----------------------------------------

NO_SUBSCRIPTIONS = (
    "还没有任何订阅。群机器人用 python bot.py subscribe --wecom-webhook URL 类型 范围 订阅。"
)


def listed_text(view: SubscriptionView, target: str) -> str:
    """One subscription in `bot.py subscriptions`: kind, deadline, scope, target, reminders."""
    lines = [kind_line(view), f"  发往：{target}"]
    if view.paused:
        lines.append(f"  （已暂停：{view.paused_reason or '原因未知'}）")
    else:
        lines += reminder_lines(view.upcoming)
    return "\n".join(lines)


def no_such_subscription(subscription_id: int) -> str:
    return f"没有编号为 #{subscription_id} 的订阅；python bot.py subscriptions 列出全部。"
