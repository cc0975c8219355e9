"""Questions about what the prose states, what the reports do not hold, and prose that
contradicts a table (W2). Expected figures are read from the report texts."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from query import Asker
from store.reader import StoreReader
from tests.fixtures_query import make_asker


@pytest.fixture(scope="module")
def store_asker(sample_store: Engine) -> Asker:
    return make_asker(StoreReader(sample_store))


@pytest.mark.parametrize(
    ("question", "key", "value", "unit"),
    [
        ("金安区2020年主动公开了多少件信息", "text.proactive.total", 554, "件"),
        ("平潭2021年主动公开了多少条政府信息", "text.proactive.total", 2645, "条"),
        ("洪泽区2023年主动公开信息多少条", "text.proactive.total", 1136, "条"),
        ("洪泽区2024年主动发布了多少条政府信息", "text.proactive.total", 2428, "条"),
        ("平潭 2023 政策解读", "text.interpretations", 117, "篇"),
        ("金安区 2020 重点领域信息", "text.proactive.key_areas", 83, "条"),
        ("金安区 2020 舆情回应", "text.opinion_responses", 91, "条"),
        ("金安区 2020 召开了几次新闻发布会", "text.press_conferences", 2, "次"),
        ("淮安市 2024 新闻发布会", "text.press_conferences", 12, "场"),
        ("淮安2024年政务新媒体有多少个", "text.new_media", 95, "个"),
        ("上海市政府办公厅2019年政策解读多少件", "text.interpretations", 132, "件"),
    ],
)
def test_a_fact_of_the_prose_is_answered_with_its_unit(
    asker: Asker, store_asker: Asker, question: str, key: str, value: int, unit: str
) -> None:
    for source in (asker, store_asker):
        answer = source.ask(question)
        assert answer.status == "answer", answer.text
        item = answer.to_json()["answers"][0]
        assert (item["key"], item["value"], item["unit"]) == (key, value, unit)


def test_the_answer_quotes_the_sentence_as_provenance(store_asker: Asker) -> None:
    answer = store_asker.ask("金安区2020年主动公开了多少件信息")
    assert "554 件" in answer.text
    assert "一、总体情况：“主动公开各类文件、信息及配套解读等554件”" in answer.text
    source = answer.to_json()["answers"][0]["source"]
    assert "主动公开各类文件、信息及配套解读等554件" in source["sentence"]
    assert source["section"].startswith("一、总体情况")


def test_proactive_disclosure_is_never_an_application_granted(asker: Asker) -> None:
    assert asker.ask("金安区2020年主动公开了多少件信息").answers[0].key != "result.public.total"
    assert asker.ask("金安区2020年予以公开多少件").answers[0].key == "result.public.total"
    rules = asker.ask("上海2019年主动公开规章多少件")  # 表二's 规章: which of its three counts
    assert rules.status == "choose" and rules.answers == []
    assert [c.key for c in rules.choices] == [
        "proactive.rules.made",
        "proactive.rules.published",
        "proactive.rules.public_total",
    ]


def test_information_fees_are_in_yuan_as_fields_md_defines_them(store_asker: Asker) -> None:
    answer = store_asker.ask("淮安市2024年收取信息处理费多少")
    item = answer.to_json()["answers"][0]
    assert (item["key"], item["value"], item["unit"]) == ("text.fees_collected", 3940, "元")
    assert "3940 元" in answer.text


def test_an_approximate_figure_is_said_to_be_one(store_asker: Asker) -> None:
    answer = store_asker.ask("平潭2025年主动公开了多少条信息")
    assert answer.answers[0].flags == ("approximate",)
    assert "约 7700 条" in answer.text and "约数" in answer.text


def test_a_prose_fact_has_a_series_like_a_cell(store_asker: Asker) -> None:
    answer = store_asker.ask("平潭 历年 主动公开信息")
    assert answer.intent == "series"
    assert [(a.year, a.json_value()) for a in answer.answers] == [
        (2019, 2599),
        (2021, 2645),
        (2023, 13561),
        (2025, 7700),
    ]


def test_a_free_fact_is_reached_by_the_words_before_it(store_asker: Asker) -> None:
    answer = store_asker.ask("上海市政府办公厅2019年对常务会议重要议题权威发布了多少次")
    assert answer.status == "answer"
    assert answer.answers[0].json_value() == 38 and answer.answers[0].unit == "次"
    assert "权威发布共计38次" in answer.text


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("淮安市2024年GDP是多少", "GDP"),
        ("平潭2023年财政预算", "财政预算"),
        ("金安区2020年编制多少人", "编制"),
        ("洪泽区2024年考核得分", "考核得分"),
        ("淮安市2024年网站访问量", "网站访问量"),
    ],
)
def test_what_the_reports_do_not_hold_is_said_with_real_fields_to_choose(
    asker: Asker, store_asker: Asker, question: str, word: str
) -> None:
    for source in (asker, store_asker):
        answer = source.ask(question)
        assert answer.status == "no_data" and answer.answers == []
        assert f"年报里没有“{word}" in answer.text
        assert answer.choices and "年报概况" not in answer.text


def test_the_overview_card_comes_when_only_an_agency_and_a_year_are_named(asker: Asker) -> None:
    assert asker.ask("洪泽区 2023").intent == "overview"
    assert asker.ask("洪泽区2023年的情况").intent == "overview"
    assert asker.ask("平潭2023年度信息公开工作年度报告").intent == "overview"


def test_a_cell_the_prose_contradicts_is_answered_with_a_warning(store_asker: Asker) -> None:
    """洪泽 2024: the table says 95 applications district-wide, the prose 17 (区政府办)."""
    answer = store_asker.ask("洪泽区2024年收到多少申请")
    assert answer.answers[0].json_value() == 95
    assert "⚠ 年报正文写 17 件" in answer.text
    assert "prose_differs" in answer.to_json()["answers"][0]["flags"]
    series = store_asker.ask("洪泽区 2023 2024 申请数量")
    assert "⚠ 年报正文写 17 件" in series.text


def test_a_cell_the_prose_agrees_with_has_no_warning(store_asker: Asker) -> None:
    answer = store_asker.ask("淮安市2024年收到多少申请")
    assert answer.answers[0].json_value() == 3119 and "⚠" not in answer.text


def test_a_ranking_row_the_prose_contradicts_carries_the_warning(store_asker: Asker) -> None:
    """The rows of a ranking are checked against their reports' prose like a single figure."""
    answer = store_asker.ask("淮安市 2024 申请数量 排名")
    lines = {line.split("：")[0]: line for line in answer.text.splitlines() if "：" in line}
    hongze = next(line for name, line in lines.items() if "洪泽区" in name)
    huaian = next(line for name, line in lines.items() if name.endswith("淮安市人民政府"))
    assert "95" in hongze and "⚠ 年报正文写 17 件" in hongze
    assert "3119" in huaian and "⚠" not in huaian
    flagged = [a.agency for a in answer.answers if "prose_differs" in a.flags]
    assert flagged == [a.agency for a in answer.answers if "洪泽区" in a.agency]
