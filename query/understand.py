"""The detector: question text in, everything recognised (with scores) out, nothing looked up.

Shape of Google Data Commons' NL detector: normalise, take out intent words, take out years, take
out places, and match what is left against the field catalog.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from names import looks_like_place
from query.agencies import AgencyIndex, PlaceScan
from query.catalog import COLUMNS
from query.facts import FactMatch, fact_spans, match_fact, match_facts
from query.fieldmatch import (
    APPLICANT_WORDS,
    GENERIC_ROWS,
    VERB_WORDS,
    FieldMatch,
    column_spans,
    literal_spans,
    match_field,
    missing_sub_row,
    named_rows,
)
from query.intents import Hints, detect, strip_noise, unexplained
from query.normalize import MAX_MATCH, normalize
from query.years import YearSpec, counted_reports, extract_years, ordinal_report

_CJK = re.compile(r"[\u4e00-\u9fff]")
_AMOUNT = re.compile(r"金额|多少钱|万元|赔偿|罚款数|罚没")
_AMOUNTS = frozenset({"fees", "procurement"})  # the row families with an amount column
# Measures the template and its prose never hold: a near cell must not answer for them.
_NO_SUCH = re.compile(
    r"满意度|满意率|好评率?|差评|投诉率|办结率|按时答复率|答复率|答复时[间长限]|平均用时|"
    r"办理时[间长]|用时|天数|经费|预算|人员编制|工作人员|"
    r"考核得分|得分|GDP|gdp|逾期答复|超期答复|延期答复|逾期未答复|超期未答复"
)
_COMPARING = ("yoy", "growth", "ratio", "difference", "compare")
_NOT_A_PLACE = ("各", "全", "本", "哪", "所有", "每个", "这个", "那个")


@dataclass(frozen=True)
class Detection:
    text: str  # normalised question
    hints: Hints
    years: YearSpec
    scan: PlaceScan
    field: FieldMatch | None
    has_cjk: bool
    leftover: str = ""  # Chinese words nothing recognised: maybe a misspelt name
    fact: FactMatch | None = None  # a fact of the prose named (主动公开, 政策解读 …)
    asked: str = ""  # every word nothing recognised (GDP, 财政预算): what is not there
    facts: tuple[str, ...] = ()  # every prose fact named, for 重点领域信息和政策解读加起来
    # Words beside an exactly named field or fact that name something no field covers
    # (申请人满意度, 平均答复天数): the field is then not the answer.
    unexplained: str = ""
    own_level: bool = False  # 淮安市本级: the government's own report, never a department's
    no_split: str = ""  # an applicant column (企业) asked of a row with no applicant split

    @property
    def key(self) -> str | None:
        """The fact's key, or the row (and column) the words name; None when neither."""
        if self.fact is not None:
            return self.fact.key
        if self.field is None:
            return None
        row = self.field.row.prefix
        return f"{row}.{self.field.column}" if self.field.column else row

    @property
    def empty(self) -> bool:
        return not self.text


# 淮安市本级 / 洪泽区本级政府: the region's own government, as budgets and reports say it
_OWN_LEVEL = re.compile(r"(?<=[\u4e00-\u9fff])本级(?:政府|人民政府)?(?![\u4e00-\u9fff]*部门)")
_OWN_GOVERNMENT = re.compile(r"(?:^|(?<=\s))[区市县]?(?:人民)?政府(?![办网门公信])")
_DOUBLED_LEVEL = re.compile(r"([区市县])\1(?=府办|政府|人民政府)")
_PARTY_COMMITTEE = r"\s*(?:党工委|工委|党委|委)(?!员会|员|托)"


