"""store.browse on real SQLite and PostgreSQL: regions, search, reports, rankings, series."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.engine import Engine

from store.browse import Browser, RegionPath
from tests.fixtures_store import make_report
from tests.fixtures_web import HONGZE, add, named


def test_region_counts_go_one_level_down_with_the_level_itself_first(
    browse_store: Browser,
) -> None:
    assert [(c.name, c.agencies) for c in browse_store.region_counts(RegionPath.of())] == [
        ("安徽省", 1), ("江苏省", 4)
    ]  # fmt: skip
    huaian = browse_store.region_counts(RegionPath.of("江苏省", "淮安市"))
    assert [(c.name, c.agencies) for c in huaian] == [(None, 1), ("洪泽区", 2), ("清江浦区", 1)]
    assert browse_store.region_counts(RegionPath.of("江苏省", "淮安市", "洪泽区")) == []


def test_agencies_of_a_region_level_itself_leave_out_its_counties(browse_store: Browser) -> None:
    own = browse_store.agencies(RegionPath.of("江苏省", "淮安市", None), limit=10)
    assert [a.name for a in own] == ["淮安市人民政府"]
    city = browse_store.agencies(RegionPath.of("江苏省", "淮安市"), limit=10)
    assert [a.name for a in city] == ["淮安市人民政府", "洪泽区人民政府", "洪泽区财政局",
                                      "清江浦区100%_局"]  # fmt: skip
    assert [a.name for a in browse_store.agencies(RegionPath.of("江苏省"), limit=2, offset=1)] == [
        "洪泽区人民政府", "洪泽区财政局"
    ]  # fmt: skip


def test_the_directory_lists_every_agency_by_region_with_its_former_names(
    engine: Engine, browse_store: Browser
) -> None:
    add(engine, "淮安市洪泽区人民政府", 2025, HONGZE, "b4")  # a new title, the same agency
    rows = [(row.name, row.region, aliases) for row, aliases in browse_store.directory()]
    assert rows == [
        ("金安区人民政府", "安徽省六安市金安区", ()),
        ("淮安市人民政府", "江苏省淮安市", ()),
        ("洪泽区财政局", "江苏省淮安市洪泽区", ()),  # by code point: 洪 before 淮
        ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", ("洪泽区人民政府",)),
        ("清江浦区100%_局", "江苏省淮安市清江浦区", ()),
    ]


def test_a_reports_rows_cells_checks_and_prose(browse_store: Browser) -> None:
    hongze = named(browse_store, "洪泽区人民政府")
    reports = browse_store.reports_of(hongze.id)
    assert [(r.year, r.superseded) for r in reports] == [(2023, False), (2024, False)]
    first = reports[0]
    assert (first.agency, first.region, first.source_name) == (
        "洪泽区人民政府",
        "江苏省淮安市洪泽区",
        "b1.pdf",
    )
    assert browse_store.report(first.id) == first
    cells = browse_store.cells(first.id)
    assert cells["apply.new.total"].value == Decimal(21)
    assert len(cells) == len(make_report().cells)
    assert [(c.rule, c.ok, c.keys) for c in browse_store.checks(first.id)] == [
        ("V4", False, ("review.total", "review.upheld"))
    ]
    assert {k: f.value for k, f in browse_store.prose(first.id).items()} == {"apply.new.total": 21}
    summaries = browse_store.check_summaries([r.id for r in reports])
    assert (summaries[first.id].checks, summaries[first.id].failed) == (1, 1)
    assert browse_store.current_report_id(hongze.id, 2024) == reports[1].id
    assert browse_store.current_report_id(hongze.id, 2020) is None
    figures = browse_store.figures_of([first.id], ["apply.new.total", "review.total"])
    assert {k: f.value for k, f in figures[first.id].items()} == {
        "apply.new.total": Decimal(21), "review.total": Decimal(0)
    }  # fmt: skip


def test_a_corrected_report_keeps_the_old_version_listed_as_superseded(
    engine: Engine, browse_store: Browser
) -> None:
    add(engine, "洪泽区人民政府", 2024, HONGZE, "b3", values={"apply.new.total": 41})
    hongze = named(browse_store, "洪泽区人民政府")
    rows = [(r.year, r.source_name, r.superseded) for r in browse_store.reports_of(hongze.id)]
    assert rows == [(2023, "b1.pdf", False), (2024, "b3.pdf", False), (2024, "b2.pdf", True)]
    ranking = browse_store.ranking("apply.new.total", 2024, RegionPath.of("江苏省"), limit=10)
    assert [(r.agency_id, r.figure.value) for r in ranking.rows][:1] == [(hongze.id, 41)]


def test_ranking_is_largest_first_within_the_region_a_page_at_a_time(
    browse_store: Browser,
) -> None:
    whole = browse_store.ranking("apply.new.total", 2024, RegionPath.of(), limit=10)
    assert whole.total == 5
    names = browse_store.agencies_by_id([r.agency_id for r in whole.rows])
    assert [(names[r.agency_id].name, r.figure.value) for r in whole.rows] == [
        ("金安区人民政府", 99), ("淮安市人民政府", 40), ("洪泽区人民政府", 40),
        ("洪泽区财政局", 7), ("清江浦区100%_局", 3),
    ]  # fmt: skip
    page = browse_store.ranking(
        "apply.new.total", 2024, RegionPath.of("江苏省"), limit=2, offset=2
    )
    assert page.total == 4
    assert [names[r.agency_id].name for r in page.rows] == ["洪泽区财政局", "清江浦区100%_局"]
    capped = browse_store.ranking("apply.new.total", 2024, RegionPath.of(), limit=2)
    assert (capped.total, len(capped.rows)) == (5, 2)  # counted apart when the page is full
    assert browse_store.ranking("apply.new.total", 2019, RegionPath.of(), limit=10).rows == []


def test_series_years_and_report_years(browse_store: Browser) -> None:
    hongze = named(browse_store, "洪泽区人民政府")
    huaian = named(browse_store, "淮安市人民政府")
    points = browse_store.series([hongze.id, huaian.id], "apply.new.total")
    assert [(p.agency_id, p.year, p.figure.value) for p in points] == sorted(
        [(hongze.id, 2023, 21), (hongze.id, 2024, 40), (huaian.id, 2024, 40)]
    )
    assert browse_store.years() == [2024, 2023]
    years = browse_store.report_years([hongze.id])
    assert sorted(years[hongze.id]) == [2023, 2024]
    assert set(browse_store.agencies_by_id([hongze.id, 999])) == {hongze.id}
    assert browse_store.aliases(hongze.id) == ["洪泽区人民政府"]
