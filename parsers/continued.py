"""Ruled tables continued across a page break (the grids of `parsers.ruled`).

A table at the head of a page with the same columns as the one that ended the previous page is
that table's continuation. What the break did to it is mended here:

- a row split in two — the lines before the break at the foot of one page, the rest at the
  head of the next, "2" above and "6" below for a printed 26 — is joined back into one row.
  Word leaves the rules open at such a break; LibreOffice closes both halves, so the halves are
  also told by what they hold: the head row continues every cell of the foot row (numbers under
  numbers, a label's rest under a label) and starts no row of its own;
- a group label merged down the rows (三、本年度办理结果) and printed once is carried into the
  next page's empty cell, and a label wrapped over the break (（四）无 | 法提供) is joined on both
  pages when the halves make a label of the template.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from parsers.fields import TEMPLATES, apply_rows
from parsers.layout import norm, row_words
from parsers.values import parse_number

if TYPE_CHECKING:
    from parsers.ruled import Grid, GridCell

_SAME_COLUMN = 3.0  # points: column boundaries this close on two pages are the same
_HEAD = 0.2  # a continuation starts in the top fifth of its page
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A row label starts with its ordinal: 一、 （一） 1. — the rest of a wrapped label does not.
_ORDINAL_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、])"
)
# The labels merged down the rows of 表三: the result heading and its groups.
_GROUP = re.compile("本年度办理结果|不予公开|无法提供|不予处理|其他处理")
# Every row label of 表三, group and item (（四）无法提供, 2.重复申请…): for mending cut labels.
_TEMPLATE_LABELS = frozenset(
    part for template in TEMPLATES for row in apply_rows(template) for part in row.label.split(" ")
) | {"三、本年度办理结果"}


def mend(before: Grid, found: list[Grid], height: float) -> None:
    """Mend the first table of a page (`found[0]`) if it continues `before`, the table that
    ended the previous page. A head row that was all continuation leaves the table; a table
    that was nothing else leaves the page."""
    after = found[0]
    if not _continues(before, after, height):
        return
    if _split_row(before, after):
        _join_split_row(before, after)
        if after.n_rows == 0:
            found.pop(0)
            return
    _carry_merged_labels(before, after)


def _continues(before: Grid, after: Grid, height: float) -> bool:
    """Near the head of the page, with the same outer edges and column boundaries that are one
    table's: the rows either side of the break may merge different cells (a label spanning the
    columns of the labels below it), so one table's boundaries need only be among the other's."""
    if after.bbox[1] >= height * _HEAD:
        return False
    fewer, more = sorted((before.columns, after.columns), key=len)
    return (
        abs(fewer[0] - more[0]) < _SAME_COLUMN
        and abs(fewer[-1] - more[-1]) < _SAME_COLUMN
        and all(any(abs(x - y) < _SAME_COLUMN for y in more) for x in fewer)
    )


def _above(before: Grid, after: Grid, cell: GridCell) -> GridCell | None:
    """The cell of `before`'s last row over `cell` of `after` (by position: the two tables'
    columns may be cut differently)."""
    middle = (after.columns[cell.c0] + after.columns[cell.c1]) / 2
    for foot in before.cells:
        if (
            foot.r1 == before.n_rows
            and before.columns[foot.c0] <= middle <= before.columns[foot.c1]
        ):
            return foot
    return None


def _split_row(before: Grid, after: Grid) -> bool:
    """Whether the head row of `after` is the rest of the foot row of `before`."""
    head = [(cell, after.text(cell)) for cell in after.cells if cell.r0 == 0 and cell.r1 == 1]
    if any(_starts_row(text) for _, text in head if not _is_number(text)):
        return False
    if before.open_bottom and after.open_top:  # no rule at the break: a row goes on
        return True
    for cell, text in head:
        if not text:
            continue
        foot = _above(before, after, cell)
        above = before.text(foot) if foot is not None else ""
        if _is_number(text):
            if above and not _is_number(above):
                return False  # numbers under a header: a row of its own
        elif not above or _is_number(above) or (_names_row(above) and _names_row(text)):
            return False  # a label where none was, or two whole labels: two rows
    return True  # (an empty head row is the foot row's padding carried over)


def _join_split_row(before: Grid, after: Grid) -> None:
    """The head row's lines appended to the foot row's cells above them; the head row leaves
    `after` (cells merged down from it keep their other rows)."""
    kept: list[GridCell] = []
    for cell in after.cells:
        if cell.r0 == 0 and cell.r1 == 1:
            foot = _above(before, after, cell)
            if foot is not None:
                foot.lines = [*foot.lines, *cell.lines]
            continue
        cell.r0, cell.r1 = max(cell.r0 - 1, 0), cell.r1 - 1
        kept.append(cell)
    after.cells = kept
    after.n_rows -= 1


def _carry_merged_labels(before: Grid, after: Grid) -> None:
    """Group label cells cut by the page break: an empty cell under one inherits it; a label
    wrapped over the break is joined on both pages when the halves make a template label."""
    for cell in after.cells:
        foot = _above(before, after, cell) if cell.r0 == 0 else None
        if foot is None:
            continue
        above, text = before.text(foot), after.text(cell)
        if not text and _GROUP.search(norm(above)):
            cell.lines = list(foot.lines)
        elif (
            _CJK.search(above)
            and above + text in _TEMPLATE_LABELS
            and text not in _TEMPLATE_LABELS
        ):
            cell.lines = foot.lines = [*foot.lines, *cell.lines]


def _is_number(text: str) -> bool:
    return bool(text) and parse_number(text) is not None


def _starts_row(text: str) -> bool:
    return bool(_ORDINAL_START.match(text))


def _names_row(text: str) -> bool:
    """Whether the label text holds a template row's distinctive words (规章, 行政许可…)."""
    return row_words().search(norm(text)) is not None
