"""Prose facts of the real reports: every text.* fact against gold read by hand from the
report texts (tests/data/gold_prose.json), each with the sentence it came from."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from parsers import parse_file
from parsers.prose import APPROXIMATE, TEXT_FACTS, prose_facts
from tests.helpers.documents import document

DATA = Path(__file__).parent / "data"
GOLD: dict[str, dict[str, list[object]]] = {
    name: facts
    for name, facts in json.loads((DATA / "gold_prose.json").read_text("utf-8")).items()
    if not name.startswith("_")
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, list[object]]:
    return {name: parse_file(document(name)).facts for name in GOLD}  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_text_facts_of_the_real_reports_match_the_hand_read_gold(
    parsed: dict[str, list[object]], name: str
) -> None:
    facts = {f.key: f for f in parsed[name] if f.key in TEXT_FACTS}  # type: ignore[attr-defined]
    got = {
        k: [f.value, f.unit, *([APPROXIMATE] if APPROXIMATE in f.flags else [])]
        for k, f in facts.items()
    }
    assert got == GOLD[name]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_fact_keeps_the_sentence_that_states_it(
    parsed: dict[str, list[object]], name: str
) -> None:
    for fact in parsed[name]:
        printed = f"{fact.value}"  # type: ignore[attr-defined]
        if fact.value == 0 and fact.key == "text.fees_collected":  # type: ignore[attr-defined]
            assert "信息处理费" in fact.sentence  # type: ignore[attr-defined]
            continue
        assert printed in fact.sentence.replace(" ", ""), fact  # type: ignore[attr-defined]


def test_the_section_of_a_fact_is_the_heading_it_stands_under(
    parsed: dict[str, list[object]],
) -> None:
    facts = {f.key: f for f in parsed["luan_jinan_data_bureau_2020.txt"]}  # type: ignore[attr-defined]
    assert facts["text.proactive.total"].section == "一、总体情况 · （一）主动公开情况"  # type: ignore[attr-defined]
    assert "主动公开各类文件、信息及配套解读等554件" in facts["text.proactive.total"].sentence  # type: ignore[attr-defined]
    fees = {f.key: f for f in parsed["huaian_city_2024.pdf"]}["text.fees_collected"]  # type: ignore[attr-defined]
    assert fees.section == "六、其他需要报告的事项"


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("2022年，召开新闻发布会5场。", "text.press_conferences", 5),
        ("全年共举办新闻发布会12场。", "text.press_conferences", 12),
        ("全年未收取信息处理费。", "text.fees_collected", 0),
        ("本年度收取信息处理费共计120元。", "text.fees_collected", 120),
        ("全市政务新媒体共95个。", "text.new_media", 95),
        ("舆情主动回应91条。", "text.opinion_responses", 91),
    ],
)
def test_set_phrases_give_their_key(text: str, key: str, value: int) -> None:
    facts = {f.key: f.value for f in prose_facts(text)}
    assert facts[key] == value


@pytest.mark.parametrize(
    "text",
    [
        "关停政务新媒体2个。",  # closed accounts are not the accounts run
        "注销2个无人维护的政务新媒体。",
        "主动公开规章13件、行政规范性文件60件。",  # documents, not the information total
        "联系电话：0591-23165250，邮编：350400。",  # no unit: not a figure
        "统计期限自2023年1月1日起至2023年12月31日止。",
    ],
)
def test_look_alike_figures_get_no_text_key(text: str) -> None:
    assert not [f for f in prose_facts(text) if f.key in TEXT_FACTS]


def test_dates_phone_numbers_and_document_numbers_are_no_facts() -> None:
    text = "根据《通知》（国办公开办函〔2021〕30号），电话：0517-83605210，2024年1月1日起。"
    assert prose_facts(text) == []


def test_a_free_fact_keeps_the_words_before_it() -> None:
    facts = prose_facts("对市政府常务会议的重要议题进行权威发布共计38次。")
    assert [(f.key, f.value, f.unit) for f in facts] == [("free.1", 38, "次")]
    assert "权威发布" in facts[0].phrase


def test_decimal_amounts_keep_their_printed_decimals() -> None:
    facts = prose_facts("全年收取信息处理费12.5元。")
    assert facts[0].key == "text.fees_collected" and facts[0].value == Decimal("12.5")
