"""Several figures asked at once are each answered (query.several), a sum stays one figure,
and a part not answered is named: never one figure as if it were the whole answer."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from query import Asker
from store.reader import StoreReader
from tests.fixtures_query import make_asker


@pytest.fixture(scope="module")
def asker(sample_store: Engine) -> Asker:
    return make_asker(StoreReader(sample_store))


def _figures(asker: Asker, question: str) -> list[tuple[str, float]]:
    answer = asker.answer(question)
    return [(a.key, float(a.value)) for a in answer.answers if a.value is not None]


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("平潭2023年行政处罚和行政许可分别是多少",
         [("proactive.penalty.decisions", 1330), ("proactive.permit.decisions", 2629)]),
        ("平潭2023年申请数和复议纠错率各是多少",
         [("apply.new.total", 81), ("rate.review_corrected", 50)]),
        ("平潭2023年行政复议多少件，行政诉讼多少件",
         [("review.total", 2), ("litigation.total", 7)]),
        ("平潭2025年公开率以及不予公开率", [("rate.public", 47.97), ("rate.withheld", 7.43)]),
        ("平潭2023年申请数跟行政复议数", [("apply.new.total", 81), ("review.total", 2)]),
        ("平潭2023年收到多少申请？行政复议多少件？",
         [("apply.new.total", 81), ("review.total", 2)]),
    ],
)  # fmt: skip
def test_each_figure_asked_is_answered_with_its_source(
    asker: Asker, question: str, figures: list[tuple[str, float]]
) -> None:
    assert _figures(asker, question) == figures
    assert asker.answer(question).text.startswith("问了 2 项")


def test_a_sum_of_two_rows_stays_one_figure(asker: Asker) -> None:
    assert [v for _, v in _figures(asker, "平潭2023年行政处罚和行政许可加起来")] == [3959]


def test_a_part_not_answered_is_named_beside_the_one_answered(asker: Asker) -> None:
    answer = asker.answer("平潭2023年申请数和2020年行政复议各是多少")
    assert [v for _, v in _figures(asker, answer.question)] == [81]
    assert "没有回答" in answer.text and "2020年行政复议" in answer.text
