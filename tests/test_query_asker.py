"""The asker end to end over the gold reports and small hand-made sources."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from query import Answer, Asker, ChartSpec, texts
from query.memory import MemoryReport, MemorySource
from query.source import AgencyInfo, FigureInfo, ReportInfo
from tests.fixtures_query import make_asker


def test_jinan_question_answers_zero_with_interpretation_and_source(asker: Asker) -> None:
    answer = asker.ask("金安区 2020 申请数量")
    assert (answer.status, answer.intent) == ("answer", "value")
    for needle in (
        "0 件",
        "六安市金安区数据资源管理局",
        "2020",
        "本年新收",
        "luan_jinan_data_bureau_2020.txt",
    ):
        assert needle in answer.text
    data = answer.to_json()
    assert data["answers"][0]["value"] == 0 and isinstance(data["answers"][0]["value"], int)
    assert data["answers"][0]["key"] == "apply.new.total"
    assert data["answers"][0]["source"]["file"] == "luan_jinan_data_bureau_2020.txt"
    assert data["answers"][0]["source"]["table"] == "三"
    assert set(data) == {"question", "status", "intent", "answers", "choices", "text"}


def test_shenqing_shuliang_lists_the_other_readings_as_choices(asker: Asker) -> None:
    answer = asker.ask("淮安市 2024 申请数量")
    assert answer.answers[0].key == "apply.new.total"
    assert [c.key for c in answer.choices] == ["apply.carried_in.total", "result.total.total"]
    assert "您是不是想问：上年结转申请数量、办理结果总计" in answer.text


def test_missing_year_uses_the_latest_and_says_so(asker: Asker) -> None:
    answer = asker.ask("平潭 申请数量")
    assert answer.answers[0].year == 2025 and answer.answers[0].json_value() == 154
    assert "未指定年份，按最新的 2025 年度" in answer.text


def test_amounts_are_floats_in_wan_yuan(asker: Asker) -> None:
    item = asker.ask("淮安 2024 收费金额").to_json()["answers"][0]
    assert item["value"] == 96171.6 and isinstance(item["value"], float)
    assert item["unit"] == "万元"


def test_unknown_year_is_said_with_the_nearest_years_and_no_figure(asker: Asker) -> None:
    answer = asker.ask("平潭 2020 申请数量")
    assert answer.status == "no_data" and answer.answers == []
    assert [c.year for c in answer.choices][:2] == [2021, 2019]
    assert "2019、2021、2023、2025" in answer.text


def test_unknown_agency_is_said_not_guessed(asker: Asker) -> None:
    answer = asker.ask("六安市裕安区 2020 申请数量")
    assert answer.status == "no_data" and answer.answers == []
    assert "裕安区" in answer.text


def test_failed_check_touching_the_cell_is_shown(asker: Asker) -> None:
    answer = asker.ask("洪泽区 2023 复议维持")
    assert answer.answers[0].json_value() == 10
    assert "勾稽关系未通过" in answer.text


def test_report_card_has_key_figures_and_checks(asker: Asker) -> None:
    answer = asker.ask("洪泽区 2023 年报概况")
    assert answer.intent == "overview"
    assert "新收申请数量：21 件" in answer.text
    assert "2 项未通过" in answer.text and "行政复议：10+1+0+0=11，总计0，不一致" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "😀😀😀",
        "hello",
        "SELECT * FROM figures; --",
        "<img src=x onerror=alert(1)>",
        "\x00\x07\x1b[2J",
        "申" * 4000,
        "今天天气怎么样",
    ],
    ids=[
        "empty",
        "spaces",
        "emoji",
        "english",
        "sql",
        "html",
        "controls",
        "4000-chars",
        "off-topic",
    ],
)
def test_bad_input_gets_a_short_friendly_reply(asker: Asker, question: str) -> None:
    answer = asker.ask(question)
    assert answer.status == "not_understood"
    assert answer.answers == []
    assert "例如" in answer.text or "可以这样问" in answer.text
    assert len(answer.text) < 200


def test_tokens_are_short_ascii_and_resolve_to_the_same_answer(asker: Asker) -> None:
    answer = asker.ask("淮安市 2024 申请数量")
    for choice in answer.choices:
        assert choice.token.isascii() and len(choice.token.encode()) <= 60
    pressed = asker.resolve(answer.choices[0].token)
    assert pressed.status == "answer"
    assert pressed.answers[0].key == "apply.carried_in.total"
    assert pressed.answers[0].json_value() == 34


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x",
        "v|999|2020|apply.new.total",
        "v|1|2020|no.such.key",
        "q|1|2020|-",
        "v|a|b|c",
        "v|1|2020|" + "x" * 80,
    ],
    ids=["empty", "garbage", "gone-agency", "bad-key", "bad-intent", "not-numbers", "too-long"],
)
def test_bad_or_stale_token_gets_a_friendly_reply(asker: Asker, token: str) -> None:
    answer = asker.resolve(token)
    assert answer.status == "not_understood" and "按钮已失效" in answer.text


def test_chart_of_a_trend_is_a_line_over_years(asker: Asker) -> None:
    spec = asker.chart("平潭 申请数量 趋势")
    assert isinstance(spec, ChartSpec) and spec.kind == "line"
    assert spec.x == ["2019", "2021", "2023", "2025"]
    assert spec.series[0][1] == [23.0, 70.0, 81.0, 154.0]


def test_chart_of_some_years_draws_the_years_the_text_answers(asker: Asker) -> None:
    """2021年到2023年 answers 2021 and 2023 (平潭 has no 2022 report): the chart draws those
    two, not every report since 2019 beside a text of two years."""
    answer = asker.ask("平潭 2021年到2023年 申请数量")
    spec = asker.chart("平潭 2021年到2023年 申请数量")
    assert isinstance(spec, ChartSpec) and spec.kind == "line"
    assert answer.intent == "series"
    assert spec.x == [str(a.year) for a in answer.answers] == ["2021", "2023"]
    assert spec.series[0][1] == [70.0, 81.0]


def test_chart_of_a_comparison_is_a_bar_over_agencies(asker: Asker) -> None:
    spec = asker.chart("淮安市 和 洪泽区 2024 申请数量")
    assert isinstance(spec, ChartSpec) and spec.kind == "bar"
    assert spec.x == ["淮安市人民政府", "淮安市洪泽区人民政府"]
    assert spec.series[0][1] == [3119.0, 95.0]


def test_chart_without_figures_returns_the_answer(asker: Asker) -> None:
    assert isinstance(asker.chart("有哪些年报"), Answer)


def _agency(agency_id: int, name: str, region: str, level: str) -> AgencyInfo:
    return AgencyInfo(agency_id, name, (), region, level=level)


def _report(agency: AgencyInfo, year: int, figures: dict[str, FigureInfo]) -> MemoryReport:
    info = ReportInfo(
        agency.id, year, f"{agency.name}{year}年报", f"r{agency.id}.txt", "text", "2021"
    )
    return MemoryReport(agency, info, figures)


def test_ambiguous_cell_is_said_with_its_candidates_and_no_value() -> None:
    agency = _agency(1, "示例市人民政府", "示例省示例市", "government")
    cell = FigureInfo(
        "apply.new.total", None, "件", "1234", ("ambiguous",), (Decimal(12), Decimal(34))
    )
    asker = make_asker(MemorySource([_report(agency, 2023, {"apply.new.total": cell})]))
    answer = asker.ask("示例市 2023 申请数量")
    assert answer.to_json()["answers"][0]["value"] is None
    assert "歧义" in answer.text and "12 / 34" in answer.text


def test_region_with_several_departments_asks_which_one() -> None:
    figure = FigureInfo("apply.new.total", Decimal(5), "件")
    bureaus = [
        _agency(1, "示例县财政局", "示例省示例县", "department"),
        _agency(2, "示例县教育局", "示例省示例县", "department"),
    ]
    asker = make_asker(
        MemorySource([_report(a, 2023, {"apply.new.total": figure}) for a in bureaus])
    )
    answer = asker.ask("示例县 2023 申请数量")
    assert answer.status == "choose" and answer.answers == []
    assert [c.agency for c in answer.choices] == ["示例县财政局", "示例县教育局"]
    pressed = asker.resolve(answer.choices[1].token)
    assert pressed.answers[0].agency == "示例县教育局" and pressed.answers[0].json_value() == 5
    named = asker.ask("示例县教育局 2023 申请数量")
    assert named.status == "answer" and named.answers[0].agency == "示例县教育局"


def test_region_prefers_its_government_when_no_department_is_named() -> None:
    figure = FigureInfo("apply.new.total", Decimal(7), "件")
    agencies = [
        _agency(1, "示例县财政局", "示例省示例县", "department"),
        _agency(2, "示例县人民政府", "示例省示例县", "government"),
    ]
    asker = make_asker(
        MemorySource([_report(a, 2023, {"apply.new.total": figure}) for a in agencies])
    )
    answer = asker.ask("示例县 2023 申请数量")
    assert answer.status == "answer" and answer.answers[0].agency == "示例县人民政府"


def test_agency_index_is_rebuilt_when_the_source_version_changes() -> None:
    figure = FigureInfo("apply.new.total", Decimal(1), "件")
    first = _agency(1, "甲市人民政府", "甲省甲市", "government")
    second = _agency(2, "乙市人民政府", "甲省乙市", "government")

    class Growing(MemorySource):
        def __init__(self) -> None:
            super().__init__([_report(first, 2023, {"apply.new.total": figure})], version="1")

        def grow(self) -> None:
            MemorySource.__init__(
                self,
                [
                    _report(first, 2023, {"apply.new.total": figure}),
                    _report(second, 2023, {"apply.new.total": figure}),
                ],
                version="2",
            )

    source = Growing()
    asker = make_asker(source)
    assert asker.ask("乙市 2023 申请数量").status != "answer"
    source.grow()
    assert asker.ask("乙市 2023 申请数量").answers[0].agency == "乙市人民政府"


def test_compare_on_a_region_sets_its_agencies_side_by_side(asker: Asker) -> None:
    answer = asker.ask("淮安市 对比")
    assert answer.intent == "compare"
    assert [(a.agency, a.json_value()) for a in answer.answers] == [
        ("淮安市人民政府", 3119),
        ("淮安市洪泽区人民政府", 95),
    ]


def test_rank_of_an_agency_is_within_the_named_region(asker: Asker) -> None:
    answer = asker.ask("洪泽区 2024 申请数量 在淮安市排第几")
    assert answer.intent == "rank"
    assert "淮安市洪泽区人民政府 排第 2 位" in answer.text


def test_total_adds_every_agency_of_the_region(asker: Asker) -> None:
    answer = asker.ask("淮安市各单位 2024 申请数量 合计")
    assert answer.intent == "total" and answer.answers[0].json_value() == 3119 + 95
    assert "2 个单位合计：3214 件" in answer.text


def test_a_region_with_a_government_named_with_heji_is_the_governments_report(
    asker: Asker,
) -> None:
    """淮安市 2024 合计: the city government's own (city-wide) figure, not city + district
    added (that would count 洪泽区's applications twice)."""
    answer = asker.ask("淮安市 2024 申请数量 合计")
    assert answer.answers[0].agency == "淮安市人民政府" and answer.answers[0].json_value() == 3119


def test_derived_cell_is_not_also_called_blank() -> None:
    agency = _agency(1, "示例市人民政府", "示例省示例市", "government")
    cell = FigureInfo("apply.new.total", Decimal(3), "件", "", ("blank", "derived"))
    asker = make_asker(MemorySource([_report(agency, 2023, {"apply.new.total": cell})]))
    text = asker.ask("示例市 2023 申请数量").text
    assert "由分项相加得出" in text and "空白" not in text


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("洪则区 2024 申请数量", "淮安市洪泽区人民政府"),  # 则 ze / 泽 ze
        ("平谭综合实验区 2023 申请数量", "平潭综合实验区"),  # 谭 tan / 潭 tan
        ("平谭 2023 申请数量", "平潭综合实验区"),
        ("淮按市 2024 申请数量", "淮安市人民政府"),  # 按 an / 安 an
    ],
    ids=["county-typo", "full-name-typo", "short-typo", "city-typo"],
)
def test_a_sound_alike_slip_in_a_name_is_answered_and_said(
    asker: Asker, question: str, meant: str
) -> None:
    answer = asker.ask(question)
    assert answer.status == "answer" and answer.answers[0].agency == meant
    assert answer.text.startswith("按“")


