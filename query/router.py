"""The router: one question's detection in, the one intent module that answers it out.

The order of the checks is the policy: say what is not understood or not there before anything
else, never answer for an agency or year the question did not name, and ask when the words
name several agencies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from names import DEPARTMENT_ENDINGS, PLACE_NICKNAMES
from parsers.fields import FIELDS
from query import (
    absent,
    availability,
    calculation,
    checks,
    compare,
    computed,
    help,
    overview,
    rank,
    series,
    texts,
    value,
)
from query.agencies import Place
from query.answer import Answer, Choice, Intent
from query.catalog import COLUMNS, short_label, template_keys
from query.common import (
    DEFAULT_KEY,
    MAX_CHOICES,
    WHOLE_COUNTRY,
    Context,
    label,
    pick,
    region_name,
    report_key,
    token,
    with_nearest,
)
from query.facts import counts_alike, unit_asked
from query.fieldmatch import APPLICANT_WORDS, GENERIC_ROWS
from query.normalize import normalize
from query.several import answer as answer_apart
from query.source import AgencyInfo, ReportInfo
from query.understand import Detection, detect_question
from query.years import finer_than_year, relative_reading, resolve_reports

OFFICE_ENDINGS = tuple(e for e in DEPARTMENT_ENDINGS if len(e) >= 1 and e not in ("行", "社"))


_WHICH_YEAR = re.compile(r"哪[一1]?年|什么时候|几几年|哪个年度|哪一年度")
_RANK_WORDS = re.compile(r"^(?:前|后|倒数)(?:[0-9]+|[一二三四五六七八九十百]+)(?:名|位|个)?$")


def unnamed_scope(det: Detection) -> str:
    """The words of a ranking question left unexplained that may name its scope: not 全国 and
    the like, not 前十 (the hints read those); two characters or more."""
    words = [
        w
        for w in det.unexplained.split()
        if w not in WHOLE_COUNTRY and not _RANK_WORDS.match(w) and len(w) >= 2
    ]
    return "".join(words)


def route(ctx: Context) -> Answer:
    """The answer, saying how a year written relative to today (去年, 上年) was read."""
    answer = _route(ctx)
    if ctx.part or ctx.corrected or answer.status == "not_understood":
        return answer
    read = relative_reading(normalize(ctx.question), ctx.today)
    if not read:
        return answer
    words = "".join(f"“{w}”" for w, _ in read)
    years = "、".join(str(y) for _, y in read)
    note = texts.RELATIVE_YEAR.format(words=words, today=ctx.today.year, years=years)
    return replace(answer, text=f"{note}\n{answer.text}")


def _route(ctx: Context) -> Answer:
    question = ctx.question
    if not question or not question.strip():
        return ctx.reply("not_understood", None, texts.EMPTY)
    det = detect_question(question, index=ctx.index, today=ctx.today)
    hints = det.hints
    if det.empty or (not det.has_cjk and not hints.has("help") and not det.years.years):
        return ctx.reply("not_understood", None, texts.NOT_UNDERSTOOD)
    if det.scan.slips and (fixed := retry(ctx, det, *det.scan.slips[0])) is not None:
        return fixed  # 洪泽区人民正府: 人民政府 meant
    if (typed := ctx.index.pinyin_place(det.text)) and (fixed := retry(ctx, det, *typed)):
        return fixed  # pingtan 2023: 平潭, said so
    nickname = next((n for n in PLACE_NICKNAMES if n in det.text), None)
    if (
        nickname
        and not det.scan.places
        and (fixed := retry(ctx, det, nickname, PLACE_NICKNAMES[nickname]))
    ):
        return fixed  # 岚岛 2023: 平潭, said so
    if (apart := answer_apart(ctx, det, route)) is not None:
        return apart  # 申请数和复议纠错率各是多少: each figure, never one as the whole answer
    if (undefined := calculation.undefined_rate(det)) is not None:
        return undefined_rate(ctx, *undefined)
    places = det.scan.places
    about = help.topic(det.text)
    if about is not None:
        return help.answer(ctx, about)
    if hints.has("help") and not places and det.key is None:
        return help.answer(ctx)
    if hints.has("availability") and det.key is None:
        return availability.answer(ctx, places)
    which = det.years.report
    if which in ("first", "latest") and det.key is None and _WHICH_YEAR.search(det.text):
        return availability.which_report(ctx, places, which)  # 平潭最早的年报是哪一年
    if det.years.report is not None and (len(places) != 1 or hints.has("rank")):
        return ctx.reply("no_data", intent_of(det), texts.REPORT_OF_ONE)  # 各单位的上一份年报
    if det.key is not None and (period := finer_than_year(det.text)) is not None:
        # a table cell or set fact is a whole year's; a free fact may be about 季度通报
        return ctx.reply("no_data", intent_of(det), texts.NOT_BY_PERIOD.format(word=period))
    if det.scan.unknown and (
        not any(p.by_name for p in places) or det.scan.unknown.endswith(OFFICE_ENDINGS)
    ):
        unknown = det.scan.unknown or ""
        if unknown.endswith(OFFICE_ENDINGS) and (within := absent.inside(ctx, det, unknown)):
            return within  # 平潭2019年区社会事业局…: a sentence of 平潭's own report
        if (held := held_instead(ctx, det, unknown)) is not None:
            return held  # 洪泽区政府办: the district government's report, offered, not answered
        if (fixed := sound_alike(ctx, det, unknown)) is not None:
            return fixed
        text = texts.UNKNOWN_PLACE.format(place=unknown)
        return with_nearest(ctx, det, text, unknown, intent_of(det))
    one = len(places) == 1 and pick(places[0]) is not None and not hints.has("rank")
    if det.no_split and det.field is not None and not one:  # 行政复议里企业: never its total
        row, word = det.field.row, det.no_split
        column = next(c for w, c in APPLICANT_WORDS if w == word)
        near = f"{label(row.prefix)}（总计）、{short_label('apply.new.' + column)}（表三）"
        text = texts.NO_APPLICANT_SPLIT.format(row=row.name, word=word, near=near)
        return ctx.reply("no_data", intent_of(det), text)
    if (
        hints.has("rank")
        and hints.rate
        and not own_years(det)
        and not _WHICH_YEAR.search(det.text)
    ):
        return rank.rates(ctx, det)  # 哪个单位的公开率最高: each agency's own rate
    if hints.has("rank") and (added := calculation.added_keys(det)):
        return added_apart(ctx, added)  # 哪个单位新收加结转最多: never one row ranked
    if hints.has("rank") and (places or det.key is not None) and not own_years(det):
        if unnamed_figure(det):  # 淮安市哪个单位培训最多: never 新收申请 ranked
            return not_named(ctx, det, compare.resolve_many(places))
        if not places and (unnamed := unnamed_scope(det)):
            # 火星 / 北京 申请数量 排名: a place with no reports is no reason to rank the country
            if (fixed := sound_alike(ctx, det, unnamed)) is not None:
                return fixed
            text = texts.UNKNOWN_PLACE.format(place=unnamed)
            return with_nearest(ctx, det, text, unnamed, "rank")
        return rank.answer(ctx, det)
    if not places:
        if det.key is None:
            return ctx.reply("not_understood", None, texts.NOT_UNDERSTOOD)
        if len(det.leftover) >= 2 and (fixed := sound_alike(ctx, det, det.leftover)):
            return fixed
        if len(det.leftover) >= 2 and ctx.index.nearest(det.leftover):
            text = texts.NOT_FOUND.format(place=det.leftover)
            return with_nearest(ctx, det, text, det.leftover, intent_of(det))
        example = f"{ctx.example_place()} {label(det.key)}"
        return ctx.reply("not_understood", "value", texts.NO_PLACE.format(example=example))
    office = next((p for p in places[1:] if _an_office(p)), None)
    if office is not None:  # 平潭区政府办: 平潭's office, never another place's 府办
        office_named = places[0].text + office.text
        if (held := held_instead(ctx, det, office_named)) is not None:
            return held
        text = texts.NO_DEPARTMENT.format(place=office_named)
        return with_nearest(ctx, det, text, office_named, intent_of(det))
    if len(places) >= 2 and (lacking := next((p for p in places if not p.own), None)):
        return not_at_level(ctx, det, lacking)
    ids = compare.resolve_many(places) if len(places) >= 2 else []
    if len(ids) == 1 and all(len(p.agencies) == 1 for p in places):
        places = [places[0]]  # 《问政平潭有事你说》 names 平潭 again: still one agency
    elif len(ids) == 1 and (named := [p for p in places if p.by_name and pick(p) == ids[0]]):
        places = named[:1]  # 淮安市…《淮安市人民政府公报》: the agency named, once
    if len(places) >= 2 and unnamed_figure(det):
        return not_named(ctx, det, ids)  # 平潭和洪泽区培训了几次: never 新收申请 guessed
    if len(places) >= 2 and (added := calculation.added_keys(det)):
        return added_apart(ctx, added)  # 平潭和洪泽区新收加结转: never one row of each
    computes = hints.has("difference") or hints.has("yoy") or calculation.over_agencies_asked(det)
    if len(places) >= 2 and det.key is None and computes and not hints.rate:
        return ctx.reply("no_data", "computed", texts.WHICH_FIGURE)  # never 新收申请 guessed
    if len(places) >= 2 and len(det.years.years) >= 2:
        return compare.years_apart(ctx, det, places, ids)  # 洪泽区2023年与淮安市2024年
    if len(places) >= 2 and len(ids) == 2 and (hints.has("difference") or hints.has("yoy")):
        year = det.years.years[-1] if det.years.years else None
        fall = calculation.asks_fall(det)
        return computed.difference(ctx, ids, year, det.key or DEFAULT_KEY, fall=fall)
    if len(places) >= 2 and hints.rate:
        year = det.years.years[-1] if det.years.years else None
        agencies = [ctx.index.info[a] for a in ids]
        common = set.intersection(*(set(ctx.source.years(a.id)) for a in agencies))
        year = year or (max(common) if common else None)
        if year is not None:
            return computed.rates(ctx, agencies, [year], hints.rate)
    if len(places) >= 2:
        how = calculation.over_agencies_asked(det)
        if how is not None:
            ids = compare.resolve_many(places)
            year = det.years.years[-1] if det.years.years else None
            return computed.over_agencies(ctx, ids, year, det.key or DEFAULT_KEY, how)
        return compare.answer(ctx, det)
    place = places[0]
    several = len(place.agencies) > 1 and place.department is None and not place.by_name
    over_region = several and (hints.has("compare") or hints.has("total"))
    if det.years.report is not None and (pick(place) is None or over_region):
        return ctx.reply("no_data", intent_of(det), texts.REPORT_OF_ONE)
    if several and unnamed_figure(det) and (hints.has("compare") or hints.has("total")):
        return not_named(ctx, det, compare.resolve_many(places))  # 各单位培训合计
    if hints.has("compare") and several and not det.years.recent and len(det.years.years) < 2:
        members = list(place.agencies[: compare.MAX_COMPARE])
        # a region compares its agencies in one year, not one agency over the years: say so
        example = f"{ctx.index.info[members[0]].name} {label(det.key or DEFAULT_KEY)}"
        note = texts.COMPARE_REGION.format(place=place.text, count=len(place.agencies),
                                           example=example)  # fmt: skip
        return compare.answer(ctx, det, members, note=note)
    if hints.has("total") and (hints.has("every_agency") or (several and place.preferred is None)):
        if added := calculation.added_keys(det):
            return added_apart(ctx, added)  # 各单位新收加结转合计: never one row added up
        return rank.total(ctx, det, place)  # 各单位合计: every agency's same cell added
    intent = intent_of(det)
    if not place.agencies:
        if place.department and (within := absent.inside(ctx, det, place.text)) is not None:
            return within  # 洪泽区政府办代表区政府受理…: a sentence of the district's report
        if place.department and (held := held_instead(ctx, det, place.text)) is not None:
            return held  # 洪泽区政府办: the district government's report, offered
        if place.department:
            text = texts.NO_DEPARTMENT.format(place=place.text)
        else:
            text = texts.NO_AGENCY_IN_REGION.format(place=place.text, department="")
        return with_nearest(ctx, det, text, place.text, intent)
    agency_id = pick(place)
    if agency_id is None and not place.own:
        return not_at_level(ctx, det, place)
    if agency_id is None:
        return choose_agency(ctx, intent, det, place)
    agency = ctx.index.info[agency_id]
    if det.own_level and agency.level != "government":  # 上海本级: not the 办公厅's report
        text = texts.NO_OWN_LEVEL.format(place=place.text, agency=agency.name)
        return ctx.reply("no_data", intent, text)
    notes = []
    if place.department is None and not place.by_name and agency.level != "government":
        region = region_name(ctx.index.region_of.get(agency.id, "")) or place.text
        notes.append(texts.DEPARTMENT_REPORT.format(agency=agency.name, region=region))
    return for_agency(ctx, intent, agency, None, det.key, det, notes)


# A place's government or its office as people write them (区府办, 市政府, 人民政府办公室),
# and 综改区 for a 综合实验区: the report we hold for that place is offered, never answered
_GOVERNMENT_WORDS = re.compile(
    r"(?:人民政府办公厅|人民政府办公室|政府办公厅|政府办公室|府办公室|政府办|府办|办公厅|办公室"
    r"|人民政府|政府|综改区|综合改革实验区|综合改革区)$"
)


_OFFICES = ("人民政府办公厅", "人民政府办公室", "政府办公厅", "政府办公室")


def _an_office(place: Place) -> bool:
    """A government office named with no place of its own (府办, 政府办 after 平潭区) — not an
    office's full name, which is an agency of its own (东长市平兴县人民政府办公室)."""
    return (
        place.region is None and not place.by_name and bool(_GOVERNMENT_WORDS.search(place.text))
    )


