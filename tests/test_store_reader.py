"""StoreReader answers from current reports only, with the exact stored values."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event

from parsers.model import AMBIGUOUS, Cell, CheckResult, Region
from query.answer import Answer
from query.source import AgencyInfo, CheckInfo, FigureInfo, ReportInfo, ReportSource
from store.ingest import write_report
from store.reader import StoreReader
from tests.fixtures_query import make_asker
from tests.fixtures_store import make_report

HUAIAN = Region("江苏省", "淮安市")
JINAN = Region("安徽省", "六安市", "金安区")


def load(engine: Engine) -> dict[str, int]:
    """Four agencies' reports, one of them corrected; returns agency ids by short name."""
    hongze = make_report("洪泽区人民政府", 2023, values={"apply.new.total": 12,
                         "proactive.fees.amount": Decimal("25.1")})  # fmt: skip
    jinan = make_report("六安市金安区数据资源管理局", 2024, region=JINAN,
                        values={"apply.new.total": 40}, agency_aliases=["政务服务管理局"],
                        )  # fmt: skip
    jinan.level = "department"
    jinan.cells["result.public.total"] = Cell(
        None, raw="640", flags=frozenset({AMBIGUOUS}), candidates=(0, 640)
    )
    items = [
        (hongze, "hongze_2023.pdf"),
        (make_report("淮安市洪泽区人民政府", 2024, values={"apply.new.total": 15}), "hz_2024.pdf"),
        (make_report("淮安市人民政府", 2024, region=HUAIAN, values={"apply.new.total": 1}), "old"),
        (make_report("淮安市人民政府", 2024, region=HUAIAN, values={"apply.new.total": 3119}),
         "huaian_city_2024.pdf"),
        (jinan, "jinan_2024.txt"),
    ]  # fmt: skip
    ids = [write_report(engine, r, source_name=n, data_sha256=n).agency_id for r, n in items]
    return {"hongze": ids[0], "huaian": ids[2], "jinan": ids[4]}


@pytest.fixture
def loaded(engine: Engine) -> tuple[StoreReader, dict[str, int]]:
    return StoreReader(engine), load(engine)


def test_reader_implements_the_report_source_protocol(engine: Engine) -> None:
    source: ReportSource = StoreReader(engine)
    assert source.agencies() == []


