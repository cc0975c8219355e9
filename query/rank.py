"""One figure across the agencies of a region (or the country): a ranking, or their sum."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from parsers.fields import FIELDS
from query import texts
from query.agencies import Place
from query.answer import Answer, AnswerItem
from query.common import Context, default_key, for_year, label, pick, region_name
from query.computed import RATES, SMALL_BASE, rate_item
from query.facts import other_measure, unit_asked
from query.source import FigureInfo, is_fact_key
from query.understand import Detection
from query.units import canonical
from query.value import disagreement, failed_checks, flagged
from query.years import FIRST_YEAR

RANK_DEFAULT = 10
# 哪个报告 / 哪份年报 / 哪一份: the reports are ranked, whichever year each is of
_WHICH_REPORT = re.compile(
    r"哪[一1]?[个份篇期]?(?:年度)?(?:年报|报告)|哪[一1]?份|(?:年报|报告)(?:是|为)?哪"
    r"|[份篇](?:年度)?(?:年报|报告)|(?:所有|全部|历年|各)(?:的)?(?:年度)?(?:年报|报告)"
)


def scope(ctx: Context, places: Sequence[Place]) -> tuple[str | None, str, int | None]:
    """(region prefix, name to show, the agency asked about) for a ranking or a total.

    A region named on its own is the scope; an agency named ranks within its own region.
    """
    regional = [p for p in places if p.region and not p.department and not p.by_name]
    chosen = min(regional, key=lambda p: len(p.region or "")) if regional else None
    others = [p for p in places if p is not chosen and p.agencies]
    mine = None
    if others:
        mine = pick(others[0]) or others[0].agencies[0]
    if chosen is not None:
        return chosen.region, region_name(chosen.region or ""), mine
    if mine is not None:
        region = ctx.index.region_of.get(mine) or None
        return region, region_name(region or "") or texts.ALL_AGENCIES, mine
    return None, texts.ALL_AGENCIES, None


def key_in_year(key: str, year: int) -> str:
    return key if is_fact_key(key) else for_year(key, year)


def _held(ctx: Context, key: str, year: int, region: str | None) -> int:
    """How many agencies of the region have the key's cell (valued or unclear) in the year.
    Asked as the year's ranking would be by default: the year found is then ranked without a
    second read (the store keeps a question's rankings)."""
    found = ctx.source.ranking(key_in_year(key, year), year, region=region, limit=RANK_DEFAULT)
    return found.valued + found.unclear


def latest_year_in(ctx: Context, key: str, region: str | None) -> tuple[int, int] | None:
    """(the latest year with the key's cell in the region, how many agencies have it)."""
    for year in range(ctx.today.year, FIRST_YEAR - 1, -1):
        if held := _held(ctx, key, year, region):
            return year, held
    return None


def year_and_key(
    ctx: Context, det: Detection, region: str | None, wanted: str = ""
) -> tuple[str, int | None, list[str]]:
    """(key, year, notes) of one cell across a region's agencies: the year named, or the
    latest with data (said) — unless it holds fewer agencies than the year before, whose
    reports are all in (平潭 alone in 2025, or a January of the country): then that year,
    said so. One agency of a year still coming in is no winner."""
    wanted = wanted or default_key(det)
    notes: list[str] = []
    if det.years.years:
        year: int | None = det.years.years[-1]
    else:
        latest, year = latest_year_in(ctx, wanted, region), None
        if latest is not None:
            year, held = latest
            if _held(ctx, wanted, year - 1, region) > held:
                notes.append(texts.LATEST_THIN.format(latest=year, count=held, year=year - 1))
                year -= 1
            else:
                notes.append(texts.LATEST.format(year=year))
    return (key_in_year(wanted, year) if year else wanted), year, notes


def over_reports(ctx: Context, det: Detection, region: str | None, shown: str) -> Answer | None:
    """The reports asked for with no year (哪份年报, 哪个报告), or several years (历年, 近三年,
    2023年和2024年): every report of those years is a row of the ranking (agency and year),
    said so. None for any other question (one year, named or the latest)."""
    wanted = default_key(det)
    years = _years_of_reports(ctx, det, region, wanted)
    if not years:
        return None
    ascending = det.hints.ascending
    limit = det.hints.top or RANK_DEFAULT
    rows: list[tuple[int, int, str, FigureInfo]] = []
    valued = unclear = 0
    for year in years:
        key = key_in_year(wanted, year)
        ranked = ctx.source.ranking(key, year, region=region, limit=limit, ascending=ascending)
        valued, unclear = valued + ranked.valued, unclear + ranked.unclear
        rows += [(a, year, key, f) for a, f in ranked.top if f.value is not None]
    rows.sort(key=lambda r: (r[3].value or Decimal(0)) * (1 if ascending else -1))
    if is_fact_key(wanted) and any(other_measure(ctx.question, r[3].unit, wanted) for r in rows):
        return None  # 政策解读的人数最多: the year's ranking says what the prose counts in
    lines = [
        texts.RANK_ALL_HEADER.format(
            region=shown, label=label(wanted), order=texts.RANK_ORDER[ascending], count=valued
        ),
        _rows_note(det, years),
    ]
    shown_rows = rows[:limit]
    by_year: dict[int, list[int]] = {}
    for a, year, _, _ in shown_rows:
        by_year.setdefault(year, []).append(a)
    # the rows' reports and checks, one read of each a year (not two a row)
    reports = {y: ctx.source.reports(ids, y) for y, ids in by_year.items()}
    checks = {y: ctx.source.checks_of(ids, y) for y, ids in by_year.items()}
    found = []
    for a, year, key, figure in shown_rows:
        agency, report = ctx.index.info.get(a), reports[year].get(a)
        if agency is None or report is None:
            continue
        item = ctx.item(agency, report, key, figure)
        failed = failed_checks(ctx, a, year, item, checks[year].get(a, []))
        item, warning = flagged(item, [], failed)
        found.append(item)
        lines.append(f"{len(found)}. {agency.name} {year}年度：{texts.amount(item)}{warning}")
    if unclear:
        lines.append(texts.RANK_UNCLEAR_REPORTS.format(count=unclear))
    return ctx.reply("answer", "rank", "\n".join(lines), found)


def answer(ctx: Context, det: Detection) -> Answer:
    region, shown, mine = scope(ctx, det.scan.places)
    every = None if mine is not None else over_reports(ctx, det, region, shown)
    if every is not None:
        return every
    key, year, notes = year_and_key(ctx, det, region)
    ascending = det.hints.ascending
    limit = det.hints.top or RANK_DEFAULT
    ranked = (
        ctx.source.ranking(key, year, region=region, limit=limit, ascending=ascending)
        if year
        else None
    )
    if year is None or ranked is None or not (ranked.valued or ranked.unclear):
        text = texts.NO_ACROSS.format(region=shown, year=year or "", label=label(key))
        return ctx.reply("no_data", "rank", text)
    other = next(
        (
            f
            for _, f in ranked.top
            if is_fact_key(key) and other_measure(ctx.question, f.unit, key)
        ),
        None,
    )
    if other is not None:  # 政策解读的人数最多: the prose counts 篇, nobody counted people
        text = texts.RANK_OTHER_MEASURE.format(
            label=label(key), unit=unit_asked(ctx.question), told=other.unit
        )
        return ctx.reply("no_data", "rank", text)
    lines = [
        texts.RANK_HEADER.format(
            region=shown,
            year=year,
            label=label(key),
            order=texts.RANK_ORDER[ascending],
            count=ranked.valued,
        ),
        *notes,
    ]
    found = []
    ids = [a for a, _ in ranked.top]
    reports = ctx.source.reports(ids, year)  # the rows' reports, prose, checks at once
    stated = ctx.source.stated(ids, year, key) if not is_fact_key(key) else {}
    checks = ctx.source.checks_of(ids, year)
    for position, (a, figure) in enumerate(ranked.top, 1):
        agency = ctx.index.info.get(a)
        report = reports.get(a)
        if agency is None or report is None:
            continue
        item = ctx.item(agency, report, key, figure)
        warnings = disagreement(item, stated.get(a))
        failed = failed_checks(ctx, a, year, item, checks.get(a, []))
        item, warning = flagged(item, warnings, failed)
        found.append(item)
        lines.append(f"{position}. {agency.name}：{texts.amount(item)}{warning}")
    if mine is not None:
        own = ctx.source.figures(mine, year, [key]).get(key)
        if own is not None and own.value is not None:
            ahead = ctx.source.position(key, year, own.value, region=region, ascending=ascending)
            name = ctx.index.info[mine].name
            lines.append(texts.RANK_MINE.format(agency=name, position=ahead + 1))
    if ranked.unclear:
        lines.append(texts.RANK_UNCLEAR.format(count=ranked.unclear))
    return ctx.reply("answer", "rank", "\n".join(lines), found)


def total(ctx: Context, det: Detection, place: Place) -> Answer:
    """合计 over the agencies of a region: every report's same cell added up."""
    region, shown, _mine = scope(ctx, [place])
    key, year, notes = year_and_key(ctx, det, region)
    rows = ctx.source.across(key, year, region=region) if year else []
    if year is None or not rows:
        text = texts.NO_ACROSS.format(region=shown, year=year or "", label=label(key))
        return ctx.reply("no_data", "total", text)
    values = [canonical(key, f) for _, f in rows]
    valued = [v for v, _, _ in values if v is not None]
    unit = values[0][1]
    total_value = sum(valued, Decimal(0))
    name = FIELDS[key].label if key in FIELDS else label(key)
    item = AnswerItem(shown, region or "", year, key, name, total_value, unit)
    lines = [
        f"{shown} · {year}年度 · {name}",
        *notes,
        texts.TOTAL_LINE.format(count=len(valued), amount=texts.amount(item)),
    ]
    if len(valued) < len(rows):
        lines.append(texts.TOTAL_UNCLEAR.format(count=len(rows) - len(valued)))
    lines.append(texts.TOTAL_SOURCE)
    return ctx.reply("answer", "total", "\n".join(lines), [item])


MAX_RATED = (
    2000  # agencies whose rates one question computes (a city's; the country is asked to narrow)
)


def rates(ctx: Context, det: Detection) -> Answer:
    """A rate of fields.md ranked across a region's agencies (哪个单位的公开率最高): each
    agency's own rate from its cells, in the year named or the one a ranking takes — or of
    every report of the years asked (哪份年报, 历年, 2023年和2024年), a row each."""
    spec = RATES[det.hints.rate or ""]
    region, shown, _mine = scope(ctx, det.scan.places)
    years = _years_of_reports(ctx, det, region, spec.base[0])
    if years:  # every report of those years: no one year to look for
        year, notes = None, [_rows_note(det, years)]
    else:
        _key, year, notes = year_and_key(ctx, det, region, wanted=spec.base[0])
    asked = [(a, y) for y in years or ([year] if year else []) for a, _ in
             ctx.source.across(key_in_year(spec.base[0], y), y, region=region)]  # fmt: skip
    if not asked:
        text = texts.NO_ACROSS.format(region=shown, year=year or "", label=spec.title)
        return ctx.reply("no_data", "rank", text)
    if len(asked) > MAX_RATED:
        return ctx.reply("no_data", "rank", texts.RATE_RANK_WIDE.format(count=len(asked)))
    info = ctx.index.info
    items = [i for a, y in asked if a in info and (i := rate_item(ctx, info[a], y, spec.name))]
    ascending = det.hints.ascending
    items.sort(key=lambda i: i.value or Decimal(0), reverse=not ascending)
    top = items[: det.hints.top or RANK_DEFAULT]
    order = texts.RANK_ORDER[ascending]
    header = (
        texts.RANK_ALL_HEADER.format(region=shown, label=spec.title, order=order, count=len(items))
        if years
        else texts.RANK_HEADER.format(
            region=shown, year=year, label=spec.title, order=order, count=len(items)
        )
    )
    lines = [header, *notes]
    for n, item in enumerate(top, 1):
        base = sum((p.value or Decimal(0) for p in item.parts[len(spec.top) :]), Decimal(0))
        small = texts.RATE_SMALL_BASE if base < SMALL_BASE else ""  # 1 of 2: no strong lead
        who = f"{item.agency} {item.year}年度" if years else item.agency
        lines.append(f"{n}. {who}：{texts.amount(item)}（{item.formula}）{small}")
    if len(items) < len(asked):
        lines.append(texts.RATE_RANK_LEFT_OUT.format(count=len(asked) - len(items)))
    return ctx.reply("answer" if top else "no_data", "rank", "\n".join(lines), top)


def _years_of_reports(ctx: Context, det: Detection, region: str | None, key: str) -> list[int]:
    """The years whose every report is ranked (哪份年报 with no year, 历年, 近三年, several years
    named), latest first; empty when one year is ranked."""
    spec = det.years
    several = spec.every or spec.recent or spec.since or len(spec.years) >= 2
    if not (several or det.hints.has("series")) and (  # 历年哪个单位最多: series words
        spec.years or not _WHICH_REPORT.search(ctx.question)
    ):
        return []
    if len(spec.years) >= 2:  # 2023年和2024年哪个单位最多: the reports of the years named
        return [y for y in sorted(spec.years, reverse=True) if _held(ctx, key, y, region)]
    first = spec.since or FIRST_YEAR
    years = [y for y in range(ctx.today.year, first - 1, -1) if _held(ctx, key, y, region)]
    if spec.recent and years:  # 近三年: the three years up to the latest with reports
        years = [y for y in years if y > years[0] - spec.recent]
    return years if len(years) >= 2 else []


def _rows_note(det: Detection, years: list[int]) -> str:
    """How the reports ranked were chosen: the years asked, or every year (none asked)."""
    spec, said = det.years, "、".join(map(str, sorted(years)))
    asked = spec.years or spec.recent or spec.since
    return (texts.RANK_YEARS_ROWS if asked else texts.RANK_ALL_YEARS).format(years=said)
