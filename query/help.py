"""How to use the bot: what it answers, how to upload a report, how to export the data."""

from __future__ import annotations

import re

from query import texts
from query.answer import Answer
from query.common import Context

_HOW = r"(?:怎么|怎样|如何|咋|能不能|可以|能否|行吗|支持|怎么弄|怎么办|方法)"
_UPLOAD = re.compile(
    rf"{_HOW}.{{0,12}}(?:上传|提交|导入|上报)|(?:上传|提交|导入|上报).{{0,16}}{_HOW}"
)
_EXPORT = re.compile(rf"{_HOW}.{{0,12}}(?:导出|下载)|(?:导出|下载).{{0,16}}{_HOW}")
_SUBSCRIBE = re.compile(r"订阅|截止提醒|提醒.{0,6}(?:截止|年报)|退订")
_FILE = r"(?:pdf|docx?|word|wps|rtf|odt|txt|html|网页|图片|照片|扫描件?|扫描版)"
# 支持哪些格式 / 扫描版PDF可以吗 / 年报是docx可以发给你吗: which files can be uploaded
_FORMATS = re.compile(
    rf"(?:什么|哪些|哪种|几种)(?:文件)?格式|格式.{{0,6}}(?:支持|可以|能)"
    rf"|{_FILE}.{{0,10}}(?:可以|能否|能不能|行吗|支持|发给你|发你)|(?:可以|能|支持).{{0,6}}{_FILE}"
)
_CHART = re.compile(
    rf"{_HOW}.{{0,8}}(?:图表|画图|作图|出图|柱状图|折线图|趋势图)|(?:图表|趋势图).{{0,8}}{_HOW}"
)


def topic(text: str) -> str | None:
    """ "upload", "export", "subscribe" or "chart" for a how-to question, else None."""
    if _UPLOAD.search(text):
        return "upload"
    if _EXPORT.search(text):
        return "export"
    if _SUBSCRIBE.search(text):
        return "subscribe"
    if _FORMATS.search(text):
        return "upload"
    if _CHART.search(text):
        return "chart"
    return None


def answer(ctx: Context, about: str | None = None) -> Answer:
    text = {
        "upload": texts.HOW_TO_UPLOAD,
        "export": texts.HOW_TO_EXPORT,
        "subscribe": texts.HOW_TO_SUBSCRIBE,
        "chart": texts.HOW_TO_CHART,
    }.get(about or "")
    return ctx.reply("answer", "help", text or texts.HELP)
