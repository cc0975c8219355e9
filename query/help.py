"""How to use the bot: what it answers, how to upload a report, how to export the data."""

from __future__ import annotations

import re

from query import texts
from query.answer import Answer
from query.common import Context

_UPLOAD = re.compile(r"(?:怎么|怎样|如何|怎么样|咋)(?:才能)?(?:上传|提交|导入|添加|上报|发送)")
_EXPORT = re.compile(r"(?:怎么|怎样|如何|咋)(?:才能)?(?:导出|下载|批量导出)")


def topic(text: str) -> str | None:
    """ "upload" or "export" for a how-to question, else None."""
    if _UPLOAD.search(text):
        return "upload"
    if _EXPORT.search(text):
        return "export"
    return None


def answer(ctx: Context, about: str | None = None) -> Answer:
    text = {"upload": texts.HOW_TO_UPLOAD, "export": texts.HOW_TO_EXPORT}.get(about or "")
    return ctx.reply("answer", "help", text or texts.HELP)
