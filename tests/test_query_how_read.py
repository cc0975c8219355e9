"""How the words of a question were read, said in the answer: 去年 / 上年 with no year written
is read from today's date; a table named that does not hold the row is pointed out."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from store.reader import StoreReader
from tests.fixtures_query import make_asker


def test_the_answer_says_how_去年_was_read(sample_store: Engine) -> None:
    asker = make_asker(StoreReader(sample_store))  # today 2026-06-01: 去年 is 2025
    answer = asker.answer("平潭综合实验区去年收到几件信息公开申请")
    assert answer.answers[0].year == 2025 and answer.answers[0].value == 154
    assert answer.text.splitlines()[0].startswith("“去年”按今天（2026年）理解为 2025 年度")
    refused = asker.answer("洪泽区上年的行政处罚决定多少件")
    assert refused.status == "no_data" and "“上年”按今天（2026年）理解为 2025 年度" in refused.text
    anchored = asker.answer("洪泽区2024年的去年收到多少申请")
    assert anchored.answers[0].year == 2023 and "按今天" not in anchored.text


def test_a_table_named_that_does_not_hold_the_row_is_said(sample_store: Engine) -> None:
    """表四里的新收申请: the figure is 表三's, and the answer says so."""
    answer = make_asker(StoreReader(sample_store)).answer("平潭2023年表四里的新收申请")
    assert answer.answers[0].value == 81
    assert "问题写的是“表四”，“新收申请数量”在年报的表三" in answer.text
