"""Rows of a table wider than the page: cells past the paper's edge were never printed.

The PDF reader marks such cells OFF_PAGE (`parsers.ruled`). The printed values of the row keep
their places counted from the side the cut spared (the first cells when the right edge is cut,
the last when the left is); a row total cut off is the sum of its printed parts, flagged
derived; any other cell cut off is missing — never blank, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parsers.document import OFF_PAGE
from parsers.model import DERIVED, Cell, Number
from parsers.values import make_cell

if TYPE_CHECKING:
    from parsers.layout import RowSpec


@dataclass
class CutRow:
    """What a cut row gives: its cells by key, the keys cut off, the totals derived."""

    cells: dict[str, Cell] = field(default_factory=dict)
    off_page: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)


def cut_row(spec: RowSpec, values: Sequence[str]) -> CutRow | None:
    """The row's cells from its printed values, or None when every cell of it was printed."""
    n = len(spec.cells)
    if values[-1] == OFF_PAGE:
        printed, start = values[: values.index(OFF_PAGE)], 0
    else:
        printed = values[len(values) - list(reversed(values)).index(OFF_PAGE) :]
        start = n - len(printed)
    if len(printed) >= n:
        return None
    read: dict[int, Cell] = {}
    for i, raw in enumerate(printed, start):
        cell = make_cell(raw, amount=i in spec.amounts)
        if cell is not None:
            read[i] = cell
    out = CutRow()
    for total, parts in spec.sums:
        if total not in read and all(p in read and read[p].value is not None for p in parts):
            value: Number = sum((read[p].value or 0 for p in parts), 0)
            read[total] = Cell(value, "", frozenset({DERIVED}))
            out.derived.append(spec.cells[total])
    for i, key in enumerate(spec.cells):
        if i in read:
            out.cells[key] = read[i]
        else:
            out.off_page.append(key)
    return out


def off_page_warning(derived: int, missing: int) -> str:
    """The note on a report whose tables ran past the page."""
    said = [f"{derived} 个“总计”由同行各项相加得出"] if derived else []
    said += [f"{missing} 个单元格未取值"] if missing else []
    return "表格超出页面边缘，部分列未印在页面上：" + "，".join(said)
