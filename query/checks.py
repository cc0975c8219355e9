"""The validator's results for one report (勾稽关系, 有没有问题)."""

from __future__ import annotations

from query import texts
from query.answer import Answer
from query.common import Context
from query.source import AgencyInfo


def checks_line(ctx: Context, agency_id: int, year: int) -> str:
    checks = ctx.source.checks(agency_id, year)
    if not checks:
        return texts.CHECKS_NONE
    failed = [c for c in checks if not c.ok]
    if not failed:
        return texts.CHECKS_ALL_OK.format(count=len(checks))
    details = "\n".join(f"✗ {c.rule} {c.message}" for c in failed)
    return texts.CHECKS_FAILED.format(count=len(checks), failed=len(failed), details=details)


def answer(ctx: Context, agency: AgencyInfo, year: int, notes: list[str]) -> Answer:
    report = ctx.source.report(agency.id, year)
    file = f"（{report.source_name}）" if report else ""
    lines = [
        texts.CHECKS_TITLE.format(agency=agency.name, year=year, file=file),
        *notes,
        checks_line(ctx, agency.id, year),
    ]
    return ctx.reply("answer", "checks", "\n".join(lines))
