"""PDF → Document from word positions and ruled tables (pdfplumber).

The content-stream order of published reports is unreliable (淮安 2024 lists 复议后起诉 before
未经复议直接起诉), so nothing here uses pdfminer's text order: words are placed by their
coordinates, and table cells come from the ruling lines.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.table import Table

from parsers.detect import join_lines
from parsers.document import Document
from parsers.fields import TEMPLATES, apply_rows
from parsers.model import ParseError

log = logging.getLogger(__name__)

MAX_PAGES = 80
NO_TEXT_LAYER = "PDF 没有文字层（可能是扫描件），无法读取数字"
UNMAPPED_FONT = "PDF 的字体无法映射为文字（(cid:…) 字形），无法读取数字，请上传 Word 或网页版本"
ENCRYPTED = "PDF 已加密，需要密码才能打开，请上传未加密的文件"
BROKEN = "PDF 文件已损坏或不完整，无法读取"

_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "explicit",
    "horizontal_strategy": "explicit",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_WORD_SETTINGS: dict[str, Any] = {"x_tolerance": 3, "y_tolerance": 3, "keep_blank_chars": False}
_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Every row label of 表三, group and item (（四）无法提供, 2.重复申请…): for mending cut labels.
_TEMPLATE_LABELS = frozenset(
    part for template in TEMPLATES for row in apply_rows(template) for part in row.label.split(" ")
) | {"三、本年度办理结果"}
_EDGE_GAP = 3.0  # points: tolerance when matching rules to each other and columns across pages
_MAX_EDGE_PAIRS = 250_000  # rule pairs examined when closing open tables (a page of charts)
_SPARSE_CHARS = 20  # per page: fewer, on pages with images, is a scan with page numbers only

Word = dict[str, Any]


@dataclass
class _Block:
    """A piece of a page in reading order: a text line (with its gap-separated cells, used when
    the document has no ruled table) or a table."""

    top: float
    lines: list[str]
    rows: list[list[str]]
    cells: list[str] | None = None


@dataclass
class _Grid:
    """A ruled table as cells on a grid: each cell's text and the rows/columns it covers."""

    bbox: tuple[float, float, float, float]
    columns: list[float]  # x boundaries
    cells: list[tuple[int, int, int, int, str]]  # row0, row1 (exclusive), col0, col1, text
    n_rows: int

    def rows(self) -> list[list[str]]:
        """One list per grid row: a cell merged across rows repeats in each, a cell merged
        across columns appears once."""
        out: list[list[tuple[int, str]]] = [[] for _ in range(self.n_rows)]
        for r0, r1, c0, _c1, text in self.cells:
            for r in range(r0, r1):
                out[r].append((c0, text))
        return [[text for _, text in sorted(row)] for row in out if row]


def pdf_document(data: bytes) -> Document:
    """Parse a PDF. Raises ParseError for encrypted, broken, scanned or unmappable files."""
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except Exception as err:  # pdfminer raises many unrelated types for bad files
        raise _open_error(err) from err
    with pdf:
        try:
            return _read(pdf)
        except ParseError:
            raise
        except Exception as err:
            log.info("pdf extraction failed: %r", err)
            raise ParseError(BROKEN) from err


def _open_error(err: Exception) -> ParseError:
    chain = f"{err!r} {err.__cause__!r} {err.__context__!r}".lower()
    if "password" in chain or "encrypt" in chain:
        return ParseError(ENCRYPTED)
    log.info("pdf open failed: %r", err)
    return ParseError(BROKEN)


def _read(pdf: pdfplumber.PDF) -> Document:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise ParseError(
            f"PDF 页数过多（{len(pages)} 页），上限为 {MAX_PAGES} 页，这似乎不是一份年报"
        )
    read: list[tuple[list[Word], list[_Grid]]] = []
    chars = cid_chars = images = 0
    previous: _Grid | None = None
    for page in pages:
        words = page.extract_words(**_WORD_SETTINGS)
        chars += sum(len(w["text"]) for w in words)
        cid_chars += sum(len(m) for w in words for m in _CID.findall(w["text"]))
        images += len(page.images)
        grids = [_grid(t, words) for t in _tables(page)]
        if grids and previous is not None and _continues(previous, grids[0], page):
            _carry_merged_labels(previous, grids[0])
        read.append((words, grids))
        previous = grids[-1] if grids else None
        if previous is not None and page.height - previous.bbox[3] > page.height * 0.2:
            previous = None  # the table ended well before the page did
        page.close()
    if chars == 0 or (images and chars < _SPARSE_CHARS * len(pages)):
        raise ParseError(NO_TEXT_LAYER)
    if cid_chars * 5 > chars:
        raise ParseError(UNMAPPED_FONT)
    blocks = [block for words, grids in read for block in _page_blocks(words, grids)]
    lines = [line for block in blocks for line in block.lines]
    rows = [row for block in blocks for row in block.rows]
    if not rows:  # no ruling at all: read tables from the gaps between words
        rows = [block.cells for block in blocks if block.cells and len(block.cells) > 1]
    return Document(format="pdf", text="\n".join(lines), rows=rows)


