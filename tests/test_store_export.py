"""Exports: one row per current report, catalog columns in order, CSV for Excel or .xlsx."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from parsers.fields import FIELDS
from parsers.model import AMBIGUOUS, DERIVED, Cell, CheckResult, Region
from parsers.prose import TEXT_FACTS, ProseFact
from store.export import FILLS, HEADER, HEADINGS, export_reports
from store.ingest import write_report
from tests.fixtures_store import make_report

HUAIAN = Region("江苏省", "淮安市")
KEY_COLUMN = 5 + list(FIELDS).index("apply.new.total")
FEE_COLUMN = 5 + list(FIELDS).index("proactive.fees.amount")
PUBLIC_COLUMN = 5 + list(FIELDS).index("result.public.total")


@pytest.fixture
def stored(engine: Engine) -> Engine:
    first = make_report("洪泽区人民政府", 2023, values={"apply.new.total": 12,
                        "proactive.fees.amount": Decimal("25.1")})  # fmt: skip
    first.cells["result.public.total"] = Cell(
        None, raw="640", flags=frozenset({AMBIGUOUS}), candidates=(64, 640)
    )
    first.cells["apply.carried_in.total"] = Cell(7, raw="", flags=frozenset({DERIVED}))
    first.checks.append(CheckResult("V4", False, "复议总计 3 ≠ 分项之和 2",
                                    ("review.total", "review.upheld")))  # fmt: skip
    first.facts = [
        ProseFact("text.interpretations", 117, "篇", "发布政策解读117篇。", "一、总体情况"),
        ProseFact("free.1", 12, "场", "召开培训会12场。", "一、总体情况", "召开培训会"),
    ]
    for report, name in [
        (first, "hz-2023.pdf"),
        (make_report("淮安市洪泽区人民政府", 2024, values={"apply.new.total": 1}), "old"),
        (make_report("淮安市洪泽区人民政府", 2024, values={"apply.new.total": 15}), "hz-2024"),
        (make_report("淮安市人民政府", 2024, region=HUAIAN, values={"apply.new.total": 3119}),
         "huaian.pdf"),
    ]:  # fmt: skip
        write_report(engine, report, source_name=name, data_sha256=name)
    return engine


def read_csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_has_one_row_per_current_report_and_every_catalog_column(
    stored: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "all.csv"
    assert export_reports(stored, out, fmt=None, region=None, year=None) == 3
    headings, header, *rows = read_csv(out)
    assert header == ["agency", "region", "year", "template", "source", *FIELDS,
                      *TEXT_FACTS, "flags"]  # fmt: skip
    assert headings[:5] == ["单位", "地区", "年度", "模板", "来源文件"]
    assert headings[KEY_COLUMN] == "表三 · 一、本年新收政府信息公开申请数量 · 总计（件）"
    assert headings[FEE_COLUMN].endswith("（万元）")
    assert headings[header.index("text.interpretations")] == "正文 · 政策解读（单位见“正文数字”）"
    assert [row[:5] for row in rows] == [
        ["淮安市人民政府", "江苏省淮安市", "2024", "2021", "huaian.pdf"],
        ["淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "2023", "2021", "hz-2023.pdf"],
        ["淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "2024", "2021", "hz-2024"],
    ]
    assert [row[KEY_COLUMN] for row in rows] == ["3119", "12", "15"]
    assert rows[1][FEE_COLUMN] == "25.1"
    assert rows[1][PUBLIC_COLUMN] == ""  # ambiguous: no value to export
    assert rows[1][5 + list(FIELDS).index("proactive.permit.prev_items")] == ""  # 2019 only
    assert rows[1][header.index("text.interpretations")] == "117"
    assert rows[1][-1] == "；".join(sorted([  # cells in column order
        "apply.carried_in.total：原表未印此格，由分项相加得出",
        "result.public.total：数字串有多种拆分方式，未取值（候选 64、640）",
        "review.total：校验 V4 未通过：复议总计 3 ≠ 分项之和 2",
        "review.upheld：校验 V4 未通过：复议总计 3 ≠ 分项之和 2",
    ], key=lambda mark: HEADER.index(mark.partition("：")[0])))  # fmt: skip
    assert rows[0][-1] == rows[2][-1] == ""


@pytest.mark.parametrize(
    ("region", "year", "sources"),
    [
        ("江苏省淮安市洪泽区", None, ["hz-2023.pdf", "hz-2024"]),
        ("淮安市", 2024, ["huaian.pdf", "hz-2024"]),
        (None, 2023, ["hz-2023.pdf"]),
        ("上海市", None, []),
    ],
    ids=["county", "city-and-year", "year", "nothing"],
)
def test_csv_filters_by_region_prefix_and_year(
    stored: Engine, tmp_path: Path, region: str | None, year: int | None, sources: list[str]
) -> None:
    out = tmp_path / "some.csv"
    assert export_reports(stored, out, fmt="csv", region=region, year=year) == len(sources)
    assert [row[4] for row in read_csv(out)[2:]] == sources


def test_xlsx_is_a_spreadsheet_a_person_opens(stored: Engine, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert export_reports(stored, out, fmt=None, region=None, year=2023) == 1
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["年报", "标记", "正文数字", "来源", "字段说明"]
    data = workbook["年报"]
    headings, header, row = list(data.iter_rows(values_only=True))
    assert (headings, header) == (HEADINGS, HEADER)
    assert row[:5] == ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", 2023, "2021", "hz-2023.pdf")
    assert (row[KEY_COLUMN], row[FEE_COLUMN], row[PUBLIC_COLUMN]) == (12, 25.1, None)
    assert data.freeze_panes == "B3"  # both heading rows and the agency stay in view
    assert data.column_dimensions["A"].width == 30
    assert data.column_dimensions["F"].width == 16
    assert data.cell(1, 1).font.bold
    ambiguous = data.cell(3, PUBLIC_COLUMN + 1)
    assert ambiguous.comment.text == "数字串有多种拆分方式，未取值（候选 64、640）"
    assert ambiguous.fill.start_color.rgb == "00" + FILLS[AMBIGUOUS]
    review = data.cell(3, HEADER.index("review.total") + 1)
    assert review.fill.start_color.rgb == "00" + FILLS["failed"]
    assert data.cell(3, KEY_COLUMN + 1).comment is None  # a plain printed cell
    marks = list(workbook["标记"].iter_rows(values_only=True))
    assert marks[0] == ("单位", "地区", "年度", "字段", "表 · 行 · 列（单位）", "数值", "标记")
    assert ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", 2023, "apply.carried_in.total",
            HEADINGS[HEADER.index("apply.carried_in.total")], 7,
            "原表未印此格，由分项相加得出") in marks  # fmt: skip
    assert len(marks) == 1 + 4
    prose = list(workbook["正文数字"].iter_rows(values_only=True))
    assert prose[1:] == [
        ("淮安市洪泽区人民政府", 2023, "text.interpretations", "政策解读", 117, "篇",
         "发布政策解读117篇。", "一、总体情况"),
        ("淮安市洪泽区人民政府", 2023, "free.1", "召开培训会", 12, "场", "召开培训会12场。",
         "一、总体情况"),
    ]  # fmt: skip
    (source,) = list(workbook["来源"].iter_rows(min_row=2, values_only=True))
    assert source[:6] == ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", 2023, "2021", "text",
                          "hz-2023.pdf")  # fmt: skip
    assert source[9] == 1  # the failing V4
    fields = {r[0]: r for r in workbook["字段说明"].iter_rows(min_row=2, values_only=True)}
    assert fields["apply.new.total"][1:5] == (
        "三",
        "一、本年新收政府信息公开申请数量",
        "总计",
        "件",
    )
    assert set(HEADER) <= set(fields)
    workbook.close()


def test_the_format_flag_wins_over_the_suffix_and_unknown_formats_are_refused(
    stored: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "data.txt"
    assert export_reports(stored, out, fmt="csv", region=None, year=None) == 3
    assert read_csv(out)[1][0] == "agency"
    with pytest.raises(ValueError, match="不支持的导出格式：json"):
        export_reports(stored, tmp_path / "x.json", fmt=None, region=None, year=None)
