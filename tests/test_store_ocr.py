"""A report read by OCR is stored with its flags, and answers built on it say so.

The report is the real 淮安 2024 PDF parsed from its text layer, its cells then marked the way
OCR marks them (every cell `ocr`, one withheld as `suspect`): what is tested here is the store
and the answers, not OCR (tests/test_parsers_ocr.py reads real scans).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from parsers import parse_bytes
from parsers.model import OCR, SUSPECT, Cell, ParsedReport
from query.texts import OCR_NOTE, SUSPECT_AMOUNT
from services import Services
from store.db import make_engine, upgrade
from store.ingest import write_report
from store.reader import StoreReader
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document

NAME = "huaian_city_2024.pdf"
GOLD = load_gold()[NAME]["figures"]
WITHHELD = "apply.new.natural"  # as if OCR misread it and 表三's sums caught it


def as_read_by_ocr(report: ParsedReport) -> ParsedReport:
    cells: dict[str, Cell] = {
        key: replace(cell, flags=cell.flags | {OCR}) for key, cell in report.cells.items()
    }
    misread = cells[WITHHELD]
    cells[WITHHELD] = replace(
        misread, value=None, flags=misread.flags | {SUSPECT}, candidates=(4,)
    )
    return replace(report, format="pdf", cells=cells)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'ocr.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_an_ocr_report_is_stored_with_its_flags_and_its_withheld_cell_has_no_value(
    store: Engine,
) -> None:
    report = as_read_by_ocr(parse_bytes(document(NAME).read_bytes(), filename=NAME))
    outcome = write_report(store, report, source_name="淮安扫描件.pdf", data_sha256="a" * 64)
    assert outcome.status == "new"
    figures = StoreReader(store).figures(outcome.agency_id, 2024, ["review.total", WITHHELD])
    assert figures["review.total"].value == GOLD["review.total"]
    assert OCR in figures["review.total"].flags
    assert figures[WITHHELD].value is None
    assert set(figures[WITHHELD].flags) >= {OCR, SUSPECT}


def test_answers_built_on_an_ocr_cell_say_so_and_a_withheld_cell_is_not_answered(
    store: Engine,
) -> None:
    report = as_read_by_ocr(parse_bytes(document(NAME).read_bytes(), filename=NAME))
    write_report(store, report, source_name="淮安扫描件.pdf", data_sha256="a" * 64)
    services = Services(store)
    new = services.ask("淮安市 2024年 新收申请 总计").text.split("\n")
    assert new[1] == f"{GOLD['apply.new.total']} 件{OCR_NOTE}"
    compared = services.ask("淮安市 2024年 予以公开 总计").text.split("\n")
    assert compared[1] == f"{GOLD['result.public.total']} 件{OCR_NOTE}"
    withheld = services.ask("淮安市 2024年 自然人 新收申请").text.split("\n")
    assert withheld[1] == SUSPECT_AMOUNT  # neither the figure nor what OCR read (4)


def test_the_text_version_of_a_scanned_report_is_the_current_one(store: Engine) -> None:
    text = parse_bytes(document(NAME).read_bytes(), filename=NAME)
    scan = write_report(
        store, as_read_by_ocr(text), source_name="扫描件.pdf", data_sha256="a" * 64
    )
    printed = write_report(store, text, source_name=NAME, data_sha256="b" * 64)
    assert (scan.status, printed.status) == ("new", "replaced")
    again = write_report(
        store, as_read_by_ocr(text), source_name="扫描件2.pdf", data_sha256="c" * 64
    )
    assert again.status == "archived"
