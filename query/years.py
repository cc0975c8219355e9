"""Step 2: find the year(s) a question is about and strip them from the text.

Relative words (去年, 近三年) depend on today's date in the bot's time zone, so `today` is passed
in; the wording that also appears in field labels (本年新收, 上年结转) is deliberately not a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIRST_YEAR = 2008  # the disclosure regulation took effect in 2008


@dataclass(frozen=True)
class YearSpec:
    """What the question says about time. No explicit year and no range means "latest"."""

    years: tuple[int, ...] = ()  # explicit years, ascending
    recent: int | None = None  # 近N年: the last N years with a report
    every: bool = False  # 历年 / 每年 / 趋势 without a number
    latest_said: bool = False  # 最新 / 最近一年 typed explicitly
    since: int | None = None  # 2019年以来: every year with a report from then on
    last: int | None = None  # 这四年 (with every): the last N years that have a report
    # A report named by its place among the agency's reports, resolved once the agency is
    # known (resolve_reports): previous / next (of `anchor`), first, latest, last_two;
    # from_end / nth (倒数第二份, 第二份): the `anchor`-th report from the end or the start.
    report: str | None = None
    anchor: int | None = None
    reports: int | None = None  # 四份年报: how many reports the question counts (0: 所有 / 这几份)

    @property
    def explicit(self) -> bool:
        return bool(self.years)


_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年度?)?\s*(?:-|~|到|至)\s*((?:19|20)?\d{2})\s*年?度?")
_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年)?")
_SHORT = re.compile(r"(?<![\d近前后过去最])(\d{2})\s*年度?")
_RECENT = re.compile(r"(?:最近|近|过去|前)\s*(\d{1,2})\s*(?:个)?年(?:度)?")
_COUNTED = re.compile(
    r"(?<![\d年〇零一二三四五六七八九十])(?:这|近|最近)?([两二三四五六七八九十])个?年(?:度)?"
    r"(?:里|内|间|来|中)?"
)
_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
# 平潭四份年报 / 所有年报 / 这几份年报 / 历年年报: every report of the agency's (with 一共 a sum
# over them); the number said is checked against the reports held
_REPORTS_COUNTED = re.compile(
    r"(?:这|那)?([两二三四五六七八九十]|\d{1,2})\s*(?:份|期|篇)\s*(?:年度)?(?:年报|报告|年度报告)"
    r"|(?:所有|全部|这几|这些|那几|各|每[一1]?)(?:份|期|篇)?(?:的)?(?:年度)?(?:年报|报告)"
)
_CARRIED = re.compile(
    r"(结转|顺延)(?:到|至)\s*(?:19|20)\d{2}\s*年度?"
)  # 结转至2026年: no year asked
# 转到明年 / 留到下一年办 / 从上一年转过来: the rows 结转下年度 and 上年结转, not a year asked
_INTO_NEXT = re.compile(
    r"(?:结转|转|留|顺延|延期|延后|推迟|拖|放)(?:到|至|入|进)\s*(?:明年|下一年度|下一年|下年度|下年|次年|第二年)"
)
_FROM_PREVIOUS = re.compile(
    r"从?\s*(?:上一年度|上一年|上年度|上年|前一年|前1年)\s*"
    r"(?:结转过来|结转来|转过来|转来|转入|遗留|留下来|留下|剩下|没办完)"
)
# 新收加结转 / 新收的和结转的: with the year's new applications, 结转 is 上年结转 (V1: 新收 +
# 上年结转 = 办理结果 + 结转下年度), never a year asked nor 结转下年度
_NEW_AND_CARRIED = re.compile(
    r"新收(?:的)?(?:申请)?(?:数量|数)?\s*(和|与|及|以及|跟|加上|加|、)\s*结转(?:的)?(?!下|到|至|继续)"
)
_THIS_YEAR = re.compile(r"[（(]?\s*今年(?:是|指|为)\s*((?:19|20)\d{2})\s*年?\s*[)）]?")
# 上一年度 / 下一年 of the year named (or of today); not 上年结转, 上一年项目数量 (field labels)
# (normalising writes 前一年 / 后一年 as 前1年 / 后1年)
_PREVIOUS = re.compile(
    r"的?(?:上一年度|上一年|上年度|前[一1]年|上年)(?!结转|度结转|项目|的项目|数量)"
)
_NEXT = re.compile(r"(?<![到至转])的?(?:下一年度|下一年|次年|后[一1]年|第二年)(?!结转)")
_EVERY = re.compile(
    r"历年|每年|各年度?|逐年|所有年份|所有年度|历史|这几年|这些年|近几年|几年来|多年来"
)
# 2019年以来 / 2021年至今 / 从2019年起: from that year on (only the years with a report)
_SINCE = re.compile(
    r"(?:从|自)?((?:19|20)\d{2})\s*年度?(?:以来|至今|到现在|到今天|迄今|起(?!诉)|开始|之后|以后)"
)
_LATEST = re.compile(r"最新一年|最近一年|最新的?|最近的")
_RELATIVE = (("大前年", -3), ("前年", -2), ("去年", -1), ("今年", 0), ("明年", 1), ("后年", 2))
# A relative word right after a named year is relative to that year: 2024年的去年 is 2023,
# 2019年的次年 is 2020 (never today's 去年, never the year named itself).
_SHIFTS = {"大前年": -3, "前年": -2, "去年": -1, "上一年度": -1, "上一年": -1, "上年度": -1,
           "前一年": -1, "前1年": -1, "上年": -1, "后年": 2, "明年": 1, "次年": 1, "下一年度": 1,
           "下一年": 1, "后一年": 1, "后1年": 1, "第二年": 1}  # fmt: skip
_ANCHORED = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?\s*的?\s*("
    + "|".join(sorted(_SHIFTS, key=len, reverse=True))
    + r")(?!结转|度结转|项目|的项目|数量)"
)
# 2024年和去年相比: both years, the relative one counted from the named one
_BESIDE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?\s*(和|与|跟|同|比|较|对比)\s*("
    + "|".join(sorted(_SHIFTS, key=len, reverse=True))
    + r")(?!结转|度结转|项目|的项目|数量)"
)


_REPORT = r"(?:的?(?:年度)?(?:年报|报告|年度报告))?"
_STEP_WORDS = {"上": "previous", "前": "previous", "下": "next", "后": "next"}
# 2025年的上一份年报 / 前一期 / 前一年报告 / 下一份: the agency's report before or after the one
# named, whatever the gap (never the year named, never the calendar year before it)
_STEP = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?(?:\s*(?:的|那[一1]?份|那[一1]?期|年报|报告))*\s*"
    r"(?:([上前下后])[一1]?(?:份|期|次)|([上前])[一1]年(?:度)?的?(?:年报|报告|年度报告))" + _REPORT
)
# 最新一年和上一份比 / 最近一期跟前一期相比: the agency's last two reports
_LAST_TWO = re.compile(
    r"(?:最新|最近)(?:一年|一份|一期|的)?" + _REPORT + r"\s*(?:和|与|跟|同|比|较|对比)\s*"
    r"(?:[上前][一1]?(?:份|期|年))" + _REPORT + r"(?:相比|比较|对比|比)?"
)
# 2021年和上一份年报比 / 2023年比上一份多收了多少: the year named and the report before it
_WITH_PREVIOUS = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?" + _REPORT + r"\s*(?:和|与|跟|同|比|较|对比)\s*"
    r"(?:它的|其)?(?:[上前][一1]?(?:份|期))" + _REPORT + r"(?:相比|比较|对比|比)?"
)
# 最早一年和最新一年比 / 第一份年报和最后一份: the agency's first and last reports
_EDGE = (
    r"(?:最早|第[一1]|首)(?:的)?(?:[一1]?(?:年|份|期))?"
    r"|(?:最新|最近|最后)(?:的)?(?:[一1]?(?:年|份|期))?"
)
_FIRST_LAST = re.compile(
    rf"(?:{_EDGE})"
    + _REPORT
    + r"\s*(?:和|与|跟|同|比|较|对比)\s*"
    + rf"(?:{_EDGE})"
    + _REPORT
    + r"(?:相比|比较|对比|比)?"
)
# 上一份年报 with no year it is counted from: asked back, never guessed
_UNANCHORED = re.compile(r"(?:[上前下后][一1](?:份|期)|[上前下后]份|[上前]期)(?:年报|报告|的)")
_LATEST_REPORT = re.compile(r"(?:最近|最新)(?:的)?[一1](?:期|份)" + _REPORT)
_FIRST_REPORT = re.compile(
    r"最早(?:的)?(?:[一1](?:年|份|期))?" + _REPORT + r"|(?:第[一1]|首)(?:份|期)" + _REPORT
)


_ORDINAL = r"([一二两三四五六七八九十1-9])"
# 倒数第二份年报 / 最新一份的上一份 / 第二份年报: the agency's reports counted in its own years
# from the end or the start (倒数 with 份 / 期 / 年报 is never a ranking)
_FROM_END = re.compile(
    r"倒数\s*第?\s*"
    + _ORDINAL
    + r"\s*(?:份|期|个年报|篇|个?年度|年(?!度?报))"
    + _REPORT
    + r"|倒数\s*第?\s*"
    + _ORDINAL
    + r"\s*(?:年报|报告|年度报告)"
)
_BEFORE_LATEST = re.compile(
    r"(?:最近|最新|最后)(?:的)?[一1]?(?:期|份)?"
    + _REPORT
    + r"\s*的?\s*(?:[上前][一1]?(?:份|期))"
    + _REPORT
)
_AFTER_FIRST = re.compile(
    r"(?:最早|第[一1]|首)(?:的)?[一1]?(?:期|份)?"
    + _REPORT
    + r"\s*的?\s*(?:[下后][一1]?(?:份|期))"
    + _REPORT
)
_NTH = re.compile(r"(?<![倒\d])第\s*" + _ORDINAL + r"\s*(?:份|期)" + _REPORT)


_CJK_AFTER = re.compile(r"[\u4e00-\u9fff]{2}")


def counted_reports(text: str) -> tuple[int | None, str]:
    """(how many reports the words count, 0 for 所有 / 这几份; the text with them said as 历年)
    — run before the intent words, which would take 所有 and 各 for agencies."""
    counted = _REPORTS_COUNTED.search(text)
    if counted is None or not _CJK_AFTER.search(text, counted.end()):
        return None, text  # 列出2019年的所有年报: the reports asked for, not a figure of them
    digit = counted.group(1) or "0"
    reports = int(digit) if digit.isdigit() else _NUMBERS[digit]
    return reports, text[: counted.start()] + " 历年 " + text[counted.end() :]


def ordinal_report(text: str) -> tuple[str | None, int | None, str]:
    """(from_end / nth, the count, the text without those words) for a report counted among
    the agency's own (倒数第二份, 最新一份的上一份, 第二份); run before the intent words, so
    that 倒数 here is not read as a ranking."""
    for kind, pattern, fixed in (("from_end", _BEFORE_LATEST, 2), ("nth", _AFTER_FIRST, 2),
                                 ("from_end", _FROM_END, 0), ("nth", _NTH, 0)):  # fmt: skip
        if (m := pattern.search(text)) is not None:
            digit = next((g for g in m.groups() if g), "")
            count = fixed or (int(digit) if digit.isdigit() else _NUMBERS[digit])
            if count >= 1:
                return kind, count, text[: m.start()] + " " + text[m.end() :]
    return None, None, text


def _report_words(text: str) -> tuple[str | None, int | None, str]:
    """(which report of the agency's, the year it is counted from, the text without those
    words) for the words that name a report by its place among the agency's reports."""
    if (m := _WITH_PREVIOUS.search(text)) is not None:
        return "with_previous", int(m.group(1)), text[: m.start()] + " " + text[m.end() :]
    if (m := _STEP.search(text)) is not None:
        kind = _STEP_WORDS[m.group(2) or m.group(3)]
        return kind, int(m.group(1)), text[: m.start()] + " " + text[m.end() :]
    for kind, pattern in (("last_two", _LAST_TWO), ("first_last", _FIRST_LAST),
                          ("latest", _LATEST_REPORT),
                          ("first", _FIRST_REPORT), ("unanchored", _UNANCHORED)):  # fmt: skip
        if (m := pattern.search(text)) is not None:
            return kind, None, text[: m.start()] + " " + text[m.end() :]
    return None, None, text


