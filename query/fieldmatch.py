"""Step 4: match what is left of a question (agency and year stripped) against the catalog.

Exact words win, the longest first, and a sub-row beats its group (不予公开 + 第三方 → 第三方).
Only when no catalog word occurs literally does rapidfuzz look for a misspelt one (申清数量);
`partial_ratio` is directional only for the shorter string, so a score is scaled by how much of
the catalog word the text could cover, otherwise "复议" would fully match "复议后起诉".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from query.catalog import COLUMNS, ROW_BY_PREFIX, ROWS, ColumnEntry, RowEntry

FUZZY_CUTOFF = 74.0
GENERIC_ROW = "apply.new"
# Rows whose words also occur in questions about something else (申请, 公开了多少).
GENERIC_ROWS = frozenset({GENERIC_ROW, "result.public"})
# A column named on its own ("企业", "维持") most often means this row.
_COLUMN_ONLY = {"applicant": "apply.new", "review": "review"}


@dataclass(frozen=True)
class FieldMatch:
    row: RowEntry
    column: str | None  # a column named in the question, within the row's family
    score: float  # 100 for a literal catalog word
    matched: str  # the catalog word found
    others: tuple[RowEntry, ...] = field(default=())  # other rows the words also named

    @property
    def exact(self) -> bool:
        return self.score >= 100


_ROW_WORDS: list[tuple[str, RowEntry]] = sorted(
    ((word, row) for row in ROWS for word in row.words), key=lambda item: -len(item[0])
)
_FUZZY_WORDS = [word for word, _ in _ROW_WORDS if len(word) >= 4]
_FUZZY_ROWS = [row for word, row in _ROW_WORDS if len(word) >= 4]
_COLUMN_WORDS: list[tuple[str, ColumnEntry]] = sorted(
    ((word, col) for col in COLUMNS for word in col.words), key=lambda item: -len(item[0])
)


def _literal_rows(text: str) -> list[tuple[str, RowEntry, int]]:
    """Rows whose words occur literally, longest word first, overlapping shorter words dropped."""
    taken = [False] * len(text)
    found: list[tuple[str, RowEntry, int]] = []
    for word, row in _ROW_WORDS:
        start = text.find(word)
        while start >= 0:
            span = range(start, start + len(word))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((word, row, start))
                break
            start = text.find(word, start + 1)
    return found


def _is_child(child: RowEntry, parent: RowEntry) -> bool:
    return child.prefix.startswith(parent.prefix + ".")


def _pick(found: list[tuple[str, RowEntry, int]]) -> tuple[str, RowEntry]:
    """Longest word wins, but a named sub-row is more specific than its group, and any other
    row beats the generic 申请 words (拒绝了多少申请 asks about refusals)."""
    specific = [f for f in found if f[1].prefix != GENERIC_ROW]
    found = specific or found
    word, row, _ = found[0]
    for other_word, other, _ in found[1:]:
        if _is_child(other, row):
            return other_word, other
    return word, row


def match_column(text: str, row: RowEntry) -> str | None:
    """A column of the row's family named literally in the text, longest word first."""
    for word, col in _COLUMN_WORDS:
        if col.family == row.family and word in text:
            return col.column
    return None


def match_columns(text: str, row: RowEntry) -> list[str]:
    """Every column of the row's family named literally, in the order they are written
    (自然人和企业加起来 → natural, business)."""
    text = text.replace(" ", "")
    taken = [False] * len(text)
    found: list[tuple[int, str]] = []
    for word, col in _COLUMN_WORDS:
        if col.family != row.family:
            continue
        start = text.find(word)
        while start >= 0:
            span = range(start, start + len(word))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((start, col.column))
                break
            start = text.find(word, start + 1)
    return list(dict.fromkeys(column for _, column in sorted(found)))


def _one_slip(word: str, text: str) -> bool:
    """The word occurs in the text with at most one typo per five characters (申清数量).

    partial_ratio alone also accepts two different characters in six (信息公开工作 for
    信息公开申请), which is another phrase rather than a typo.
    """
    allowed = max(1, len(word) // 5)
    for size in (len(word) - 1, len(word), len(word) + 1):
        for start in range(max(1, len(text) - size + 1)):
            if Levenshtein.distance(word, text[start : start + size]) <= allowed:
                return True
    return False


def literal_spans(text: str, *, min_len: int = 4) -> list[tuple[int, int]]:
    """Where long catalog words occur, so that names are not looked for inside them."""
    return [(start, start + len(w)) for w, _, start in _literal_rows(text) if len(w) >= min_len]


def match_field(text: str, *, fuzzy_text: str | None = None) -> FieldMatch | None:
    """The best catalog row (and column) for the text, or None below the cutoff.

    `fuzzy_text` is the text with filler words removed, used only for the misspelling search.
    """
    text = text.replace(" ", "")
    found = _literal_rows(text)
    if found:
        word, row = _pick(found)
        others = tuple(dict.fromkeys(r for _, r, _ in found if r != row and not _is_child(row, r)))
        rest = text  # column words are looked for outside every row word found
        for found_word, _, start in found:
            rest = rest[:start] + " " * len(found_word) + rest[start + len(found_word) :]
        return FieldMatch(row, match_column(rest, row), 100.0, word, others)
    for word, col in _COLUMN_WORDS:
        if col.family in _COLUMN_ONLY and col.column not in ("total", "other") and word in text:
            return FieldMatch(ROW_BY_PREFIX[_COLUMN_ONLY[col.family]], col.column, 90.0, word)
    text = (text if fuzzy_text is None else fuzzy_text).replace(" ", "")
    if len(text) < 2:
        return None
    hits = process.extract(
        text,
        _FUZZY_WORDS,
        scorer=fuzz.partial_ratio,
        processor=None,
        score_cutoff=FUZZY_CUTOFF,
        limit=None,
    )
    best: tuple[float, int, int] | None = None
    for word, score, index in hits:
        scaled = score * min(1.0, len(text) / len(word))
        if scaled < FUZZY_CUTOFF or not _one_slip(word, text):
            continue
        if best is None or (scaled, len(word)) > best[:2]:
            best = (scaled, len(word), index)
    if best is None:
        return None
    row = _FUZZY_ROWS[best[2]]
    return FieldMatch(row, match_column(text, row), best[0], _FUZZY_WORDS[best[2]])
