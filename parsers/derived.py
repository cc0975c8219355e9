"""Cells a report does not print but the template defines: group sums (（三）不予公开 = its
eight sub-rows), litigation.total, and totals printed blank filled from their parts. Run after
the printed cells are placed, and again after cells were withheld (`parsers.trust`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from parsers.fields import (
    APPLICANT_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TemplateVersion,
    apply_rows,
)
from parsers.model import AMBIGUOUS, BLANK, DERIVED, OCR, Cell, Number

if TYPE_CHECKING:
    from parsers.layout import Layout

_SECTION_OF = {
    "proactive": "二", "apply": "三", "result": "三", "review": "四", "litigation": "四"
}  # fmt: skip


def _sections(cells: Mapping[str, Cell]) -> set[str]:
    """The sections the cells' keys belong to (by the word before a key's first dot)."""
    heads = {key.partition(".")[0] for key in cells if "." in key}  # a few, of ~250 keys
    return {_SECTION_OF[head] for head in heads if head in _SECTION_OF}


def _sum_cells(parts: Sequence[Cell | None]) -> Cell | None:
    """A derived cell: the sum of its parts, ambiguous if any part is. One pass over the parts:
    derive sums some fifty groups a report, twice when the order places sections."""
    total: Number = 0
    read_by_ocr: set[str] = set()
    ambiguous = False
    for p in parts:
        if p is None:
            return None
        if OCR in p.flags:
            read_by_ocr = {OCR}
        if p.value is None:
            ambiguous = True
        else:
            total += p.value
    if ambiguous:
        return Cell(None, "", frozenset({DERIVED, AMBIGUOUS, *read_by_ocr}))
    return Cell(total, "", frozenset({DERIVED, *read_by_ocr}))


def _fill_blank_total(cells: dict[str, Cell], total_key: str, part_keys: Sequence[str]) -> None:
    """A total printed empty while its parts are not: take the sum of the parts."""
    total = cells.get(total_key)
    if total is None or BLANK not in total.flags:
        return  # most totals: printed, or absent
    parts = [cells.get(k) for k in part_keys]
    if any(p is None for p in parts):
        return
    values = [p.value for p in parts if p is not None]
    if any(v is None for v in values) or not any(values):
        return
    cells[total_key] = Cell(
        sum((v for v in values if v is not None), 0),
        total.raw,
        frozenset({BLANK, DERIVED} | (total.flags & {OCR})),
    )


@lru_cache(maxsize=8)
def _derivation(
    template: TemplateVersion, single_other: bool
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(blank totals and their parts, group sums and their sub-rows' cells) in the order
    `derive` fills them: the keys are the same for every report of a template."""
    rows = apply_rows(template, single_other=single_other)
    cols = [c for c, _ in APPLICANT_COLUMNS]
    fills: list[tuple[str, tuple[str, ...]]] = []
    for row in rows:
        if not row.derived:
            fills.append((f"{row.key}.total", tuple(f"{row.key}.{c}" for c in cols[:-1])))
    leaves = [r.key for r in rows if r.is_result_leaf]
    for col in cols:
        fills.append((f"result.total.{col}", tuple(f"{k}.{col}" for k in leaves)))
    for group, _ in REVIEW_GROUPS:
        fills.append((f"{group}.total", tuple(f"{group}.{c}" for c, _ in REVIEW_COLUMNS[:-1])))
    sums: list[tuple[str, tuple[str, ...]]] = []
    for row in rows:
        if row.derived:
            subs = [r.key for r in rows if r.key.startswith(row.key + ".")]
            sums += [(f"{row.key}.{col}", tuple(f"{k}.{col}" for k in subs)) for col in cols]
    return tuple(fills), tuple(sums)


def derive(layout: Layout) -> None:
    """The sections found; blank totals from their parts, then group sums and litigation.total.
    Run again after cells were withheld (parsers.trust): their sums must not stand."""
    layout.sections = _sections(layout.cells)
    cells = layout.cells
    fills, sums = _derivation(layout.template, layout.single_other)
    for total_key, part_keys in fills:
        _fill_blank_total(cells, total_key, part_keys)
    for key, part_keys in sums:
        derived = _sum_cells([cells.get(k) for k in part_keys])
        if derived is not None:
            cells[key] = derived
    lit = _sum_cells(
        [cells.get("litigation.direct.total"), cells.get("litigation.after_review.total")],
    )
    if lit is not None:
        cells["litigation.total"] = lit
