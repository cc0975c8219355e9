"""What OCR read is only as good as the template's arithmetic that vouches for it.

A misread digit breaks a sum: the row's six applicants no longer add up to its 总计, or a
column's results no longer add up to （七）总计. Every sum of the template (V1–V4, one equation
per row or column) is evaluated on its own. A cell read by OCR that lies in a failing equation
and in no passing one — or that the prose contradicts (W2) without a passing equation behind it —
is withheld: flagged `suspect`, value None, what OCR read kept as its candidate; so is one the
template sums but no complete, passing sum checks. A cell in a passing equation would need a
second misread that cancels the first exactly, in the same sum. (Cells no sum covers — 表二 —
are taken as read: nothing can check them.)
An equation with a total filled from its parts (printed blank) holds by construction: it
vouches for nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from parsers.derived import derive
from parsers.fields import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS, apply_rows
from parsers.layout import Layout
from parsers.model import DERIVED, OCR, SUSPECT, Cell, CheckResult, Number

Equation = tuple[tuple[str, int], ...]  # (key, coefficient): the terms add up to 0


def equations(template: str, single_other: bool) -> Iterator[Equation]:
    """Every sum the template prints, one per column (V1, V2) or row (V3, V4)."""
    rows = apply_rows(template, single_other=single_other)  # type: ignore[arg-type]
    leaves = [r.key for r in rows if r.is_result_leaf]
    for col, _ in APPLICANT_COLUMNS:
        yield (
            (f"apply.new.{col}", 1),
            (f"apply.carried_in.{col}", 1),
            (f"result.total.{col}", -1),
            (f"apply.carried_forward.{col}", -1),
        )
        yield ((f"result.total.{col}", 1), *((f"{leaf}.{col}", -1) for leaf in leaves))
    cols = [c for c, _ in APPLICANT_COLUMNS]
    for row in rows:
        if not row.derived:
            yield ((f"{row.key}.total", 1), *((f"{row.key}.{c}", -1) for c in cols[:-1]))
    review = [c for c, _ in REVIEW_COLUMNS]
    for group, _ in REVIEW_GROUPS:
        yield ((f"{group}.total", 1), *((f"{group}.{c}", -1) for c in review[:-1]))


def _holds(cells: Mapping[str, Cell], equation: Equation) -> bool | None:
    """True or False, or None when a cell is missing or has no value."""
    total: Number = 0
    for key, sign in equation:
        cell = cells.get(key)
        if cell is None or cell.value is None:
            return None
        total += sign * cell.value
    return total == 0


def withhold_misreads(layout: Layout, checks: Sequence[CheckResult]) -> list[str]:
    """Withhold the OCR cells the arithmetic does not vouch for (see the module docstring);
    derived cells built on them follow. Returns the keys withheld."""
    cells = layout.cells
    if not any(OCR in c.flags for c in cells.values()):
        return []
    vouched: set[str] = set()
    doubted: set[str] = set()
    summed: set[str] = set()  # every cell some sum of the template holds
    evaluated = []
    for equation in equations(layout.template, layout.single_other):
        keys = [key for key, _ in equation]
        summed.update(keys)
        verdict = _holds(cells, equation)
        if verdict is None:
            continue
        evaluated.append(equation)
        if not verdict:
            doubted.update(keys)
        elif not any(DERIVED in cells[key].flags for key in keys):
            vouched.update(keys)  # a total filled from its parts holds by construction
    for check in checks:
        if not check.ok and check.rule in ("V5", "W2"):
            doubted.update(check.keys)
    # A cell the template sums that no sum vouches for (its sums fail, or none is complete) is
    # withheld: arithmetic that cannot check a cell cannot vouch for it either.
    unsure = (doubted - vouched) | {
        k for k in summed - vouched if k in cells and DERIVED not in cells[k].flags
    }
    suspect = {k for k in unsure if k in cells and OCR in cells[k].flags}
    # A total filled from its parts stands or falls with them.
    for equation in evaluated:
        keys = [key for key, _ in equation]
        if suspect.intersection(keys):
            suspect.update(k for k in keys if DERIVED in cells[k].flags)
    for key in suspect:
        cell = cells[key]
        read = () if cell.value is None else (cell.value,)
        cells[key] = replace(cell, value=None, flags=cell.flags | {SUSPECT}, candidates=read)
    if suspect:
        derive(layout)
    return sorted(suspect)
