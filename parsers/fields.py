"""The canonical cell keys of the national template (see shared/fields.md).

This is the one place that knows the template's shape; parsers, the store, the validator and the
question catalog all read it, so a new template version is added here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

TemplateVersion = Literal["2019", "2021"]
TEMPLATES: tuple[TemplateVersion, ...] = ("2019", "2021")
FIRST_2021_YEAR = 2021  # the 2021 template is used for reports on 2021 onward (fields.md)


def template_of_year(year: int | None) -> TemplateVersion:
    """The template a report on `year` is written on; the newest one when the year is unknown.
    Only a fallback: a report's own table tells its template (parsers.layout.detect_template)."""
    return "2019" if year is not None and year < FIRST_2021_YEAR else "2021"


@dataclass(frozen=True)
class FieldDef:
    """One template cell: where it is printed and what kind of number it holds."""

    key: str
    table: str  # "二", "三" or "四"
    row: str  # row label as printed in the national template
    column: str  # column label as printed
    unit: str  # "件" for counts, "万元" for amounts
    derived: bool = False  # a group sum computed from sub-rows, not printed as a cell

    @property
    def is_amount(self) -> bool:
        return self.unit == "万元"

    @property
    def label(self) -> str:
        """Human label used in answers: 表三 一、本年新收政府信息公开申请数量 · 总计."""
        return f"表{self.table} {self.row} · {self.column}"


# --- Section 二 -----------------------------------------------------------------------------
_DOC_COLS_2019 = (("made", "本年新制作数量"), ("published", "本年新公开数量"),
                  ("public_total", "对外公开总数量"))  # fmt: skip
_DOC_COLS_2021 = (
    ("issued", "本年制发件数"),
    ("repealed", "本年废止件数"),
    ("valid", "现行有效件数"),
)
_ITEM_COLS_2019 = (("prev_items", "上一年项目数量"), ("delta", "本年增/减"),
                   ("decisions", "处理决定数量"))  # fmt: skip

_PROACTIVE_2019: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("rules", "规章", _DOC_COLS_2019),
    ("normative", "规范性文件", _DOC_COLS_2019),
    ("permit", "行政许可", _ITEM_COLS_2019),
    ("other_services", "其他对外管理服务事项", _ITEM_COLS_2019),
    ("penalty", "行政处罚", _ITEM_COLS_2019),
    ("enforcement", "行政强制", _ITEM_COLS_2019),
    ("fees", "行政事业性收费", _ITEM_COLS_2019[:2]),
    ("procurement", "政府集中采购", (("items", "采购项目数量"), ("amount", "采购总金额"))),
)
_PROACTIVE_2021: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("rules", "规章", _DOC_COLS_2021),
    ("normative", "行政规范性文件", _DOC_COLS_2021),
    ("permit", "行政许可", (("decisions", "本年处理决定数量"),)),
    ("penalty", "行政处罚", (("decisions", "本年处理决定数量"),)),
    ("enforcement", "行政强制", (("decisions", "本年处理决定数量"),)),
    ("fees", "行政事业性收费", (("amount", "本年收费金额"),)),
)

# --- Section 三 -----------------------------------------------------------------------------
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)

