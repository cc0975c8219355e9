"""Scans (图片版) and photos of real reports read by OCR.

The real PDFs are rendered inside the tests into image-only PDFs (skew, blur, dust, JPEG;
tests/helpers/scans.py) and PNG page photos. OCR costs seconds a page, so only the pages that
carry the title and the tables are scanned, and each document is read once per session. No cell
may come out as a different number: a cell OCR misread is withheld (flagged `suspect`) or
missing, never given.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen import canvas

from parsers import parse_bytes, parse_images
from parsers.detect import sniff
from parsers.layout import Layout
from parsers.model import OCR, SUSPECT, Cell, ParsedReport, ParseError
from parsers.ocr_worker import TIMEOUT, TOO_MANY, Limits, read_pdf_pages
from parsers.pdf import pdf_document
from parsers.trust import withhold_misreads
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document
from tests.helpers.make_docs import cjk_font
from tests.helpers.ocr_cache import installed as ocr_cached
from tests.helpers.scans import photo_png, scanned_pdf

DATA = Path(__file__).parent / "data"
GOLD = load_gold()
EXTRA = {e["file"]: e for e in json.loads((DATA / "gold_extra.json").read_text("utf-8"))}
# The title page and the pages of 表二/表三/表四 (0-based).
SCANNED = {"huaian_city_2024.pdf": [0, 2, 3, 4], "hongze_district_2023.pdf": [0, 1, 2, 3]}
# Gold cells OCR leaves unread on these scans (withheld as suspect, or their row unreadable).
KNOWN_MISSES = {
    name: set(keys)
    for name, keys in json.loads(document("ocr_known_misses.json").read_text("utf-8")).items()
}


def gold_cells(name: str) -> dict[str, Any]:
    return {**GOLD[name]["figures"], **EXTRA[name]["figures"]}


def compare(report: ParsedReport, expected: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """(gold keys not read, gold keys read as a different number)."""
    figures = report.figures
    missing = {k for k in expected if k not in figures}
    wrong = {
        k: (v, figures[k])
        for k, v in expected.items()
        if k in figures and Decimal(str(figures[k])) != Decimal(str(v))
    }
    return missing, wrong


@pytest.fixture(scope="session")
def scans() -> dict[str, ParsedReport]:
    """Each scanned report parsed once (OCR is slow). The time limit is the product's concern
    (tested below with its own limit), not this accuracy test's: a loaded machine must not
    fail it. Each page image is read by OCR once per machine (tests.helpers.ocr_cache)."""
    unhurried = Limits(seconds=3600)
    with ocr_cached():
        return {
            name: parse_bytes(scanned_pdf(name, pages=pages), limits=unhurried)
            for name, pages in SCANNED.items()
        }


@pytest.mark.parametrize("name", sorted(SCANNED))
def test_scanned_report_reads_its_gold_and_never_a_different_number(
    scans: dict[str, ParsedReport], name: str
) -> None:
    report, gold = scans[name], GOLD[name]
    assert (report.agency, report.year, report.template, report.format) == (
        gold["agency"],
        gold["year"],
        gold["template"],
        "pdf",
    )
    missing, wrong = compare(report, gold_cells(name))
    assert wrong == {}
    assert missing == KNOWN_MISSES[name]


@pytest.mark.parametrize("name", sorted(SCANNED))
def test_every_cell_of_a_scan_is_flagged_ocr_and_withheld_cells_have_no_value(
    scans: dict[str, ParsedReport], name: str
) -> None:
    report = scans[name]
    assert all(OCR in cell.flags for cell in report.cells.values())
    assert all(c.value is None for c in report.cells.values() if SUSPECT in c.flags)
    assert any("文字识别（OCR）" in w for w in report.warnings)


def test_scan_whose_table_contradicts_itself_withholds_the_contradicted_cells(
    scans: dict[str, ParsedReport],
) -> None:
    """洪泽 2023 prints 复议 10/1/0/0 with 总计 0: no sum vouches for those cells, so a scan of
    it gives none of them (the text PDF gives them as printed, with the check failing)."""
    cells = scans["hongze_district_2023.pdf"].cells
    for key in ("review.upheld", "review.corrected", "review.total"):
        assert SUSPECT in cells[key].flags
        assert cells[key].value is None


@pytest.mark.usefixtures("ocr_read_once")  # the album of tests/test_handlers_photos.py: same pages
def test_photos_of_pages_parse_as_one_report() -> None:
    name = "huaian_city_2024.pdf"
    report = parse_images([photo_png(name, 0), photo_png(name, 4)])
    assert (report.agency, report.year, report.format) == ("淮安市人民政府", 2024, "image")
    review = {k: v for k, v in gold_cells(name).items() if k.startswith(("review", "litigation"))}
    missing, wrong = compare(report, review)
    assert wrong == {}
    assert missing == set()


def embedded_font_without_character_map() -> bytes:
    """An embedded Chinese font whose ToUnicode map is gone (as some exporters write them):
    the page prints right, but its text layer holds no Chinese characters."""
    out = BytesIO()
    page = canvas.Canvas(out, pageCompression=0)
    page.setFont(cjk_font(), 14)
    page.drawString(72, 700, "2020年政府信息公开工作年度报告 规章 13")
    page.save()
    return out.getvalue().replace(b"/ToUnicode", b"/ToUnicodX")  # same length: xref holds


@pytest.mark.usefixtures("ocr_read_once")
def test_pdf_whose_font_cannot_be_mapped_is_read_by_ocr() -> None:
    document = pdf_document(embedded_font_without_character_map())
    assert document.ocr_pages == (1,)
    assert "政府信息公开工作年度报告" in document.text.replace(" ", "")


def test_progress_hears_of_every_page_and_the_page_cap_and_time_limit_hold() -> None:
    data = scanned_pdf("huaian_city_2024.pdf", pages=[0, 1])
    with pytest.raises(ParseError) as err:
        read_pdf_pages(data, [0, 1], limits=Limits(pages=1))
    assert str(err.value) == TOO_MANY.format(pages=2, cap=1)
    heard: list[tuple[int, int]] = []
    with pytest.raises(ParseError) as err:
        read_pdf_pages(
            data, [0, 1], progress=lambda *p: heard.append(p), limits=Limits(seconds=0.2)
        )
    assert str(err.value) == TIMEOUT.format(seconds=0.2)
    assert heard == [(0, 2)]


def test_images_are_told_by_their_bytes() -> None:
    assert sniff(photo_png("huaian_city_2024.pdf", 5)) == "image"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image"


def test_a_misread_the_arithmetic_catches_is_withheld_and_vouched_cells_stay() -> None:
    """One OCR misread in a row of 表三 (4 read where 5 was printed): the row's sum fails and no
    passing sum vouches for its cells, so the row is withheld; the row whose sum holds stays."""
    cols = ("natural", "business", "research", "nonprofit", "legal", "other", "total")
    printed = {"apply.new": (5, 1, 0, 0, 0, 0, 6), "apply.carried_in": (1, 0, 0, 0, 0, 0, 1)}
    cells = {
        f"{row}.{col}": Cell(v, str(v), frozenset({OCR}))
        for row, values in printed.items()
        for col, v in zip(cols, values, strict=True)
    }
    cells["apply.new.natural"] = Cell(4, "4", frozenset({OCR}))  # misread: 4 + 1 ≠ 6
    layout = Layout("2021", False, cells=cells)
    assert withhold_misreads(layout, []) == sorted(f"apply.new.{col}" for col in cols)
    assert layout.cells["apply.new.natural"].value is None
    assert SUSPECT in layout.cells["apply.new.natural"].flags
    assert layout.cells["apply.new.natural"].candidates == (4,)
    assert layout.cells["apply.carried_in.natural"].value == 1


def test_glyph_strokes_run_together_are_no_ruling_and_a_cut_tables_columns_stay() -> None:
    """A table of two rows cut at its top by a page break, with a column of stacked characters
    inside a cell whose strokes blur ran into a run as long as a rule, and a line of text whose
    strokes did the same: the glyph runs meet at most one rule and go; the columns of the cut
    row meet one rule but stand in line with full columns, and stay."""
    from parsers.ocr import _tabled
    from parsers.shapes import Rule

    rows = [Rule(50, y, 300, y) for y in (120, 160)]
    cut = [Rule(x, 80, x, 119) for x in (50, 150, 300)]  # the cut row: open at the top
    columns = cut + [Rule(x, 121, x, 160) for x in (50, 150, 300)]
    strokes = [Rule(100, 125, 100, 158), Rule(160, 130, 290, 130), Rule(160, 131, 160, 159)]
    horizontal, vertical = _tabled(rows + strokes[1:2], columns + strokes[::2])
    assert horizontal == rows
    assert sorted(vertical) == sorted(columns)


@pytest.mark.parametrize("height", [40, 479, 480, 481, 1240, 1755, 2000, 3508])
def test_the_detector_sees_every_text_line_whole_in_some_band(height: int) -> None:
    from parsers.ocr_engine import _BAND, _EDGE, _OVERLAP, _bands

    bands = _bands(height)
    assert all(bottom - top <= _BAND for top, bottom in bands)
    assert (bands[0][0], bands[-1][1]) == (0, height)
    tallest = _OVERLAP - 2 * _EDGE - 2  # a text line's box, rows
    for line in range(1, min(tallest, height) + 1):
        for top in range(height - line + 1):
            assert any(
                (b_top == 0 or top > b_top + _EDGE)
                and (b_bottom == height or top + line - 1 < b_bottom - 1 - _EDGE)
                for b_top, b_bottom in bands
            ), (line, top)
