"""Bytes → Document, choosing the extractor by content (not by file name).

First version: plain text only. The formats owner extends this with HTML, Word and PDF.
"""

from __future__ import annotations

from parsers.document import Document
from parsers.model import ParseError
from parsers.text import text_document


def extract(data: bytes) -> Document:
    """Turn a document's bytes into a Document, or raise ParseError with a Chinese message."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return text_document(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ParseError("无法识别文件编码，请提供 UTF-8 或 GBK 编码的文本")
