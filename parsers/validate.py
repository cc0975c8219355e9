"""The validator: the template's own arithmetic (V1–V5), prose vs tables (W2), and W1 across years.

Each rule gives one failing CheckResult per failing column/row/group, naming the cells and the
numbers in Chinese, or a single passing result when everything it could check holds. Cells that
are missing or ambiguous are not checked (nothing is assumed about them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from parsers.fields import (
    APPLICANT_COLUMNS,
    FIELDS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    FieldDef,
    TemplateVersion,
    apply_rows,
    template_fields,
)
from parsers.model import Cell, CheckResult, Number

_fields = lru_cache(maxsize=8)(template_fields)
# V1, per applicant column: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度.
V1_ROWS = ("apply.new", "apply.carried_in", "result.total", "apply.carried_forward")
_V1_LABELS = ("本年新收", "上年结转", "办理结果总计", "结转下年度")


def v2_leaves(template: TemplateVersion, single_other: bool) -> list[str]:
    """V2, per applicant column: these result rows add up to result.total."""
    return [r.key for r in apply_rows(template, single_other=single_other) if r.is_result_leaf]


def table3_sums(template: TemplateVersion, single_other: bool) -> list[tuple[str, dict[str, int]]]:
    """V1 and V2 as rows with signs whose sum is 0 in every applicant column: what the digit
    solver (parsers.layout) holds the printed digits to, stated where the rules live."""
    new, carried_in, total, forward = V1_ROWS
    return [
        ("V1", {new: 1, carried_in: 1, total: -1, forward: -1}),
        ("V2", {total: 1, **dict.fromkeys(v2_leaves(template, single_other), -1)}),
    ]


_PROSE_LABELS = {
    "apply.new.total": "收到申请",
    "apply.new.natural": "自然人申请",
    "apply.new.business": "商业企业申请",
    "result.total.total": "办结申请",
    "apply.carried_forward.total": "结转下年度",
    "result.withheld.total": "不予公开",
    "result.unable.total": "无法提供",
    "result.rejected.total": "不予处理",
    "result.other.total": "其他处理",
    "review.total": "行政复议",
    "litigation.total": "行政诉讼",
    "proactive.normative.issued": "本年制发行政规范性文件",
    "proactive.normative.valid": "现行有效行政规范性文件",
}


def _values(cells: Mapping[str, Cell], keys: Sequence[str]) -> list[Number] | None:
    """The values of every key, or None when one is missing or ambiguous."""
    out: list[Number] = []
    for key in keys:
        cell = cells.get(key)
        if cell is None or cell.value is None:
            return None
        out.append(cell.value)
    return out


def _fmt(value: Number) -> str:
    return str(value)


def validate(
    cells: Mapping[str, Cell], template: TemplateVersion, *, single_other: bool = False
) -> list[CheckResult]:
    """V1–V5 over one report's cells."""
    return [
        *_v1(cells),
        *_v2(cells, template, single_other),
        *_v3(cells, template, single_other),
        *_v4(cells),
        *_v5(cells, template, single_other),
    ]


def _summarise(
    rule: str, failures: list[CheckResult], keys: list[str], ok: str
) -> list[CheckResult]:
    if failures:
        return failures
    return [CheckResult(rule, True, ok, tuple(keys))] if keys else []


def _v1(cells: Mapping[str, Cell]) -> list[CheckResult]:
    failures: list[CheckResult] = []
    checked: list[str] = []
    for col, col_label in APPLICANT_COLUMNS:
        keys = [f"{row}.{col}" for row in V1_ROWS]
        vals = _values(cells, keys)
        if vals is None:
            continue
        checked += keys
        new, carried_in, total, forward = vals
        if new + carried_in != total + forward:
            message = (
                f"表三 {col_label}列：{_V1_LABELS[0]} {_fmt(new)} + {_V1_LABELS[1]} "
                f"{_fmt(carried_in)} ≠ {_V1_LABELS[2]} {_fmt(total)} + {_V1_LABELS[3]} "
                f"{_fmt(forward)}"
            )
            failures.append(CheckResult("V1", False, message, tuple(keys)))
    return _summarise(
        "V1", failures, checked, "表三 各列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度"
    )


