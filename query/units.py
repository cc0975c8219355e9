"""One unit per kind of figure in every answer, chart, JSON line and export: amounts in 万元,
counts in the unit the report counts in (件, 条, 篇 …).

The store keeps a table amount in 万元 already (the parser converts "251000元"); a prose
amount keeps its printed unit. Either way the answer shows 万元 and, when the report printed
something else, the printed form: "25.1 万元（原表：251000元）".
"""

from __future__ import annotations

from decimal import Decimal

from parsers.fields import FIELDS
from query.source import FigureInfo, is_fact_key

AMOUNT_UNIT = "万元"
_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


def canonical(key: str, figure: FigureInfo) -> tuple[Decimal | None, str, str]:
    """(value, unit, printed form or "") of a stored figure, in the canonical unit."""
    if is_fact_key(key):
        unit = figure.unit or ""
        if unit in _TO_WAN and figure.value is not None:
            value = (figure.value * _TO_WAN[unit]).normalize()
            printed = "" if unit == AMOUNT_UNIT else f"{_plain(figure.value)}{unit}"
            return value, AMOUNT_UNIT, printed
        return figure.value, unit or "件", ""
    unit = FIELDS[key].unit
    printed = ""
    if figure.unit and figure.unit != unit and figure.raw:
        printed = figure.raw.strip()
    return figure.value, unit, printed


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text
