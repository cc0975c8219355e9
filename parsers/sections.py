"""Where the sections of the template stand in a report's text: 表二, 表三 and 表四 and the
closing part, found by their headings (spaced out by PDF text, misread by OCR), never by words
inside a sentence. Shared by the readers of second-hand text (`parsers.sequence`,
`parsers.columns` through `parsers.text`)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from rapidfuzz import fuzz

# Section headings, matched with any spacing between characters (PDF text spaces them out).
_HEADINGS = {
    "二": ("主动公开政府信息情况",),
    "三": ("收到和处理政府信息公开申请情况",),
    "四": ("行政复议、行政诉讼情况", "行政复议行政诉讼情况"),
    "end": ("存在的主要问题", "其他需要报告的事项"),
}
_HEADING_RES = {
    name: [re.compile(r"\s*".join(map(re.escape, words))) for words in alternatives]
    for name, alternatives in _HEADINGS.items()
}
_HEADING_PREFIX = 12  # "## 四、政府信息公开" before 行政复议、行政诉讼情况
_SENTENCE_MARK = re.compile(r"[，。；,;]")
_SPACES = re.compile(r"\s+")
_FUZZY_HEADING = 80
_FUZZY_LINE = 80  # characters, spaces included
_HEADING_ENDS = "况题项"  # rapidfuzz partial ratio a misread heading still reaches


def section_lines(
    text: str, spans: dict[str, tuple[int, int]] | None = None
) -> dict[str, list[str]]:
    """The lines of sections 二, 三 and 四 of the template, found by their headings (or the
    `spans` already found)."""
    lines = text.split("\n")
    spans = section_spans(lines) if spans is None else spans
    return {name: lines[start:stop] for name, (start, stop) in spans.items()}


def section_spans(lines: Sequence[str]) -> dict[str, tuple[int, int]]:
    """[start, stop) of the lines of sections 二, 三 and 四 (and the closing part, "end"),
    the heading's line excluded, found by their headings."""
    text = "\n".join(lines)
    starts: dict[str, int] = {}
    for name, patterns in _HEADING_RES.items():
        first = min((starts.values()), default=-1)
        for pattern in patterns:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.end() - 1)  # the line it ends in
                if name == "end" and line <= first:
                    continue  # a closing heading before any table: a table of contents
                if not _heading_line(text, match.start()):
                    continue  # the words inside a sentence (全文包括…收到和处理…情况、…)
                if name not in starts or line < starts[name]:
                    starts[name] = line
                break
    if len(starts) < len(_HEADINGS):
        _fuzzy_headings(lines, starts)
    order = sorted((i, name) for name, i in starts.items())
    out: dict[str, tuple[int, int]] = {}
    for (start, name), following in itertools.zip_longest(order, order[1:]):
        out[name] = (start + 1, following[0] if following else len(lines))
    return out


def table_tail(lines: Sequence[str]) -> list[str]:
    """The lines after the closing heading up to its prose: PDF reading order may print the
    heading before the last numbers of 表四."""
    out: list[str] = []
    for line in lines:
        if _SENTENCE_MARK.search(line):
            break
        out.append(line)
    return out


def _heading_line(text: str, start: int) -> bool:
    """The heading words start their line, after at most a short ordinal or prefix."""
    before = text[text.rfind("\n", 0, start) + 1 : start]
    return len(before.strip()) <= _HEADING_PREFIX and _SENTENCE_MARK.search(before) is None


def _fuzzy_headings(lines: Sequence[str], starts: dict[str, int]) -> None:
    """Headings OCR misread (收到和外理政府信息公幵申清情况): the line most like each missing
    heading, between the headings found around it."""
    after = -1
    names = list(_HEADINGS)
    for n, name in enumerate(names):
        if name in starts:
            after = starts[name]
            continue
        before = min((starts[m] for m in names[n + 1 :] if m in starts), default=len(lines))
        best, best_score = -1, float(_FUZZY_HEADING)
        for i in range(after + 1, before):
            if len(lines[i]) > _FUZZY_LINE or not any(c in lines[i] for c in _HEADING_ENDS):
                continue  # headings are short and end in 情况, 问题 or 事项
            words = _SPACES.sub("", lines[i])
            for heading in _HEADINGS[name]:
                if len(heading) * 0.8 <= len(words) <= len(heading) + 12:
                    score = fuzz.partial_ratio(heading, words)
                    if score > best_score:
                        best, best_score = i, score
        if best >= 0:
            starts[name] = after = best