def resolve_reports(spec: YearSpec, have: list[int]) -> YearSpec | None:
    """The spec with the report it names as years, from the agency's report years (`have`,
    ascending): the previous report of 2025 is 2023 when 2024 is missing. None when there is
    no such report (nothing before the first)."""
    if spec.report is None:
        return spec
    if spec.report == "unanchored":
        return None
    anchor = spec.anchor
    if spec.report == "previous" and anchor is not None:
        years = [y for y in have if y < anchor][-1:]
    elif spec.report == "with_previous" and anchor is not None:
        earlier = [y for y in have if y < anchor][-1:]
        years = [*earlier, anchor] if earlier and anchor in have else []
    elif spec.report == "first_last":
        years = [have[0], have[-1]] if len(have) >= 2 else []
    elif spec.report == "next" and anchor is not None:
        years = [y for y in have if y > anchor][:1]
    elif spec.report == "first":
        years = have[:1]
    elif spec.report == "latest":
        years = have[-1:]
    elif spec.report == "from_end" and anchor is not None:
        years = [have[-anchor]] if len(have) >= anchor else []
    elif spec.report == "nth" and anchor is not None:
        years = [have[anchor - 1]] if len(have) >= anchor else []
    else:
        years = have[-2:] if len(have) >= 2 else []
    if not years:
        return None
    return YearSpec(tuple(years), latest_said=spec.report == "latest")


