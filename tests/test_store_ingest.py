"""Ingest: idempotent by content, replacing older versions atomically, one agency per identity.

Every test runs on SQLite and on a real PostgreSQL (see tests/fixtures_store.py).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from parsers.fields import template_fields
from parsers.model import AMBIGUOUS, Cell, ParseError, Region
from parsers.validate import validate
from store.ingest import ingest_report, write_report, write_reports
from store.reader import StoreReader
from store.schemas import InvalidReport
from tests.fixtures_store import dump, make_report

CELLS = len(template_fields("2021"))


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_same_bytes_twice_leave_the_database_identical(engine: Engine) -> None:
    report = make_report(values={"apply.new.total": 12})
    first = write_report(engine, report, source_name="a.txt", data_sha256="sha-a")
    before = dump(engine)
    again = write_report(engine, report, source_name="renamed.txt", data_sha256="sha-a")
    assert (first.status, again.status) == ("new", "unchanged")
    assert again.report_id == first.report_id
    assert dump(engine) == before
    assert len(before["figures"]) == len(report.cells)


def test_ingest_report_writes_only_inside_the_callers_transaction(engine: Engine) -> None:
    with Session(engine) as session:
        outcome = ingest_report(
            session=session, parsed=make_report(), source_name="a.txt", data_sha256="sha-a"
        )
        assert outcome.status == "new"
        session.rollback()
    assert rows(engine, "SELECT count(*) FROM reports") == [(0,)]
    assert rows(engine, "SELECT count(*) FROM figures") == [(0,)]


def test_corrected_report_replaces_the_old_one_which_is_kept_superseded(engine: Engine) -> None:
    old = write_report(
        engine, make_report(values={"apply.new.total": 12}), source_name="v1.pdf", data_sha256="1"
    )
    new = write_report(
        engine, make_report(values={"apply.new.total": 15}), source_name="v2.pdf", data_sha256="2"
    )
    assert (old.status, new.status) == ("new", "replaced")
    assert new.agency_id == old.agency_id
    assert rows(engine, "SELECT id, superseded, source_name FROM reports ORDER BY id") == [
        (old.report_id, True, "v1.pdf"),
        (new.report_id, False, "v2.pdf"),
    ]
    assert rows(
        engine,
        "SELECT report_id, count(*) FROM figures GROUP BY report_id ORDER BY report_id",
    ) == [(old.report_id, CELLS), (new.report_id, CELLS)]
    reader = StoreReader(engine)
    assert reader.figures(new.agency_id, 2023, ["apply.new.total"])["apply.new.total"].value == 15
    assert reader.report(new.agency_id, 2023).source_name == "v2.pdf"  # type: ignore[union-attr]


def test_old_bytes_after_a_correction_change_nothing(engine: Engine) -> None:
    v1 = make_report(values={"apply.new.total": 12})
    write_report(engine, v1, source_name="v1.pdf", data_sha256="1")
    write_report(engine, make_report(values={"apply.new.total": 15}), source_name="v2.pdf",
                 data_sha256="2")  # fmt: skip
    before = dump(engine)
    again = write_report(engine, v1, source_name="v1.pdf", data_sha256="1")
    assert (again.status, again.current) == ("unchanged", False)
    assert dump(engine) == before


def test_titles_with_and_without_the_city_are_one_agency_named_by_the_newest(
    engine: Engine,
) -> None:
    a = write_report(engine, make_report("洪泽区人民政府", 2023), source_name="a", data_sha256="a")
    b = write_report(
        engine, make_report("淮安市洪泽区人民政府", 2024), source_name="b", data_sha256="b"
    )
    assert a.agency_id == b.agency_id
    (agency,) = StoreReader(engine).agencies()
    assert agency.name == "淮安市洪泽区人民政府"
    assert agency.aliases == ("洪泽区人民政府",)
    assert agency.region == "江苏省淮安市洪泽区"
    assert StoreReader(engine).years(a.agency_id) == [2023, 2024]


def test_an_older_year_ingested_later_does_not_rename_the_agency(engine: Engine) -> None:
    write_report(
        engine, make_report("淮安市洪泽区人民政府", 2024), source_name="b", data_sha256="b"
    )
    write_report(engine, make_report("洪泽区人民政府", 2023), source_name="a", data_sha256="a")
    assert [a.name for a in StoreReader(engine).agencies()] == ["淮安市洪泽区人民政府"]


def test_same_title_in_another_region_is_another_agency(engine: Engine) -> None:
    county = write_report(engine, make_report("人民政府", 2023), source_name="a", data_sha256="a")
    city = write_report(
        engine,
        make_report("淮安市人民政府", 2023, region=Region("江苏省", "淮安市")),
        source_name="b",
        data_sha256="b",
    )
    assert county.agency_id != city.agency_id
    assert rows(engine, "SELECT name, norm_name FROM agencies ORDER BY id") == [
        ("人民政府", "人民政府"),
        ("淮安市人民政府", "人民政府"),
    ]


def test_a_report_without_the_province_joins_the_stored_region(engine: Engine) -> None:
    a = write_report(engine, make_report("洪泽区人民政府", 2023), source_name="a", data_sha256="a")
    b = write_report(
        engine,
        make_report("洪泽区人民政府", 2024, region=Region(None, "淮安市", "洪泽区")),
        source_name="b",
        data_sha256="b",
    )
    assert a.agency_id == b.agency_id
    assert rows(engine, "SELECT name, province FROM regions") == [("江苏省淮安市洪泽区", "江苏省")]


def test_bracketed_aliases_are_kept_and_the_bracket_does_not_split_identity(
    engine: Engine,
) -> None:
    region = Region("安徽省", "六安市", "金安区")
    first = make_report("六安市金安区数据资源管理局", 2020, region=region,
                        agency_aliases=["政务服务管理局"])  # fmt: skip
    second = make_report("金安区数据资源管理局（政务服务管理局）", 2021, region=region)
    a = write_report(engine, first, source_name="a", data_sha256="a")
    b = write_report(engine, second, source_name="b", data_sha256="b")
    assert a.agency_id == b.agency_id
    assert rows(engine, "SELECT alias FROM agency_aliases ORDER BY id") == [
        ("六安市金安区数据资源管理局",),
        ("政务服务管理局",),
        ("金安区数据资源管理局（政务服务管理局）",),
    ]


def test_negative_count_is_stored_as_printed_and_reported_as_v5(engine: Engine) -> None:
    outcome = write_report(
        engine, make_report(values={"apply.new.legal": -3}), source_name="a", data_sha256="a"
    )
    reader = StoreReader(engine)
    assert reader.figures(outcome.agency_id, 2023, ["apply.new.legal"])[
        "apply.new.legal"
    ].value == Decimal(-3)
    v5 = [c for c in reader.checks(outcome.agency_id, 2023) if c.rule == "V5"]
    assert [(c.ok, c.keys) for c in v5] == [(False, ("apply.new.legal",))]
    assert "-3" in v5[0].message


@pytest.mark.parametrize(
    ("key", "value", "v5"),
    [
        ("proactive.permit.delta", -3, [(True, ())]),  # 本年增/减 may be negative
        ("apply.new.legal", -3, [(False, ("apply.new.legal",))]),
        ("apply.new.legal", Decimal("2.5"), [(False, ("apply.new.legal",))]),
    ],
    ids=["negative-delta", "negative-count", "fraction"],
)
def test_the_store_keeps_the_validators_v5_and_adds_no_verdict_of_its_own(
    engine: Engine, key: str, value: int | Decimal, v5: list[tuple[bool, tuple[str, ...]]]
) -> None:
    """One V5 rule (parsers.validate): a validated report is stored with exactly its checks;
    the store used to add a failed V5 for a negative 本年增/减 that the validator passed."""
    report = make_report(year=2019, template="2019", values={key: value})  # .delta is 2019's
    assert report.cells[key].value == value
    report.checks = validate(report.cells, report.template)
    outcome = write_report(engine, report, source_name="a", data_sha256="a")
    stored = StoreReader(engine).checks(outcome.agency_id, 2019)
    assert [(c.ok, c.keys) for c in stored if c.rule == "V5"] == v5


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"apply.bogus.total": Cell(1)}, "未知的字段：apply.bogus.total"),
        ({"apply.new.total": Cell(None)}, "没有数值"),
        ({"apply.new.total": Cell(Decimal("NaN"))}, "数值无法保存"),
        ({"apply.new.total": Cell(10**17)}, "数值无法保存"),
    ],
    ids=["unknown-key", "missing-value", "nan", "too-large"],
)
def test_structurally_broken_report_is_rejected_and_nothing_written(
    engine: Engine, cells: dict[str, Cell], problem: str
) -> None:
    report = make_report()
    report.cells.update(cells)
    with pytest.raises(InvalidReport, match=problem) as raised:
        write_report(engine, report, source_name="a", data_sha256="a")
    assert isinstance(raised.value, ParseError)
    assert dump(engine) == {table: [] for table in dump(engine)}


def test_ambiguous_cell_is_stored_with_its_candidates(engine: Engine) -> None:
    report = make_report()
    report.cells["apply.new.total"] = Cell(
        None, raw="640", flags=frozenset({AMBIGUOUS}), candidates=(64, 640)
    )
    outcome = write_report(engine, report, source_name="a", data_sha256="a")
    figure = StoreReader(engine).figures(outcome.agency_id, 2023, ["apply.new.total"])[
        "apply.new.total"
    ]
    assert (figure.value, figure.candidates, figure.flags) == (
        None,
        (Decimal(64), Decimal(640)),
        ("ambiguous",),
    )


def test_carry_over_check_is_stored_for_the_later_year_in_either_ingest_order(
    engine: Engine,
) -> None:
    carried_in = {"apply.carried_in.total": 4, "apply.carried_in.natural": 4}
    carried_forward = {"apply.carried_forward.total": 5, "apply.carried_forward.natural": 4}
    later = make_report("洪泽区人民政府", 2024, values=carried_in)
    earlier = make_report("洪泽区人民政府", 2023, values=carried_forward)
    first = write_report(engine, later, source_name="2024", data_sha256="b")
    reader = StoreReader(engine)
    assert [c for c in reader.checks(first.agency_id, 2024) if c.rule == "W1"] == []
    write_report(engine, earlier, source_name="2023", data_sha256="a")
    w1 = [c for c in reader.checks(first.agency_id, 2024) if c.rule == "W1"]
    assert [(c.ok, c.keys) for c in w1] == [(False, ("apply.carried_in.total",))]
    assert "2024年上年结转 4 ≠ 2023年结转下年度 5" in w1[0].message
    fixed = replace(later, cells={**later.cells, "apply.carried_in.total": Cell(5)})
    write_report(engine, fixed, source_name="2024 fixed", data_sha256="c")
    assert [c.ok for c in reader.checks(first.agency_id, 2024) if c.rule == "W1"] == [True]


def test_bulk_write_skips_invalid_reports_and_commits_the_rest(engine: Engine) -> None:
    broken = make_report("第二局", 2023)
    broken.cells["apply.bogus"] = Cell(1)
    items = [
        (make_report("第一局", 2023), "1", "s1"),
        (broken, "2", "s2"),
        (make_report("第一局", 2024), "3", "s3"),
        (make_report("第一局", 2023, values={"apply.new.total": 3}), "4", "s4"),
        (make_report("第一局", 2024), "3 again", "s3"),
    ]
    outcomes = write_reports(engine, items)
    assert [getattr(o, "status", "invalid") for o in outcomes] == [
        "new", "invalid", "new", "replaced", "unchanged",
    ]  # fmt: skip
    assert rows(engine, "SELECT source_name, year, superseded FROM reports ORDER BY id") == [
        ("1", 2023, True),
        ("3", 2024, False),
        ("4", 2023, False),
    ]
    current = "SELECT count(*) FROM figures JOIN reports ON reports.id = report_id"
    assert rows(engine, f"{current} WHERE NOT superseded") == [(2 * CELLS,)]