def held_instead(ctx: Context, det: Detection, unknown: str) -> Answer | None:
    """A question back offering the one report held at the place's own level (淮安市洪泽区人民
    政府 for 洪泽区政府办, 上海市人民政府办公厅 for 上海市政府), saying whose report it is;
    None when the words name no such place or it has none or several."""
    said = _GOVERNMENT_WORDS.search(unknown)
    if said is None:
        return None
    stem = unknown[: said.start()]
    places = ctx.index.scan(stem).places if len(stem) >= 2 else det.scan.places
    ids = list(dict.fromkeys(a for p in places for a in p.own))
    if len(ids) != 1:
        return None
    agency = ctx.index.info[ids[0]]
    if agency.level != "government" and not agency.name.endswith(_OFFICES):
        return None  # 金安区政府: a bureau's report is no report of the government's
    intent = intent_of(det)
    text = texts.HELD_INSTEAD.format(asked=unknown, agency=agency.name)
    return ctx.reply("choose", intent, text, choices=agency_choices(det, ctx, ids, intent))


def added_apart(ctx: Context, keys: list[str]) -> Answer:
    """Figures to add asked of several agencies or years at once: asked one at a time."""
    names = "＋".join(label(k) for k in keys)
    return ctx.reply("no_data", "computed", texts.NOT_ADDED_SEVERAL.format(names=names))


