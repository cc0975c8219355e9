"""Non-table models that validate a parser's `ParsedReport` before it is written.

Table models skip validation, so everything goes through `ReportIn` first. Structural faults
(unknown cell keys, a missing value on a cell that is not ambiguous, numbers that cannot be
stored) reject the report: they are parser bugs, and storing them would corrupt rankings.
Counts that are negative or fractional (rule V5) are *kept as printed*: the report really says
so, and the question layer must be able to show it. They become a failed V5 check instead.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from parsers.fields import FIELDS
from parsers.model import AMBIGUOUS, BLANK, DERIVED, UNIT, ParsedReport, ParseError

KNOWN_FLAGS = frozenset({BLANK, DERIVED, AMBIGUOUS, UNIT})
# Numeric(20, 4): 16 digits before the point.
MAX_ABS = Decimal(10) ** 16
_PROSE_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class InvalidReport(ParseError):
    """A parsed report that cannot be stored; `str(err)` is one Chinese line."""


def _check_number(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise ValueError(f"数值无法保存：{value}")
    return value


class CellIn(BaseModel):
    value: Decimal | None
    raw: str = ""
    flags: frozenset[str] = frozenset()
    unit: str | None = None
    candidates: tuple[Decimal, ...] = ()

    @field_validator("flags")
    @classmethod
    def _known_flags(cls, flags: frozenset[str]) -> frozenset[str]:
        unknown = flags - KNOWN_FLAGS
        if unknown:
            raise ValueError(f"未知的单元格标记：{','.join(sorted(unknown))}")
        return flags

    @model_validator(mode="after")
    def _value_or_ambiguous(self) -> CellIn:
        if self.value is None and AMBIGUOUS not in self.flags:
            raise ValueError("单元格没有数值，也未标记为有歧义")
        if self.value is not None:
            _check_number(self.value)
        for candidate in self.candidates:
            _check_number(candidate)
        return self


class RegionIn(BaseModel):
    province: str | None = None
    city: str | None = None
    county: str | None = None


class CheckIn(BaseModel):
    rule: str = Field(min_length=1, max_length=20)
    ok: bool
    message: str
    keys: tuple[str, ...] = ()


class ReportIn(BaseModel):
    agency: str = Field(min_length=2, max_length=200)
    year: int = Field(ge=1990, le=2100)
    template: Literal["2019", "2021"]
    format: str = Field(pattern=r"^[a-z0-9]{1,10}$")
    cells: dict[str, CellIn]
    agency_aliases: list[str] = []
    region: RegionIn = RegionIn()
    level: Literal["government", "department"] | None = None
    title: str = Field(default="", max_length=500)
    published_on: date | None = None
    prose: dict[str, Decimal] = {}
    checks: list[CheckIn] = []

    @field_validator("agency")
    @classmethod
    def _strip_agency(cls, agency: str) -> str:
        return agency.strip()

    @field_validator("cells")
    @classmethod
    def _known_keys(cls, cells: dict[str, CellIn]) -> dict[str, CellIn]:
        unknown = sorted(set(cells) - set(FIELDS))
        if unknown:
            raise ValueError(f"未知的字段：{', '.join(unknown[:5])}")
        if not cells:
            raise ValueError("没有任何表格数据")
        return cells

    @field_validator("prose")
    @classmethod
    def _prose_keys(cls, prose: dict[str, Decimal]) -> dict[str, Decimal]:
        for key, value in prose.items():
            if key not in FIELDS and not _PROSE_KEY.match(key):
                raise ValueError(f"正文数字的键不合规：{key}")
            _check_number(value)
        return prose

    def v5_findings(self) -> list[CheckIn]:
        """Failed V5 checks for counts the parser did not already flag."""
        flagged = {k for c in self.checks if c.rule == "V5" and not c.ok for k in c.keys}
        out: list[CheckIn] = []
        for key, cell in self.cells.items():
            field = FIELDS[key]
            if field.is_amount or cell.value is None or key in flagged:
                continue
            if cell.value < 0 or cell.value != cell.value.to_integral_value():
                out.append(
                    CheckIn(
                        rule="V5",
                        ok=False,
                        message=f"{field.label} 为 {cell.value}，件数应为不小于 0 的整数",
                        keys=(key,),
                    )
                )
        return out


def validate_report(parsed: ParsedReport) -> ReportIn:
    """`ReportIn` for a parsed report, or InvalidReport naming the first problem."""
    data = dataclasses.asdict(parsed)
    try:
        return ReportIn.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidReport(f"解析结果不完整，未入库（{where}：{first['msg']}）") from err
