"""The HTML reports as a browser gives them: the page copied (select all, copy), and printed to
PDF (Letter and A4) then pasted out of the PDF by pdftotext and pdfplumber. Every gold figure
parses exactly, except the known misses named below, and none is ever wrong."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest

from parsers import parse_bytes
from parsers.layout import row_specs
from parsers.model import BLANK
from parsers.sections import section_lines
from parsers.sequence import CANDIDATE_LIMIT, arrangements, tokens
from parsers.stranded import stranded_readings
from parsers.text import normalize_text
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
# columns: missing, never guessed. With columns kept, 表三's numbers stand under their header
# words (pdfplumber runs four of them together: spread between the words around them), except
# on A4 by poppler, which packs some numbers of a row together ("2 1 859" against
# "2    1   805"), so no column is clear.
BLANKS_LOST = frozenset(
    {
        "apply.carried_forward.total", "apply.carried_in.total", "apply.new.business",
        "apply.new.natural", "apply.new.total", "result.public.natural", "result.total.total",
        "result.unable.no_info.natural", "result.withheld.total",
        "litigation.direct.total", "review.upheld",
    }
)  # fmt: skip
# 表四 with blanks: fifteen columns whose headers are stacked a character a line; its six numbers
# placed in order under V4 and the prose (行政复议7件: review.total), the results they are and
# whether 8 1 9 is 直接起诉 or 复议后起诉 are ambiguous (parsers/blanks.py).
REVIEW_BLANKS = frozenset({"litigation.direct.total", "review.upheld"})
# The reading order of the printed pages: 平潭's 表三 comes out a cell a line, some rows' first
# numbers stranded among the wrapped labels (placed by the rows' sums: parsers.stranded), and
# 表二 prints 行政规范性文件's first number beside its label before 规章's last two: those six
# cells are ambiguous (candidates), never guessed, but for the one whose figure the prose states.
TABLE_THREE = ("apply.", "result.")
CUT_ROWS = ("proactive.rules.", "proactive.normative.")
STATED = {"proactive.normative.issued"}  # but the prose's 本年度制发的规范性文件77件
# 上海 2019 pasted by pdftotext -raw or pdfplumber: a row's numbers with the blanks between
# them gone ("821 35 2 1 859"). Each number is placed whole, the cells between blank, by the
# row's own sum and the column rules. Columns blank in every row let a number stand in more
# than one column: ambiguous, with candidates. 不予公开's total (its label-only rows print no
# numbers) stays missing.
PLACED = frozenset(
    {
        "apply.new.business", "apply.new.natural", "result.public.natural",
        "result.unable.no_info.natural", "result.withheld.total",
        "litigation.direct.total", "review.upheld",
    }
)  # fmt: skip
# poppler's A4 layout text too: no column clear, its rows split at the spaces (numbers packed one
# space apart split as well) are placed the same way.
PLACED_FORMS = ("pdftotext -raw", "pdfplumber", "pdftotext -layout")
# 上海 2019 in the reading order of the prints: 表二 is read (on A4 but for the one amount poppler
# prints apart from its row; on Letter its last two numbers come after 表三's heading).


def known_misses(name: str, form: str) -> set[str]:
    keys = set(gold_figures(name))
    if form == "copied":
        return set()
    if name == "shanghai_gov_office_2019.html":
        if form == "A4 pdftotext":
            return BLANKS_LOST | {"proactive.procurement.amount"}
        if form == "A4 pdftotext -layout":  # 部分公开's "… 3" one space apart: a row lost
            return set(PLACED)
        if form.split(" ", 1)[1] in PLACED_FORMS and form != "Letter pdftotext -layout":
            return PLACED - {"result.withheld.total"}
        return set(REVIEW_BLANKS if form.endswith("layout") else BLANKS_LOST)
    if form.endswith(" pdftotext"):
        return {k for k in keys if k.startswith(CUT_ROWS)} - STATED
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


def test_numbers_packed_one_space_apart_are_read_as_the_rows_they_are(
    forms: dict[tuple[str, str], str],
) -> None:
    """上海 2019 printed on A4 and pasted by pdftotext -layout: poppler packs some numbers of a
    row one space apart ("821     35     2 1 859") and no column is clear. Each such row is read
    as its numbers, placed whole as in the pasted reading order: the totals read, the parts'
    columns candidates."""
    text = forms["shanghai_gov_office_2019.html", "A4 pdftotext -layout"]
    assert re.search(r"821 +35 +2 1 859", text)
    cells = parse_bytes(text.encode("utf-8")).cells
    totals = ("apply.new", "apply.carried_in", "result.total", "apply.carried_forward")
    assert [cells[f"{row}.total"].value for row in totals] == [859, 18, 805, 72]
    natural = cells["apply.new.natural"]
    assert natural.value is None and 821 in natural.candidates


def test_rows_printing_no_total_are_summed_when_the_table_vouches_nothing_was_lost(
    forms: dict[tuple[str, str], str],
) -> None:
    """上海 2019 pasted by pdftotext -raw: 不予公开's rows print no 总计 and lost their blanks
    ("1.属于国家秘密 14", "6.属于四类过程性信息 3 1"), some print nothing. Their totals and the
    printed ones add up to （七）总计's 805 exactly, so no number was lost: each row's total is
    the sum of its numbers, a row of none 0, and 不予公开 is 35. With a number dropped the sum
    falls short and no total is given."""
    text = forms["shanghai_gov_office_2019.html", "Letter pdftotext -raw"]
    cells = parse_bytes(text.encode("utf-8")).cells
    assert cells["result.withheld.total"].value == 35
    assert cells["result.withheld.process_info.total"].value == 4
    assert cells["result.withheld.third_party.total"].value == 0
    assert "result.withheld.process_info.natural" not in cells  # its columns: unknown
    assert "8.属于行政查询事项 10 2\n" in text
    short = parse_bytes(text.replace("行政查询事项 10 2\n", "行政查询事项 10\n").encode()).cells
    assert "result.withheld.total" not in short
    assert "result.withheld.process_info.total" not in short


@pytest.mark.parametrize("form", [f"{p} {f}" for p in PAPERS for f in PASTED])
def test_review_numbers_without_their_blank_cells_give_the_total_the_prose_states(
    forms: dict[tuple[str, str], str], form: str
) -> None:
    """上海 2019's 表四 pasted: "5 2 7 8 1 9" for fifteen cells. Placed in order under V4 and
    the prose's 行政复议7件, 行政复议's total is 7 in every placement; its 5 and 2 could be any
    of its four results, and 8 1 9 either 诉讼 group: ambiguous, with candidates."""
    cells = parse_bytes(forms["shanghai_gov_office_2019.html", form].encode("utf-8")).cells
    assert cells["review.total"].value == 7
    assert cells["review.upheld"].value is None and cells["review.upheld"].candidates == (0, 5)
    for group in ("direct", "after_review"):
        cell = cells[f"litigation.{group}.total"]
        assert cell.value is None and {0, 9} <= set(cell.candidates)


# 平潭 2023 printed on A4, pasted in reading order: the first number of 2.其他法律行政法规禁止公开
# comes out between the two lines of its label, long after the row's other six numbers.
STRANDED = "2.其他法律行政法规禁\n0\n止公开"


@pytest.mark.parametrize("paper", PAPERS)
def test_a_cut_row_of_table_two_takes_the_figure_the_prose_states(
    forms: dict[tuple[str, str], str], paper: str
) -> None:
    """平潭 2023 printed and pasted in reading order: "规章 / 0 / 行政规范性文件 77 / 0 / 0 / 132 /
    470". No sum tells which of these six numbers is which; the prose's 本年度制发的规范性文件77件
    is printed among them, so 行政规范性文件's 本年制发 is 77. The prose's 现行有效…393件 is not
    among them (the table says 470): that cell stays ambiguous, as do the others."""
    text = forms["pingtan_2023.html", f"{paper} pdftotext"]
    assert "行政规范性文件 77\n" in text
    cells = parse_bytes(text.encode("utf-8")).cells
    assert cells["proactive.normative.issued"].value == 77
    valid = cells["proactive.normative.valid"]
    assert valid.value is None and 470 in valid.candidates and 393 not in valid.candidates


def test_first_numbers_stranded_among_the_labels_are_placed_by_their_rows_sums(
    forms: dict[tuple[str, str], str],
) -> None:
    """No order of the template fits 平潭's 表三 as pdftotext reads the print; with the numbers
    standing alone between label words set aside, each short row's first number is its total
    less its other five, and exactly one reading keeps every row's sum and the numbers set
    aside: it is the printed table (V1 and V2 hold)."""
    text = forms["pingtan_2023.html", "A4 pdftotext"]
    assert STRANDED in text
    lines = section_lines(normalize_text(text))["三"]
    toks = tokens(lines)
    rows = [
        spec
        for key, spec in row_specs("2021", single_other=False).items()
        if key.startswith(TABLE_THREE)
    ]
    assert arrangements(rows, toks) == []
    readings = stranded_readings(rows, toks, limit=CANDIDATE_LIMIT)
    assert readings is not None and len(readings) == 1
    report = parse_bytes(text.encode("utf-8"))
    assert [c.message for c in report.checks if not c.ok] == []
    wrong, missed = gold_mismatches(report, "pingtan_2023.html")
    assert wrong == {} and not {k for k in missed if k.startswith(TABLE_THREE)}


def _shuffled(text: str) -> str:
    """保护第三方合法权益 "1 0 0 0 0 0 1" printed "0 1 0 0 0 0 1": the row still adds up, only
    the columns (V2) tell."""
    row = "保护第三方合法权益 1\n\n0\n\n0"
    assert row in text
    return text.replace(row, "保护第三方合法权益 0\n\n1\n\n0")


def _row_number_dropped(text: str) -> str:
    row = "属于四类过程性信息 1\n\n0\n"
    assert row in text
    return text.replace(row, "属于四类过程性信息 1\n\n")


def _every_number_alone(text: str) -> str:
    """A label word after every number of 表三: any of them could be stranded, the readings
    grow exponentially and the reader gives up within its budget (parsers.stranded.BUDGET)."""
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议")
    return text[:start] + re.sub(r"(?m)^(\d+)$", r"\1\n项", text[start:end]) + text[end:]


SPOILED = {
    "stranded number dropped": lambda text: text.replace(STRANDED, "2.其他法律行政法规禁\n止公开"),
    "stranded number changed": lambda text: text.replace(
        STRANDED, "2.其他法律行政法规禁\n5\n止公开"
    ),
    "row shuffled": _shuffled,
    "row number dropped": _row_number_dropped,
    "every number alone": _every_number_alone,
}


@pytest.mark.parametrize("spoil", list(SPOILED), ids=list(SPOILED))
def test_numbers_that_cannot_be_placed_consistently_give_no_figure(
    forms: dict[tuple[str, str], str], spoil: str
) -> None:
    """The same print with one number dropped, a stranded number that no row's sum asks for,
    or a row's numbers shuffled (its own sum still holds): no reading keeps every rule, so no
    cell of 表三 gets a value — missing, never a figure placed on a guess. With every number
    alone between labels the reader gives up (past its budget) and places nothing either."""
    text = forms["pingtan_2023.html", "A4 pdftotext"]
    spoiled = SPOILED[spoil](text)
    assert spoiled != text
    report = parse_bytes(spoiled.encode("utf-8"))
    valued = {
        k for k, c in report.cells.items() if k.startswith(TABLE_THREE) and c.value is not None
    }
    assert valued == set()
    wrong, _ = gold_mismatches(report, "pingtan_2023.html")
    assert wrong == {}


def test_numbers_printed_after_the_next_heading_complete_table_two(
    forms: dict[tuple[str, str], str],
) -> None:
    """上海 2019's Letter print in reading order: 政府集中采购's "6" and "251000元" come out after
    表三's heading, the 元 before them. 表二 is two numbers short and 表三 opens with two
    numbers before any label: they are 表二's last, the unit the amount's (25.1 万元)."""
    text = forms["shanghai_gov_office_2019.html", "Letter pdftotext"]
    assert "收到和处理政府信息公开申请情况\n\n元\n\n6\n\n251000\n" in text
    cells = parse_bytes(text.encode("utf-8")).cells
    assert cells["proactive.procurement.items"].value == 6
    assert cells["proactive.procurement.amount"].value == Decimal("25.1")
    assert [
        cells[f"proactive.rules.{c}"].value for c in ("made", "published", "public_total")
    ] == [
        13,
        13,
        524,
    ]
