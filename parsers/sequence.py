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
- when no such arrangement fits 表三, its rows may have lost their first numbers among the
  labels (`parsers.stranded`); those readings count only when they keep V1 and V2 too;
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
from functools import lru_cache
from typing import NamedTuple

from parsers.blanks import review_without_blanks
from parsers.fields import APPLICANT_COLUMNS, REVIEW_GROUPS, TemplateVersion, apply_rows
from parsers.layout import LabelCells, Layout, RowSpec, row_specs
from parsers.model import AMBIGUOUS, Cell, Number
from parsers.sections import section_lines, table_tail
from parsers.stranded import stranded_readings
from parsers.values import make_cell, normalize_width

CANDIDATE_LIMIT = 512  # distinct readings of one section before it counts as unbounded
MAX_PERMUTED_CHUNKS = 6  # 表四 chunks whose orders are all tried (6! = 720)

# A page number printed in the flow: "-3-", "- 4 -", "— 5 —", "第 3 页", "3/6".
_FOOTER = re.compile(
    r"(?<![\d.])[-—–－―]{1,2}\s*\d{1,3}\s*[-—–－―]{1,2}(?![\d])"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?"
    r"|^[ \t]*\d{1,3}[ \t]*/[ \t]*\d{1,3}[ \t]*$",
    re.M,
)
_FOOTER_MARK = re.compile(r"[-—–－―页/]")  # a character every page number above holds
_NUMBER = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
# One printed value: a number (with its money unit), optionally followed by a note in brackets
# ("22（其中修订16件）"); or a blank mark standing alone.
_VALUE = re.compile(rf"({_NUMBER})\s*(万元|元)?(?:[（(][^（）()]*[)）])?|[/／—–－―-]|——|无")
_UNITS = frozenset({"元", "万元"})
_CJK = re.compile(r"[\u3400-\u9fff]")


class Token(NamedTuple):
    """A printed value and its chunk (chunks are separated by label text); a tuple: cheap."""

    raw: str
    chunk: int

    @property
    def value(self) -> Number:
        return _count(self.raw).value or 0


@lru_cache(maxsize=4096)
def _count(raw: str) -> Cell:
    """The token read as a count (amounts are read again as amounts when placed)."""
    cell = make_cell(raw, amount=False)
    assert cell is not None  # tokens are matched by _VALUE, which make_cell always reads
    return cell


@dataclass
class Placed:
    """What the order gave: the sections placed, and what to tell the user."""

    sections: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def tokens(lines: Sequence[str]) -> list[Token]:
    """The values printed in the lines, in order, each with its chunk number."""
    out: list[Token] = []
    chunk = 0
    text = normalize_width("\n".join(lines))
    if _FOOTER_MARK.search(text):  # most sections hold no page number: no need to look for one
        text = _FOOTER.sub(" ", text)  # footers span lines too
    for line in text.replace("|", " ").replace("｜", " ").split("\n"):
        for word in line.split():
            if word.isascii() and word.isdigit():
                out.append(Token(word, chunk))  # most values: a plain count
                continue
            if word in _UNITS and out and out[-1].chunk == chunk and out[-1].raw[-1].isdigit():
                out[-1] = Token(out[-1].raw + word, chunk)  # "251000 元": the unit after a space
                continue
            if "\u3400" <= word[0] <= "\u9fff" and word != "无":
                chunk += 1  # most other words: label text, a new chunk after it (as below)
                continue
            match = _VALUE.fullmatch(word)
            if match is None:
                if _CJK.search(word) or any(c.isalpha() for c in word):
                    chunk += 1  # label text: numbers after it are a new chunk
                continue
            raw = match.group(1) + (match.group(2) or "") if match.group(1) else word
            out.append(Token(raw, chunk))
    return out