def undefined_rate(ctx: Context, word: str, part: str) -> Answer:
    """予以公开率, 维持率: no rate of the template; what is defined, and how to name a whole."""
    review = any(part in c.words for c in COLUMNS if c.family == "review")
    whole = "行政复议总数" if review else "办理结果总计"
    text = texts.UNDEFINED_RATE.format(word=word, part=part, whole=whole)
    return ctx.reply("no_data", "computed", text)


def unnamed_figure(det: Detection) -> bool:
    """No field or fact named, and words nothing explains (培训, 公报): no figure is chosen for
    them (the default 新收申请 is for questions naming only places)."""
    return det.key is None and bool(det.asked or det.unexplained) and not det.hints.rate


def not_named(ctx: Context, det: Detection, ids: list[int]) -> Answer:
    """Several agencies asked about words no field or fact explains: what is not there, as
    the first agency's report says it (its nearest fields as choices)."""
    agency = ctx.index.info[ids[0]] if ids else None
    have = ctx.source.years(agency.id) if agency is not None else []
    year = asked_year(det, have) if have else None
    if agency is None or year is None:
        return ctx.reply("no_data", "compare", texts.WHICH_FIGURE)
    return absent.answer(ctx, agency, year, det, [], words=det.unexplained)


def own_years(det: Detection) -> bool:
    """平潭各年度行政复议从多到少排序: one agency's years put in order, not agencies ranked."""
    places, years = det.scan.places, det.years
    several = years.every or bool(years.recent) or len(years.years) >= 2 or det.hints.has("series")
    one = len(places) == 1 and pick(places[0]) is not None
    return several and one and not det.hints.has("every_agency")


