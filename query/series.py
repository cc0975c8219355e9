"""One figure of one agency across years (趋势, 近三年, 2019—2023)."""

from __future__ import annotations

from parsers.fields import FIELDS
from query import texts
from query.answer import Answer, AnswerItem
from query.common import Context, label
from query.facts import unit_asked
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
    if spec and spec.last:
        return list(have[-spec.last :])  # 这四年: the last four reports
    return list(have)


def items(
    ctx: Context, agency: AgencyInfo, years: list[int], key: str
) -> tuple[list[AnswerItem], list[str]]:
    """(the figures found, one line per year) — a missing year is said, never filled. One
    column only: where a row holds other columns in another template (行政事业性收费: 2019's
    项目数量 in 件, 2021's 收费金额 in 万元), the newest year's column is the one shown and a
    year without it says so instead of putting another measure under the same heading."""
    found: list[AnswerItem] = []
    lines: list[str] = []
    wanted = column_key(ctx, agency, years, key)
    for year in years:
        report, full, figure = ctx.figure(agency.id, year, wanted)
        other = _other_column(ctx, agency, year, wanted) if report and full is None else None
        if report is not None and other is not None:
            lines.append(f"{year}年度：" + texts.SERIES_OTHER_COLUMN.format(
                column=FIELDS[wanted].column, template=report.template,
                other=FIELDS[other].column, unit=FIELDS[other].unit,
            ))  # fmt: skip
            continue
        if report is None or full is None or figure is None:
            reason = texts.SERIES_MISSING_REPORT if report is None else texts.SERIES_MISSING_KEY
            lines.append(f"{year}年度：{reason}")
            continue
        item, warning = checked(ctx, ctx.item(agency, report, full, figure))
        found.append(item)
        lines.append(f"{year}年度：{texts.amount(item)}（{report.source_name}）{warning}")
    return found, lines


def column_key(ctx: Context, agency: AgencyInfo, years: list[int], key: str) -> str:
    """The key a series shows: the cell the newest report with this row resolves it to."""
    for year in sorted(years, reverse=True):
        report, full, _ = ctx.figure(agency.id, year, key)
        if report is not None and full is not None:
            return full
    return key


def _other_column(ctx: Context, agency: AgencyInfo, year: int, wanted: str) -> str | None:
    """The cell this year's template holds in the same row instead of `wanted`, if any."""
    if wanted not in FIELDS:
        return None
    _, other, _ = ctx.figure(agency.id, year, wanted.rpartition(".")[0])
    return other if other in FIELDS and other != wanted else None


def source_line(key: str) -> str:
    if is_fact_key(key) or key not in FIELDS:
        return texts.SERIES_SOURCE_FACT
    return texts.SERIES_SOURCE_TABLE.format(table=FIELDS[key].table, row=FIELDS[key].row)


def answer(
    ctx: Context, agency: AgencyInfo, have: list[int], key: str, det: Detection | None
) -> Answer:
    years = years_asked(have, det)
    found, lines = items(ctx, agency, years, key)
    if not found and years and all(y in have for y in years):
        asked = unit_asked(ctx.question) if is_fact_key(key) else None
        text = texts.SERIES_NONE_STATED.format(
            agency=agency.name, years="、".join(map(str, years)), label=label(key),
            measure=texts.COUNTED_IN.format(unit=asked) if asked and asked != "%" else "",
        )  # fmt: skip  # every report there, none states it (历年新闻发布会多少人)
        return ctx.reply("no_data", "series", text)
    if not found:
        return ctx.no_year("series", agency, have, years, key)
    shown = found[0].key if key not in FIELDS else key  # 行政事业性收费 → · 本年收费金额
    text = "\n".join([f"{agency.name} · {label(shown)}", *lines, source_line(found[0].key)])
    return ctx.reply("answer", "series", text, found)
