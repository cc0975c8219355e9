"""Figures the report's prose states, each with its sentence, unit and section.

Three kinds (docs/fields.md "Facts stated in the prose"):
- a figure the prose states for a table cell (收到申请 70 件) keeps that cell's key, so rule W2
  can compare it with the table, and it helps split glued digit runs;
- the `text.*` facts no table holds (主动公开政府信息 13561 条, 政策解读 117 篇 …);
- every other figure in a sentence is a free fact (`free.N`), reached by the words before it.

Only figures with a unit are read (条, 件, 篇, 万次, % …), so dates, phone numbers and
document numbers are never facts. An approximate figure (7700余条) is kept with the flag
`approximate` and is never used for a table cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from parsers.model import Number

APPROXIMATE = "approximate"  # 7700余条: a fact flag

# The prose facts of fields.md: key → what it is called in answers.
TEXT_FACTS: dict[str, str] = {
    "text.proactive.total": "主动公开政府信息总数",
    "text.proactive.key_areas": "重点领域信息",
    "text.interpretations": "政策解读",
    "text.press_conferences": "新闻发布会",
    "text.opinion_responses": "舆情回应",
    "text.new_media": "政务新媒体",
    "text.proposals": "建议提案办理",
    "text.fees_collected": "收取的信息处理费",
    "text.other_channels": "其他方式发布信息",
}


@dataclass(frozen=True)
class ProseFact:
    key: str  # text.*, a table key (for W2) or free.N
    value: Number
    unit: str  # as printed: 条, 件, 篇, 次, 场, 个, 元, 万元, 万次, % …
    sentence: str  # the sentence it came from (its provenance)
    section: str = ""  # 一、总体情况 · （一）主动公开情况
    phrase: str = ""  # the words that say what is counted
    flags: frozenset[str] = field(default_factory=frozenset)

    def to_json(self) -> dict[str, object]:
        value = float(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "key": self.key,
            "value": value,
            "unit": self.unit,
            "phrase": self.phrase,
            "section": self.section,
            "sentence": self.sentence,
            "flags": sorted(self.flags),
        }


_TABLE_START = re.compile(r"第二十条第[（(][一二三四五六七八九十]+[)）]项")
_CLOSING = re.compile(
    r"[五六七]、(?:政府信息公开(?:工作)?)?存在的主要问题|[六七]、其他需要报告的事项"
)
_C = r"[^，,。；;：:\d]"  # characters inside one clause, no digits

# Table cells the prose states: (key, pattern with one number group); the first pattern that
# matches a key wins.
_CELL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("proactive.normative.issued", r"制发的?(?:行政)?规范性文件(\d+)件"),
        ("proactive.normative.valid", r"现行有效的?(?:行政)?规范性文件(\d+)件"),
        ("apply.new.total", rf"收到{_C}{{0,15}}?(\d+)件{_C}{{0,8}}?申请"),
        ("apply.new.total", rf"(?:收到|接收|受理|接到){_C}{{0,30}}?申请(?:共计|合计|共)?(\d+)件"),
        ("apply.new.natural", r"自然人(?:申请)?(\d+)件"),
        ("apply.new.business", r"商业企业(?:申请)?(\d+)件"),
        ("result.total.total", rf"办结{_C}{{0,12}}?(\d+)件"),
        ("result.total.total", rf"答复{_C}{{0,12}}?申请(\d+)件"),
        ("apply.carried_forward.total", r"(\d+)件结转下一?年度"),
        ("apply.carried_forward.total", r"结转(?:至|到)?(?:下一?年度?|\d{4}年)(\d+)件"),
        ("result.withheld.total", r"不予公开(\d+)件"),
        ("result.unable.total", r"无法提供(\d+)件"),
        ("result.rejected.total", r"不予处理(\d+)件"),
        ("result.other.total", r"其他处理(\d+)件"),
        ("review.total", r"行政复议(?:案件)?(\d+)(?:件|起)"),
        ("litigation.total", r"行政诉讼(?:案件)?(\d+)(?:件|起)"),
    )
)
_NONE_RECEIVED = re.compile(rf"(?:未|没有)(?:收到|接到|受理){_C}{{0,12}}申请")

# text.* facts: (key, what the words before the figure look like, what the clause must not
# say, the units it may have). The first figure in reading order that fits a key wins.
_COUNT_UNITS = frozenset("条件篇次场个期项份")
_FACT_RULES: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None, frozenset[str]], ...] = (
    (
        "text.proactive.total",
        re.compile(r"(?:主动(?:公开|发布)|共公[开布]|公开发布)[^，]{0,12}?信息(?:及配套解读)?$"),
        re.compile(r"重点领域|解读信息|规范性文件|医疗|环保|财政|征地|采购|执法|项目信息"),
        frozenset("条件"),
    ),
    (
        "text.proactive.key_areas",
        re.compile(r"重点领域(?:信息)?(?:公布|公开|发布)?$"),
        None,
        frozenset("条件"),
    ),
    (
        "text.interpretations",
        re.compile(r"(?:政策解读|解读信息发布|发布与解读|解读材料|解读稿件|解读)$"),
        re.compile(r"问题|进行解读"),
        frozenset("条件篇个期次份"),
    ),
    (
        "text.press_conferences",
        re.compile(r"新闻发布会$"),
        re.compile(r"专场"),
        frozenset("次场期个"),
    ),
    ("text.opinion_responses", re.compile(r"舆情.{0,4}回应$|回应.{0,4}舆情$"), None, _COUNT_UNITS),
    (
        "text.new_media",
        re.compile(r"政务新媒体(?:账号|平台)?$"),
        re.compile(r"关停|注销|新开设|关闭|整合|清理|开设"),
        frozenset("个"),
    ),
    (
        "text.proposals",
        re.compile(r"(?:建议|议案|提案).{0,6}办理(?:结果)?$|办理.{0,6}(?:建议|议案|提案)$"),
        None,
        _COUNT_UNITS,
    ),
    (
        "text.fees_collected",
        re.compile(r"收取.{0,12}信息处理费$"),
        None,
        frozenset({"元", "万元"}),
    ),
    ("text.other_channels", re.compile(r"其他方式发布信息$"), None, _COUNT_UNITS),
)
_NO_FEES = re.compile(
    r"(?:无|没有|未|不)收取(?:任何)?(?:政府信息公开)?信息处理费|信息处理费[为是]?0元"
)

_SECTION = re.compile(
    r"[一二三四五六七]、(总体情况|(?:政府信息公开(?:工作)?)?存在的主要问题及改进情况|其他需要报告的事项)"
)
_SUBSECTION = re.compile(
    r"[（(][一二三四五六七八九十][)）]([^（）()。，；：\d]{2,12}?(?:情况|方面))"
)
# A number not inside another (no digit or point before it): the test looked at behind its first
# digit, so the regex engine skips to the digits instead of trying every character.
_FIGURE = re.compile(
    r"(\d(?<![\d.]\d)\d*(?:\.\d+)?)(余|多)?"
    r"(万元|万人次|万次|万人|万条|万件|元|批次|人次|条|件|篇|次|场|个|起|期|家|项|份|%|％"
    r"|万(?=[，,。；;、）)]|$))"  # 播放量超2300万，
)
_ABOUT = re.compile(r"(?:超过|超|逾|近|约|大约)$")  # 超2300万: more than, not exactly
_LEAD_FILLER = re.compile(
    r"^(?:\d{4}年度?|全年|今年|本年度|本年|年内|全区|全市|全县|我区|我市|我县|我局|我办|其中|另有|"
    r"先后|及时|共|共计|累计|合计|已|均|并|同时|此外|截至目前|目前|通过)+"
)
_TAIL_FILLER = re.compile(r"(?:共计|合计|累计|总计|共|达到|达|为|约|计|等)+$")
_QUOTED = re.compile(r"“[^”]{0,40}”|《[^》]{0,40}》|〈[^〉]{0,40}〉|[（(][^）)]{0,40}[）)]")
_CLAUSE = re.compile(r".*[，,：:；;（(]", re.S)  # up to the last clause mark: its end
_SENTENCE_MARK = re.compile(r"[。；;！？!?]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_AFTER_END = re.compile(r"[，,。；;、：:]")
_PAGE_NUMBER = re.compile(r"(?m)^\s*[-—－]\s*\d{1,3}\s*[-—－]\s*$")  # a page foot: - 1 -
_PAGE_MARK = re.compile(r"[-—－]")


def prose_text(text: str) -> str:
    """The narrative before the tables, without spaces (PDF text puts them around numbers)."""
    match = _TABLE_START.search(text)
    head = text[: match.start()] if match else text
    return re.sub(r"[ \t\u3000]+", "", head)


def _squeeze(text: str) -> str:
    """Lines joined and spaces dropped: a PDF breaks sentences across lines and pads numbers."""
    if _PAGE_MARK.search(text):  # a page foot holds a dash: most texts' feet were dropped
        text = _PAGE_NUMBER.sub("", text)
    # str.split() cuts at the whitespace \s matches (both: str.isspace), several times faster
    return "".join(text.split())


def _parts(text: str) -> tuple[str, str]:
    """(narrative before the tables, the closing sections after them), squeezed."""
    match = _TABLE_START.search(text)
    if match is None:
        return _squeeze(text), ""
    closing = _CLOSING.search(text, match.end())
    return _squeeze(text[: match.start()]), _squeeze(text[closing.start() :]) if closing else ""


def _sentences(text: str) -> list[tuple[str, str]]:
    """(section, sentence) in reading order; a heading starts a new sentence."""
    out: list[tuple[str, str]] = []
    section, subsection = "", ""
    marks = sorted(
        [(m.start(), m.end(), "section", m.group(0)) for m in _SECTION.finditer(text)]
        + [(m.start(), m.end(), "sub", m.group(0)) for m in _SUBSECTION.finditer(text)]
    )
    position = 0
    pieces: list[tuple[str, str, str]] = []  # (section, subsection, text)
    for start, end, kind, heading in marks:
        if start < position:
            continue
        pieces.append((section, subsection, text[position:start]))
        if kind == "section":
            section, subsection = heading, ""
        else:
            subsection = heading
        position = end
    pieces.append((section, subsection, text[position:]))
    for top, sub, chunk in pieces:
        where = " · ".join(p for p in (top, sub) if p)
        for sentence in _split_sentences(chunk):
            sentence = sentence.strip("。；;！？!? ")
            if sentence:
                out.append((where, sentence))
    return out


def _split_sentences(chunk: str) -> list[str]:
    """The chunk cut after each sentence mark (the mark kept)."""
    out: list[str] = []
    start = 0
    for mark in _SENTENCE_MARK.finditer(chunk):
        out.append(chunk[start : mark.end()])
        start = mark.end()
    out.append(chunk[start:])
    return out


def _phrase(sentence: str, start: int, end: int, previous_end: int) -> tuple[str, str]:
    """(the clause up to the figure, the words that say what it counts)."""
    clause = _CLAUSE.match(sentence, 0, start)
    clause_start = clause.end() if clause else 0
    lead = sentence[clause_start:start]
    words = sentence[max(clause_start, previous_end) : start].lstrip("、及和与")
    words = _QUOTED.sub("", words)
    words = _TAIL_FILLER.sub("", _LEAD_FILLER.sub("", words))
    if len(_HAN.findall(words)) < 3:  # 组织 4 次检查: the words come after
        after = _AFTER_END.split(sentence[end:], maxsplit=1)[0]
        words += _QUOTED.sub("", after)[:20]
    words = words[-24:].lstrip("、，,）)：:")
    if clause_start < previous_end and sentence[previous_end : previous_end + 1] in "、和及":
        words = sentence[clause_start : clause_start + 2] + words  # 关停…网站1个、政务新媒体2个
    return lead, words


def _number(text: str) -> Number:
    return Decimal(text) if "." in text else int(text)


def prose_figures(text: str) -> dict[str, Number]:
    """Key → figure for every table cell and `text.*` fact the prose states exactly."""
    return keyed_figures(prose_facts(text))


def keyed_figures(facts: list[ProseFact]) -> dict[str, Number]:
    """The facts with a key of their own (not free, not approximate), by key."""
    return {
        f.key: f.value
        for f in facts
        if not f.key.startswith("free.") and APPROXIMATE not in f.flags
    }


def _cell_facts(head: list[tuple[str, str]]) -> tuple[list[ProseFact], set[tuple[int, int]]]:
    """Table cells the narrative states, and (sentence, position) of each figure used."""
    found: dict[str, ProseFact] = {}
    used: set[tuple[int, int]] = set()
    # Every pattern counts 件 or 起: the other sentences need not be searched.
    counting = [(i, s) for i, s in enumerate(head) if "件" in s[1] or "起" in s[1]]
    for key, pattern in _CELL_PATTERNS:
        if key in found:
            continue
        for index, (section, sentence) in counting:
            match = pattern.search(sentence)
            if match is None or sentence[match.end(1) : match.end(1) + 1] in ("余", "多"):
                continue
            phrase = re.sub(r"\d+", "", match.group(0))
            found[key] = ProseFact(
                key, int(match.group(1)), "件", sentence, section, phrase.strip("件起")
            )
            used.add((index, match.start(1)))
            break
    if "apply.new.total" not in found:
        for section, sentence in head:
            if _NONE_RECEIVED.search(sentence):
                found["apply.new.total"] = ProseFact(
                    "apply.new.total", 0, "件", sentence, section, "收到申请"
                )
                break
    return list(found.values()), used


def prose_facts(text: str) -> list[ProseFact]:
    """Every figure the narrative and the closing sections state, in reading order."""
    head_text, tail_text = _parts(text)
    head = _sentences(head_text)
    sentences = head + _sentences(tail_text)
    facts, used = _cell_facts(head)
    keyed: set[str] = {f.key for f in facts}
    free = 0
    for index, (section, sentence) in enumerate(sentences):
        previous_end = 0
        for match in _FIGURE.finditer(sentence):
            start, end = match.span()
            lead, words = _phrase(sentence, start, end, previous_end)
            previous_end = end
            if (index, start) in used:
                continue
            unit = match.group(3).replace("％", "%")
            about = match.group(2) or _ABOUT.search(sentence[max(0, start - 2) : start])
            flags = frozenset({APPROXIMATE}) if about else frozenset()
            value = _number(match.group(1))
            key = _fact_key(lead, unit, keyed) or _fact_key_after(sentence[end:], unit, keyed)
            if key is None:
                free += 1
                key = f"free.{free}"
            else:
                keyed.add(key)
            facts.append(ProseFact(key, value, unit, sentence, section, words, flags))
        if "text.fees_collected" not in keyed and _NO_FEES.search(sentence):
            keyed.add("text.fees_collected")
            facts.append(
                ProseFact("text.fees_collected", 0, "元", sentence, section, "信息处理费")
            )
    return facts


_AFTER_RULES: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("text.interpretations",
     re.compile(r"^[^，。；]{0,40}?(?:政策|文件)[^，。；]{0,4}进行(?:了)?解读"),
     frozenset("项件篇个条")),
    ("text.press_conferences", re.compile(r"^(?:新闻发布会|政府新闻发布会)"), frozenset("次场")),
)  # fmt: skip


def _fact_key_after(after: str, unit: str, taken: set[str]) -> str | None:
    """The key of a figure that comes before what it counts: 对 29 项…政策文件进行解读."""
    for key, pattern, units in _AFTER_RULES:
        if key not in taken and unit in units and pattern.search(after):
            return key
    return None


def _fact_key(lead: str, unit: str, taken: set[str]) -> str | None:
    """The `text.*` key a figure's clause names, if any (and not taken by an earlier one)."""
    words = _TAIL_FILLER.sub("", _QUOTED.sub("", lead))
    for key, wanted, unwanted, units in _FACT_RULES:
        if key in taken or unit not in units:
            continue
        if wanted.search(words) and not (unwanted and unwanted.search(words)):
            return key
    return None
