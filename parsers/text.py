"""Plain text → Document: tab/space separated tables, or cells run together with no separator.

Text reports come from two sources: PDF/Word text dumps (cells separated by tabs or runs of
spaces, rows sometimes broken across lines) and web crawls that glue every table cell together
(`一、本年新收政府信息公开申请数量640020470`). The second kind becomes rows of [label, digit run]
and is marked `runs_together`, so the template mapper hands the runs to `parsers.digits`.
"""

from __future__ import annotations

import re

from parsers.columns import placed_rows, tail_tokens
from parsers.document import Document
from parsers.markdown import is_markdown, markdown_document
from parsers.sections import section_spans
from parsers.values import is_value_cell, normalize_width

_SEPARATOR = re.compile(r"\t| {2,}")
# A separator (a tab or two spaces) with a cell's text before or after it. Written to start with
# the separator, the context looked at around it: the regex engine then skips to each tab or
# space instead of trying every character (eight times faster on column-preserving text).
_HAS_SEPARATOR = re.compile(r"\t(?:(?<=\S\t)|(?=\S))|  (?:(?<=\S  )|(?=\S))")
# A digit run: digits, decimal points, single minus signs and spaces between digit groups,
# with an optional money unit glued to the end.
_RUN = re.compile(r"-?\d(?:[\d.]|-(?=\d)| +(?=-?\d))*(?: ?(?:万元|元))?")
_PACKED = re.compile(r"\d+(?: \d+)+")  # numbers a single space apart
_PACKED_AT = re.compile(r"\d \d")  # ... looked for in the line first: most lines have none
_TABLE_START = re.compile(r"第二十条\s*第[（(][一二三四五六七八九十]+[)）]项")
_GLUED_LABEL = re.compile(r"(?:申请数量|规章|规范性文件|总计|予以公开|行政许可|行政处罚) ?\d")
_MIN_GLUED = 3  # glued labels needed before a text counts as run together
_TABLE_END = "存在的主要问题"
_MIN_WRAPPED = 20  # lines a wrapped text has at least
_MIN_WRAP_WIDTH = 20  # characters: narrower breaks are a table's cells, not a wrap
_WRAPPED_SHARE = 0.2  # of the non-empty lines exactly as long as the longest
_PADDED_SHARE = 0.9  # ... beyond which, ending in spaces, they are padded rather than wrapped
_MAX_PENDING = 60  # longer separator-less lines are prose, not a broken row label
# A browser's copy of a table whose cells hold paragraphs (innerText): each cell between blank
# lines, a line holding only the tab between cells, a blank cell a line of spaces (&nbsp;).
_CELL_BREAK = "\n\n\t\n\n"
_CELL_BREAK_RE = re.compile(r"\n{0,2}\t\n{0,2}")
_MIN_CELL_BREAKS = 10  # such breaks before a text counts as a browser's copy


def normalize_text(text: str) -> str:
    """One line-break style and ASCII digits/spaces."""
    return normalize_width(text.replace("\r\n", "\n").replace("\r", "\n"))


def text_document(text: str) -> Document:
    """A Document from plain text; table rows from separators, or digit runs when glued;
    markdown conversions are read as tables (`parsers.markdown`)."""
    text = _without_trailing_spaces(unwrapped(cells_joined(normalize_text(text))))
    if is_markdown(text):
        return markdown_document(text)
    spans = section_spans(text.split("\n"))
    rows = _separated_rows(text, spans)
    if not _numeric_rows(rows) and len(_GLUED_LABEL.findall(text)) >= _MIN_GLUED:
        run_rows = _run_rows(text)
        if run_rows:
            return Document(
                format="text",
                text=text,
                rows=run_rows,
                runs_together=True,
                by_order=True,
                spans=spans,
            )
    return Document(format="text", text=text, rows=rows, by_order=True, spans=spans)


def _numeric_rows(rows: list[list[str]]) -> bool:
    """At least three rows of two numbers each: a table, not cells glued into digit runs (the
    rows are read up to the third such row, not all of them)."""
    found = 0
    for row in rows:
        if sum(1 for c in row if c and is_value_cell(c)) >= 2:
            found += 1
            if found >= 3:
                return True
    return False


def _without_trailing_spaces(text: str) -> str:
    """Each line without the spaces it ends in: pdfplumber's layout text pads every line to the
    page's width, half its characters; nothing after the wrap test reads them (a tab may end a
    row of blank cells: kept). Line by line: a regex tries each space of the padding."""
    return "\n".join([line.rstrip(" ") for line in text.split("\n")])


