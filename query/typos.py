"""One-character slips as people make them with a pinyin keyboard: 平谭 for 平潭, 洪择 for 洪泽,
申清 for 申请. A slip is accepted only when the two characters share a reading, so 行政编制
(a staff quota) is never read as 行政强制 (a field), nor 淮北 as 淮安.
"""

from __future__ import annotations

from functools import lru_cache

from names import LOOKALIKES


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Every toneless reading of one character (heteronyms included). pypinyin is imported on
    the first reading asked for: loading its dictionaries costs ~0.4 CPU-s, which a process that
    never meets a slip (an ingest, an export, most questions) does not pay."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def homophones(a: str, b: str) -> bool:
    return a == b or bool(readings(a) & readings(b))


def alike(a: str, b: str) -> bool:
    """Two characters a slip confuses: they sound alike or look alike (厉 for 厅)."""
    return homophones(a, b) or b in LOOKALIKES.get(a, "") or a in LOOKALIKES.get(b, "")


def one_slip(typed: str, known: str) -> bool:
    """Same length, exactly one character different, and the two sound alike."""
    if len(typed) != len(known) or typed == known:
        return False
    diffs = [(x, y) for x, y in zip(typed, known, strict=True) if x != y]
    return len(diffs) == 1 and homophones(*diffs[0])


def slip_in(text: str, known: str) -> int | None:
    """Where in `text` `known` occurs with one sound-alike slip, if anywhere."""
    size = len(known)
    for start in range(len(text) - size + 1):
        if one_slip(text[start : start + size], known):
            return start
    return None


def spelled(word: str) -> str:
    """The word in toneless pinyin, run together (平潭 → pingtan): how a name is typed on a
    keyboard without Chinese input."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))