def sound_alike(ctx: Context, det: Detection, typed: str) -> Answer | None:
    """The answer for the question with a misspelt name put right, when exactly one known name
    or place sounds like what was typed (a pinyin slip); None otherwise (then we ask)."""
    if ctx.corrected:
        return None
    slips = ctx.index.sound_alike(typed)
    if not slips:
        return None
    wrong, known = slips[0]  # the longest; shorter ones inside it are the same name
    if any(other not in known for _, other in slips[1:]):
        return None  # sounds like two different names: ask
    return retry(ctx, det, wrong, known)


def retry(ctx: Context, det: Detection, wrong: str, known: str) -> Answer | None:
    """The answer for the question with `wrong` put right as `known`, saying so; None when
    the question is not answered even so (then the question as typed is answered or asked)."""
    if ctx.corrected:
        return None
    fixed = replace(ctx, question=det.text.replace(wrong, known), corrected=f"{wrong}→{known}")
    answer = route(fixed)
    if answer.status not in ("answer", "choose"):
        return None
    note = texts.TYPO.format(name=known, typed=wrong)
    return replace(answer, question=ctx.question, text=f"{note}\n{answer.text}")


# 表四's groups, each with the same columns (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)
_REVIEW_GROUPS = ("review", "litigation.direct", "litigation.after_review")
# Words that name a cell of the tables and a fact of the prose alike: asked back.
_TWO_THINGS = {
    "收费": ("proactive.fees.amount", "text.fees_collected"),  # 行政事业性收费 or 信息处理费
    "收了多少钱": ("proactive.fees.amount", "text.fees_collected"),
    "收多少钱": ("proactive.fees.amount", "text.fees_collected"),
    "收了多少费用": ("proactive.fees.amount", "text.fees_collected"),
    "收多少费用": ("proactive.fees.amount", "text.fees_collected"),
    "费用": ("proactive.fees.amount", "text.fees_collected"),
    "公开了多少": ("text.proactive.total", "result.public.total"),  # 主动公开 or 予以公开
}


