"""One figure of several agencies side by side: in one year, or each in the year(s) asked of it."""

from __future__ import annotations

from collections.abc import Sequence

from query import calculation, computed, texts
from query.agencies import Place
from query.answer import Answer, AnswerItem, Status
from query.common import DEFAULT_KEY, Context, default_key, label, pick
from query.understand import Detection
from query.value import checked
from query.years import relative_reading, with_years_written, years_by_place

MAX_COMPARE = 10


def resolve_many(places: Sequence[Place]) -> list[int]:
    """One agency per place named (a region's own first when it has several); a place whose
    own level has no report adds none (the router says so)."""
    out: list[int] = []
    for place in places:
        picked = pick(place)
        if picked is None and place.own:
            picked = place.own[0]
        if picked is not None and picked not in out:
            out.append(picked)
    return out


def answer(
    ctx: Context, det: Detection, ids: list[int] | None = None, *, note: str = "",
    pairs: Sequence[tuple[int, int]] = (),
) -> Answer:  # fmt: skip
    """The figure of each agency in one year, or of each (agency, year) of `pairs` (the
    question wrote a year beside each agency, or several years for all of them)."""
    ids = ids or resolve_many(det.scan.places)
    if not ids:
        return ctx.reply("not_understood", "compare", texts.NOT_UNDERSTOOD)
    key = default_key(det)
    notes: list[str] = [note] if note else []
    if pairs:
        lines = [label(key)]
    else:
        have = {a: ctx.source.years(a) for a in ids}
        if det.years.years:
            year = det.years.years[-1]
        else:
            common = set.intersection(*(set(v) for v in have.values()))
            year = max(common) if common else max(max(v) for v in have.values() if v)
            notes.append(texts.LATEST.format(year=year))
        pairs = [(a, year) for a in ids]
        lines = [f"{label(key)} · {year}年度"]
    lines += notes
    several_years = len({y for _, y in pairs}) > 1
    found: list[AnswerItem] = []
    for a, year in pairs:
        agency = ctx.index.info[a]
        who = f"{agency.name} {year}年度" if several_years else agency.name
        report, full, figure = ctx.figure(a, year, key)
        if report is None or full is None or figure is None:
            reason = texts.COMPARE_MISSING_REPORT if report is None else texts.SERIES_MISSING_KEY
            lines.append(f"{who}：{reason}")
            continue
        item, warning = checked(ctx, ctx.item(agency, report, full, figure))
        found.append(item)
        lines.append(f"{who}：{texts.amount(item)}（{report.source_name}）{warning}")
    status: Status = "answer" if found else "no_data"
    return ctx.reply(status, "compare", "\n".join(lines), found)


def years_apart(ctx: Context, det: Detection, places: list[Place], ids: list[int]) -> Answer:
    """Several agencies and several years: each agency in the year written beside it, or
    every year named for every agency; never one agency's year put in for another's."""
    paired = None
    if len(ids) == len(places):
        text = with_years_written(det.text, relative_reading(det.text, ctx.today))
        paired = years_by_place(text, [p.text for p in places], det.years.years)
    pairs = (
        [(a, y) for a, its in zip(ids, paired, strict=True) for y in its]
        if paired
        else [(a, y) for a in ids for y in det.years.years]
    )
    key, hints = det.key or DEFAULT_KEY, det.hints
    if hints.has("difference") or hints.has("yoy"):
        if paired is None or len(ids) != 2 or any(len(its) != 1 for its in paired):
            return ctx.reply("no_data", "computed", texts.WHICH_YEAR_EACH)
        fall = calculation.asks_fall(det)
        each = [its[0] for its in paired]
        return computed.difference(ctx, ids, None, key, fall=fall, years=each)
    if hints.rate:
        agencies = [(ctx.index.info[a], y) for a, y in pairs]
        return computed.rates_of(ctx, agencies, hints.rate)
    if calculation.over_agencies_asked(det) is not None:
        return ctx.reply("no_data", "computed", texts.NOT_ADDED_OVER_YEARS)
    return answer(ctx, det, ids, pairs=pairs)
