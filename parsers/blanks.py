"""Tables whose blank cells second-hand text lost: 表三's rows handed to the digit solver as
runs of whole numbers (`rows_without_blanks`), 表四 placed here (`review_without_blanks`).

上海 2019 leaves most of 表四 blank; printed and pasted in reading order (or split at the spaces
of column-preserving text) the row "5 _ 2 _ 7 | 8 _ _ 1 9 | _ _ _ _ _" comes out "5 2 7 8 1 9":
six numbers for fifteen cells, nothing telling which cells were blank. The numbers are still in
the table's order, so every placement of them, in order, into the three groups (行政复议,
未经复议直接起诉, 复议后起诉: five cells each) is a candidate when it keeps V4 — each group's
总计 the sum of its four results, a 总计 left blank being that sum — and the figures the prose
states (行政复议 N 件: review.total; 行政诉讼 N 件: litigation.total). A cell gets a value only
when every candidate gives it the same and the prose states its group's total (行政复议, or
the two 诉讼 groups): the text cannot tell a blank cell from a number lost, and the report's own
figure is what rules the lost numbers out. Otherwise the cell is ambiguous with its candidates
(上海's review.total is 7 in all of them; which results its 5 and 2 are, none can tell).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from parsers.fields import TemplateVersion, apply_rows
from parsers.model import AMBIGUOUS, BLANK, DERIVED, Cell, Number
from parsers.values import make_cell, parse_number

if TYPE_CHECKING:
    from parsers.layout import RowSpec


def rows_without_blanks(
    values: Mapping[str, list[str]], specs: Mapping[str, RowSpec]
) -> dict[str, str]:
    """表三's rows as runs of whole numbers when some row has fewer numbers than cells and none
    kept a blank cell: second-hand text split at its spaces lost the blanks (上海 2019 printed
    on A4 and pasted by pdftotext -layout, its columns unclear: "821 35 2 1 859"). The digit
    solver places each number whole, the cells between blank, under the rows' sums and V1/V2
    (`digits.place_whole`), as for the same text pasted without columns."""
    rows = {k: v for k, v in values.items() if k in specs and k.startswith(("apply.", "result."))}
    if not any(len(v) < len(specs[k].cells) for k, v in rows.items()):
        return {}
    if any(not v or any(parse_number(c) is None for c in v) for v in rows.values()):
        return {}  # a blank cell kept ("") or text among the numbers: not this case
    return {k: " ".join(v) for k, v in rows.items()}


# (printed text of each cell, "" where blank; value of each cell, a blank 总计 the sum)
Placement = tuple[tuple[str, ...], tuple[Number, ...]]


def review_without_blanks(
    rows: Sequence[RowSpec],
    raws: Sequence[str],
    values: Sequence[Number],
    prose: Mapping[str, Number],
) -> tuple[dict[str, Cell], int] | None:
    """(cells of 表四, how many are ambiguous) from fewer numbers than cells, or None when no
    placement fits. The groups are placed apart (the prose ties 直接起诉 to 复议后起诉 only
    through their sum), so a cell's candidates are the union over its group's placements that
    some placement of the others completes: at most 21 cuts of ten placements a group."""
    width = len(rows[0].cells)
    n = len(raws)
    if not 0 < n < width * len(rows):
        return None
    review, litigation = prose.get("review.total"), prose.get("litigation.total")
    printed: list[set[str]] = [set() for _ in range(width * len(rows))]
    options: list[set[Number]] = [set() for _ in range(width * len(rows))]

    def gather(g: int, group: tuple[Placement, ...]) -> None:
        """The group's placements into its cells' candidates, column by column (in C)."""
        raws_by_column = zip(*(p[0] for p in group), strict=True)
        values_by_column = zip(*(p[1] for p in group), strict=True)
        for c, (raw_column, value_column) in enumerate(
            zip(raws_by_column, values_by_column, strict=True)
        ):
            printed[g * width + c].update(raw_column)
            options[g * width + c].update(value_column)

    for a in range(min(width, n) + 1):
        first = _placements(tuple(raws[:a]), tuple(values[:a]), width)
        if review is not None:
            first = tuple(p for p in first if p[1][-1] == review)
        if not first:
            continue  # 行政复议 cannot take the first a numbers: no cut after them fits
        completed = False
        for b in range(min(width, n - a) + 1):
            if n - a - b > width:
                continue
            direct = _placements(tuple(raws[a : a + b]), tuple(values[a : a + b]), width)
            after = _placements(tuple(raws[a + b :]), tuple(values[a + b :]), width)
            if litigation is not None:
                direct, after = (
                    _summing(direct, after, litigation),
                    _summing(after, direct, litigation),
                )
            if direct and after:
                completed = True
                gather(1, direct)
                gather(2, after)
        if completed:
            gather(0, first)
    if not options[0]:
        return None
    keys = [key for row in rows for key in row.cells]
    stated = [review is not None] + [litigation is not None] * (len(rows) - 1)
    out: dict[str, Cell] = {}
    for i, (key, raw, values_) in enumerate(zip(keys, printed, options, strict=True)):
        if len(values_) > 1 or not stated[i // width]:
            out[key] = Cell(None, "", frozenset({AMBIGUOUS}), None, tuple(sorted(values_)))
            continue
        value = values_.pop()
        cell = make_cell(raw.pop(), amount=False) if len(raw) == 1 else None
        if cell is not None and cell.value == value:
            out[key] = cell  # printed (or blank) alike in every placement
        elif cell is not None:  # a 总计 left blank in every placement: the sum of its results
            out[key] = Cell(value, "", frozenset({BLANK, DERIVED}))
        else:  # printed in some placements, a blank 总计 summed in others: one value
            out[key] = Cell(value, "", frozenset())
    return out, sum(1 for c in out.values() if c.value is None)


def _summing(
    group: tuple[Placement, ...], others: tuple[Placement, ...], total: Number
) -> tuple[Placement, ...]:
    """The placements of `group` whose 总计 some placement of `others` completes to `total`."""
    wanted = {total - p[1][-1] for p in others}
    return tuple(p for p in group if p[1][-1] in wanted)


@lru_cache(maxsize=256)
def _placements(
    raws: tuple[str, ...], values: tuple[Number, ...], width: int
) -> tuple[Placement, ...]:
    """Every way to put a group's numbers, in order, into its cells that keeps its 总计 (the
    last cell) the sum of the others; a 总计 left blank is their sum."""
    out: list[Placement] = []
    for columns in itertools.combinations(range(width), len(raws)):
        printed = [""] * width
        cells: list[Number] = [0] * width
        for column, raw, value in zip(columns, raws, values, strict=True):
            printed[column] = raw
            cells[column] = value
        parts = sum(cells[:-1])
        if columns and columns[-1] == width - 1:
            if cells[-1] != parts:
                continue
        else:
            cells[-1] = parts
        out.append((tuple(printed), tuple(cells)))
    return tuple(out)


def totals_vouched(
    cells: dict[str, Cell], runs: Mapping[str, str], template: TemplateVersion, single_other: bool
) -> None:
    """The 总计 of 表三's result rows that printed no 总计 and lost their blanks ("14", "3 1":
    no placement, the columns unknown), from the table's own sum. Each such row's total is the
    sum of its numbers if none was lost on the way; a row with no numbers, 0. Counts are never
    negative, so when these totals and the printed ones add up to （七）总计's printed total
    exactly, nothing was lost: each is given its total (derived), which gives the groups theirs
    (上海 2019's 不予公开 35). Anything else — a row read ambiguously, text among its numbers,
    a sum short or over — gives nothing."""
    total = cells.get("result.total.total")
    if total is None or total.value is None or DERIVED in total.flags:
        return
    found: dict[str, Number] = {}
    read: Number = 0
    for row in apply_rows(template, single_other=single_other):
        if not row.is_result_leaf:
            continue
        cell = cells.get(f"{row.key}.total")
        if cell is not None:
            if cell.value is None:
                return  # read, but ambiguously: its total is not known
            read += cell.value
            continue
        if any(key.startswith(row.key + ".") for key in cells):
            return  # some of the row's cells read, its total not: not this case
        numbers = [parse_number(n) for n in runs.get(row.key, "").split()]
        if any(n is None or n.blank or n.value < 0 for n in numbers):
            return
        found[row.key] = sum((n.value for n in numbers if n is not None), 0)
    if found and read + sum(found.values()) == total.value:
        for key, value in found.items():
            cells[f"{key}.total"] = Cell(value, "", frozenset({DERIVED}))
