"""Scanned pages (图片版) and photos of report pages read by OCR.

A page image is levelled (a scan is rarely straight), its ruling lines are found by morphology,
and the OCR engine (`parsers.ocr_engine`: RapidOCR's PP-OCRv4 models) reads the text lines. A
table cell with ink but no text line — the detector misses lone small digits, a "0" or a "1" —
is read on its own. The words and rules then take the same path as a PDF's text layer
(`parsers.ruled`).

OCR costs seconds a page, so documents are read in a worker process (`parsers.ocr_worker`);
this module is what runs inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from parsers import ocr_engine
from parsers.ruled import Page, Rule, Word, closed_ruling, table_shapes
from parsers.shapes import EDGE_GAP

if TYPE_CHECKING:
    import numpy as np

DPI = 150  # render scale for scanned PDF pages: ~12 px digits at the template's 9–10 pt
_MAX_SIDE = 2000  # pixels: photos are scaled down to this (the detector's own limit)
_MAX_SKEW = 3.0  # degrees a scan is levelled by at most
_MIN_SCORE = 0.5  # recogniser confidence below which a text line is dropped
_MIN_GLYPH = 3.0  # points: the least height of a printed digit
_MIN_RULE = 20.0  # points: a straight run of ink this long is a rule (a glyph's stroke is less)
_MAX_RULE = 1.5  # points: the widest a rule is drawn, blur included
_INK = 200  # grey level below which a pixel is ink (antialiased thin strokes included)
# A digit run as OCR spells it: letters that stand for 0 in a number cell.
_DIGITS = re.compile(r"[0-9０-９oOD]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ZERO_LIKE = str.maketrans("oOD", "000")
_NOISE = ".:：,，。·'‘’`°!！;；、|"  # dust read as punctuation (dashes and / mean blank)
_CIRCLES = "。°"
_SPECK_AREA = 6  # pixels: ink blots this small are dust


def read_page(gray: np.ndarray, scale: float) -> Page:
    """One page image (8-bit grey, `scale` pixels per point) as words and rules in points."""
    angle = _skew(gray)
    if angle:
        gray = _rotate(gray, angle)
    # Text lines are found on the page without its dust (specks become boxes of "。" and "."),
    # and read from the page as it is (a decimal point is as small as a speck).
    boxes = ocr_engine.detect(_despeckled(gray))
    boxes = [b for b in boxes if _height(b) >= _MIN_GLYPH * scale]
    words: list[Word] = []
    if boxes:
        read = ocr_engine.read_lines(gray, boxes)
        for box, (text, score) in zip(boxes, read, strict=True):
            word = _word(box, text, scale) if score >= _MIN_SCORE else None
            if word is not None and word.text:
                words.append(word)
    horizontal, vertical = _rules(gray, scale)
    height, width = gray.shape
    words += _lone_digits(gray, scale, words, horizontal, vertical)
    return Page(words, horizontal, vertical, width / scale, height / scale, ocr=True)


def _height(box: np.ndarray) -> float:
    ys = [p[1] for p in box]
    return float(max(ys) - min(ys))


def _despeckled(gray: np.ndarray) -> np.ndarray:
    """The page with isolated dots of ink (dust, JPEG noise) painted white."""
    import cv2

    ink = (gray < _INK).astype("uint8")
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (stats[:, cv2.CC_STAT_AREA] <= _SPECK_AREA) & (stats[:, cv2.CC_STAT_WIDTH] <= 3)
    small[0] = False
    clean = gray.copy()
    clean[small[labels]] = 255
    return clean


def _word(box: np.ndarray, text: str, scale: float) -> Word:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return Word(_tidy(text), min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)


def _tidy(text: str) -> str:
    """OCR's spelling of a number made plain.

    Dust next to a digit comes out as punctuation ("88283.", "1:", ".0"); a lone small 0 is
    read as a circle or a letter ("。", "o", "D"). Inside a number a point stays (96171.6)."""
    text = text.strip()
    core = text.strip(_NOISE)
    if core and _DIGITS.fullmatch(core) and (any(c.isdigit() for c in core) or len(core) == 1):
        return core.translate(_ZERO_LIKE)
    if core and _NUMBER.fullmatch(core):
        return core
    if not core and any(c in _CIRCLES for c in text):
        return "0"  # "。", "：。": a zero with dust
    if not core:
        return "?"  # ink the recogniser could not read: never taken for a blank cell
    return text


def _skew(gray: np.ndarray) -> float:
    """The angle (degrees) that levels the page: the one whose rows of ink are sharpest."""
    import cv2
    import numpy as np

    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = (small < _INK).astype(np.float32)
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float((rows**2).sum())

    level = sharpness(0.0)
    best, angle = level, 0.0
    for step in np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.1):
        score = sharpness(float(step))
        if score > best:
            best, angle = score, float(step)
    return angle if best > level * 1.02 else 0.0  # a straight page stays as it is


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _rules(gray: np.ndarray, scale: float) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical ruling: long thin runs of ink, kept by an opening with a line."""
    import cv2

    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 10
    )
    out: list[list[Rule]] = []
    for level in (True, False):
        # heal the breaks blur and JPEG leave in a rule, then keep runs longer than a glyph
        heal = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if level else (1, 3))
        mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, heal)
        length = max(20, int(_MIN_RULE * scale))
        line = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if level else (1, length))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, line)
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        rules: list[Rule] = []
        for x, y, bw, bh, _area in stats[1:]:
            if level:
                mid = (y + bh / 2) / scale
                rules.append(Rule(x / scale, mid, (x + bw) / scale, mid))
            else:
                mid = (x + bw / 2) / scale
                rules.append(Rule(mid, y / scale, mid, (y + bh) / scale))
        out.append(rules)
    return _tabled(out[0], out[1])


