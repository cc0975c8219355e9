"""One figure of one agency across years (趋势, 近三年, 2019—2023)."""

from __future__ import annotations

from parsers.fields import FIELDS
from query import texts
from query.answer import Answer, AnswerItem
from query.common import Context, label
from query.source import AgencyInfo, is_fact_key
from query.understand import Detection
from query.value import checked


def years_asked(have: list[int], det: Detection | None) -> list[int]:
    """The years a series covers: those named, the last N, or every year with a report."""
    spec = det.years if det else None
    if spec and spec.years:
        return list(spec.years)
    if spec and spec.recent and have:
        return list(range(have[-1] - spec.recent + 1, have[-1] + 1))  # gaps are said
    if spec and spec.since:
        return [y for y in have if y >= spec.since]
    return list(have)


def items(
    ctx: Context, agency: AgencyInfo, years: list[int], key: str
) -> tuple[list[AnswerItem], list[str]]:
    """(the figures found, one line per year) — a missing year is said, never filled."""
    found: list[AnswerItem] = []
    lines: list[str] = []
    for year in years:
        report, full, figure = ctx.figure(agency.id, year, key)
        if report is None or full is None or figure is None:
            reason = texts.SERIES_MISSING_REPORT if report is None else texts.SERIES_MISSING_KEY
            lines.append(f"{year}年度：{reason}")
            continue
        item, warning = checked(ctx, ctx.item(agency, report, full, figure))
        found.append(item)
        lines.append(f"{year}年度：{texts.amount(item)}（{report.source_name}）{warning}")
    return found, lines


def source_line(key: str) -> str:
    if is_fact_key(key) or key not in FIELDS:
        return texts.SERIES_SOURCE_FACT
    return texts.SERIES_SOURCE_TABLE.format(table=FIELDS[key].table, row=FIELDS[key].row)


def answer(
    ctx: Context, agency: AgencyInfo, have: list[int], key: str, det: Detection | None
) -> Answer:
    years = years_asked(have, det)
    found, lines = items(ctx, agency, years, key)
    if not found:
        return ctx.no_year("series", agency, have, years, key)
    text = "\n".join([f"{agency.name} · {label(key)}", *lines, source_line(found[0].key)])
    return ctx.reply("answer", "series", text, found)
