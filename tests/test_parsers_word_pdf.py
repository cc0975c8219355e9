"""PDFs printed from Word (LibreOffice's "export as PDF" of the .docx saved from each real
report, tests/helpers/office.py): every gold cell parses exactly whatever the table's layout.

- as saved: the page's tables as they came into Word (上海's 表三 is wider than the page:
  cut on both sides, its 法律服务机构/其他/总计 columns off the paper);
- narrow: the numeric columns of 表三 at 0.5 cm, headers broken one character per line and
  four-digit numbers wrapped (3001 as 300 | 1);
- split: a row of 表三 broken by a page break between its lines (numbers a digit or two per
  line in 0.4 cm columns: 3001 as 30 | 0 at the foot of one page, 1 at the head of the next);
- total off the page: 表三 wider than the page by its 总计 column, the totals derived;
- wide: 表三 24 cm wide, three columns off the paper: those cells are missing, never wrong;
- narrow on B5: 0.45 cm columns whose cells pad the right side only (平潭's page): two-digit
  numbers wrap a digit per line with room for most of a digit left (8 | 0 is 80);
- landscape: A4 turned sideways, the prose's lines broken elsewhere ("统计期" | "限自2024年"),
  above it the page's links to last year's report, printed as plain text;
- wide margins, large type: 3.17 cm margins, 12 pt tables: tables broken between rows across
  pages, each half closed by LibreOffice's per-cell borders (上海's 规章 | 规范性文件 apart).

The tables are made to fit the text width first (Word's "AutoFit to window") except "as saved".
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

import pypdfium2
import pytest

from parsers import parse_bytes
from parsers.model import DERIVED, ParsedReport
from tests.helpers import office, printed

NAMES = office.PAGES
FIT = office.Layout(fit_width=True)
LAYOUTS = {
    "as saved": None,
    "narrow": office.Layout(fit_width=True, value_width_cm=0.5),
    "total off the page": office.Layout(fit_width=True, past_edge_columns=1),
    "narrow on B5": office.Layout(paper="B5", fit_width=True, value_width_cm=0.45),
    "landscape": office.Layout(paper="A4", landscape=True, fit_width=True),
    "wide margins, large type": office.Layout(
        paper="A4", margin_cm=3.17, fit_width=True, font_pt=12
    ),
}
SPLIT = office.Layout(fit_width=True, value_width_cm=0.4, widow_control=False)
# Cells printed off the paper where the table as saved is wider than the page (总计 cannot be
# derived: 法律服务机构 and 其他 are off the paper too).
AS_SAVED_MISSES = {
    "shanghai_gov_office_2019.html": {
        "apply.new.total",
        "apply.carried_in.total",
        "result.withheld.total",
        "result.total.total",
        "apply.carried_forward.total",
    },
}


@pytest.fixture(scope="module")
def words() -> list[bytes]:
    return office.saved_as_word_many([(name, "full") for name in NAMES], "docx")


@pytest.fixture(scope="module")
def pdfs(words: list[bytes]) -> dict[tuple[str, str], bytes]:
    """Every report printed in every layout, one LibreOffice run per layout."""
    out: dict[tuple[str, str], bytes] = {}
    for kind, layout in LAYOUTS.items():
        made = office.convert_many(
            [(office.word_layout(w, layout) if layout else w, ".docx") for w in words], "pdf"
        )
        out.update(((name, kind), pdf) for name, pdf in zip(NAMES, made, strict=True))
    return out


@pytest.fixture(scope="module")
def split(words: list[bytes]) -> dict[str, tuple[bytes, str]]:
    return dict(zip(NAMES, printed.split_row_pdfs(words, SPLIT), strict=True))


def mismatches(report: ParsedReport, expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    figures = report.figures
    return {
        key: (want, figures.get(key))
        for key, want in expected.items()
        if key not in figures or Decimal(str(figures[key])) != Decimal(str(want))
    }


def assert_reads_the_gold(report: ParsedReport, name: str, misses: Collection[str] = ()) -> None:
    entry = office.gold()[name]
    assert (report.agency, report.year, report.template) == (
        entry["agency"],
        entry["year"],
        entry["template"],
    )
    missed = mismatches(report, entry["figures"])
    assert set(missed) == set(misses)
    assert all(key not in report.figures for key in missed)  # missing, never a wrong figure


@pytest.mark.parametrize("kind", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_gold_cell_of_a_word_printed_pdf_parses_exactly(
    pdfs: dict[tuple[str, str], bytes], name: str, kind: str
) -> None:
    report = parse_bytes(pdfs[(name, kind)])
    assert report.format == "pdf"
    misses = AS_SAVED_MISSES.get(name, set()) if kind == "as saved" else set()
    assert_reads_the_gold(report, name, misses)


@pytest.mark.parametrize("name", NAMES)
def test_a_row_broken_across_a_page_break_reads_as_one_row(
    split: dict[str, tuple[bytes, str]], name: str
) -> None:
    """The row's lines before the break and after it are one row: its numbers are whole."""
    pdf, _row = split[name]
    assert_reads_the_gold(parse_bytes(pdf), name)


