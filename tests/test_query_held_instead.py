"""A name that is not the agency held (区府办, 市政府, 综改区) is offered the report held for
its place as a question back, saying whose report it is; never answered, never another place."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from store.reader import StoreReader
from tests.fixtures_query import make_asker


@pytest.mark.parametrize(
    ("question", "held"),
    [
        ("洪泽区府办2024年新收申请多少件", "淮安市洪泽区人民政府"),
        ("洪泽区区政府办2023年的行政复议", "淮安市洪泽区人民政府"),
        ("淮安市政府办公室2024年政策解读多少个", "淮安市人民政府"),
        ("上海市人民政府2019年行政诉讼几件", "上海市人民政府办公厅"),
        ("平潭综改区2023年行政处罚多少", "平潭综合实验区"),
    ],
)
def test_the_report_held_is_offered_not_answered(
    sample_store: Engine, question: str, held: str
) -> None:
    answer = make_asker(StoreReader(sample_store)).answer(question)
    assert answer.status == "choose" and not answer.answers
    assert [c.agency for c in answer.choices] == [held]
    assert held in answer.text


def test_a_bureau_is_never_offered_for_the_government(sample_store: Engine) -> None:
    """金安区政府: only 金安区数据资源管理局's report is held, which is not offered."""
    answer = make_asker(StoreReader(sample_store)).answer("金安区政府2020年收到多少申请")
    assert answer.status == "no_data" and not answer.answers
    assert "收录的是" not in answer.text and "数据库里没有“金安区政府”的年报" in answer.text


def test_an_offices_full_name_beside_another_agency_is_that_agency() -> None:
    """示例县人民政府办公室 is an agency of its own: compared with the bureau beside it, never
    read as an office word glued to the place before it."""
    from decimal import Decimal

    from parsers.fields import template_of_year
    from query.memory import MemoryReport, MemorySource
    from query.source import AgencyInfo, FigureInfo, ReportInfo

    region = ("示例省示例市示例县", "示例省", "示例市", "示例县", "department")

    def report(agency_id: int, name: str, value: int) -> MemoryReport:
        agency = AgencyInfo(agency_id, name, (), *region)
        title = f"{name}2023年政府信息公开工作年度报告"
        info = ReportInfo(
            agency_id, 2023, title, f"{agency_id}.pdf", "pdf", template_of_year(2023)
        )
        figure = FigureInfo("apply.new.total", Decimal(value), "件")
        return MemoryReport(agency, info, {"apply.new.total": figure})

    bureau, office = "示例市示例县审计局", "示例市示例县人民政府办公室"
    asker = make_asker(MemorySource([report(1, bureau, 5), report(2, office, 7)]))
    for question in (f"{bureau}和{office}2023年申请数量", f"{bureau} 和 {office} 2023 申请数量"):
        answer = asker.answer(question)
        assert answer.status == "answer", answer.text
        assert [(a.agency, a.json_value()) for a in answer.answers] == [(bureau, 5), (office, 7)]
