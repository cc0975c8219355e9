"""Reply wording. Every Chinese sentence the asker sends is written here."""

from __future__ import annotations

from decimal import Decimal

from parsers.model import AMBIGUOUS, BLANK, DERIVED, UNIT
from query.answer import AnswerItem

EXAMPLES = ("金安区 2020 申请数量", "平潭 近三年 行政复议", "淮安市 2024 年报概况", "有哪些年报")

NOT_UNDERSTOOD = "抱歉，没看懂这个问题。可以这样问：{examples}。发送“帮助”查看更多问法。"
EMPTY = "请输入问题，例如：{examples}。"
BAD_TOKEN = "这个按钮已失效，请重新提问，例如：{examples}。"
NO_FIELD = "请说明想查哪一项数据，例如“申请数量”“行政复议”“予以公开”。"
NO_PLACE = "请说明是哪个单位或地区，例如“{example}”。"
UNKNOWN_PLACE = "数据库里没有“{place}”的年报。"
NOT_FOUND = "没有找到“{place}”。"
NO_AGENCY_IN_REGION = "“{place}”下没有找到{department}的年报。"
CHOOSE_AGENCY = "“{place}”有多个单位的年报，请选择："
NO_YEAR = "{agency}没有 {years} 年度的年报（已有：{have}）。"
NO_KEY_IN_REPORT = "{agency} {year}年度年报中没有“{label}”这一项。"
NO_KEY_IN_TEMPLATE = "{year}年度年报用的是 {template} 版模板，没有“{label}”这一项。"
LATEST = "未指定年份，按最新的 {year} 年度。"
ALTERNATIVES = "您是不是想问：{options}"
HELP = (
    "我可以回答政府信息公开工作年度报告里的数字，并说明出处。例如：\n"
    "· 金安区 2020 申请数量\n"
    "· 平潭 2023 企业申请了多少\n"
    "· 平潭 近三年 行政复议（历年变化）\n"
    "· 淮安市 和 洪泽区 2024 申请数量 对比\n"
    "· 淮安市 申请数量 排名 / 淮安市 申请数量 合计\n"
    "· 淮安市 2024 年报概况 / 洪泽区 2023 有没有问题\n"
    "· 有哪些年报"
)

_FLAG_TEXT = {
    BLANK: "原表此格空白，按 0 计",
    DERIVED: "原表未印此格，由分项相加得出",
    UNIT: "原表写有单位，已换算",
}


def examples() -> str:
    return "、".join(f"“{e}”" for e in EXAMPLES[:3])


def number(value: Decimal) -> str:
    """7545, 96171.6, 0 — no exponent, no trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text


def amount(item: AnswerItem) -> str:
    if item.value is None:
        options = " / ".join(number(c) for c in item.candidates) or "无法确定"
        return f"数值有歧义（可能是 {options}），不给出确定数值"
    return f"{number(item.value)} {item.unit}"


def flag_notes(item: AnswerItem) -> list[str]:
    flags = [f for f in item.flags if not (f == BLANK and DERIVED in item.flags)]
    notes = [_FLAG_TEXT[f] for f in flags if f in _FLAG_TEXT]
    if AMBIGUOUS in item.flags and item.value is not None:
        notes.append("原表数字有歧义")
    return notes


def provenance(item: AnswerItem) -> str:
    src = item.source
    if src is None:
        return ""
    return f"出处：《{src.title}》（{src.file}）表{src.table}“{src.row}”行“{src.column}”列"


def value_text(item: AnswerItem, *, notes: list[str], failed: list[str], alts: list[str]) -> str:
    lines = [f"{item.agency} · {item.year}年度 · {item.label}", amount(item)]
    lines += notes
    lines.append(provenance(item))
    lines += [f"⚠ {n}" for n in flag_notes(item)]
    lines += [f"⚠ 勾稽关系未通过：{m}" for m in failed]
    if alts:
        lines.append(ALTERNATIVES.format(options="、".join(alts)))
    return "\n".join(line for line in lines if line)
