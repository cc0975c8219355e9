"""Export current reports as a spreadsheet a person opens: one row per report (agency, region,
year, template, source), one column per canonical cell in the field catalog's order, then the
prose facts (text.*) and a 标记 column. Two heading rows: the Chinese one (表 · 行 · 列（单位）)
and the canonical key under it, so a program can still find its column.

Cells the report does not simply print are marked — derived from their parts, ambiguous (no
value, candidates named), read by OCR, or named by a failing check — in the 标记 column and,
in the .xlsx, by a coloured cell with a comment. The .xlsx adds sheets: 标记 (one row per marked
cell), 正文数字 (every figure the prose states, with its sentence), 来源 (each report's file,
format and checks) and 字段说明 (every key with its table, row, column and unit)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, func, select

from parsers.fields import FIELDS
from parsers.model import AMBIGUOUS, BLANK, FLAG_TEXT, SUSPECT
from parsers.prose import TEXT_FACTS
from store.models import Agency, CheckResult, Figure, ProseFigure, Region, Report
from store.reader import plain_decimal, region_matches

_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]
_REGIONS: Table = Region.__table__  # type: ignore[attr-defined]
_PROSE: Table = ProseFigure.__table__  # type: ignore[attr-defined]
_CHECKS: Table = CheckResult.__table__  # type: ignore[attr-defined]

REPORT_COLUMNS = (("agency", "单位", 30), ("region", "地区", 24), ("year", "年度", 7),
                  ("template", "模板", 7), ("source", "来源文件", 24))  # fmt: skip
FACT_KEYS = tuple(TEXT_FACTS)
MARKS = "flags"
HEADER = (*(key for key, _, _ in REPORT_COLUMNS), *FIELDS, *FACT_KEYS, MARKS)
FORMATS = ("csv", "xlsx")
_BATCH = 500  # reports whose figures are fetched per query
FIGURE_WIDTH = 16
MARKS_WIDTH = 60
FAILED = "failed"  # a mark: a failing check names the cell
# The colour of a marked cell, the most serious mark first.
FILLS = {FAILED: "F4B6B6", AMBIGUOUS: "F9D28B", SUSPECT: "F9D28B", "ocr": "CFE2F3",
         "derived": "FFF2CC", "unit": "FFF2CC"}  # fmt: skip


def heading(key: str) -> str:
    """The Chinese heading of a column: 表三 · 一、本年新收… · 总计（件）."""
    for name, title, _ in REPORT_COLUMNS:
        if key == name:
            return title
    if key in FIELDS:
        f = FIELDS[key]
        return f"表{f.table} · {f.row} · {f.column}（{f.unit}）"
    if key in TEXT_FACTS:
        return f"正文 · {TEXT_FACTS[key]}（单位见“正文数字”）"
    return "标记（计算得出 / 有歧义 / OCR / 校验未通过）"


HEADINGS = tuple(heading(key) for key in HEADER)


@dataclass
class ExportRow:
    """One report's row, and its marked cells: column index → (mark kinds, what to say)."""

    report_id: int
    values: list[Any]
    marks: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)

    def mark(self, column: int, kind: str, text: str) -> None:
        kinds, texts = self.marks.setdefault(column, ([], []))
        kinds.append(kind)
        texts.append(text)

    def marks_text(self) -> str:
        """The 标记 column: `key：what；…` for every marked cell."""
        return "；".join(
            f"{HEADER[column]}：{'，'.join(texts)}"
            for column, (_, texts) in sorted(self.marks.items())
        )


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
    with engine.connect() as conn:
        reports = _reports(conn, region=region, year=year)
        if fmt == "xlsx":
            return _write_workbook(conn, out, reports)
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            rows = ([*row.values, row.marks_text()] for row in _rows(conn, reports))
            return write_csv(handle, HEADINGS, rows, keys=HEADER)


