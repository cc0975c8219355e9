"""Template mapping on hand-made Documents: the row shapes HTML/Word/PDF extraction gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers import ParseError, parse_document
from parsers.document import Document
from parsers.layout import detect_template, map_document, norm
from parsers.model import BLANK, DERIVED, UNIT

HEADER_三 = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["自然人", "法人或其他组织", "总计"],
    ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
RESULT = "三、本年度办理结果"


def row(label: str | list[str], *values: int | str) -> list[str]:
    labels = [label] if isinstance(label, str) else label
    return [*labels, *(str(v) for v in values)]


def applicant(n: int, total: int | None = None) -> list[int | str]:
    """A row with n natural-person requests and the 总计 column."""
    return [n, 0, 0, 0, 0, 0, n if total is None else total]


def grid_2021(*, single_other: bool = False, garble: bool = False) -> list[list[str]]:
    """表二/三/四 as an HTML grid with rowspan expanded (group labels repeated)."""
    withheld = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                "7.属于行政执法案卷", "8.属于行政查询事项"]  # fmt: skip
    if garble:
        withheld[1] = "2.其他法律行政止公开"  # PDF text lost a character
    rows = [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        row("规章", 0, 0, 3),
        row("行政规范性文件", 2, 1, 40),
        ["信息内容", "本年处理决定数量"],
        row("行政许可", 120),
        row("行政处罚", 30),
        row("行政强制", 0),
        ["信息内容", "本年收费金额（单位：万元）"],
        row("行政事业性收费", "12.30"),
        *HEADER_三,
        row("一、本年新收政府信息公开申请数量", *applicant(10)),
        row("二、上年结转政府信息公开申请数量", *applicant(1)),
        row([RESULT, "（一）予以公开"], *applicant(4)),
        row([RESULT, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"], *applicant(1)),
    ]
    rows += [row([RESULT, "（三）不予公开", label], *applicant(int(i == 0))) for i, label in
             enumerate(withheld)]  # fmt: skip
    rows += [
        row([RESULT, "（四）无法提供", "1.本机关不掌握相关政府信息"], *applicant(2)),
        row([RESULT, "（四）无法提供", "2.没有现成信息需要另行制作"], *applicant(0)),
        row([RESULT, "（四）无法提供", "3.补正后申请内容仍不明确"], *applicant(0)),
        row([RESULT, "（五）不予处理", "1.信访举报投诉类申请"], *applicant(1)),
        row([RESULT, "（五）不予处理", "2.重复申请"], *applicant(0)),
        row([RESULT, "（五）不予处理", "3.要求提供公开出版物"], *applicant(0)),
        row([RESULT, "（五）不予处理", "4.无正当理由大量反复申请"], *applicant(0)),
        row([RESULT, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"], *applicant(0)),
    ]
    if single_other:
        rows.append(row([RESULT, "（六）其他处理"], *applicant(1)))
    else:
        other = "（六）其他处理"
        subs = (
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        )
        rows += [row([RESULT, other, sub], *applicant(int(i == 0))) for i, sub in enumerate(subs)]
    rows += [
        row([RESULT, "（七）总计"], *applicant(10)),
        row("四、结转下年度继续办理", *applicant(1)),
        ["行政复议", "行政复议", "行政复议", "行政复议", "行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
        [str(v) for v in (2, 1, 0, 0, 3, 1, 0, 0, 1, 2, 0, 0, 0, 1, 1)],
    ]
    return rows


def doc_of(
    rows: list[list[str]], text: str = "某市人民政府2022年政府信息公开工作年度报告"
) -> Document:
    return Document(format="html", text=text, rows=rows)


def test_html_grid_maps_every_cell_by_meaning() -> None:
    layout = map_document(doc_of(grid_2021()), year=2022)
    assert layout.template == "2021" and not layout.single_other
    assert layout.sections == {"二", "三", "四"}
    cells = layout.cells
    assert cells["proactive.normative.valid"].value == 40
    assert cells["proactive.fees.amount"].value == Decimal("12.3")
    assert cells["apply.new.total"].value == 10
    assert cells["result.withheld.state_secret.natural"].value == 1
    assert cells["result.other.overdue_correction.total"].value == 1
    assert cells["result.total.total"].value == 10
    assert [cells[f"review.{c}"].value for c in ("upheld", "corrected", "total")] == [2, 1, 3]
    assert cells["litigation.direct.total"].value == 2
    assert cells["litigation.after_review.pending"].value == 1
    assert layout.warnings == []


def test_group_sums_and_litigation_total_are_derived() -> None:
    cells = map_document(doc_of(grid_2021()), year=2022).cells
    withheld = cells["result.withheld.total"]
    assert withheld.value == 1 and DERIVED in withheld.flags and withheld.raw == ""
    assert cells["result.unable.natural"].value == 2
    assert cells["result.rejected.total"].value == 1
    assert cells["result.other.total"].value == 1 and DERIVED in cells["result.other.total"].flags
    litigation = cells["litigation.total"]
    assert litigation.value == 3 and DERIVED in litigation.flags


def test_single_other_row_variant_is_told_from_content() -> None:
    layout = map_document(doc_of(grid_2021(single_other=True)), year=2023)
    assert layout.template == "2021" and layout.single_other
    other = layout.cells["result.other.total"]
    assert other.value == 1 and DERIVED not in other.flags
    assert "result.other.misc.total" not in layout.cells


def test_garbled_sub_row_is_placed_by_its_ordinal() -> None:
    cells = map_document(doc_of(grid_2021(garble=True)), year=2022).cells
    assert cells["result.withheld.law_prohibited.total"].raw == "0"
    assert len([k for k in cells if k.startswith("result.withheld.")]) == 8 * 7 + 7


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("（二）部分公开(区分处理的,只计这一情形,不计其他情形)", "result.partial"),
        ('3.危及"三安全一稳定"', "result.withheld.security_stability"),
        ("危及“三安全\n一稳定”", "result.withheld.security_stability"),
        ("四、结转下年度继续\n办理", "apply.carried_forward"),
        ("本年新收政府信息公开申请数量", "apply.new"),
        (
            "1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请",
            "result.other.overdue_correction",
        ),
        ("要求行政机关确认或重新出具已获取信息", "result.rejected.confirmation"),
    ],
    ids=[
        "ascii-commas",
        "straight-quotes",
        "line-break",
        "break-in-label",
        "no-ordinal",
        "comma-for-dunhao",
        "no-ordinal-sub",
    ],
)
def test_label_variants_match_the_same_row(label: str, key: str) -> None:
    rows = [*HEADER_三, row(label, *applicant(3))]
    cells = map_document(doc_of(rows), year=2022).cells
    assert cells[f"{key}.total"].value == 3


def test_template_is_told_by_content_not_year() -> None:
    old_rows = [
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        row("行政许可", 5, -1, 9),
    ]
    doc = doc_of(old_rows, text="某县人民政府2021年政府信息公开工作年度报告")
    assert detect_template(doc, 2021) == ("2019", None)
    layout = map_document(doc, year=2021)
    assert layout.cells["proactive.permit.delta"].value == -1
    template, note = detect_template(doc_of([]), 2020)
    assert template == "2019" and note == "无法从表格内容判断模板版本，按年度推定为 2019 版"


def test_blank_totals_are_derived_from_their_parts() -> None:
    rows = [
        *HEADER_三,
        row("一、本年新收政府信息公开申请数量", 821, 35, "", "", 2, 1, 859),
        row([RESULT, "（一）予以公开"], 258, 12, "", "", 1, 1, ""),
        row(["行政复议"] * 5 + ["行政诉讼"]),
        [str(v) for v in (5, "", "", 2, 7, 8, "", "", 1, 9)] + ["", "", "", "", ""],
    ]
    cells = map_document(doc_of(rows), year=2019).cells
    public = cells["result.public.total"]
    assert public.value == 272 and public.flags == {BLANK, DERIVED}
    assert cells["result.public.research"].flags == {BLANK}
    assert cells["apply.new.total"].value == 859 and not cells["apply.new.total"].flags
    assert cells["litigation.after_review.total"].value == 0
    assert cells["litigation.total"].value == 9


def test_amount_in_yuan_is_read_in_wan_with_its_unit() -> None:
    rows = [["信息内容", "采购项目数量", "采购总金额"], row("政府集中采购", 6, "251000元")]
    cell = map_document(doc_of(rows), year=2019).cells["proactive.procurement.amount"]
    assert cell.value == Decimal("25.1") and cell.unit == "元" and UNIT in cell.flags
    assert cell.raw == "251000元"


def test_an_extra_cell_that_breaks_the_row_sum_is_dropped() -> None:
    rows = [*HEADER_三, row("一、本年新收政府信息公开申请数量", 9, 3, 0, 0, 0, 0, 0, 3)]
    cells = map_document(doc_of(rows), year=2022).cells
    assert [cells[f"apply.new.{c}"].value for c in ("natural", "business", "total")] == [3, 0, 3]


def test_a_row_with_too_few_numbers_is_left_out_with_a_warning() -> None:
    rows = [*HEADER_三, row("一、本年新收政府信息公开申请数量", 3, 0, 3)]
    layout = map_document(doc_of(rows), year=2022)
    assert "apply.new.total" not in layout.cells
    assert "apply.new 一行只有 3 个数，应有 7 个，未取值" in layout.warnings


def test_report_without_table_four_parses_with_a_warning() -> None:
    rows = grid_2021()[:-4]
    report = parse_document(doc_of(rows))
    assert "四" not in {k.split(".")[0] for k in report.cells if k.startswith("review")}
    assert "未找到表四（复议诉讼）" in report.warnings
    assert report.cells["apply.new.total"].value == 10


def test_document_without_template_rows_is_not_a_report() -> None:
    doc = doc_of([["姓名", "年龄"], ["张三", "30"]], text="通讯录")
    with pytest.raises(ParseError, match="这似乎不是一份年报"):
        parse_document(doc)


def test_norm_drops_spaces_punctuation_and_width() -> None:
    assert norm("（七） 总计") == "七总计"
    assert norm("3.危及“三安全一稳定”") == "3危及三安全一稳定"
    assert norm("行政许可\u3000") == "行政许可"


def test_table_four_as_one_row_per_group() -> None:
    rows = [
        ["行政复议", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        row("行政复议", 1, 0, 0, 1, 2),
        row(["行政诉讼", "未经复议直接起诉"], 0, 1, 0, 0, 1),
        row(["行政诉讼", "复议后起诉"], 0, 0, 0, 0, 0),
    ]
    cells = map_document(doc_of(rows), year=2022).cells
    assert [cells[f"review.{c}"].value for c in ("upheld", "pending", "total")] == [1, 1, 2]
    assert cells["litigation.direct.corrected"].value == 1
    assert cells["litigation.total"].value == 1


def test_table_four_numbers_after_header_words_in_the_same_row() -> None:
    headers = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    rows = [["行政复议", "行政诉讼"], [*headers, *(str(v) for v in [0, 0, 0, 1, 1] + [0] * 10)]]
    cells = map_document(doc_of(rows), year=2022).cells
    assert cells["review.total"].value == 1


def test_count_printed_with_decimals_is_an_integer() -> None:
    rows = [["信息内容", "本年处理决定数量"], row("行政许可", "12.00")]
    cell = map_document(doc_of(rows), year=2022).cells["proactive.permit.decisions"]
    assert cell.value == 12 and isinstance(cell.value, int)
