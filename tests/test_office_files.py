"""Word files as agencies and their readers make them, made by LibreOffice from the real reports
(tests/helpers/office.py): every gold cell parses exactly, whatever the office format."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import docx
import pypdfium2
import pytest

from parsers import parse_bytes
from parsers.model import ParsedReport
from tests.helpers import office

SAVED = [(name, heading) for name in office.PAGES for heading in ("full", "bare")]


@pytest.fixture(scope="module")
def saved_docx() -> dict[tuple[str, str], bytes]:
    """Every report page saved as Word, with and without the agency in its heading."""
    return dict(zip(SAVED, office.saved_as_word_many(SAVED, "docx"), strict=True))


def mismatches(report: ParsedReport, expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Keys whose parsed value differs from the gold (numbers compared exactly)."""
    figures = report.figures
    return {
        key: (want, figures.get(key))
        for key, want in expected.items()
        if key not in figures or Decimal(str(figures[key])) != Decimal(str(want))
    }


def test_a_page_saved_as_word_keeps_the_site_chrome_and_loses_the_page_title(
    saved_docx: dict[tuple[str, str], bytes],
) -> None:
    word = docx.Document(BytesIO(saved_docx[("huaian_city_2024.pdf", "bare")]))
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0].startswith("首页")
    assert paragraphs[5] == "2024 年政府信息公开工作年度报告"
    assert not any("淮安市人民政府2024" in p for p in paragraphs)
    assert len(word.tables) == 3  # 表二, 表三, 表四 as Word tables with their merged cells


@pytest.mark.parametrize(("name", "heading"), SAVED)
def test_every_gold_cell_of_a_page_saved_as_word_parses_exactly(
    saved_docx: dict[tuple[str, str], bytes], name: str, heading: str
) -> None:
    report = parse_bytes(saved_docx[(name, heading)])
    assert report.format == "docx"
    assert mismatches(report, office.gold()[name]["figures"]) == {}


def test_word_prints_narrow_columns_with_numbers_wrapped_and_wide_tables_clipped(
    saved_docx: dict[tuple[str, str], bytes],
) -> None:
    """The layouts the PDF tests build on: 3001 (淮安 本年新收 自然人) breaks as 300/1 in a
    0.5 cm column; a 24 cm table loses its 总计 column past the page edge."""
    word = saved_docx[("huaian_city_2024.pdf", "full")]

    def words(pdf: bytes) -> list[str]:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return [w for page in document for w in page.get_textpage().get_text_range().split()]
        finally:
            document.close()

    plain = words(office.printed_pdf(word))
    narrow = words(office.printed_pdf(word, office.Layout(value_width_cm=0.5)))
    clipped = words(office.printed_pdf(word, office.Layout(table_width_cm=24)))
    assert plain.count("3001") == 1 and plain.count("3050") == 2  # 3050 is in the prose too
    assert "3001" not in narrow and "300" in narrow
    assert clipped.count("3001") == 1 and clipped.count("3050") == 1  # 总计 is off the page
