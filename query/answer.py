"""What the asker hands to the chat layer: plain dataclasses with a stable JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Status = Literal["answer", "choose", "no_data", "not_understood", "unavailable"]
Intent = Literal[
    "value",
    "series",
    "compare",
    "rank",
    "total",
    "computed",
    "fact",
    "overview",
    "checks",
    "availability",
    "help",
]


@dataclass(frozen=True)
class Provenance:
    """Where a figure is printed: a table cell (table, row, column) or a sentence of the prose
    (section and sentence; table, row and column empty)."""

    title: str
    file: str
    table: str
    row: str
    column: str
    template: str
    section: str = ""
    sentence: str = ""

    def to_json(self) -> dict[str, str]:
        out = {
            "title": self.title,
            "file": self.file,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "template": self.template,
        }
        if self.sentence:
            out |= {"section": self.section, "sentence": self.sentence}
        return out


@dataclass(frozen=True)
class AnswerItem:
    """One figure of one report, or an aggregate over several (then agency is a region)."""

    agency: str
    region: str
    year: int
    key: str
    label: str
    value: Decimal | None
    unit: str
    source: Provenance | None = None
    flags: tuple[str, ...] = ()
    candidates: tuple[Decimal, ...] = ()
    agency_id: int | None = None  # carried so a chart never looks an agency up by its name
    printed: str = ""  # the report's own text when it differs from value + unit (251000元)
    computation: str = ""  # "" for a printed figure, else what was computed (yoy, sum, …)
    formula: str = ""
    parts: tuple[AnswerItem, ...] = ()

    def json_value(self) -> int | float | None:
        if self.value is None:
            return None
        if (
            self.unit != "万元"
            and self.unit != "%"
            and self.value == self.value.to_integral_value()
        ):
            return int(self.value)
        return float(self.value)

    def to_json(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "region": self.region,
            "year": self.year,
            "key": self.key,
            "label": self.label,
            "value": self.json_value(),
            "unit": self.unit,
            "source": self.source.to_json() if self.source else {},
            "flags": list(self.flags),
            **({"printed": self.printed} if self.printed else {}),
            **(
                {
                    "intent": self.computation,
                    "formula": self.formula,
                    "parts": [p.to_json() for p in self.parts],
                }
                if self.computation
                else {}
            ),
        }


@dataclass(frozen=True)
class Choice:
    """A button: short label plus a self-contained ASCII token for `Asker.resolve`."""

    label: str
    token: str
    agency: str = ""
    year: int | None = None
    key: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "agency": self.agency, "year": self.year, "key": self.key}


@dataclass
class Answer:
    question: str
    status: Status
    intent: Intent | None
    text: str
    answers: list[AnswerItem] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "intent": self.intent,
            "answers": [a.to_json() for a in self.answers],
            "choices": [c.to_json() for c in self.choices],
            "text": self.text,
        }


@dataclass(frozen=True)
class ChartSpec:
    """A chart to draw: "line" over years or "bar" over agencies; values None are gaps."""

    title: str
    kind: Literal["line", "bar"]
    x: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str
    source: str
    notes: tuple[str, ...] = ()  # warnings the text answer gives (a failing check), drawn too
