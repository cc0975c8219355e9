"""The HTML reports as a browser gives them: the page copied (select all, copy), and printed to
PDF (Letter and A4) then pasted out of the PDF by pdftotext and pdfplumber. Every gold figure
parses exactly, except the known misses named below, and none is ever wrong."""

from __future__ import annotations

import os

import pytest

from parsers import ParseError, parse_bytes
from parsers.model import BLANK
from tests.fixtures_parsers import load_gold
from tests.helpers.browser_forms import HAS_CHROMIUM, PAGES, PAPERS, browser_forms
from tests.helpers.documents import document
from tests.test_parsers_pasted import gold_figures, gold_mismatches

if not HAS_CHROMIUM:
    if os.environ.get("NIANBAO_REQUIRE_BROWSER") == "1":
        pytest.fail("NIANBAO_REQUIRE_BROWSER=1 but chromium is missing", pytrace=False)
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

PASTED = ("pdftotext", "pdftotext -layout", "pdftotext -raw", "pdfplumber", "pdfplumber layout")
FORMS = ["copied", *(f"{paper} {form}" for paper in PAPERS for form in PASTED)]

# 上海 2019 leaves most cells of 表三 and 表四 blank. Copied, each blank cell stays between its
# tabs. Pasted without positions, the blanks are gone and these rows have fewer numbers than
# columns: missing, never guessed. Only
# the Letter print keeps columns poppler lays out evenly; on A4 poppler packs some numbers of
# a row together ("2 1 859" against "2    1   805"), so no column is clear.
BLANKS_LOST = frozenset(
    {
        "apply.carried_forward.total", "apply.carried_in.total", "apply.new.business",
        "apply.new.natural", "apply.new.total", "result.public.natural", "result.total.total",
        "result.unable.no_info.natural", "result.withheld.total",
        "litigation.direct.total", "review.total", "review.upheld",
    }
)  # fmt: skip
# 表四 with blanks: fifteen columns whose headers are stacked a character a line.
REVIEW_BLANKS = frozenset({"litigation.direct.total", "review.total", "review.upheld"})
# The reading order of the printed pages: 平潭's 表三 comes out a cell a line in an order that
# no template order fits (表四 is read), and 表二 prints 行政规范性文件's first number beside
# its label before 规章's last two: those six cells are ambiguous (candidates), never guessed.
TABLE_THREE = ("apply.", "result.")
CUT_ROWS = ("proactive.rules.", "proactive.normative.")
# 上海 2019 pasted by pdftotext -raw or pdfplumber: a row's numbers with the blanks between
# them gone ("821 35 2 1 859"). Each number is placed whole, the cells between blank, by the
# row's own sum and the column rules. Columns blank in every row let a number stand in more
# than one column: ambiguous, with candidates. 不予公开's total (its label-only rows print no
# numbers) and 表四 (no label before its numbers) stay missing.
PLACED = frozenset(
    {
        "apply.new.business", "apply.new.natural", "result.public.natural",
        "result.unable.no_info.natural", "result.withheld.total",
        "litigation.direct.total", "review.total", "review.upheld",
    }
)  # fmt: skip
PLACED_FORMS = ("pdftotext -raw", "pdfplumber")
# 上海 2019 in the reading order of the Letter print: no table left to read (refused); of the A4
# print: 表二 is read but for the one amount poppler prints apart from its row.
REFUSED = {("shanghai_gov_office_2019.html", "Letter pdftotext")}


def known_misses(name: str, form: str) -> set[str]:
    keys = set(gold_figures(name))
    if form == "copied":
        return set()
    if name == "shanghai_gov_office_2019.html":
        if form == "A4 pdftotext":
            return BLANKS_LOST | {"proactive.procurement.amount"}
        if form.split(" ", 1)[1] in PLACED_FORMS:
            return set(PLACED)
        return set(REVIEW_BLANKS if form == "Letter pdftotext -layout" else BLANKS_LOST)
    if form.endswith(" pdftotext"):
        return {k for k in keys if k.startswith(TABLE_THREE + CUT_ROWS)}
    return set()


