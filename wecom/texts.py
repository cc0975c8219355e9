"""What the WeCom app says that the other channels do not: its help, and its file notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands import COMMANDS, EXAMPLE_QUESTIONS

if TYPE_CHECKING:
    from settings import Settings

APP_COMMANDS = ("report", "compare", "rank", "chart", "sources")
UNKNOWN_COMMAND = "未知命令。发送 /help 查看用法。"
UNSUPPORTED = "暂时只能处理文字问题和年报文件（PDF、Word、HTML、文本）。"
RECEIVED = "已收到文件，正在解析……"
NOT_ADMIN_NOTE = "（您不在 WECOM_ADMIN_IDS 中，文件只做发布前校验，未入库。）"

# Group robots (群机器人): their webhook URLs and why one can no longer be reached.
WEBHOOK_SCHEME = (
    "webhook 地址应以 https:// 开头，例如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
)
NOT_A_WEBHOOK = (
    "这不是群机器人的 webhook 地址：应为 …/cgi-bin/webhook/send?key=…（在群机器人的详情页复制）"
)
ROBOT_GONE = {
    93000: "群机器人的 webhook 地址无效，或机器人已被移出群",
    93004: "群机器人已被停用",
    93008: "群机器人已不在群里",
}


def help_text(*, max_upload_mb: int) -> str:
    """The app's /help: questions, the commands that work here, numbered choices, files."""
    lines = ["直接发问题即可，例如："]
    lines += [f"• {q}" for q in EXAMPLE_QUESTIONS]
    lines += ["", "命令："]
    lines += [
        f"/{c.name} {c.usage}".rstrip() + f" — {c.help}"
        for c in COMMANDS
        if c.name in APP_COMMANDS
    ]
    lines += [
        "",
        "回答列出候选项时，发送编号即可选择。",
        f"发送年报文件（PDF/Word/HTML/文本，不超过 {max_upload_mb} MB）：管理员的文件解析入库，"
        "其他人的文件只做发布前校验，不入库。",
        "数据来自各单位公开的政府信息公开工作年度报告，回答会注明出处。",
    ]
    return "\n".join(lines)


def callback_unavailable(settings: Settings, err: OSError) -> str:
    """`bot.py run` cannot listen for the app's callbacks (the port is taken, …)."""
    where = f"{settings.wecom_callback_listen}:{settings.wecom_callback_port}"
    return (
        f"错误：企业微信应用的回调无法在 {where} 监听（{err.strerror or err}）；"
        "请换一个 WECOM_CALLBACK_PORT"
    )
