"""store.browse on real SQLite and PostgreSQL: regions, search, reports, rankings, series."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from parsers.model import CheckResult, Region
from store.browse import Browser, RegionPath
from store.ingest import write_report
from tests.fixtures_store import make_report

HUAIAN = Region("江苏省", "淮安市", None)
HONGZE = Region("江苏省", "淮安市", "洪泽区")
QINGJIANG = Region("江苏省", "淮安市", "清江浦区")
LIUAN = Region("安徽省", "六安市", "金安区")
FAILED = CheckResult("V4", False, "表四 行政复议：10 + 1 ≠ 0", ("review.total", "review.upheld"))


def add(
    engine: Engine, agency: str, year: int, region: Region, sha: str,
    checks: list[CheckResult] | None = None, **kw: object,
) -> None:  # fmt: skip
    parsed = make_report(agency, year, region=region, **kw)  # type: ignore[arg-type]
    if checks is not None:
        parsed = replace(parsed, checks=checks)
    write_report(engine, parsed, source_name=f"{sha}.pdf", data_sha256=sha)


@pytest.fixture
def store(engine: Engine) -> Browser:
    add(engine, "淮安市人民政府", 2024, HUAIAN, "a1", values={"apply.new.total": 40})
    add(engine, "洪泽区人民政府", 2023, HONGZE, "b1", values={"apply.new.total": 21},
        checks=[FAILED], prose={"apply.new.total": 21})  # fmt: skip
    add(engine, "洪泽区人民政府", 2024, HONGZE, "b2", values={"apply.new.total": 40})
    add(engine, "洪泽区财政局", 2024, HONGZE, "c1", values={"apply.new.total": 7})
    add(engine, "清江浦区100%_局", 2024, QINGJIANG, "d1", values={"apply.new.total": 3})
    add(engine, "金安区人民政府", 2024, LIUAN, "e1", values={"apply.new.total": 99})
    return Browser(engine)


def test_region_counts_go_one_level_down_with_the_level_itself_first(store: Browser) -> None:
    assert [(c.name, c.agencies) for c in store.region_counts(RegionPath.of())] == [
        ("安徽省", 1), ("江苏省", 4)
    ]  # fmt: skip
    huaian = store.region_counts(RegionPath.of("江苏省", "淮安市"))
    assert [(c.name, c.agencies) for c in huaian] == [(None, 1), ("洪泽区", 2), ("清江浦区", 1)]
    assert store.region_counts(RegionPath.of("江苏省", "淮安市", "洪泽区")) == []


def test_agencies_of_a_region_level_itself_leave_out_its_counties(store: Browser) -> None:
    own = store.agencies(RegionPath.of("江苏省", "淮安市", None), limit=10)
    assert [a.name for a in own] == ["淮安市人民政府"]
    city = store.agencies(RegionPath.of("江苏省", "淮安市"), limit=10)
    assert [a.name for a in city] == ["淮安市人民政府", "洪泽区人民政府", "洪泽区财政局",
                                      "清江浦区100%_局"]  # fmt: skip
    assert [a.name for a in store.agencies(RegionPath.of("江苏省"), limit=2, offset=1)] == [
        "洪泽区人民政府", "洪泽区财政局"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("洪泽", ["洪泽区人民政府", "洪泽区财政局"]),  # by name (and by region)
        ("六安", ["金安区人民政府"]),  # by region name only
        ("100%", ["清江浦区100%_局"]),
        ("%", ["清江浦区100%_局"]),  # LIKE wildcards are text
        ("_", ["清江浦区100%_局"]),
        ("火星", []),
    ],
)
def test_search_matches_names_and_regions_literally(
    store: Browser, search: str, names: list[str]
) -> None:
    found = store.agencies(RegionPath.of(), search=search, limit=10)
    assert sorted(a.name for a in found) == sorted(names)


def test_a_reports_rows_cells_checks_and_prose(store: Browser) -> None:
    (hongze,) = [a for a in store.agencies(RegionPath.of(), search="洪泽区人民", limit=5)]
    reports = store.reports_of(hongze.id)
    assert [(r.year, r.superseded) for r in reports] == [(2023, False), (2024, False)]
    first = reports[0]
    assert (first.agency, first.region, first.source_name) == (
        "洪泽区人民政府",
        "江苏省淮安市洪泽区",
        "b1.pdf",
    )
    assert store.report(first.id) == first
    cells = store.cells(first.id)
    assert cells["apply.new.total"].value == Decimal(21)
    assert len(cells) == len(make_report().cells)
    assert [(c.rule, c.ok, c.keys) for c in store.checks(first.id)] == [
        ("V4", False, ("review.total", "review.upheld"))
    ]
    assert {k: f.value for k, f in store.prose(first.id).items()} == {"apply.new.total": 21}
    summaries = store.check_summaries([r.id for r in reports])
    assert (summaries[first.id].checks, summaries[first.id].failed) == (1, 1)
    assert store.current_report_id(hongze.id, 2024) == reports[1].id
    assert store.current_report_id(hongze.id, 2020) is None
    figures = store.figures_of([first.id], ["apply.new.total", "review.total"])
    assert {k: f.value for k, f in figures[first.id].items()} == {
        "apply.new.total": Decimal(21), "review.total": Decimal(0)
    }  # fmt: skip


def test_a_corrected_report_keeps_the_old_version_listed_as_superseded(
    engine: Engine, store: Browser
) -> None:
    add(engine, "洪泽区人民政府", 2024, HONGZE, "b3", values={"apply.new.total": 41})
    (hongze,) = store.agencies(RegionPath.of(), search="洪泽区人民", limit=5)
    rows = [(r.year, r.source_name, r.superseded) for r in store.reports_of(hongze.id)]
    assert rows == [(2023, "b1.pdf", False), (2024, "b3.pdf", False), (2024, "b2.pdf", True)]
    ranking = store.ranking("apply.new.total", 2024, RegionPath.of("江苏省"), limit=10)
    assert [(r.agency, r.figure.value) for r in ranking.rows][:1] == [("洪泽区人民政府", 41)]


def test_ranking_is_largest_first_within_the_region_a_page_at_a_time(store: Browser) -> None:
    whole = store.ranking("apply.new.total", 2024, RegionPath.of(), limit=10)
    assert whole.total == 5
    assert [(r.agency, r.figure.value) for r in whole.rows] == [
        ("金安区人民政府", 99), ("淮安市人民政府", 40), ("洪泽区人民政府", 40),
        ("洪泽区财政局", 7), ("清江浦区100%_局", 3),
    ]  # fmt: skip
    page = store.ranking("apply.new.total", 2024, RegionPath.of("江苏省"), limit=2, offset=2)
    assert page.total == 4
    assert [r.agency for r in page.rows] == ["洪泽区财政局", "清江浦区100%_局"]
    assert store.ranking("apply.new.total", 2019, RegionPath.of(), limit=10).rows == []


def test_series_years_and_report_years(store: Browser) -> None:
    (hongze,) = store.agencies(RegionPath.of(), search="洪泽区人民", limit=5)
    (huaian,) = store.agencies(RegionPath.of(), search="淮安市人民", limit=5)
    points = store.series([hongze.id, huaian.id], "apply.new.total")
    assert [(p.agency_id, p.year, p.figure.value) for p in points] == sorted(
        [(hongze.id, 2023, 21), (hongze.id, 2024, 40), (huaian.id, 2024, 40)]
    )
    assert store.years() == [2024, 2023]
    years = store.report_years([hongze.id])
    assert sorted(years[hongze.id]) == [2023, 2024]
    assert set(store.agencies_by_id([hongze.id, 999])) == {hongze.id}
    assert store.aliases(hongze.id) == ["洪泽区人民政府"]
