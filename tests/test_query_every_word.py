"""Every word of a question must be satisfied by the answer: the place and the agency named, the
row and the column, and any word that names something else. Cases written from the report texts
(samples/); figures read from the documents, asked of the store built from them.

A case is (question, expected): a figure as (agency, year, key, value), or REFUSE / ASK, which
mean no figure at all — a refusal, or a question back with choices.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from query import Answer, Asker
from store.reader import StoreReader
from tests.fixtures_query import make_asker

REFUSE = "refuse"
ASK = "ask"
JINAN = "六安市金安区数据资源管理局"
PINGTAN = "平潭综合实验区"
HONGZE = "淮安市洪泽区人民政府"
HUAIAN = "淮安市人民政府"
SHANGHAI = "上海市人民政府办公厅"
AFTER = "litigation.after_review."
DIRECT = "litigation.direct."
Figure = tuple[str, int, str, float]


@pytest.fixture(scope="module")
def store_asker(sample_store: Engine) -> Asker:
    return make_asker(StoreReader(sample_store))


def check(answer: Answer, expected: Figure | str) -> None:
    figures = [a for a in answer.answers if a.value is not None]
    if expected in (REFUSE, ASK):
        assert figures == [], answer.text
        assert answer.status != "answer", answer.text
        if expected == ASK:
            assert answer.choices, answer.text
        return
    assert isinstance(expected, tuple)
    agency, year, key, value = expected
    assert answer.status == "answer", answer.text
    first = answer.answers[0]
    got = "free" if first.key.startswith("free.") else first.key  # a free fact's number varies
    assert (first.agency, first.year, got) == (agency, year, key), answer.text
    assert first.value == Decimal(str(value)), answer.text


# 1. Another agency answered: an unloaded level or place is refused or asked, never answered
# with an agency below it or beside it.
ANOTHER_AGENCY: list[tuple[str, Figure | str]] = [
    ("六安市2020年收到多少政府信息公开申请", REFUSE),  # only a district bureau of 六安 is loaded
    ("六安市数据资源管理局2020年新收申请", REFUSE),  # a city bureau is not the district's
    ("安徽省数据资源管理局2020年申请数量", REFUSE),
    ("福州市2023年收到多少申请", REFUSE),  # 福州 contains 平潭; its own report is not loaded
    ("福建省2025年行政复议多少件", REFUSE),
    ("江苏省2024年行政诉讼总计", REFUSE),  # a province is neither 淮安市 nor 洪泽区
    ("江苏省人民政府2024年申请数量", REFUSE),
    ("淮安市数据局2024年申请", REFUSE),
    ("上海市人民政府2019年新收申请数量", REFUSE),  # only its 办公厅's report is loaded
    ("南京市2024年申请数量", REFUSE),
    ("合肥市2020年申请数量", REFUSE),
    # the agency's own place still answers
    ("金安区数据资源管理局2020年舆情回应多少条", (JINAN, 2020, "text.opinion_responses", 91)),
    ("六安市金安区数据局2020年其他方式发布信息", (JINAN, 2020, "text.other_channels", 239)),
    ("淮安市2024年行政复议总计", (HUAIAN, 2024, "review.total", 351)),
    ("淮安市洪泽区2024年新收申请", (HONGZE, 2024, "apply.new.total", 95)),
    ("江苏省淮安市2024年新收申请", (HUAIAN, 2024, "apply.new.total", 3119)),
    ("福建省平潭综合实验区2025年新收申请", (PINGTAN, 2025, "apply.new.total", 154)),
]


@pytest.mark.parametrize(("question", "expected"), ANOTHER_AGENCY)
def test_another_agency_is_never_answered(
    store_asker: Asker, question: str, expected: Figure | str
) -> None:
    check(store_asker.answer(question), expected)


# 2. Words that name no field: the partly matching cell is never the answer.
NO_SUCH_FIELD: list[tuple[str, Figure | str]] = [
    ("平潭2023年申请人满意度是多少", REFUSE),
    ("平潭2023年依申请公开平均答复天数", REFUSE),
    ("淮安市2024年依申请公开按时答复率", REFUSE),
    ("上海市政府办公厅2019年申请的办理满意率", REFUSE),
    ("淮安市2024年政务新媒体的粉丝数", REFUSE),
    ("洪泽区2024年申请人的平均年龄", REFUSE),
    ("平潭2025年行政复议的办理时长", REFUSE),
    ("平潭2023年议案提案办理了多少", REFUSE),  # the 2023 report states no 议案提案 figure
    ("淮安市2024年建议提案办理了多少件", REFUSE),
    # a field with words that only say more about it still answers
    ("平潭2025年一共收到了多少件申请", (PINGTAN, 2025, "apply.new.total", 154)),
    ("麻烦查下洪泽区2023年新收的申请有几件", (HONGZE, 2023, "apply.new.total", 21)),
    ("淮安市2024年表里填的行政复议总计", (HUAIAN, 2024, "review.total", 351)),
]


@pytest.mark.parametrize(("question", "expected"), NO_SUCH_FIELD)
def test_words_naming_no_field_get_no_cell(
    store_asker: Asker, question: str, expected: Figure | str
) -> None:
    answer = store_asker.answer(question)
    check(answer, expected)
    if expected == REFUSE:
        assert "没有" in answer.text


# 3. 表四 and （六）其他处理 as people say them.
ROW_PARAPHRASES: list[tuple[str, Figure | str]] = [
    ("平潭2025年经过复议以后又起诉的案子维持了几件", (PINGTAN, 2025, AFTER + "upheld", 3)),
    ("平潭2025年复议后又起诉的有多少", (PINGTAN, 2025, AFTER + "total", 3)),
    ("平潭2025年复议后起诉的案子纠正了几件", (PINGTAN, 2025, AFTER + "corrected", 0)),
    ("平潭2023年复议之后又去法院起诉的有几件", (PINGTAN, 2023, AFTER + "total", 2)),
    ("平潭2025年没经过复议直接去法院的有几件", (PINGTAN, 2025, DIRECT + "total", 6)),
    ("平潭2023年没有经过复议直接起诉的案子维持了多少", (PINGTAN, 2023, DIRECT + "upheld", 4)),
    ("平潭2023年其他处理里的3.其他有几件", (PINGTAN, 2023, "result.other.misc.total", 1)),
    ("平潭2025年其他处理中其他那一项是多少", (PINGTAN, 2025, "result.other.misc.total", 1)),
    ("平潭2025年其他处理 其他申请人", (PINGTAN, 2025, "result.other.other", 0)),
    ("平潭2025年行政复议维持了几件", (PINGTAN, 2025, "review.upheld", 25)),
]


@pytest.mark.parametrize(("question", "expected"), ROW_PARAPHRASES)
def test_rows_of_table_four_as_people_say_them(
    store_asker: Asker, question: str, expected: Figure | str
) -> None:
    check(store_asker.answer(question), expected)


# 5. Words that name two different things: asked back, never one of them answered.
AMBIGUOUS: list[tuple[str, Figure | str]] = [
    ("平潭2025年收费多少", ASK),  # 表二 行政事业性收费 or 正文 信息处理费
    ("淮安市2024年收了多少钱", ASK),
    ("平潭2023年公开了多少", ASK),  # 主动公开 (正文) or 表三 予以公开
    ("上海市政府办公厅2019年规章有多少", ASK),  # 2019: 新制作 / 新公开 / 对外公开总数
    ("上海市政府办公厅2019年规范性文件多少件", ASK),
    ("平潭2025年政务新媒体有多少个", REFUSE),  # only 关停…政务新媒体2个 is stated
    ("洪泽区2024年政务新媒体有多少个", REFUSE),
    # said exactly, they answer
    ("平潭2025年行政事业性收费金额", (PINGTAN, 2025, "proactive.fees.amount", 4166.241619)),
    ("平潭2023年予以公开多少件", (PINGTAN, 2023, "result.public.total", 22)),
    ("上海市政府办公厅2019年规章新制作了几件", (SHANGHAI, 2019, "proactive.rules.made", 13)),
    ("淮安市2024年政务新媒体有多少个", (HUAIAN, 2024, "text.new_media", 95)),
    ("平潭2025年关停了几个政务新媒体", (PINGTAN, 2025, "free", 2)),
]


@pytest.mark.parametrize(("question", "expected"), AMBIGUOUS)
def test_words_naming_two_things_are_asked_back(
    store_asker: Asker, question: str, expected: Figure | str
) -> None:
    check(store_asker.answer(question), expected)
