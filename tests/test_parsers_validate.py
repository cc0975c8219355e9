"""The validator: V1–V5 and W2 on real and hand-made reports, W1 across years."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers import parse_bytes, parse_file
from parsers.digits import RunRow, solve
from parsers.fields import apply_rows
from parsers.layout import _collect, row_specs
from parsers.model import Cell, CheckResult
from parsers.text import text_document
from parsers.validate import carry_over_check, prose_checks, validate
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document

CONSISTENT = sorted(
    name for name, entry in load_gold().items() if name.endswith((".txt", ".html"))
)


def failed(checks: list[CheckResult]) -> list[tuple[str, str]]:
    return [(c.rule, c.message) for c in checks if not c.ok]


@pytest.mark.parametrize("name", CONSISTENT)
def test_consistent_reports_pass_v1_to_v5(name: str) -> None:
    report = parse_file(document(name))
    rules = {c.rule for c in report.checks if c.ok}
    assert {"V1", "V2", "V3", "V4", "V5"} <= rules
    assert [c for c in report.checks if not c.ok and c.rule.startswith("V")] == []


def _text_report(rows: dict[str, list[int]], four: list[int] | None = None) -> str:
    """A tab-separated 2021 report (single （六） row): given 表三 rows, everything else 0."""
    lines = [
        "测试县人民政府2023年政府信息公开工作年度报告",
        "",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
    ]
    for row in apply_rows("2021", single_other=True):
        if not row.derived:
            values = rows.get(row.key, [0] * 7)
            lines.append("\t".join([row.label, *map(str, values)]))
    lines += ["行政复议\t\t\t\t\t行政诉讼", "\t".join(map(str, four or [0] * 15))]
    return "\n".join(lines) + "\n"


def test_v1_names_the_column_and_the_numbers() -> None:
    text = _text_report(
        {
            "apply.new": [12, 0, 0, 0, 0, 0, 12],
            "result.public": [11, 0, 0, 0, 0, 0, 11],
            "result.total": [11, 0, 0, 0, 0, 0, 11],
        }
    )
    report = parse_bytes(text.encode())
    assert failed(report.checks) == [
        ("V1", "表三 自然人列：本年新收 12 + 上年结转 0 ≠ 办理结果总计 11 + 结转下年度 0"),
        ("V1", "表三 总计列：本年新收 12 + 上年结转 0 ≠ 办理结果总计 11 + 结转下年度 0"),
    ]
    bad = next(c for c in report.checks if not c.ok)
    assert bad.keys == (
        "apply.new.natural",
        "apply.carried_in.natural",
        "result.total.natural",
        "apply.carried_forward.natural",
    )


def test_v2_and_v3_name_rows_and_sums() -> None:
    text = _text_report(
        {
            "apply.new": [5, 0, 0, 0, 0, 0, 5],
            "result.public": [3, 0, 0, 0, 0, 0, 4],
            "result.total": [5, 0, 0, 0, 0, 0, 5],
        }
    )
    report = parse_bytes(text.encode())
    assert failed(report.checks) == [
        ("V2", "表三 自然人列：办理结果各项之和 3 ≠ （七）总计 5"),
        ("V2", "表三 总计列：办理结果各项之和 4 ≠ （七）总计 5"),
        (
            "V3",
            "表三 （一）予以公开：自然人 3 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + "
            "法律服务机构 0 + 其他 0 = 3 ≠ 总计 4",
        ),
    ]


def test_hongze_2023_review_row_is_flagged() -> None:
    four = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    report = parse_bytes(_text_report({}, four).encode())
    assert failed(report.checks) == [
        ("V4", "表四 行政复议：结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11 ≠ 总计 0"),
        (
            "V4",
            "表四 行政诉讼 复议后起诉：结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0"
            " = 5 ≠ 总计 0",
        ),
    ]
    assert report.cells["review.total"].value == 0  # the printed value is kept, not "fixed"


def test_hongze_2023_pdf_is_flagged_the_same_way() -> None:
    report = parse_file(document("hongze_district_2023.pdf"))
    assert [r for r, _ in failed(report.checks)] == ["V4", "V4"]
    assert report.single_other_row


def test_v5_rejects_negative_counts_but_not_a_negative_change() -> None:
    cells = {
        "proactive.permit.delta": Cell(-3, "-3"),
        "proactive.permit.decisions": Cell(-1, "-1"),
        "proactive.penalty.decisions": Cell(Decimal("2.5"), "2.5"),
    }
    assert failed(validate(cells, "2019")) == [
        ("V5", "表二 行政许可 · 处理决定数量 应为非负整数，实为 -1"),
        ("V5", "表二 行政处罚 · 处理决定数量 应为非负整数，实为 2.5"),
    ]


def test_ambiguous_and_missing_cells_are_not_checked() -> None:
    cells = {
        "review.upheld": Cell(None, "12", candidates=(1, 12)),
        "review.corrected": Cell(0, "0"),
        "review.other": Cell(0, "0"),
        "review.pending": Cell(0, "0"),
        "review.total": Cell(5, "5"),
    }
    assert [c.rule for c in validate(cells, "2021")] == ["V5"]


def test_w2_compares_prose_with_tables() -> None:
    report = parse_file(document("hongze_district_2024.pdf"))
    assert failed(report.checks) == [("W2", "正文称收到申请 17 件，表格为 95 件")]
    cells = {"apply.new.total": Cell(81, "81")}
    assert prose_checks(cells, {"apply.new.total": 81, "proactive.total": 13561}) == [
        CheckResult("W2", True, "正文所述数字与表格一致", ("apply.new.total",))
    ]


def test_carry_over_between_years() -> None:
    previous = {"apply.carried_forward.natural": 1, "apply.carried_forward.total": 1}
    assert carry_over_check(previous, {"apply.carried_in.total": 1}, year=2022) == [
        CheckResult(
            "W1", True, "2022年上年结转与2021年结转下年度一致", ("apply.carried_in.total",)
        )
    ]
    assert failed(carry_over_check(previous, {"apply.carried_in.total": 0}, year=2022)) == [
        ("W1", "表三 总计列：2022年上年结转 0 ≠ 2021年结转下年度 1")
    ]
    assert carry_over_check({}, {"apply.carried_in.total": 0}, year=2022) == []


@pytest.mark.parametrize("year", [2019, 2021, 2023, 2025])
def test_pingtan_result_rows_really_sum_to_the_total(year: int) -> None:
    """The issue's "平潭 2020 results sum": no 平潭 text has an inconsistent results sum.

    Split on their own row totals (without the column rules the solver also uses), every 总计
    cell of 表三 has one reading, and the result rows add up to （七）总计 in every report."""
    doc = text_document(document(f"pingtan_{year}.txt").read_text("utf-8"))
    template = "2019" if year == 2019 else "2021"
    specs = row_specs(template, single_other=False)
    runs = _collect(doc).runs
    rows = [RunRow(k, specs[k].cells, runs[k], specs[k].sums) for k in runs if k in specs]
    alone = solve(rows).values
    leaves = [r.key for r in apply_rows(template) if r.is_result_leaf]
    assert sum(alone[f"{leaf}.total"] for leaf in leaves) == alone["result.total.total"]
    assert (
        alone["apply.new.total"] + alone["apply.carried_in.total"]
        == alone["result.total.total"] + alone["apply.carried_forward.total"]
    )
    report = parse_file(document(f"pingtan_{year}.txt"))
    assert [c.ok for c in report.checks if c.rule == "V2"] == [True]
    assert not any("勾稽关系" in w for w in report.warnings)


def test_shanghai_prose_contradicting_the_table_is_a_w2_warning() -> None:
    report = parse_file(document("shanghai_gov_office_2019.html"))
    assert failed(report.checks) == [("W2", "正文称无法提供 265 件，表格为 337 件")]
    assert report.cells["result.unable.total"].value == 337  # the table counts