def _tables(page: Page) -> list[Table]:
    """Ruled tables with at least two columns, found from the visible ruling only."""
    vertical, horizontal = _ruling(page)
    if not vertical or not horizontal:
        return []
    settings = {
        **_TABLE_SETTINGS,
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    tables = page.find_tables(settings)
    return [t for t in tables if len({round(c[0]) for c in t.cells}) >= 2]


def _ruling(page: Page) -> tuple[list[Word], list[Word]]:
    """The page's visible ruling lines, split by orientation.

    White filled boxes behind text and cells (WPS exports draw one per cell) are not ruling:
    taken as edges they split merged cells and turn paragraphs into one-column tables. A table
    continued from the previous page has no top rule; its vertical rules still show where the
    first row starts, so the missing rule is added there (and likewise at the bottom).
    """
    edges = [e for e in page.edges if _visible(e)]
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    closing: list[Word] = []
    if len(vertical) * len(horizontal) > _MAX_EDGE_PAIRS:  # a drawing, not a table
        return vertical, horizontal
    for v in vertical:
        crossing = [
            h["top"]
            for h in horizontal
            if h["x0"] - _EDGE_GAP <= v["x0"] <= h["x1"] + _EDGE_GAP
            and v["top"] - _EDGE_GAP <= h["top"] <= v["bottom"] + _EDGE_GAP
        ]
        if not crossing:
            continue
        for y, open_end in (
            (v["top"], min(crossing) - v["top"]),
            (v["bottom"], v["bottom"] - max(crossing)),
        ):
            if open_end > 2 * _EDGE_GAP:
                closing.append(_horizontal_at(y, horizontal, v["x0"]))
    return vertical, horizontal + closing


def _horizontal_at(y: float, horizontal: Sequence[Word], x: float) -> Word:
    """A synthetic rule at height `y` as wide as the widest rule through `x`."""
    through = [h for h in horizontal if h["x0"] - _EDGE_GAP <= x <= h["x1"] + _EDGE_GAP]
    x0 = min(h["x0"] for h in through)
    x1 = max(h["x1"] for h in through)
    return {
        "x0": x0,
        "x1": x1,
        "top": y,
        "bottom": y,
        "width": x1 - x0,
        "height": 0.0,
        "orientation": "h",
        "object_type": "line",
    }


def _visible(edge: Word) -> bool:
    if edge["object_type"] == "line" or edge.get("stroke"):
        return not _white(edge.get("stroking_color"))
    # A filled shape draws a rule only when it is thin (Word exports draw borders this way).
    thin = min(edge.get("width", 0.0) or 0.0, edge.get("height", 0.0) or 0.0) <= 2.0
    return bool(edge.get("fill")) and thin and not _white(edge.get("non_stroking_color"))


def _white(color: Any) -> bool:
    if not isinstance(color, (tuple, list)) or not color:
        return False
    if not all(isinstance(c, (int, float)) for c in color):
        return False
    if len(color) == 4:  # CMYK
        return all(c <= 0.05 for c in color)
    return all(c >= 0.95 for c in color)


def _grid(table: Table, words: Sequence[Word]) -> _Grid:
    xs = _boundaries(x for c in table.cells for x in (c[0], c[2]))
    ys = _boundaries(y for c in table.cells for y in (c[1], c[3]))
    cells = [
        (_index(ys, c[1]), _index(ys, c[3]), _index(xs, c[0]), _index(xs, c[2]))
        for c in table.cells
    ]
    at: dict[tuple[int, int], int] = {}
    for i, (r0, r1, c0, c1) in enumerate(cells):
        for r in range(r0, r1):
            for c in range(c0, c1):
                at.setdefault((r, c), i)
    texts: list[list[Word]] = [[] for _ in cells]
    x0, top, x1, bottom = table.bbox
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            cell = at.get((bisect.bisect(ys, cy) - 1, bisect.bisect(xs, cx) - 1))
            if cell is not None:
                texts[cell].append(w)
    return _Grid(
        bbox=(x0, top, x1, bottom),
        columns=xs,
        cells=[(*cell, _join_lines(ws)) for cell, ws in zip(cells, texts, strict=True)],
        n_rows=max(len(ys) - 1, 0),
    )


def _boundaries(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _index(bounds: list[float], value: float) -> int:
    """Index of the boundary nearest to `value`."""
    i = bisect.bisect_left(bounds, value)
    if i == len(bounds) or (i > 0 and value - bounds[i - 1] < bounds[i] - value):
        i -= 1
    return i


def _continues(before: _Grid, after: _Grid, page: Page) -> bool:
    """A table at the top of a page with the same columns as the one that ended the last page
    is that table's continuation."""
    near_top = after.bbox[1] < page.height * 0.2
    same_columns = len(before.columns) == len(after.columns) and all(
        abs(a - b) < _EDGE_GAP for a, b in zip(before.columns, after.columns, strict=True)
    )
    return near_top and same_columns


def _carry_merged_labels(before: _Grid, after: _Grid) -> None:
    """Mend label cells cut by a page break.

    A group label merged down the rows (三、本年度办理结果) is printed once, on the first page:
    an empty cell in its place at the top of the next page inherits it. A label whose text wraps
    over the break (（四）无 | 法提供) is joined on both sides, but only when the two halves make a
    label of the template.
    """
    last_row = before.n_rows - 1
    labels = {c0: text for _r0, r1, c0, _c1, text in before.cells if r1 - 1 == last_row}
    joined: dict[int, str] = {}
    mended: list[tuple[int, int, int, int, str]] = []
    for r0, r1, c0, c1, text in after.cells:
        above = labels.get(c0)
        if r0 == 0 and above and _is_label(above):
            if not text:
                text = above
            elif above + text in _TEMPLATE_LABELS and text not in _TEMPLATE_LABELS:
                text = joined[c0] = above + text
        mended.append((r0, r1, c0, c1, text))
    after.cells = mended
    before.cells = [
        (r0, r1, c0, c1, joined[c0] if r1 - 1 == last_row and c0 in joined else text)
        for r0, r1, c0, c1, text in before.cells
    ]


def _is_label(text: str | None) -> bool:
    return bool(text) and _CJK.search(text or "") is not None


def _page_blocks(words: Sequence[Word], grids: Sequence[_Grid]) -> list[_Block]:
    """Text lines outside the tables and the tables themselves, ordered top to bottom."""

    def inside(w: Word) -> bool:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        return any(g.bbox[0] <= cx <= g.bbox[2] and g.bbox[1] <= cy <= g.bbox[3] for g in grids)

    free = [w for w in words if not inside(w)]
    blocks = [_Block(top, [_join(ws)], [], cells=_gap_cells(ws)) for top, ws in _line_groups(free)]
    for g in grids:
        rows = g.rows()
        blocks.append(_Block(g.bbox[1], ["\t".join(row) for row in rows], rows))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _gap_cells(words: Sequence[Word]) -> list[str]:
    """A line split into cells where words stand further apart than a character's height: the
    columns of a table drawn without rules."""
    cells: list[list[Word]] = []
    for w in words:
        if cells and w["x0"] - cells[-1][-1]["x1"] <= w["bottom"] - w["top"]:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [_join(ws) for ws in cells]


def _lines(words: Sequence[Word]) -> list[tuple[float, str]]:
    """Words grouped into lines by their vertical position, each line read left to right."""
    return [(top, _join(ws)) for top, ws in _line_groups(words)]


def _join_lines(words: Sequence[Word]) -> str:
    """A cell's words as one line (see `join_lines`)."""
    return join_lines(_join(line_words) for _, line_words in _line_groups(words))


def _line_groups(words: Sequence[Word]) -> list[tuple[float, list[Word]]]:
    out: list[tuple[float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if out and abs(w["top"] - out[-1][0]) <= max(2.0, (w["bottom"] - w["top"]) * 0.5):
            out[-1][1].append(w)
        else:
            out.append((w["top"], [w]))
    return [(top, sorted(ws, key=lambda w: w["x0"])) for top, ws in out]


def _join(words: Sequence[Word]) -> str:
    """Words of one line: Chinese needs no spaces; Latin words and numbers keep one."""
    text = ""
    for w in words:
        t = w["text"]
        if text and text[-1].isascii() and t[0].isascii() and text[-1] != " ":
            text += " "
        text += t
    return text
