"""The one acceptance rule (parsers/accept.py): what parse, /check, upload and ingest refuse, each
with the same Chinese sentence naming what is wrong, and nothing stored."""

from __future__ import annotations

import random
import re
from io import BytesIO

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table
from sqlalchemy import Engine

from parsers import ParseError, parse_bytes
from parsers.accept import MAX_COUNT
from services import Services
from store.schemas import InvalidReport, validate_report
from tests.fixtures_store import dump, make_report
from tests.helpers.documents import document
from tests.helpers.make_docs import cjk_font
from tests.helpers.text_forms import pdftotext

JINAN = document("luan_jinan_data_bureau_2020.txt").read_text("utf-8")
ASCII_WORDS = re.compile(r"[A-Za-z]{4,}")  # English words (pydantic's "Value error", "String")


def junk_pdf(pages: int = 80) -> bytes:
    """Pages of ruled tables holding the characters of the template's words, scrambled, and
    empty cells: what a scanner's broken text layer or a form generator gives."""
    rng = random.Random(14)
    chars = list("平潭综合实验区申请人情况政府信息公开行政复议诉讼结果维持纠正其他尚未审结")
    words = ["行政复议", "予以公开", "行政许可"]  # a few real row words, as junk may hold
    font = cjk_font()
    style = ParagraphStyle("junk", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    story: list[object] = [
        Paragraph("平潭申综请合人实情验况区2023年政府信息公开工作年度报告", style)
    ]
    for page in range(pages):
        rows = [
            [
                ("".join(rng.sample(chars, rng.randint(2, 6))) + rng.choice(["", *words]))
                if c == 0
                else rng.choice(["", "", "/"])
                for c in range(6)
            ]
            for _ in range(12)
        ]
        cells = [[Paragraph(text, style) if text else "" for text in row] for row in rows]
        story.append(Table(cells, style=[("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        if page < pages - 1:
            story.append(PageBreak())
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(ParseError) as raised:
        parse_bytes(data)
    message = str(raised.value)
    assert ASCII_WORDS.search(message) is None, message
    return message


def check_and_upload_agree(engine: Engine, data: bytes, message: str) -> None:
    """/check and upload give the parser's refusal, and upload stores nothing."""
    services = Services(engine)
    before = dump(engine)
    checked = services.check_upload(data, "x.txt")
    uploaded = services.ingest_upload(data, "x.txt")
    assert checked.error == uploaded.error == message
    assert checked.report is None and uploaded.outcome is None
    assert dump(engine) == before


@pytest.fixture(scope="module")
def junk() -> bytes:
    return junk_pdf()


def test_junk_pdf_of_ruled_tables_is_no_report(junk: bytes) -> None:
    """Rows match (行政复议…) with blank cells: once stored as a report with 0 values."""
    assert refused(junk) == (
        "无法作为年报入库：只找到 3 个年报模板的行名（至少应有 8 个），这似乎不是一份年报"
        "；表格中没有任何数字，这似乎不是一份年报"
    )


def test_junk_pdf_is_refused_alike_by_check_and_upload(engine: Engine, junk: bytes) -> None:
    check_and_upload_agree(engine, junk, refused(junk))


def with_cell(text: str, label: str, value: str) -> str:
    """The report text with the first number of the row `label` replaced by `value`."""
    pattern = re.compile(rf"({re.escape(label)}[^\n]*?\t)0(\t)")
    changed, n = pattern.subn(rf"\g<1>{value}\g<2>", text, count=1)
    assert n == 1
    return changed


def test_a_value_no_report_prints_is_refused_naming_the_cell(engine: Engine) -> None:
    data = with_cell(JINAN, "本年新收政府信息公开申请数量", str(10**30)).encode()
    message = refused(data)
    assert message.startswith("无法作为年报入库：表三 一、本年新收政府信息公开申请数量 · ")
    assert "超出合理范围（应小于 10 亿件）" in message
    check_and_upload_agree(engine, data, message)


def test_the_bound_is_just_above_what_reports_print() -> None:
    ok = parse_bytes(with_cell(JINAN, "本年新收政府信息公开申请数量", str(MAX_COUNT - 1)).encode())
    assert MAX_COUNT - 1 in ok.figures.values()
    refused(with_cell(JINAN, "本年新收政府信息公开申请数量", str(MAX_COUNT)).encode())


def excerpt(text: str, title: str) -> str:
    """A pasted excerpt of the 洪泽 report: a new title line, the tables, no opening sentences
    (which would name the agency)."""
    start = text.index("二、主动公开政府信息情况")
    return f"{title}\n{text[start:]}"


HONGZE = pdftotext(document("hongze_district_2023.pdf"), "-layout")


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("本年度报告根据条例编制2023年政府信息公开工作年度报告",
         "“本年度报告根据条例编制”不像机关名称"),
        ("关于做好2023年政府信息公开工作年度报告", "“关于做好”不像机关名称"),
        ("洪泽区" + "人民政府所属各有关单位" * 6 + "2023年政府信息公开工作年度报告",
         "不像机关名称"),
    ],
    ids=["body-sentence", "no-agency-word", "too-long"],
)  # fmt: skip
def test_a_title_that_names_no_agency_is_refused(engine: Engine, title: str, said: str) -> None:
    data = excerpt(HONGZE, title).encode()
    message = refused(data)
    assert said in message, message
    check_and_upload_agree(engine, data, message)


def test_the_same_excerpt_with_an_agency_title_is_a_report() -> None:
    report = parse_bytes(excerpt(HONGZE, "洪泽区人民政府2023年政府信息公开工作年度报告").encode())
    assert (report.agency, report.year) == ("洪泽区人民政府", 2023)
    assert report.cells["result.unable.no_info.total"].value == 10


def test_a_year_before_the_regulation_is_refused() -> None:
    message = refused(excerpt(HONGZE, "洪泽区人民政府1998年政府信息公开工作年度报告").encode())
    assert "报告年度 1998 年不合理" in message


def test_what_the_store_refuses_it_says_in_chinese_naming_the_field() -> None:
    with pytest.raises(InvalidReport) as raised:
        validate_report(make_report(agency="某" * 250 + "局"))
    assert str(raised.value) == "解析结果无法入库：机关名称：超过 200 个字符"
    with pytest.raises(InvalidReport) as raised:
        validate_report(make_report(values={"apply.new.natural": 10**30}))
    message = str(raised.value)
    assert message.startswith(
        "解析结果无法入库：表格：表三 一、本年新收政府信息公开申请数量 · 自然人"
    )
    assert ASCII_WORDS.search(message.replace("apply.new.natural", "")) is None