def extract_years(text: str, *, today: date, comparing: bool = False) -> tuple[YearSpec, str]:
    """(what was said about years, the text with those words removed). `comparing`: the
    question sets two years against each other (2024年的行政复议和上一年比较), so 上一年 away
    from the year named adds the year before instead of replacing it."""
    years: set[int] = set()
    recent: int | None = None

    def take_range(m: re.Match[str]) -> str:
        start, end = int(m.group(1)), int(m.group(2))
        end = end + 2000 if end < 100 else end
        if FIRST_YEAR <= start <= end <= today.year + 1 and end - start <= 30:
            years.update(range(start, end + 1))
            return " "
        return m.group(0)

    def take_full(m: re.Match[str]) -> str:
        years.add(int(m.group(1)))
        return " "

    def take_short(m: re.Match[str]) -> str:
        value = 2000 + int(m.group(1))
        if FIRST_YEAR <= value <= today.year + 1:
            years.add(value)
            return " "
        return m.group(0)

    def take_recent(m: re.Match[str]) -> str:
        nonlocal recent
        recent = max(1, min(int(m.group(1)), 30))
        return " "

    last: int | None = None

    def take_counted(m: re.Match[str]) -> str:
        nonlocal recent, last
        if m.group(0).startswith("这"):
            last = _NUMBERS[m.group(1)]  # 这四年: the reports of the talk, not 2022 to 2025
        else:
            recent = _NUMBERS[m.group(1)]
        return " "

    since: int | None = None
    if (start := _SINCE.search(text)) is not None and int(start.group(1)) >= FIRST_YEAR:
        since = int(start.group(1))
        text = text[: start.start()] + " " + text[start.end() :]
    text = _FROM_PREVIOUS.sub("上年结转", _INTO_NEXT.sub("结转下年度", text))
    text = _NEW_AND_CARRIED.sub(r"新收申请\1上年结转", text)
    report, anchor, text = _report_words(text)
    text = _ANCHORED.sub(lambda m: f"{int(m.group(1)) + _SHIFTS[m.group(2)]}年 ", text)
    text = _BESIDE.sub(
        lambda m: f"{m.group(1)}年{m.group(2)}{int(m.group(1)) + _SHIFTS[m.group(3)]}年 ", text
    )
    reference = today.year
    said = _THIS_YEAR.search(text)
    if said:
        reference = int(said.group(1))
        text = text[: said.start()] + " " + text[said.end() :]
    shift = 0
    if _PREVIOUS.search(text):
        shift, text = -1, _PREVIOUS.sub(" ", text)
    elif _NEXT.search(text):
        shift, text = 1, _NEXT.sub(" ", text)
    text = _CARRIED.sub(r"\1下年度", text)
    text = _COUNTED.sub(take_counted, text)
    text = _RECENT.sub(take_recent, text)
    text = _RANGE.sub(take_range, text)
    text = _FULL.sub(take_full, text)
    text = _SHORT.sub(take_short, text)
    for word, delta in _RELATIVE:
        if word in text:
            years.add(reference + delta)
            text = text.replace(word, " ")
    if shift and years and comparing:
        years |= {y + shift for y in years}
    elif shift:
        years = {y + shift for y in years} if years else {reference + shift}
    every = bool(_EVERY.search(text)) or since is not None or last is not None
    text = _EVERY.sub(" ", text)
    latest = bool(_LATEST.search(text))
    text = _LATEST.sub(" ", text)
    if report is not None:  # the years are the agency's reports: resolve_reports
        return YearSpec(report=report, anchor=anchor), re.sub(r"\s+", " ", text).strip()
    spec = YearSpec(tuple(sorted(years)), recent, every, latest, since, last)
    return spec, re.sub(r"\s+", " ", text).strip()


