"""Numbers in reading order placed by the template: text copied out of a PDF viewer or converted.

Second-hand text loses the table: a viewer's copy or `pdftotext` puts labels away from their
numbers, one value a line, and stacks some cells column by column; markdown converters cut
labels and detach value rows. The national template still fixes every row and column, so the
numbers of a section, in the order they were printed, are placed cell by cell:

- a *chunk* is a stretch of numbers with no label text between them. Rows never straddle a
  label, except a row cut in two; a run of rows inside one chunk is printed either row by row
  or column by column (a block of `h` rows read down each column, as PDF text flows do);
- every arrangement of the chunks into such blocks that keeps each row's own sum (V3, 总计 of
  the six applicant columns) is a candidate; the table's column rules (V1, V2) and the figures
  the prose states (W2) then rule candidates out, each dropped when no candidate meets it;
- 表四's chunks may come in any order (PDF text flows list 复议后起诉 before 未经复议直接起诉):
  orders whose groups keep V4 are the candidates, the printed order when none does.

A cell gets a value only when every remaining candidate agrees on it; otherwise it is ambiguous
with its candidates. Nothing is guessed: past the candidate limit cells stay ambiguous.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from parsers.fields import APPLICANT_COLUMNS, REVIEW_GROUPS, TemplateVersion, apply_rows
from parsers.layout import Layout, RowSpec, derive, row_specs
from parsers.model import AMBIGUOUS, Cell, Number
from parsers.values import make_cell, normalize_width

CANDIDATE_LIMIT = 512  # distinct readings of one section before it counts as unbounded
MAX_PERMUTED_CHUNKS = 6  # 表四 chunks whose orders are all tried (6! = 720)

# Section headings, matched with any spacing between characters (PDF text spaces them out).
_HEADINGS = {
    "二": ("主动公开政府信息情况",),
    "三": ("收到和处理政府信息公开申请情况",),
    "四": ("行政复议、行政诉讼情况", "行政复议行政诉讼情况"),
    "end": ("存在的主要问题", "其他需要报告的事项"),
}
_HEADING_RES = {
    name: [re.compile(r"\s*".join(map(re.escape, words))) for words in alternatives]
    for name, alternatives in _HEADINGS.items()
}
# A page number printed in the flow: "-3-", "- 4 -", "— 5 —", "第 3 页", "3/6".
_FOOTER = re.compile(
    r"(?<!\d)[-—–－―]{1,2}\s*\d{1,3}\s*[-—–－―]{1,2}(?![\d])"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?"
    r"|^\s*\d{1,3}\s*/\s*\d{1,3}\s*$"
)
_NUMBER = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
# One printed value: a number (with its money unit), optionally followed by a note in brackets
# ("22（其中修订16件）"); or a blank mark standing alone.
_VALUE = re.compile(rf"({_NUMBER})\s*(万元|元)?(?:[（(][^（）()]*[)）])?|[/／—–－―-]|——|无")
_PIECE = re.compile(r"[^\s|｜]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Token:
    """A printed value and the chunk it belongs to (chunks are separated by label text)."""

    raw: str
    chunk: int


@dataclass
class Placed:
    """What the order gave: cells by key, the sections placed, and what to tell the user."""

    cells: dict[str, Cell] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def section_lines(text: str) -> dict[str, list[str]]:
    """The lines of sections 二, 三 and 四 of the template, found by their headings."""
    lines = text.split("\n")
    starts: dict[str, int] = {}
    for i, line in enumerate(lines):
        for name, patterns in _HEADING_RES.items():
            if name not in starts and any(p.search(line) for p in patterns):
                if name == "end" and not starts:
                    continue  # a closing heading before any table: a table of contents
                starts[name] = i
    order = sorted((i, name) for name, i in starts.items())
    out: dict[str, list[str]] = {}
    for (start, name), following in itertools.zip_longest(order, order[1:]):
        if name == "end":
            continue
        stop = following[0] if following else len(lines)
        out[name] = lines[start + 1 : stop]
    return out


def tokens(lines: Sequence[str]) -> list[Token]:
    """The values printed in the lines, in order, each with its chunk number."""
    out: list[Token] = []
    chunk = 0
    for line in lines:
        line = _FOOTER.sub(" ", normalize_width(line))
        for piece in _PIECE.finditer(line):
            text = piece.group(0)
            match = _VALUE.fullmatch(text)
            if match is None:
                if _CJK.search(text) or any(c.isalpha() for c in text):
                    chunk += 1  # label text: numbers after it are a new chunk
                continue
            raw = match.group(1) + (match.group(2) or "") if match.group(1) else text
            out.append(Token(raw, chunk))
    return out


def place_by_order(layout: Layout, text: str, prose: Mapping[str, Number]) -> Placed:
    """Cells of every section whose numbers the order places, replacing the label-matched cells
    of those sections in `layout` (and re-deriving the group sums)."""
    placed = Placed()
    sections = section_lines(text)
    specs = row_specs(layout.template, single_other=layout.single_other)
    readers: dict[str, Callable[[list[Token]], dict[str, Cell] | None]] = {
        "二": lambda toks: _section_two(toks, specs, placed),
        "三": lambda toks: _section_three(toks, layout, prose, placed),
        "四": lambda toks: _section_four(toks, specs, placed),
    }
    for name, read in readers.items():
        if name not in sections:
            continue
        cells = read(tokens(sections[name]))
        if cells is None:
            continue
        prefixes = _SECTION_PREFIXES[name]
        for key in [k for k in layout.cells if k.startswith(prefixes)]:
            del layout.cells[key]
        layout.cells.update(cells)
        placed.sections.add(name)
    if placed.sections:
        layout.warnings = [w for w in layout.warnings if not _about(w, placed.sections)]
        derive(layout)
    placed.cells = layout.cells
    return placed


_SECTION_PREFIXES = {
    "二": ("proactive.",),
    "三": ("apply.", "result."),
    "四": ("review.", "litigation."),
}


def _about(warning: str, sections: set[str]) -> bool:
    """A label-matching warning about a section the order has placed."""
    return any(warning.startswith(_SECTION_PREFIXES[s]) for s in sections)


# --- arranging chunks into rows ------------------------------------------------------------


Reading = tuple[str, ...]  # raw value of every cell of a section, in the rows' printed order


def arrangements(
    rows: Sequence[RowSpec], toks: Sequence[Token], *, limit: int = CANDIDATE_LIMIT
) -> list[Reading] | None:
    """Every distinct reading of the tokens as the rows, or None past `limit`.

    Strict first: every row keeps its sums. If no reading does (the report misprints a row),
    rows that stand alone between labels are taken as printed; blocks read down the columns
    must still keep their sums.
    """
    widths = [len(r.cells) for r in rows]
    if sum(widths) != len(toks):
        return []
    starts = list(itertools.accumulate(widths, initial=0))
    for strict in (True, False):
        found = _arrange(rows, toks, starts, strict=strict, limit=limit)
        if found is None or found:
            return found
    return []


def _arrange(
    rows: Sequence[RowSpec],
    toks: Sequence[Token],
    starts: list[int],
    *,
    strict: bool,
    limit: int,
) -> list[Reading] | None:
    n = len(rows)
    memo: dict[int, list[Reading] | None] = {}

    def alone(r: int) -> bool:
        """Row r's tokens are exactly one chunk."""
        first, last = toks[starts[r]], toks[starts[r + 1] - 1]
        before = starts[r] == 0 or toks[starts[r] - 1].chunk != first.chunk
        after = starts[r + 1] == len(toks) or toks[starts[r + 1]].chunk != last.chunk
        return first.chunk == last.chunk and before and after

    def suffix(r: int) -> list[Reading] | None:
        if r == n:
            return [()]
        if r in memo:
            return memo[r]
        out: dict[Reading, None] = {}
        width = len(rows[r].cells)
        for h in range(1, n - r + 1):
            if len(rows[r + h - 1].cells) != width:
                break
            span = toks[starts[r] : starts[r + h]]
            if h > 1 and span[0].chunk != span[-1].chunk:
                break  # a block read down the columns never crosses label text
            block = _block(span, h, width)
            kept = all(_sums_hold(rows[r + i], block[i]) for i in range(h))
            if not kept and (strict or h > 1 or not alone(r)):
                continue
            rest = suffix(r + h)
            if rest is None:
                memo[r] = None
                return None
            flat = tuple(v for row in block for v in row)
            for tail in rest:
                out[flat + tail] = None
            if len(out) > limit:
                memo[r] = None
                return None
        memo[r] = list(out)
        return memo[r]

    return suffix(0)


