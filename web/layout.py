"""Tables 二, 三 and 四 of the national template as printed, built from `parsers.fields`.

The report page lays a report's cells out the way the published document prints them, so a
citizen can hold the page beside the PDF. Pure: the template's shape in, blocks of rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from parsers.fields import (
    APPLICANT_COLUMNS,
    FIELDS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TemplateVersion,
    apply_rows,
    template_fields,
)

RowKind = Literal["heading", "group", "row", "sub"]


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Row:
    label: str
    keys: tuple[str, ...]  # one canonical key per data column ("" for none)
    kind: RowKind = "row"


@dataclass(frozen=True)
class Block:
    """One printed table: its header rows and its data rows."""

    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[Row, ...]
    labelled: bool = True  # the first column holds row labels (四 has none)

    @property
    def width(self) -> int:
        """Columns of the table, the label column included."""
        return max(len(row.keys) for row in self.rows) + (1 if self.labelled else 0)


@dataclass(frozen=True)
class Section:
    number: str  # 二, 三, 四
    title: str
    blocks: tuple[Block, ...]


SECTION_TITLES = {
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
}


def _proactive(template: TemplateVersion) -> tuple[Block, ...]:
    """Section 二 as the template prints it: one small table per run of rows that share their
    columns (规章 and 规范性文件; 行政许可, 处罚, 强制; 收费; 采购)."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for field in template_fields(template):
        if field.table == "二":
            column = f"{field.column}（万元）" if field.is_amount else field.column
            rows.setdefault(field.row, []).append((field.key, column))
    runs: list[tuple[tuple[str, ...], list[Row]]] = []
    for label, cells in rows.items():
        columns = tuple(column for _, column in cells)
        row = Row(label, tuple(key for key, _ in cells))
        if runs and runs[-1][0] == columns:
            runs[-1][1].append(row)
        else:
            runs.append((columns, [row]))
    return tuple(
        Block(((HeaderCell("信息内容"), *(HeaderCell(c) for c in columns)),), tuple(run))
        for columns, run in runs
    )


def _applications(template: TemplateVersion) -> Block:
    """The applicant matrix: every row of 三 under the 7 applicant columns."""
    org = [label for column, label in APPLICANT_COLUMNS if column not in ("natural", "total")]
    header = (
        (HeaderCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    rowspan=3),
         HeaderCell("申请人情况", colspan=len(APPLICANT_COLUMNS))),
        (HeaderCell("自然人", rowspan=2), HeaderCell("法人或其他组织", colspan=len(org)),
         HeaderCell("总计", rowspan=2)),
        tuple(HeaderCell(label) for label in org),
    )  # fmt: skip
    rows: list[Row] = []
    groups: dict[str, str] = {}  # group key → printed group label
    for apply_row in apply_rows(template):
        keys = tuple(f"{apply_row.key}.{column}" for column, _ in APPLICANT_COLUMNS)
        if apply_row.key == "result.public":
            rows.append(Row("三、本年度办理结果", (), "heading"))
        parent = apply_row.key.rpartition(".")[0]
        if apply_row.derived:
            groups[apply_row.key] = apply_row.label
            rows.append(Row(apply_row.label, keys, "group"))
        elif parent in groups:
            label = apply_row.label.removeprefix(groups[parent]).strip()
            rows.append(Row(label, keys, "sub"))
        else:
            rows.append(Row(apply_row.label, keys))
    return Block(header, tuple(rows))


def _reviews() -> Block:
    """行政复议 and the two kinds of 行政诉讼 side by side, as the template prints them."""
    columns = [label for _, label in REVIEW_COLUMNS]
    review_label, direct_label, after_label = (label for _, label in REVIEW_GROUPS)
    header = (
        (HeaderCell(review_label, colspan=len(columns)),
         HeaderCell("行政诉讼", colspan=2 * len(columns))),
        (*(HeaderCell(c, rowspan=2) for c in columns),
         HeaderCell(direct_label.removeprefix("行政诉讼").strip(), colspan=len(columns)),
         HeaderCell(after_label.removeprefix("行政诉讼").strip(), colspan=len(columns))),
        tuple(HeaderCell(c) for c in columns * 2),
    )  # fmt: skip
    keys = tuple(f"{group}.{column}" for group, _ in REVIEW_GROUPS for column, _ in REVIEW_COLUMNS)
    return Block(header, (Row("", keys),), labelled=False)


@cache
def sections(template: str) -> tuple[Section, ...]:
    """The three tables of one template version (2019 for "2019", 2021 otherwise). Cells the
    template does not print (the derived 行政诉讼 total) are listed apart by the page."""
    version: TemplateVersion = "2019" if template == "2019" else "2021"
    return (
        Section("二", SECTION_TITLES["二"], _proactive(version)),
        Section("三", SECTION_TITLES["三"], (_applications(version),)),
        Section("四", SECTION_TITLES["四"], (_reviews(),)),
    )


@cache
def printed_keys(template: str) -> tuple[str, ...]:
    """Every key the layout of `template` shows, in printed order."""
    keys = [key for section in sections(template) for key in printed_keys_of(section)]
    return tuple(dict.fromkeys(keys))


@cache
def field_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every canonical key for a field picker: (section title, ((key, label), …)), in printed
    order, 2021 keys first; a key printed in one template version only says which."""
    from query.catalog import template_keys

    both = template_keys("2019") & template_keys("2021")
    groups: dict[str, dict[str, str]] = {number: {} for number in SECTION_TITLES}
    for version in ("2021", "2019"):
        for section in sections(version):
            for key in printed_keys_of(section):
                field = FIELDS[key]
                note = "" if key in both else f"（{version} 版模板）"
                groups[section.number].setdefault(key, f"{field.row} · {field.column}{note}")
    groups["四"].setdefault("litigation.total", f"{FIELDS['litigation.total'].label}（两类之和）")
    return tuple(
        (SECTION_TITLES[number], tuple(items.items())) for number, items in groups.items()
    )


def printed_keys_of(section: Section) -> list[str]:
    return [key for block in section.blocks for row in block.rows for key in row.keys if key]
