"""The quotes that prove a figure: cut to fit, never cut before the number they support."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from query.texts import around
from store.reader import StoreReader
from tests.fixtures_query import make_asker


def test_a_long_sentence_is_cut_around_its_figure() -> None:
    sentence = (
        "平潭综合实验区切实落实国务院办公厅有关要求，坚持应公开尽公开，"
        "2023年全区共主动公开政府信息13561条"
    )
    cut = around(sentence, "13561", 20)
    assert "13561" in cut and len(cut) <= 22 and cut.startswith("…")
    assert around("全年发布政策解读117篇", "117", 40) == "全年发布政策解读117篇"
    assert around(sentence, "", 10) == sentence[:10] + "…"


def test_every_part_of_a_sum_of_prose_facts_quotes_its_own_number(sample_store: Engine) -> None:
    asker = make_asker(StoreReader(sample_store))
    answer = asker.answer("平潭2023年主动公开的信息和政策解读篇数加在一起是多少")
    assert answer.answers[0].value == 13561 + 117
    parts = [line for line in answer.text.splitlines() if line.startswith("·")]
    assert len(parts) == 2
    assert "13561" in parts[0].partition("正文")[2] and "117" in parts[1].partition("正文")[2]


def test_the_quote_is_the_clause_of_the_figure_counted_in_its_unit(sample_store: Engine) -> None:
    """公开政府常务会议7期，解读信息发布7条: the 7 条 of 政策解读 is quoted, not the 7 期."""
    asker = make_asker(StoreReader(sample_store))
    answer = asker.answer("洪泽区2024年解读信息发布了几条")
    assert answer.answers[0].value == 7
    source = next(line for line in answer.text.splitlines() if line.startswith("出处"))
    assert source.endswith("解读信息发布7条”")
