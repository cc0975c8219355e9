"""More second-hand forms of the real reports, each the way a tool or a person makes it, derived
from the forms the other helpers make (not shaped to the parser):

- markdown from other converters: pipe rows without the outer bars, delimiter rows of other
  spellings (`:--`, `:-:`, one dash), a colspan header written out in each cell it spans;
- text wrapped at 40 characters (a chat client or a narrow editor breaking every long line);
- full-width digits and ideographic spaces (a Chinese input method's full-width mode);
- "—" or "/" printed in every empty (zero) cell of the published text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_DELIMITER = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")


def no_outer_bars(markdown: str) -> str:
    """Pipe tables without the leading and trailing bars (valid GFM; pandoc and some
    converters write them so)."""
    out = []
    for line in markdown.split("\n"):
        match = _PIPE_ROW.match(line)
        out.append(match.group(1).strip() if match else line)
    return "\n".join(out)


def delimiter_variants(markdown: str) -> str:
    """Every delimiter row respelled, in turn: aligned left, centred, one dash a column."""
    spellings = (":--", ":-:", "-")
    out, n = [], 0
    for line in markdown.split("\n"):
        if _DELIMITER.match(line) and "-" in line:
            columns = line.strip().strip("|").count("|") + 1
            out.append("|" + "|".join([spellings[n % 3]] * columns) + "|")
            n += 1
        else:
            out.append(line)
    return "\n".join(out)


def spanned_headers(markdown: str) -> str:
    """A header cell spanning columns written into each of them ("| 申请人情况 | 申请人情况 |"),
    as converters that flatten colspan do: empty header cells take their left neighbour's
    text in the header row (the row above each delimiter row)."""
    lines = markdown.split("\n")
    for i in range(1, len(lines)):
        if _DELIMITER.match(lines[i]) and _PIPE_ROW.match(lines[i - 1]):
            cells = _PIPE_ROW.match(lines[i - 1]).group(1).split("|")  # type: ignore[union-attr]
            for j in range(1, len(cells)):
                if not cells[j].strip() and cells[j - 1].strip():
                    cells[j] = cells[j - 1]
            lines[i - 1] = "|" + "|".join(cells) + "|"
    return "\n".join(lines)


def wrapped(text: str, width: int = 40) -> str:
    """Every line longer than `width` broken every `width` characters, as a chat client or a
    narrow editor breaks Chinese text (anywhere, tabs and spaces kept)."""
    out = []
    for line in text.split("\n"):
        out += [line[i : i + width] for i in range(0, len(line), width)] or [""]
    return "\n".join(out)


def full_width(text: str) -> str:
    """Digits and spaces as a full-width input mode types them."""
    return text.translate(_FULL_WIDTH)


def dashed_zeros(text: str, mark: str = "—") -> str:
    """Every cell that is 0 between tabs printed as `mark` (reports print — or / for none)."""
    return re.sub(r"(?<=\t)0(?=\t|\n|$)", mark, text)


MARKDOWN_FORMS: dict[str, Callable[[str], str]] = {
    "no outer bars": no_outer_bars,
    "delimiter spellings": delimiter_variants,
    "spanned headers": spanned_headers,
}
TEXT_FORMS: dict[str, Callable[[str], str]] = {
    "wrapped at 40": wrapped,
    "full width": full_width,
    "— for 0": dashed_zeros,
    "/ for 0": lambda text: dashed_zeros(text, "/"),
}
PUBLISHED = ("luan_jinan_data_bureau_2020.txt", "pingtan_2019.txt", "pingtan_2021.txt",
             "pingtan_2025.txt")  # fmt: skip