def _block(span: Sequence[Token], h: int, width: int) -> list[tuple[str, ...]]:
    """h rows from tokens read down each column (h == 1: one row read across)."""
    return [tuple(span[c * h + i].raw for c in range(width)) for i in range(h)]


def _value(raw: str, amount: bool) -> Number | None:
    cell = make_cell(raw, amount=amount)
    return None if cell is None else cell.value


def _sums_hold(spec: RowSpec, raws: Sequence[str]) -> bool:
    for total, parts in spec.sums:
        values = [_value(raws[i], i in spec.amounts) for i in (total, *parts)]
        if any(v is None for v in values) or values[0] != sum(v or 0 for v in values[1:]):
            return False
    return True


# --- the sections --------------------------------------------------------------------------


def _keys(rows: Sequence[RowSpec]) -> list[str]:
    return [key for row in rows for key in row.cells]


def _cells(
    rows: Sequence[RowSpec], readings: Sequence[Reading], placed: Placed, name: str
) -> dict[str, Cell]:
    """Cells on which every reading agrees get their value; the others are ambiguous."""
    amounts = {row.cells[i] for row in rows for i in row.amounts}
    out: dict[str, Cell] = {}
    for i, key in enumerate(_keys(rows)):
        raws = {reading[i] for reading in readings}
        cells = [make_cell(raw, amount=key in amounts) for raw in sorted(raws)]
        values = sorted({c.value for c in cells if c is not None and c.value is not None})
        if len(values) == 1 and cells[0] is not None:
            out[key] = cells[0]
        else:
            out[key] = Cell(None, "", frozenset({AMBIGUOUS}), None, tuple(values))
    ambiguous = sum(1 for c in out.values() if c.value is None)
    if ambiguous:
        placed.warnings.append(f"表{name}的数字按顺序有多种排法，{ambiguous} 个单元格未取值")
    return out


