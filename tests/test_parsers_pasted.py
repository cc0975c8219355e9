"""Pasted and converted text of the real PDFs: every gold figure parses exactly in every form.

The forms are made inside the tests by the real tools (tests/text_forms.py): poppler's
`pdftotext` in reading order, `-layout` and `-raw`, pdfplumber's text and words, PDFium's text
(Chrome's viewer), and OCR-style noise over three of them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parsers import parse_bytes
from parsers.model import AMBIGUOUS, ParsedReport
from tests.fixtures_parsers import DATA_DIR, load_gold
from tests.helpers.documents import TEST_DATA, document
from tests.helpers.text_forms import PDF_FORMS, pdftotext

PDFS = ("hongze_district_2023.pdf", "hongze_district_2024.pdf", "huaian_city_2024.pdf")
EXTRA = {e["file"]: e for e in json.loads((DATA_DIR / "gold_extra.json").read_text("utf-8"))}
LITIGATION = ("litigation.",)
# 淮安 2024 in pdftotext's reading order prints 表四 as five chunks in the order
# 复议(4) 复议后起诉(4) 复议总计 直接起诉(5) 复议后起诉总计; six orders of the groups keep V4.
# The prose (行政复议 351 件) tells which group is 行政复议, but nothing tells 直接起诉 from
# 复议后起诉 (the prose gives their sum, 46): those cells must stay ambiguous.
AMBIGUOUS_BY_DESIGN = {
    ("huaian_city_2024.pdf", "pdftotext"): LITIGATION,
    ("huaian_city_2024.pdf", "pdftotext+ocr"): LITIGATION,
}


def gold_figures(name: str) -> dict[str, Any]:
    return {**load_gold()[name]["figures"], **EXTRA.get(name, {}).get("figures", {})}


def gold_mismatches(report: ParsedReport, name: str) -> tuple[dict[str, Any], set[str]]:
    """(gold keys read as a different number, gold keys not read); a key not read but
    ambiguous must be flagged so and hold the gold value among its candidates."""
    wrong: dict[str, Any] = {}
    missed: set[str] = set()
    for key, want in gold_figures(name).items():
        cell = report.cells.get(key)
        if cell is None or cell.value is None:
            missed.add(key)
            if cell is not None and cell.candidates:
                assert AMBIGUOUS in cell.flags and Decimal(str(want)) in cell.candidates, key
        elif cell.value != Decimal(str(want)):
            wrong[key] = (want, cell.value)
    return wrong, missed


def parse_text(text: str) -> ParsedReport:
    return parse_bytes(text.encode("utf-8"), filename="pasted.txt")


CASES = [(pdf, form) for pdf in PDFS for form in PDF_FORMS]


@pytest.mark.parametrize(("pdf", "form"), CASES, ids=[f"{p[:-4]}-{f}" for p, f in CASES])
def test_every_gold_figure_of_the_pasted_text(pdf: str, form: str) -> None:
    report = parse_text(PDF_FORMS[form](document(pdf)))
    entry = load_gold()[pdf]
    assert (report.agency, report.year, report.template) == (
        entry["agency"],
        entry["year"],
        entry["template"],
    )
    assert report.region.name.endswith(entry["region"])
    ambiguous = AMBIGUOUS_BY_DESIGN.get((pdf, form), ())
    wrong = {}
    for key, want in gold_figures(pdf).items():
        cell = report.cells[key]
        if key.startswith(ambiguous) and ambiguous:
            assert cell.value is None and AMBIGUOUS in cell.flags, key
            assert Decimal(str(want)) in cell.candidates, key
        elif cell.value is None or cell.value != Decimal(str(want)):
            wrong[key] = (want, cell.value, cell.candidates)
    assert wrong == {}


def test_reading_order_text_was_refused_before_and_reads_by_order_now(
    tmp_path: Path,
) -> None:
    """pdftotext's default order: labels away from numbers, 表三 partly column by column."""
    text = PDF_FORMS["pdftotext"](document("hongze_district_2024.pdf"))
    assert "1\n0\n1\n0\n0\n" in text  # a block of 表三 read down its first column
    report = parse_text(text)
    assert report.cells["result.unable.no_info.natural"].value == 31
    assert report.single_other_row
    assert not [c for c in report.checks if not c.ok and c.rule != "W2"]