def place_by_order(
    layout: Layout,
    labelled: LabelCells,
    *,
    text: str,
    prose: Mapping[str, Number],
    spans: dict[str, tuple[int, int]] | None = None,
) -> set[str]:
    """Cells of every section whose numbers the order places, into `layout` (still empty: the
    labels map only the sections this does not place, `parsers.layout.map_document`); the
    sections placed. `labelled` gives a section's cells as its labels place them, when the
    order needs them to decide (表四 with its blanks lost, 表三 misprinted)."""
    placed = Placed()
    sections = section_lines(text, spans)
    specs = row_specs(layout.template, single_other=layout.single_other)
    readers: dict[str, Callable[[list[Token]], dict[str, Cell] | None]] = {
        "二": lambda toks: _section_two(toks, specs, prose, placed),
        "三": lambda toks: _section_three(toks, layout, prose, placed, labelled),
        "四": lambda toks: _section_four(
            toks, specs, prose, placed, lambda: tokens(table_tail(after)), labelled=labelled
        ),
    }
    after = sections.pop("end", [])
    _lend_opening(sections, specs)
    for name, read in readers.items():
        if name not in sections:
            continue
        cells = read(tokens(sections[name]))
        if cells is None:
            continue
        layout.cells.update(cells)
        placed.sections.add(name)
    layout.warnings += placed.warnings  # what the order could not place, told to the user
    return placed.sections


def _lend_opening(sections: dict[str, list[str]], specs: Mapping[str, RowSpec]) -> None:
    """表二 short of the numbers 表三 opens with, before any label (上海 2019's Letter print:
    "元 / 6 / 251000" after 表三's heading): they are 表二's last cells. A money unit standing
    among them is the unit of the last, 表二's amount (采购总金额; 收费金额 in 2021)."""
    if "二" not in sections or "三" not in sections:
        return
    lines = sections["三"]
    opening = 0
    while opening < len(lines) and (
        not lines[opening].strip() or _OPENING.fullmatch(lines[opening].strip())
    ):
        opening += 1
    numbers = [line for line in lines[:opening] if line.strip() and line.strip() not in _UNITS]
    if not numbers:
        return  # the usual case: 表三 opens with its header
    rows = [spec for key, spec in specs.items() if key.startswith("proactive.")]
    last = rows[-1]
    needed = sum(len(r.cells) for r in rows) - len(tokens(sections["二"]))
    units = {line.strip() for line in lines[:opening]} & _UNITS
    if needed <= 0 or len(tokens(numbers)) != needed or len(units) > 1:
        return
    if units:
        if len(last.cells) - 1 not in last.amounts or numbers[-1].strip().endswith(tuple(_UNITS)):
            return  # a unit with no amount to go with: not 表二's
        numbers[-1] += " " + units.pop()
    sections["二"] = [*sections["二"], "", *numbers]
    sections["三"] = lines[opening:]


# The lines 表三 may open with that belong to 表二: numbers, a money unit.
_OPENING = re.compile(rf"(?:{_NUMBER})(?: ?(?:万元|元))?|万元|元")


# --- arranging chunks into rows ------------------------------------------------------------


Reading = tuple[int, ...]  # the token placed in each cell of a section, in the rows' order
RawReading = tuple[str, ...]  # the printed text placed in each cell, in the rows' order


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
    values = [t.value for t in toks]
    for strict in (True, False):
        found = _arrange(rows, toks, values, starts, strict=strict, limit=limit)
        if found is None or found:
            return found
    return []