def two_readings(det: Detection, report: ReportInfo | None = None) -> list[str]:
    """Rows of different tables named together (行政许可收费: 许可 or 收费?), a word naming a
    cell and a prose fact (收费, 公开了多少), 规章 with no column (本年制发, 废止 and 现行
    有效 are three different counts), or a column of 表四 with no group (结果维持: 复议, 直接
    起诉 or 复议后起诉?): the candidates, to choose; empty when the words name one figure."""
    field = det.field
    if field is None or det.fact is not None:
        return []
    if field.column is None and field.matched in _TWO_THINGS and "金额" not in det.text:
        return list(_TWO_THINGS[field.matched])
    if field.column_only and field.row.family == "review" and field.column:
        # 结果维持 / 尚未审结 with neither 复议 nor 诉讼 named: each of 表四's three groups has it
        return [f"{group}.{field.column}" for group in _REVIEW_GROUPS]
    if field.column_only and field.others and report is not None:
        # 本年新制作数量 / 处理决定数量: the rows of 表二 that have the column
        keys = template_keys(report.template)
        rows = (field.row, *field.others)
        return [k for r in rows if (k := f"{r.prefix}.{field.column}") in keys]
    if field.row.family == "documents" and field.column is None and report is not None:
        keys = template_keys(report.template)
        return [k for k in FIELDS if k in keys and k.rpartition(".")[0] == field.row.prefix]
    others = [r for r in field.others if r.family != field.row.family]
    others = [r for r in others if r.prefix not in GENERIC_ROWS and r.prefix != "result.total"]
    return [field.row.prefix, *(r.prefix for r in others)] if others else []