MARKDOWN = TEST_DATA / "markdown"
# Written by hand from the real reports the way converters write them (tests/data/markdown):
# pymupdf4llm (a table per page, Col1… headers, <br> in cells, page footers between tables),
# marker (a table per row group, 数据1…数据6 headers, a header repeated above rows it does not
# describe, a label cut across rows, "— 5 —" as a table row, a wrapped label pulled above its
# table and its value row left bare, a value row detached from its label), and MinerU (HTML
# tables with rowspan/colspan inside the markdown, 表三 split at the page).
MARKDOWN_FILES = sorted(p.name for p in MARKDOWN.glob("*.md"))


@pytest.mark.parametrize("name", MARKDOWN_FILES)
def test_every_gold_figure_of_the_markdown_conversion(name: str) -> None:
    pdf = name.split(".")[0] + ".pdf"
    report = parse_bytes((MARKDOWN / name).read_bytes(), filename=name)
    assert report.format == "markdown"
    entry = load_gold()[pdf]
    assert (report.agency, report.year, report.template) == (
        entry["agency"],
        entry["year"],
        entry["template"],
    )
    wrong = {
        key: (want, report.cells[key].value)
        for key, want in gold_figures(pdf).items()
        if report.cells[key].value != Decimal(str(want))
    }
    assert wrong == {}


def test_markdown_quirks_are_the_ones_converters_make() -> None:
    """The marker file holds each quirk of issue #14 (so the test above exercises them)."""
    text = (MARKDOWN / "huaian_city_2024.marker.md").read_text("utf-8")
    assert "| 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |" in text
    assert "| — 5 — |" in text
    assert "政府信息公 | 67 |" in text and "| 开申请 |" in text
    assert "\n（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n\n|  | 447 |" in text
    assert "| 3.要求提供公开出版物 |  |" in text and "\n| 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" in text


WORD_PRINTED = ("pingtan_2023.html", "luan_jinan_data_bureau_2020.txt")
# 上海 2019 leaves most cells of 表三 blank (&nbsp;): pasted text loses the blanks, so rows have
# fewer numbers than columns and neither order nor labels can place them (a known miss: those
# cells are missing, never wrong).
BLANKS_LOST = "shanghai_gov_office_2019.html"


@pytest.fixture(scope="module")
def word_printed_pdfs() -> dict[str, bytes]:
    """The web and text reports saved as Word and printed to PDF by LibreOffice (as agencies
    publish them), for pasting with pdftotext."""
    from tests.helpers import office

    names = [*WORD_PRINTED, BLANKS_LOST]
    saved = office.saved_as_word_many([(name, "full") for name in names], "docx")
    return {
        name: office.convert(data, ".docx", "pdf") for name, data in zip(names, saved, strict=True)
    }


@pytest.mark.parametrize("mode", ["", "-layout", "-raw"], ids=["reading", "layout", "raw"])
@pytest.mark.parametrize("name", WORD_PRINTED)
def test_pasted_text_of_word_printed_reports(
    word_printed_pdfs: dict[str, bytes], tmp_path: Path, name: str, mode: str
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(word_printed_pdfs[name])
    report = parse_text(pdftotext(pdf, mode))
    entry = load_gold()[name]
    assert (report.agency, report.year) == (entry["agency"], entry["year"])
    wrong = {
        key: (want, report.cells[key].value if key in report.cells else None)
        for key, want in gold_figures(name).items()
        if key not in report.cells or report.cells[key].value != Decimal(str(want))
    }
    assert wrong == {}


@pytest.mark.parametrize("mode", ["-layout", "-raw"])
def test_pasted_text_that_lost_its_blank_cells_is_missing_not_wrong(
    word_printed_pdfs: dict[str, bytes], tmp_path: Path, mode: str
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(word_printed_pdfs[BLANKS_LOST])
    report = parse_text(pdftotext(pdf, mode))
    wrong = {  # a cell with no value (ambiguous: its candidates offered) is not wrong
        key: (want, cell.value)
        for key, want in gold_figures(BLANKS_LOST).items()
        if (cell := report.cells.get(key))
        and cell.value is not None
        and cell.value != Decimal(str(want))
    }
    assert wrong == {}
