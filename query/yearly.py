"""Computed figures over the years of one agency (docs/fields.md "Derived figures"): 同比 and
its growth or multiple, a rate's change, 合计 / 平均 over years, the year with the most or least,
and years in order. A year missing or ambiguous is said, never filled with another year's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from query import series, texts
from query.answer import Answer, AnswerItem
from query.catalog import ROW_BY_PREFIX
from query.common import Context, label
from query.computed import (
    PERCENT,
    RATES,
    _plus,
    _reply,
    _total,
    computed_item,
    missing,
    percent,
    rate,
)
from query.facts import FACT_WORDS
from query.source import AgencyInfo
from query.understand import Detection
from query.value import answer as cell_answer


def yoy(
    ctx: Context,
    agency: AgencyInfo,
    have: list[int],
    key: str,
    years: Sequence[int],
    how: str = "yoy",
    *,
    fall: bool = False,
) -> Answer:
    """同比: this year's figure minus the previous year's (yoy), the change as a share of the
    previous year's (growth, %), or this year's as a multiple of it (ratio, 倍). `fall`: the
    question asks how much it fell (减少了多少): a fall is then given as a positive figure,
    the earlier year's minus the later's."""
    now_year = max(years) if years else have[-1]
    before_year = min(years) if len(years) >= 2 else now_year - 1
    missing_years = [y for y in (before_year, now_year) if y not in have]
    if missing_years and now_year in have and (said := stated_change(ctx, agency, now_year, key)):
        return cell_answer(ctx, agency, now_year, said, None, [texts.STATED_CHANGE])
    if missing_years:
        text = texts.YOY_NO_PREVIOUS.format(
            agency=agency.name,
            year="、".join(map(str, missing_years)),
            have="、".join(map(str, have)),
        )
        return ctx.reply("no_data", "computed", text)
    found, _lines = series.items(ctx, agency, [before_year, now_year], key)
    if len(found) < 2 or any(p.value is None for p in found):
        valued = {p.year for p in found if p.value is not None}
        lacking = before_year if before_year not in valued else now_year
        return missing(ctx, agency, lacking, label(key))  # the year whose figure is lacking
    before, now = found
    diff = (now.value or Decimal(0)) - (before.value or Decimal(0))
    if diff == 0:
        change = texts.YOY_SAME
    elif not before.value:
        change = texts.YOY_NO_SHARE
    else:
        rel = percent(abs(diff), before.value)
        template = texts.YOY_UP if diff > 0 else texts.YOY_DOWN
        change = template.format(
            diff=f"{texts.number(abs(diff))} {now.unit}", share=f"{texts.number(rel)}%"
        )
    now_text = f"{now_year}年度 {texts.number(now.value or Decimal(0))}"
    before_text = f"{before_year}年度 {texts.number(before.value or Decimal(0))}"
    falls = fall and diff < 0
    formula = f"{now_text} − {before_text} = {texts.number(diff)}"
    if falls:
        formula = f"{before_text} − {now_text} = {texts.number(-diff)}"
    value, unit = (-diff if falls else diff), now.unit
    if how in ("growth", "ratio"):
        if not before.value:
            return ctx.reply("no_data", "computed", texts.ZERO_BASE.format(label=before_text))
        if how == "growth":
            value, unit = percent(-diff if falls else diff, before.value), "%"
            change_text = f"{before_text} − {now_text}" if falls else f"{now_text} − {before_text}"
            formula = f"（{change_text}）÷ {before_text} = {texts.number(value)}%"
        else:
            ratio = (now.value or Decimal(0)) / before.value
            value, unit = ratio.quantize(PERCENT, rounding=ROUND_HALF_UP).normalize(), "倍"
            formula = f"{now_text} ÷ {before_text} = {texts.number(value)} 倍"
    name = f"{label(key)}{'减少' if falls else '同比变化'}"
    item = computed_item(now, value, unit, name, how, formula, found)
    title = texts.YOY_TITLE.format(agency=agency.name, label=label(key), year=now_year)
    line = texts.YOY_LINE.format(
        year=now_year, now=texts.amount(now), previous=before_year, before=texts.amount(before),
        change=change,
    )  # fmt: skip
    return _reply(ctx, title, item, [line])


_CHANGE = re.compile(r"较上?去?年|比上?去?年|同比|较上一?年度?")


def stated_change(ctx: Context, agency: AgencyInfo, year: int, key: str) -> str | None:
    """The one sentence of the report that states this figure's change on the year before as
    a percentage (申请数量较去年回落12.3%): its fact key, when the previous report is not
    there to compute it from."""
    row = ROW_BY_PREFIX.get(key.rpartition(".")[0]) or ROW_BY_PREFIX.get(key)
    words = FACT_WORDS.get(key, ()) or (row.words if row else ())
    said = [
        k
        for k, fact in ctx.source.facts(agency.id, year).items()
        if k.startswith("free.")
        and fact.unit == "%"
        and _CHANGE.search(fact.phrase)
        and any(w in fact.phrase for w in words if len(w) >= 2)
    ]
    return said[0] if len(said) == 1 else None


def rate_change(
    ctx: Context, agency: AgencyInfo, have: list[int], which: str, years: Sequence[int]
) -> Answer:
    """A rate this year minus the same rate the year before (or the earlier year named), in
    percentage points; each year's rate with its parts."""
    now_year = max(years) if years else have[-1]
    before_year = min(years) if len(years) >= 2 else now_year - 1
    if lacking := [y for y in (before_year, now_year) if y not in have]:
        text = texts.YOY_NO_PREVIOUS.format(
            agency=agency.name, year="、".join(map(str, lacking)), have="、".join(map(str, have))
        )
        return ctx.reply("no_data", "computed", text)
    found = [rate(ctx, agency, y, which, []) for y in (before_year, now_year)]
    if any(f.status != "answer" or not f.answers for f in found):
        return next(f for f in found if f.status != "answer" or not f.answers)
    before, now = (f.answers[0] for f in found)
    diff = (now.value or Decimal(0)) - (before.value or Decimal(0))
    now_text = f"{now_year}年度 {texts.number(now.value or Decimal(0))}%"
    before_text = f"{before_year}年度 {texts.number(before.value or Decimal(0))}%"
    formula = f"{now_text} − {before_text} = {texts.number(diff)} 个百分点"
    spec = RATES[which]
    parts = (*before.parts, *now.parts)
    item = computed_item(now, diff, "个百分点", f"{spec.title}变化", which, formula, parts)
    title = texts.RATE_CHANGE_TITLE.format(
        agency=agency.name, label=spec.title, year=now_year, previous=before_year
    )
    lines = [f"{before_year}年度：{before.formula}", f"{now_year}年度：{now.formula}"]
    return _reply(ctx, title, item, lines)


