"""Bytes → Document, choosing the extractor by content (not by file name)."""

from __future__ import annotations

from parsers.detect import decode, sniff
from parsers.doc import doc_document
from parsers.document import Document
from parsers.docx import docx_document
from parsers.html import html_document
from parsers.markdown import is_markdown
from parsers.model import ParseError
from parsers.pdf import pdf_document
from parsers.text import text_document

MAX_BYTES = 50 * 1024 * 1024
EMPTY = "文件是空的，没有可读取的内容"


def extract(data: bytes) -> Document:
    """Turn a document's bytes into a Document, or raise ParseError with a Chinese message.

    The size is checked first, so an oversized upload is refused before any parsing work."""
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB"
        )
    if not data or data.isspace():
        raise ParseError(EMPTY)
    kind = sniff(data)
    if kind == "pdf":
        return pdf_document(data)
    if kind == "docx":
        return docx_document(data)
    if kind == "doc":
        return doc_document(data)
    if kind == "html":
        markup = decode(data, html=True)
        if is_markdown(markup):  # markdown with <br> in its cells or MinerU's HTML tables
            return text_document(markup)
        return html_document(markup)
    text = decode(data)
    if not text.strip():
        raise ParseError(EMPTY)
    return text_document(text)
