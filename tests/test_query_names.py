"""Names and words as people type them: offices the data lacks, department reports, relative
years, invisible characters, spaced-out names, how-to questions."""

from __future__ import annotations

import pytest

from query import Asker


def test_an_office_the_data_lacks_is_never_answered_with_another_agency(asker: Asker) -> None:
    """上海市科委 has no report loaded; 上海市人民政府办公厅 is not it."""
    answer = asker.ask("上海市科委2019年行政复议")
    assert answer.status == "no_data" and answer.answers == []
    assert "科委" in answer.text


def test_a_district_that_is_not_loaded_is_not_its_city(asker: Asker) -> None:
    answer = asker.ask("淮安区人民政府2024年申请数")  # 淮安市淮安区, not 淮安市
    assert answer.status == "no_data" and answer.answers == []


def test_a_department_report_for_a_region_is_said_to_be_the_departments(asker: Asker) -> None:
    answer = asker.ask("金安区 2020 申请数量")
    assert answer.answers[0].agency == "六安市金安区数据资源管理局"
    assert (
        "这是六安市金安区数据资源管理局（部门）的年报数字，不是金安区人民政府的年报" in answer.text
    )
    assert "（部门）" not in asker.ask("淮安市 2024 申请数量").text


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("平潭 上一年度 申请数量", 2025),  # today is 2026-06-01 in the tests
        ("平潭 上年 申请数量", 2025),
        ("平潭2025年的上一年度申请数量", 2024),
        ("上海市政府办公厅2019年的下一年申请数量", 2020),
        ("金安区数据局去年主动公开了多少（今年是2021年）", 2020),
    ],
)
def test_relative_years(asker: Asker, question: str, year: int) -> None:
    answer = asker.ask(question)
    years = [a.year for a in answer.answers] + [c.year for c in answer.choices]
    if answer.status == "answer":
        assert answer.answers[0].year == year
    else:  # no report for that year: said, and never another year's figure
        assert f"{year} 年度" in answer.text and answer.answers == [], years


def test_field_words_with_shang_nian_stay_fields(asker: Asker) -> None:
    answer = asker.ask("淮安市2024年上年结转政府信息公开申请数量")
    assert (answer.answers[0].key, answer.answers[0].year) == ("apply.carried_in.total", 2024)


@pytest.mark.parametrize(
    "question",
    ["平\u200b潭2023年予以公开多少件", "平潭\ufeff2023年予以公开多少件", "平 潭 2023 予以公开"],
    ids=["zero-width-space", "bom", "spaced-out"],
)
def test_invisible_characters_and_spaced_out_names_still_match(
    asker: Asker, question: str
) -> None:
    answer = asker.ask(question)
    assert (answer.answers[0].agency, answer.answers[0].json_value()) == ("平潭综合实验区", 22)


@pytest.mark.parametrize(
    ("question", "intent", "needle"),
    [
        ("列出所有单位", "availability", "平潭综合实验区"),
        ("有哪些单位", "availability", "淮安市人民政府"),
        ("怎么上传年报", "help", "bot.py ingest"),
        ("如何导出数据", "help", "bot.py export"),
        ("我想把平潭的数据导出成Excel怎么弄", "help", "bot.py export"),
        ("怎么订阅年报截止提醒", "help", "/subscribe"),
    ],
)
def test_lists_and_how_to_questions(asker: Asker, question: str, intent: str, needle: str) -> None:
    answer = asker.ask(question)
    assert (answer.status, answer.intent) == ("answer", intent)
    assert needle in answer.text


def test_a_sound_alike_slip_in_a_field_is_read_and_another_word_is_not(asker: Asker) -> None:
    assert asker.ask("淮安 2024 申清数量").answers[0].key == "apply.new.total"  # 清/请 qing
    assert asker.ask("淮安 2024 申情数").answers[0].key == "apply.new.total"  # 3 characters
    staff = asker.ask("淮安市政府2024年行政编制多少人")  # 编 bian is not 强 qiang
    assert staff.status == "no_data" and staff.answers == []


def test_rows_of_two_tables_named_together_are_asked_back(asker: Asker) -> None:
    """行政许可收费: the 许可 decisions or the 收费 amount? Never one of them guessed."""
    answer = asker.ask("平潭2021年行政许可收费多少")
    assert answer.status == "choose" and answer.answers == []
    assert {c.key for c in answer.choices} == {"proactive.permit", "proactive.fees"}
