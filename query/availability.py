"""Which reports are loaded: for one agency, for a region, or all (有哪些年报, 列出所有单位)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from query import texts
from query.agencies import Place
from query.answer import Answer, Choice
from query.common import MAX_CHOICES, Context, pick, token
from query.source import AgencyInfo

LISTED = 20
COUNTED = 200


def answer(ctx: Context, places: Sequence[Place]) -> Answer:
    index = ctx.index
    if places and places[0].agencies:
        ids = list(places[0].agencies)
        if len(ids) == 1:
            agency = index.info[ids[0]]
            return for_agency(ctx, agency, ctx.source.years(agency.id))
    else:
        ids = list(index.info)
    count = sum(len(ctx.source.years(a)) for a in ids[:COUNTED])
    template = texts.AVAILABILITY_MANY if len(ids) > COUNTED else texts.AVAILABILITY_ALL
    lines = [template.format(agencies=len(ids), reports=count)]
    for a in ids[:LISTED]:
        years = "、".join(str(y) for y in ctx.source.years(a))
        lines.append(f"· {index.info[a].name}：{years}")
    if len(ids) > LISTED:
        lines.append(texts.AVAILABILITY_MORE.format(count=len(ids) - LISTED))
    choices = (
        [
            Choice(
                index.info[a].name[:30], token("availability", a, None, None), index.info[a].name
            )
            for a in ids[:MAX_CHOICES]
        ]
        if len(ids) > 1
        else []
    )
    return ctx.reply("answer", "availability", "\n".join(lines), choices=choices)


def for_agency(ctx: Context, agency: AgencyInfo, have: list[int]) -> Answer:
    lines = [texts.AVAILABILITY_AGENCY.format(agency=agency.name, count=len(have))]
    for year in have:
        report = ctx.source.report(agency.id, year)
        if report:
            lines.append(
                texts.AVAILABILITY_REPORT.format(
                    year=year, template=report.template, file=report.source_name
                )
            )
    choices = [
        Choice(
            texts.OVERVIEW_CHOICE.format(year=y),
            token("overview", agency.id, y, None),
            agency.name,
            y,
        )
        for y in have[-MAX_CHOICES:]
    ]
    return ctx.reply("answer", "availability", "\n".join(lines), choices=choices)


def which_report(ctx: Context, places: Sequence[Place], which: str) -> Answer:
    """平潭最早的年报是哪一年 / 最新一份是哪年的: the year said, then the reports there are."""
    listed = answer(ctx, places)
    one = pick(places[0]) if len(places) == 1 else None
    have = ctx.source.years(one) if one is not None else []
    if not have:
        return listed
    year = have[0] if which == "first" else have[-1]
    said = texts.REPORT_YEAR_IS[which].format(year=year)
    return replace(listed, text=f"{said}\n{listed.text}")