@lru_cache(maxsize=8)
def _v2_keys(
    template: TemplateVersion, single_other: bool
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per applicant column: its label, the result leaves' keys and then result.total's."""
    leaves = v2_leaves(template, single_other)
    return tuple(
        (label, (*(f"{leaf}.{col}" for leaf in leaves), f"result.total.{col}"))
        for col, label in APPLICANT_COLUMNS
    )


def _v2(
    cells: Mapping[str, Cell], template: TemplateVersion, single_other: bool
) -> list[CheckResult]:
    failures: list[CheckResult] = []
    checked: list[str] = []
    for col_label, keys in _v2_keys(template, single_other):
        vals = _values(cells, keys)
        if vals is None:
            continue
        checked += keys
        parts, total = sum(vals[:-1]), vals[-1]
        if parts != total:
            message = (
                f"表三 {col_label}列：办理结果各项之和 {_fmt(parts)} ≠ （七）总计 {_fmt(total)}"
            )
            failures.append(CheckResult("V2", False, message, keys))
    return _summarise("V2", failures, checked, "表三 各列：办理结果各项之和 = （七）总计")


def _parts_equal_total(
    rule: str,
    cells: Mapping[str, Cell],
    rows: Sequence[tuple[str, str]],
    columns: tuple[tuple[str, str], ...],
    ok: str,
) -> list[CheckResult]:
    """In each row, the cells of every column but the last add up to the last (总计)."""
    failures: list[CheckResult] = []
    checked: list[str] = []
    for prefix, row_label in rows:
        keys = _row_keys(prefix, columns)
        vals = _values(cells, keys)
        if vals is None:
            continue
        checked += keys
        parts, total = sum(vals[:-1]), vals[-1]
        if parts != total:
            terms = " + ".join(
                f"{label} {_fmt(v)}" for (_, label), v in zip(columns[:-1], vals, strict=False)
            )
            message = f"{row_label}：{terms} = {_fmt(parts)} ≠ 总计 {_fmt(total)}"
            failures.append(CheckResult(rule, False, message, tuple(keys)))
    return _summarise(rule, failures, checked, ok)


@lru_cache(maxsize=64)
def _row_keys(prefix: str, columns: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """A row's cell keys: the same for every report, made once (validate runs on each)."""
    return tuple(f"{prefix}.{col}" for col, _ in columns)


@lru_cache(maxsize=8)
def _v3_rows(template: TemplateVersion, single_other: bool) -> tuple[tuple[str, str], ...]:
    return tuple(
        (r.key, f"表三 {r.label}") for r in apply_rows(template, single_other=single_other)
    )


def _v3(
    cells: Mapping[str, Cell], template: TemplateVersion, single_other: bool
) -> list[CheckResult]:
    rows = _v3_rows(template, single_other)
    return _parts_equal_total(
        "V3", cells, rows, APPLICANT_COLUMNS, "表三 各行：六类申请人之和 = 总计"
    )


def _v4(cells: Mapping[str, Cell]) -> list[CheckResult]:
    rows = [(group, f"表四 {label}") for group, label in REVIEW_GROUPS]
    return _parts_equal_total(
        "V4",
        cells,
        rows,
        REVIEW_COLUMNS,
        "表四 各组：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
    )


def _v5(
    cells: Mapping[str, Cell], template: TemplateVersion, single_other: bool
) -> list[CheckResult]:
    failures: list[CheckResult] = []
    checked: list[str] = []
    for f in _counts(template, single_other):
        cell = cells.get(f.key)
        if cell is None or cell.value is None:
            continue
        checked.append(f.key)
        if type(cell.value) is int and cell.value >= 0:
            continue  # most cells: a whole non-negative count, nothing to check
        if (failure := count_failure(f, cell.value)) is not None:
            failures.append(failure)
    return _summarise("V5", failures, checked, "所有件数均为非负整数")


@lru_cache(maxsize=8)
def _counts(template: TemplateVersion, single_other: bool) -> tuple[FieldDef, ...]:
    """The cells V5 checks: every count of the template (amounts are not counts)."""
    return tuple(f for f in _fields(template, single_other=single_other) if not f.is_amount)


def count_failure(field: FieldDef, value: Number) -> CheckResult | None:
    """V5 for one cell: a count is a whole number and not negative, except 本年增/减 (`.delta`),
    which may be; amounts (万元) are not counts. The store applies the same rule to the cells
    of reports it is given, so this is the rule's one home."""
    if field.is_amount or (value == int(value) and (value >= 0 or field.key.endswith(".delta"))):
        return None
    message = f"{field.label} 应为非负整数，实为 {_fmt(value)}"
    return CheckResult("V5", False, message, (field.key,))


@lru_cache(maxsize=8)
def template_field_map(template: TemplateVersion) -> Mapping[str, FieldDef]:
    """key → definition in one template (labels of shared keys differ between versions)."""
    return {f.key: f for f in template_fields(template)}


def prose_checks(cells: Mapping[str, Cell], prose: Mapping[str, Number]) -> list[CheckResult]:
    """W2: figures the prose states against the same figures in the tables."""
    failures: list[CheckResult] = []
    checked: list[str] = []
    for key, stated in prose.items():
        cell = cells.get(key)
        if cell is None or cell.value is None:
            continue
        checked.append(key)
        if cell.value != stated:
            label = _PROSE_LABELS.get(key, FIELDS[key].label if key in FIELDS else key)
            message = f"正文称{label} {_fmt(stated)} 件，表格为 {_fmt(cell.value)} 件"
            failures.append(CheckResult("W2", False, message, (key,)))
    return _summarise("W2", failures, checked, "正文所述数字与表格一致")


def carry_over_check(
    previous: Mapping[str, Number], current: Mapping[str, Number], *, year: int
) -> list[CheckResult]:
    """W1: this year's 上年结转 equals last year's 结转下年度, column by column."""
    failures: list[CheckResult] = []
    checked: list[str] = []
    for col, col_label in APPLICANT_COLUMNS:
        before = previous.get(f"apply.carried_forward.{col}")
        now = current.get(f"apply.carried_in.{col}")
        if before is None or now is None:
            continue
        checked.append(f"apply.carried_in.{col}")
        if before != now:
            message = (
                f"表三 {col_label}列：{year}年上年结转 {_fmt(now)} ≠ "
                f"{year - 1}年结转下年度 {_fmt(before)}"
            )
            failures.append(CheckResult("W1", False, message, (f"apply.carried_in.{col}",)))
    return _summarise("W1", failures, checked, f"{year}年上年结转与{year - 1}年结转下年度一致")
