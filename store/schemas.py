"""Non-table models that validate a parser's `ParsedReport` before it is written.

Table models skip validation, so everything goes through `ReportIn` first. Structural faults
(unknown cell keys, a missing value on a cell that is neither ambiguous nor a withheld OCR
misread, numbers that cannot be stored) reject the report: they are parser bugs, and storing
them would corrupt rankings.
Counts that are negative or fractional (rule V5) are *kept as printed*: the report really says
so, and the question layer must be able to show it. They become a failed V5 check instead.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from parsers.fields import FIELDS
from parsers.model import (
    AMBIGUOUS,
    BLANK,
    DERIVED,
    OCR,
    SUSPECT,
    UNIT,
    Cell,
    Number,
    ParsedReport,
    ParseError,
)
from parsers.validate import count_failure, template_field_map

KNOWN_FLAGS = frozenset({BLANK, DERIVED, AMBIGUOUS, UNIT, OCR, SUSPECT})
# A cell may lack a value only when the parser says why: several readings, or an OCR misread.
_UNVALUED = frozenset({AMBIGUOUS, SUSPECT})
# At most 16 digits before the point: more is a misread digit run, not a report's figure.
MAX_ABS = Decimal(10) ** 16
MAX_INT = 10**16
_V5_CELLS = "v5_cells"  # validation context entry: see ReportIn._cells
_PROSE_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class InvalidReport(ParseError):
    """A parsed report that cannot be stored; `str(err)` is one Chinese line."""


def _number(value: object) -> Number:
    """The parser's int or Decimal, if it is a plausible figure (see MAX_ABS)."""
    if type(value) is int:
        if -MAX_INT < value < MAX_INT:
            return value
    elif isinstance(value, Decimal):
        if value.is_finite() and abs(value) < MAX_ABS:
            return value
    else:
        raise ValueError(f"数值类型不对：{value!r}")
    shown = str(value) if len(str(value)) <= 20 else f"{str(value)[:8]}…（{len(str(value))} 位）"
    raise ValueError(f"数值无法保存（过大或无效）：{shown}")


def is_whole(value: Number) -> bool:
    return isinstance(value, int) or value == value.to_integral_value()


def checked_cell(cell: Any) -> Cell:
    """One parser cell as it will be stored, or ValueError naming what is wrong with it."""
    flags = cell.flags if type(cell.flags) is frozenset else frozenset(cell.flags)
    if flags and not flags <= KNOWN_FLAGS:
        raise ValueError(f"未知的单元格标记：{','.join(sorted(flags - KNOWN_FLAGS))}")
    if cell.value is None and not flags & _UNVALUED:
        raise ValueError("单元格没有数值，也未标记为有歧义或识别不可靠")
    return Cell(
        value=None if cell.value is None else _number(cell.value),
        raw=str(cell.raw),
        flags=flags,
        unit=None if cell.unit is None else str(cell.unit),
        candidates=tuple(_number(c) for c in cell.candidates) if cell.candidates else (),
    )


