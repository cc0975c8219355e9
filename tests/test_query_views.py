"""Views over years and agencies (series, comparisons, rankings) as a person reads them: one
measure under one heading, a region's comparison that says what it compares, and the warnings
of a failing check on every line that shows the figure."""

from __future__ import annotations

from sqlalchemy import Engine

from parsers.fields import FIELDS
from parsers.model import CheckResult
from services import Chart, Services
from store.ingest import write_report
from tests.fixtures_store import make_report


def test_a_series_never_puts_2019s_item_count_under_later_years_amounts(
    bot_engine: Engine,
) -> None:
    answer = Services(bot_engine).ask("平潭 行政事业性收费 对比")
    assert answer.intent == "series"
    assert answer.text.splitlines() == [
        "平潭综合实验区 · 表二 行政事业性收费 · 本年收费金额",
        "2019年度：2019 版模板此行没有“本年收费金额”，只有“上一年项目数量”等（件），"
        "不是同一指标，未列入",
        "2021年度：24252.311082 万元（pingtan_2021.txt）",
        "2023年度：5949.088667 万元（pingtan_2023.html）",
        "出处：各年度年报 表二“行政事业性收费”行",
    ]
    assert {(a.key, a.unit, a.year) for a in answer.answers} == {
        ("proactive.fees.amount", "万元", 2021),
        ("proactive.fees.amount", "万元", 2023),
    }
    assert FIELDS["proactive.fees.prev_items"].unit == "件"  # what 2019 holds instead


def test_comparing_a_region_says_it_compares_its_agencies_in_one_year(
    bot_engine: Engine,
) -> None:
    lines = Services(bot_engine).ask("淮安市 申请数量 对比").text.splitlines()
    assert lines[:3] == [
        "新收申请数量 · 2024年度",
        "“淮安市”是地区，有 2 个单位：下面对比各单位同一年度的数字。"
        "看一个单位的历年变化，请写单位名称，例如“淮安市人民政府 新收申请数量 对比”。",
        "未指定年份，按最新的 2024 年度。",
    ]
    agency = Services(bot_engine).ask("平潭 申请数量 对比").text.splitlines()
    assert agency[0] == "平潭综合实验区 · 新收申请数量"  # an agency: its years, no such note
    assert not any("是地区" in line for line in agency)


def test_series_rankings_and_charts_keep_the_failing_check_of_a_figure(engine: Engine) -> None:
    failing = CheckResult("V4", False, "复议总计 3 ≠ 分项之和 2", ("review.total",))
    before = make_report("洪泽区人民政府", 2023, values={"review.total": 1, "review.upheld": 1})
    after = make_report("洪泽区人民政府", 2024, values={"review.total": 3, "review.upheld": 2})
    after.checks.append(failing)
    for report, name in ((before, "hz-2023.txt"), (after, "hz-2024.txt")):
        write_report(engine, report, source_name=name, data_sha256=name)
    services = Services(engine)
    warning = "（⚠ 勾稽关系未通过：复议总计 3 ≠ 分项之和 2）"
    single = services.ask("洪泽区 2024 行政复议")
    assert "⚠ 勾稽关系未通过：复议总计 3 ≠ 分项之和 2" in single.text  # as the single answer
    series = services.ask("洪泽区 行政复议 近两年").text.splitlines()
    assert "2023年度：1 件（hz-2023.txt）" in series
    assert f"2024年度：3 件（hz-2024.txt）{warning}" in series
    ranking = services.ask("淮安市 2024 行政复议 排名").text
    assert f"1. 洪泽区人民政府：3 件{warning}" in ranking
    chart = services.chart("洪泽区 行政复议")
    assert isinstance(chart, Chart)
    assert chart.spec.notes == ("洪泽区人民政府 2024年度：复议总计 3 ≠ 分项之和 2",)
    assert chart.spec.source == "数据来源：hz-2023.txt；hz-2024.txt"


def test_rank_headers_name_the_place_asked_and_从少到多_reverses_the_order(
    bot_engine: Engine,
) -> None:
    services = Services(bot_engine)
    headers = {
        "平潭 申请数量 排名": "平潭综合实验区 · 2023年度",
        "福州 平潭 申请数量 排名": "平潭综合实验区 · 2023年度",
        "福建省 2023 申请数量 排名": "福建省 · 2023年度",
        "六安 2020 申请数量 排名": "六安市 · 2020年度",
        "全国 2024 申请数量 排名": "全部单位 · 2024年度",
    }
    for question, header in headers.items():
        first = services.ask(question).text.splitlines()[0]
        assert first.startswith(f"{header} · 新收申请数量 排名（从多到少"), (question, first)
    most = services.ask("淮安市 2024 申请数量 排名").answers
    least = services.ask("淮安市 2024 申请数量 排名 从少到多")
    assert least.text.splitlines()[0].startswith("淮安市 · 2024年度 · 新收申请数量 排名（从少到多")
    assert [a.value for a in least.answers] == [a.value for a in reversed(most)] == [95, 3119]


def test_a_ranking_of_a_place_with_no_reports_is_refused_not_the_whole_country(
    bot_engine: Engine,
) -> None:
    """火星 and 北京 hold no report: their ranking is not 全部单位's (a wrong scope)."""
    services = Services(bot_engine)
    for place in ("火星", "北京"):
        answer = services.ask(f"{place} 申请数量 排名")
        assert answer.status != "answer" and not answer.answers, (place, answer.text)
        assert answer.text.splitlines()[0] == f"数据库里没有“{place}”的年报。"
    for question in ("全国 申请数量 排名", "全国2024年申请数量排名前十", "所有单位申请数量排名"):
        first = services.ask(question).text.splitlines()[0]
        assert first.startswith("全部单位 · "), (question, first)
