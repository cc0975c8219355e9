"""The rich formats end to end: every gold figure of the real PDFs and HTML pages parses exactly,
and so does every 表三/表四 cell of the PDFs read by hand (tests/data/gold_extra.json); the
generated .docx/HTML/PDF reports parse to the figures they were built from."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parsers import parse_bytes
from parsers.model import ParsedReport
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document
from tests.helpers.make_docs import (
    ReportSpec,
    jinan_spec,
    pingtan_2023_spec,
    to_docx,
    to_html,
    to_pdf,
)

DATA = Path(__file__).parent / "data"
GOLD = load_gold()
RICH = sorted(name for name in GOLD if name.endswith((".pdf", ".html")))
EXTRA = {e["file"]: e for e in json.loads((DATA / "gold_extra.json").read_text("utf-8"))}
FORMAT = {".pdf": "pdf", ".html": "html"}


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedReport]:
    return {name: parse_bytes(document(name).read_bytes(), filename=name) for name in RICH}


def mismatches(report: ParsedReport, expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Keys whose parsed value differs from the expected one (numbers compared exactly)."""
    figures = report.figures
    return {
        key: (want, figures.get(key))
        for key, want in expected.items()
        if key not in figures or Decimal(str(figures[key])) != Decimal(str(want))
    }


@pytest.mark.parametrize("name", RICH)
def test_rich_sample_identity_matches_gold(parsed: dict[str, ParsedReport], name: str) -> None:
    report, gold = parsed[name], GOLD[name]
    assert (report.agency, report.year, report.template, report.format) == (
        gold["agency"],
        gold["year"],
        gold["template"],
        FORMAT[Path(name).suffix],
    )
    assert report.region.name.endswith(gold["region"])  # gold leaves out the province


@pytest.mark.parametrize("name", RICH)
def test_rich_sample_gold_figures_parse_exactly(
    parsed: dict[str, ParsedReport], name: str
) -> None:
    assert mismatches(parsed[name], GOLD[name]["figures"]) == {}


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_every_hand_read_pdf_cell_of_tables_three_and_four_parses_exactly(
    parsed: dict[str, ParsedReport], name: str
) -> None:
    assert mismatches(parsed[name], EXTRA[name]["figures"]) == {}


def test_hongze_variant_with_one_other_row_is_recognised(parsed: dict[str, ParsedReport]) -> None:
    assert parsed["hongze_district_2023.pdf"].single_other_row
    assert parsed["hongze_district_2024.pdf"].single_other_row
    assert not parsed["huaian_city_2024.pdf"].single_other_row


def test_shanghai_amount_printed_in_yuan_is_read_in_wan_yuan(
    parsed: dict[str, ParsedReport],
) -> None:
    cell = parsed["shanghai_gov_office_2019.html"].cells["proactive.procurement.amount"]
    assert (cell.value, cell.raw, cell.unit) == (Decimal("25.1"), "251000元", "元")


SPECS: dict[str, tuple[str, Callable[[dict[str, dict[str, Any]]], ReportSpec]]] = {
    "jinan": ("luan_jinan_data_bureau_2020.txt", jinan_spec),
    "pingtan_2023": ("pingtan_2023.html", pingtan_2023_spec),
}
RENDERERS: dict[str, Callable[[ReportSpec], bytes]] = {
    "html": to_html,
    "docx": to_docx,
    "pdf": to_pdf,
}


@pytest.mark.parametrize("fmt", RENDERERS)
@pytest.mark.parametrize("spec_name", SPECS)
def test_generated_report_parses_to_the_gold_it_was_built_from(spec_name: str, fmt: str) -> None:
    source, make = SPECS[spec_name]
    gold = GOLD[source]
    report = parse_bytes(RENDERERS[fmt](make(GOLD)))
    assert (report.agency, report.year, report.template, report.format) == (
        gold["agency"],
        gold["year"],
        gold["template"],
        fmt,
    )
    assert mismatches(report, gold["figures"]) == {}
    assert [c.rule for c in report.checks if not c.ok] == []
