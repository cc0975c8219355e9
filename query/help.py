"""How to use the bot: what it answers, how to upload a report, how to export the data."""

from __future__ import annotations

import re

from query import texts
from query.answer import Answer
from query.common import Context

_HOW = r"(?:怎么|怎样|如何|咋|能不能|可以吗|能否|行吗|支持|怎么弄|怎么办|方法)"
_UPLOAD = re.compile(
    rf"{_HOW}.{{0,12}}(?:上传|提交|导入|上报)|(?:上传|提交|导入|上报).{{0,16}}{_HOW}"
)
_EXPORT = re.compile(rf"{_HOW}.{{0,12}}(?:导出|下载)|(?:导出|下载).{{0,16}}{_HOW}")
_SUBSCRIBE = re.compile(r"订阅|截止提醒|提醒.{0,6}(?:截止|年报)|退订")


def topic(text: str) -> str | None:
    """ "upload" or "export" for a how-to question, else None."""
    if _UPLOAD.search(text):
        return "upload"
    if _EXPORT.search(text):
        return "export"
    if _SUBSCRIBE.search(text):
        return "subscribe"
    return None


def answer(ctx: Context, about: str | None = None) -> Answer:
    text = {
        "upload": texts.HOW_TO_UPLOAD,
        "export": texts.HOW_TO_EXPORT,
        "subscribe": texts.HOW_TO_SUBSCRIBE,
    }.get(about or "")
    return ctx.reply("answer", "help", text or texts.HELP)