@pytest.mark.parametrize(
    ("question", "suggested"),
    [
        ("六安市裕安区 2020 申请数量", "六安市金安区数据资源管理局"),  # 裕 yu / 金 jin
        ("淮北市 2024 申请数量", "淮安市人民政府"),  # 北 bei / 安 an: another city
    ],
    ids=["neighbour-county", "another-city"],
)
def test_a_name_that_does_not_sound_alike_is_offered_not_answered(
    asker: Asker, question: str, suggested: str
) -> None:
    answer = asker.ask(question)
    assert answer.status == "no_data" and answer.answers == []
    assert suggested in [c.agency for c in answer.choices]


def test_bare_alias_names_a_department_not_every_agency() -> None:
    figure = FigureInfo("apply.new.total", Decimal(2), "件")
    agency = AgencyInfo(
        1, "示例县数据资源管理局", ("政务服务管理局",), "示例省示例县", level="department"
    )
    asker = make_asker(MemorySource([_report(agency, 2023, {"apply.new.total": figure})]))
    assert asker.ask("示例县政务服务管理局 2023 申请数量").answers[0].json_value() == 2
    assert asker.index().names.get("政务服务管理局") is None


def test_chart_plots_the_agency_the_text_answered_when_two_share_a_name() -> None:
    """Two 鼓楼区人民政府 (南京 and 福州): the chart follows the answer's agency id, never
    a look-up of the display name."""
    nanjing = _agency(1, "鼓楼区人民政府", "江苏省南京市鼓楼区", "government")
    fuzhou = _agency(2, "鼓楼区人民政府", "福建省福州市鼓楼区", "government")
    reports = [
        _report(agency, year, {"apply.new.total": FigureInfo("apply.new.total", Decimal(v))})
        for agency, values in ((nanjing, (11, 12)), (fuzhou, (71, 72)))
        for year, v in zip((2022, 2023), values, strict=True)
    ]
    asker = make_asker(MemorySource(reports))
    answer = asker.ask("福州市鼓楼区 申请数量 趋势")
    assert [a.json_value() for a in answer.answers] == [71, 72]
    spec = asker.chart("福州市鼓楼区 申请数量 趋势")
    assert isinstance(spec, ChartSpec) and spec.series[0][1] == [71.0, 72.0]


