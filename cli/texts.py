"""What the command line says to a person: start-up progress, and each failure in one or two
Chinese lines that say what happened and what to do (never a traceback). Pure: no imports of
third-party packages, so bot.py can say "the environment is missing" with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from settings import Settings

MISSING_PACKAGE = (
    "错误：找不到 Python 包 {name}——当前的 Python（{python}）里没有安装本项目的依赖。\n"
    "请用项目自己的环境运行：make run（首次会创建 .venv 并安装），"
    "或 .venv/bin/python bot.py …，或安装后的 .venv/bin/nianbao …"
)
SEEDING = "首次运行：正在把 {count} 份示例年报导入数据库（{where}）……"
SEEDED = "已导入 {stored} 份示例年报，用时 {seconds:.1f} 秒。"
SEED_FAILED = "有 {count} 份示例年报未能导入：{names}"
BAD_SETTING = "错误：环境变量 {name} 的值无效：{reason}"
BAD_SETTINGS_HINT = "请改正或删除它（各变量的含义见 README.md 的“配置 Configuration”）。"

TELEGRAM_STARTED = "Telegram 机器人 @{username} 已启动（{mode}），按 Ctrl-C 停止。"
POLLING = "长轮询"
WEBHOOK = "webhook：{url}"
TELEGRAM_UNREACHABLE = (
    "错误：连不上 Telegram 的 Bot API（{where}）：{reason}。\n"
    "在中国大陆 api.telegram.org 通常无法访问：请把 TELEGRAM_API_BASE_URL 设为一个能访问的 "
    "Bot API 服务器（如 http://127.0.0.1:8081/bot），或不设 TELEGRAM_BOT_TOKEN，"
    "用 make run 在终端里对话、python bot.py web 开网页。"
)
TELEGRAM_BAD_TOKEN = (
    "错误：Telegram 拒绝了这个 TELEGRAM_BOT_TOKEN（无效或已被撤销）。"
    "请在 @BotFather 里复制机器人的完整 token 再设置。"
)

EXPORTED = "已导出 {count} 份年报到 {out}（{sheets}）"
EXPORT_SHEETS_XLSX = "工作表：年报数据、正文数字、数据标记、来源文件、字段说明"
EXPORT_SHEETS_CSV = "第 1 行中文表头，第 2 行字段代码"
NOTHING_TO_EXPORT = "错误：没有可导出的年报{what}，未写文件。"
NOTHING_HINT = "库中已有的地区：{regions}。用 python bot.py ingest 文件或文件夹 添加年报。"
NOTHING_HINT_EMPTY = "库中还没有年报：用 python bot.py ingest 文件或文件夹 添加。"


def missing_package(name: str, python: str) -> str:
    return MISSING_PACKAGE.format(name=name, python=python)


def nothing_to_export(region: str | None, year: int | None, regions: Sequence[str]) -> str:
    """Two lines: nothing matched the filter (named), and what there is to choose from."""
    parts = [f"地区“{region}”" if region else "", f"{year} 年度" if year is not None else ""]
    what = "、".join(p for p in parts if p)
    head = NOTHING_TO_EXPORT.format(what=f"（{what}）" if what else "")
    if not regions:
        return f"{head}\n{NOTHING_HINT_EMPTY}"
    shown = "、".join(regions[:12]) + ("等" if len(regions) > 12 else "")
    return f"{head}\n{NOTHING_HINT.format(regions=shown)}"


# pydantic's error types → what a person is told about an environment variable.
_SETTING_REASONS = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "less_than_equal": "不能大于 {le}",
    "greater_than_equal": "不能小于 {ge}",
    "url_parsing": "不是有效的网址",
}


def bad_settings(errors: Sequence[Mapping[str, Any]]) -> str:
    """One line per invalid environment variable (pydantic's `errors()`), then where they are
    explained."""
    lines = []
    for error in errors:
        loc = error.get("loc") or ("?",)
        name = str(loc[0]).upper()
        context: Mapping[str, Any] = error.get("ctx") or {}
        template = _SETTING_REASONS.get(str(error.get("type")))
        reason = (
            template.format(**context)
            if template is not None
            else str(context.get("error") or error.get("msg"))
        )
        lines.append(BAD_SETTING.format(name=name, reason=reason))
    return "\n".join([*lines, BAD_SETTINGS_HINT])


_UNAVAILABLE_REASONS = {"timeout": "连接超时", "network": "网络错误"}


def telegram_unavailable(settings: Settings, kind: str, detail: str) -> str:
    """`bot.py run` could not reach the Bot API, or the token was refused."""
    if kind == "token":
        return TELEGRAM_BAD_TOKEN
    base = settings.telegram_api_base_url or "https://api.telegram.org"
    reason = _UNAVAILABLE_REASONS.get(kind, "网络错误")
    if kind != "timeout" and detail:
        reason += f"：{detail}"
    return TELEGRAM_UNREACHABLE.format(where=base, reason=reason)


def telegram_started(settings: Settings, username: str) -> str:
    url = settings.webhook_url
    mode = WEBHOOK.format(url=url) if url else POLLING
    return TELEGRAM_STARTED.format(username=username, mode=mode)