def known_regions(engine: Engine, *, limit: int) -> list[str]:
    """Regions that have a current report, most reports first: what a hint can suggest."""
    r, a, g = _REPORTS.c, _AGENCIES.c, _REGIONS.c

    query = (
        select(g.name)
        .join_from(_REPORTS, _AGENCIES, r.agency_id == a.id)
        .join(_REGIONS, a.region_id == g.id)
        .where(r.superseded.is_(False))
        .group_by(g.name)
        .order_by(func.count().desc(), g.name)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [name for (name,) in conn.execute(query)]


def _reports(conn: Connection, *, region: str | None, year: int | None) -> list[Any]:
    r, a, g = _REPORTS.c, _AGENCIES.c, _REGIONS.c
    query = (
        select(r.id, a.name, g.name.label("region"), r.year, r.template, r.source_name,
               r.format, r.title, r.published_on, r.ingested_at, r.failed_checks, r.sha256)
        .join_from(_REPORTS, _AGENCIES, r.agency_id == a.id)
        .join(_REGIONS, a.region_id == g.id, isouter=True)
        .where(r.superseded.is_(False))
        .order_by(g.name, a.name, r.year)
    )  # fmt: skip
    if region:
        query = query.where(region_matches(region))
    if year is not None:
        query = query.where(r.year == year)
    return list(conn.execute(query).all())


def _rows(conn: Connection, reports: list[Any]) -> Iterator[ExportRow]:
    """The rows, batch by batch: figures, prose facts and failing checks read per batch."""
    f, p, c = _FIGURES.c, _PROSE.c, _CHECKS.c
    column = {key: index for index, key in enumerate(HEADER)}
    for start in range(0, len(reports), _BATCH):
        batch = reports[start : start + _BATCH]
        ids = [row.id for row in batch]
        rows = {
            row.id: ExportRow(row.id, [row.name, row.region or "", row.year, row.template,
                                       row.source_name, *([None] * (len(HEADER) - 6))])
            for row in batch
        }  # fmt: skip
        query = select(f.report_id, f.key, f.value, f.flags, f.candidates, f.raw)
        for report_id, key, value, flags, candidates, raw in conn.execute(
            query.where(f.report_id.in_(ids))
        ):
            if key not in column:
                continue
            row = rows[report_id]
            row.values[column[key]] = plain_decimal(value)
            for flag in (x for x in flags.split(",") if x and x != BLANK):
                said = FLAG_TEXT.get(flag, flag)
                if flag in (AMBIGUOUS, SUSPECT) and candidates:
                    said += f"（候选 {candidates.replace(',', '、')}）"
                elif flag == "unit" and raw:
                    said += f"（原表 {raw}）"
                row.mark(column[key], flag, said)
        for report_id, key, value in conn.execute(
            select(p.report_id, p.key, p.value).where(p.report_id.in_(ids), p.key.in_(FACT_KEYS))
        ):
            rows[report_id].values[column[key]] = plain_decimal(value)
        for report_id, rule, message, keys in conn.execute(
            select(c.report_id, c.rule, c.message, c["keys"]).where(
                c.report_id.in_(ids), c.ok.is_(False)
            )
        ):
            for key in (k for k in keys.split(",") if k in column):
                rows[report_id].mark(column[key], FAILED, f"校验 {rule} 未通过：{message}")
        yield from rows.values()


def _cell(value: Any) -> Any:
    """Whole numbers as int, others as float for spreadsheets; missing cells stay empty."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_csv(
    handle: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    keys: Sequence[str] | None = None,
) -> int:
    """CSV for Excel (the caller opens `handle` as utf-8-sig: the BOM makes Excel read UTF-8);
    `keys`, when given, is a second heading row. Returns the number of data rows."""
    count = 0
    writer = csv.writer(handle)
    writer.writerow(header)
    if keys is not None:
        writer.writerow(keys)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    return count


def write_xlsx(
    out: Path | IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str
) -> int:
    """One sheet, written row by row (openpyxl write-only) under a frozen heading row;
    returns the number of data rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = _sheet(workbook, sheet, [(h, 18) for h in header], freeze="A2")
    count = 0
    for row in rows:
        worksheet.append([_cell(v) for v in row])
        count += 1
    workbook.save(out)
    return count


def _sheet(workbook: Any, title: str, columns: Sequence[tuple[str, int]], *, freeze: str) -> Any:
    """A write-only sheet with its column widths, a bold wrapped heading row, frozen panes."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    worksheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = freeze
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    cells = []
    for name, _ in columns:
        cell = WriteOnlyCell(worksheet, value=name)
        cell.font, cell.alignment = bold, wrap
        cells.append(cell)
    worksheet.append(cells)
    return worksheet


def _write_workbook(conn: Connection, out: Path, reports: list[Any]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    workbook = Workbook(write_only=True)
    widths = [w for _, _, w in REPORT_COLUMNS]
    widths += [FIGURE_WIDTH] * (len(HEADER) - len(widths) - 1) + [MARKS_WIDTH]
    data = _sheet(workbook, "年报", list(zip(HEADINGS, widths, strict=True)), freeze="B3")
    data.append(list(HEADER))
    fills = {kind: PatternFill("solid", start_color=rgb) for kind, rgb in FILLS.items()}
    marked: list[list[Any]] = []
    count = 0
    for row in _rows(conn, reports):
        cells: list[Any] = [_cell(v) for v in row.values]
        for column, (kinds, texts) in row.marks.items():
            cell = WriteOnlyCell(data, value=cells[column])
            cell.fill = fills[min(kinds, key=lambda k: list(FILLS).index(k) if k in FILLS else 99)]
            cell.comment = Comment("\n".join(texts), "nianbao")
            cells[column] = cell
            marked += [[*row.values[:2], row.values[2], HEADER[column], HEADINGS[column],
                        _cell(row.values[column]), "；".join(texts)]]  # fmt: skip
        cells[-1] = row.marks_text()
        data.append(cells)
        count += 1
    _marks_sheet(workbook, marked)
    _prose_sheet(workbook, conn, reports)
    _sources_sheet(workbook, reports)
    _fields_sheet(workbook)
    workbook.save(out)
    return count


def _marks_sheet(workbook: Any, marked: list[list[Any]]) -> None:
    columns = [("单位", 30), ("地区", 24), ("年度", 7), ("字段", 34), ("表 · 行 · 列（单位）", 50),
               ("数值", 12), ("标记", 70)]  # fmt: skip
    sheet = _sheet(workbook, "标记", columns, freeze="A2")
    for row in marked:
        sheet.append(row)


def _prose_sheet(workbook: Any, conn: Connection, reports: list[Any]) -> None:
    p = _PROSE.c
    columns = [("单位", 30), ("年度", 7), ("字段", 26), ("说明", 22), ("数值", 12),
               ("单位（原文）", 10), ("原句", 80), ("所在部分", 30)]  # fmt: skip
    sheet = _sheet(workbook, "正文数字", columns, freeze="A2")
    names = {row.id: (row.name, row.year) for row in reports}
    ids = list(names)
    for start in range(0, len(ids), _BATCH):
        query = select(p.report_id, p.key, p.phrase, p.value, p.unit, p.sentence, p.section)
        query = query.where(p.report_id.in_(ids[start : start + _BATCH]))
        for report_id, key, phrase, value, unit, sentence, section in conn.execute(
            query.order_by(p.report_id, p.id)
        ):
            what = TEXT_FACTS.get(key) or (heading(key) if key in FIELDS else phrase)
            sheet.append([*names[report_id], key, what, _cell(plain_decimal(value)), unit or "",
                          sentence, section])  # fmt: skip


def _sources_sheet(workbook: Any, reports: list[Any]) -> None:
    columns = [("单位", 30), ("地区", 24), ("年度", 7), ("模板", 7), ("格式", 10),
               ("来源文件", 30), ("标题", 50), ("发布日期", 12), ("入库时间", 20),
               ("校验未通过（项）", 10), ("SHA-256", 20)]  # fmt: skip
    sheet = _sheet(workbook, "来源", columns, freeze="A2")
    for row in reports:
        sheet.append([row.name, row.region or "", row.year, row.template, row.format,
                      row.source_name, row.title, row.published_on,
                      row.ingested_at.replace(tzinfo=None) if row.ingested_at else None,
                      row.failed_checks, row.sha256])  # fmt: skip


def _fields_sheet(workbook: Any) -> None:
    columns = [("字段", 36), ("表", 5), ("行", 50), ("列", 24), ("单位", 6), ("说明", 30)]
    sheet = _sheet(workbook, "字段说明", columns, freeze="A2")
    for name, title, _ in REPORT_COLUMNS:
        sheet.append([name, "", title, "", "", "每份年报的基本信息"])
    for key, f in FIELDS.items():
        sheet.append([key, f.table, f.row, f.column, f.unit,
                      "由分项相加得出" if f.derived else ""])  # fmt: skip
    for key, what in TEXT_FACTS.items():
        sheet.append([key, "正文", what, "", "", "年报正文所述的数字；单位与原句见“正文数字”"])
    sheet.append([MARKS, "", "标记", "", "", "计算得出 / 有歧义 / OCR / 校验未通过的单元格"])
