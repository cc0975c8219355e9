"""What a parser produces: plain dataclasses, no database and no Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsers.prose import ProseFact

# Cell flags (shared/fields.md "Cell values").
BLANK = "blank"  # printed empty, "/", "—", "-" or "无": read as 0
DERIVED = "derived"  # not printed; computed from other cells
AMBIGUOUS = "ambiguous"  # a digit run with several valid splits: value is None, see candidates
UNIT = "unit"  # a unit was printed in the cell (e.g. "251000元")
OCR = "ocr"  # read by OCR from a page image: answers built on it say so
# Read by OCR and contradicted by the template's arithmetic (no passing sum vouches for it):
# value withheld (None), what OCR read kept in `candidates`.
SUSPECT = "suspect"
# What each flag means, said to a person (answers, exports).
FLAG_TEXT = {
    BLANK: "原表此格空白，按 0 计",
    DERIVED: "原表未印此格，由分项相加得出",
    UNIT: "原表写有单位，已换算",
    AMBIGUOUS: "数字串有多种拆分方式，未取值",
    OCR: "由 OCR 从扫描页识别",
    SUSPECT: "OCR 识别的数字与表内勾稽关系不符，未取值",
}

Number = int | Decimal


class ParseError(Exception):
    """A document that cannot be read as a report. `str(err)` is a one-line Chinese message."""


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def name(self) -> str:
        """Full region name without repeats (直辖市 have province == city)."""
        parts: list[str] = []
        for part in (self.province, self.city, self.county):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


@dataclass(frozen=True)
class Cell:
    """One template cell. `value` is None only when the cell is ambiguous, or an OCR misread
    withheld (`suspect`)."""

    value: Number | None
    raw: str = ""
    flags: frozenset[str] = frozenset()
    unit: str | None = None  # unit as printed, when one was printed
    candidates: tuple[Number, ...] = ()  # for ambiguous cells; what OCR read, for suspect ones


@dataclass(frozen=True)
class CheckResult:
    rule: str  # V1..V5, W1, W2
    ok: bool
    message: str  # Chinese, names the cells and the numbers
    keys: tuple[str, ...] = ()  # the cells the rule looked at


@dataclass
class ParsedReport:
    agency: str
    year: int
    template: str  # "2019" or "2021"
    format: str  # "text", "html", "docx", "doc", "pdf", "image"
    cells: dict[str, Cell] = field(default_factory=dict)
    agency_aliases: list[str] = field(default_factory=list)
    region: Region = field(default_factory=Region)
    level: str | None = None  # "government" or "department" when it can be told
    title: str = ""
    published_on: date | None = None
    single_other_row: bool = False  # the 2021 variant with one （六）其他处理 row
    prose: dict[str, Number] = field(default_factory=dict)  # stated exactly, by key (W2)
    facts: list[ProseFact] = field(default_factory=list)  # every figure of the prose
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def figures(self) -> dict[str, Number]:
        """Key → value of every cell that has a value (ambiguous cells have none)."""
        return {k: c.value for k, c in self.cells.items() if c.value is not None}

    def to_json(self) -> dict[str, Any]:
        """The `parse --json` shape (see issue #3); numbers stay numbers."""

        def num(v: Number) -> int | float:
            return float(v) if isinstance(v, Decimal) else v

        return {
            "agency": self.agency,
            "agency_aliases": list(self.agency_aliases),
            "region": {
                "province": self.region.province,
                "city": self.region.city,
                "county": self.region.county,
            },
            "year": self.year,
            "template": self.template,
            "level": self.level,
            "title": self.title,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "format": self.format,
            "figures": {k: num(v) for k, v in self.figures.items()},
            "cells": {
                k: {
                    "raw": c.raw,
                    "flags": sorted(c.flags),
                    **({"unit": c.unit} if c.unit else {}),
                    **({"candidates": [num(x) for x in c.candidates]} if c.candidates else {}),
                }
                for k, c in self.cells.items()
            },
            "prose": {k: num(v) for k, v in self.prose.items()},
            "facts": [f.to_json() for f in self.facts],
            "checks": [{"rule": c.rule, "ok": c.ok, "message": c.message} for c in self.checks],
            "warnings": list(self.warnings),
        }