@pytest.fixture(scope="module")
def forms() -> dict[tuple[str, str], str]:
    return browser_forms([document(name) for name in PAGES])


CASES = [(name, form) for name in PAGES for form in FORMS]


@pytest.mark.parametrize(("name", "form"), CASES, ids=[f"{n[:-5]}-{f}" for n, f in CASES])
def test_every_gold_figure_of_the_browser_form(
    forms: dict[tuple[str, str], str], name: str, form: str
) -> None:
    text = forms[name, form]
    if (name, form) in REFUSED:
        with pytest.raises(ParseError, match="未找到政府信息公开工作年度报告的表格"):
            parse_bytes(text.encode("utf-8"))
        return
    report = parse_bytes(text.encode("utf-8"), filename="pasted.txt")
    entry = load_gold()[name]
    assert (report.agency, report.year) == (entry["agency"], entry["year"])
    wrong, missed = gold_mismatches(report, name)
    assert wrong == {}
    assert missed == known_misses(name, form)


def test_the_letter_print_keeps_the_blank_cells_in_their_columns(
    forms: dict[tuple[str, str], str],
) -> None:
    """pdftotext -layout of 上海 2019: rows with blank cells are read by the columns the numbers
    stand in (the header words place them, no row prints all seven), the label-only rows of
    （三）不予公开 are blank rows, so the group's total is the sum of its printed cells."""
    text = forms["shanghai_gov_office_2019.html", "Letter pdftotext -layout"]
    assert "二、上年结转政府信息公开申请数量" in text and "\n一、本年新收" in text
    report = parse_bytes(text.encode("utf-8"))
    cells = report.cells
    assert [cells[f"apply.carried_in.{c}"].value for c in ("natural", "business", "total")] == [
        18,
        0,
        18,
    ]
    assert cells["result.withheld.total"].value == 35
    assert cells["result.withheld.third_party.total"].value == 0
    assert cells["result.partial.natural"].value == 3


def test_the_copied_page_keeps_each_row_and_its_blank_cells(
    forms: dict[tuple[str, str], str],
) -> None:
    """Copied from the browser, 上海 2019's cells hold paragraphs: a cell a line, the tab
    between cells a line of its own, a blank cell a line holding &nbsp;. The row is one row
    again, its blanks in their columns: 表四's 5, 2, 7 are 维持, 尚未审结 and 总计."""
    text = forms["shanghai_gov_office_2019.html", "copied"]
    assert "\n\n\t\n\n" in text and "\xa0" in text
    cells = parse_bytes(text.encode("utf-8")).cells
    assert [cells[f"review.{c}"].value for c in ("upheld", "corrected", "pending", "total")] == [
        5,
        0,
        2,
        7,
    ]
    assert BLANK in cells["review.corrected"].flags
    assert [cells[f"apply.new.{c}"].value for c in ("natural", "research", "legal", "total")] == [
        821,
        0,
        2,
        859,
    ]


def test_numbers_pasted_without_their_blank_cells_are_placed_whole(
    forms: dict[tuple[str, str], str],
) -> None:
    """上海 2019's print pasted by pdftotext -raw: "821 35 2 1 859" for seven columns. The
    totals are read (each the sum of the numbers before it, the blanks 0); which columns the
    parts stand in, columns blank in every row cannot tell: candidates, never a guess."""
    text = forms["shanghai_gov_office_2019.html", "Letter pdftotext -raw"]
    assert "821 35 2 1 859" in text
    cells = parse_bytes(text.encode("utf-8")).cells
    totals = ("apply.new", "apply.carried_in", "result.total", "apply.carried_forward")
    assert [cells[f"{row}.total"].value for row in totals] == [859, 18, 805, 72]
    natural = cells["apply.new.natural"]
    assert natural.value is None and natural.candidates == (0, 821)
