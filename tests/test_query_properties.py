"""Hypothesis properties of the question layer (RapidFuzz's test_hypothesis.py style)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.fields import FIELDS, template_fields
from query import Asker
from query.catalog import key_for
from query.fieldmatch import match_field
from query.memory import MemoryReport, MemorySource
from query.normalize import normalize
from query.source import AgencyInfo, FigureInfo, ReportInfo
from query.years import extract_years
from tests.fixtures_query import TODAY, load_questions, make_asker

ALL_KEYS = frozenset(FIELDS)
NOISE = ("请问", "麻烦", "帮我查一下", "谢谢", "呢", "？", "!", "的", "一下", "急", "老师好，")
CONFIDENT = [  # single-value questions the set expects answered: noise must not change them
    q for q in load_questions() if q["status"] == "answer" and q["intent"] == "value"
]


@given(st.sampled_from(sorted(FIELDS)))
def test_template_label_of_every_key_resolves_to_that_key(key: str) -> None:
    _, rest = extract_years(normalize(FIELDS[key].label), today=TODAY)
    match = match_field(rest)
    assert match is not None and match.exact
    assert key_for(match.row, match.column, ALL_KEYS) == key


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(CONFIDENT),
    st.lists(st.sampled_from(NOISE), min_size=1, max_size=3),
    st.lists(st.sampled_from(NOISE), max_size=2),
)
def test_noise_words_do_not_change_a_confident_answer(
    asker: Asker, question: dict[str, object], before: list[str], after: list[str]
) -> None:
    plain = asker.ask(str(question["q"]))
    noisy = asker.ask("".join(before) + str(question["q"]) + "".join(after))
    assert noisy.status == plain.status
    assert [a.to_json() for a in noisy.answers] == [a.to_json() for a in plain.answers]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_reply_without_crashing(asker: Asker, text: str) -> None:
    answer = asker.answer(text)  # below `ask`'s catch-all: a crash fails the test
    assert answer.status in ("answer", "choose", "no_data", "not_understood")
    assert answer.text
    if answer.status != "answer":
        assert all(item.value is None for item in answer.answers)


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def _full_source() -> MemorySource:
    """One agency with every cell of both templates, numbered so each key has its own value."""
    agency = AgencyInfo(1, "示例市人民政府", (), "示例省示例市", level="government")
    reports = []
    for year, template in ((2020, "2019"), (2022, "2021")):
        keys = [f.key for f in template_fields(template)]  # type: ignore[arg-type]
        figures = {k: FigureInfo(k, Decimal(i), FIELDS[k].unit) for i, k in enumerate(keys)}
        info = ReportInfo(1, year, f"示例市{year}年报", f"{year}.txt", "text", template)
        reports.append(MemoryReport(agency, info, figures))
    return MemorySource(reports)


FULL = make_asker(_full_source())


@given(
    st.sampled_from(
        [(2020, f.key) for f in template_fields("2019")]
        + [(2022, f.key) for f in template_fields("2021")]
    )
)
def test_asking_with_the_template_label_answers_that_cell(year_key: tuple[int, str]) -> None:
    year, key = year_key
    answer = FULL.ask(f"示例市 {year} {FIELDS[key].label}")
    assert answer.status == "answer"
    assert answer.answers[0].key == key
