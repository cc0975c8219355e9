"""The current version of an agency-year is the best stored one, in whatever order the versions
arrive (store.writer.version_rank): fewer failed V rules, then fewer ambiguous cells, then the
later publication date, then the later file, then the content hash.

Every test writes the same versions in every order and expects the same current one.
Each runs on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import Engine, text

from parsers.model import AMBIGUOUS, Cell, CheckResult, ParsedReport
from store.ingest import write_report, write_reports
from store.reader import StoreReader
from tests.fixtures_store import make_report

MARK = "proactive.permit.decisions"  # which version is which; no rule reads it
T1, T2 = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC)


def version(mark: int, **extra: object) -> ParsedReport:
    return make_report(values={MARK: mark}, **extra)


def ambiguous(mark: int, count: int) -> ParsedReport:
    report = version(mark)
    for key in list(report.cells)[-count:]:
        report.cells[key] = Cell(None, "1 2", frozenset({AMBIGUOUS}), None, (12, 1))
    return report


def failing(mark: int) -> ParsedReport:
    report = version(mark)
    report.checks = [CheckResult("V2", False, "表三 总计列：办理结果各项之和 1 ≠ （七）总计 2",
                                 ("result.total.total",))]  # fmt: skip
    return report


def empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("check_results", "prose_figures", "figures", "reports", "agency_aliases",
                      "ranked_values", "ranked_counts"):  # fmt: skip
            conn.execute(text(f"DELETE FROM {table}"))


def current_mark(engine: Engine) -> int:
    reader = StoreReader(engine)
    (agency,) = reader.agencies()
    value = reader.figures(agency.id, 2023, [MARK])[MARK].value
    assert value is not None
    return int(value)


def in_every_order(
    engine: Engine, versions: list[tuple[ParsedReport, datetime | None]]
) -> set[int]:
    """The current mark after writing `versions` (report, file time) in each order."""
    marks = set()
    for order in itertools.permutations(range(len(versions))):
        empty(engine)
        for i in order:
            report, file_time = versions[i]
            write_report(engine, report, source_name=f"v{i}", data_sha256=f"sha{i}",
                         file_time=file_time)  # fmt: skip
        marks.add(current_mark(engine))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM reports")).scalar() == len(versions)
    return marks


def test_a_worse_reading_that_comes_later_is_kept_but_does_not_replace(engine: Engine) -> None:
    first = write_report(engine, version(1), source_name="page.html", data_sha256="a")
    later = write_report(engine, ambiguous(2, 3), source_name="copy.txt", data_sha256="b")
    assert (later.status, later.current) == ("archived", False)
    assert current_mark(engine) == 1
    reader = StoreReader(engine)
    assert reader.report(first.agency_id, 2023).source_name == "page.html"  # type: ignore[union-attr]
    again = write_report(engine, ambiguous(2, 3), source_name="copy.txt", data_sha256="b")
    assert (again.status, again.current) == ("unchanged", False)


def test_fewer_ambiguous_cells_win_whatever_the_order(engine: Engine) -> None:
    assert in_every_order(engine, [(ambiguous(1, 2), T2), (ambiguous(2, 1), T1),
                                   (ambiguous(3, 3), T2)]) == {2}  # fmt: skip


def test_a_failed_v_rule_weighs_more_than_ambiguous_cells(engine: Engine) -> None:
    assert in_every_order(engine, [(failing(1), T2), (ambiguous(2, 2), T1)]) == {2}


def test_among_equal_readings_the_later_publication_then_the_later_file_wins(
    engine: Engine,
) -> None:
    dated = [(version(1, published_on=date(2024, 2, 1)), T2),
             (version(2, published_on=date(2024, 3, 1)), T1),
             (version(3), T2)]  # fmt: skip
    assert in_every_order(engine, dated) == {2}
    assert in_every_order(engine, [(version(1), T2), (version(2), T1)]) == {1}
    assert in_every_order(engine, [(version(1), T1), (version(2), T1)]) == {2}  # "sha1" > "sha0"


def test_only_current_versions_carry_the_carry_over_check(engine: Engine) -> None:
    """W1 compares current neighbours, so a superseded or archived version has no W1 row and
    the rows do not depend on the order."""
    neighbour = make_report(year=2022, values={"apply.carried_forward.total": 5})
    for order in ([1, 2], [2, 1]):
        empty(engine)
        write_report(engine, neighbour, source_name="2022", data_sha256="n", file_time=T1)
        for mark in order:
            write_report(engine, version(mark), source_name=f"v{mark}", data_sha256=f"v{mark}",
                         file_time=T1)  # fmt: skip
        with engine.connect() as conn:
            w1 = conn.execute(text(
                "SELECT r.source_name, c.ok FROM check_results c JOIN reports r "
                "ON r.id = c.report_id WHERE c.rule = 'W1'"
            )).all()  # fmt: skip
        assert [tuple(row) for row in w1] == [("v2", False)]


def test_a_batch_holding_several_versions_keeps_the_best(engine: Engine) -> None:
    for items in ([(ambiguous(1, 1), "a", "a"), (version(2), "b", "b")],
                  [(version(2), "b", "b"), (ambiguous(1, 1), "a", "a")]):  # fmt: skip
        empty(engine)
        write_reports(engine, items)
        assert current_mark(engine) == 2