def choose_row(ctx: Context, agency: AgencyInfo, year: int, rows: list[str]) -> Answer:
    choices = [
        Choice(label(row), token("value", agency.id, year, row), agency.name, year, row)
        for row in rows[:MAX_CHOICES]
    ]
    text = texts.WHICH_ROW.format(names="、".join(c.label for c in choices))
    return ctx.reply("choose", "value", text, choices=choices)


def asked_year(det: Detection, have: list[int]) -> int | None:
    """The one year asked, or the latest report's; None when the year asked has none."""
    if det.years.years:
        year = det.years.years[-1]
        return year if year in have else None
    return have[-1]


def row_key_of(det: Detection) -> str | None:
    return det.key


def intent_of(det: Detection) -> Intent:
    hints, years = det.hints, det.years
    if hints.has("checks"):
        return "checks"
    named_only = det.key is None and not det.asked and not hints.words - {"total"}
    if hints.has("overview") or named_only:
        return "overview" if not hints.has("series") else "series"
    if years.recent or years.every or len(years.years) >= 2 or hints.has("series"):
        return "series"
    if hints.has("compare"):
        return "series"
    return "value"


def agency_choices(
    det: Detection, ctx: Context, ids: Sequence[int], intent: Intent
) -> list[Choice]:
    key = row_key_of(det)
    year = det.years.years[0] if len(det.years.years) == 1 else None
    info = ctx.index.info
    return [
        Choice(info[a].name[:30], token(intent, a, year, key), info[a].name, year, key or "")
        for a in ids[:MAX_CHOICES]
    ]


def choose_agency(ctx: Context, intent: Intent, det: Detection, place: Place) -> Answer:
    choices = agency_choices(det, ctx, place.own, intent)
    text = texts.CHOOSE_AGENCY.format(place=place.text)
    if len(place.own) > MAX_CHOICES:
        text += texts.MORE_AGENCIES.format(count=len(place.own))
    return ctx.reply("choose", intent, text, choices=choices)


def not_at_level(ctx: Context, det: Detection, place: Place) -> Answer:
    """A place whose own level has no report (六安市 when only a bureau of 金安区 is loaded,
    江苏省 when only 淮安市 is): said, with the agencies inside it as choices, never answered."""
    if not place.agencies:
        if place.department and (within := absent.inside(ctx, det, place.text)) is not None:
            return within  # 平潭2019年区市场监督管理局…: a sentence of 平潭's own report
        if place.department and (held := held_instead(ctx, det, place.text)) is not None:
            return held  # 上海市政府: the 办公厅's report, offered
        text = texts.NO_DEPARTMENT.format(place=place.text)
        return with_nearest(ctx, det, text, place.text, intent_of(det))
    choices = agency_choices(det, ctx, place.agencies, intent_of(det))
    names = "、".join(c.agency for c in choices)
    text = texts.NOT_AT_LEVEL.format(place=place.text, names=names)
    return ctx.reply("no_data", intent_of(det), text, choices=choices)


