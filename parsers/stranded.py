"""表三 read back from a browser's print in reading order: first numbers stranded among labels.

A PDF viewer's copy or `pdftotext` without -layout (平潭 2023 printed by chromium) gives 表三
one cell a line, rows in the template's order, except that a row whose label wraps over several
lines may lose its first number — the one printed beside the label — into the label text, where
it comes out later, alone between label words ("2.其他法律行政法规禁 / 0 / 止公开"). The row's
other six numbers stay in order. Such a number cannot be placed by order, but the row's own sum
tells what it was: 自然人 = 总计 − the five other columns.

A reading here takes the numbers in order, row after row; any number standing alone between
labels may be set aside as stranded, and a row may then lack its first number, which its sum
gives. The numbers set aside must be, as a multiset, exactly the first numbers the short rows
need (the order they come in is not assumed). Every row keeps its sum; the caller
(`parsers.sequence`, when no reading in order fits) then keeps only readings whose columns keep
V1 and V2, and places nothing when none does. A cell gets a value only when every reading
agrees; otherwise it is ambiguous with its candidates.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from parsers.layout import RowSpec
from parsers.model import Number

if TYPE_CHECKING:
    from parsers.sequence import RawReading, Token

# Rows tried (a row's numbers from one place, some set aside) before the reading counts as
# unbounded: 平潭 2023's prints take 406 (A4) and 1,277 (Letter); a text with every number alone
# between label words would take exponentially many (20,000: about 40 CPU ms).
BUDGET = 20_000
Balance = tuple[tuple[Number, int], ...]  # stranded numbers set aside (+) or needed (−), sorted


def stranded_readings(
    rows: Sequence[RowSpec], toks: Sequence[Token], *, limit: int, budget: int = BUDGET
) -> list[RawReading] | None:
    """Every distinct reading of `toks` as `rows` with first numbers stranded, or None past
    `limit` readings or `budget` rows tried. Only rows whose total is the sum of all the other
    cells can lose a number."""
    widths = [len(r.cells) for r in rows]
    if sum(widths) != len(toks) or not all(_first_told(r) for r in rows):
        return []
    chunk_sizes: dict[int, int] = {}
    for t in toks:
        chunk_sizes[t.chunk] = chunk_sizes.get(t.chunk, 0) + 1
    lone = [i for i, t in enumerate(toks) if chunk_sizes[t.chunk] == 1]
    values = [t.value for t in toks]
    before = list(itertools.accumulate(values, initial=0))  # sum of the values before each
    lone_left: dict[Number, list[int]] = {}  # per value: its lone numbers at or after each
    for v in {values[i] for i in lone}:
        counts = list(itertools.accumulate((values[i] == v for i in reversed(lone)), initial=0))
        lone_left[v] = counts[::-1]
    n = len(rows)
    memo: dict[tuple[int, int, Balance], list[RawReading] | None] = {}

    def picks(p: int, k: int) -> Iterator[tuple[int, tuple[int, ...], Number]]:
        """Rows of k numbers from p on, lone numbers before the last possibly set aside (those
        after it go with the next row): (end, set aside, last number − the others taken)."""
        first = bisect.bisect_left(lone, p)
        for skips in itertools.count():
            end = p + k + skips
            if end > len(toks):
                return
            last = bisect.bisect_left(lone, end - 1, first)
            if last - first < skips:
                return  # the window grows by one number a step, its lone ones by at most one
            others = before[end - 1] - before[p]
            for aside in itertools.combinations(lone[first:last], skips):
                yield end, aside, values[end - 1] - others + sum(map(values.__getitem__, aside))

    def row_raws(p: int, end: int, aside: tuple[int, ...]) -> RawReading:
        return tuple(toks[i].raw for i in range(p, end) if i not in aside)

    work = 0

    def rest(r: int, p: int, balance: Balance) -> list[RawReading] | None:
        nonlocal work
        if r == n:
            left = range(p, len(toks))
            ends_lone = len(left) == len(lone) - bisect.bisect_left(lone, p)
            return [()] if ends_lone and not _moved(balance, [values[i] for i in left]) else []
        key = (r, p, balance)
        if key in memo:
            return memo[key]
        out: dict[RawReading, None] = {}
        width = widths[r]
        for k in (width, width - 1):
            for end, aside, gap in picks(p, k):
                work += 1
                if work > budget:
                    raise _OverBudget
                if gap < 0 or (k == width and gap != 0):
                    continue  # the row's total is not the sum of its other numbers
                needed = [gap] if k < width else []
                moved = _moved(balance, [values[i] for i in aside], needed)
                after = bisect.bisect_left(lone, end)
                spare = sum(c for _, c in moved if c > 0)
                if spare > n - r - 1 or any(
                    c < 0 and (v not in lone_left or lone_left[v][after] < -c) for v, c in moved
                ):
                    continue  # too few rows left to use what was set aside, or too few numbers
                tails = rest(r + 1, end, moved)
                if tails is None:
                    memo[key] = None
                    return None
                raws = tuple(str(v) for v in needed) + row_raws(p, end, aside)
                for tail in tails:
                    out[raws + tail] = None
                if len(out) > limit:
                    memo[key] = None
                    return None
        memo[key] = list(out)
        return memo[key]

    try:
        return rest(0, 0, ())
    except _OverBudget:
        return None


class _OverBudget(Exception):
    """More rows tried than the budget allows: numbers of many lone lines, nothing placed."""


def _first_told(spec: RowSpec) -> bool:
    """The row's last cell is the sum of all the others (表三's rows: 总计 of six columns)."""
    last = len(spec.cells) - 1
    return spec.sums == ((last, tuple(range(last))),)


def _moved(balance: Balance, supplied: Sequence[Number], needed: Sequence[Number] = ()) -> Balance:
    """The balance after numbers set aside and the first numbers short rows need."""
    if not supplied and not needed:
        return balance
    counts = dict(balance)
    for v in supplied:
        counts[v] = counts.get(v, 0) + 1
    for v in needed:
        counts[v] = counts.get(v, 0) - 1
    return tuple(sorted((v, c) for v, c in counts.items() if c))
