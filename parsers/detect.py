"""Tell a document's format from its bytes and decode text formats.

Uploads arrive with arbitrary or missing file names (Telegram documents, crawled pages saved as
.txt), so the format is sniffed from the content: magic bytes for the binary formats, markup for
HTML, and a decodability check for plain text.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable
from io import BytesIO
from typing import Literal

from charset_normalizer import from_bytes

from parsers.model import ParseError

Format = Literal["pdf", "doc", "docx", "odt", "rtf", "html", "text", "image"]

UNKNOWN_FORMAT = (
    "无法识别的文件格式，请上传 PDF、Word（.docx/.doc）、WPS、RTF、ODT、网页（HTML）、文本文件"
    "或年报页面的照片（PNG、JPEG）"
)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG: photos of pages
_ZIP_MAGIC = b"PK\x03\x04"
_RTF_MAGIC = b"{\\rtf"
_ODT_TYPES = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.text-template",
)
_HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|p|div|br|td|tr|span)\b", re.IGNORECASE
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHINESE_FAMILY = ("gb2312", "gbk", "gb18030", "x-gbk", "cp936")
_WESTERN = ("iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii")
_SNIFF_BYTES = 4096
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def sniff(data: bytes) -> Format:
    """The document's format, judged by content alone."""
    head = data[:_SNIFF_BYTES]
    if head.lstrip(b"\r\n\t \x00\xef\xbb\xbf")[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE2_MAGIC):  # Word 97–2003 and WPS; LibreOffice tells them apart
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(_RTF_MAGIC):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if _HTML_MARKERS.search(_ascii_view(head)):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> Format:
    """.docx has word/document.xml; an OpenDocument text names its type in `mimetype`."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                with archive.open("mimetype") as stream:
                    if stream.read(100).strip() in _ODT_TYPES:
                        return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as err:
        raise ParseError("Word（.docx）文件已损坏，无法打开") from err
    raise ParseError("压缩文件不是 Word（.docx）或 OpenDocument（.odt）文档，无法读取")


def _ascii_view(head: bytes) -> bytes:
    """UTF-16 pages carry markup as ASCII with zero bytes in between."""
    return head.replace(b"\x00", b"") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head


def decode(data: bytes, *, html: bool = False) -> str:
    """Decode a text or HTML document: BOM, then UTF-8, then the page's declared charset, then
    the GB family (what Chinese government sites and Windows editors save), then a guess.

    Raises ParseError when the bytes are not text at all (binary garbage).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _checked(data[len(bom) :].decode(encoding, errors="replace"))
    # UTF-8 first: pages re-saved as UTF-8 often keep their old gb2312 declaration, while GBK
    # bytes almost never form valid UTF-8. Single-byte Western declarations are ignored: they
    # decode anything, so a mislabelled Chinese page would come out garbled.
    candidates = ["utf-8"]
    if html and (match := _META_CHARSET.search(data[:_SNIFF_BYTES])):
        declared = match.group(1).decode("ascii").lower()
        if declared in _CHINESE_FAMILY:
            candidates.append("gb18030")
        elif declared not in _WESTERN:
            candidates.append(declared)
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            return _checked(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise ParseError(UNKNOWN_FORMAT)
    return _checked(data.decode(best.encoding, errors="replace"))


def _checked(text: str) -> str:
    """Refuse text that is mostly control characters or replacement marks: binary data that
    happened to decode."""
    sample = text[:20000]
    if not sample.strip():
        return text
    bad = len(_NOT_TEXT.findall(sample))
    if bad * 10 > len(sample):
        raise ParseError(UNKNOWN_FORMAT)
    return text


def join_lines(lines: Iterable[str]) -> str:
    """A table cell's lines as one: wrapped Chinese label text joins without a break, but two
    numbers on separate lines stay apart ("13" and "524" must not become 13524)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            out += " "
        out += line
    return out
