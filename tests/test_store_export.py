"""Exports: one row per current report, catalog columns in order, CSV for Excel or .xlsx."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from parsers.fields import FIELDS
from parsers.model import AMBIGUOUS, Cell, Region
from store.export import HEADER, export_reports
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
    header, *rows = read_csv(out)
    assert header == ["agency", "region", "year", "template", "source", *FIELDS]
    assert [row[:5] for row in rows] == [
        ["淮安市人民政府", "江苏省淮安市", "2024", "2021", "huaian.pdf"],
        ["淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "2023", "2021", "hz-2023.pdf"],
        ["淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "2024", "2021", "hz-2024"],
    ]
    assert [row[KEY_COLUMN] for row in rows] == ["3119", "12", "15"]
    assert rows[1][FEE_COLUMN] == "25.1"
    assert rows[1][PUBLIC_COLUMN] == ""  # ambiguous: no value to export
    assert rows[1][5 + list(FIELDS).index("proactive.permit.prev_items")] == ""  # 2019 only


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
    assert [row[4] for row in read_csv(out)[1:]] == sources


def test_xlsx_holds_numbers_as_numbers(stored: Engine, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert export_reports(stored, out, fmt=None, region=None, year=2023) == 1
    workbook = load_workbook(out, read_only=True)
    header, row = list(workbook["年报"].iter_rows(values_only=True))
    workbook.close()
    assert header == HEADER
    assert row[:5] == ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", 2023, "2021", "hz-2023.pdf")
    assert (row[KEY_COLUMN], row[FEE_COLUMN], row[PUBLIC_COLUMN]) == (12, 25.1, None)


def test_the_format_flag_wins_over_the_suffix_and_unknown_formats_are_refused(
    stored: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "data.txt"
    assert export_reports(stored, out, fmt="csv", region=None, year=None) == 3
    assert read_csv(out)[0][0] == "agency"
    with pytest.raises(ValueError, match="不支持的导出格式：json"):
        export_reports(stored, tmp_path / "x.json", fmt=None, region=None, year=None)