def _arrange(
    rows: Sequence[RowSpec],
    toks: Sequence[Token],
    values: Sequence[Number],
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
        base = starts[r]
        for h in range(1, n - r + 1):
            if len(rows[r + h - 1].cells) != width:
                break
            if h > 1 and toks[base].chunk != toks[starts[r + h] - 1].chunk:
                break  # a block read down the columns never crosses label text
            # Row i holds tokens base + c*h + i, column by column; made up to the first unkept.
            block: list[tuple[int, ...]] = []
            kept = True
            for i in range(h):
                block.append(tuple(range(base + i, base + i + width * h, h)))
                if not _sums_hold(rows[r + i], block[i], values):
                    kept = False
                    break
            if not kept and (strict or h > 1 or not alone(r)):
                continue
            rest = suffix(r + h)
            if rest is None:
                memo[r] = None
                return None
            flat = tuple(t for row in block for t in row)
            for tail in rest:
                out[flat + tail] = None
            if len(out) > limit:
                memo[r] = None
                return None
        memo[r] = list(out)
        return memo[r]

    return suffix(0)


def _sums_hold(spec: RowSpec, cells: Sequence[int], values: Sequence[Number]) -> bool:
    """The row's totals equal the sums of their parts (cells index `values`)."""
    for total, parts in spec.sums:  # loops, not all() over sum(): the search calls it most
        part_sum: Number = 0
        for p in parts:
            part_sum += values[cells[p]]
        if values[cells[total]] != part_sum:
            return False
    return True


# --- the sections --------------------------------------------------------------------------


def _keys(rows: Sequence[RowSpec]) -> list[str]:
    return [key for row in rows for key in row.cells]


def _raws(toks: Sequence[Token], readings: Sequence[Reading]) -> list[RawReading]:
    return [tuple(toks[i].raw for i in reading) for reading in readings]


def _cells(
    rows: Sequence[RowSpec], readings: Sequence[RawReading], placed: Placed, name: str
) -> dict[str, Cell]:
    """Cells on which every reading agrees get their value; the others are ambiguous."""
    amounts = {row.cells[i] for row in rows for i in row.amounts}
    out: dict[str, Cell] = {}
    if len(readings) == 1:  # the usual case: one reading, every cell as printed
        for key, raw in zip(_keys(rows), readings[0], strict=True):
            cell = make_cell(raw, amount=key in amounts)
            assert cell is not None  # tokens are values
            out[key] = cell
        return out
    for i, key in enumerate(_keys(rows)):
        raws = sorted({reading[i] for reading in readings})
        cells = [make_cell(raw, amount=key in amounts) for raw in raws]
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
    toks: list[Token], specs: Mapping[str, RowSpec], prose: Mapping[str, Number], placed: Placed
) -> dict[str, Cell] | None:
    """表二; a cell of rows the reading order cut is ambiguous, unless the prose states its
    figure and that figure is among the numbers printed (平潭 2023: 本年度制发的规范性文件77件)."""
    rows = [spec for key, spec in specs.items() if key.startswith("proactive.")]
    readings = arrangements(rows, toks)
    if not readings:
        return None
    out = _cells(rows, _raws(toks, readings), placed, "二")
    unsure = {key for reading in readings for key in _cut_rows(rows, toks, reading)}
    if unsure:
        amounts = {row.cells[i] for row in rows for i in row.amounts}
        raws = {toks[i].raw for reading in readings for i in reading}
        for key in sorted(unsure):
            cells = [make_cell(raw, amount=key in amounts) for raw in raws]
            stated = [c for c in cells if c is not None and c.value == prose.get(key)]
            if stated:
                out[key] = stated[0]
                unsure.discard(key)
                continue
            values = tuple(
                sorted({c.value for c in cells if c is not None and c.value is not None})
            )
            out[key] = Cell(None, "", frozenset({AMBIGUOUS}), None, values)
        if unsure:
            placed.warnings.append(f"表二的数字与行名顺序不一，{len(unsure)} 个单元格未取值")
    return out


def _cut_rows(rows: Sequence[RowSpec], toks: Sequence[Token], reading: Reading) -> list[str]:
    """The cells of 表二's rows that a reading cuts across label text, and of the rows sharing
    their stretches of numbers: 表二's rows have no sums to confirm such a cut (the viewer may
    have printed a number beside the next row's label: 规章 0 / 行政规范性文件 77 / 0 / 0)."""
    out: list[str] = []
    group: list[str] = []
    cut = False
    position = 0
    for row in rows:
        indexes = reading[position : position + len(row.cells)]
        position += len(row.cells)
        chunks = {toks[i].chunk for i in indexes}
        cut |= len(chunks) > 1
        group += row.cells
        after = reading[position] if position < len(reading) else None
        if after is None or toks[after].chunk != toks[indexes[-1]].chunk:  # a stretch ends
            if cut:
                out += group
            group, cut = [], False
    return out


