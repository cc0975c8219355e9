"""Words that name no table cell and no set fact of the prose: a free fact of the report that
the words pick, or "年报里没有“财政预算”这一项" with the nearest real fields as choices.

Never the overview card full of numbers nobody asked for.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from parsers.prose import TEXT_FACTS
from query import texts, value
from query.answer import Answer, Choice
from query.catalog import ROWS, key_for, template_keys
from query.common import Context, pick, token
from query.facts import (
    bare,
    bare_verb,
    content_words,
    counts_alike,
    figures_in,
    find_free,
    find_stated,
    is_free,
    same_verbs,
    stated_words,
    unit_asked,
)
from query.normalize import compact, normalize
from query.source import AgencyInfo, FigureInfo
from query.understand import Detection

_NEAREST_CUTOFF = 40.0
_FALLBACK = ("apply.new", "text.proactive.total", "review")
# (what a choice is called, the key it asks for)
_NAMES: list[tuple[str, str]] = [(row.name, row.prefix) for row in ROWS] + [
    (name, key) for key, name in TEXT_FACTS.items()
]


def answer(
    ctx: Context,
    agency: AgencyInfo,
    year: int,
    det: Detection,
    notes: list[str],
    *,
    words: str = "",
) -> Answer:
    """`words`: what the question asks beyond a field or fact it names (满意度 of 申请人满意度);
    a sentence of the prose may state it, else it is not there."""
    report = ctx.source.report(agency.id, year)
    if report is None:
        return ctx.no_year("value", agency, ctx.source.years(agency.id), (year,), None)
    facts = ctx.source.facts(agency.id, year)
    named = det.fact.word if det.fact else (det.field.matched if det.field else "")
    said = f"{bare_verb(det.text)} {det.asked}".strip()  # 出了几期公报: 制作 公报
    titled, said = _titled(ctx.question, facts, said)
    unit, figures = unit_asked(ctx.question), figures_in(normalize(ctx.question))
    if (only := _one_counted(titled, facts, unit)) is not None:
        return value.answer(ctx, agency, year, only, None, notes)
    fact = facts.get(det.fact.key) if det.fact else None
    if (
        fact is not None
        and words
        and (unit is None or (fact.unit is not None and counts_alike(unit, fact.unit)))
        and _states(fact, words)
    ):  # 对29项…政策文件进行解读 (not 合格率 of the sentence stating 政务新媒体95个)
        return value.answer(ctx, agency, year, fact.key, None, notes)
    for asked in (f"{said} {named}", said) if words else (said,):
        picked, candidates = find_free(asked, titled, unit, figures)
        if picked is not None and (not words or _states(facts[picked], words)):
            if asked == said and _names_other(det, named, facts[picked]):
                continue  # 公报刊登多少件政策解读: 刊登政府规章112件 does not count 政策解读
            return value.answer(ctx, agency, year, picked, None, notes)
    stated = find_stated(det.scan.rest, titled, unit, figures, restated=True)
    if stated is not None and not is_free(stated):  # 清理并集中发布现行有效行政规范性文件多少件
        return value.as_stated(ctx, agency, year, stated, facts[stated], notes)
    if stated is not None:  # 行政执法公示多少条: “设立‘行政执法公示’专栏…全年公布631条”
        return value.answer(ctx, agency, year, stated, None, notes)
    if words:  # the words as typed around what is not there: 满意度 → 申请人满意度
        words = " ".join(w for w in det.asked.split() if any(p in w for p in words.split()))
    word = as_typed(ctx.question, content_words(words or det.asked) or words or det.asked)
    if named and named + word in ctx.question:
        word = named + word
    lines = [texts.NOT_IN_REPORTS.format(word=word)]
    if det.no_split and det.field is not None:  # 行政复议的自然人: no such split, said so
        lines = [texts.NO_SPLIT.format(row=det.field.row.name, word=det.no_split)]
    choices = [
        Choice(
            (facts[k].phrase or texts.fact_label(k))[:30],
            token("value", agency.id, year, k),
            agency.name,
            year,
            k,
        )
        for k, _score in candidates
    ]
    if choices:
        lines.append(texts.FREE_CANDIDATES.format(names="、".join(c.label for c in choices)))
    else:
        available = template_keys(report.template)
        for name, key in nearest_fields(word):
            row = next((r for r in ROWS if r.prefix == key), None)
            full = key if row is None else key_for(row, None, available)
            if full:
                choices.append(
                    Choice(name, token("value", agency.id, year, full), agency.name, year, full)
                )
        lines.append(texts.NEAREST_FIELDS.format(names="、".join(c.label for c in choices)))
    return ctx.reply("no_data", "value", "\n".join(lines), choices=choices)


_TITLE = re.compile(r"《([^》]+)》")


def _titled(
    question: str, facts: dict[str, FigureInfo], said: str
) -> tuple[dict[str, FigureInfo], str]:
    """A title in 《》 names the sentences that print it (《上海市人民政府公报》出了几期: the one
    about that gazette), whose words the place and catalog matching took apart: those facts
    only, and the words asked without the title's characters. Unchanged without a title or
    when no sentence prints it."""
    titles = [compact(t) for t in _TITLE.findall(question)]
    printed = {
        k: f for k, f in facts.items() if any(t and t in compact(f.sentence or "") for t in titles)
    }
    if not printed:
        return facts, said
    chars = set("".join(titles))
    return printed, "".join(c for c in said if c not in chars or c == " ")


def _one_counted(
    titled: dict[str, FigureInfo], facts: dict[str, FigureInfo], unit: str | None
) -> str | None:
    """The one figure counted in the unit asked among the sentences printing the title asked
    (办了几期《问政平潭之有事您说》: 推出20期 is the only 期 there); None without a title,
    a unit, or with several such figures."""
    if titled is facts or unit is None:
        return None
    counted = [k for k, f in titled.items() if is_free(k) and f.unit == unit]
    return counted[0] if len(counted) == 1 else None


def _names_other(det: Detection, named: str, fact: FigureInfo) -> bool:
    """The fact named (政策解读) is not what the picked figure counts. 主动公开 is said of
    every item the prose lists (主动公开人事任免文件141件), so it names no other."""
    if not named or det.fact is None or det.fact.key == "text.proactive.total":
        return False
    return compact(named) not in compact(fact.phrase)


def _states(fact: FigureInfo, words: str) -> bool:
    """The fact's sentence says every word beyond the field (注销 for 注销了几个政务新媒体):
    a sentence about 政务新媒体 does not state its 粉丝数."""
    sentence = same_verbs(fact.sentence or fact.phrase)
    if fact.sentence and fact.raw:  # the words before the figure, not a list after it
        number = re.match(r"[\d.]+", fact.raw)
        at = fact.sentence.find(number.group(0)) if number else -1
        sentence = same_verbs(fact.sentence[: at + len(fact.raw)] if at >= 0 else sentence)
    return all(
        len(set(w) & set(sentence)) * 2 > len(set(w))
        for w in content_words(same_verbs(words)).split() or [""]
    )


def as_typed(question: str, word: str) -> str:
    """The word as the question wrote it (GDP, not the normalised gdp), when it is there."""
    found = re.search(re.escape(word), question, flags=re.IGNORECASE)
    return found.group(0) if found else word


def nearest_fields(word: str, *, limit: int = 3) -> list[tuple[str, str]]:
    """(name, key) of the fields whose names are closest to the words, else common ones."""
    hits = process.extract(
        word,
        [name for name, _ in _NAMES],
        scorer=fuzz.partial_ratio,
        processor=None,
        score_cutoff=_NEAREST_CUTOFF,
        limit=limit,
    )
    found = [_NAMES[i] for _name, _score, i in hits]
    if not found:
        by_key = {key: name for name, key in _NAMES}
        found = [(by_key[k], k) for k in _FALLBACK]
    return found


def inside(ctx: Context, det: Detection, office: str) -> Answer | None:
    """An office with no report of its own named beside the one agency asked about (平潭2019年
    区社会事业局受理群众诉求多少起), which a sentence of that agency's report names: the
    sentence's figure is the agency's report's fact, said so; what the report states about the
    office when no figure of it fits. None when no sentence of the report names the office."""
    named = [p for p in det.scan.places if p.agencies and p.department is None]
    agency_id = pick(named[0]) if len(named) == 1 else None
    if agency_id is None or not office:
        return None
    agency = ctx.index.info[agency_id]
    have = ctx.source.years(agency.id)
    year = det.years.years[0] if len(det.years.years) == 1 else None
    if year is None and (det.years.years or not have):
        return None
    notes = [] if year is not None else [texts.LATEST.format(year=have[-1])]
    year = year if year is not None else have[-1]
    if year not in have:
        return None
    word = compact(office)
    facts = {
        k: f
        for k, f in ctx.source.facts(agency.id, year).items()
        if is_free(k) and word in compact(f.sentence or "")
    }
    if not facts:
        return None
    said = figures_in(normalize(ctx.question))
    unit = unit_asked(ctx.question)
    stated = find_stated(det.scan.rest, facts, unit, said, located=word)
    counted = [
        k for k, f in facts.items() if unit and f.unit and counts_alike(unit, f.unit) and bare(f)
    ]
    if stated is None and len(counted) == 1 and not stated_words(det.scan.rest, word):
        stated = counted[0]  # 区经济发展局发布了多少条信息: the office's one figure in 条
    if stated is None:
        phrases = "、".join(dict.fromkeys((f.phrase or "")[:20] for f in facts.values()))
        text = texts.INSIDE_NOT_STATED.format(agency=agency.name, year=year, office=office,
                                              phrases=phrases)  # fmt: skip
        return ctx.reply("no_data", "value", text)
    notes.append(texts.INSIDE_REPORT.format(agency=agency.name, office=office))
    return value.answer(ctx, agency, year, stated, None, notes)