_WITHHELD = (
    ("state_secret", "1.属于国家秘密"),
    ("law_prohibited", "2.其他法律行政法规禁止公开"),
    ("security_stability", "3.危及“三安全一稳定”"),
    ("third_party", "4.保护第三方合法权益"),
    ("internal_affairs", "5.属于三类内部事务信息"),
    ("process_info", "6.属于四类过程性信息"),
    ("enforcement_file", "7.属于行政执法案卷"),
    ("inquiry", "8.属于行政查询事项"),
)
_UNABLE = (
    ("no_info", "1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("unclear", "3.补正后申请内容仍不明确"),
)
_REJECTED = (
    ("petition", "1.信访举报投诉类申请"),
    ("duplicate", "2.重复申请"),
    ("publication", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_OTHER_2021 = (
    ("overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("misc", "3.其他"),
)
_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("withheld", "（三）不予公开", _WITHHELD),
    ("unable", "（四）无法提供", _UNABLE),
    ("rejected", "（五）不予处理", _REJECTED),
)


@dataclass(frozen=True)
class ApplyRow:
    """A row of 表三: its key prefix, its label, and whether it is a group sum of sub-rows."""

    key: str
    label: str
    derived: bool = False
    is_result_leaf: bool = False  # counts in V2's sum of result rows


def apply_rows(template: TemplateVersion, *, single_other: bool = False) -> tuple[ApplyRow, ...]:
    """Rows of 表三 in printed order. `single_other` is the 2021 variant with one （六） row."""
    return _apply_rows(template, single_other)


@lru_cache(maxsize=8)
def _apply_rows(template: TemplateVersion, single_other: bool) -> tuple[ApplyRow, ...]:
    """Cached (the rows are immutable): the mapper and the validator ask many times a report."""
    rows = [
        ApplyRow("apply.new", "一、本年新收政府信息公开申请数量"),
        ApplyRow("apply.carried_in", "二、上年结转政府信息公开申请数量"),
        ApplyRow("result.public", "（一）予以公开", is_result_leaf=True),
        ApplyRow("result.partial", "（二）部分公开", is_result_leaf=True),
    ]
    for group, group_label, subs in _GROUPS:
        rows.append(ApplyRow(f"result.{group}", group_label, derived=True))
        rows += [
            ApplyRow(f"result.{group}.{k}", f"{group_label} {label}", is_result_leaf=True)
            for k, label in subs
        ]
    if template == "2021" and not single_other:
        rows.append(ApplyRow("result.other", "（六）其他处理", derived=True))
        rows += [
            ApplyRow(f"result.other.{k}", f"（六）其他处理 {label}", is_result_leaf=True)
            for k, label in _OTHER_2021
        ]
    else:
        rows.append(ApplyRow("result.other", "（六）其他处理", is_result_leaf=True))
    rows.append(ApplyRow("result.total", "（七）总计"))
    rows.append(ApplyRow("apply.carried_forward", "四、结转下年度继续办理"))
    return tuple(rows)


# --- Section 四 -----------------------------------------------------------------------------
REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation.direct", "行政诉讼 未经复议直接起诉"),
    ("litigation.after_review", "行政诉讼 复议后起诉"),
)
REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def _proactive_fields(template: TemplateVersion) -> list[FieldDef]:
    rows = _PROACTIVE_2019 if template == "2019" else _PROACTIVE_2021
    return [
        FieldDef(
            f"proactive.{row}.{col}",
            "二",
            label,
            col_label,
            "万元" if col == "amount" else "件",
        )
        for row, label, cols in rows
        for col, col_label in cols
    ]


def template_fields(
    template: TemplateVersion, *, single_other: bool = False
) -> tuple[FieldDef, ...]:
    """Every canonical cell of one template version, in printed order."""
    fields = _proactive_fields(template)
    for row in apply_rows(template, single_other=single_other):
        fields += [
            FieldDef(f"{row.key}.{col}", "三", row.label, col_label, "件", derived=row.derived)
            for col, col_label in APPLICANT_COLUMNS
        ]
    for group, group_label in REVIEW_GROUPS:
        fields += [
            FieldDef(f"{group}.{col}", "四", group_label, col_label, "件")
            for col, col_label in REVIEW_COLUMNS
        ]
    fields.append(
        FieldDef("litigation.total", "四", "行政诉讼", "总计", "件", derived=True),
    )
    return tuple(fields)


def all_fields() -> dict[str, FieldDef]:
    """Every key of every template version (the 2021 definition wins for shared keys)."""
    out: dict[str, FieldDef] = {}
    for template in TEMPLATES:
        out.update({f.key: f for f in template_fields(template)})
    return out


FIELDS: dict[str, FieldDef] = all_fields()