def _section_three(
    toks: list[Token],
    layout: Layout,
    prose: Mapping[str, Number],
    placed: Placed,
    labelled: LabelCells,
) -> dict[str, Cell] | None:
    """表三; in the 2021 template the count of numbers also tells whether （六）其他处理 has
    one row or three (label matching cannot tell when the labels lost their numbers)."""
    template = layout.template
    variants = [layout.single_other]
    if template == "2021":
        variants.append(not layout.single_other)
    found, bounded = _in_order(toks, template, variants)
    if found is None and bounded:
        found = _stranded(toks, template, variants)
    if found is None:
        return None
    rows, readings, single_other, strict = found
    layout.single_other = single_other
    index = {key: i for i, key in enumerate(_keys(rows))}
    values = [[_count(raw).value or 0 for raw in reading] for reading in readings]

    def total(reading: int, keys: Sequence[str]) -> Number:
        return sum(values[reading][index[k]] for k in keys)

    equations = _column_equations(template, single_other)
    kept = [
        r for r in range(len(readings)) if all(total(r, a) == total(r, b) for a, b in equations)
    ]
    if not kept and strict:
        return None  # numbers set aside must give columns that add up
    if not kept:  # the report misprints, or the order misplaced its numbers: the labels tell
        keys = _keys(rows)
        printed = labelled("三")
        kept = [r for r in range(len(readings)) if _labelled(printed, keys, values[r])]
        if not kept:
            return _withheld(keys, values, placed)
    for key, stated in prose.items():
        leaves = _leaves(key, template, single_other)
        if leaves and all(k in index for k in leaves):
            kept = [r for r in kept if total(r, leaves) == stated] or kept
    return _cells(rows, [readings[r] for r in kept], placed, "三")


def _labelled(cells: Mapping[str, Cell], keys: Sequence[str], values: Sequence[Number]) -> bool:
    """The row labels placed these very numbers in these cells (a table that misprints V1/V2
    read as printed: the check says so); second-hand text whose labels lost their numbers
    cannot vouch for its order."""
    for key, value in zip(keys, values, strict=True):
        cell = cells.get(key)
        if cell is None or cell.value != value:
            return False
    return True


def _withheld(
    keys: Sequence[str], values: Sequence[Sequence[Number]], placed: Placed
) -> dict[str, Cell]:
    """表三 read in order with no reading that keeps V1/V2 and no label vouching for one: every
    cell withheld, the readings' values its candidates. A figure the arithmetic contradicts and
    nothing confirms may be the order's misplacement, not the report's (issue #14)."""
    placed.warnings.append(
        f"表三按顺序读出的数字不满足勾稽关系（V1/V2），行名也未印证，{len(keys)} 个单元格未取值"
    )
    return {
        key: Cell(None, "", frozenset({AMBIGUOUS}), None, tuple(sorted({v[i] for v in values})))
        for i, key in enumerate(keys)
    }


# (rows, readings, single_other, strict): strict readings must keep V1 and V2 to be used.
_Found = tuple[list[RowSpec], list[RawReading], bool, bool]


def _apply_specs(template: TemplateVersion, single_other: bool) -> list[RowSpec]:
    specs = row_specs(template, single_other=single_other)
    rows = apply_rows(template, single_other=single_other)
    return [specs[r.key] for r in rows if r.key in specs]


def _in_order(
    toks: list[Token], template: TemplateVersion, variants: list[bool]
) -> tuple[_Found | None, bool]:
    """表三's rows as printed in order (row by row, or blocks down the columns), and whether
    the readings were bounded (past the candidate limit nothing else is tried)."""
    bounded = True
    for single_other in variants:
        rows = _apply_specs(template, single_other)
        readings = arrangements(rows, toks)
        if readings:
            return (rows, _raws(toks, readings), single_other, False), True
        bounded &= readings is not None
    return None, bounded


