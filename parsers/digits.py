"""Splitting glued digit runs (`640020470` → 64,0,0,2,0,4,70) by the template's arithmetic.

Pure: no Document, no Cells. Each row's run is split into its cells in every way that reads as
numbers (no leading zeros) and keeps the row's own sums (总计 = the six applicant columns, each
表四 group's 总计); the table is then solved as one constraint problem over the rows (V1 勾稽关系,
V2 result rows = （七）总计, and figures the prose states). A cell is only given a value when every
solution agrees on it; otherwise it is ambiguous and its candidates are returned. Work is bounded:
past the budget, cells stay ambiguous rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from parsers.model import Number

SPLIT_LIMIT = 2000  # splits of one run before it counts as unbounded
NODE_BUDGET = 20000  # search nodes for the whole table
MAX_PLAIN_DECIMALS = 4  # 万元 to the yuan; a longer fraction in a glued run may hide a cell


@dataclass(frozen=True)
class RunRow:
    """One table row printed as a single digit run, and the rules its cells obey."""

    key: str
    cells: tuple[str, ...]
    run: str
    sums: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (total index, part indices)
    signed: frozenset[int] = frozenset()  # cells that may be negative (本年增/减)
    decimal: frozenset[int] = frozenset()  # cells that may have a fraction (amounts)


@dataclass(frozen=True)
class Equation:
    """sum(coefficient × cell) == const, over cells of any rows."""

    terms: tuple[tuple[str, int], ...]
    const: Number
    name: str = ""


@dataclass
class Solution:
    values: dict[str, Number] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # printed digits of each solved cell
    ambiguous: dict[str, tuple[Number, ...]] = field(default_factory=dict)
    dropped: list[Equation] = field(default_factory=list)  # constraints the runs contradict
    warnings: list[str] = field(default_factory=list)


Split = tuple[tuple[Number, str], ...]  # (value, printed token) per cell
_DIGITS = re.compile(r"[0-9]+")


def _token_value(token: str, *, signed: bool, decimal: bool) -> Number | None:
    body = token[1:] if signed and token.startswith("-") else token
    if not body or "-" in body:
        return None
    whole, dot, frac = body.partition(".")
    if not _DIGITS.fullmatch(whole) or (len(whole) > 1 and whole[0] == "0"):
        return None
    if dot:
        if not decimal or not _DIGITS.fullmatch(frac):
            return None
        return Decimal(token)
    if body != token and whole == "0":
        return None  # "-0"
    return int(token)


def split_run(row: RunRow, *, limit: int = SPLIT_LIMIT) -> list[Split] | None:
    """Every split of the run into the row's cells; spaces in the run are cell boundaries.

    Returns None when there are more than `limit` splits. If no split honours the spaces, the
    spaces are ignored (a crawler may also put them inside a cell).
    """
    compact = row.run.replace(" ", "")
    positions = []
    acc = 0
    for part in row.run.split()[:-1]:
        acc += len(part)
        positions.append(acc)
    for boundaries in (tuple(positions), ()):
        found = _splits(
            compact, len(row.cells), row.sums, row.signed, row.decimal, boundaries, limit
        )
        if found is None or found or not boundaries:
            return list(found) if found is not None else None
    return []


@lru_cache(maxsize=4096)
def _splits(
    s: str,
    n: int,
    sums: tuple[tuple[int, tuple[int, ...]], ...],
    signed: frozenset[int],
    decimal: frozenset[int],
    hard: tuple[int, ...],
    limit: int,
) -> tuple[Split, ...] | None:
    """Cached: most rows of a report are the same few runs ("0000000")."""
    totals = dict(sums)
    out: list[Split] = []
    vals: list[tuple[Number, str]] = [(0, "")] * n
    over = False
    # The first hard boundary after each position (cells cannot cross one).
    boundary_after = [min((h for h in hard if h > p), default=len(s)) for p in range(len(s) + 1)]

    def rec(i: int, p: int) -> None:
        nonlocal over
        if over:
            return
        if i == n:
            if p == len(s):
                out.append(tuple(vals))
                over = len(out) > limit
            return
        if len(s) - p < n - i:
            return
        stop = min(boundary_after[p], len(s) - (n - i - 1))
        if i in totals:
            target = sum(vals[j][0] for j in totals[i])
            token = str(target)
            end = p + len(token)
            if end <= stop and s.startswith(token, p):
                vals[i] = (target, token)
                rec(i + 1, end)
            return
        for end in range(p + 1, stop + 1):
            token = s[p:end]
            value = _token_value(token, signed=i in signed, decimal=i in decimal)
            if value is None:
                body = token.lstrip("-")
                if len(body) > 1 and body[0] == "0" and body[1] != ".":
                    break  # a leading zero only grows worse
                continue
            vals[i] = (value, token)
            rec(i + 1, end)

    rec(0, 0)
    return None if over else tuple(out)


def place_whole(row: RunRow, *, limit: int = SPLIT_LIMIT) -> list[Split] | None:
    """Every placement of the run's space-separated numbers, each whole and in order, in the
    row's cells, the cells between them printed blank: text that drops blank cells (a browser's
    print pasted without positions: 上海 2019's "821 35 2 1 859" for seven columns). Every total
    of the row must be printed, above 0 and the sum of its printed parts (one at least): counts
    are never negative, so the parts not printed are 0 whether they were blank or lost on the
    way (a row cut short, "767 35" of a Word print's 总计 805, is no placement; a lone "0" or
    "0 0" proves nothing). None past `limit`."""
    if not row.sums or row.signed:
        return []
    found = _placements(tuple(row.run.split()), len(row.cells), row.sums, row.signed,
                        row.decimal, limit)  # fmt: skip
    return list(found) if found is not None else None


@lru_cache(maxsize=1024)
def _placements(
    tokens: tuple[str, ...],
    n: int,
    sums: tuple[tuple[int, tuple[int, ...]], ...],
    signed: frozenset[int],
    decimal: frozenset[int],
    limit: int,
) -> tuple[Split, ...] | None:
    totals = dict(sums)
    out: list[Split] = []
    vals: list[tuple[Number, str]] = [(0, "")] * n
    over = False

    def rec(i: int, t: int) -> None:
        nonlocal over
        if over or n - i < len(tokens) - t:
            return
        if i == n:
            out.append(tuple(vals))
            over = len(out) > limit
            return
        target = sum(vals[j][0] for j in totals[i]) if i in totals else None
        if t < len(tokens):
            value = _token_value(tokens[t], signed=i in signed, decimal=i in decimal)
            printed = i not in totals or (value and any(vals[j][1] for j in totals[i]))
            if value is not None and (target is None or value == target) and printed:
                vals[i] = (value, tokens[t])
                rec(i + 1, t + 1)
        if target is None:  # a part printed blank; a total is never taken as blank
            vals[i] = (0, "")
            rec(i + 1, t)

    if not 0 < len(tokens) < n:
        return ()
    rec(0, 0)
    return None if over else tuple(out)


def _long_fraction(token: str) -> bool:
    return "." in token and len(token.partition(".")[2]) > MAX_PLAIN_DECIMALS


def solve(
    rows: Sequence[RunRow],
    structural: Sequence[Equation] = (),
    hints: Sequence[Equation] = (),
    *,
    budget: int = NODE_BUDGET,
) -> Solution:
    """Values of every cell the runs determine; the rest ambiguous with their candidates.

    `structural` equations (the template's arithmetic) are used together; if the runs cannot
    meet them all, the report is inconsistent and each row is split on its own. `hints` (prose
    figures) are added one at a time and kept only while a solution still exists.
    """
    solution = Solution()
    domains: dict[str, list[Split]] = {}
    unbounded: set[str] = set()
    for row in rows:
        splits = split_run(row)
        if splits == [] and row.sums and " " not in row.run.strip():
            # A glued run whose total is misprinted may still split one way only; a run with
            # spaces already shows its cells, and splitting its numbers would be a guess.
            splits = split_run(RunRow(row.key, row.cells, row.run, (), row.signed, row.decimal))
            if splits != []:
                solution.warnings.append(f"{row.key} 的数字串“{row.run}”不满足行合计，已按位拆分")
        if splits == []:
            splits = place_whole(row)  # fewer numbers than cells: the others printed blank
        if splits is None:
            unbounded.add(row.key)
            solution.warnings.append(f"{row.key} 的数字串“{row.run}”拆分方式过多，未取值")
            continue
        if not splits:
            solution.warnings.append(
                f"{row.key} 的数字串“{row.run}”无法拆分为 {len(row.cells)} 格"
            )
            continue
        domains[row.key] = splits
    by_row = {row.key: row for row in rows}
    cell_row = {cell: (row.key, i) for row in rows for i, cell in enumerate(row.cells)}

    def compiled(eqs: Sequence[Equation]) -> list[_Compiled]:
        usable = (
            e for e in eqs if all(cell_row.get(c, ("", 0))[0] in domains for c, _ in e.terms)
        )
        return [_compile(e, domains, cell_row) for e in usable]

    active = compiled(structural)
    if active and _search(domains, active, budget, first_only=True) == {}:
        solution.warnings.append("数字串无法同时满足表格的勾稽关系，已逐行拆分")
        solution.dropped.extend(c.equation for c in active)
        active = []
    for hint in compiled(hints):
        if not hint.per_row:  # every cell it names is already fixed: a plain comparison
            if hint.const != 0:
                solution.dropped.append(hint.equation)
            continue
        if _search(domains, [*active, hint], budget, first_only=True) == {}:
            solution.dropped.append(hint.equation)
        else:
            active.append(hint)
    used = _search(domains, active, budget, first_only=False)
    if used is None:
        solution.warnings.append("数字串组合过多，部分单元格未取值")
        used = {key: set(range(len(d))) for key, d in domains.items()}
    for key, splits in domains.items():
        chosen = [splits[i] for i in sorted(used.get(key, range(len(splits))))]
        row = by_row[key]
        # A long fraction may hide the next cell ("5949.088667" = 5949.08 | 8667), but a row of
        # one cell (the 2021 template's 本年收费金额) has no next cell: it is one number.
        alone = len(row.cells) == 1
        if len(chosen) == 1 and (alone or not any(_long_fraction(t) for _, t in chosen[0])):
            for cell, (value, token) in zip(row.cells, chosen[0], strict=True):
                solution.values[cell] = value
                solution.tokens[cell] = token
            continue
        for idx, cell in enumerate(row.cells):
            readings = {split[idx] for split in chosen}
            values = sorted({v for v, _ in readings})
            if len(values) == 1 and (alone or not any(_long_fraction(t) for _, t in readings)):
                solution.values[cell] = values[0]
                solution.tokens[cell] = next(iter(readings))[1]
            else:
                solution.ambiguous[cell] = _candidates(values, readings)
    for key in unbounded:
        for cell in by_row[key].cells:
            solution.ambiguous[cell] = ()
    return solution


def _candidates(values: list[Number], readings: set[tuple[Number, str]]) -> tuple[Number, ...]:
    """Candidate values; a long fraction also offers its two-decimal reading."""
    out = set(values)
    for value, token in readings:
        if _long_fraction(token):
            whole, _, frac = token.partition(".")
            out.add(Decimal(f"{whole}.{frac[:2]}"))
            out.add(value)
    return tuple(sorted(out))


@dataclass(frozen=True)
class _Compiled:
    """An equation with its fixed rows folded into the constant: sum(per_row choices) == const."""

    equation: Equation
    const: Number
    per_row: dict[str, list[Number]]  # row key → contribution of each of its splits


def _compile(
    eq: Equation, domains: dict[str, list[Split]], cell_row: dict[str, tuple[str, int]]
) -> _Compiled:
    const: Number = eq.const
    per_row: dict[str, list[Number]] = {}
    for cell, coef in eq.terms:
        key, idx = cell_row[cell]
        contributions = [split[idx][0] * coef for split in domains[key]]
        if len(contributions) == 1:
            const -= contributions[0]
            continue
        previous = per_row.get(key, [0] * len(contributions))
        per_row[key] = [a + b for a, b in zip(previous, contributions, strict=True)]
    return _Compiled(eq, const, per_row)


def _search(
    domains: dict[str, list[Split]],
    equations: Sequence[_Compiled],
    budget: int,
    *,
    first_only: bool,
) -> dict[str, set[int]] | None:
    """Split indices used by solutions of the equations: {} when none, None past the budget.

    Rows are tried smallest domain first; after each choice every equation the row touches is
    checked against what the remaining rows can still add (their min/max contributions).
    With `first_only`, stops at the first solution (a feasibility test).
    """
    if any(not eq.per_row and eq.const != 0 for eq in equations):
        return {}
    involved = sorted({k for eq in equations for k in eq.per_row}, key=lambda k: len(domains[k]))
    used: dict[str, set[int]] = {
        key: (set() if key in involved else set(range(len(d)))) for key, d in domains.items()
    }
    n_eq = len(equations)
    position = {key: i for i, key in enumerate(involved)}
    touched: list[list[tuple[int, list[Number]]]] = [[] for _ in involved]
    suffix_lo: list[list[Number]] = [[0] * n_eq for _ in range(len(involved) + 1)]
    suffix_hi: list[list[Number]] = [[0] * n_eq for _ in range(len(involved) + 1)]
    for e, eq in enumerate(equations):
        for key, contributions in eq.per_row.items():
            i = position[key]
            touched[i].append((e, contributions))
            suffix_lo[i][e] = min(contributions)
            suffix_hi[i][e] = max(contributions)
    for i in range(len(involved) - 1, -1, -1):
        for e in range(n_eq):
            suffix_lo[i][e] += suffix_lo[i + 1][e]
            suffix_hi[i][e] += suffix_hi[i + 1][e]
    const = [eq.const for eq in equations]
    if any(not (suffix_lo[0][e] <= const[e] <= suffix_hi[0][e]) for e in range(n_eq)):
        return {}
    partial: list[Number] = [0] * n_eq
    choice = [0] * len(involved)
    nodes = 0
    found = False

    def rec(i: int) -> bool:
        """False when the budget is spent."""
        nonlocal nodes, found
        nodes += 1
        if nodes > budget:
            return False
        if i == len(involved):
            found = True
            for k, key in enumerate(involved):
                used[key].add(choice[k])
            return True
        lo, hi = suffix_lo[i + 1], suffix_hi[i + 1]
        for d in range(len(domains[involved[i]])):
            # What the other rows must still add, within their reach (a loop: the search's
            # hottest line, where any() over a generator cost a third of its time).
            reachable = True
            for e, c in touched[i]:
                rest = const[e] - partial[e] - c[d]
                if rest < lo[e] or rest > hi[e]:
                    reachable = False
                    break
            if not reachable:
                continue
            for e, c in touched[i]:
                partial[e] += c[d]
            choice[i] = d
            alive = rec(i + 1)
            for e, c in touched[i]:
                partial[e] -= c[d]
            if not alive:
                return False
            if first_only and found:
                return True
        return True

    if not rec(0):
        return used if first_only and found else None
    return used if found else {}
