"""Ruling lines → table shapes: the cells the rules of a page close off.

`parsers.ruled` fills the shapes with words; a table cut by a page break is closed first
(`closed_ruling`), so its first and last rows are cells too.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

EDGE_GAP = 3.0  # points: rules closer than this are one rule; ends this close meet
_MIN_RULE = 3.0  # points: shorter strokes are glyph parts or dots, not ruling
_MAX_EDGE_PAIRS = 250_000  # rule pairs examined when closing open tables (a page of charts)


class Rule(NamedTuple):
    """A horizontal (top == bottom) or vertical (x0 == x1) ruling line, top-left origin."""

    x0: float
    top: float
    x1: float
    bottom: float


def closed_ruling(horizontal: list[Rule], vertical: list[Rule]) -> list[Rule]:
    """The horizontal rules plus the ones a table cut by a page break lacks.

    A table continued from the previous page has no top rule; its vertical rules still show
    where the first row starts, so the missing rule is added there (and likewise at the bottom).
    """
    closing: list[Rule] = []
    if len(vertical) * len(horizontal) > _MAX_EDGE_PAIRS:  # a drawing, not a table
        return horizontal
    for v in vertical:
        crossing = [
            h.top
            for h in horizontal
            if h.x0 - EDGE_GAP <= v.x0 <= h.x1 + EDGE_GAP
            and v.top - EDGE_GAP <= h.top <= v.bottom + EDGE_GAP
        ]
        if not crossing:
            continue
        for y, open_end in ((v.top, min(crossing) - v.top), (v.bottom, v.bottom - max(crossing))):
            if open_end > 2 * EDGE_GAP:
                closing.append(_horizontal_at(y, horizontal, v.x0))
    return horizontal + closing


def _horizontal_at(y: float, horizontal: Sequence[Rule], x: float) -> Rule:
    """A synthetic rule at height `y` as wide as the widest rule through `x`."""
    through = [h for h in horizontal if h.x0 - EDGE_GAP <= x <= h.x1 + EDGE_GAP]
    return Rule(min(h.x0 for h in through), y, max(h.x1 for h in through), y)


def _snap(values: list[float]) -> dict[float, float]:
    """Positions within EDGE_GAP of their neighbour snapped to their cluster's mean."""
    out: dict[float, float] = {}
    cluster: list[float] = []
    for v in sorted(set(values)):
        if cluster and v - cluster[-1] > EDGE_GAP:
            mean = sum(cluster) / len(cluster)
            out.update(dict.fromkeys(cluster, mean))
            cluster = []
        cluster.append(v)
    if cluster:
        out.update(dict.fromkeys(cluster, sum(cluster) / len(cluster)))
    return out


_Edge = tuple[float, float, float]  # position, start, end


def _joined(spans: dict[float, list[tuple[float, float]]]) -> list[_Edge]:
    """Collinear pieces at each position joined where they overlap or nearly touch, as
    (position, start, end); pieces shorter than a rule dropped."""
    out: list[_Edge] = []
    for pos, pieces in spans.items():
        pieces.sort()
        start, end = pieces[0]
        for a, b in pieces[1:]:
            if a <= end + EDGE_GAP:
                end = max(end, b)
            else:
                out.append((pos, start, end))
                start, end = a, b
        out.append((pos, start, end))
    return [e for e in out if e[2] - e[1] >= _MIN_RULE]


@dataclass
class Shape:
    """A table's geometry: boundary positions and its cells as index rectangles."""

    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]]  # row0, row1, col0, col1 (exclusive ends)


