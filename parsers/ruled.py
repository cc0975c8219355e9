"""Pages of positioned words and ruling lines → Document.

Both PDF readers end here: the text layer read by PDFium (`parsers.pdf`) and the words OCR finds
on a page image (`parsers.ocr`). Nothing uses the content-stream order, which is unreliable in
published reports (淮安 2024 lists 复议后起诉 before 未经复议直接起诉): words are placed by their
coordinates, and table cells come from the ruling lines.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from parsers.continued import mend
from parsers.detect import join_lines
from parsers.document import OFF_PAGE
from parsers.shapes import EDGE_GAP, Rule, Shape, closed_ruling, table_shapes

_CJK = re.compile(r"[\u4e00-\u9fff]")
PAGE_EDGE = 1.0  # points: a table this close to the paper's edge runs past it


class Word(NamedTuple):
    """A run of characters on one line, in page points measured from the top-left corner."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Page:
    """What a reader found on one page: its words, its ruling and its size."""

    words: list[Word]
    horizontal: list[Rule]
    vertical: list[Rule]
    width: float
    height: float
    ocr: bool = False  # the words were read from an image


@dataclass
class GridCell:
    """One cell of a ruled table: the grid rows and columns it covers (end exclusive) and its
    words line by line, top to bottom — over a page break, the lines of both pages."""

    r0: int
    r1: int
    c0: int
    c1: int
    lines: list[list[Word]]
    cut: bool = False  # reaches past the page edge: not all it holds is printed


