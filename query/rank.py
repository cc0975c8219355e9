"""One figure across the agencies of a region (or the country): a ranking, or their sum."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from decimal import Decimal

from parsers.fields import FIELDS
from query import texts
from query.agencies import Place
from query.answer import Answer, AnswerItem
from query.common import Context, default_key, for_year, label, pick, region_name
from query.source import FigureInfo, is_fact_key
from query.understand import Detection
from query.units import canonical
from query.value import checked
from query.years import FIRST_YEAR

RANK_DEFAULT = 10


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


def latest_year_in(ctx: Context, key: str, region: str | None) -> int | None:
    for year in range(ctx.today.year, FIRST_YEAR - 1, -1):
        if ctx.source.across(key_in_year(key, year), year, region=region):
            return year
    return None


def across(
    ctx: Context, det: Detection, region: str | None
) -> tuple[str, int | None, list[tuple[int, FigureInfo]], list[str]]:
    """(key, year, (agency, figure) rows, notes) of one cell across a region's agencies."""
    wanted = default_key(det)
    notes: list[str] = []
    if det.years.years:
        year: int | None = det.years.years[-1]
    else:
        year = latest_year_in(ctx, wanted, region)
        if year is not None:
            notes.append(texts.LATEST.format(year=year))
    if year is None:
        return wanted, None, [], notes
    key = key_in_year(wanted, year)
    return key, year, ctx.source.across(key, year, region=region), notes


def answer(ctx: Context, det: Detection) -> Answer:
    region, shown, mine = scope(ctx, det.scan.places)
    key, year, rows, notes = across(ctx, det, region)
    if year is None or not rows:
        text = texts.NO_ACROSS.format(region=shown, year=year or "", label=label(key))
        return ctx.reply("no_data", "rank", text)
    valued = [(a, f.value) for a, f in rows if f.value is not None]
    figures = dict(rows)
    ascending = det.hints.ascending
    choose = heapq.nsmallest if ascending else heapq.nlargest
    top = choose(det.hints.top or RANK_DEFAULT, valued, key=lambda r: r[1])
    lines = [
        texts.RANK_HEADER.format(
            region=shown,
            year=year,
            label=label(key),
            order=texts.RANK_ORDER[ascending],
            count=len(valued),
        ),
        *notes,
    ]
    found = []
    for position, (a, _value) in enumerate(top, 1):
        agency = ctx.index.info[a]
        report = ctx.source.report(a, year)
        if report is None:
            continue
        item, warning = checked(ctx, ctx.item(agency, report, key, figures[a]))
        found.append(item)
        lines.append(f"{position}. {agency.name}：{texts.amount(item)}{warning}")
    mine_value = figures[mine].value if mine in figures else None
    if mine is not None and mine_value is not None:
        ahead = sum(1 for _, v in valued if (v < mine_value if ascending else v > mine_value))
        lines.append(texts.RANK_MINE.format(agency=ctx.index.info[mine].name, position=ahead + 1))
    if len(rows) > len(valued):
        lines.append(texts.RANK_UNCLEAR.format(count=len(rows) - len(valued)))
    return ctx.reply("answer", "rank", "\n".join(lines), found)


def total(ctx: Context, det: Detection, place: Place) -> Answer:
    """合计 over the agencies of a region: every report's same cell added up."""
    region, shown, _mine = scope(ctx, [place])
    key, year, rows, notes = across(ctx, det, region)
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
