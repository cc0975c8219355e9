"""PDF → Document with PDFium: every character with its box, ruling lines from the page's paths.

Characters become words and lines by their coordinates and the tables come from the ruling
(`parsers.ruled`). Pages without a usable text layer — a scan (图片版), or a font whose glyphs map
to no characters — are rendered and read by OCR (`parsers.ocr`), page by page.
"""

from __future__ import annotations

import ctypes
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.document import Document
from parsers.model import ParseError
from parsers.ocr_engine import available as ocr_available
from parsers.ocr_worker import Limits, Progress, read_pdf_pages
from parsers.ruled import Char, Page, Rule, lay_out, words_from_chars

log = logging.getLogger(__name__)

MAX_PAGES = 80
NO_TEXT_LAYER = "PDF 没有文字层（可能是扫描件），无法读取数字"
UNMAPPED_FONT = "PDF 的字体无法映射为文字（(cid:…) 字形），无法读取数字，请上传 Word 或网页版本"
ENCRYPTED = "PDF 已加密，需要密码才能打开，请上传未加密的文件"
BROKEN = "PDF 文件已损坏或不完整，无法读取"

_SPARSE_CHARS = 20  # per page: fewer, on a page with an image, is a scan with a page number
_MAX_GLYPH = 60.0  # points: no character of a report is larger; a bigger font box is wrong
_FLAT = 0.5  # points: a segment this far from level (or plumb) is still a rule
_MAX_PATHS = 20_000  # path objects read per page (a page of charts needs no more)
# Characters PDFium could not map to Unicode come out as U+FFFD or as control codes.
_UNMAPPED = frozenset({"\ufffd", *map(chr, range(1, 32))}) - {"\t", "\n", "\r"}


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """GB 2312's characters: everything a report prints but the odd name. A font without a
    character map (Identity-H, no ToUnicode) comes out as glyph numbers taken for code points:
    rare characters (㩾䅍㪦…) far outside this set."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def pdf_document(
    data: bytes, *, progress: Progress | None = None, limits: Limits | None = None
) -> Document:
    """Parse a PDF. Raises ParseError for encrypted, broken or unreadable files.

    Pages without a usable text layer are read by OCR in a worker process; `progress` hears of
    each page read that way."""
    with _opened(data) as pdf:
        n = len(pdf)
        if n > MAX_PAGES:
            raise ParseError(f"PDF 页数过多（{n} 页），上限为 {MAX_PAGES} 页，这似乎不是一份年报")
        try:
            pages, scanned, reason = _text_pages(pdf)
        except ParseError:
            raise
        except Exception as err:
            log.info("pdf extraction failed: %r", err)
            raise ParseError(BROKEN) from err
    if scanned:
        if not ocr_available():
            raise ParseError(reason)
        read = read_pdf_pages(data, scanned, progress=progress, limits=limits or Limits())
        for index, page in zip(scanned, read, strict=True):
            pages[index] = page
    laid = lay_out(pages)
    numbers = tuple(i + 1 for i in scanned)
    return Document(
        format="pdf",
        text="\n".join(laid.lines),
        rows=laid.rows,
        warnings=[ocr_warning(numbers, len(pages))] if numbers else [],
        ocr_rows=laid.ocr_rows,
        ocr_pages=numbers,
    )


def ocr_warning(pages: Sequence[int], total: int) -> str:
    """The note a report read (partly) by OCR carries."""
    which = "全部页面" if len(pages) == total else "第 " + "、".join(map(str, pages)) + " 页"
    return f"{which}为扫描件，数字由文字识别（OCR）读出；算术校验不通过的单元格不采用"


@contextmanager
def _opened(data: bytes) -> Iterator[pdfium.PdfDocument]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise _open_error(err) from err
    try:
        yield pdf
    finally:
        pdf.close()


def _open_error(err: Exception) -> ParseError:
    if "password" in str(err).lower():
        return ParseError(ENCRYPTED)
    log.info("pdf open failed: %r", err)
    return ParseError(BROKEN)


def _text_pages(pdf: pdfium.PdfDocument) -> tuple[list[Page], list[int], str]:
    """Every page read from its text layer, the indexes of the pages that need OCR, and what
    to say when OCR cannot be had.

    A page needs OCR when it has no characters, when it carries an image but hardly any text
    (a scan with a page number), or when most of its characters map to no Unicode."""
    pages: list[Page] = []
    scanned: list[int] = []
    reason = NO_TEXT_LAYER
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            chars, unmapped = _chars(page)
            horizontal, vertical, images = _ruling(page)
            width, height = page.get_size()
        finally:
            page.close()
        if unmapped * 5 > len(chars):
            scanned.append(i)
            reason = UNMAPPED_FONT
        elif not chars or (images and len(chars) < _SPARSE_CHARS):
            scanned.append(i)
        pages.append(
            Page(words_from_chars(chars, rules=vertical), horizontal, vertical, width, height)
        )
    return pages, scanned, reason


def _chars(page: pdfium.PdfPage) -> tuple[list[Char], int]:
    """The page's characters with their font boxes (top-left origin), and how many of them
    PDFium could not map to text. Characters PDFium inserts itself have no width: skipped."""
    textpage = page.get_textpage()
    try:
        n = pdfium_c.FPDFText_CountChars(textpage)
        if n <= 0:
            return [], 0
        buffer = ctypes.create_string_buffer((n + 1) * 2)
        pdfium_c.FPDFText_GetText(
            textpage, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        )
        text = buffer.raw[: n * 2].decode("utf-16-le", errors="replace")
        if len(text) != n:  # characters outside the BMP: ask for each one
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(n))
        height = page.get_height()
        box = pdfium_c.FS_RECTF()
        loose_box = pdfium_c.FPDFText_GetLooseCharBox
        chars: list[Char] = []
        keep = chars.append
        for i, ch in enumerate(text):  # every character: each field of the box read once
            if not loose_box(textpage, i, box):
                continue
            left, top, right, bottom = box.left, box.top, box.right, box.bottom
            if right <= left:
                continue
            if right - left > _MAX_GLYPH or top - bottom > _MAX_GLYPH:
                left, bottom, right, top = _tight_box(textpage, i)
            keep((ch, left, height - top, right, height - bottom))
        return chars, _unmapped("".join([c[0] for c in chars]))
    finally:
        textpage.close()


def _unmapped(text: str) -> int:
    """How many characters of `text` PDFium could not have mapped to Unicode."""
    return len(_unmapped_pattern().findall(text))


@lru_cache(maxsize=1)
def _unmapped_pattern() -> re.Pattern[str]:
    """Any character but the mapped ones (ASCII, GB 2312: see `_common`) and those not in
    _UNMAPPED, as one character class: counted by the regex engine, not a Python loop over
    every character of the page."""
    mapped = sorted(ord(c) for c in (_common() | set(map(chr, range(0x80)))) - _UNMAPPED)
    runs: list[tuple[int, int]] = []
    for code in mapped:
        if runs and code == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    ranges = (re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)
    return re.compile(f"[^{''.join(ranges)}]")


def _tight_box(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, float]:
    """The glyph's own box. PDFium's font box is wrong for vertical-writing fonts drawn through
    a scaling text matrix (洪泽 2023's vertical 三、本年度办理结果: a 199-point box for 10-point
    glyphs, far from where they are printed)."""
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
    return left.value, bottom.value, right.value, top.value


def _ruling(page: pdfium.PdfPage) -> tuple[list[Rule], list[Rule], int]:
    """The page's visible ruling lines (horizontal, vertical) and its number of images.

    Every straight, level or plumb piece of a path that is stroked or filled in a colour other
    than white counts: Word draws borders as thin filled boxes, others as stroked lines. White
    boxes behind text and cells (WPS exports draw one per cell) are not ruling: taken as rules
    they split merged cells and turn paragraphs into one-column tables.
    """
    height = page.get_height()
    horizontal: list[Rule] = []
    vertical: list[Rule] = []
    images = 0
    seen = 0
    out = _Out()
    for obj, matrix in _paths(page.raw):
        if obj is None:
            images += 1
            continue
        seen += 1
        if seen > _MAX_PATHS or not _visible(obj, out):
            continue
        for (ax, ay), (bx, by) in _pieces(obj, matrix, out):
            if abs(ay - by) <= _FLAT and abs(ax - bx) > _FLAT:
                y = height - (ay + by) / 2
                horizontal.append(Rule(min(ax, bx), y, max(ax, bx), y))
            elif abs(ax - bx) <= _FLAT and abs(ay - by) > _FLAT:
                x = (ax + bx) / 2
                vertical.append(Rule(x, height - max(ay, by), x, height - min(ay, by)))
    return horizontal, vertical, images


class _Out:
    """The out-parameters of the path calls, made once a page instead of once a call."""

    def __init__(self) -> None:
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.r, self.g, self.b, self.a = (ctypes.c_uint() for _ in range(4))
        self.matrix = pdfium_c.FS_MATRIX()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


_PATH, _IMAGE, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)


def _bare(name: str, restype: type | None, *argtypes: type) -> Callable[..., Any]:
    """PDFium's `name` taking and giving plain addresses (ints) instead of pypdfium2's typed
    pointers, which make a Python object of every handle: the walk over a page's objects calls
    once for each of its hundreds of text runs to find its few paths."""
    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    assert address is not None  # a function pypdfium2 has bound
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_HANDLE, _INT = ctypes.c_void_p, ctypes.c_int
_INTS, _UINTS, _FLOATS = (ctypes.POINTER(t) for t in (_INT, ctypes.c_uint, ctypes.c_float))
_COUNT_OBJECTS = _bare("FPDFPage_CountObjects", _INT, _HANDLE)
_GET_OBJECT = _bare("FPDFPage_GetObject", _HANDLE, _HANDLE, _INT)
_COUNT_FORM_OBJECTS = _bare("FPDFFormObj_CountObjects", _INT, _HANDLE)
_GET_FORM_OBJECT = _bare("FPDFFormObj_GetObject", _HANDLE, _HANDLE, ctypes.c_ulong)
_TYPE = _bare("FPDFPageObj_GetType", _INT, _HANDLE)
_GET_MATRIX = _bare("FPDFPageObj_GetMatrix", _INT, _HANDLE, ctypes.POINTER(pdfium_c.FS_MATRIX))
_DRAW_MODE = _bare("FPDFPath_GetDrawMode", _INT, _HANDLE, _INTS, _INTS)
_STROKE_COLOR = _bare("FPDFPageObj_GetStrokeColor", _INT, _HANDLE, *[_UINTS] * 4)
_FILL_COLOR = _bare("FPDFPageObj_GetFillColor", _INT, _HANDLE, *[_UINTS] * 4)
_COUNT_SEGMENTS = _bare("FPDFPath_CountSegments", _INT, _HANDLE)
_GET_SEGMENT = _bare("FPDFPath_GetPathSegment", _HANDLE, _HANDLE, _INT)
_POINT = _bare("FPDFPathSegment_GetPoint", _INT, _HANDLE, _FLOATS, _FLOATS)
_SEGMENT_TYPE = _bare("FPDFPathSegment_GetType", _INT, _HANDLE)
_CLOSES = _bare("FPDFPathSegment_GetClose", _INT, _HANDLE)


def _paths(
    parent: object, form: bool = False, outer: Matrix = _IDENTITY, depth: int = 0
) -> Iterator[tuple[object | None, Matrix]]:
    """The path objects of a page or form XObject with the matrix of the forms around them
    (None for each image: scans are told by them)."""
    count = _COUNT_FORM_OBJECTS if form else _COUNT_OBJECTS
    get = _GET_FORM_OBJECT if form else _GET_OBJECT
    kind_of = _TYPE
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = kind_of(obj)
        if kind == _PATH:
            yield obj, outer
        elif kind == _IMAGE:
            yield None, outer
        elif kind == _FORM and depth < 4:
            yield from _paths(obj, True, _compose(_matrix(obj), outer), depth + 1)


def _matrix(obj: object, m: pdfium_c.FS_MATRIX | None = None) -> Matrix:
    m = m if m is not None else pdfium_c.FS_MATRIX()
    if not _GET_MATRIX(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """inner then outer (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _visible(path: object, out: _Out) -> bool:
    fill, stroke = out.fill, out.stroke
    if not _DRAW_MODE(path, fill, stroke):
        return False
    r, g, b, a = out.r, out.g, out.b, out.a
    if (
        stroke.value
        and _STROKE_COLOR(path, r, g, b, a)
        and a.value
        and not _white(r.value, g.value, b.value)
    ):
        return True
    if fill.value and _FILL_COLOR(path, r, g, b, a):
        return bool(a.value) and not _white(r.value, g.value, b.value)
    return False


def _white(r: int, g: int, b: int) -> bool:
    return min(r, g, b) >= 242  # 0.95 of 255


_MOVETO, _LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO


def _pieces(
    path: object, outer: Matrix, out: _Out
) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight pieces of a path, in page space (curves are skipped)."""
    matrix = _compose(_matrix(path, out.matrix), outer)
    a, b, c, d, e, f = matrix
    x, y = out.x, out.y
    start: tuple[float, float] | None = None
    current: tuple[float, float] | None = None
    for i in range(_COUNT_SEGMENTS(path)):
        segment = _GET_SEGMENT(path, i)
        if not _POINT(segment, x, y):
            continue
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
        kind = _SEGMENT_TYPE(segment)
        if kind == _MOVETO:
            start = point
        elif kind == _LINETO and current is not None:
            yield current, point
        current = point
        if _CLOSES(segment) and start is not None:
            if point != start:
                yield point, start
            current = start
