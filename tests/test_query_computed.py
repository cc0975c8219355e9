"""Computed figures (fields.md "Derived figures"): the value, its formula with every printed
part and its source, a note for small bases, and no figure when a part or a year is missing.
Expected values are worked out by hand from the reports' printed cells."""

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
    ("question", "how", "value", "unit"),
    [
        ("淮安市2024年政府信息公开申请的公开率", "rate.public", 59.54, "%"),  # (1362+454)/3050
        ("洪泽区 2023 公开率", "rate.public", 19.05, "%"),  # (0+4)/21
        ("淮安市 2024 行政复议纠错率", "rate.review_corrected", 18.23, "%"),  # 64/351
        ("淮安 2024 败诉率", "rate.litigation_corrected", 10.87, "%"),  # (4+1)/(26+20)
        ("平潭 2023 不予公开率", "rate.withheld", 6.17, "%"),  # 5/81
        ("洪泽区 2024 申请数量 同比", "yoy", 74, "件"),  # 95 − 21
        ("淮安市洪泽区2024年申请比上年增加了多少", "yoy", 74, "件"),
        ("平潭 2021 2023 申请数量 合计", "sum", 151, "件"),  # 70 + 81
        ("平潭 2023 2025 平均每年申请多少", "average", 117.5, "件"),  # (81 + 154) / 2
        ("淮安市和洪泽区2024年申请数量合计", "sum", 3214, "件"),  # 3119 + 95
        ("洪泽区2023年不予公开和无法提供一共多少", "sum", 16, "件"),  # 3 + 13
        ("平潭 2023 自然人申请占比", "share", 98.77, "%"),  # 80/81
        ("上海2019年法人申请多少", "org", 38, "件"),  # 35 + 0 + 0 + 2 + 1
        ("上海2019年企业和律师申请加起来多少", "sum", 37, "件"),  # 35 + 2
    ],
)
def test_computed_figure_with_formula_and_parts(
    store_asker: Asker, question: str, how: str, value: float, unit: str
) -> None:
    answer = store_asker.ask(question)
    assert (answer.status, answer.intent) == ("answer", "computed"), answer.text
    item = answer.to_json()["answers"][0]
    assert (item["intent"], item["value"], item["unit"]) == (how, value, unit)
    assert item["formula"] and "计算：" in answer.text
    assert item["parts"] and all(part["source"]["file"] for part in item["parts"])


def test_the_year_with_the_most_is_found_among_the_reports(store_asker: Asker) -> None:
    answer = store_asker.ask("平潭哪一年申请最多")
    item = answer.to_json()["answers"][0]
    assert (item["intent"], item["year"], item["value"]) == ("max_year", 2025, 154)
    least = store_asker.ask("平潭申请最少的是哪一年").to_json()["answers"][0]
    assert (least["year"], least["value"]) == (2019, 23)


def test_years_in_order(store_asker: Asker) -> None:
    answer = store_asker.ask("平潭 申请数量 从少到多")
    assert [a.json_value() for a in answer.answers] == [23, 70, 81, 154]


def test_a_small_base_is_said(store_asker: Asker) -> None:
    assert "基数只有 21 件" in store_asker.ask("洪泽区 2023 公开率").text
    assert "基数" not in store_asker.ask("淮安市 2024 公开率").text


@pytest.mark.parametrize(
    "question",
    [
        "平潭 2023 申请数量 同比",  # no 2022 report: never 2021 instead
        "平潭 2019到2025 申请数量 合计",  # 2020, 2022, 2024 missing
        "洪泽区 2023 复议纠错率",  # 复议 总计 printed 0: no rate
    ],
)
def test_a_missing_year_or_part_gives_no_figure(store_asker: Asker, question: str) -> None:
    answer = store_asker.ask(question)
    assert answer.status == "no_data", answer.text
    assert all(a.value is None for a in answer.answers)


def test_yoy_names_the_missing_year(store_asker: Asker) -> None:
    assert "没有 2022 年度的年报" in store_asker.ask("平潭 2023 申请数量 同比").text


def test_a_region_total_keeps_its_intent(asker: Asker) -> None:
    answer = asker.ask("淮安市所有单位 2024 申请数量 合计")
    assert answer.intent == "total" and answer.answers[0].json_value() == 3214
