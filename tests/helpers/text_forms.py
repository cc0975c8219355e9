"""Second-hand text of the real reports, made by the real tools (not shaped to the parser).

Each function turns one of the published PDFs in tests/data into the text a user would paste:
poppler's `pdftotext` in its default reading order, with `-layout` columns and with `-raw`
content order (Debian's poppler-utils); pdfplumber's `extract_text`; PDFium's text (what
Chrome's PDF viewer copies); pdfplumber's words one a line; and OCR-style character noise over any
of them (labels garbled, full-width digits, spaced-out characters — the values left as printed).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2

HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


@cache
def pdftotext(pdf: Path, mode: str = "") -> str:
    """poppler-utils' text: mode "" (reading order), "-layout" (columns) or "-raw" (content)."""
    args = ["pdftotext", "-enc", "UTF-8", *([mode] if mode else []), str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@cache
def plumber_text(pdf: Path) -> str:
    """pdfplumber's `extract_text` of every page (a line per text line, single spaces)."""
    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


@cache
def pdfium_text(pdf: Path) -> str:
    """PDFium's text of every page: what selecting all and copying in Chrome's viewer gives."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


@cache
def plumber_words(pdf: Path) -> str:
    """pdfplumber's words in content order, one a line: labels and values detached, one value a
    line (what viewers that copy text item by item give)."""
    with pdfplumber.open(pdf) as doc:
        return "\n".join(
            word["text"] for page in doc.pages for word in page.extract_words(use_text_flow=True)
        )


# Characters OCR engines confuse in these reports' labels (glyph look-alikes).
_CONFUSIONS = {
    "请": "清", "处": "外", "理": "埋", "已": "己", "于": "干", "无": "天", "复": "夏",
    "诉": "沂", "讼": "松", "开": "幵", "政": "攻", "申": "甲", "结": "给", "提": "捉",
}  # fmt: skip
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def ocr_noise(text: str, *, seed: int, rate: float = 0.02) -> str:
    """OCR-style noise: look-alike characters and spaces inside words, （） as (), full-width
    digits. Numbers keep their value (an OCR that misreads digits needs a person to check)."""
    rng = random.Random(seed)
    out: list[str] = []
    for ch in text:
        if ch in _CONFUSIONS and rng.random() < rate * 3:
            ch = _CONFUSIONS[ch]
        elif _CJK.match(ch) and rng.random() < rate:
            ch += " "
        elif ch in "（）" and rng.random() < 0.5:
            ch = "(" if ch == "（" else ")"
        out.append(ch)
    noisy = "".join(out)
    return noisy.translate(_FULL_WIDTH) if seed % 2 else noisy


PDF_FORMS: dict[str, Callable[[Path], str]] = {
    "pdftotext": lambda pdf: pdftotext(pdf),
    "pdftotext-layout": lambda pdf: pdftotext(pdf, "-layout"),
    "pdftotext-raw": lambda pdf: pdftotext(pdf, "-raw"),
    "pdfplumber": plumber_text,
    "pdfium": pdfium_text,
    "pdfplumber-words": plumber_words,
    "pdftotext+ocr": lambda pdf: ocr_noise(pdftotext(pdf), seed=1),
    "pdftotext-layout+ocr": lambda pdf: ocr_noise(pdftotext(pdf, "-layout"), seed=2),
    "pdfplumber+ocr": lambda pdf: ocr_noise(plumber_text(pdf), seed=3),
}
