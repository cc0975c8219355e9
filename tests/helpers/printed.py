"""PDFs printed from Word with a row of 表三 broken across a page break.

Word and LibreOffice let a table row break across pages (the default): a row whose cells wrap
onto several lines — numbers in a narrow column print a digit or two per line — may start at
the foot of one page and end at the head of the next, "2" above the break and "6" below for a
printed 26. `split_row_pdf` makes such a PDF from a report's Word file deterministically: it
prints the file with 表三 starting a new page, finds a row on that page that prints on two lines
or more (wrapped numbers first, 本年新收 first of all), pushes the table down by an empty
paragraph just tall enough to bring the page's foot between that row's first and second lines,
prints again, and checks that the row did break. The measuring reads only the
PDF's characters and its horizontal border objects (pypdfium2), nothing of the parser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from io import BytesIO

import docx
import pypdfium2
import pypdfium2.raw as pdfium_c

from tests.helpers import office

# Words of the rows of 表三 in printed order, each found in its row's label (HEADER in the last
# header row): the row to break is the first that prints on two lines or more, numbers first.
HEADER = "商业企业"
ROWS = (
    "本年新收",
    "上年结转",
    "予以公开",
    "部分公开",
    "国家秘密",
    "禁止公开",
    "三安全一稳定",
    "第三方合法权益",
    "内部事务",
    "过程性信息",
    "行政执法案卷",
    "行政查询",
    "不掌握",
    "另行制作",
    "仍不明确",
    "信访举报投诉",
    "重复申请",
    "公开出版物",
    "大量反复",
    "确认或重新出具",
    "逾期不补正",
    "收费通知",
    "（七）总计",
    "结转下年度",
)
_RULE = 2.0  # points: a border object this thin and wider than a cell is a horizontal rule
_MARGIN = 2.0  # points left below the first line of a row broken at the foot of a page
_LEAD = 1.0  # points: the empty paragraph above 表三 when measuring


@dataclass(frozen=True)
class Row:
    """Where a row of 表三 printed (its first part, if broken): the page, and the tops and
    bottoms (top-left origin) of the lines of its digits and of its other characters."""

    page: int
    digit_lines: tuple[tuple[float, float], ...]
    text_lines: tuple[tuple[float, float], ...]

    def break_at(self) -> float | None:
        """Where a page's foot breaks the row: below the first line of every cell (a cell
        breaks between its lines only), above the rest of some cell."""
        firsts = [lines[0][1] for lines in (self.digit_lines, self.text_lines) if lines]
        at = max(firsts) + _MARGIN
        rest = max(bottom for lines in (self.digit_lines, self.text_lines) for _, bottom in lines)
        return at if rest > at + _MARGIN else None

    @property
    def n_lines(self) -> int:
        return len(self.digit_lines) + len(self.text_lines)


def split_row_pdfs(words: Sequence[bytes], layout: office.Layout) -> list[tuple[bytes, str]]:
    """Each .docx printed with `layout` and one row of 表三 broken across a page break, as
    (PDF, the words of the row broken); all files are printed together, one LibreOffice run per
    round. Raises RuntimeError for a file where no row could be broken."""
    first = _print([(word, _LEAD) for word in words], layout)
    plans = [_plans(word, pdf) for word, pdf in zip(words, first, strict=True)]
    done: dict[int, tuple[bytes, str]] = {}
    for attempt in range(max(map(len, plans), default=0)):
        jobs = [i for i, plan in enumerate(plans) if i not in done and attempt < len(plan)]
        pdfs = _print([(words[i], plans[i][attempt][1]) for i in jobs], layout)
        for i, pdf in zip(jobs, pdfs, strict=True):
            row, _ = plans[i][attempt]
            broken = _rows(pdf).get(row)
            if broken is not None and broken.n_lines < _rows(first[i])[row].n_lines:
                done[i] = (pdf, row)
    missing = [i for i in range(len(words)) if i not in done]
    if missing:
        raise RuntimeError(f"no row of 表三 could be made to break across a page in {missing}")
    return [done[i] for i in range(len(words))]


def _print(jobs: Sequence[tuple[bytes, float]], layout: office.Layout) -> list[bytes]:
    sources = [(office.word_layout(w, replace(layout, lead_pt=lead)), ".docx") for w, lead in jobs]
    return office.convert_many(sources, "pdf")


def _plans(word: bytes, pdf: bytes) -> list[tuple[str, float]]:
    """(row words, lead in points) to try, best first: rows on the table's first page that
    print on two lines or more, wrapped numbers first, each pushed down to the page's foot."""
    rows = _rows(pdf)
    page = min((row.page for row in rows.values()), default=0)
    plans = []
    for words, row in rows.items():
        at = row.break_at()
        if row.page == page and at is not None:
            plans.append((len(row.digit_lines) < 2, words, _LEAD + _text_foot(word) - at))
    return [(words, lead) for _, words, lead in sorted(plans, key=lambda p: p[0])]


def _text_foot(word: bytes) -> float:
    """How far down the page (points) the text area ends."""
    section = docx.Document(BytesIO(word)).sections[-1]
    return (section.page_height - section.bottom_margin) / 12700


def _rows(pdf: bytes) -> dict[str, Row]:
    """Every row of 表三 found by its label words, as it printed (its first part, if broken)."""
    document = pypdfium2.PdfDocument(pdf)
    found: dict[str, Row] = {}
    try:
        for index in range(len(document)):
            page = document[index]
            height = page.get_height()
            rules = _rules(page, height)
            textpage = page.get_textpage()
            chars = _chars(textpage, height)
            text = "".join(c for c, *_ in chars)
            for words in ROWS:
                for match in re.finditer(re.escape(words), text):
                    row = _row(index, rules, chars, chars[match.start()][2])
                    if row is not None:
                        found.setdefault(words, row)
                        break
    finally:
        document.close()
    return found


def _row(page: int, rules: Sequence[float], chars: Sequence[Char], label_top: float) -> Row | None:
    """The row whose label starts at `label_top`, if it stands between rules."""
    tops = [y for y in rules if y <= label_top + 1]
    below = [y for y in rules if y > label_top + 1]
    if not tops or not below:
        return None
    band = [c for c in chars if tops[-1] < (c[2] + c[4]) / 2 < below[0]]
    digits = [c for c in band if c[0].isdigit()]
    return Row(page, _lines(digits), _lines([c for c in band if not c[0].isdigit()]))


def _rules(page: pypdfium2.PdfPage, height: float) -> list[float]:
    """The heights (top-left origin) of the page's horizontal rules as wide as two cells."""
    ys = set()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom <= _RULE and right - left > 10:
            ys.add(round(height - (top + bottom) / 2, 1))
    return sorted(ys)


Char = tuple[str, float, float, float, float]


def _chars(textpage: pypdfium2.PdfTextPage, height: float) -> list[Char]:
    out: list[Char] = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        out.append((textpage.get_text_range(i, 1), left, height - top, right, height - bottom))
    return out


def _lines(chars: Sequence[Char]) -> tuple[tuple[float, float], ...]:
    """The (top, bottom) of each line the characters make, top to bottom: characters whose
    tops lie within 2 points of a line's first are on it."""
    lines: list[list[float]] = []
    for _, _, top, _, bottom in sorted((c for c in chars if c[0].strip()), key=lambda c: c[2]):
        if lines and top - lines[-1][0] <= 2:
            lines[-1][1] = max(lines[-1][1], bottom)
        else:
            lines.append([top, bottom])
    return tuple((a, b) for a, b in lines)