def _section_two(
    toks: list[Token], specs: Mapping[str, RowSpec], placed: Placed
) -> dict[str, Cell] | None:
    rows = [spec for key, spec in specs.items() if key.startswith("proactive.")]
    readings = arrangements(rows, toks)
    if not readings:
        return None
    return _cells(rows, readings, placed, "二")


def _section_three(
    toks: list[Token], layout: Layout, prose: Mapping[str, Number], placed: Placed
) -> dict[str, Cell] | None:
    """表三; in the 2021 template the count of numbers also tells whether （六）其他处理 has
    one row or three (label matching cannot tell when the labels lost their numbers)."""
    template = layout.template
    variants = [layout.single_other]
    if template == "2021":
        variants.append(not layout.single_other)
    for single_other in variants:
        specs = row_specs(template, single_other=single_other)
        rows = [specs[r.key] for r in apply_rows(template, single_other=single_other)
                if r.key in specs]  # fmt: skip
        readings = arrangements(rows, toks)
        if readings:
            layout.single_other = single_other
            break
    else:
        return None
    keys = _keys(rows)
    index = {key: i for i, key in enumerate(keys)}
    amounts: set[str] = set()

    def value(reading: Reading, key: str) -> Number:
        return _value(reading[index[key]], key in amounts) or 0

    rules = [*_column_rules(template, single_other, index)]
    consistent = [r for r in readings if all(rule(r, value) for rule in rules)]
    if consistent:
        readings = consistent
    for key, stated in prose.items():
        leaves = _leaves(key, template, single_other)
        if not leaves or not all(k in index for k in leaves):
            continue
        fitting = [r for r in readings if sum(value(r, k) for k in leaves) == stated]
        if fitting:
            readings = fitting
    return _cells(rows, readings, placed, "三")


Rule = Callable[[Reading, Callable[[Reading, str], Number]], bool]


def _column_rules(
    template: TemplateVersion, single_other: bool, index: Mapping[str, int]
) -> list[Rule]:
    """V1 and V2 for every applicant column."""
    leaves = [r.key for r in apply_rows(template, single_other=single_other) if r.is_result_leaf]
    rules: list[Rule] = []
    for col, _ in APPLICANT_COLUMNS:

        def v1(r: Reading, v: Callable[[Reading, str], Number], c: str = col) -> bool:
            return v(r, f"apply.new.{c}") + v(r, f"apply.carried_in.{c}") == v(
                r, f"result.total.{c}"
            ) + v(r, f"apply.carried_forward.{c}")

        def v2(r: Reading, v: Callable[[Reading, str], Number], c: str = col) -> bool:
            return v(r, f"result.total.{c}") == sum(v(r, f"{k}.{c}") for k in leaves)

        rules += [v1, v2]
    return rules


def _leaves(key: str, template: TemplateVersion, single_other: bool) -> list[str]:
    """The printed cells whose sum a prose figure states (itself when printed)."""
    row, _, col = key.rpartition(".")
    if not row.startswith(("apply.", "result.")):
        return []
    rows = apply_rows(template, single_other=single_other)
    group = next((r for r in rows if r.key == row), None)
    if group is None:
        return []
    if group.derived:
        return [f"{r.key}.{col}" for r in rows if r.key.startswith(row + ".")]
    return [key]


def _section_four(
    toks: list[Token], specs: Mapping[str, RowSpec], placed: Placed
) -> dict[str, Cell] | None:
    rows = [specs[group] for group, _ in REVIEW_GROUPS]
    if len(toks) != sum(len(r.cells) for r in rows):
        return None
    chunks = [list(group) for _, group in itertools.groupby(toks, key=lambda t: t.chunk)]
    printed: Reading = tuple(t.raw for t in toks)
    orders = (
        itertools.permutations(chunks)
        if len(chunks) <= MAX_PERMUTED_CHUNKS
        else iter([tuple(chunks)])
    )
    readings: dict[Reading, None] = {}
    for order in orders:
        reading: Reading = tuple(t.raw for chunk in order for t in chunk)
        if all(_sums_hold(row, reading[5 * i : 5 * i + 5]) for i, row in enumerate(rows)):
            readings[reading] = None
    if not readings:
        readings[printed] = None  # no order keeps V4: the report misprints, keep its order
    return _cells(rows, list(readings), placed, "四")
