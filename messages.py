"""A long text as several chat messages, each within its channel's size limit.

Telegram counts a message in UTF-16 code units (4,096); WeCom in UTF-8 bytes (4,096 for a group
robot's markdown, 2,048 for an app's text) and marks the later parts as continued. The limit,
the measure and the mark are the caller's; where a message may end is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], int]


def utf16_units(text: str) -> int:
    """Telegram's measure: an emoji outside the BMP counts 2."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    """WeCom's measure: a Chinese character counts 3."""
    return len(text.encode("utf-8"))


# Where a message may end: (separator, characters of it kept at the end of the part). A blank
# line (one block of a list, such as a subscription in /deadlines) is taken when it falls in
# the second half of the part, else a line break, a sentence end, a space, a hard cut. Only
# line breaks are dropped: they are what the reader sees as the cut.
_BREAKS = (("\n\n", 1), ("\n", 0), ("。", 1), (" ", 1))


def _fitting(text: str, limit: int, measure: Measure) -> str:
    """The longest prefix of `text` within `limit` (both measures add up by character)."""
    total = 0
    for index, char in enumerate(text):
        total += measure(char)
        if total > limit:
            return text[:index]
    return text


def split_text(
    text: str, limit: int, *, measure: Measure = utf16_units, continued: str = ""
) -> list[str]:
    """`text` in parts of at most `limit` by `measure`, each ended at the best break
    (`_BREAKS`); with `continued`, every part after the first starts with it on a line of its
    own. Without the marks, the parts joined by the line breaks dropped give the text again."""
    mark = f"{continued}\n" if continued else ""
    parts: list[str] = []
    rest = text
    while True:
        budget = limit - (measure(mark) if parts else 0)
        if measure(rest) <= budget:
            break
        head = _fitting(rest, budget, measure)
        if not head:
            raise ValueError(f"limit {limit} is too small for one character and the mark")
        for sep, kept in _BREAKS:
            at = head.rfind(sep)
            if at > (len(head) // 2 if sep == "\n\n" else 0):
                parts.append(rest[: at + kept])
                rest = rest[at + len(sep) :]
                break
        else:
            parts.append(head)
            rest = rest[len(head) :]
    if rest or not parts:
        parts.append(rest)
    return [parts[0], *(mark + part for part in parts[1:])]
