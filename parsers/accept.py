"""The one acceptance rule: what a parsed document must be before anyone calls it a report.

`parse`, `/check`, upload and `ingest` all parse through `parsers.parse_document`, which calls
`refusals` last, so they refuse the same files with the same Chinese sentences: enough of the
template's row labels, an agency name that reads as one, a plausible year, at least one printed
number, and every value within what any report prints. Out-of-bounds candidates of an
ambiguous cell are dropped (no report prints them); a prose figure out of bounds is dropped with
a warning (a sentence is not a cell). Pure: no database, no clock beyond today's year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from parsers.fields import FIELDS
from parsers.layout import row_words
from parsers.meta import Meta
from parsers.model import AMBIGUOUS, BLANK, DERIVED, Number, ParsedReport

MAX_COUNT = 10**9  # 件: more than any agency receives, decides or publishes in a year
MAX_AMOUNT = Decimal(10**8)  # 万元 (1 万亿元): more than any agency's fees or procurement
MAX_FACT = 10**15  # a prose figure (元 included) beyond this is a misread digit string
FIRST_YEAR = 2008  # the 条例 took effect on 2008-05-01: no report is older
MIN_LABELS = 8  # distinct template row labels a report prints (it prints about 35)
MAX_LISTED = 3  # problems named in the refusal
SHANGHAI = ZoneInfo("Asia/Shanghai")
_DIGIT = re.compile(r"\d")
_LABEL_PUNCTUATION = "（）()“”\"'、,，.．:："  # with spaces, what norm_text drops inside row words


_AMOUNTS = frozenset(key for key, field in FIELDS.items() if field.is_amount)


def bound(key: str) -> Number:
    """The largest magnitude (exclusive) a cell of `key` may hold."""
    return MAX_AMOUNT if key in _AMOUNTS else MAX_COUNT


def fits(key: str, value: Number) -> bool:
    limit = bound(key)
    return -limit < value < limit


def refusals(
    report: ParsedReport, meta: Meta, text: str, rows: Sequence[Sequence[str]] = ()
) -> list[str]:
    """Why the parsed document is not a storable report, one Chinese sentence each. `rows` are
    the table rows the text may lack, joined only when the text has too few labels."""
    out: list[str] = []
    found = _labels(text)
    if found < MIN_LABELS and rows:
        found = _labels(text + "\n".join("\t".join(row) for row in rows))
    if found < MIN_LABELS:
        out.append(
            f"只找到 {found} 个年报模板的行名（至少应有 {MIN_LABELS} 个），这似乎不是一份年报"
        )
    if meta.not_an_agency is not None:
        shown = (
            meta.not_an_agency if len(meta.not_an_agency) <= 30 else meta.not_an_agency[:30] + "…"
        )
        out.append(
            f"标题中的“{shown}”不像机关名称（应以人民政府、局、委员会等结尾，不含句子标点）"
        )
    this_year = datetime.now(SHANGHAI).year
    if not FIRST_YEAR <= report.year <= this_year:
        out.append(f"报告年度 {report.year} 年不合理（应在 {FIRST_YEAR}–{this_year} 年之间）")
    printed = [c for c in report.cells.values() if DERIVED not in c.flags]
    if not any(_DIGIT.search(c.raw) for c in printed if BLANK not in c.flags) and not any(
        AMBIGUOUS in c.flags for c in printed
    ):
        out.append("表格中没有任何数字，这似乎不是一份年报")
    for key, cell in report.cells.items():
        if cell.value is not None and not fits(key, cell.value):
            out.append(_too_large(key, cell.value))
        elif (
            cell.value is None
            and cell.candidates
            and not any(fits(key, v) for v in cell.candidates)
        ):
            out.append(_too_large(key, max(cell.candidates)))
    return out


def _labels(text: str) -> int:
    """Distinct template row labels in the text, counted up to MIN_LABELS (all that matters)."""
    words = "".join(text.split())  # str.split and str.replace: several times faster than re.sub
    for mark in _LABEL_PUNCTUATION:
        if mark in words:
            words = words.replace(mark, "")
    found: set[str] = set()
    for match in row_words().finditer(words):
        found.add(match.group(0))
        if len(found) >= MIN_LABELS:
            break
    return len(found)


def _too_large(key: str, value: Number) -> str:
    field = FIELDS.get(key)
    label = field.label if field is not None else key
    limit = "1 亿万元" if field is not None and field.is_amount else "10 亿件"
    digits = str(value)
    shown = digits if len(digits) <= 16 else f"{digits[:6]}…（{len(digits)} 位数）"
    return f"{label} 为 {shown}，超出合理范围（应小于 {limit}），可能是数字串读错"


def within_bounds(report: ParsedReport) -> None:
    """Drop candidates no report prints and prose figures out of bounds (with a warning)."""
    for key, cell in list(report.cells.items()):
        if cell.value is None and cell.candidates:
            kept = tuple(v for v in cell.candidates if fits(key, v))
            if kept and kept != cell.candidates:
                report.cells[key] = replace(cell, candidates=kept)
    for key, value in list(report.prose.items()):
        if not -MAX_COUNT < value < MAX_COUNT:
            del report.prose[key]
            report.warnings.append(f"正文所述 {key} 的数字过大（{str(value)[:12]}…），未采用")
    facts = [f for f in report.facts if -MAX_FACT < f.value < MAX_FACT]
    if len(facts) < len(report.facts):
        report.warnings.append(
            f"正文中 {len(report.facts) - len(facts)} 个数字过大，未作为事实保存"
        )
        report.facts = facts


def refusal_text(problems: list[str]) -> str:
    """One line naming the first problems."""
    more = f"；另有 {len(problems) - MAX_LISTED} 处问题" if len(problems) > MAX_LISTED else ""
    return "无法作为年报入库：" + "；".join(problems[:MAX_LISTED]) + more
