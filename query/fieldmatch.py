"""Step 4: match what is left of a question (agency and year stripped) against the catalog.

Exact words win, the longest first, and a sub-row beats its group (不予公开 + 第三方 → 第三方).
Only when no catalog word occurs literally does rapidfuzz look for a misspelt one (申清数量);
`partial_ratio` is directional only for the shorter string, so a score is scaled by how much of
the catalog word the text could cover, otherwise "复议" would fully match "复议后起诉".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from query.catalog import COLUMNS, ROW_BY_PREFIX, ROWS, ColumnEntry, RowEntry
from query.typos import homophones

FUZZY_CUTOFF = 74.0
GENERIC_ROW = "apply.new"
# Rows whose words also occur in questions about something else (申请, 公开了多少).
GENERIC_ROWS = frozenset({GENERIC_ROW, "result.public"})
# Verbs that name 办理结果总计 only when no other row is named (行政许可处理了多少).
VERB_WORDS = frozenset({"处理了多少", "办理了多少", "答复了多少", "办结了多少", "办结", "答复",
                         "公开了多少"})  # fmt: skip
# A column named on its own ("企业", "维持") most often means this row.
_COLUMN_ONLY = {"applicant": "apply.new", "review": "review"}
_COLUMN_ONLY_SCORE = 90.0
# 表二's columns that several of its rows share: named alone, they name no one cell
_SHARED_COLUMNS = ("documents", "items")


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

    @property
    def column_only(self) -> bool:
        """Only a column was named (企业, 群众): every other word must be explained too."""
        return self.score == _COLUMN_ONLY_SCORE


_ROW_WORDS: list[tuple[str, RowEntry]] = sorted(
    ((word, row) for row in ROWS for word in row.words), key=lambda item: -len(item[0])
)
_ORDERED_WORDS = [w for w in _ROW_WORDS if w[0] not in VERB_WORDS] + [
    w for w in _ROW_WORDS if w[0] in VERB_WORDS
]
_FUZZY_WORDS = [word for word, _ in _ROW_WORDS if len(word) >= 4]
_FUZZY_ROWS = [row for word, row in _ROW_WORDS if len(word) >= 4]
_SHORT_WORDS = [(word, row) for word, row in _ROW_WORDS if len(word) == 3]  # see _short_slip
_COLUMN_WORDS: list[tuple[str, ColumnEntry]] = sorted(
    ((word, col) for col in COLUMNS for word in col.words), key=lambda item: -len(item[0])
)


# The applicant columns of 表三 by their words (longest first); 总计 is every table's.
APPLICANT_WORDS = [(w, c.column) for w, c in _COLUMN_WORDS
                   if c.family == "applicant" and c.column != "total"]  # fmt: skip


# between a row and its sub-row: 其他处理里面的其他, 其他处理下的3.其他
_IN = r"(?:里面|里边|里头|当中|之中|中间|下面|下边|底下|里|中|下|的|之|那|项)"
_NO3 = rf"\s*第?[3三](?:项|个|小项)?[\s.．、]*{_IN}*"  # 3.其他 / 第三项其他
_COURT = r"(?:起诉|诉讼|法院|打官司|官司|告状|告)"
# Rows people describe rather than name; a description is read before any catalog word.
_PARAPHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), prefix)
    for pattern, prefix in (
        # 没经过复议直接去法院 / 不经复议就起诉: 未经复议直接起诉
        (rf"(?:未经过?|没经过?|没有经过?|不经过?|没走|不走)(?:行政)?复议.{{0,8}}?{_COURT}",
         "litigation.direct"),
        (rf"直接(?:去|到|向)?(?:法院)?{_COURT}", "litigation.direct"),
        # 经过复议以后又起诉 / 复议后又起诉 / 复议完了再去法院: 复议后起诉
        (rf"(?:经过?|走完?|做了)?(?:行政)?复议(?:之后|以后|过后|后|完了?|了还|了又|不服)"
         rf".{{0,6}}?{_COURT}", "litigation.after_review"),
        # 补正后申请内容还是不明确 / 补正了还说不清楚: 补正后申请内容仍不明确
        (r"补正(?:后|以后|之后|了)?.{0,8}?(?:说不清楚|说不清|不明确|不清楚)",
         "result.unable.unclear"),
        # （六）其他处理 3.其他 — not the applicant column 其他
        (rf"其他处理(?:{_IN}+(?:{_NO3})?|{_NO3})其他(?!申请人|组织|法人|结果|方式)",
         "result.other.misc"),
        (rf"其他处理{_IN}*第[3三](?:项|个|小项)", "result.other.misc"),
    )
)  # fmt: skip


_ORDINALS = "一二三四五六七八九"
# A group of 表三 and its sub-rows in the template's order: 不予处理里第2项 is 重复申请
_SUB_ROWS = {
    group: [r for r in ROWS if r.prefix.rpartition(".")[0] == group]
    for group in ("result.withheld", "result.unable", "result.rejected", "result.other")
}
_NTH_SUB_ROW = re.compile(
    "(" + "|".join(sorted((w for g in _SUB_ROWS for w in ROW_BY_PREFIX[g].words), key=len,
                          reverse=True))
    + rf"){_IN}*(?:的)?第\s*([1-9{_ORDINALS}])\s*(?:项|个|小项|种|类|条)"
)  # fmt: skip
_GROUP_OF_WORD = {w: g for g in _SUB_ROWS for w in ROW_BY_PREFIX[g].words}


def missing_sub_row(text: str) -> str:
    """The words of a sub-row the group does not have (不予处理第9项: 5 sub-rows), else ""."""
    nth = _NTH_SUB_ROW.search(text.replace(" ", ""))
    if nth is None:
        return ""
    said = nth.group(2)
    index = int(said) if said.isdigit() else _ORDINALS.index(said) + 1
    return nth.group(0) if index > len(_SUB_ROWS[_GROUP_OF_WORD[nth.group(1)]]) else ""


def _paraphrased(text: str) -> list[tuple[str, RowEntry, int]]:
    found: list[tuple[str, RowEntry, int]] = []
    for pattern, prefix in _PARAPHRASES:
        match = pattern.search(text)
        if match is not None and not any(s <= match.start() < s + len(w) for w, _, s in found):
            found.append((match.group(0), ROW_BY_PREFIX[prefix], match.start()))
    nth = _NTH_SUB_ROW.search(text)
    if nth is not None and not any(s <= nth.start() < s + len(w) for w, _, s in found):
        said = nth.group(2)
        index = int(said) if said.isdigit() else _ORDINALS.index(said) + 1
        rows = _SUB_ROWS[_GROUP_OF_WORD[nth.group(1)]]
        if index <= len(rows):  # 不予处理第9项: no such sub-row, the words stay unexplained
            found.append((nth.group(0), rows[index - 1], nth.start()))
    return found


def _literal_rows(text: str) -> list[tuple[str, RowEntry, int]]:
    """Rows whose words occur literally, longest word first, overlapping shorter words dropped;
    the weak words (公开了多少, 处理了多少) only where no other word is (部分公开了多少). A row
    described (没经过复议直接去法院) comes first."""
    taken = [False] * len(text)
    found = _paraphrased(text)
    for word, _, start in found:
        for i in range(start, start + len(word)):
            taken[i] = True
    for word, row in _ORDERED_WORDS:
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


def named_rows(text: str) -> list[tuple[str, RowEntry, int]]:
    """(word, row, start) of every row named literally in the text (spaces removed)."""
    return _literal_rows(text.replace(" ", ""))


def _is_child(child: RowEntry, parent: RowEntry) -> bool:
    return child.prefix.startswith(parent.prefix + ".")


def _pick(found: list[tuple[str, RowEntry, int]]) -> tuple[str, RowEntry]:
    """Longest word wins, but a named sub-row is more specific than its group, and any other
    row beats the generic 申请 words (拒绝了多少申请 asks about refusals)."""
    specific = [f for f in found if f[1].prefix != GENERIC_ROW and f[0] not in VERB_WORDS]
    verbs = [f for f in found if f[0] in VERB_WORDS]  # 答复了多少件申请: the replies
    found = specific or verbs or found
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
    """The word occurs in the text with a slip a pinyin keyboard makes (申清数量): characters
    replaced by sound-alike ones (one per five characters), or one character missing or extra
    in a word of four or more. 行政编制 is not 行政强制 (编 and 强 do not sound alike), and
    partial_ratio alone would also take 信息公开工作 for 信息公开申请.
    """
    allowed = max(1, len(word) // 5)
    size = len(word)
    for start in range(max(1, len(text) - size + 1)):
        window = text[start : start + size]
        diffs = [(a, b) for a, b in zip(word, window, strict=False) if a != b]
        if len(window) == size and len(diffs) <= allowed and all(homophones(*d) for d in diffs):
            return True
    if size < 4:
        return False
    for other in (size - 1, size + 1):
        for start in range(max(1, len(text) - other + 1)):
            if Levenshtein.distance(word, text[start : start + other]) <= 1:
                return True
    return False


def _short_slip(text: str) -> FieldMatch | None:
    """A three-character row word typed with one sound-alike character (申情数 for 申请数),
    when no row word occurs literally: too short for the fuzzy search above, whose partial
    ratio of one slip in three characters is under the cutoff."""
    for word, row in _SHORT_WORDS:
        if _one_slip(word, text):
            return FieldMatch(row, match_column(text, row), FUZZY_CUTOFF, word)
    return None


_NOT_AN_AGENCY = re.compile(r"政府(?=信息|网站|门户|公报|常务|规章|文件|集中采购|公开)")


def literal_spans(text: str, *, min_len: int = 4) -> list[tuple[int, int]]:
    """Where long catalog words occur, so that names are not looked for inside them; 政府 in
    政府信息 (新收政府信息公开申请) is no agency either."""
    spans = [(start, start + len(w)) for w, _, start in _literal_rows(text) if len(w) >= min_len]
    return spans + [m.span() for m in _NOT_AN_AGENCY.finditer(text)]


def column_spans(text: str) -> list[tuple[int, int]]:
    """Where column words of any table occur (自然人, 结果维持, 本年制发件数)."""
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for word, _ in _COLUMN_WORDS:
        start = text.find(word)
        while start >= 0:
            if not any(taken[start : start + len(word)]):
                taken[start : start + len(word)] = [True] * len(word)
                spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


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
            row = ROW_BY_PREFIX[_COLUMN_ONLY[col.family]]
            return FieldMatch(row, col.column, _COLUMN_ONLY_SCORE, word)
        if col.family in _SHARED_COLUMNS and len(word) >= 4 and word in text:
            # 本年新制作数量 / 处理决定数量 with no row: several rows of 表二 have it (the
            # router asks which); never a row read from a look-alike (本年新收)
            rows = tuple(r for r in ROWS if r.family == col.family)
            return FieldMatch(rows[0], col.column, _COLUMN_ONLY_SCORE, word, rows[1:])
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
        return _short_slip(text)
    row = _FUZZY_ROWS[best[2]]
    return FieldMatch(row, match_column(text, row), best[0], _FUZZY_WORDS[best[2]])