def test_agencies_carry_region_parts_aliases_and_level(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    assert list(reader.agencies()) == [
        AgencyInfo(ids["hongze"], "淮安市洪泽区人民政府", ("洪泽区人民政府",),
                   "江苏省淮安市洪泽区", "江苏省", "淮安市", "洪泽区", "government"),
        AgencyInfo(ids["huaian"], "淮安市人民政府", (), "江苏省淮安市", "江苏省", "淮安市", None,
                   "government"),
        AgencyInfo(ids["jinan"], "六安市金安区数据资源管理局", ("政务服务管理局",),
                   "安徽省六安市金安区", "安徽省", "六安市", "金安区", "department"),
    ]  # fmt: skip


def test_years_and_report_come_from_current_reports(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    assert reader.years(ids["hongze"]) == [2023, 2024]
    assert reader.years(ids["huaian"]) == [2024]
    assert reader.report(ids["huaian"], 2024) == ReportInfo(
        ids["huaian"], 2024, "淮安市人民政府2024年政府信息公开工作年度报告",
        "huaian_city_2024.pdf", "text", "2021",
    )  # fmt: skip
    assert reader.report(ids["huaian"], 2023) is None


def test_figures_give_exactly_the_requested_cells(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    got = reader.figures(
        ids["hongze"], 2023, ["apply.new.total", "proactive.fees.amount", "no.such.key"]
    )
    assert got == {
        "apply.new.total": FigureInfo("apply.new.total", Decimal(12), None, "12"),
        "proactive.fees.amount": FigureInfo("proactive.fees.amount", Decimal("25.1"), None,
                                            "25.1"),
    }  # fmt: skip
    assert str(got["proactive.fees.amount"].value) == "25.1"
    assert str(got["apply.new.total"].value) == "12"
    assert reader.figures(ids["hongze"], 2023, []) == {}
    assert reader.figures(ids["jinan"], 2024, ["result.public.total"]) == {
        "result.public.total": FigureInfo(
            "result.public.total", None, None, "640", ("ambiguous",), (Decimal(0), Decimal(640))
        )
    }


def test_series_follows_one_key_across_years(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    series = reader.series(ids["hongze"], "apply.new.total")
    assert {year: f.value for year, f in series.items()} == {2023: 12, 2024: 15}


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (None, [("huaian", 3119), ("jinan", 40), ("hongze", 15)]),
        ("江苏省", [("huaian", 3119), ("hongze", 15)]),
        ("淮安市", [("huaian", 3119), ("hongze", 15)]),
        ("江苏省淮安市洪泽区", [("hongze", 15)]),
        ("安徽", [("jinan", 40)]),
        ("%", []),
    ],
    ids=["nation", "province", "city-without-province", "county", "short-province", "wildcard"],
)
def test_across_ranks_current_figures_of_one_year_within_a_region(
    loaded: tuple[StoreReader, dict[str, int]], region: str | None, expected: list[tuple[str, int]]
) -> None:
    reader, ids = loaded
    names = {v: k for k, v in ids.items()}
    got = reader.across("apply.new.total", 2024, region=region)
    assert [(names[agency_id], f.value) for agency_id, f in got] == expected


def test_checks_are_those_of_the_current_report(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    assert reader.checks(ids["huaian"], 2024) == [
        CheckInfo("V1", True, "第一项加第二项等于第三项加第四项")
    ]
    assert reader.checks(ids["huaian"], 2023) == []


def test_version_moves_on_every_change_and_only_then(engine: Engine) -> None:
    reader = StoreReader(engine)
    assert reader.version() == "0"
    write_report(engine, make_report(), source_name="a", data_sha256="a")
    assert reader.version() == "1"
    write_report(engine, make_report(), source_name="a", data_sha256="a")
    assert reader.version() == "1"
    write_report(engine, make_report(values={"apply.new.total": 1}), source_name="b",
                 data_sha256="b")  # fmt: skip
    assert reader.version() == "2"


def test_a_question_reads_the_version_once_and_the_next_question_again(engine: Engine) -> None:
    reader = StoreReader(engine)
    probes: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: probes.append(a[2]))
    with reader.question():
        assert reader.version() == reader.version() == "0"
        assert sum("max(reports.id)" in p for p in probes) == 1
        write_report(engine, make_report(), source_name="a", data_sha256="a")
        probes.clear()
        assert reader.version() == "0"  # the question's own reading
        assert probes == []
    with reader.question():
        assert reader.version() == "1"


def test_checks_keep_the_keys_of_failed_rules_only(engine: Engine) -> None:
    report = make_report()
    report.checks = [
        CheckResult("V1", True, "一致", ("apply.new.total", "apply.carried_in.total")),
        CheckResult("V2", False, "不一致", ("result.total.total",)),
    ]
    outcome = write_report(engine, report, source_name="a", data_sha256="a")
    assert StoreReader(engine).checks(outcome.agency_id, 2023) == [
        CheckInfo("V1", True, "一致"),
        CheckInfo("V2", False, "不一致", ("result.total.total",)),
    ]


def test_across_puts_larger_first_ties_by_agency_and_ambiguous_last(engine: Engine) -> None:
    values: dict[str, int | Decimal | None] = {
        "一局": 5, "二局": None, "三局": 7, "四局": 5, "五局": Decimal("5.5"), "六局": 40,
    }  # fmt: skip
    ids = {}
    for name, value in values.items():
        report = make_report(name, 2024)
        report.cells["apply.new.total"] = (
            Cell(None, raw="77", flags=frozenset({AMBIGUOUS}), candidates=(7, 77))
            if value is None
            else Cell(value, raw=str(value))
        )
        ids[write_report(engine, report, source_name=name, data_sha256=name).agency_id] = name
    got = StoreReader(engine).across("apply.new.total", 2024)
    assert [(ids[agency_id], f.value) for agency_id, f in got] == [
        ("六局", 40), ("三局", 7), ("五局", Decimal("5.5")), ("一局", 5), ("四局", 5),
        ("二局", None),
    ]  # fmt: skip


def test_prose_facts_are_read_with_their_sentence_like_cells(engine: Engine) -> None:
    from parsers import parse_file
    from tests.helpers.documents import document

    for name in ("pingtan_2021.txt", "pingtan_2023.txt"):
        write_report(engine, parse_file(document(name)), source_name=name, data_sha256=name)
    reader = StoreReader(engine)
    (agency,) = reader.agencies()
    fact = reader.figures(agency.id, 2023, ["text.proactive.total", "apply.new.total"])
    assert fact["text.proactive.total"].value == 13561
    assert fact["text.proactive.total"].unit == "条"
    assert "全区共主动公开政府信息13561条" in fact["text.proactive.total"].sentence
    assert fact["text.proactive.total"].section.startswith("一、总体情况")
    assert fact["apply.new.total"].sentence == ""  # the table cell, not the prose
    series = reader.series(agency.id, "text.proactive.total")
    assert {y: f.value for y, f in series.items()} == {2021: 2645, 2023: 13561}
    assert [(a, f.value) for a, f in reader.across("text.proactive.total", 2021)] == [
        (agency.id, 2645)
    ]
    stated = reader.facts(agency.id, 2023)
    assert stated["apply.new.total"].value == 81  # what the prose says about a table cell
    assert stated["text.fees_collected"].value == 0


def test_a_question_asking_a_ranking_twice_reads_it_once(
    engine: Engine, loaded: tuple[StoreReader, dict[str, int]]
) -> None:
    reader, _ = loaded
    reads: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: reads.append(a[2]))
    with reader.question():
        first = reader.ranking("apply.new.total", 2024, region="江苏省")
        once = len(reads)
        assert reader.ranking("apply.new.total", 2024, region="江苏省") == first
        assert len(reads) == once
        assert reader.ranking("apply.new.total", 2024, region="江苏省", limit=1) != first
        assert len(reads) > once  # another ranking is read
    reads.clear()
    assert reader.ranking("apply.new.total", 2024, region="江苏省") == first
    assert reads  # outside a question nothing is kept


def test_a_ranking_is_sorted_and_cut_by_the_store_with_its_counts(
    loaded: tuple[StoreReader, dict[str, int]],
) -> None:
    reader, ids = loaded
    ranked = reader.ranking("apply.new.total", 2024, limit=1)
    assert [(a, f.value) for a, f in ranked.top] == [(ids["huaian"], 3119)]
    assert (ranked.valued, ranked.unclear) == (3, 0)
    lowest = reader.ranking("apply.new.total", 2024, limit=2, ascending=True)
    assert [f.value for _, f in lowest.top] == [15, 40]
    assert reader.position("apply.new.total", 2024, Decimal(40)) == 1  # 3119 ahead
    assert reader.position("apply.new.total", 2024, Decimal(40), ascending=True) == 1  # 15
    unclear = reader.ranking("result.public.total", 2024)  # 金安's cell is ambiguous
    assert (len(unclear.top), unclear.valued, unclear.unclear) == (2, 2, 1)
    assert ids["jinan"] not in [a for a, _ in unclear.top]


def test_the_agencies_of_new_reports_are_told_apart_for_the_index(engine: Engine) -> None:
    """After an ingest the question layer extends its agency index with the new reports'
    agencies instead of reading all 100,000 again."""
    from query.asker import Asker

    write_report(engine, make_report("淮安市人民政府", 2024, region=HUAIAN,
                                     values={"apply.new.total": 1}), source_name="a",
                 data_sha256="a")  # fmt: skip
    reader = StoreReader(engine)
    asker = Asker(reader)
    index = asker.index()
    version = reader.version()
    assert asker.ask("金安区 2024 申请数量").status != "answer"
    jinan = make_report("六安市金安区数据资源管理局", 2024, region=JINAN,
                        values={"apply.new.total": 40})  # fmt: skip
    write_report(engine, jinan, source_name="b", data_sha256="b")
    assert [a.name for a in reader.agencies_since(version) or []] == ["六安市金安区数据资源管理局"]
    answer = asker.ask("金安区 2024 申请数量")
    assert answer.status == "answer" and answer.answers[0].json_value() == 40
    assert asker.index() is index  # extended, not built again


def test_a_kept_ranking_follows_the_data_when_a_report_comes_in(engine: Engine) -> None:
    reader = StoreReader(engine)
    write_report(engine, make_report("淮安市人民政府", 2024, region=HUAIAN,
                                     values={"apply.new.total": 5}), source_name="a",
                 data_sha256="a")  # fmt: skip
    assert reader.ranking("apply.new.total", 2024).valued == 1
    write_report(engine, make_report("六安市金安区数据资源管理局", 2024, region=JINAN,
                                     values={"apply.new.total": 9}), source_name="b",
                 data_sha256="b")  # fmt: skip
    ranked = reader.ranking("apply.new.total", 2024)
    assert [f.value for _, f in ranked.top] == [9, 5] and ranked.valued == 2


def test_a_rankings_rows_reports_and_prose_are_read_at_once_as_one_by_one(
    engine: Engine,
) -> None:
    """`reports`, `stated` and `checks_of` (one query each for the rows of a ranking) give what
    `report`, `facts` and `checks` give agency by agency, current versions only."""
    items = [
        (make_report("洪泽区人民政府", 2024, prose={"apply.new.total": 99}), "a"),
        (make_report("洪泽区人民政府", 2024, prose={"apply.new.total": 98}), "a2"),  # replaces
        (make_report("淮安市人民政府", 2024, region=HUAIAN), "b"),
        (make_report("六安市金安区数据资源管理局", 2023, region=JINAN,
                     prose={"apply.new.total": 5}), "c"),
    ]  # fmt: skip
    items[0][0].checks = [CheckResult("V2", False, "旧版不一致", ("result.total.total",))]
    items[1][0].checks = [
        CheckResult("V1", True, "一致", ("apply.new.total",)),
        CheckResult("V2", False, "不一致", ("result.total.total",)),
    ]
    items[2][0].checks = []
    ids = [write_report(engine, r, source_name=n, data_sha256=n).agency_id for r, n in items]
    reader = StoreReader(engine)
    agencies = [*dict.fromkeys(ids), 999]
    for year in (2023, 2024):
        assert reader.reports(agencies, year) == {
            a: r for a in agencies if (r := reader.report(a, year)) is not None
        }
        stated = reader.stated(agencies, year, "apply.new.total")
        assert stated == {
            a: f for a in agencies if (f := reader.facts(a, year).get("apply.new.total"))
        }
        assert reader.checks_of(agencies, year) == {
            a: c for a in agencies if (c := reader.checks(a, year))
        }
    assert reader.stated(agencies, 2024, "apply.new.total")[ids[0]].value == 98
    assert [c.message for c in reader.checks_of(agencies, 2024)[ids[0]]] == ["一致", "不一致"]
    assert ids[2] not in reader.checks_of(agencies, 2024)
    assert reader.reports([], 2024) == {} and reader.stated([], 2024, "apply.new.total") == {}
    assert reader.checks_of([], 2024) == {}


def test_the_reads_of_one_question_share_one_connection(
    engine: Engine, loaded: tuple[StoreReader, dict[str, int]]
) -> None:
    """A question checks out one connection however many reads it makes (a chart asks inside
    a question); another thread's reads meanwhile take their own."""
    reader, ids = loaded
    checkouts: list[int] = []
    event.listen(engine, "checkout", lambda *_: checkouts.append(threading.get_ident()))
    asker = make_asker(reader)
    answer = asker.ask("淮安市洪泽区人民政府 历年 申请数量")
    assert answer.status == "answer"
    assert [a.value for a in answer.answers] == [12, 15]
    assert len(checkouts) == 1
    chart = asker.chart("淮安市洪泽区人民政府 历年 申请数量")
    assert not isinstance(chart, Answer) and chart.series[0][1] == [12.0, 15.0]
    assert len(checkouts) == 2
    elsewhere: list[list[int]] = []
    with reader.question():
        assert reader.years(ids["hongze"]) == [2023, 2024]
        other = threading.Thread(target=lambda: elsewhere.append(reader.years(ids["jinan"])))
        other.start()
        other.join()
        assert reader.report(ids["jinan"], 2024) is not None
    assert elsewhere == [[2024]]
    assert len(checkouts) == 4 and checkouts[2] != checkouts[3]
