"""表四 with its blank cells lost (parsers/blanks.py), on 上海 2019's numbers as its print gives
them: a cell has a value only when every placement agrees and the prose states its group's
total; otherwise it is ambiguous with its candidates."""

from __future__ import annotations

from parsers.blanks import review_without_blanks
from parsers.fields import REVIEW_GROUPS
from parsers.layout import row_specs
from parsers.model import AMBIGUOUS

ROWS = [row_specs("2019", single_other=False)[group] for group, _ in REVIEW_GROUPS]
PRINTED = ["5", "2", "7", "8", "1", "9"]  # 维持 5, 尚未审结 2, 总计 7 | 维持 8, 尚未审结 1, 总计 9


def place(prose: dict[str, int]) -> dict[str, object]:
    found = review_without_blanks(ROWS, PRINTED, [int(r) for r in PRINTED], prose)
    assert found is not None
    return {key: cell.value for key, cell in found[0].items()}


def test_the_total_the_prose_states_is_read_and_the_rest_stays_ambiguous() -> None:
    values = place({"review.total": 7})
    assert values["review.total"] == 7
    assert [k for k, v in values.items() if v is not None] == ["review.total"]


def test_the_two_litigation_totals_are_told_apart_by_nothing() -> None:
    values = place({"review.total": 7, "litigation.total": 9})
    assert values["litigation.direct.total"] is None
    assert values["litigation.after_review.total"] is None


def test_without_the_prose_no_cell_is_given_a_value() -> None:
    """A blank cell and a number lost on the way look alike: placements that all agree (here
    on nothing, but a run of zeros would) are not enough without the report's own figure."""
    found = review_without_blanks(ROWS, PRINTED, [int(r) for r in PRINTED], {})
    assert found is not None
    cells, ambiguous = found
    assert ambiguous == 15 and all(AMBIGUOUS in c.flags for c in cells.values())


def test_zeros_agreeing_everywhere_still_need_the_prose() -> None:
    zeros = ["0"] * 10
    found = review_without_blanks(ROWS, zeros, [0] * 10, {"review.total": 0})
    assert found is not None
    cells = found[0]
    assert all(cells[k].value == 0 for k in ROWS[0].cells)
    assert all(cells[k].value is None for row in ROWS[1:] for k in row.cells)


def test_numbers_no_placement_fits_place_nothing() -> None:
    assert review_without_blanks(ROWS, ["5", "9"], [5, 9], {"review.total": 7}) is None
