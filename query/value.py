"""One figure of one report: a table cell or a fact of the prose, with its source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from parsers.fields import FIELDS
from query import texts
from query.answer import Answer, AnswerItem, Choice
from query.catalog import ROW_BY_PREFIX, RowEntry, key_for, resolve_key, short_label, template_keys
from query.common import Context, label, other_years, report_key, token
from query.facts import other_measure
from query.source import AgencyInfo, CheckInfo, FigureInfo, is_fact_key
from query.understand import Detection


def answer(
    ctx: Context,
    agency: AgencyInfo,
    year: int,
    key: str,
    det: Detection | None,
    notes: list[str],
) -> Answer:
    report = ctx.source.report(agency.id, year)
    if report is None:
        return ctx.no_year("value", agency, ctx.source.years(agency.id), (year,), key)
    full = report_key(report, key)
    name = label(key)
    if full is None:
        text = texts.NO_KEY_IN_TEMPLATE.format(year=year, template=report.template, label=name)
        return ctx.reply("no_data", "value", text, choices=other_years(ctx, agency, key, year))
    figure = ctx.source.figures(agency.id, year, [full]).get(full)
    if figure is None:
        template = texts.NO_FACT if is_fact_key(full) else texts.NO_KEY_IN_REPORT
        text = template.format(agency=agency.name, year=year, label=name)
        related = [
            c
            for c in alternatives(ctx, agency, year, full, det)
            if ctx.source.figures(agency.id, year, [c.key])
        ]
        choices = (related + other_years(ctx, agency, key, year))[:6]
        if choices:
            text += "\n" + texts.ALTERNATIVES.format(options="、".join(c.label for c in choices))
        return ctx.reply("no_data", "value", text, choices=choices)
    if is_fact_key(full) and (asked := other_measure(ctx.question, figure.unit, full)) is not None:
        text = texts.OTHER_MEASURE.format(
            agency=agency.name, year=year, asked=asked, label=figure.phrase or name,
            value=texts.number(figure.value) if figure.value is not None else figure.raw,
            told=figure.unit, sentence=figure.sentence,
        )  # fmt: skip
        return ctx.reply("no_data", "value", text)  # 多少人 of 新闻发布会12场: never the 12
    item = ctx.item(agency, report, full, figure)
    warnings = prose_warnings(ctx, agency.id, year, item)
    if warnings:
        item = replace(item, flags=(*item.flags, PROSE_DIFFERS))
    failed = failed_checks(ctx, agency.id, year, item)
    choices = alternatives(ctx, agency, year, full, det)
    text = texts.value_text(
        item,
        notes=notes,
        failed=failed,
        alts=[c.label for c in choices],
        warnings=warnings,
    )
    return ctx.reply("answer", "value", text, [item], choices)


def as_stated(
    ctx: Context, agency: AgencyInfo, year: int, key: str, stated: FigureInfo, notes: list[str]
) -> Answer:
    """A table cell's figure as the prose states it, for a question in the sentence's own
    words (清理并集中发布现行有效行政规范性文件多少件: 393, the sentence's), the sentence as its
    source and the table's own figure said beside it when it differs (470)."""
    report = ctx.source.report(agency.id, year)
    assert report is not None
    free = f"free.{key}"  # answered as the prose's figure, never as the table cell
    item = ctx.item(agency, report, free, replace(stated, key=free))
    table = ctx.source.figures(agency.id, year, [key]).get(key)
    said = list(notes)
    if table is not None and table.value is not None and table.value != stated.value:
        said.append(texts.TABLE_DIFFERS.format(label=label(key), value=texts.number(table.value),
                                               unit=FIELDS[key].unit))  # fmt: skip
    text = texts.value_text(item, notes=said, failed=[], alts=[])
    return ctx.reply("answer", "value", text, [item])


PROSE_DIFFERS = "prose_differs"  # an answer flag: the report's prose states another figure


def failed_checks(
    ctx: Context,
    agency_id: int,
    year: int,
    item: AnswerItem,
    checks: Sequence[CheckInfo] | None = None,
) -> list[str]:
    """The failed rules of the report that involve this cell; a derived cell (行政诉讼总计 =
    two groups' totals) involves every cell under its row, so a contradiction below it is
    said too. W2 is left out: it is said with the sentence. `checks`: the report's, when
    already read (a ranking reads those of its rows at once)."""
    row = item.key.rpartition(".")[0]
    field = FIELDS.get(item.key)
    derived = "derived" in item.flags or (field is not None and field.derived)
    return [
        c.message
        for c in (ctx.source.checks(agency_id, year) if checks is None else checks)
        if not c.ok
        and not c.message.startswith("正文")
        and (item.key in c.keys or (derived and any(k.startswith(row + ".") for k in c.keys)))
    ]


def checked(ctx: Context, item: AnswerItem) -> tuple[AnswerItem, str]:
    """The item flagged when its report's prose contradicts it, and the "⚠ …" to say so; a
    cell on a row that fails its checks is said too (a line of a series or a ranking)."""
    if item.agency_id is None:
        return item, ""
    warnings = prose_warnings(ctx, item.agency_id, item.year, item)
    return flagged(item, warnings, failed_checks(ctx, item.agency_id, item.year, item))


def flagged(item: AnswerItem, warnings: list[str], failed: list[str]) -> tuple[AnswerItem, str]:
    """`checked` for what was already found (a ranking reads its rows' prose at once)."""
    said = f"（⚠ {texts.FAILED_CHECK.format(message=failed[0])}）" if failed else ""
    if not warnings:
        return item, said
    return replace(item, flags=(*item.flags, PROSE_DIFFERS)), "（⚠ " + warnings[0] + "）" + said


def item_warnings(ctx: Context, item: AnswerItem) -> list[str]:
    """Everything the text answer warns of about this figure, for a chart to draw as well."""
    if item.agency_id is None:
        return []
    warnings = prose_warnings(ctx, item.agency_id, item.year, item)
    return [*warnings, *failed_checks(ctx, item.agency_id, item.year, item)]


def prose_warnings(ctx: Context, agency_id: int, year: int, item: AnswerItem) -> list[str]:
    """W2 in the answer: the report's own prose states this cell with another figure."""
    if is_fact_key(item.key) or item.value is None:
        return []
    return disagreement(item, ctx.source.facts(agency_id, year).get(item.key))


def disagreement(item: AnswerItem, stated: FigureInfo | None) -> list[str]:
    """`prose_warnings` given what the prose states for the item's key."""
    if is_fact_key(item.key) or item.value is None:
        return []
    if stated is None or stated.value is None or stated.value == item.value:
        return []
    said = f"{texts.number(stated.value)} {stated.unit or item.unit}"
    return [texts.PROSE_DISAGREES.format(stated=said, sentence=stated.sentence)]


def alternatives(
    ctx: Context, agency: AgencyInfo, year: int, key: str, det: Detection | None
) -> list[Choice]:
    """Other cells the same words may have meant (申请数量: 新收, 上年结转, 办理结果)."""
    if det is None or det.field is None or is_fact_key(key):
        return []
    row = det.field.row
    column = key.rpartition(".")[2]
    rows: list[RowEntry] = [*det.field.others]
    rows += [ROW_BY_PREFIX[p] for p in row.alternatives if p in ROW_BY_PREFIX]
    report = ctx.source.report(agency.id, year)
    if report is None:
        return []
    available = template_keys(report.template)
    choices = []
    for other in dict.fromkeys(rows):
        alt = resolve_key(f"{other.prefix}.{column}", available)
        alt = alt or key_for(other, None, available)
        if alt and alt != key:
            choices.append(
                Choice(
                    short_label(alt), token("value", agency.id, year, alt), agency.name, year, alt
                )
            )
    return choices[:3]