@dataclass
class Grid:
    """A ruled table as cells on a grid.

    `padding` is the least gap seen between a cell's text and its rules: what a full line
    leaves, so a number wrapped in a narrow cell can be told from two numbers. A table whose
    top or bottom edge has no rule of its own (`open_top`, `open_bottom`) was cut by a page
    break inside a row."""

    bbox: tuple[float, float, float, float]
    columns: list[float]  # x boundaries
    cells: list[GridCell]
    n_rows: int
    padding: float = 0.0
    reach: tuple[float, float] = (0.0, 0.0)  # the x range whose words it took
    open_top: bool = False
    open_bottom: bool = False
    capacity: dict[tuple[int, int], int] = field(default_factory=dict)  # see `_capacity`

    def text(self, cell: GridCell) -> str:
        """The cell's lines as one text (see `cell_text`)."""
        x0, x1 = self.columns[cell.c0], self.columns[cell.c1]
        return cell_text(cell.lines, x0, x1, self.padding, self.capacity.get((cell.c0, cell.c1)))

    @property
    def cut(self) -> bool:
        return any(cell.cut for cell in self.cells)

    def rows(self) -> list[list[str]]:
        """One list per grid row: a cell merged across rows repeats in each, a cell merged
        across columns appears once. A cut cell that shows no label (a number, a piece of
        one, nothing) reads OFF_PAGE: what it holds is not all on the page."""
        out: list[list[tuple[int, str]]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            text = self.text(cell)
            if cell.cut and not _CJK.search(text):
                text = OFF_PAGE
            for r in range(cell.r0, cell.r1):
                out[r].append((cell.c0, text))
        return [[text for _, text in sorted(row)] for row in out if row]


@dataclass
class Block:
    """A piece of a page in reading order: a text line (with its gap-separated cells, used when
    the document has no ruled table) or a table."""

    top: float
    lines: list[str]
    rows: list[list[str]]
    cells: list[str] | None = None


@dataclass
class Laid:
    """The document's pages as blocks in reading order, ready to become a Document."""

    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    ocr_rows: frozenset[int] = frozenset()  # rows read from page images


# --- words ------------------------------------------------------------------------------------
Char = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom (as a Word)


def words_from_chars(
    chars: Sequence[Char], *, tolerance: float = EDGE_GAP, rules: Sequence[Rule] = ()
) -> list[Word]:
    """Characters (whitespace ends a word) joined into words.

    Lines are chains of characters whose tops lie within `tolerance` of the next; within a line
    a word ends at a gap wider than `tolerance`, a step back, a top more than `tolerance` away
    from the last character's (a vertical label beside a cell's text), or a vertical rule
    (`rules`) between two characters: in columns a character wide, the headers broken one
    character per line touch their neighbours' (自 | 然 | 人 side by side are three cells)."""
    ordered = sorted(chars, key=_TOP)
    words: list[Word] = []
    i, n = 0, len(ordered)
    while i < n:
        j, last = i + 1, ordered[i][2]
        while j < n and ordered[j][2] - last <= tolerance:
            last = ordered[j][2]
            j += 1
        line = sorted(ordered[i:j], key=_X0)
        middle = (line[0][2] + line[0][4]) / 2
        walls = sorted([r.x0 for r in rules if r.top <= middle <= r.bottom]) if rules else []
        _line_words(line, tolerance, walls, words)
        i = j
    return words


_TOP, _X0 = itemgetter(2), itemgetter(1)  # of a Char


def _line_words(
    line: Sequence[Char], tolerance: float, walls: Sequence[float], out: list[Word]
) -> None:
    """The words of one line of characters (sorted by x0). Runs once per character of every
    page, so it compares instead of calling min/max/abs."""
    text: list[str] = []
    x0 = top = x1 = bottom = last_x0 = reach = last_top = 0.0
    last_cell = 0
    for t, cx0, ctop, cx1, cbottom in line:
        if t.isspace():
            if text:
                out.append(Word("".join(text), x0, top, x1, bottom))
                text = []
            continue
        cell = bisect.bisect(walls, (cx0 + cx1) / 2) if walls else 0
        if not text:
            text, x0, top, x1, bottom = [t], cx0, ctop, cx1, cbottom
        elif (
            cx0 < last_x0
            or cx0 > reach
            or ctop - last_top > tolerance
            or last_top - ctop > tolerance
            or cell != last_cell
        ):
            out.append(Word("".join(text), x0, top, x1, bottom))
            text, x0, top, x1, bottom = [t], cx0, ctop, cx1, cbottom
        else:
            text.append(t)
            if ctop < top:
                top = ctop
            if cx1 > x1:
                x1 = cx1
            if cbottom > bottom:
                bottom = cbottom
        last_x0, reach, last_top, last_cell = cx0, cx1 + tolerance, ctop, cell
    if text:
        out.append(Word("".join(text), x0, top, x1, bottom))


def _line_groups(words: Sequence[Word]) -> list[tuple[float, list[Word]]]:
    if len(words) <= 1:  # most cells of a table: nothing to sort
        return [(words[0].top, list(words))] if words else []
    out: list[tuple[float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if out and abs(w.top - out[-1][0]) <= max(2.0, (w.bottom - w.top) * 0.5):
            out[-1][1].append(w)
        else:
            out.append((w.top, [w]))
    return [(top, sorted(ws, key=lambda w: w.x0)) for top, ws in out]


def _join(words: Sequence[Word]) -> str:
    """Words of one line: Chinese needs no spaces; Latin words and numbers keep one."""
    if len(words) == 1:  # most lines of a cell
        return words[0].text
    text = ""
    for w in words:
        t = w.text
        if text and text[-1].isascii() and t[0].isascii() and text[-1] != " ":
            text += " "
        text += t
    return text


def grids(page: Page) -> list[Grid]:
    """The page's ruled tables with at least two columns, each cell holding its words.

    A table reaching the paper's edge was wider than the page (a Word table past the margin):
    its cells at that edge are `cut`, and the words printed beyond the edge go to them."""
    horizontal = closed_ruling(page.horizontal, page.vertical)
    out: list[Grid] = []
    for shape in table_shapes(horizontal, page.vertical):
        if len({c0 for _, _, c0, _ in shape.cells}) >= 2:
            out.append(_fill(shape, page))
    return out


def _fill(shape: Shape, page: Page) -> Grid:
    xs, ys = shape.xs, shape.ys
    at: dict[tuple[int, int], int] = {}
    for i, (r0, r1, c0, c1) in enumerate(shape.cells):
        if r1 - r0 == 1 and c1 - c0 == 1:  # most cells: one square
            at.setdefault((r0, c0), i)
            continue
        for r in range(r0, r1):
            for c in range(c0, c1):
                at.setdefault((r, c), i)
    texts: list[list[Word]] = [[] for _ in shape.cells]
    x0, top, x1, bottom = xs[0], ys[0], xs[-1], ys[-1]
    left, right = _reach(xs, page)
    last, cut = len(xs) - 1, bisect.bisect
    for w in page.words:  # every word of the page, for every table on it: compares, no calls
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if not (left <= cx <= right and top <= cy <= bottom):
            continue
        if cx < x0:
            cx = x0
        elif cx > x1:
            cx = x1
        column = cut(xs, cx)
        cell = at.get((cut(ys, cy) - 1, (column if column < last else last) - 1))
        if cell is not None:
            texts[cell].append(w)
    edge = page.width - PAGE_EDGE  # `_cut`, once per boundary instead of once per cell
    left_cut = [not page.ocr and x < PAGE_EDGE for x in xs]
    right_cut = [not page.ocr and x > edge for x in xs]
    cells = [
        GridCell(
            r0,
            r1,
            c0,
            c1,
            [ws for _, ws in _line_groups(words)],
            left_cut[c0] or right_cut[c1],
        )
        for (r0, r1, c0, c1), words in zip(shape.cells, texts, strict=True)
    ]
    return Grid(
        bbox=(x0, top, x1, bottom),
        columns=list(xs),
        cells=cells,
        n_rows=len(ys) - 1,
        padding=_padding(cells, xs),
        reach=(left, right),
        open_top=not _ruled_across(page.horizontal, top, xs[1], xs[-2]),
        open_bottom=not _ruled_across(page.horizontal, bottom, xs[1], xs[-2]),
        capacity=_capacity(cells),
    )


def _capacity(cells: Sequence[GridCell]) -> dict[tuple[int, int], int]:
    """The most digits a line of a number holds in each column span (c0, c1): what a line of
    that column holds when a number wraps there, whatever padding its cells keep."""
    out: dict[tuple[int, int], int] = {}
    for cell in cells:
        for line in () if cell.cut else cell.lines:
            text = _join(line)
            if text.isdigit():
                span = (cell.c0, cell.c1)
                out[span] = max(out.get(span, 0), len(text))
    return out


def _ruled_across(horizontal: Sequence[Rule], y: float, x0: float, x1: float) -> bool:
    """Whether the page's own rules at height `y` run from `x0` to `x1`: in one stroke, or as
    LibreOffice draws borders, one piece per cell."""
    pieces = sorted((h.x0, h.x1) for h in horizontal if abs(h.top - y) <= EDGE_GAP)
    reach = x0
    for a, b in pieces:
        if a > reach + EDGE_GAP:
            break
        reach = max(reach, b)
    return reach >= x1 - EDGE_GAP


def _reach(xs: Sequence[float], page: Page) -> tuple[float, float]:
    """The x range whose words a table takes: beyond its rules on a side cut by the page edge."""
    left = -float("inf") if _cut(xs, 0, 1, page) else xs[0]
    right = float("inf") if _cut(xs, len(xs) - 2, len(xs) - 1, page) else xs[-1]
    return left, right


def _cut(xs: Sequence[float], c0: int, c1: int, page: Page) -> bool:
    """Whether columns c0..c1 reach the paper's edge (never on a page image: a scan shows all
    it shows)."""
    return not page.ocr and (xs[c0] < PAGE_EDGE or xs[c1] > page.width - PAGE_EDGE)


def _padding(cells: Sequence[GridCell], xs: Sequence[float]) -> float:
    """The cells' padding: the gap most lines keep from the left rule among lines nearer their
    left rule than their right (left-aligned text); without such lines, the least gap seen."""
    hugging: list[float] = []
    least = float("inf")
    for cell in cells:
        for line in () if cell.cut else cell.lines:
            left, right = line[0].x0 - xs[cell.c0], xs[cell.c1] - line[-1].x1
            least = min(least, left, right)
            if 0 <= left < right - 1:
                hugging.append(round(left * 2) / 2)
    if hugging:
        return Counter(sorted(hugging)).most_common(1)[0][0]
    return max(0.0, least) if least < float("inf") else 0.0


def cell_text(
    lines: Sequence[Sequence[Word]],
    x0: float,
    x1: float,
    padding: float,
    capacity: int | None = None,
) -> str:
    """A cell's lines as one text: wrapped label text joins without a break (see `join_lines`).
    Digits at the end of a full line and at the start of the next are one number wrapped for
    want of room ("300" | "1" in a narrow column is 3001); after a line with room for one more
    digit, or before a wider line, they are two numbers and stay apart ("13" | "524").

    Cells may pad one side only (a page saved as Word: no left margin, 0.19 cm on the right),
    so the room a line leaves is uncertain by up to a digit: a line with room for less than two
    digits that holds as many digits as any line of its column (`capacity`) is full too."""
    if len(lines) == 1:  # most cells: what join_lines makes of one line
        return _join(lines[0]).strip()
    out = ""
    previous: Sequence[Word] = ()
    for line in lines:
        text = _join(line)
        if not text:
            continue
        if (
            out[-1:] in _DIGITS
            and text[0] in _DIGITS
            and _full(previous, line, x0, x1, padding, capacity)
        ):
            out += text
        else:
            out = join_lines((out, text))
        previous = line
    return out


_DIGITS = frozenset("0123456789.,")


def _full(
    line: Sequence[Word],
    following: Sequence[Word],
    x0: float,
    x1: float,
    padding: float,
    capacity: int | None = None,
) -> bool:
    """Whether `line` left less room in its cell than the next line's first character needs
    (or, holding as many digits as its column's fullest line, less than two need), and the next
    line is no wider (a number wraps at the most its line holds)."""
    left, right = line[0].x0 - x0, x1 - line[-1].x1
    room = left + right - 2 * min(padding, left, right)
    first = following[0]
    digit = (first.x1 - first.x0) / max(len(first.text), 1)
    no_wider = following[-1].x1 - first.x0 <= line[-1].x1 - line[0].x0 + 0.5
    at_capacity = capacity is not None and len(_join(line)) >= capacity and room < 2 * digit
    return no_wider and (room < digit or at_capacity)


# --- reading order ----------------------------------------------------------------------------
def lay_out(pages: Sequence[Page]) -> Laid:
    """Every page's text lines and table rows in reading order, tables continued across page
    breaks mended."""
    laid: list[tuple[Page, list[Grid]]] = []
    previous: Grid | None = None
    for page in pages:
        found = grids(page)
        if found and previous is not None:
            mend(previous, found, page.height)
        laid.append((page, found))
        previous = found[-1] if found else None
        if previous is not None and page.height - previous.bbox[3] > page.height * 0.2:
            previous = None  # the table ended well before the page did
    blocks = [
        (page.ocr, block) for page, found in laid for block in _page_blocks(page.words, found)
    ]
    out = Laid(lines=[line for _, block in blocks for line in block.lines])
    ocr_rows: set[int] = set()
    for ocr, block in blocks:
        if ocr:
            ocr_rows.update(range(len(out.rows), len(out.rows) + len(block.rows)))
        out.rows += block.rows
    if not out.rows:  # no ruling at all: read tables from the gaps between words
        for ocr, block in blocks:
            if block.cells and len(block.cells) > 1:
                if ocr:
                    ocr_rows.add(len(out.rows))
                out.rows.append(block.cells)
    out.ocr_rows = frozenset(ocr_rows)
    return out


def _page_blocks(words: Sequence[Word], found: Sequence[Grid]) -> list[Block]:
    """Text lines outside the tables and the tables themselves, ordered top to bottom."""

    areas = [(g.reach[0], g.reach[1], g.bbox[1], g.bbox[3]) for g in found]

    def inside(w: Word) -> bool:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for left, right, top, bottom in areas:
            if left <= cx <= right and top <= cy <= bottom:
                return True
        return False

    free = [w for w in words if not inside(w)] if found else list(words)
    blocks = [Block(top, [_join(ws)], [], cells=_gap_cells(ws)) for top, ws in _line_groups(free)]
    for g in found:
        rows = g.rows()
        lines = ["\t".join(c for c in row if c != OFF_PAGE) for row in rows]
        blocks.append(Block(g.bbox[1], lines, rows))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _gap_cells(words: Sequence[Word]) -> list[str]:
    """A line split into cells where words stand further apart than a character's height: the
    columns of a table drawn without rules."""
    cells: list[list[Word]] = []
    for w in words:
        if cells and w.x0 - cells[-1][-1].x1 <= w.bottom - w.top:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [_join(ws) for ws in cells]
