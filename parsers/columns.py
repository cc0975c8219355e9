"""Column-preserving text (`pdftotext -layout`, pdfplumber's layout text, a browser's print
copied out of a PDF viewer) read by the columns its numbers stand in.

Such text keeps each number where the table printed it, but a blank cell is only spaces: split at
the spaces, a row of 表三 with blank cells has fewer numbers than columns and no way to tell which
are missing. Their positions tell. On each page of 表三, the columns stand where the rows that
print all seven numbers put them, or, when no row does, under the applicant header words
(自然人, 商业企业 … 总计) printed above the rows. A shorter row's numbers are then placed in
the column each stands clearly nearest to — never when one stands between two columns, when two
fall in one column, or when the placed row breaks its own sum (总计 of the six applicant
columns): such a row is left as printed, missing rather than guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from statistics import median

from parsers.fields import APPLICANT_COLUMNS
from parsers.layout import norm_text, row_words

WIDTH = len(APPLICANT_COLUMNS)  # 表三: six applicant columns and 总计
# A printed value standing alone between spaces: a number (money unit glued on) or a blank mark.
_TOKEN = re.compile(r"(?<!\S)(?:-?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[/／—–－―]|——)(?!\S)")
_TOKEN_ENDS = frozenset("0123456789元/／—–－―")  # the last character of every token
# The applicant header words, in column order ("法人或其他组织" is the group, not 其他).
_BLANK_MARK = re.compile(r"[/／—–－―]|——")
# A whole sub-row label: its group's label perhaps, an ordinal (or two run together), the words.
_SUB_ROW_LABEL = re.compile(
    r"(?:[（(][一二三四五六七][)）][\u4e00-\u9fff]{2,6}\s*)?(?:\d{1,2}\s*[.．、]\s*)+"
    r"([\u4e00-\u9fff“”\"]{4,})"
)
_HEADER_WORDS = (
    re.compile(r"自\s*然\s*人"),
    re.compile(r"商\s*业\s*企?\s*业?"),
    re.compile(r"科\s*研\s*机?\s*构?"),
    re.compile(r"社\s*会\s*公\s*益\s*(?:组\s*织)?"),
    re.compile(r"法\s*律\s*服\s*务\s*(?:机\s*构)?"),
    re.compile(r"(?<!或)其\s*他(?!\s*组)"),
    re.compile(r"总\s*计"),
)
_GAP = 2.0  # characters between the centres of two numbers in different columns, at least
_SPREAD = 3.0  # characters the centres of one column's numbers may differ by, at most
_CLEAR = 3.0  # characters by which the columns' order must beat every other, and fit its own


def tail_tokens(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the values ending the line: numbers and blank marks with nothing
    but spaces between them and after the last."""
    if not line or (line[-1] not in _TOKEN_ENDS and not line[-1].isspace()):
        return []  # most lines: a label's words (told without copying the line)
    end = len(line.rstrip())
    if not end or line[end - 1] not in _TOKEN_ENDS:
        return []
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(line)]
    tail: list[tuple[int, int, str]] = []
    for start, stop, text in reversed(tokens):
        if line[stop:end].strip():
            break
        tail.append((start, stop, text))
        end = start
    tail.reverse()
    return tail


def _whole_label(words: str) -> bool:
    """The sub-row's words (after its ordinal) hold its distinctive words: it is no first line
    of a label wrapped onto its numbers' line ("1、申请人无正当理由逾期不补" / "正、… 67")."""
    return row_words().search(norm_text(words)) is not None


def _center(token: tuple[int, int, str]) -> float:
    return (token[0] + token[1] - 1) / 2


def placed_rows(lines: Sequence[str], start: int, stop: int) -> dict[int, list[str]]:
    """Line index → the seven cells of 表三 ("" where blank) for the lines in [start, stop)
    whose numbers the columns place; pages (form feeds) are read apart."""
    out: dict[int, list[str]] = {}
    page_start = start
    for i in range(start, stop + 1):
        if i == stop or (i > page_start and lines[i].startswith("\f")):
            out.update(_page_rows(lines, page_start, i))
            page_start = i
    return out


def _page_rows(lines: Sequence[str], start: int, stop: int) -> dict[int, list[str]]:
    rows = {
        i: tokens for i in range(start, stop) if 0 < len(tokens := tail_tokens(lines[i])) <= WIDTH
    }
    if all(len(t) == WIDTH for t in rows.values()):
        return {}  # every row prints every cell: splitting at the spaces reads them
    anchors = _anchors_of_full_rows(rows) or _anchors_of_header(lines, start, stop, rows)
    column_of = _columns(rows, anchors) if anchors else None
    if column_of is None:
        return {}
    out: dict[int, list[str]] = {}
    for i, tokens in rows.items():
        cells = [""] * WIDTH
        columns = [column_of[_center(t)] for t in tokens]
        if any(b <= a for a, b in itertools.pairwise(columns)):
            continue  # two numbers in one column: not a row of this table as printed
        for column, token in zip(columns, tokens, strict=True):
            cells[column] = token[2]
        if _sum_holds(cells):
            out[i] = cells
    out.update(_blank_rows(lines, rows))
    return out


