"""The writer stores every kind of cell exactly as parsed, whichever way it is written.

On SQLite most cells travel as JSON objects expanded inside SQLite and the rest as rows; on
PostgreSQL all go through COPY. Either way, reading a cell back gives the parser's cell.
Every test runs on SQLite and on a real PostgreSQL (see tests/fixtures_store.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from parsers import parse_bytes
from parsers.model import AMBIGUOUS, BLANK, DERIVED, UNIT, Cell, ParsedReport
from query.source import FigureInfo
from store.ingest import write_report, write_reports
from store.reader import StoreReader
from tests.fixtures_store import make_report

EVERY_KIND = {
    "apply.new.total": Cell(12, raw="12"),  # printed as the number
    "apply.new.natural": Cell(0, raw="", flags=frozenset({BLANK})),  # printed empty
    "apply.new.business": Cell(5, raw="", flags=frozenset({DERIVED})),  # not printed
    "apply.new.research": Cell(7, raw="7", flags=frozenset({DERIVED})),  # flagged, printed
    "apply.new.nonprofit": Cell(1234, raw="1,234"),  # printed otherwise
    "apply.new.legal": Cell(-1, raw="-1"),  # kept as printed, fails V5
    "apply.new.other": Cell(0, raw="0件", unit="件", flags=frozenset({UNIT})),
    "proactive.fees.amount": Cell(Decimal("5949.088667"), raw="5949.088667"),
    "apply.carried_in.total": Cell(
        None, raw="640", flags=frozenset({AMBIGUOUS}), candidates=(64, 640)
    ),
}


def as_info(key: str, cell: Cell) -> FigureInfo:
    return FigureInfo(
        key,
        None if cell.value is None else Decimal(cell.value),
        cell.unit,
        cell.raw,
        tuple(sorted(cell.flags)),
        tuple(Decimal(c) for c in cell.candidates),
    )


def stored_cells(engine: Engine, agency_id: int, report: ParsedReport) -> dict[str, FigureInfo]:
    return StoreReader(engine).figures(agency_id, report.year, list(report.cells))


@pytest.mark.parametrize("batch", [False, True], ids=["one report", "bulk"])
def test_every_kind_of_cell_reads_back_as_parsed(engine: Engine, batch: bool) -> None:
    report = make_report()
    report.cells.update(EVERY_KIND)
    if batch:
        [outcome] = write_reports(engine, [(report, "a.txt", "sha-a")])
        assert not isinstance(outcome, Exception)
    else:
        outcome = write_report(engine, report, source_name="a.txt", data_sha256="sha-a")
    stored = stored_cells(engine, outcome.agency_id, report)
    assert stored == {key: as_info(key, cell) for key, cell in report.cells.items()}


def test_the_bundled_samples_read_back_cell_for_cell(engine: Engine) -> None:
    samples = sorted((Path(__file__).parent.parent / "samples").iterdir())
    parsed = [parse_bytes(p.read_bytes(), filename=p.name) for p in samples]
    outcomes = write_reports(
        engine, [(r, p.name, p.name) for r, p in zip(parsed, samples, strict=True)]
    )
    kinds = set()
    for report, outcome in zip(parsed, outcomes, strict=True):
        assert not isinstance(outcome, Exception)
        expected = {key: as_info(key, cell) for key, cell in report.cells.items()}
        assert stored_cells(engine, outcome.agency_id, report) == expected
        kinds |= {
            (type(c.value).__name__, bool(c.raw), *sorted(c.flags)) for c in report.cells.values()
        }
    # The samples exercise both write paths: JSON groups and rows (on SQLite).
    assert {("int", True), ("int", False, DERIVED), ("Decimal", True)} <= kinds
    assert ("NoneType", True, AMBIGUOUS) in kinds
