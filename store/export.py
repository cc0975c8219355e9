"""Export current reports as one row per report: agency, region, year, template, source, then one
column per canonical key in the field catalog's order (CSV for Excel, or .xlsx)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Table, select

from parsers.fields import FIELDS
from store.models import Agency, Figure, Region, Report
from store.reader import plain_decimal, region_matches

_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]
_REGIONS: Table = Region.__table__  # type: ignore[attr-defined]
HEADER = ("agency", "region", "year", "template", "source", *FIELDS)
FORMATS = ("csv", "xlsx")
_BATCH = 500  # reports whose figures are fetched per query


def export_format(out: Path, fmt: str | None) -> str:
    """`fmt`, else the file's suffix, else csv; ValueError (one Chinese line) when unknown."""
    chosen = (fmt or out.suffix.lstrip(".") or "csv").lower()
    if chosen not in FORMATS:
        raise ValueError(f"不支持的导出格式：{chosen}（可用 {' 或 '.join(FORMATS)}）")
    return chosen


def export_reports(
    engine: Engine, out: Path, *, fmt: str | None, region: str | None, year: int | None
) -> int:
    """Write the export and return how many reports it holds. `fmt` None: from the suffix."""
    fmt = export_format(out, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = _rows(engine, region=region, year=year)
    if fmt == "xlsx":
        return write_xlsx(out, HEADER, rows, sheet="年报")
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        return write_csv(handle, HEADER, rows)


def _rows(engine: Engine, *, region: str | None, year: int | None) -> Iterator[list[Any]]:
    r, a, g, f = _REPORTS.c, _AGENCIES.c, _REGIONS.c, _FIGURES.c
    query = (
        select(r.id, a.name, g.name.label("region"), r.year, r.template, r.source_name)
        .join_from(_REPORTS, _AGENCIES, r.agency_id == a.id)
        .join(_REGIONS, a.region_id == g.id, isouter=True)
        .where(r.superseded.is_(False))
        .order_by(g.name, a.name, r.year)
    )
    if region:
        query = query.where(region_matches(region))
    if year is not None:
        query = query.where(r.year == year)
    with engine.connect() as conn:
        reports = conn.execute(query).all()
        for start in range(0, len(reports), _BATCH):
            batch = reports[start : start + _BATCH]
            values: defaultdict[int, dict[str, Decimal | None]] = defaultdict(dict)
            for report_id, key, value in conn.execute(
                select(f.report_id, f.key, f.value).where(
                    f.report_id.in_([row.id for row in batch])
                )
            ):
                values[report_id][key] = plain_decimal(value)
            for row in batch:
                cells = values[row.id]
                yield [
                    row.name,
                    row.region or "",
                    row.year,
                    row.template,
                    row.source_name,
                    *(cells.get(key) for key in FIELDS),
                ]


def _cell(value: Any) -> Any:
    """Whole numbers as int, others as float for spreadsheets; missing cells stay empty."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_csv(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """CSV for Excel (the caller opens `handle` as utf-8-sig: the BOM makes Excel read UTF-8);
    returns the number of data rows."""
    count = 0
    writer = csv.writer(handle)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    return count


def write_xlsx(
    out: Path | IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str
) -> int:
    """One sheet, written row by row (openpyxl write-only); returns the number of data rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(header))
    count = 0
    for row in rows:
        worksheet.append([_cell(v) for v in row])
        count += 1
    workbook.save(out)
    return count