def _blank_rows(
    lines: Sequence[str], rows: dict[int, list[tuple[int, int, str]]]
) -> dict[int, list[str]]:
    """Sub-rows printed with a label and no number among rows that print numbers: every cell
    blank. Only a whole sub-row label (its ordinal, then its words) counts, and only when no
    line of bare numbers stands next to it (a label centred over its numbers spans lines)."""
    out: dict[int, list[str]] = {}
    if not rows:
        return out
    filled = [i for i in range(min(rows), max(rows)) if lines[i].strip()]
    bare = {i for i, tokens in rows.items() if not lines[i][: tokens[0][0]].strip()}
    for n, i in enumerate(filled):
        label = _SUB_ROW_LABEL.fullmatch(lines[i].strip())
        if i in rows or label is None or not _whole_label(label.group(1)):
            continue
        neighbours = filled[max(0, n - 1) : n] + filled[n + 1 : n + 2]
        if not any(j in bare for j in neighbours):
            out[i] = [""] * WIDTH
    return out


def _columns(
    rows: dict[int, list[tuple[int, int, str]]], anchors: Sequence[float]
) -> dict[float, int] | None:
    """Column of every number's centre: the centres fall in clusters (a column's numbers differ
    in width), and the clusters go to the columns in order at the least total distance from
    the anchors — only when every other order is clearly farther."""
    centers = sorted({_center(t) for tokens in rows.values() for t in tokens})
    clusters: list[list[float]] = []
    for center in centers:
        if clusters and center - clusters[-1][-1] <= _GAP:
            clusters[-1].append(center)
        else:
            clusters.append([center])
    if len(clusters) > WIDTH or any(c[-1] - c[0] > _SPREAD for c in clusters):
        return None
    middles = [median(c) for c in clusters]
    costs = sorted(
        (sum(abs(m - anchors[col]) for m, col in zip(middles, chosen, strict=True)), chosen)
        for chosen in itertools.combinations(range(WIDTH), len(clusters))
    )
    best, chosen = costs[0]
    if len(costs) > 1 and costs[1][0] - best < _CLEAR:
        return None
    if any(abs(m - anchors[col]) > _CLEAR for m, col in zip(middles, chosen, strict=True)):
        return None
    return {c: col for cluster, col in zip(clusters, chosen, strict=True) for c in cluster}


def _anchors_of_full_rows(rows: dict[int, list[tuple[int, int, str]]]) -> list[float] | None:
    full = [tokens for tokens in rows.values() if len(tokens) == WIDTH]
    if not full:
        return None
    return [median(_center(tokens[c]) for tokens in full) for c in range(WIDTH)]


def _anchors_of_header(
    lines: Sequence[str], start: int, stop: int, rows: dict[int, list[tuple[int, int, str]]]
) -> list[float] | None:
    """Centres of the header words above the page's first row of numbers, each found once.

    Words glued to the word before them (商业企业科研机构社会公益组织法律服务机构: pdfplumber
    lays a run of Chinese characters a character a column, narrower than printed, so the run
    falls behind its columns) tell only their order: they are spread evenly between the run's
    first word and the next word standing apart."""
    first = min(rows, default=stop)
    spans: list[tuple[int, int, int]] = []  # (line, start, end) of each word
    for word in _HEADER_WORDS:
        found = [
            (i, m.start(), m.end())
            for i in range(start, first)
            for m in word.finditer(lines[i].lstrip("\f"))
        ]
        if len(found) != 1:
            return None
        spans.append(found[0])
    anchors: list[float | None] = [(a + b - 1) / 2 for _, a, b in spans]
    for n in range(1, len(spans)):
        if spans[n][0] == spans[n - 1][0] and spans[n][1] == spans[n - 1][2]:
            anchors[n] = None  # glued to the word before it
    known = [n for n, a in enumerate(anchors) if a is not None]
    if known[-1] != len(anchors) - 1:
        return None  # a run ending the header: nothing after it to spread it to
    out: list[float] = []
    for low, high in itertools.pairwise(known):
        a, b = anchors[low], anchors[high]
        assert a is not None and b is not None
        out += [a + (b - a) * k / (high - low) for k in range(high - low)]
    out.append(anchors[-1] or 0.0)
    return out if all(b > a for a, b in itertools.pairwise(out)) else None


def _sum_holds(cells: Sequence[str]) -> bool:
    """Every cell a count, and 总计 the sum of the six applicant columns when it is printed."""
    values = [_count(c) for c in cells]
    if any(v is None for v in values):
        return False
    if not cells[-1][:1].isdigit():
        return True  # 总计 blank: nothing to check it against
    return values[-1] == sum(v or 0 for v in values[:-1])


def _count(cell: str) -> int | None:
    """A cell of 表三 as a count: blank and blank marks are none; other text is not a count."""
    digits = cell.replace(",", "")
    if digits.isdigit():
        return int(digits)
    return 0 if cell == "" or _BLANK_MARK.fullmatch(cell) else None
