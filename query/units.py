"""One unit per kind of figure in every answer, chart, JSON line and export: table amounts in
万元, the information fees of the prose in 元 (docs/fields.md), counts in the unit the report
counts in (件, 条, 篇 …).

The store keeps a table amount in 万元 already (the parser converts "251000元"); a prose
amount keeps its printed unit. Either way the answer shows 万元 and, when the report printed
something else, the printed form: "25.1 万元（原表：251000元）".
"""

from __future__ import annotations

from decimal import Decimal

from parsers.fields import FIELDS
from query.source import FigureInfo, is_fact_key

AMOUNT_UNIT = "万元"
_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
# Prose facts with a unit of their own in docs/fields.md; other amounts are in 万元.
FACT_UNITS = {"text.fees_collected": "元"}


def canonical(key: str, figure: FigureInfo) -> tuple[Decimal | None, str, str]:
    """(value, unit, printed form or "") of a stored figure, in the canonical unit."""
    if is_fact_key(key):
        unit = figure.unit or ""
        if unit in _YUAN and figure.value is not None:
            target = FACT_UNITS.get(key, AMOUNT_UNIT if key.startswith("text.") else unit)
            value = (figure.value * _YUAN[unit] / _YUAN[target]).normalize()
            printed = "" if unit == target else f"{_plain(figure.value)}{unit}"
            return value, target, printed
        return figure.value, unit or "件", ""
    unit = FIELDS[key].unit
    printed = ""
    if figure.unit and figure.unit != unit and figure.raw:
        printed = figure.raw.strip()
    return figure.value, unit, printed


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text