def _stranded(toks: list[Token], template: TemplateVersion, variants: list[bool]) -> _Found | None:
    """表三's rows with first numbers stranded among the labels (`parsers.stranded`)."""
    for single_other in variants:
        rows = _apply_specs(template, single_other)
        readings = stranded_readings(rows, toks, limit=CANDIDATE_LIMIT)
        if readings:
            return rows, readings, single_other, True
    return None


@lru_cache(maxsize=8)
def _column_equations(
    template: TemplateVersion, single_other: bool
) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """V1 and V2 for every applicant column, as (cells, cells) whose sums are equal."""
    leaves = [r.key for r in apply_rows(template, single_other=single_other) if r.is_result_leaf]
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for col, _ in APPLICANT_COLUMNS:
        out.append(
            (
                (f"apply.new.{col}", f"apply.carried_in.{col}"),
                (f"result.total.{col}", f"apply.carried_forward.{col}"),
            )
        )
        out.append(((f"result.total.{col}",), tuple(f"{k}.{col}" for k in leaves)))
    return tuple(out)


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
    toks: list[Token],
    specs: Mapping[str, RowSpec],
    prose: Mapping[str, Number],
    placed: Placed,
    tail: Callable[[], list[Token]],
    *,
    labelled: LabelCells,
) -> dict[str, Cell] | None:
    """表四; numbers printed after the closing heading (`tail`) complete it when it is short.
    The prose's 行政复议 N 件 / 行政诉讼 N 件 tell apart orders of the chunks that all keep V4.
    Fewer numbers than cells in one stretch are placed with their blanks lost
    (`parsers.blanks`), unless the labels placed 表四 (a copied page keeps its blanks)."""
    rows = [specs[group] for group, _ in REVIEW_GROUPS]
    width = len(rows[0].cells)
    if len(toks) < width * len(rows) and len(toks) + len(after := tail()) == width * len(rows):
        last = toks[-1].chunk + 1 if toks else 0
        toks = toks + [Token(t.raw, last + t.chunk) for t in after]
    short = len(toks) < width * len(rows) and len({t.chunk for t in toks}) == 1
    if short and not labelled("四"):
        found = review_without_blanks(rows, [t.raw for t in toks], [t.value for t in toks], prose)
        if found is None:
            return None
        review, ambiguous = found
        if ambiguous:
            placed.warnings.append(
                f"表四的空白格未印出，数字有多种排法，{ambiguous} 个单元格未取值"
            )
        return review
    if len(toks) != width * len(rows):
        return None
    values = [t.value for t in toks]
    chunks = [
        [i for i, _ in group]
        for _, group in itertools.groupby(enumerate(toks), lambda x: x[1].chunk)
    ]
    orders = (
        itertools.permutations(chunks)
        if len(chunks) <= MAX_PERMUTED_CHUNKS
        else iter([tuple(chunks)])
    )
    readings: dict[Reading, None] = {}
    for order in orders:
        reading: Reading = tuple(i for chunk in order for i in chunk)
        cells = [reading[width * g : width * (g + 1)] for g in range(len(rows))]
        if all(_sums_hold(row, cells[g], values) for g, row in enumerate(rows)):
            readings[reading] = None
    if not readings:  # no order keeps V4: the report misprints, keep its order
        readings[tuple(range(len(toks)))] = None
    kept = list(readings)
    totals = {"review.total": (4,), "litigation.total": (9, 14)}  # 总计 cells in the row of 15
    for key, where in totals.items():
        if key in prose:
            fitting = [r for r in kept if sum(values[r[c]] for c in where) == prose[key]]
            kept = fitting or kept
    return _cells(rows, _raws(toks, kept), placed, "四")