def test_an_amount_printed_in_yuan_is_answered_in_wan_yuan_with_the_printed_form() -> None:
    agency = _agency(1, "示例市人民政府办公厅", "示例省示例市", "department")
    cell = FigureInfo("proactive.procurement.amount", Decimal("25.1"), "元", "251000元", ("unit",))
    info = ReportInfo(1, 2019, "示例市2019年报", "r1.html", "html", "2019")
    asker = make_asker(MemorySource([MemoryReport(agency, info, {cell.key: cell})]))
    answer = asker.ask("示例市人民政府办公厅 2019 采购金额")
    assert "25.1 万元（原表：251000元）" in answer.text
    item = answer.to_json()["answers"][0]
    assert (item["value"], item["unit"], item["printed"]) == (25.1, "万元", "251000元")


def test_a_ranking_from_the_source_matches_sorting_every_row(asker: Asker) -> None:
    """The source's ranking (sorted and cut where the data is) is the sort of `across`."""
    source = asker.source
    rows = source.across("apply.new.total", 2024)
    expected = sorted(rows, key=lambda r: (-(r[1].value or 0), r[0]))
    ranked = source.ranking("apply.new.total", 2024, limit=5)
    assert [a for a, _ in ranked.top] == [a for a, _ in expected[:5]]
    assert ranked.valued == len(rows)