def detect_question(question: str, *, index: AgencyIndex, today: date) -> Detection:
    text = normalize(question)
    own_level = _OWN_LEVEL.search(text) is not None
    counted, count, rest = ordinal_report(_OWN_LEVEL.sub(" ", text))
    reports, rest = counted_reports(rest)
    hints, rest = detect(rest)
    comparing = any(hints.has(h) for h in _COMPARING)
    years, rest = extract_years(rest, today=today, comparing=comparing)
    if counted is not None:
        years = YearSpec(report=counted, anchor=count)
    elif reports is not None:
        years = replace(years, reports=reports)
    rest = _DOUBLED_LEVEL.sub(r"\1", rest[:MAX_MATCH])  # 洪泽区区府办: 洪泽区's 府办
    typed = unicodedata.normalize("NFKC", question)
    scan = index.scan(rest, masked=literal_spans(rest) + fact_spans(rest), typed=typed)
    if scan.places:  # 平潭区政府: the place's own government named again, no figure
        scan.rest = _OWN_GOVERNMENT.sub(lambda m: " " * len(m.group(0)), scan.rest)
    for named in scan.places:  # 淮安市委: the party committee, which reports nothing
        if named.text and re.search(re.escape(named.text) + _PARTY_COMMITTEE, rest):
            scan.unknown = named.text + "委"
    fact = match_fact(scan.rest)
    field = match_field(scan.rest, fuzzy_text=strip_noise(scan.rest))
    fact, field = _fee(fact, field, scan.rest)
    kind_only = _kind_word(fact, field, scan.rest)  # 政策解读中投诉的: no 不予处理 here
    if fact is not None and field is not None:
        fact, field = _one_of(fact, field, scan.rest)
    leftover = scan.rest
    for start, end in literal_spans(leftover, min_len=2) + fact_spans(leftover):
        leftover = _blank(leftover, start, end)  # every catalog word, not a place
    if field is not None and not field.exact:
        leftover = leftover.replace(field.matched, " ")
    words = strip_noise(leftover).split()
    for word in words:
        place = looks_like_place(word)  # a place or office the database does not know
        own = (index.info[a].name for p in scan.places for a in p.agencies[:3] if a in index.info)
        if place and any(place in name for name in own):
            continue  # 平潭…实验区门户网站: the zone named again, by its own name's end
        if place and not place.startswith(_NOT_A_PLACE):
            scan.unknown = place
            break
    if field is not None and _AMOUNT.search(scan.rest) and field.row.family not in _AMOUNTS:
        asked_amount = field.row.name + "金额"  # 行政处罚罚款金额: the template counts decisions
        return Detection(
            text, hints, years, scan, None, True, "", None, asked_amount, own_level=own_level
        )
    rest_words = "".join(w for w in words if _CJK.search(w))
    asked = "".join(w for w in words if not w.isdigit() and len(w) > 1)  # 报, 条: no field
    facts = tuple(f.key for f in match_facts(scan.rest)) if fact is not None else ()
    extra = ""
    if fact is not None or (field is not None and (field.exact or field.column_only)):
        extra = unexplained(_without_catalog_words(scan.rest))
    extra = extra or kind_only
    no_split = ""
    if field is not None and field.row.family != "applicant":
        no_split = _applicant_named(scan.rest, field)  # 行政复议的自然人: 表四 has no such split
        extra = extra or no_split
    extra = extra or missing_sub_row(scan.rest)  # 不予处理第9项: never the group's total
    if not extra and (concept := _NO_SUCH.search(scan.rest)):
        extra = concept.group(0)  # 群众满意度: no cell is a 满意度, however near its words
    return Detection(
        text, hints, years, scan, field, bool(_CJK.search(text)), rest_words, fact, asked, facts,
        extra, own_level, no_split,
    )  # fmt: skip


# Short words of 不予处理·信访举报投诉类申请 that also say what kind of thing another figure is
_KIND_WORDS = frozenset({"信访", "举报", "投诉"})
_PETITION = "result.rejected.petition"


def _kind_word(fact: FactMatch | None, field: FieldMatch | None, text: str) -> str:
    """信访 / 投诉 beside a prose fact or another specific row (政策解读中投诉的, 投诉予以公开):
    a kind of that figure the reports never count, not the 不予处理 row; "" otherwise."""
    word = next((w for w in sorted(_KIND_WORDS) if w in text), "")
    if field is None or not word or "信访举报投诉" in text:
        return ""
    if field.row.prefix != _PETITION:
        return word  # 予以公开的投诉
    others = [r for r in field.others if r.prefix not in GENERIC_ROWS]
    return word if fact is not None or others else ""


def _applicant_named(text: str, field: FieldMatch) -> str:
    """An applicant column (自然人, 企业, 法人 …) named beside a row of another table (表二,
    表四), whose template has no applicant split: the word, so that the row's total is
    never given for it; "" when none (其他 is also a column of 表四)."""
    text = text.replace(" ", "")
    for word, _, start in named_rows(text):
        text = _blank(text, start, len(word) + start)
    own = {w for c in COLUMNS if c.family == field.row.family for w in c.words}
    for word, _column in APPLICANT_WORDS:
        if word in text and word not in own and not any(word in w for w in own):
            return word
    return ""


def _without_catalog_words(text: str) -> str:
    """The text with every row, column and fact word blanked."""
    for start, end in literal_spans(text, min_len=1) + fact_spans(text):
        text = _blank(text, start, end)
    for start, end in column_spans(text):
        text = _blank(text, start, end)
    return text


# Words for a fee that name 表二's 行政事业性收费 and the prose's 信息处理费 alike (fields.md:
# 信息处理费 is what applicants are charged): the fee named, or a question about applications
# (依申请公开收了多少费用), says which; otherwise the router asks.
_FEE_WORDS = frozenset({"收费", "收了多少钱", "收多少钱", "费用", "收了多少费用", "收多少费用"})


def _fee(
    fact: FactMatch | None, field: FieldMatch | None, text: str
) -> tuple[FactMatch | None, FieldMatch | None]:
    if field is None or field.matched not in _FEE_WORDS:
        return fact, field
    if fact is not None and fact.key == "text.fees_collected":
        return fact, None  # 信息处理费收了多少钱
    if fact is None and "申请" in text:
        return FactMatch("text.fees_collected", field.matched, text.find(field.matched)), None
    return fact, field


def _one_of(
    fact: FactMatch, field: FieldMatch, text: str
) -> tuple[FactMatch | None, FieldMatch | None]:
    """A fact word and a table word both found: overlapping, the longer word wins (复议案件
    is a table row, not a 议案; 主动公开了多少 is the prose total, not 公开了多少); apart, a
    specific table row wins (主动公开规章 is 表二's 规章), a generic one (申请) loses."""
    compact = text.replace(" ", "")
    at = compact.find(field.matched) if field.exact else -1
    fact_at = compact.find(fact.word)
    if at >= 0 and at < fact_at + len(fact.word) and fact_at < at + len(field.matched):
        return (fact, None) if len(fact.word) > len(field.matched) else (None, field)
    if field.exact and field.row.prefix not in GENERIC_ROWS and field.matched not in VERB_WORDS:
        return None, field  # 议案提案办理了多少: the fact, not 办理结果总计
    return fact, None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]