def page_words(pdf: bytes) -> list[list[str]]:
    """Each page's words as PDFium reads them (whitespace-separated)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range().split() for page in document]
    finally:
        document.close()


def test_the_broken_row_is_the_first_of_表三_with_its_number_cut_by_the_page_break(
    split: dict[str, tuple[bytes, str]],
) -> None:
    """淮安 prints 3001 (本年新收, 自然人) as 30 at the foot of a page and 01 at the head of the
    next (and its 总计 3119 as 31 | 19): nowhere is either number whole, yet both read whole."""
    pdf, row = split["huaian_city_2024.pdf"]
    assert row == "本年新收"
    pages = page_words(pdf)
    assert not any("3001" in words for words in pages)
    foot = next(i for i, words in enumerate(pages) if "一、本年新收政府信息公开申请数量" in words)
    natural, total = pages[foot + 1][:2]  # the rest of the row heads the next page
    assert (
        "3001".removesuffix(natural) in pages[foot] and "3119".removesuffix(total) in pages[foot]
    )
    assert natural != "3001" and total != "3119"
    report = parse_bytes(pdf)
    assert (report.figures["apply.new.natural"], report.figures["apply.new.total"]) == (3001, 3119)


def test_a_total_column_off_the_paper_is_noticed_and_derived_from_its_row(
    pdfs: dict[tuple[str, str], bytes],
) -> None:
    report = parse_bytes(pdfs[("huaian_city_2024.pdf", "total off the page")])
    assert "表格超出页面边缘，部分列未印在页面上：25 个“总计”由同行各项相加得出" in report.warnings
    for key in ("apply.new.total", "result.public.total", "apply.carried_forward.total"):
        assert DERIVED in report.cells[key].flags, key
    assert DERIVED not in report.cells["apply.new.natural"].flags
    assert report.figures["apply.new.total"] == 3119


def test_columns_far_off_the_paper_are_missing_not_blank(words: list[bytes]) -> None:
    """表三 24 cm wide: 法律服务机构 half on the paper, 其他 and 总计 off it. Their cells are
    missing (a half-printed 61 is not read), the totals cannot be derived, the rest is exact."""
    name = "huaian_city_2024.pdf"
    pdf = office.printed_pdf(words[NAMES.index(name)], office.Layout(table_width_cm=24))
    report = parse_bytes(pdf)
    lost = {
        key
        for key in office.gold()[name]["figures"]
        if key.startswith(("apply.", "result.")) and key.endswith((".legal", ".other", ".total"))
    }
    assert_reads_the_gold(report, name, lost)
    assert any(w.startswith("表格超出页面边缘") and "个单元格未取值" in w for w in report.warnings)


def test_narrow_columns_print_headers_a_character_per_line(
    pdfs: dict[tuple[str, str], bytes],
) -> None:
    pages = page_words(pdfs[("huaian_city_2024.pdf", "narrow")])
    words = [w for page in pages for w in page]
    assert "自" in words and "然" in words and "自然人" not in words
    assert "300" in words and "3001" not in words


@pytest.fixture(scope="module")
def headless_pdfs() -> dict[str, bytes]:
    """Each page without its heading, saved as Word and printed: the only titles in the PDF are
    the page's links to last year's report and to another agency's, printed as plain text."""
    words = office.saved_as_word_many([(name, "none") for name in NAMES], "docx")
    made = office.convert_many([(office.word_layout(w, FIT), ".docx") for w in words], "pdf")
    return dict(zip(NAMES, made, strict=True))


@pytest.mark.parametrize("name", NAMES)
def test_a_printed_page_without_its_heading_is_filed_under_the_agency_its_body_names(
    headless_pdfs: dict[str, bytes], name: str
) -> None:
    assert_reads_the_gold(parse_bytes(headless_pdfs[name]), name)
