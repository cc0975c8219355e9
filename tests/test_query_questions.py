"""The question set: staff- and citizen-style questions over the gold reports, scored top-1."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from query import Asker
from tests.fixtures_query import load_questions, make_asker, run_question_set

log = logging.getLogger(__name__)

ACCURACY = 0.97


def test_question_set_is_large_and_covers_every_intent() -> None:
    questions = load_questions()
    assert len(questions) >= 200
    intents = {q.get("intent") for q in questions}
    assert intents >= {
        "value",
        "series",
        "compare",
        "rank",
        "total",
        "overview",
        "checks",
        "availability",
        "help",
    }
    assert {q["status"] for q in questions} == {"answer", "no_data", "not_understood"}


def test_top1_accuracy_on_the_question_set(asker: Asker) -> None:
    results = run_question_set(asker, load_questions())
    wrong = [(q["q"][:40], problems) for q, problems in results if problems]
    accuracy = 1 - len(wrong) / len(results)
    print(f"\nquestion set: {len(results) - len(wrong)}/{len(results)} right ({accuracy:.1%})")
    for question, problems in wrong:
        print(f"  ✗ {question!r}: {'; '.join(problems)}")
    assert accuracy >= ACCURACY


def test_questions_without_an_answer_in_the_data_never_get_a_value(asker: Asker) -> None:
    unanswerable = [q for q in load_questions() if q["status"] != "answer"]
    assert len(unanswerable) >= 25
    for question in unanswerable:
        answer = asker.ask(question["q"])
        assert answer.status in ("no_data", "not_understood"), question["q"]
        assert all(item.value is None for item in answer.answers), question["q"]


def test_question_set_on_the_store_built_from_the_sample_files(sample_store: Engine) -> None:
    """The same questions against the real database: parsing, storage and reading together."""
    from store.reader import StoreReader

    results = run_question_set(make_asker(StoreReader(sample_store)), load_questions())
    wrong = [(q["q"][:40], problems) for q, problems in results if problems]
    accuracy = 1 - len(wrong) / len(results)
    print(
        f"\nquestion set on the store: {len(results) - len(wrong)}/{len(results)} ({accuracy:.1%})"
    )
    for question, problems in wrong:
        print(f"  ✗ {question!r}: {'; '.join(problems)}")
    assert not [p for _, p in wrong if any("without an answer" in x for x in p)]
    assert accuracy >= ACCURACY