def over_years(
    ctx: Context, agency: AgencyInfo, have: list[int], key: str, det: Detection, how: str
) -> Answer:
    """合计 / 平均 over the years named, the year with the most or least, or years in order."""
    years = series.years_asked(have, det)
    found, lines = series.items(ctx, agency, years, key)
    said = det.years.reports
    if how in ("sum", "average") and said and not det.years.years and said != len(years):
        # 三份年报一共 with four held: which three is not said, so no total
        text = texts.REPORTS_COUNTED.format(
            said=said, agency=agency.name, count=len(have), have="、".join(map(str, have)),
            example="、".join(map(str, have[-said:])),
        )  # fmt: skip
        return ctx.reply("no_data", "computed", "\n".join([f"{agency.name} · {label(key)}",
                                                            *lines, text]))  # fmt: skip
    gaps = [y for y in years if y not in {p.year for p in found}]
    valued = [p for p in found if p.value is not None]
    if not valued:
        return ctx.no_year("computed", agency, have, years, key)
    if how in ("sum", "average") and (gaps or len(valued) < len(found)):
        # a sum with a year missing is not the sum asked for: show the years, give no total
        text = "\n".join([f"{agency.name} · {label(key)}", *lines, texts.SUM_GAPS.format(
            years="、".join(map(str, gaps)) or texts.AMBIGUOUS_YEARS)])  # fmt: skip
        return ctx.reply("no_data", "computed", text)
    name = label(key)
    first, last = valued[0].year, valued[-1].year
    if how == "sum":
        value = _total(valued)
        formula = f"{_plus(valued)} = {texts.number(value)}"
        item = computed_item(
            valued[-1], value, valued[0].unit, f"{name}合计", "sum", formula, valued
        )
        title = texts.SUM_YEARS_TITLE.format(
            agency=agency.name, label=name, first=first, last=last
        )
        return _reply(ctx, title, item)
    if how == "average":
        total = _total(valued)
        value = (total / len(valued)).quantize(PERCENT, rounding=ROUND_HALF_UP).normalize()
        formula = f"（{_plus(valued)}）÷ {len(valued)} = {texts.number(value)}"
        item = computed_item(
            valued[-1], value, valued[0].unit, f"{name}年均", "average", formula, valued
        )
        title = texts.AVERAGE_YEARS_TITLE.format(
            agency=agency.name, label=name, first=first, last=last
        )
        return _reply(
            ctx,
            title,
            item,
            [texts.AVERAGE_LINE.format(count=len(valued), amount=texts.amount(item))],
        )
    ordered = sorted(
        valued, key=lambda p: (p.value, p.year), reverse=how != "min_year" and how != "ascending"
    )
    unclear = [p for p in found if p.value is None]
    left_out = [*gaps, *(p.year for p in unclear)]
    if how in ("max_year", "min_year"):
        best = ordered[0]
        tied = [p for p in ordered if p.value == best.value]
        word = "多" if how == "max_year" else "少"
        if undecided := [p.year for p in unclear if _could_win(p, best, how)]:
            text = "\n".join([f"{agency.name} · {name}", *lines, texts.EXTREME_UNDECIDED.format(
                years="、".join(map(str, undecided)), word=word)])  # fmt: skip
            return ctx.reply("no_data", "computed", text)
        formula = "；".join(f"{p.year}年度 {texts.number(p.value or Decimal(0))}" for p in valued)
        item = computed_item(
            best, best.value, best.unit, name, how, formula, valued, year=best.year
        )
        title = texts.EXTREME_TITLE.format(agency=agency.name, label=name, word=word)
        extra = [
            texts.EXTREME_LINE.format(
                year="、".join(str(p.year) for p in tied), word=word, amount=texts.amount(best)
            )
        ]
        if gaps:
            extra.append(texts.EXTREME_GAPS.format(years="、".join(map(str, gaps))))
        if unclear:
            extra.append(texts.EXTREME_UNCLEAR.format(
                years="、".join(str(p.year) for p in unclear), word=word))  # fmt: skip
        return _reply(ctx, title, item, extra)
    order = texts.RANK_ORDER[how == "ascending"]
    lines = [f"{p.year}年度：{texts.amount(p)}" for p in ordered]
    if left_out:
        lines.append(texts.ORDER_LEFT_OUT.format(years="、".join(map(str, sorted(left_out)))))
    title = texts.ORDER_TITLE.format(agency=agency.name, label=name, order=order)
    text = "\n".join([title, *lines, series.source_line(valued[0].key)])
    return ctx.reply("answer", "series", text, ordered)


def _could_win(item: AnswerItem, best: AnswerItem, how: str) -> bool:
    """An ambiguous year's figure might be the most (or least), or tie it: some reading of its
    cell is not clearly below (above) the best year's figure, or it has no readings at all."""
    if not item.candidates or best.value is None:
        return True
    if how == "max_year":
        return max(item.candidates) >= best.value
    return min(item.candidates) <= best.value
