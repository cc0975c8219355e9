"""去年 / 上年 with no year written is read from today's date, and the answer says so."""

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
