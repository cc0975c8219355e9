"""Markdown → Document: what PDF-to-markdown converters (marker, MinerU, pymupdf4llm, docling)
make of a report.

Converters cut the template's tables up: one markdown table per page or per row group, a
header row of placeholders (数据1 … 数据6, Col1 …) or the first data row promoted to header,
header rows repeated above rows they do not describe, labels cut across rows, page footers
("— 5 —") as table rows, a wrapped cell pulled above its table, bare value rows with the label
cell empty. MinerU writes tables as HTML inside the markdown. So every table row is read as a
row (the delimiter rows dropped, `<br>` joined), and the Document is marked `by_order`: the
numbers are placed by the template's order (`parsers.sequence`), the labels only confirming.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from parsers.detect import join_lines
from parsers.document import Document
from parsers.html import table_grid

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_DELIMITER = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
# One dash a column is a delimiter row too (GFM), but also what a row of blank cells looks like
# ("| - | - |"): it counts only right under a table's first row.
_SHORT_DELIMITER = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?)?\s*\|?\s*$")
_BARE_ROW = re.compile(r"(?<!\\)\|")  # a row without the outer bars: any unescaped bar
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"\*\*|__|`")
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")
_SPLIT = re.compile(r"(?<!\\)\|")
_PAGE_MARKUP = re.compile(r"<\s*(?:html|body|head|p|div)\b", re.IGNORECASE)
_ATX_HEADING = re.compile(r"^#{1,6}\s+\S")
MIN_PIPE_ROWS = 5  # fewer pipe rows is a text that happens to hold a "|"


def is_markdown(text: str) -> bool:
    """A markdown conversion: pipe tables with their delimiter rows, or HTML tables amid
    markdown headings in a text that is no web page (no <html>, <body>, <p> or <div>)."""
    if "|" not in text and "<table" not in text and "<TABLE" not in text:
        return False  # most text: no need to look at its lines
    lines = text.split("\n")
    pipes = sum(1 for line in lines if _BARE_ROW.search(line))
    if pipes >= MIN_PIPE_ROWS and any(_delimiter(lines, i) for i in range(len(lines))):
        return True
    return (
        _HTML_TABLE.search(text) is not None
        and _PAGE_MARKUP.search(text) is None
        and any(_ATX_HEADING.match(line) for line in lines)
    )


def markdown_document(text: str) -> Document:
    """Rows of every table (pipe or HTML) and the text with each row as a tab-separated line."""
    rows: list[list[str]] = []
    lines: list[str] = []
    cursor = 0
    for match in _HTML_TABLE.finditer(text):
        _pipe_lines(text[cursor : match.start()], rows, lines)
        for row in _html_rows(match.group(0)):
            rows.append(row)
            lines.append("\t".join(row))
        cursor = match.end()
    _pipe_lines(text[cursor:], rows, lines)
    return Document(format="markdown", text="\n".join(lines), rows=rows, by_order=True)


def _pipe_lines(text: str, rows: list[list[str]], lines: list[str]) -> None:
    """Pipe-table rows, with or without the outer bars (GFM allows both: a table without them
    starts at a header row right above a delimiter row and runs to the first line without a
    bar); delimiter rows dropped."""
    source = text.split("\n")
    in_bare_table = False
    for i, line in enumerate(source):
        if _delimiter(source, i):
            continue
        has_bar = _BARE_ROW.search(line) is not None
        if has_bar and _delimiter(source, i + 1) and not _PIPE_ROW.match(line):
            in_bare_table = True  # a header row without outer bars
        in_bare_table &= has_bar
        if _PIPE_ROW.match(line) or in_bare_table:
            body = line.strip()
            body = body[1:] if body.startswith("|") else body
            body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
            row = [_cell(cell) for cell in _SPLIT.split(body)]
            rows.append(row)
            lines.append("\t".join(row))
        else:
            lines.append(_EMPHASIS.sub("", _HEADING.sub("", _TAG.sub("", line))).strip())


def _delimiter(lines: list[str], i: int) -> bool:
    """Line i is a delimiter row: dashes a column (one dash only right under the first row)."""
    if i >= len(lines):
        return False
    if _DELIMITER.match(lines[i]):
        return True
    first_row = (
        i >= 1
        and _BARE_ROW.search(lines[i - 1])
        and (i == 1 or _BARE_ROW.search(lines[i - 2]) is None)
    )
    return bool(first_row) and _SHORT_DELIMITER.match(lines[i]) is not None


def _cell(text: str) -> str:
    """One pipe-table cell: `<br>` line breaks joined, markup and escapes dropped."""
    text = text.replace("\\|", "|")
    if "<" not in text and "*" not in text and "_" not in text and "`" not in text:
        return text.strip()  # most cells: no markup, one line
    parts = _BR.split(text)
    return join_lines(_EMPHASIS.sub("", _TAG.sub("", part)) for part in parts)


def _html_rows(markup: str) -> list[list[str]]:
    try:
        table = lxml.html.fragment_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return []
    return table_grid(table)