# Reports count whole years: a month, quarter or half-year asked has no figure of its own.
_FINER = re.compile(
    r"(?:(?<!\d)(?:1[0-2]|[1-9])|十[一二]|[一二三四五六七八九十])\s*个?\s*月份?"
    r"(?!\s*[\d一二三四五六七八九十]+\s*[日号])|季度|季报|上半年|下半年|半年度?|每个?月|月均|月度"
)
_WHOLE_YEAR = re.compile(r"1\s*月\s*1\s*日.{0,4}12\s*月\s*31\s*日")


def finer_than_year(text: str) -> str | None:
    """The words asking for a month, quarter or half-year (12月份, 第一季度, 上半年), if any;
    1月1日至12月31日 is the whole year."""
    if _WHOLE_YEAR.search(text):
        return None
    found = _FINER.search(text)
    return found.group(0) if found else None


_YEAR_AT = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2}(?=\s*年))(?!\d)")


def years_by_place(
    text: str, names: list[str], asked: tuple[int, ...]
) -> list[tuple[int, ...]] | None:
    """The years each place is asked in, when the question writes them beside each place and
    they are not one year for all (洪泽区2023年与淮安市2024年 / 2023年洪泽区和2024年淮安市 /
    平潭2019年、2021年和洪泽区2024年): the years of each name, in the order of `names`;
    None when the years are said for all places together (or not by the digits found among
    `asked`), so that no place's year is replaced by another's."""
    at = _places_at(text, names)
    found = [(m.start(), _full_year(m.group(1))) for m in _YEAR_AT.finditer(text)]
    if len(names) < 2 or min(at) < 0 or {y for _, y in found} != set(asked):
        return None
    order = sorted(range(len(names)), key=lambda i: at[i])
    starts = [at[i] for i in order]
    ends = [at[i] + len(names[i]) for i in order]
    for after in (True, False):  # the years written after their place, or before it
        bounds = (
            list(zip(starts, [*starts[1:], len(text) + 1], strict=True))
            if after
            else list(zip([-1, *ends[:-1]], starts, strict=True))
        )
        segments = [tuple(sorted({y for p, y in found if a <= p < b})) for a, b in bounds]
        outside = [y for p, y in found if not any(a <= p < b for a, b in bounds)]
        if not outside and all(segments):
            if len(set(segments)) < 2:
                return None  # one year for all: said once per place
            years: list[tuple[int, ...]] = [()] * len(names)
            for position, i in enumerate(order):
                years[i] = segments[position]
            return years
    return None


