"""`/reports/{id}`: every cell of tables 二/三/四 laid out like the template, the prose figures,
the checks (failed ones highlighted on their cells) and the source file; `/api/reports/{id}`
the same as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from parsers.fields import FIELDS
from query.source import CheckInfo, FigureInfo
from query.texts import fact_label
from services import ReportRow
from web import texts
from web.agencies import agency_path
from web.downloads import Table, download, wanted_format
from web.layout import printed_keys, sections
from web.site import breadcrumb, flags_text, site_of, url


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _load(request: Request) -> tuple[ReportRow, dict[str, FigureInfo], list[CheckInfo]]:
    site = site_of(request)
    report = site.browser.report(request.path_params["report_id"])
    if report is None:
        raise HTTPException(404)
    return report, site.browser.cells(report.id), site.browser.checks(report.id)


def _ordered_keys(report: ReportRow, cells: dict[str, FigureInfo]) -> tuple[list[str], list[str]]:
    """(keys the template prints, stored keys it does not print — e.g. the derived 诉讼 total)."""
    printed = list(printed_keys(report.template))
    shown = set(printed)
    extra = [key for key in FIELDS if key in cells and key not in shown]
    extra += sorted(key for key in cells if key not in FIELDS)
    return printed, extra


def prose_label(fact: FigureInfo) -> str:
    """What a prose figure counts: the table cell it restates, a `text.*` fact's name, or a free
    fact's own words."""
    if fact.key in FIELDS:
        return FIELDS[fact.key].label
    return fact.phrase or fact_label(fact.key)


def _table(report: ReportRow, cells: dict[str, FigureInfo], prose: dict[str, FigureInfo]) -> Table:
    printed, extra = _ordered_keys(report, cells)
    rows: list[tuple[Any, ...]] = []
    for key in printed + extra:
        figure = cells.get(key)
        field = FIELDS.get(key)
        where = (field.table, field.row, field.column) if field else ("", "", "")
        if figure is None:
            rows.append((*where, key, None, field.unit if field else "", "", "", ""))
            continue
        rows.append(
            (*where, key, figure.value, figure.unit or (field.unit if field else ""), figure.raw,
             ",".join(figure.flags), ",".join(str(c) for c in figure.candidates))
        )  # fmt: skip
    rows += [
        ("正文", fact.section, prose_label(fact), key, fact.value, fact.unit or "", fact.sentence,
         ",".join(fact.flags), "")
        for key, fact in prose.items()
    ]  # fmt: skip
    return Table(f"年报-{report.agency}-{report.year}", texts.REPORT_COLUMNS, rows)


def report_page(request: Request) -> Response:
    site = site_of(request)
    report, cells, checks = _load(request)
    prose = site.browser.prose(report.id)
    fmt = wanted_format(request.query_params.get("format"))
    if fmt:
        return download(_table(report, cells, prose), fmt)
    failed = [c for c in checks if not c.ok]
    bad_keys = {key for check in failed for key in check.keys}
    _printed, extra = _ordered_keys(report, cells)
    agency = site.browser.agency(report.agency_id)
    years = site.browser.report_years([report.agency_id]).get(report.agency_id, {})
    current_id = years.get(report.year)
    context = {
        "report": report,
        "agency": agency,
        "crumbs": breadcrumb(agency_path(agency), "/agencies") if agency else [],
        "sections": sections(report.template),
        "cells": cells,
        "fields": FIELDS,
        "bad_keys": bad_keys,
        "checks": checks,
        "failed": failed,
        "extra": extra,
        "prose": [(fact, prose_label(fact)) for fact in prose.values()],
        "current_url": f"/reports/{current_id}" if report.superseded and current_id else None,
        "years": sorted(years.items()),
        "downloads": {f: url(f"/reports/{report.id}", format=f) for f in ("csv", "xlsx")},
        "json_url": f"/api/reports/{report.id}",
        "flag_note": flags_text,
    }
    return site.render(request, "report.html", context)


def api_report(request: Request) -> Response:
    """The report as stored: metadata, every cell (value, raw text, flags), prose, checks."""
    site = site_of(request)
    report, cells, checks = _load(request)
    prose = site.browser.prose(report.id)
    body = {
        "id": report.id,
        "agency": {"id": report.agency_id, "name": report.agency, "region": report.region},
        "year": report.year,
        "template": report.template,
        "title": report.title,
        "source": {"file": report.source_name, "format": report.format, "sha256": report.sha256},
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "ingested_at": report.ingested_at.isoformat(),
        "superseded": report.superseded,
        "figures": {k: _json_number(f.value) for k, f in cells.items() if f.value is not None},
        "cells": {
            k: {
                "value": _json_number(f.value),
                "raw": f.raw,
                "flags": list(f.flags),
                **({"unit": f.unit} if f.unit else {}),
                **(
                    {"candidates": [_json_number(c) for c in f.candidates]} if f.candidates else {}
                ),
            }
            for k, f in cells.items()
        },
        "prose": {
            k: {
                "value": _json_number(f.value),
                "unit": f.unit or "",
                "sentence": f.sentence,
                "section": f.section,
                "phrase": f.phrase,
                "flags": list(f.flags),
            }
            for k, f in prose.items()
        },
        "checks": [
            {"rule": c.rule, "ok": c.ok, "message": c.message, "keys": list(c.keys)}
            for c in checks
        ],
    }
    return JSONResponse(body)
