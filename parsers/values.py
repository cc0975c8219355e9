"""Reading one printed table cell: counts, amounts with units, and the many ways to write 0.

Pure functions on strings; the template mapper and the digit-run splitter both use them so a
cell means the same thing whatever format it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from parsers.model import BLANK, UNIT, Cell, Number

# Printed for "nothing here": read as 0 and flagged blank (shared/fields.md "Cell values").
BLANK_MARKS = frozenset({"", "/", "／", "—", "——", "-", "－", "–", "无", "―", "─"})

# Full-width digits, signs and spaces as they come out of Word and web pages.
_WIDTH = dict(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "．": ".",
        "，": ",",
        "－": "-",
        "−": "-",
    }
)
# PDF fonts (Chrome's print among them) map some characters to radicals that look the same
# (⼈ for 人, ⺠ for 民): pdfminer and PDFium give those, poppler the characters. The Kangxi
# radicals have the characters as their compatibility forms; the simplified radicals of the
# supplement are given here.
_WIDTH.update({chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)})
_RADICALS = "⺠⻅⻆⻉⻋⻐⻓⻔⻚⻛⻜⻢⻥⻦⻧⻨⻩⻬⻮⻰⻳"
_WIDTH.update(zip(_RADICALS, "民见角贝车钅长门页风飞马鱼鸟卤麦黄齐齿龙龟", strict=True))
_WIDTH_RE = re.compile("[" + "".join(_WIDTH) + "]")

_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_UNITS = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}
_UNIT_RE = re.compile(r"(亿元|万元|元|件|条|个|项|次)$")


@dataclass(frozen=True)
class Parsed:
    """A cell read as a number: the value, whether it was a blank mark, and the printed unit."""

    value: Number
    blank: bool = False
    unit: str | None = None


def normalize_width(text: str) -> str:
    """Full-width digits/spaces and NBSP to ASCII, so the rest of the parser sees one alphabet.

    Each character found is replaced throughout at once: a report repeats a few of them (，and
    the radicals of a PDF's font) hundreds of times, and a call a match costs twice the time."""
    for char in set(_WIDTH_RE.findall(text)):
        text = text.replace(char, _WIDTH[char])
    return text


@lru_cache(maxsize=8192)
def parse_number(raw: str) -> Parsed | None:
    """The cell as a number, or None when it is a label (any other text).

    Cached: a report repeats the same few cell texts ("0", "") hundreds of times."""
    text = normalize_width(raw).strip()
    if text in BLANK_MARKS:
        return Parsed(0, blank=True)
    unit = None
    match = _UNIT_RE.search(text)
    if match:
        unit = match.group(1)
        text = text[: match.start()].strip()
    num = _NUMBER.fullmatch(text)
    if num is None:
        return None
    sign, digits, frac = num.groups()
    digits = digits.replace(",", "")
    if frac:
        try:
            value: Number = Decimal(f"{sign}{digits}{frac}")
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            return None
    else:
        value = int(f"{sign}{digits}")
    return Parsed(value, unit=unit)


def is_value_cell(raw: str) -> bool:
    """True for cells that hold a number or a blank mark (not a label)."""
    return parse_number(raw) is not None


def tidy_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (25.1000 → 25.1, 100 → 100)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def to_wan(value: Number, unit: str | None) -> Decimal:
    """An amount in 万元; a bare number in an amount column is already 万元."""
    factor = _UNITS.get(unit or "万元", Decimal(1))
    return tidy_decimal(Decimal(value) * factor)


@lru_cache(maxsize=8192)
def make_cell(raw: str, *, amount: bool) -> Cell | None:
    """A template Cell from printed text, or None when the text is not a number.

    Cached: cells are frozen, and a report repeats the same few cell texts."""
    parsed = parse_number(raw)
    if parsed is None:
        return None
    flags: set[str] = set()
    if parsed.blank:
        flags.add(BLANK)
    if parsed.unit:
        flags.add(UNIT)
    value: Number = parsed.value
    if amount:
        value = to_wan(value, parsed.unit if parsed.unit in _UNITS else None)
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # a count printed as "12.00"
    return Cell(value=value, raw=raw.strip(), flags=frozenset(flags), unit=parsed.unit)
