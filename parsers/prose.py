"""Figures the report's prose states in set phrases (收到申请 70 件, 行政复议 36 起…).

They check the tables (rule W2) and help split glued digit runs. Only unambiguous phrasings are
read; approximate figures (7700余条) are skipped.
"""

from __future__ import annotations

import re

from parsers.model import Number

_TABLE_START = re.compile(r"第二十条第[（(][一二三四五六七八九十]+[)）]项")
_C = r"[^，,。；;：:\d]"  # characters inside one clause, no digits

# (key, pattern with one number group). The first pattern that matches a key wins.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("proactive.total", rf"(?<!应)主动公开{_C}{{0,25}}?信息{_C}{{0,10}}?(\d+)(?:件|条)(?!余)"),
        ("proactive.total", r"共公[开布]政府信息(\d+)条"),
        ("proactive.normative.issued", r"制发的?(?:行政)?规范性文件(\d+)件"),
        ("proactive.normative.valid", r"现行有效的?(?:行政)?规范性文件(\d+)件"),
        ("apply.new.total", rf"收到{_C}{{0,15}}?(\d+)件{_C}{{0,8}}?申请"),
        ("apply.new.total", rf"(?:收到|接收|受理|接到){_C}{{0,30}}?申请(?:共计|合计|共)?(\d+)件"),
        ("apply.new.natural", r"自然人(?:申请)?(\d+)件"),
        ("apply.new.business", r"商业企业(?:申请)?(\d+)件"),
        ("result.total.total", rf"办结{_C}{{0,12}}?(\d+)件"),
        ("result.total.total", rf"答复{_C}{{0,12}}?申请(\d+)件"),
        ("apply.carried_forward.total", r"(\d+)件结转下一?年度"),
        ("apply.carried_forward.total", r"结转(?:至|到)?(?:下一?年度?|\d{4}年)(\d+)件"),
        ("result.withheld.total", r"不予公开(\d+)件"),
        ("result.unable.total", r"无法提供(\d+)件"),
        ("result.rejected.total", r"不予处理(\d+)件"),
        ("result.other.total", r"其他处理(\d+)件"),
        ("review.total", r"行政复议(?:案件)?(\d+)(?:件|起)"),
        ("litigation.total", r"行政诉讼(?:案件)?(\d+)(?:件|起)"),
    )
)
_NONE_RECEIVED = re.compile(rf"(?:未|没有)(?:收到|接到|受理){_C}{{0,12}}申请")


def prose_text(text: str) -> str:
    """The narrative before the tables, without spaces (PDF text puts them around numbers)."""
    match = _TABLE_START.search(text)
    head = text[: match.start()] if match else text
    return re.sub(r"[ \t\u3000]+", "", head)


def prose_figures(text: str) -> dict[str, Number]:
    """Key → figure for every set phrase found in the narrative of a report's text."""
    prose = prose_text(text)
    found: dict[str, Number] = {}
    for key, pattern in _PATTERNS:
        if key in found:
            continue
        match = pattern.search(prose)
        if match:
            found[key] = int(match.group(1))
    if "apply.new.total" not in found and _NONE_RECEIVED.search(prose):
        found["apply.new.total"] = 0
    return found
