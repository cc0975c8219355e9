"""Plain-text reports: the gold figures of the real text files, glued digit runs, robustness."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import main
from parsers import MAX_FILE_BYTES, ParseError, parse_bytes, parse_document, parse_file
from parsers.layout import map_document
from parsers.model import AMBIGUOUS, BLANK, DERIVED, UNIT
from parsers.text import text_document
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document

TEXT_GOLD = {name: entry for name, entry in load_gold().items() if name.endswith(".txt")}

# Gold figures read from outside the document: pingtan_2019's gold took them from the 2020
# report's 上一年项目数量 (see its notes). Inside the 2019 text the runs 898989 / 3960181 /
# 26480430 split several ways, so the parser must offer them as candidates, not pick one.
FROM_OTHER_DOCUMENTS = {
    "pingtan_2019.txt": {
        "proactive.normative.made",
        "proactive.normative.public_total",
        "proactive.permit.decisions",
        "proactive.penalty.decisions",
    }
}


def _parse(name: str) -> Any:
    return parse_file(document(name))


@pytest.mark.parametrize("name", sorted(TEXT_GOLD), ids=sorted(TEXT_GOLD))
def test_text_report_matches_gold(name: str) -> None:
    entry = TEXT_GOLD[name]
    report = _parse(name)
    assert report.format == "text"
    assert report.agency == entry["agency"]
    assert report.year == entry["year"]
    assert report.template == entry["template"]
    assert report.region.name.endswith(entry["region"])
    outside = FROM_OTHER_DOCUMENTS.get(name, set())
    for key, expected in entry["figures"].items():
        cell = report.cells[key]
        if key in outside:
            assert cell.value is None and AMBIGUOUS in cell.flags, key
            assert expected in cell.candidates, key
        else:
            assert cell.value == Decimal(str(expected)), key


def test_jinan_gives_every_printed_cell_and_the_derived_sums() -> None:
    report = _parse("luan_jinan_data_bureau_2020.txt")
    printed = [k for k, c in report.cells.items() if DERIVED not in c.flags]
    derived = [k for k, c in report.cells.items() if DERIVED in c.flags]
    assert len(printed) == 198
    assert len(derived) == 22  # 3 group sums × 7 columns + litigation.total
    assert set(report.figures.values()) == {0}
    amount = report.cells["proactive.procurement.amount"]
    assert (amount.raw, amount.unit, amount.value) == ("0万元", "万元", Decimal(0))
    assert UNIT in amount.flags
    assert report.agency_aliases == ["政务服务管理局"]
    assert report.prose["text.proactive.total"] == 554 and report.prose["apply.new.total"] == 0
    assert not [c for c in report.checks if not c.ok]
    assert report.warnings == []


def test_jinan_shifted_and_padded_rows_land_on_their_keys() -> None:
    doc = text_document(document("luan_jinan_data_bureau_2020.txt").read_text("utf-8"))
    layout = map_document(doc, year=2020)
    # "7.属于行政执法案卷" starts its own line; rows under （四） carry an extra trailing 0.
    assert layout.cells["result.withheld.enforcement_file.total"].raw == "0"
    assert layout.cells["result.unable.no_info.total"].raw == "0"
    assert layout.sections == {"二", "三", "四"}


def test_glued_crawl_text_becomes_label_and_run_rows() -> None:
    doc = text_document(document("pingtan_2021.txt").read_text("utf-8"))
    assert doc.runs_together
    assert doc.rows[0][1] == "000" and doc.rows[0][0].endswith("规章")
    assert ["行政规范性文件", "693665"] in doc.rows
    assert ["（二）部分公开（区分处理的,只计这一情形,不计其他情形）", "500000 5"] in doc.rows
    # The ordinal glued to the end of a run ("00000002.其他…") starts the next label.
    assert ["2.其他法律行政法规禁止公开", "0000000"] in doc.rows
    assert doc.rows[-1][1] == "10203120001200000"


def test_pingtan_2021_glued_runs_split_by_the_tables_arithmetic() -> None:
    report = _parse("pingtan_2021.txt")
    new = [
        report.cells[f"apply.new.{c}"].value for c in ("natural", "nonprofit", "other", "total")
    ]
    assert new == [64, 2, 4, 70]
    # 270020130 alone splits as 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30; column sums decide.
    assert report.cells["result.public.natural"].value == 27
    assert report.cells["result.unable.no_info.natural"].value == 22
    assert report.cells["litigation.direct.upheld"].value == 12


def test_ambiguous_runs_are_offered_not_guessed() -> None:
    report = _parse("pingtan_2021.txt")
    for key in ("proactive.normative.issued", "proactive.normative.valid"):
        cell = report.cells[key]
        assert cell.value is None and AMBIGUOUS in cell.flags
        assert cell.raw == "693665"
    assert report.cells["proactive.normative.issued"].candidates == (6, 69, 693, 6936)
    # The fee row has one cell: "24252.311082" is one number, not a run to split (#14).
    assert report.cells["proactive.fees.amount"].value == Decimal("24252.311082")
    assert "3 个单元格的数字串有多种拆分方式，未取值" in report.warnings


def test_prose_fixes_one_cell_of_a_run_and_a_contradicting_figure_is_dropped() -> None:
    report = _parse("pingtan_2023.txt")
    assert report.cells["proactive.normative.issued"].value == 77  # 制发的规范性文件77件
    valid = report.cells["proactive.normative.valid"]
    assert valid.value is None and valid.candidates == (0, 70, 470, 2470, 32470)
    assert "正文所述 proactive.normative.valid=393 与表格数字串不符，未用于拆分" in report.warnings


def test_procurement_run_in_yuan_is_ambiguous_in_wan() -> None:
    report = _parse("pingtan_2019.txt")
    amount = report.cells["proactive.procurement.amount"]
    assert amount.value is None
    assert Decimal("9.443252") in amount.candidates  # 94432.52元 = 9.443252万元


def test_crlf_full_width_digits_and_nbsp_read_like_plain_text() -> None:
    plain = document("luan_jinan_data_bureau_2020.txt").read_text("utf-8")
    table_start = plain.index("三、收到和处理")
    odd = plain[:table_start] + plain[table_start:].replace("0", "０")
    odd = odd.replace("\n", "\r\n").replace("行政许可\t", "行政许可\u00a0\u00a0")
    report = parse_bytes(odd.encode("utf-8"))
    assert len(report.cells) == 220
    assert report.cells["proactive.permit.decisions"].value == 0
    assert report.cells["apply.new.total"].raw == "0"


def test_space_separated_table_with_blank_marks() -> None:
    lines = [
        "某县人民政府2022年政府信息公开工作年度报告",
        "信息内容    本年制发件数    本年废止件数    现行有效件数",
        "规章    /    —    无",
        "行政规范性文件    3    1    12",
        "行政许可    5",
        "行政事业性收费    12.50",
    ]
    doc = text_document("\n".join(lines))
    layout = map_document(doc, year=2022)
    assert layout.template == "2021"
    rules = [layout.cells[f"proactive.rules.{c}"] for c in ("issued", "repealed", "valid")]
    assert [c.value for c in rules] == [0, 0, 0]
    assert all(BLANK in c.flags for c in rules)
    assert layout.cells["proactive.normative.valid"].value == 12
    assert layout.cells["proactive.fees.amount"].value == Decimal("12.5")


def test_a_row_label_broken_onto_the_line_above_is_joined() -> None:
    text = "一、本年新收政府信息\n公开申请数量\t3\t0\t0\t0\t0\t1\t4\n"
    doc = text_document(text)
    assert doc.rows == [["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "1", "4"]]


def test_prose_without_tables_is_not_a_report() -> None:
    with pytest.raises(ParseError) as err:
        parse_bytes("今天天气很好，我们去公园散步。\n".encode())
    assert str(err.value) == "未找到政府信息公开工作年度报告的表格，这似乎不是一份年报"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1024 * 1024)
    with pytest.raises(ParseError) as err:
        parse_file(big)
    assert str(err.value) == "文件过大（51.0 MB），上限为 50 MB"


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="找不到文件"):
        parse_file(tmp_path / "nope.txt")


def test_cli_parse_json_and_exit_code_for_a_non_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(document("luan_jinan_data_bureau_2020.txt")), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["agency"] == "六安市金安区数据资源管理局"
    assert out["region"] == {"province": "安徽省", "city": "六安市", "county": "金安区"}
    assert len(out["figures"]) == 220
    other = tmp_path / "notes.txt"
    other.write_text("会议纪要\n今天讨论了三件事。\n", encoding="utf-8")
    assert main(["parse", str(other)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "错误：未找到政府信息公开工作年度报告的表格，这似乎不是一份年报"


_LABELS = st.sampled_from(
    ["规章", "行政许可", "一、本年新收政府信息公开申请数量", "（七）总计", "3.其他", "行政复议"]
)
_PIECES = st.one_of(
    st.text(max_size=30),
    _LABELS,
    st.from_regex(r"[0-9 .\-/万元]{1,20}", fullmatch=True),
    st.sampled_from(
        ["\t", "  ", "\n", "\r\n", "（六）其他处理", "第二十条第（一）项", "年度报告"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_arbitrary_text_raises_nothing_but_parse_error(text: str) -> None:
    doc = text_document(text)
    map_document(doc, year=2021)
    try:
        parse_document(doc)
    except ParseError as err:
        assert "\n" not in str(err)


def test_summary_names_agency_ambiguous_cells_and_warnings() -> None:
    from parsers.summary import summary_text

    text = summary_text(_parse("pingtan_2023.txt"))
    lines = text.split("\n")
    assert lines[:8] == [
        "机关：平潭综合实验区",
        "地区：福建省福州市平潭综合实验区",
        "层级：政府",
        "年度：2023",
        "模板：2021 版",
        "格式：纯文本",
        "发布日期：2024-03-08",
        "单元格：229 个（已取值 227 个）",
    ]
    assert "  - proactive.normative.valid：候选 0、70、470、2470、32470" in lines
    assert "校验：通过 V1、V2、V3、V4、V5、W2；未通过 0 项" in lines


def test_a_row_whose_numbers_continue_on_the_next_line_is_joined() -> None:
    text = (
        "一、本年新收政府信息公开申请数量\t3\t0\t0\n0\t0\t1\t4\n"
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
    )
    layout = map_document(text_document(text), year=2022)
    assert [layout.cells[f"apply.new.{c}"].value for c in ("natural", "other", "total")] == [
        3,
        1,
        4,
    ]
    assert layout.cells["apply.carried_in.total"].value == 0
