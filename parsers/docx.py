"""Word (.docx) → Document: paragraphs and tables in body order (python-docx).

A .docx is a zip, and a small upload can inflate to gigabytes (a zip bomb) — even one whose
directory claims small sizes: zipfile inflates a member in one call of up to 1 GiB before it
cuts the output at the declared size. So the members are inflated here in small steps, counting
what actually comes out, and python-docx opens an archive rebuilt from what was read.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO

import docx
from docx.oxml.ns import qn
from lxml.etree import _Element

from parsers.detect import join_lines
from parsers.document import Document
from parsers.model import ParseError
from parsers.text import text_document

log = logging.getLogger(__name__)

MAX_MEMBERS = 2000
# Inflated bytes. A real report's document.xml is a few MB; lxml's tree costs about ten times
# the XML, which these bounds keep under the 400 MB a parse may take.
MAX_DOCUMENT_XML = 16 * 1024 * 1024
MAX_TOTAL = 48 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_NESTING = 8  # layout tables inside layout tables (deeper ones are read as they are)
READ_STEP = 64 * 1024  # bytes asked of a member at a time: bounds each inflate call
_P, _T, _TAB, _TBL = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:tbl")
_TR, _TC, _HYPERLINK = qn("w:tr"), qn("w:tc"), qn("w:hyperlink")
_SEPARATORS = re.compile(r"[\s|｜·•>›»/\\\-—]+")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_BREAKS = (qn("w:br"), qn("w:cr"))
TOO_LARGE = "Word 文件解压后过大或结构异常（疑似压缩炸弹），已拒绝读取"
BROKEN = "Word（.docx）文件已损坏，无法打开"


def docx_document(data: bytes) -> Document:
    """Parse a .docx. Raises ParseError for damaged files and zip bombs."""
    safe = bounded_archive(data)
    try:
        word = docx.Document(BytesIO(safe))
    except Exception as err:  # python-docx raises KeyError, ValueError, lxml errors...
        log.info("docx open failed: %r", err)
        raise ParseError(BROKEN) from err
    lines: list[str] = []
    rows: list[list[str]] = []
    for block in _blocks(word.element.body):
        if block.tag == _TBL:
            grid = table_grid(block)
            rows += grid
            lines += ["\t".join(row) for row in grid]
        elif not _only_links(block):
            lines += _paragraph_lines(block, tab="\t")
    text = "\n".join(line for line in lines if line)
    if not rows:  # a text pasted into Word: its tables are tab-separated or run-together lines
        return replace(text_document(text), format="docx")
    return Document(format="docx", text=text, rows=rows)


def _blocks(container: _Element, depth: int = 0) -> Iterator[_Element]:
    """Paragraphs and tables in body order, including those wrapped in content controls
    (w:sdt) and custom XML, which python-docx's `iter_inner_content` skips. A table holding
    tables is page layout (a web page laid out with tables, saved as Word): its cells' contents
    are read in order instead, so the report's own tables come out as tables."""
    for child in container:
        if child.tag == _TBL and depth < MAX_NESTING and child.find(f".//{_TBL}") is not None:
            for tr in child.iterchildren(_TR):
                for tc in tr.iterchildren(_TC):
                    yield from _blocks(tc, depth + 1)
        elif child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content, depth)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child, depth)


def _only_links(paragraph: _Element) -> bool:
    """A paragraph of nothing but hyperlinks (and separators between them): site chrome of a
    page saved as Word — menus, links to other reports (last year's, other agencies') — which
    must not be taken for the report's heading."""
    linked = outside = ""
    for node in paragraph.iter(_T):
        if next(node.iterancestors(_HYPERLINK), None) is not None:
            linked += node.text or ""
        else:
            outside += node.text or ""
    return bool(linked.strip()) and not _SEPARATORS.sub("", outside)


