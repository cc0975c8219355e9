"""Bytes → Document, choosing the extractor by content (not by file name).

Each format's reader is imported where its branch runs: a process parsing a .doc or .docx (the
bot's upload, `bench/parse.py`'s office rows) then does not hold PDFium, the OCR worker's
multiprocessing or lxml.html, which it never uses (about 10 MB of its resident memory).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parsers.detect import decode, sniff
from parsers.document import Document
from parsers.model import ParseError
from parsers.text import text_document

if TYPE_CHECKING:
    from parsers.ocr_worker import Limits, Progress

MAX_BYTES = 50 * 1024 * 1024
# A report's text is a few thousand characters (an 80-page PDF some 250,000); the mapper's cost
# grows with the text, so a document beyond these is refused instead of read for minutes.
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_TAGS = 500_000  # "<" in the markup; a report's page has a few thousand
EMPTY = "文件是空的，没有可读取的内容"
_TOO_LONG = "文本过长（{}），不像一份年报，未解析"


def extract(
    data: bytes, *, progress: Progress | None = None, limits: Limits | None = None
) -> Document:
    """Turn a document's bytes into a Document, or raise ParseError with a Chinese message.

    The size is checked first, so an oversized upload is refused before any parsing work.
    Scanned pages and photos are read by OCR; `progress` hears of each such page."""
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB"
        )
    if not data or data.isspace():
        raise ParseError(EMPTY)
    kind = sniff(data)
    if kind == "pdf":
        from parsers.pdf import pdf_document

        return _bounded(pdf_document(data, progress=progress, limits=limits))
    if kind == "image":
        return _bounded(images_document([data], progress=progress, limits=limits))
    if kind == "docx":
        from parsers.docx import docx_document

        return _bounded(docx_document(data))
    if kind in ("doc", "rtf", "odt"):
        from parsers.office import office_document, soffice

        if kind == "doc" and soffice() is None:
            from parsers.doc import doc_document

            return _bounded(doc_document(data))  # antiword: flat tables, names the lost cells
        return _bounded(office_document(data, kind))
    if kind == "html":
        from parsers.html import html_document
        from parsers.markdown import is_markdown

        if (tags := data.count(b"<")) > MAX_HTML_TAGS:  # before decoding, before lxml's tree
            raise ParseError(f"网页过于庞大（{tags:,} 个标签），不像一份年报，未解析")
        markup = decode(data, html=True)
        if is_markdown(markup):  # markdown with <br> in its cells or MinerU's HTML tables
            return text_document(_checked_length(markup))
        return _bounded(html_document(markup))
    if len(data) > 4 * MAX_TEXT_CHARS:  # no character takes more than four bytes
        raise ParseError(_TOO_LONG.format(f"{len(data) / 1024 / 1024:.1f} MB"))
    text = decode(data)
    if not text.strip():
        raise ParseError(EMPTY)
    return text_document(_checked_length(text))


def _bounded(doc: Document) -> Document:
    _checked_length(doc.text)
    return doc


def _checked_length(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise ParseError(_TOO_LONG.format(f"约 {len(text) // 10_000:,} 万字"))
    return text


def images_document(
    images: Sequence[bytes], *, progress: Progress | None = None, limits: Limits | None = None
) -> Document:
    """Photos or screenshots of a report's pages (PNG/JPEG, in page order) as one document."""
    from parsers.ocr_worker import Limits, read_images
    from parsers.pdf import ocr_warning
    from parsers.ruled import lay_out

    for image in images:
        if sniff(image) != "image":
            raise ParseError("只能把图片（PNG、JPEG）合成一份年报，其中有文件不是图片")
    pages = read_images(images, progress=progress, limits=limits or Limits())
    laid = lay_out(pages)
    numbers = tuple(range(1, len(pages) + 1))
    return Document(
        format="image",
        text="\n".join(laid.lines),
        rows=laid.rows,
        warnings=[ocr_warning(numbers, len(pages))],
        ocr_rows=laid.ocr_rows,
        ocr_pages=numbers,
    )