def _tabled(horizontal: list[Rule], vertical: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    """The rules that belong to a table: each runs from one rule across it to another.

    Blur and JPEG run the strokes of neighbouring glyphs together — a column of stacked
    characters (三、本年度办理结果, 商业/企业), a line of 一、二、 — into runs as long as a
    rule; those meet at most one rule, and as ruling they would cut cells in two. A vertical
    rule meeting one rule stays where a rule meeting two stands in line with it: the columns of
    a table cut by a page break run open into the paper's margin."""
    while True:
        kept_h = [h for h in horizontal if _meets(h, vertical, across=False) >= 2]
        full = [v for v in vertical if _meets(v, kept_h, across=True) >= 2]
        columns = [v.x0 for v in full]
        kept_v = full + [
            v
            for v in vertical
            if v not in full
            and _meets(v, kept_h, across=True) == 1
            and any(abs(v.x0 - x) <= EDGE_GAP for x in columns)
        ]
        if len(kept_h) == len(horizontal) and len(kept_v) == len(vertical):
            return kept_h, kept_v
        horizontal, vertical = kept_h, kept_v


def _meets(rule: Rule, others: Sequence[Rule], *, across: bool) -> int:
    """How many distinct rules of `others` (perpendicular to `rule`) it meets or crosses."""
    if across:  # `rule` is vertical, `others` horizontal
        at = [
            h.top
            for h in others
            if h.x0 - EDGE_GAP <= rule.x0 <= h.x1 + EDGE_GAP
            and rule.top - EDGE_GAP <= h.top <= rule.bottom + EDGE_GAP
        ]
    else:
        at = [
            v.x0
            for v in others
            if v.top - EDGE_GAP <= rule.top <= v.bottom + EDGE_GAP
            and rule.x0 - EDGE_GAP <= v.x0 <= rule.x1 + EDGE_GAP
        ]
    at.sort()
    return sum(1 for i, x in enumerate(at) if i == 0 or x - at[i - 1] > EDGE_GAP)


def _lone_digits(
    gray: np.ndarray,
    scale: float,
    words: Sequence[Word],
    horizontal: list[Rule],
    vertical: list[Rule],
) -> list[Word]:
    """Table cells with ink but no word, each read on its own (the detector misses lone small
    glyphs). Ink the recogniser cannot read becomes "?", so the cell is never taken as blank."""
    import cv2

    crops: list[tuple[np.ndarray, Word]] = []
    margin = 3
    for shape in table_shapes(closed_ruling(horizontal, vertical), vertical):
        for r0, r1, c0, c1 in shape.cells:
            x0, x1, y0, y1 = shape.xs[c0], shape.xs[c1], shape.ys[r0], shape.ys[r1]
            if any(
                x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.top + w.bottom) / 2 <= y1 for w in words
            ):
                continue
            left, right = int(x0 * scale) + margin, int(x1 * scale) - margin
            top, bottom = int(y0 * scale) + margin, int(y1 * scale) - margin
            if right - left < 6 or bottom - top < 6:
                continue
            cell = gray[top:bottom, left:right]
            glyph = _glyph(cell, scale)
            if glyph is None:  # empty, or specks of a scan, not a digit
                continue
            crop, (ix0, iy0, ix1, iy1) = glyph
            box = Word(
                "?",
                (left + ix0) / scale,
                (top + iy0) / scale,
                (left + ix1) / scale,
                (top + iy1) / scale,
            )
            crops.append((crop, box))
    if not crops:
        return []
    images = [cv2.resize(c, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for c, _ in crops]
    read = ocr_engine.read_crops(images)
    out: list[Word] = []
    for (_, box), (text, score) in zip(crops, read, strict=True):
        text = _tidy(text) if score >= _MIN_SCORE else ""
        out.append(box._replace(text=text or "?"))
    return out


def _glyph(cell: np.ndarray, scale: float) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The printed figure of a table cell, cut out with a margin, and its box (x0, y0, x1, y1)
    in the cell; None when the cell holds only dust. The figure is what ink is bigger than a
    speck and is no thin run across the whole cell (a piece of its rule); a speck inside its box
    stays (a decimal point is as small), dust beside it is
    painted white — a recogniser reads "1:" or "5." for a digit with a speck next to it."""
    import cv2
    import numpy as np

    ink = (cell < _INK).astype("uint8")
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = cell.shape
    rule = _MAX_RULE * scale
    big = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] > _SPECK_AREA
        # a thin run across the whole cell is a piece of its rule, on a page not quite level
        and not (stats[i, cv2.CC_STAT_HEIGHT] == height and stats[i, cv2.CC_STAT_WIDTH] <= rule)
        and not (stats[i, cv2.CC_STAT_WIDTH] == width and stats[i, cv2.CC_STAT_HEIGHT] <= rule)
    ]
    if not big:
        return None
    x0 = min(stats[i, cv2.CC_STAT_LEFT] for i in big)
    y0 = min(stats[i, cv2.CC_STAT_TOP] for i in big)
    x1 = max(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in big)
    y1 = max(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in big)
    if y1 - y0 < _MIN_GLYPH * scale:
        return None
    clean = cell.copy()
    for i in range(1, count):
        if i in big:
            continue
        sx, sy = stats[i, cv2.CC_STAT_LEFT], stats[i, cv2.CC_STAT_TOP]
        sw, sh = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]
        if sx < x0 or sy < y0 or sx + sw > x1 or sy + sh > y1:
            clean[labels == i] = 255
    pad_y, pad_x = max(4, int((y1 - y0) * 0.35)), max(6, int((y1 - y0) * 0.6))
    out = np.full((y1 - y0 + 2 * pad_y, x1 - x0 + 2 * pad_x), 255, dtype=np.uint8)
    out[pad_y : pad_y + y1 - y0, pad_x : pad_x + x1 - x0] = clean[y0:y1, x0:x1]
    return out, (int(x0), int(y0), int(x1), int(y1))


def fit(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """A photo scaled so its longer side is at most _MAX_SIDE pixels, and its scale in pixels
    per point, taking the page as A4 (the template's paper) on its longer side."""
    import cv2

    h, w = gray.shape
    factor = min(1.0, _MAX_SIDE / max(h, w))
    if factor < 1.0:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    a4_long = 842.0
    return gray, max(gray.shape) / a4_long