def for_agency(
    ctx: Context,
    intent: Intent,
    agency: AgencyInfo,
    year: int | None,
    key: str | None,
    det: Detection | None,
    notes: list[str],
) -> Answer:
    """An answer about one agency: the year is the one asked, or the latest (said so)."""
    have = ctx.source.years(agency.id)
    if not have:
        return ctx.reply("no_data", intent, texts.UNKNOWN_PLACE.format(place=agency.name))
    if det is not None and det.years.report is not None:  # 2025年的上一份: 2023 if no 2024
        resolved = resolve_reports(det.years, have)
        if resolved is None:
            text = texts.NO_SUCH_REPORT[det.years.report].format(
                agency=agency.name,
                year=det.years.anchor,
                have="、".join(map(str, have)),
                count=len(have),
            )
            return ctx.reply("no_data", intent, text)
        if det.years.report in texts.REPORT_RESOLVED:
            said = texts.REPORT_RESOLVED[det.years.report]
            years = "、".join(map(str, have))
            notes = [*notes, said.format(anchor=det.years.anchor, year=resolved.years[0],
                                         have=years)]  # fmt: skip
        det = replace(det, years=resolved)
        intent = intent if intent in ("availability", "overview", "checks") else intent_of(det)
    if intent == "availability":
        return availability.for_agency(ctx, agency, have)
    if det is not None and det.unexplained and intent != "overview":
        year = asked_year(det, have)  # 申请人满意度: not 新收申请数量, whatever the year
        if year is None:
            return ctx.no_year("value", agency, have, det.years.years, None)
        return absent.answer(ctx, agency, year, det, notes, words=det.unexplained)
    if key is None and det is not None and det.asked and intent != "overview":
        year = asked_year(det, have)
        if year is None:
            return ctx.no_year("value", agency, have, det.years.years, None)
        return absent.answer(ctx, agency, year, det, notes)
    several_years = det is not None and (len(det.years.years) > 1 or intent == "series")
    if several_years and det is not None and (added := calculation.added_keys(det)):
        return added_apart(ctx, added)  # 2023年和2025年新收加结转: never one of them a year
    if det is not None and (over := calculation.over_years_asked(det)) is not None:
        return calculation.for_years(ctx, agency, have, det, over)
    if intent == "series" and det is not None and det.hints.rate:
        return computed.rates(ctx, [agency], series.years_asked(have, det), det.hints.rate)
    if intent == "series":
        return series.answer(ctx, agency, have, key or DEFAULT_KEY, det)
    asked = det.years.years if det else ((year,) if year else ())
    if len(asked) > 1:
        return series.answer(ctx, agency, have, key or DEFAULT_KEY, det)
    if asked:
        year = asked[0]
        if year not in have:
            return ctx.no_year(intent, agency, have, (year,), key)
    else:
        year = have[-1]
        if det is not None:
            notes = [*notes, texts.LATEST.format(year=year)]
    if intent == "overview":
        return overview.answer(ctx, agency, year, notes)
    if intent == "checks":
        return checks.answer(ctx, agency, year, notes)
    if det is not None and calculation.in_report_asked(det):
        return calculation.in_report(ctx, agency, year, det, notes)
    if det is not None and (rows := two_readings(det, ctx.source.report(agency.id, year))):
        return choose_row(ctx, agency, year, rows)
    if det is not None and key is not None and counted_amount(ctx, agency, year, key):
        return absent.answer(ctx, agency, year, det, notes)  # 政府采购项目信息公开了多少条
    if det is not None and (added := calculation.added_keys(det)):
        return calculation.add_named(ctx, agency, year, added, notes)  # never one of them
    if det is not None and det.field is not None and (written := _TABLE_SAID.search(det.text)):
        table = _TABLE_OF.get(det.field.row.family, "")
        if written.group(1) != table:  # 表四里的新收申请: 新收申请 is 表三's, said so
            notes = [*notes, texts.OTHER_TABLE.format(said=written.group(0), table=table,
                                                      label=det.field.row.name)]  # fmt: skip
    return value.answer(ctx, agency, year, key or DEFAULT_KEY, det, notes)


_TABLE_SAID = re.compile(r"表\s*([一二三四])")
_TABLE_OF = {"documents": "二", "items": "二", "fees": "二", "procurement": "二",
             "applicant": "三", "review": "四"}  # fmt: skip


def counted_amount(ctx: Context, agency: AgencyInfo, year: int, key: str) -> bool:
    """The key is an amount of 表二 (采购总金额, 万元) and the question counts things (多少条):
    what the prose counts in the same words, never the amount."""
    report = ctx.source.report(agency.id, year)
    full = report_key(report, key) if report is not None else None
    asked = unit_asked(ctx.question)
    return (
        full in FIELDS and FIELDS[full].is_amount and asked not in (None, "%")
        and not counts_alike(asked, FIELDS[full].unit)
    )  # fmt: skip