def _paragraph_lines(paragraph: _Element, *, tab: str = " ") -> list[str]:
    """A paragraph's text split at its line breaks (deleted text, w:delText, is left out). Tabs
    become `tab`: a space inside a table cell, a tab in the body (where they separate cells of
    a table typed as text)."""
    pieces = [
        (node.text or "") if node.tag == _T else ("\n" if node.tag in _BREAKS else tab)
        for node in paragraph.iter(_T, *_BREAKS, _TAB)
    ]
    return [line.replace("\u00a0", " ").strip() for line in "".join(pieces).split("\n")]


def bounded_archive(data: bytes) -> bytes:
    """The archive rebuilt from its members as actually inflated, or ParseError.

    Declared sizes are checked first (cheap refusals), then every part python-docx reads (XML
    and relationships) is inflated `READ_STEP` bytes at a time against the limits; binary parts
    (images, fonts) are never inflated — they are stored empty, python-docx only keeps them.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members)
            out = BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
                budget = MAX_TOTAL
                for member in members:
                    if member.is_dir():
                        continue
                    content = b""
                    if _is_markup(member.filename):
                        limit = MAX_DOCUMENT_XML if _is_body(member.filename) else budget
                        content = _inflate(archive, member, min(limit, budget))
                        budget -= len(content)
                    rebuilt.writestr(member.filename, content)
    except ParseError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise ParseError(BROKEN) from err
    except (NotImplementedError, RuntimeError) as err:  # unknown compression, encrypted member
        raise ParseError(BROKEN) from err
    return out.getvalue()


def _check_declared(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ParseError(TOO_LARGE)
    total = 0
    for m in members:
        total += m.file_size
        if _is_body(m.filename) and m.file_size > MAX_DOCUMENT_XML:
            raise ParseError(TOO_LARGE)
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ParseError(TOO_LARGE)
    if total > MAX_TOTAL:
        raise ParseError(TOO_LARGE)


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read in small steps; more than `limit` is a zip bomb."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(READ_STEP):
            size += len(chunk)
            if size > limit:
                raise ParseError(TOO_LARGE)
            chunks.append(chunk)
    return b"".join(chunks)


def _is_markup(name: str) -> bool:
    """Parts a reader parses: XML and relationships; for an .odt also its RDF metadata and its
    `mimetype` (by which LibreOffice knows it)."""
    return name.endswith((".xml", ".rels", ".rdf")) or name == "mimetype"


def _is_body(name: str) -> bool:
    return name in ("word/document.xml", "content.xml")  # .docx, .odt


def table_grid(tbl: _Element) -> list[list[str]]:
    """Rows of a Word table as printed: a cell merged down (vMerge) repeats in every row it
    covers, a cell merged across (gridSpan) appears once in its row."""
    grid: list[list[str]] = []
    above: dict[int, tuple[int, str]] = {}  # grid column → (cell id, text) of the row above
    serial = 0
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[tuple[int, str]] = []
        col = _int_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0)
        current: dict[int, tuple[int, str]] = {}
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = max(1, min(_int_val(_child(props, "w:gridSpan"), 1), 64))
            merge = _child(props, "w:vMerge")
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                cell = above.get(col, (-1, ""))
            else:
                serial += 1
                cell = (serial, cell_text(tc))
            for _ in range(span):
                row.append(cell)
                current[col] = cell
                col += 1
        above = current
        if row:
            grid.append(
                [text for i, (ident, text) in enumerate(row) if i == 0 or row[i - 1][0] != ident]
            )
    return grid


def cell_text(tc: _Element) -> str:
    """A cell's text on one line: paragraphs and line breaks inside a label join up, numbers on
    separate lines stay apart (see `join_lines`)."""
    return join_lines(line for paragraph in tc.iter(_P) for line in _paragraph_lines(paragraph))


def _child(parent: _Element | None, tag: str) -> _Element | None:
    return None if parent is None else parent.find(qn(tag))


def _int_val(node: _Element | None, default: int) -> int:
    if node is None:
        return default
    try:
        return int(node.get(qn("w:val"), default))
    except ValueError:
        return default