def test_a_new_agency_index_is_frozen_out_of_later_collections(gold_memory: MemorySource) -> None:
    """The index's long-lived objects are walked by no later collection (a pause inside a
    question otherwise): building it freezes what is then alive, the index among it."""
    asker = make_asker(gold_memory)
    frozen = gc.get_freeze_count()
    index = asker.index()
    assert gc.get_freeze_count() > frozen
    assert not any(obj is index.names for obj in gc.get_objects())  # frozen: not collectable


def test_a_prepared_asker_spells_its_places_before_the_first_question(
    gold_memory: MemorySource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serving process prepares what a question in pinyin would otherwise wait for."""
    from query import agencies

    spelled: list[str] = []
    monkeypatch.setattr(agencies, "spelled", lambda word: spelled.append(word) or word)
    asker = make_asker(gold_memory)
    asker.prepare()
    assert len(spelled) > 0
    before = len(spelled)
    asker.ask("pingtan 2023 申请数量")
    assert len(spelled) == before


def test_a_ranking_with_no_year_skips_a_latest_year_fewer_agencies_have_reported(
    asker: Asker,
) -> None:
    """The bundled 2025 holds 平潭 alone, 2024 淮安 and 洪泽: 平潭 is no winner of 2025."""
    answer = asker.ask("哪个单位收到的信息公开申请最多")
    assert texts.LATEST_THIN.format(latest=2025, count=1, year=2024) in answer.text
    assert [(a.agency, a.year, a.json_value()) for a in answer.answers] == [
        ("淮安市人民政府", 2024, 3119),
        ("淮安市洪泽区人民政府", 2024, 95),
    ]


def test_chart_of_agencies_each_in_its_own_year_says_each_bars_year(asker: Asker) -> None:
    chart = asker.chart("平潭2023年和洪泽区2024年新收申请相比哪个多")
    assert isinstance(chart, ChartSpec) and chart.kind == "bar"
    assert chart.x == ["平潭综合实验区 2023", "淮安市洪泽区人民政府 2024"]
    assert "2023年度" not in chart.title and chart.series[0][1] == [81.0, 95.0]
