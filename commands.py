"""The command registry: every bot command with its /help line, in /help and menu order.

One place feeds /help, `set_my_commands` and the registry test, so a command cannot exist without
being explained. Adding a command is one `Command(...)` line here plus its handler. Pure: no
telegram import, so every channel (Telegram, the terminal chat, WeCom) uses the same texts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # without the slash, lowercase (Telegram: 1–32 of a-z, 0-9, _)
    help: str  # one line, shown in /help and in Telegram's command menu
    usage: str = ""  # the arguments, e.g. "单位 年份"


COMMANDS: tuple[Command, ...] = (
    Command("start", "简介与示例问题"),
    Command("help", "用法说明"),
    Command("ask", "提问（群里用）", "问题"),
    Command("report", "某单位某年年报概况与校验结果", "单位 年份"),
    Command("compare", "同一指标历年对比", "单位 指标"),
    Command("rank", "地区内各单位排名", "地区 年份 指标"),
    Command("chart", "画图：历年趋势或单位对比", "单位 指标"),
    Command("sources", "已收录的年报"),
    Command("check", "发布前检查：附文件或回复文件，只校验不入库"),
    Command("subscribe", "订阅年报截止提醒（群里限管理员）", "类型 范围 [提前 天数]"),
    Command("unsubscribe", "取消截止提醒订阅", "[编号|全部]"),
    Command("deadlines", "本群的截止日期与提醒时间"),
)

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "金安区 2020 申请数量",
    "平潭 2023 年行政复议多少件",
    "淮安市 2024 予以公开",
    "平潭 申请数量 近三年",
)

# Commands that are questions in disguise: the argument text is put into the template.
QUESTION_TEMPLATES: dict[str, str] = {
    "ask": "{args}",
    "report": "{args} 年报概况",
    "compare": "{args} 对比",
    "rank": "{args} 排名",
    "sources": "有哪些年报",
}
# Commands that need arguments (the usage line is shown when they come without).
NEEDS_ARGS = frozenset({"ask", "report", "compare", "rank", "chart"})


def command(name: str) -> Command:
    """The registry entry of `name` (KeyError for an unregistered command)."""
    for entry in COMMANDS:
        if entry.name == name:
            return entry
    raise KeyError(name)


def usage_text(name: str) -> str:
    """'用法：/report 单位 年份', said when a command comes without its arguments."""
    entry = command(name)
    example = {
        "ask": "/ask 金安区 2020 申请数量",
        "report": "/report 金安区 2020",
        "compare": "/compare 平潭 申请数量",
        "rank": "/rank 淮安市 2024 申请数量",
        "chart": "/chart 平潭 申请数量",
    }.get(name)
    line = f"用法：/{entry.name} {entry.usage}".rstrip()
    return f"{line}\n例如：{example}" if example else line


def question_for(name: str, args: str) -> str | None:
    """The question a command stands for, or None when it needs arguments it did not get."""
    args = " ".join(args.split())
    if name in NEEDS_ARGS and not args:
        return None
    template = QUESTION_TEMPLATES.get(name)
    return template.format(args=args) if template is not None else None


# The terminal chat (`bot.py chat`): the commands that make sense without a chat, the ones that
# take a file or a region instead of an attachment or a group's subscriptions.
CONSOLE_COMMANDS: tuple[Command, ...] = (
    *(command(name) for name in ("report", "compare", "rank")),
    Command("chart", "画图并保存为 PNG（charts/ 目录）", "单位 指标"),
    command("sources"),
    Command("check", "发布前检查一个年报文件：只校验，不入库", "文件"),
    Command("ingest", "解析一个年报文件并入库", "文件"),
    Command("deadlines", "某地区的下一个截止日期、已报和未报的单位", "部门|政府 地区"),
    command("help"),
)
CONSOLE_EXAMPLES = {
    "check": "/check 年报.pdf",
    "ingest": "/ingest 年报.docx",
    "deadlines": "/deadlines 部门 淮安市",
}


def console_usage(name: str) -> str:
    """The usage line of a console command (its own example for the file and region ones)."""
    entry = next(c for c in CONSOLE_COMMANDS if c.name == name)
    example = CONSOLE_EXAMPLES.get(name)
    if example is None:
        return usage_text(name)
    return f"用法：/{entry.name} {entry.usage}\n例如：{example}"


def console_help_text() -> str:
    """The one help of the terminal, for /help and for 帮助: questions, commands, how to add a
    report, how to export the data, how to leave."""
    lines = ["直接输入问题，例如："]
    lines += [f"  {q}" for q in EXAMPLE_QUESTIONS]
    lines += ["命令："]
    lines += [f"  /{c.name} {c.usage}".rstrip() + f" — {c.help}" for c in CONSOLE_COMMANDS]
    lines += [
        "添加年报：/ingest 文件（PDF/Word/HTML/文本），"
        "或在命令行 .venv/bin/nianbao ingest 文件或文件夹。",
        "导出数据：在命令行 .venv/bin/nianbao export 年报.xlsx "
        "[--region 地区] [--year 年度]（或 .csv）。",
        "出现候选项时输入编号选择；↑/↓ 翻看输入历史；Ctrl-D 或 /quit 退出。",
    ]
    return "\n".join(lines)


def menu_entries() -> list[tuple[str, str]]:
    """(command, description) pairs for Telegram's `set_my_commands`."""
    return [(entry.name, entry.help) for entry in COMMANDS]


def help_text(*, max_upload_mb: int) -> str:
    """The /help reply: commands, example questions, groups, uploads and their size limit."""
    lines = ["直接发问题即可，例如："]
    lines += [f"• {q}" for q in EXAMPLE_QUESTIONS]
    lines += ["", "命令："]
    lines += [f"/{c.name} {c.usage}".rstrip() + f" — {c.help}" for c in COMMANDS]
    lines += [
        "",
        "群聊：用 /ask 问题、回复机器人的消息或 @机器人 提问；"
        "机器人默认开启隐私模式，看不到群里的其他消息。",
        f"上传年报（PDF/Word/HTML/文本，不超过 {max_upload_mb} MB）："
        "管理员发送文件即解析入库；任何人发送文件并附言 /check（或回复文件发 /check）"
        "只做发布前校验，不入库。",
        "数据来自各单位公开的政府信息公开工作年度报告，回答会注明出处。",
    ]
    return "\n".join(lines)


def start_text(*, max_upload_mb: int) -> str:
    """The /start reply: what the bot is, then the help."""
    intro = "您好！我能回答政府信息公开工作年度报告里的数字问题，并注明来源。"
    return f"{intro}\n\n{help_text(max_upload_mb=max_upload_mb)}"
