"""Each format's extractor: sniffing and decoding, generated .docx/HTML/PDF reports that must give
the printed rows, and the quirks of the real HTML and PDF samples."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from reportlab.pdfgen import canvas

from parsers.detect import decode, sniff
from parsers.doc import UNREADABLE, UNSUPPORTED, antiword_document, doc_document
from parsers.document import Document
from parsers.extract import extract
from parsers.html import html_document
from parsers.model import ParseError
from parsers.pdf import MAX_PAGES
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document
from tests.helpers.make_docs import Cell as MakeCell
from tests.helpers.make_docs import (
    ReportSpec,
    jinan_spec,
    pingtan_2023_spec,
    printed_rows,
    to_docx,
    to_html,
    to_pdf,
)

GOLD = load_gold()
SPECS: dict[str, Callable[[dict[str, dict[str, Any]]], ReportSpec]] = {
    "jinan_2019_template": jinan_spec,
    "pingtan_2021_template": pingtan_2023_spec,
}
RENDERERS: dict[str, Callable[[ReportSpec], bytes]] = {
    "html": to_html,
    "docx": to_docx,
    "pdf": to_pdf,
}


@pytest.fixture(scope="module")
def generated() -> dict[tuple[str, str], bytes]:
    """Every spec rendered in every format once per module (PDF building takes a moment)."""
    return {
        (spec_name, fmt): render(make(GOLD))
        for spec_name, make in SPECS.items()
        for fmt, render in RENDERERS.items()
    }


# --- sniffing and decoding -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
        (b"<!DOCTYPE html><html><body><p>\xe5\xb9\xb4\xe6\x8a\xa5</p></body></html>", "html"),
        ("<table><tr><td>规章</td></tr></table>".encode(), "html"),
        ("2020年政府信息公开工作年度报告\n规章\t0\t0\t0\n".encode(), "text"),
        ("2020年政府信息公开工作年度报告".encode("gb18030"), "text"),
    ],
    ids=["pdf", "ole2-doc", "html-doctype", "html-fragment", "utf8-text", "gbk-text"],
)
def test_format_is_sniffed_from_content(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


def test_a_zip_with_word_document_xml_is_docx_and_any_other_zip_is_refused() -> None:
    def make_zip(name: str) -> bytes:
        out = BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(name, "<x/>")
        return out.getvalue()

    assert sniff(make_zip("word/document.xml")) == "docx"
    with pytest.raises(ParseError, match="不是 Word"):
        sniff(make_zip("data/report.csv"))


@pytest.mark.parametrize(
    ("data", "html"),
    [
        ("\ufeff年度报告：规章13件".encode(), False),
        ("年度报告：规章13件".encode("gbk"), False),
        ("年度报告：规章13件".encode("gb2312"), False),
        ("年度报告：规章13件".encode("gb18030"), False),
        ("年度报告：规章13件".encode("utf-16"), False),
        (b"<meta charset='gb2312'><p>" + "年度报告：规章13件".encode("gb2312") + b"</p>", True),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">'
            + "年度报告：规章13件".encode("gbk"),
            True,
        ),
    ],
    ids=["utf8-bom", "gbk", "gb2312", "gb18030", "utf16-bom", "meta-gb2312", "meta-http-equiv"],
)
def test_chinese_text_decodes_in_every_common_encoding(data: bytes, html: bool) -> None:
    assert "年度报告：规章13件" in decode(data, html=html)


def test_binary_garbage_is_not_taken_for_text() -> None:
    garbage = bytes(range(256)) * 64
    with pytest.raises(ParseError, match="无法识别的文件格式"):
        extract(garbage)


# --- generated documents ---------------------------------------------------------------------
@pytest.mark.parametrize("fmt", RENDERERS)
@pytest.mark.parametrize("spec_name", SPECS)
def test_generated_document_gives_the_printed_rows(
    generated: dict[tuple[str, str], bytes], spec_name: str, fmt: str
) -> None:
    document = extract(generated[spec_name, fmt])
    assert document.format == fmt
    assert document.rows == printed_rows(SPECS[spec_name](GOLD))


@pytest.mark.parametrize("fmt", RENDERERS)
def test_generated_document_text_keeps_title_and_prose_in_order(
    generated: dict[tuple[str, str], bytes], fmt: str
) -> None:
    text = extract(generated["jinan_2019_template", fmt]).text
    lines = text.replace(" ", "").split("\n")  # PDF words carry no space between 2020 and 年
    assert lines[:2] == [
        "六安市金安区数据资源管理局（政务服务管理局）",
        "2020年政府信息公开工作年度报告",
    ]
    order = [
        text.index(h) for h in ("一、总体情况", "二、主动公开", "第二十条第（九）项", "五、存在")
    ]
    assert order == sorted(order)


def test_html_page_chrome_and_scripts_stay_out_of_the_text(
    generated: dict[tuple[str, str], bytes],
) -> None:
    text = extract(generated["pingtan_2021_template", "html"]).text
    assert text.split("\n")[0] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert "首页" not in text
    assert "网站标识码" not in text
    assert "var x" not in text


def test_gbk_page_with_meta_charset_parses_like_utf8() -> None:
    spec = pingtan_2023_spec(GOLD)
    assert extract(to_html(spec, encoding="gbk")).rows == printed_rows(spec)


# --- the real HTML samples -------------------------------------------------------------------
def real(name: str) -> Document:
    return extract(document(name).read_bytes())


def test_shanghai_html_keeps_blank_cells_units_and_joins_broken_header_words() -> None:
    rows = real("shanghai_gov_office_2019.html").rows
    assert ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"] in rows
    assert ["规章", "13", "13", "524"] in rows
    assert ["政府集中采购", "6", "251000元"] in rows
    assert ["三、本年度办理结果", "（一）予以公开", "258", "12", "", "", "1", "1", ""] in rows
    assert rows[-1] == ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]


def test_pingtan_html_body_is_found_amid_site_chrome() -> None:
    document = real("pingtan_2023.html")
    lines = document.text.split("\n")
    assert lines[:2] == [
        "平潭综合实验区2023年度政府信息公开工作年度报告",
        "发布日期：2024-03-08 15:34",
    ]
    assert lines[-1] == "2023年，无收取信息处理费情况。"
    assert len(document.rows) == 46
    assert ["行政事业性收费", "5949.088667"] in document.rows
    assert document.rows[-1] == [
        "1", "1", "0", "0", "2", "4", "0", "0", "1", "5", "1", "0", "1", "0", "2",
    ]  # fmt: skip


def test_nested_layout_tables_do_not_swallow_the_report() -> None:
    inner = to_html(pingtan_2023_spec(GOLD), chrome=False).decode()
    page = f"<html><body><table><tr><td>导航</td><td>{inner}</td></tr></table></body></html>"
    document = html_document(page)
    assert document.rows == printed_rows(pingtan_2023_spec(GOLD))
    assert "导航" not in document.text


def test_absurd_colspan_is_bounded() -> None:
    document = html_document(
        "<table><tr><td colspan='99999999'>第二十条第（一）项</td></tr>"
        "<tr><td rowspan='99999999'>规章</td><td>1</td></tr><tr><td>2</td></tr></table>"
    )
    assert document.rows == [["第二十条第（一）项"], ["规章", "1"], ["规章", "2"]]


# --- the real PDF samples --------------------------------------------------------------------
def test_huaian_pdf_reads_litigation_columns_in_printed_order() -> None:
    rows = real("huaian_city_2024.pdf").rows
    assert rows[-1] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20",
    ]  # fmt: skip
    assert rows[-2][5:10] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_pdf_table_continued_on_next_page_keeps_its_group_labels() -> None:
    rows = real("huaian_city_2024.pdf").rows
    assert ["三、本年度办理结果", "（七）总计", "2932", "53", "0", "0", "61", "4", "3050"] in rows
    # 无法提供 wraps over the page break as "（四）无" | "法提供": joined on both pages.
    cut = [row[:3] for row in rows if len(row) == 10 and "无" in row[1]]
    assert cut == [
        ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"],
        ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"],
        ["三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"],
    ]
    assert ["四、结转下年度继续办理", "103", "0", "0", "0", "0", "0", "103"] in rows


def test_white_cell_backgrounds_do_not_split_merged_pdf_cells() -> None:
    rows = real("hongze_district_2023.pdf").rows
    assert ["三、本年度办理结果", "（六）其他处理", "0", "0", "0", "0", "0", "0", "0"] in rows
    assert ["行政复议", "行政诉讼"] in rows
    assert ["信息内容", "本年处理决定数量"] in rows  # the row whose top rule is on page 2


def test_pdf_text_is_in_reading_order_with_title_first() -> None:
    text = real("huaian_city_2024.pdf").text
    assert text.split("\n")[:2] == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    assert "全市共受理政府信息公开申请3119件" in text.replace("\n", "")


# --- legacy .doc -----------------------------------------------------------------------------
def test_doc_without_antiword_asks_for_docx_or_pdf(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ParseError) as err:
        doc_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert str(err.value) == UNSUPPORTED


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_damaged_doc_with_antiword_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(ParseError) as err:
        doc_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert str(err.value) == UNREADABLE


def test_antiword_table_rows_become_document_rows() -> None:
    output = "2020年政府信息公开工作年度报告\n\n|信息内容  |本年新制作数量|\n|规章  |0  |\n"
    document = antiword_document(output)
    assert document.rows == [["信息内容", "本年新制作数量"], ["规章", "0"]]
    assert document.text == "2020年政府信息公开工作年度报告\n信息内容\t本年新制作数量\n规章\t0"


def test_pdf_tables_drawn_without_rules_are_read_from_word_gaps() -> None:
    rows = extract(to_pdf(pingtan_2023_spec(GOLD), ruled=False)).rows
    assert ["行政规范性文件", "77", "132", "470"] in rows
    assert ["一、本年新收政府信息公开申请数量", "80", "1", "0", "0", "0", "0", "81"] in rows
    assert ["4.保护第三方合法权益", "1", "0", "0", "0", "0", "0", "1"] in rows
    assert rows[-1] == ["1", "1", "0", "0", "2", "4", "0", "0", "1", "5", "1", "0", "1", "0", "2"]


def test_pdf_with_more_pages_than_any_report_is_refused() -> None:
    out = BytesIO()
    page = canvas.Canvas(out)
    for _ in range(MAX_PAGES + 1):
        page.drawString(72, 700, "page")
        page.showPage()
    page.save()
    with pytest.raises(ParseError, match=f"PDF 页数过多（{MAX_PAGES + 1} 页）"):
        extract(out.getvalue())


def test_xhtml_with_xml_declaration_is_parsed() -> None:
    page = to_html(pingtan_2023_spec(GOLD), chrome=False).decode()
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + page.replace("<!DOCTYPE html>", "")
    assert extract(xhtml.encode()).rows == printed_rows(pingtan_2023_spec(GOLD))


@pytest.mark.parametrize("fmt", RENDERERS)
def test_wrapped_label_joins_but_numbers_on_separate_lines_stay_apart(fmt: str) -> None:
    table = [[MakeCell("本年新\n制作数量"), MakeCell("13\n524"), MakeCell("2.其他法律\n行政法规")]]
    spec = ReportSpec(title=["报告"], template="2021", figures={}, tables=[("表", table)])
    assert extract(RENDERERS[fmt](spec)).rows == [
        ["本年新制作数量", "13 524", "2.其他法律行政法规"]
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"<meta charset='gb2312'><p>" + "年度报告：规章13件".encode() + b"</p>",
        b"<meta charset='iso-8859-1'><p>" + "年度报告：规章13件".encode("gbk") + b"</p>",
        b"<meta charset='no-such-codec'><p>" + "年度报告：规章13件".encode("gbk") + b"</p>",
    ],
    ids=["utf8-declared-gb2312", "gbk-declared-latin1", "unknown-codec"],
)
def test_mislabelled_pages_still_decode(data: bytes) -> None:
    assert "年度报告：规章13件" in decode(data, html=True)


def test_docx_body_inside_a_content_control_is_read_and_deleted_text_is_not() -> None:
    spec = pingtan_2023_spec(GOLD)
    word = docx.Document(BytesIO(to_docx(spec)))
    body = word.element.body
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(content)
    for child in [c for c in body if c.tag != qn("w:sectPr")]:
        content.append(child)
    body.insert(0, sdt)
    deleted = parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="x" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:delText>已删除的999件</w:delText></w:r></w:del>"
    )
    content[0].append(deleted)
    out = BytesIO()
    word.save(out)
    document = extract(out.getvalue())
    assert document.rows == printed_rows(spec)
    assert document.text.split("\n")[0] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert "999" not in document.text