class RegionIn(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province: str | None = None
    city: str | None = None
    county: str | None = None


class CheckIn(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rule: str = Field(min_length=1, max_length=20)
    ok: bool
    message: str
    keys: tuple[str, ...] = ()


class FactIn(BaseModel):
    """A figure of the prose with its sentence (parsers.prose.ProseFact)."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=80)
    value: int | Decimal
    unit: str = Field(max_length=8)
    sentence: str = Field(max_length=2000)
    section: str = Field(default="", max_length=200)
    phrase: str = Field(default="", max_length=200)
    flags: frozenset[str] = frozenset()

    @field_validator("value", mode="plain")
    @classmethod
    def _value(cls, value: object) -> Number:
        return _number(value)


class ReportIn(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agency: str = Field(min_length=2, max_length=200)
    year: int = Field(ge=1990, le=2100)
    template: Literal["2019", "2021"]
    format: str = Field(pattern=r"^[a-z0-9]{1,10}$")
    cells: dict[str, Cell]
    agency_aliases: list[str] = []
    region: RegionIn = RegionIn()
    level: Literal["government", "department"] | None = None
    title: str = Field(default="", max_length=500)
    published_on: date | None = None
    prose: dict[str, int | Decimal] = {}
    facts: list[FactIn] = []
    checks: list[CheckIn] = []
    # The cells that are not plain non-negative counts, noted by `_cells`: V5 looks at these.
    _v5_cells: list[str] | None = PrivateAttr(default=None)

    @field_validator("agency")
    @classmethod
    def _strip_agency(cls, agency: str) -> str:
        return agency.strip()

    @field_validator("cells", mode="plain")
    @classmethod
    def _cells(cls, cells: object, info: ValidationInfo) -> dict[str, Cell]:
        if not isinstance(cells, dict) or not cells:
            raise ValueError("没有任何表格数据")
        unknown = sorted(set(cells) - FIELDS.keys())
        if unknown:
            raise ValueError(f"未知的字段：{', '.join(unknown[:5])}")
        out: dict[str, Cell] = dict(cells)  # parser cells are frozen: sharing them is safe
        others: list[str] = []  # all that V5 needs to look at
        known_flags = KNOWN_FLAGS
        for key, cell in cells.items():
            # Counts that checked_cell would return unchanged, tested inline: a bulk load
            # validates ~230 cells per report, and copying (or even a call per cell) showed.
            value, flags = cell.value, cell.flags
            if (
                type(cell) is Cell
                and type(value) is int
                and 0 <= value < MAX_INT
                and type(cell.raw) is str
                and type(flags) is frozenset
                and (not flags or flags <= known_flags)
                and not cell.candidates
                and (cell.unit is None or type(cell.unit) is str)
            ):
                continue
            others.append(key)
            try:
                out[key] = checked_cell(cell)
            except (ValueError, AttributeError) as err:
                raise ValueError(f"{FIELDS[key].label}（{key}）：{err}") from err
        if isinstance(info.context, dict):
            info.context[_V5_CELLS] = others
        return out

    def model_post_init(self, context: Any, /) -> None:
        if isinstance(context, dict) and _V5_CELLS in context:
            self._v5_cells = context[_V5_CELLS]

    @field_validator("prose")
    @classmethod
    def _prose_keys(cls, prose: dict[str, int | Decimal]) -> dict[str, int | Decimal]:
        for key, value in prose.items():
            if key not in FIELDS and not _PROSE_KEY.match(key):
                raise ValueError(f"正文数字的键不合规：{key}")
            _number(value)
        return prose

    def v5_findings(self) -> list[CheckIn]:
        """Failed V5 checks (parsers.validate's rule) for counts the parser did not already
        flag: a report built elsewhere (a bench, an import) may carry no V5 of its own."""
        flagged = {k for c in self.checks if c.rule == "V5" and not c.ok for k in c.keys}
        fields = template_field_map(self.template)
        out: list[CheckIn] = []
        keys = self.cells if self._v5_cells is None else self._v5_cells
        for key in keys:
            value = self.cells[key].value
            if value is None or (type(value) is int and value >= 0) or key in flagged:
                continue
            failure = count_failure(fields.get(key) or FIELDS[key], value)
            if failure is not None:
                out.append(CheckIn.model_validate(failure, from_attributes=True))
        return out


def validate_report(parsed: ParsedReport) -> ReportIn:
    """`ReportIn` for a parsed report, or InvalidReport naming the first problem in Chinese."""
    try:
        return ReportIn.model_validate(parsed, from_attributes=True, context={})
    except ValidationError as err:
        first = err.errors()[0]
        raise InvalidReport(f"解析结果无法入库：{_where(first['loc'])}{_why(first)}") from err


_FIELD_NAMES = {
    "agency": "机关名称", "year": "年度", "template": "模板版本", "format": "格式",
    "cells": "表格", "agency_aliases": "机关别名", "region": "地区", "level": "层级",
    "title": "标题", "published_on": "发布日期", "prose": "正文数字", "facts": "正文事实",
    "checks": "校验结果",
}  # fmt: skip


def _where(loc: tuple[int | str, ...]) -> str:
    """The field (a template cell by its label) an error is about."""
    parts = [str(p) for p in loc]
    if not parts:
        return ""
    if parts[0] == "cells" and len(parts) > 1 and parts[1] in FIELDS:
        return f"{FIELDS[parts[1]].label}："
    return f"{_FIELD_NAMES.get(parts[0], parts[0])}："


def _why(error: Any) -> str:
    """pydantic's reason in Chinese; our own validators' messages are Chinese already."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    reasons = {
        "string_too_long": f"超过 {ctx.get('max_length')} 个字符",
        "string_too_short": f"少于 {ctx.get('min_length')} 个字符",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}",
        "less_than_equal": f"应不大于 {ctx.get('le')}",
        "string_pattern_mismatch": "格式不对",
        "literal_error": f"应为 {ctx.get('expected')}",
    }
    return reasons.get(kind, "数值或类型不对")