def _places_at(text: str, names: list[str]) -> list[int]:
    """Where each name is written, the longer first, a shorter one never inside it (淮安市 in
    淮安市洪泽区2023年和淮安市2024年 is the second); -1 when it is not."""
    taken: list[tuple[int, int]] = []
    at = [-1] * len(names)
    for i in sorted(range(len(names)), key=lambda i: -len(names[i])):
        start = text.find(names[i]) if names[i] else -1
        while start >= 0 and any(a < start + len(names[i]) and start < b for a, b in taken):
            start = text.find(names[i], start + 1)
        if start >= 0:
            taken.append((start, start + len(names[i])))
        at[i] = start
    return at


def _full_year(said: str) -> int:
    return int(said) + 2000 if len(said) == 2 else int(said)


def with_years_written(text: str, read: list[tuple[str, int]]) -> str:
    """The text with each word read relative to today written as its year (去年 → 2025年),
    so that years_by_place pairs it with its place."""
    for word, year in read:
        text = text.replace(word, f"{year}年", 1)
    return text


def relative_reading(text: str, today: date) -> list[tuple[str, int]]:
    """(each word, the year it was read as) when the question dates itself only by words
    relative to today (去年, 上年, 前年): the answer says how they were read. Empty when a
    year is written (2024年的去年 is counted from it) or no such word is there."""
    text = _FROM_PREVIOUS.sub("上年结转", _INTO_NEXT.sub("结转下年度", text))
    if _THIS_YEAR.search(text) or _FULL.search(text) or _SHORT.search(text):
        return []
    found = []
    for word, delta in _RELATIVE:
        if word in text:
            found.append((word, today.year + delta))
            text = text.replace(word, " ")
    for pattern, delta in ((_PREVIOUS, -1), (_NEXT, 1)):
        if not found and (m := pattern.search(text)) is not None:
            found.append((m.group(0).removeprefix("的"), today.year + delta))
    return sorted(found, key=lambda wy: -wy[1])