def table_shapes(horizontal: Sequence[Rule], vertical: Sequence[Rule]) -> list[Shape]:
    """The ruled tables of a page: cells are the regions the rules close off."""
    if not horizontal or not vertical:
        return []
    ysnap = _snap([h.top for h in horizontal])
    xsnap = _snap([v.x0 for v in vertical])
    hspans: dict[float, list[tuple[float, float]]] = {}
    for h in horizontal:
        hspans.setdefault(ysnap[h.top], []).append((h.x0, h.x1))
    vspans: dict[float, list[tuple[float, float]]] = {}
    for v in vertical:
        vspans.setdefault(xsnap[v.x0], []).append((v.top, v.bottom))
    hs, vs = _joined(hspans), _joined(vspans)
    if len(hs) * len(vs) > _MAX_EDGE_PAIRS:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_x = sorted(range(len(vs)), key=lambda j: vs[j][0])
    xs = [vs[j][0] for j in by_x]
    for i, (y, x0, x1) in enumerate(hs):  # only the vertical rules within the rule's reach
        for k in range(bisect_left(xs, x0 - EDGE_GAP), bisect_right(xs, x1 + EDGE_GAP)):
            j = by_x[k]
            _, y0, y1 = vs[j]
            if y0 - EDGE_GAP <= y <= y1 + EDGE_GAP:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[_Edge], list[_Edge]]] = {}
    for i, edge in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(edge)
    for j, edge in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(edge)
    shapes = [_shape(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]
    return sorted((s for s in shapes if s.cells), key=lambda s: s.ys[0])


def _covered(spans: Sequence[tuple[float, float]], a: float, b: float) -> bool:
    for s, e in spans:  # noqa: SIM110 - a loop, not any(): runs for every side of every grid square
        if s - EDGE_GAP <= a and b <= e + EDGE_GAP:
            return True
    return False


def _covered_steps(spans: Sequence[tuple[float, float]], bounds: Sequence[float]) -> list[bool]:
    """`_covered` for each step between neighbouring `bounds`; a rule in one piece (most) is
    compared inline."""
    steps = pairwise(bounds)
    if len(spans) == 1:
        low, high = spans[0][0] - EDGE_GAP, spans[0][1] + EDGE_GAP
        return [low <= a and b <= high for a, b in steps]
    return [_covered(spans, a, b) for a, b in steps]


def _shape(hs: list[_Edge], vs: list[_Edge]) -> Shape:
    """Cells of one connected set of rules: grid squares joined across every side that no rule
    closes; a region open to the outside is no cell."""
    ys = sorted({h[0] for h in hs})
    xs = sorted({v[0] for v in vs})
    hat: dict[float, list[tuple[float, float]]] = {}
    for y, x0, x1 in hs:
        hat.setdefault(y, []).append((x0, x1))
    vat: dict[float, list[tuple[float, float]]] = {}
    for x, y0, y1 in vs:
        vat.setdefault(x, []).append((y0, y1))
    n_r, n_c = len(ys) - 1, len(xs) - 1
    # closed[r][c] for the rule below row r (h) / right of column c (v); edges of the grid too.
    h_rule = [_covered_steps(hat[y], xs) for y in ys]
    v_rule = [list(row) for row in zip(*[_covered_steps(vat[x], ys) for x in xs], strict=True)]
    seen = [[False] * n_c for _ in range(n_r)]
    cells: list[tuple[int, int, int, int]] = []
    for r in range(n_r):
        above, below, sides = h_rule[r], h_rule[r + 1], v_rule[r]
        for c in range(n_c):
            if seen[r][c]:
                continue
            seen[r][c] = True
            if above[c] and below[c] and sides[c] and sides[c + 1]:  # most cells: one square
                cells.append((r, r + 1, c, c + 1))
                continue
            stack, region, open_side = [(r, c)], [], False
            while stack:
                rr, cc = stack.pop()
                region.append((rr, cc))
                steps = (
                    (rr - 1, cc, h_rule[rr][cc]),
                    (rr + 1, cc, h_rule[rr + 1][cc]),
                    (rr, cc - 1, v_rule[rr][cc]),
                    (rr, cc + 1, v_rule[rr][cc + 1]),
                )
                for nr, nc, closed in steps:
                    if closed:
                        continue
                    if not (0 <= nr < n_r and 0 <= nc < n_c):
                        open_side = True
                    elif not seen[nr][nc]:
                        seen[nr][nc] = True
                        stack.append((nr, nc))
            if open_side:
                continue
            rows = [p[0] for p in region]
            cols = [p[1] for p in region]
            cells.append((min(rows), max(rows) + 1, min(cols), max(cols) + 1))
    used_x = sorted({xs[c[2]] for c in cells} | {xs[c[3]] for c in cells})
    used_y = sorted({ys[c[0]] for c in cells} | {ys[c[1]] for c in cells})
    if len(used_x) == len(xs) and len(used_y) == len(ys):  # every boundary bounds a cell
        return Shape(xs, ys, cells)
    xi = {x: i for i, x in enumerate(used_x)}
    yi = {y: i for i, y in enumerate(used_y)}
    return Shape(
        used_x,
        used_y,
        [(yi[ys[r0]], yi[ys[r1]], xi[xs[c0]], xi[xs[c1]]) for r0, r1, c0, c1 in cells],
    )
