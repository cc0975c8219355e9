"""The report card of one report: key table figures, the prose facts, and the checks."""

from __future__ import annotations

from parsers.prose import TEXT_FACTS
from query import texts
from query.answer import Answer
from query.catalog import short_label, template_keys
from query.checks import checks_line
from query.common import Context, first_key
from query.source import AgencyInfo

OVERVIEW_ROWS = (
    "apply.new",
    "apply.carried_in",
    "result.public",
    "result.partial",
    "result.withheld",
    "result.unable",
    "result.rejected",
    "result.other",
    "result.total",
    "apply.carried_forward",
    "review",
    "litigation",
    "litigation.direct",
    "litigation.after_review",
    "proactive.normative",
    "proactive.permit",
    "proactive.penalty",
    "proactive.fees",
)


def answer(ctx: Context, agency: AgencyInfo, year: int, notes: list[str]) -> Answer:
    report = ctx.source.report(agency.id, year)
    if report is None:
        return ctx.no_year("overview", agency, ctx.source.years(agency.id), (year,), None)
    available = template_keys(report.template)
    keys = [k for p in OVERVIEW_ROWS if (k := first_key(p, available))]
    figures = ctx.source.figures(agency.id, year, keys)
    found = [ctx.item(agency, report, k, figures[k]) for k in keys if k in figures]
    lines = [texts.OVERVIEW_TITLE.format(agency=agency.name, year=year), *notes]
    lines += [f"{short_label(i.key)}：{texts.amount(i)}" for i in found]
    if not found:
        lines.append(texts.OVERVIEW_EMPTY)
    stated = ctx.source.figures(agency.id, year, list(TEXT_FACTS))
    facts = [ctx.item(agency, report, k, stated[k]) for k in TEXT_FACTS if k in stated]
    if facts:
        lines.append(texts.OVERVIEW_FACTS)
        lines += [f"{i.label}：{texts.amount(i)}" for i in facts]
    lines.append(checks_line(ctx, agency.id, year))
    lines.append(texts.REPORT_SOURCE.format(title=report.title, file=report.source_name))
    return ctx.reply("answer", "overview", "\n".join(lines), found + facts)
