"""Splitting glued digit runs: every reading, the table's arithmetic, and never a guess."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.digits import Equation, RunRow, place_whole, solve, split_run

COLS = tuple(f"r.{c}" for c in ("a", "b", "c", "d", "e", "f", "total"))
ROW_SUM = ((6, (0, 1, 2, 3, 4, 5)),)


def applicant_row(key: str, run: str) -> RunRow:
    return RunRow(key, (*(f"{key}.{c}" for c in "abcdef"), f"{key}.total"), run, ROW_SUM)


def values(splits: list | None) -> list[tuple]:  # type: ignore[type-arg]
    assert splits is not None
    return [tuple(v for v, _ in split) for split in splits]


def test_row_total_fixes_a_run_with_one_reading() -> None:
    assert values(split_run(RunRow("r", COLS, "640020470", ROW_SUM))) == [(64, 0, 0, 2, 0, 4, 70)]


def test_spaces_are_cell_boundaries_when_they_can_be() -> None:
    run = RunRow("r", COLS, "23 0 00 0 023", ROW_SUM)
    assert values(split_run(run)) == [(23, 0, 0, 0, 0, 0, 23)]
    # No split keeps "1 2" apart as two cells of one... so the spaces are dropped.
    loose = RunRow("x", ("x.a", "x.b"), "1 2 3")
    assert values(split_run(loose)) == [(1, 23), (12, 3)]


def test_fewer_numbers_than_cells_are_placed_whole_with_blank_cells_between() -> None:
    """上海 2019 pasted without positions: "821 35 2 1 859" for seven columns. Each number
    stays whole and in order, the cells between are 0; the printed total must be the sum."""
    placed = values(place_whole(applicant_row("r", "821 35 2 1 859")))
    assert len(placed) == 15  # four of the six applicant columns
    assert (821, 35, 0, 0, 2, 1, 859) in placed and {p[6] for p in placed} == {859}
    assert values(place_whole(applicant_row("r", "18 18"))) == [
        tuple(18 if i in (c, 6) else 0 for i in range(7)) for c in range(6)
    ]
    # No printed total, or one that is not the sum: numbers may have been lost, not blank
    # (a Word print pasted by pdftotext -raw cuts 总计's row to "767 35").
    assert place_whole(applicant_row("r", "767 35")) == []
    assert place_whole(applicant_row("r", "258 12 1 1")) == []
    assert (
        place_whole(applicant_row("r", "0")) == [] and place_whole(applicant_row("r", "0 0")) == []
    )
    assert place_whole(applicant_row("r", "1 2 3 4 5 6 21")) == []  # as many as cells
    assert place_whole(RunRow("p", ("p.a", "p.b", "p.c"), "4 5")) == []  # no sum to check


def test_column_rules_place_the_numbers_of_a_row_printed_without_its_blanks() -> None:
    full = applicant_row("x", "4 0 0 0 0 0 4")
    short = applicant_row("y", "4 4")
    same = [Equation(((f"x.{c}", 1), (f"y.{c}", -1)), 0) for c in (*"abcdef", "total")]
    solution = solve([full, short], same)
    assert [solution.values[f"y.{c}"] for c in (*"abcdef", "total")] == [4, 0, 0, 0, 0, 0, 4]
    assert solution.tokens["y.a"] == "4" and solution.tokens["y.b"] == ""
    # Alone, the 4 may stand in any of the six columns: only the total is known.
    alone = solve([short])
    assert alone.values["y.total"] == 4 and alone.ambiguous["y.a"] == (0, 4)


def test_leading_zeros_are_not_numbers() -> None:
    assert values(split_run(RunRow("x", ("x.a", "x.b"), "0012"))) == []
    assert values(split_run(RunRow("x", ("x.a", "x.b", "x.c"), "000"))) == [(0, 0, 0)]


def test_decimals_only_in_amount_cells_and_signs_only_in_delta() -> None:
    row = RunRow("p", ("p.items", "p.amount"), "612.5", decimal=frozenset({1}))
    assert values(split_run(row)) == [(6, Decimal("12.5")), (61, Decimal("2.5"))]
    delta = RunRow("d", ("d.prev", "d.delta", "d.decisions"), "5-27", signed=frozenset({1}))
    assert values(split_run(delta)) == [(5, -2, 7)]


def test_too_many_splits_is_reported_as_unbounded() -> None:
    row = RunRow("x", tuple(f"x.{i}" for i in range(6)), "123456789123")
    assert split_run(row, limit=10) is None


def test_table_four_groups_each_keep_their_total() -> None:
    cells = tuple(f"g{g}.{c}" for g in range(3) for c in "abcdt")
    sums = ((4, (0, 1, 2, 3)), (9, (5, 6, 7, 8)), (14, (10, 11, 12, 13)))
    assert values(split_run(RunRow("four", cells, "10203120001200000", sums))) == [
        (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)
    ]


def _v2(total: str, leaves: list[str]) -> list[Equation]:
    cols = ("a", "b", "c", "d", "e", "f", "total")
    return [
        Equation(((f"{total}.{c}", 1), *((f"{leaf}.{c}", -1) for leaf in leaves)), 0, "V2")
        for c in cols
    ]


def test_column_sums_decide_between_row_readings() -> None:
    rows = [
        applicant_row("public", "270020130"),  # 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30
        applicant_row("unable", "220000325"),  # 22,0,0,0,0,3,25 or 2,20,0,0,0,3,25
        applicant_row("total", "490020455"),
    ]
    alone = solve(rows)
    assert alone.ambiguous["public.a"] == (2, 27)
    assert alone.values["public.total"] == 30
    together = solve(rows, _v2("total", ["public", "unable"]))
    assert together.values["public.a"] == 27 and together.values["unable.a"] == 22
    assert together.ambiguous == {}


def test_inconsistent_table_falls_back_to_rows_alone_with_a_warning() -> None:
    rows = [applicant_row("public", "3000003"), applicant_row("total", "5000005")]
    solved = solve(rows, _v2("total", ["public"]))
    assert solved.values["public.total"] == 3 and solved.values["total.total"] == 5
    assert solved.warnings == ["数字串无法同时满足表格的勾稽关系，已逐行拆分"]
    assert [eq.name for eq in solved.dropped] == ["V2"] * 7


def test_prose_hint_fixes_a_cell_and_a_contradicting_hint_is_dropped() -> None:
    row = RunRow("n", ("n.issued", "n.repealed", "n.valid"), "77132470")
    hints = [Equation((("n.issued", 1),), 77, "issued"), Equation((("n.valid", 1),), 393, "valid")]
    solved = solve([row], hints=hints)
    assert solved.values["n.issued"] == 77
    assert solved.ambiguous["n.valid"] == (0, 70, 470, 2470, 32470)
    assert [eq.name for eq in solved.dropped] == ["valid"]


def test_long_fraction_alone_in_its_row_is_one_number() -> None:
    """The 2021 template's fee row has one cell: no next cell can hide in "24252.311082" (the
    HTML page of 平潭 2023 prints its fee as 5949.088667 in a cell of its own)."""
    row = RunRow("f", ("f.amount",), "24252.311082", decimal=frozenset({0}))
    solved = solve([row])
    assert solved.values == {"f.amount": Decimal("24252.311082")}
    assert solved.ambiguous == {}


def test_long_fraction_with_a_cell_after_it_stays_ambiguous() -> None:
    row = RunRow("p", ("p.items", "p.amount"), "35949.088667", decimal=frozenset({1}))
    solved = solve([row])
    assert "p.amount" in solved.ambiguous


def test_search_past_its_budget_leaves_cells_ambiguous() -> None:
    rows = [applicant_row(f"r{i}", "110000011") for i in range(8)]  # 11,0… or 1,10,…
    rows.append(applicant_row("t", "880000088"))
    solved = solve(rows, _v2("t", [f"r{i}" for i in range(8)]), budget=5)
    assert solved.warnings == ["数字串组合过多，部分单元格未取值"]
    assert solved.ambiguous["r0.a"] == (1, 11)
    assert solved.values["r0.total"] == 11  # the same in every reading


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), min_size=6, max_size=6))
def test_the_printed_reading_is_always_among_the_splits(parts: list[int]) -> None:
    printed = (*parts, sum(parts))
    run = "".join(str(v) for v in printed)
    splits = split_run(RunRow("r", COLS, run, ROW_SUM), limit=100_000)
    assert printed in values(splits)


def test_a_run_that_breaks_its_row_total_is_split_without_it_and_said_so() -> None:
    solved = solve([applicant_row("r", "1111115")])
    assert [solved.values[f"r.{c}"] for c in ("a", "f", "total")] == [1, 1, 5]
    assert solved.warnings == ["r 的数字串“1111115”不满足行合计，已按位拆分"]


@st.composite
def consistent_table(draw: st.DrawFn) -> dict[str, list[int]]:
    """A 2019-template 表三 (every row: six columns and their 总计) obeying V1, V2 and V3."""
    from parsers.fields import apply_rows

    small = st.integers(min_value=0, max_value=25)
    mostly_zero = st.one_of(st.just(0), st.just(0), small)
    table: dict[str, list[int]] = {}
    leaves = [r.key for r in apply_rows("2019") if r.is_result_leaf]
    for leaf in leaves:
        table[leaf] = [draw(mostly_zero) for _ in range(6)]
    total = [sum(table[leaf][c] for leaf in leaves) for c in range(6)]
    forward = [draw(st.integers(min_value=0, max_value=3)) for _ in range(6)]
    new = [
        draw(st.integers(min_value=0, max_value=t + f))
        for t, f in zip(total, forward, strict=True)
    ]
    table["result.total"] = total
    table["apply.carried_forward"] = forward
    table["apply.new"] = new
    table["apply.carried_in"] = [t + f - n for t, f, n in zip(total, forward, new, strict=True)]
    return {key: [*row, sum(row)] for key, row in table.items()}


@settings(max_examples=40, deadline=None)
@given(consistent_table())
def test_solved_cells_are_never_confidently_wrong(table: dict[str, list[int]]) -> None:
    from parsers.layout import _structural_equations, row_specs

    specs = row_specs("2019", single_other=False)
    runs = {key: "".join(map(str, row)) for key, row in table.items()}
    rows = [RunRow(k, specs[k].cells, run, specs[k].sums) for k, run in runs.items()]
    solved = solve(rows, _structural_equations("2019", False, runs))
    truth = {
        cell: value
        for k, row in table.items()
        for cell, value in zip(specs[k].cells, row, strict=True)
    }
    for cell, value in solved.values.items():
        assert value == truth[cell], cell
    for cell, candidates in solved.ambiguous.items():
        assert not candidates or truth[cell] in candidates, cell
    assert solved.values.keys() | solved.ambiguous.keys() == truth.keys()