def cells_joined(text: str) -> str:
    """A browser's copy of a table with each row on one line again, its cells separated by
    tabs: read by order instead, a row's blank cells (a line of spaces) are lost and the row's
    numbers no longer tell their columns (上海 2019's 表三 and 表四)."""
    if text.count(_CELL_BREAK) < _MIN_CELL_BREAKS:
        return text
    return _CELL_BREAK_RE.sub("\t", text)


def unwrapped(text: str) -> str:
    """Text hard-wrapped at a fixed width (a chat client or a narrow editor breaking every long
    line every N characters) with its lines joined again: many lines are then exactly N
    characters long, none longer, each continued on the next line. A break at N tells nothing
    about the table; a line the writer ended at exactly N is joined too (the text cannot tell)."""
    lines = text.split("\n")
    lengths = [len(line) for line in lines if line and not line.isspace()]
    if len(lengths) < _MIN_WRAPPED:
        return text
    width = max(lengths)
    broken = [len(line) == width for line in lines]
    if width < _MIN_WRAP_WIDTH or sum(broken) < _WRAPPED_SHARE * len(lengths):
        return text
    padded = sum(1 for line, b in zip(lines, broken, strict=True) if b and line[-1].isspace())
    if sum(broken) >= _PADDED_SHARE * len(lengths) and padded * 2 > sum(broken):
        return text  # every line padded with spaces to one width (pdfplumber's layout text)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and broken[i - 1]:
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _separated_rows(text: str, spans: dict[str, tuple[int, int]]) -> list[list[str]]:
    """Rows of tab/space separated cells; a short line right above a row is its broken label.
    Rows of 表三 in column-preserving text keep their blank cells where the columns tell (the
    sections' `spans` say where 表三 is)."""
    rows: list[list[str]] = []
    pending = ""
    lines = text.split("\n")
    placed = {} if "\t" in text or "三" not in spans else placed_rows(lines, *spans["三"])
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            pending = ""
            continue
        if i in placed:
            tokens = tail_tokens(line)
            label = (line[: tokens[0][0]] if tokens else line).strip()
            cells = [c.strip() for c in _SEPARATOR.split(label)] if label else [""]
            cells += placed[i]
        elif _HAS_SEPARATOR.search(line):
            cells = [cell.strip() for cell in _SEPARATOR.split(line.rstrip("\n"))]
            if _PACKED_AT.search(line) and any(_PACKED.fullmatch(cell) for cell in cells):
                cells = [part for cell in cells for part in _unpacked(cell)]
        else:
            pending = (pending + stripped) if len(pending) + len(stripped) <= _MAX_PENDING else ""
            continue
        if pending and cells[0] and not is_value_cell(cells[0]):
            cells[0] = pending + cells[0]
        elif pending:
            cells.insert(0, pending)
        pending = ""
        rows.append(cells)
    return rows


def _unpacked(cell: str) -> list[str]:
    """A cell of numbers one space apart is as many cells: poppler's layout text packs a row's
    numbers together where its columns run short ("821     35     2 1 859", 上海 2019 on A4)."""
    return cell.split(" ") if " " in cell and _PACKED.fullmatch(cell) else [cell]


def _run_rows(text: str) -> list[list[str]]:
    """[label, digit run] pairs from the table part of text whose cells are glued together."""
    start_match = _TABLE_START.search(text)
    start = start_match.start() if start_match else max(0, text.find("本年新收") - 200)
    end = text.find(_TABLE_END, start)
    region = text[start : end if end >= 0 else len(text)]
    rows: list[list[str]] = []
    label_start = 0
    pos = 0
    while True:
        match = _RUN.search(region, pos)
        if match is None:
            break
        run_start, run_end = match.span()
        run = match.group(0)
        pos = run_end
        after = region[run_end : run_end + 1]
        ordinal_next = run.endswith(".") or (
            after == "." and not region[run_end + 1 : run_end + 2].isdigit()
        )
        if ordinal_next and run.rstrip(".")[-1:].isdigit():
            # "00000002.其他法律…": the last digit is the next label's ordinal.
            run = run.rstrip(".")[:-1].rstrip()
            ordinal_start = run_start + len(run)
            if not run:
                continue  # only an ordinal: part of the label text
            rows.append(_run_row(region, label_start, run_start, run))
            label_start = ordinal_start
            continue
        rows.append(_run_row(region, label_start, run_start, run))
        label_start = run_end
    return [row for row in rows if row[0]]


def _run_row(region: str, label_start: int, run_start: int, run: str) -> list[str]:
    """[label, run], the label being the text before the run on its own line. Crawled pages
    glue a row's label to its run on one line; PDF text puts labels on lines above or below
    their numbers (labels are centred vertically), so a label on another line may be the next
    row's: such runs are left for the template order to place (`parsers.sequence`)."""
    line_start = max(label_start, region.rfind("\n", label_start, run_start) + 1)
    return [region[line_start:run_start].strip(), run.strip()]
