"""Facts stated in the prose: the words for each `text.*` fact, and finding a free fact of one
report by the words a question uses.

A fact is never confused with a table cell: 主动公开 (proactive disclosure, prose) is not
（一）予以公开 (an application granted, 表三). A free fact is only answered when the question's
words clearly pick one sentence of the report; otherwise the candidates are offered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from query.source import FigureInfo

# Words people use for each prose fact of docs/fields.md, longest first when matched.
FACT_WORDS: dict[str, tuple[str, ...]] = {
    "text.proactive.total": (
        "主动公开政府信息",
        "主动公开的政府信息",
        "主动公开信息",
        "主动公开的信息",
        "主动公开了多少",
        "主动公开多少",
        "主动发布政府信息",
        "主动发布信息",
        "主动公开总数",
        "主动公开数量",
        "主动公开量",
        "公开政府信息总数",
        "公布政府信息",
        "主动公开",
        "主动发布",
    ),
    "text.proactive.key_areas": ("重点领域信息", "重点领域"),
    "text.interpretations": ("政策解读", "解读政策", "政策文件解读", "解读材料", "解读"),
    "text.press_conferences": ("新闻发布会", "发布会"),
    "text.opinion_responses": ("舆情回应", "回应舆情", "舆情"),
    "text.new_media": ("政务新媒体", "新媒体账号", "新媒体"),
    "text.proposals": (
        "议案提案办理结果",
        "建议提案办理结果",
        "提案办理结果",
        "议案办理结果",
        "建议提案办理",
        "议案提案",
        "建议提案",
        "人大建议",
        "政协提案",
        "提案",
        "议案",
    ),
    "text.fees_collected": ("收取信息处理费", "信息处理费", "处理费"),
    "text.other_channels": ("其他方式发布信息", "其他方式发布"),
}
_KEY_OF = {w: k for k, ws in FACT_WORDS.items() for w in ws}
_WORDS = sorted(((w, k) for k, ws in FACT_WORDS.items() for w in ws), key=lambda x: -len(x[0]))
_UNIT_TAIL = re.compile(r"[条件篇次场个期项份家起元]+$")
_SEGMENT = re.compile(r"[，,；;。、：:]|\d[^\d，,；;。、：:]?")
_HOW_MANY = re.compile(r"(?:几|多少)[条件篇次场个期项份家起]?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
FREE_SCORE = 0.7  # below: not the same words
FREE_MARGIN = 0.15  # the best must beat the next sentence by this much


@dataclass(frozen=True)
class FactMatch:
    key: str
    word: str
    start: int


_PART_OF = re.compile(r"(?:其他|其它)应?$")  # 其他应主动公开政府信息: one category, not the total


def match_fact(text: str) -> FactMatch | None:
    """The prose fact a question's words name literally (the longest word wins); a word that
    names one category of it (其他应主动公开政府信息) names no fact of fields.md."""
    for word, key in _WORDS:
        at = text.find(word)
        if at >= 0:
            if _PART_OF.search(text[:at].replace(" ", "")):
                return None
            return FactMatch(key, word, at)
    return None


def match_facts(text: str) -> list[FactMatch]:
    """Every prose fact named, in the order written (重点领域信息和政策解读)."""
    found: list[FactMatch] = []
    for start, end in sorted(fact_spans(text)):
        word = text[start:end]
        found.append(FactMatch(_KEY_OF[word], word, start))
    return list({f.key: f for f in found}.values())


def fact_spans(text: str) -> list[tuple[int, int]]:
    """Where fact words occur, so that no place is read inside them (主动公开政府信息)."""
    spans: list[tuple[int, int]] = []
    for word, _key in _WORDS:
        at = text.find(word)
        while at >= 0:
            if not any(s <= at < e for s, e in spans):
                spans.append((at, at + len(word)))
            at = text.find(word, at + len(word))
    return spans


# Verbs people use for one another when they count what was done (编印 / 印发 / 出版 公报 is
# the prose's 制作 or 编发; 举办 / 组织 / 召开 the prose's 开展): each is read as its group's
# first word on both sides, so the free match compares what was done, not how it was said.
_VERB_GROUPS: tuple[tuple[str, ...], ...] = (
    ("制作", "编辑出版", "编印", "编发", "印发", "出版", "印制", "刊印", "刊发", "发行", "编制"),
    ("开展", "组织召开", "组织开展", "组织", "举办", "举行", "召开", "进行", "搞了"),
    ("关停", "关闭", "注销", "停用"),
    ("开设", "新开设", "新开通", "开通", "新开", "新建"),
    ("发布", "公布", "推送", "发了"),
)
_VERB_OF = {word: group[0] for group in _VERB_GROUPS for word in group}
_VERB = re.compile("|".join(sorted(_VERB_OF, key=len, reverse=True)))
# A bare verb before the count asked (出了几期, 开了几场, 办了几次): the group's word.
_BARE_VERB = re.compile(r"(?<![新召举])(出|开|办|搞|做)了?(?=\s*(?:几|多少))")
_BARE_OF = {"出": "制作", "做": "制作", "开": "开展", "办": "开展", "搞": "开展"}


# The verb a listed clause shares with the first item (开展 of 开展季度通报3次、月通报7次).
_LEAD_VERB = re.compile(rf"(?:全年|全区|全市|共|累计|先后)?({_VERB.pattern})")


def bare_verb(question: str) -> str:
    """The group word of a one-character verb before the count asked (出了几期 → 制作), which
    the words kept for a free match leave out; "" when there is none."""
    found = _BARE_VERB.search(question)
    return _BARE_OF[found.group(1)] if found else ""


def same_verbs(text: str) -> str:
    """The text with each counting verb written as its group's first word (编印 → 制作)."""
    text = _BARE_VERB.sub(lambda m: _BARE_OF[m.group(1)], text)
    return _VERB.sub(lambda m: _VERB_OF[m.group(0)], text)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _score(asked: str, phrase: str) -> float:
    asked, phrase = same_verbs(asked), same_verbs(phrase)
    chars = set(_CJK.findall(asked))
    if not chars:
        return 0.0
    coverage = len(chars & set(phrase)) / len(chars)
    grams = _bigrams(asked)
    pairs = len(grams & _bigrams(phrase)) / len(grams) if grams else coverage
    return (coverage + pairs) / 2


def content_words(asked: str) -> str:
    """What a question asks about, for a free fact: no 几期 / 多少个 / unit (编发几期公报 →
    编发公报)."""
    words = _HOW_MANY.sub("", asked.replace(" ", ""))
    return _UNIT_TAIL.sub("", words)


def _clause(fact: FigureInfo) -> str:
    """The words around the fact's figure: from the previous figure or mark to the next mark
    (全年开展季度通报3次、月通报7次: 月通报 for the 7), digits taken out."""
    number = re.match(r"[\d.]+", fact.raw or "")
    digits = number.group(0) if number else ""
    at = fact.sentence.find(digits) if digits else -1
    if at < 0:
        return fact.phrase
    before = fact.sentence[:at]
    cut = max((m.end() for m in _SEGMENT.finditer(before)), default=0)
    after = re.split(r"[，,；;。、：:]", fact.sentence[at + len(digits) :], maxsplit=1)[0]
    part = before[cut:]
    lead = _LEAD_VERB.match(re.split(r"[，,；;。：:]", before)[-1])
    if lead is not None and _VERB.search(same_verbs(part)) is None:
        part = lead.group(1) + part  # 全年开展季度通报3次、月通报7次: 开展 月通报
    return re.sub(r"[\d.]+", "", part + after)


_UNIT_ASKED = re.compile(r"(?:几|多少)\s*(批次|人次|万次|场次|[条件篇次场个期项份家起批名位])")
# People counted: 多少人 / 几名 / 多少工作人员 / 人数 — never a count of events or documents.
_PEOPLE_ASKED = re.compile(
    r"(?:几|多少)\s*[个名位]?\s*(?:工作|专职|兼职|专兼职)?(?:人员|人(?![民大])|员工|职工|干部|观众|听众|读者|"
    r"网民|市民|居民|群众|参与者|记者|发言人|嘉宾)"
    r"|(?:工作|专职|兼职|专兼职)人员|人数|人手|编制数"
)


_PERCENT_ASKED = re.compile(r"率|比例|比重|占比|占多少|百分|%|％")


def unit_asked(question: str) -> str | None:
    """The unit a question counts in (多少项事项 → 项, 合格率 → %), if it names one."""
    if _PERCENT_ASKED.search(question):
        return "%"
    if _PEOPLE_ASKED.search(question):
        return "人"
    match = _UNIT_ASKED.search(question)
    return match.group(1) if match else None


_TIMES = frozenset({"期", "次", "场", "场次", "批", "批次", "万次", "回"})
_PEOPLE = frozenset({"人", "名", "位", "人次", "万人", "万人次"})


def _kind(unit: str) -> str:
    """What a unit counts: issues or events (期, 次, 场), people (人, 名, 人次), money, a
    rate, or things (件, 条, 个 … which people use for one another)."""
    if unit in _TIMES:
        return "times"
    if unit in _PEOPLE:
        return "people"
    if unit.endswith("元"):
        return "money"
    return "%" if unit == "%" else "things"


_ENTRIES = frozenset({"条", "篇"})  # entries published: information, articles
_ENTITIES = frozenset({"个", "家"})  # things that exist: accounts, websites, projects, bodies


# Facts of fields.md that count published items, in 条, 篇, 件 or 个 alike (政务新媒体's 95个
# are accounts, whose 多少条 would be posts: not among them)
_ENTRY_FACTS = frozenset({"text.proactive.total", "text.proactive.key_areas",
                          "text.interpretations", "text.opinion_responses", "text.proposals",
                          "text.other_channels"})  # fmt: skip


def counts_alike(asked: str, told: str) -> bool:
    """Whether a figure counted in `told` answers a question counting in `asked`: the same
    kind (几场 and 2次, 多少条 and 554件); 个 is said of things and events alike (多少个新闻
    发布会), never of people (多少个人) or money."""
    if {asked, told} & _ENTRIES and {asked, told} & _ENTITIES:
        return False  # 多少个重大建设项目 is no 重大建设项目信息90条, 多少条政务新媒体 no 95个
    kind = _kind(told)
    return kind == _kind(asked) or (asked == "个" and kind in ("things", "times"))


def other_measure(question: str, told: str | None, key: str = "") -> str | None:
    """The unit a question counts in when a prose figure counted in `told` does not answer
    it (多少人 of 新闻发布会12场); None when it does or the question names no unit — or
    asks a rate, which is computed from counts (增长了百分之多少)."""
    asked = unit_asked(question)
    if asked is None or asked == "%" or not told or counts_alike(asked, told):
        return None
    if key in _ENTRY_FACTS and _kind(asked) == _kind(told) == "things":
        return (
            None  # 政策解读多少篇 of 制作政策解读21个: the same items, whatever word counts them
        )
    return asked


def is_free(key: str) -> bool:
    """A prose fact a question may be answered with (not a table key the prose restates)."""
    return key.startswith(("free.", "text."))


def _figure(fact: FigureInfo) -> str:
    number = re.match(r"[\d.]+", fact.raw or "")
    return number.group(0) if number else ""


def figures_in(question: str) -> frozenset[str]:
    """The numbers a question writes itself, years apart (41条短视频: 41)."""
    return frozenset(
        n for n in re.findall(r"\d+(?:\.\d+)?", question) if not re.fullmatch(r"(?:19|20)\d\d", n)
    )


def find_free(
    asked: str, facts: Mapping[str, FigureInfo], unit: str | None = None,
    said: frozenset[str] = frozenset(),
) -> tuple[str | None, list[tuple[str, float]]]:  # fmt: skip
    """(the one fact the words pick, or None; the candidates by score, best first). `unit`:
    the unit asked (多少项): of two figures of one sentence (接入53个部门2261项事项) the one
    counted in it, and a figure in another unit is no rival."""
    words = content_words(same_verbs(asked))
    if len(set(_CJK.findall(words))) < 2:
        return None, []
    scored = sorted(
        (
            (key, max(_score(words, fact.phrase or fact.sentence), _score(words, _clause(fact))))
            for key, fact in facts.items()
        ),
        key=lambda item: -item[1],
    )
    scored = [
        (k, s)
        for k, s in scored
        if s >= FREE_SCORE / 2
        and k.startswith(("free.", "text."))
        and (facts[k].unit == "%") == (unit == "%")  # a rate only for a rate, never a count
    ]
    if unit:  # a figure counted in the kind asked before one in another (公报几期: not 13件)
        scored.sort(key=lambda ks: (not counts_alike(unit, facts[ks[0]].unit or unit), -ks[1]))
    if not scored or scored[0][1] < FREE_SCORE:
        return None, scored[:3]
    if said:  # 41条短视频播放量: the 41 is what the question already knows, not the answer
        scored = [(k, s) for k, s in scored if _figure(facts[k]) not in said]
        if not scored or scored[0][1] < FREE_SCORE:
            return None, scored[:3]
    best_key, best = scored[0]
    if unit and facts[best_key].unit != unit:
        sentence = facts[best_key].sentence
        same = [k for k, f in facts.items() if f.sentence == sentence and f.unit == unit]
        if len(same) == 1 and is_free(same[0]):
            best_key = same[0]  # the figure of the sentence counted in the unit asked
    told = facts[best_key].unit
    if unit and told and not counts_alike(unit, told):
        return None, scored[:3]  # 公报出了几期: 主动公开规章13件 is not a number of issues
    rivals = [
        s
        for k, s in scored
        if k != best_key
        and facts[k].value != facts[best_key].value
        and best - s < FREE_MARGIN
        and not (unit and facts[best_key].unit == unit and facts[k].unit != unit)
    ]
    return (None if rivals else best_key), scored[:3]


# Words that say nothing of what is counted, on either side of a sentence match.
_GENERIC = re.compile(
    r"全年|今年|本年度?|年度|累计|共计|一共|总共|合计|各类|各项|相关|及时|情况|数量|总数|年报|正文|"
    r"报告|里面|其中|信息|发布|公开|[共等的了是有呢吗里中说在对]"
)  # 公开 and 发布 (公布, 推送 …) are said of the same thing: neither tells what was counted
_ANY_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:余|多)?(?:万人次|万次|万人|万|批次|人次|[条件篇次场个起期家项份元%％])"
)
_ONLY_VERB = re.compile("|".join(["公开", *(group[0] for group in _VERB_GROUPS)]))
STATED_SCORE = 0.75  # the sentence's words must cover the question's this well
STATED_COVERAGE = 0.8


def _plain(text: str) -> str:
    """Chinese words only, verbs as their group's word, words that name nothing dropped."""
    return "".join(_CJK.findall(_GENERIC.sub("", same_verbs(text))))


def _span(fact: FigureInfo) -> str:
    """The sentence's words from the figure before this one to the figure after it (对29项…
    政策文件进行解读: the words after the figure are what it counts too)."""
    sentence, raw = fact.sentence, (fact.raw or "").strip()
    at = sentence.find(raw) if raw else -1
    at = sentence.find(_figure(fact)) if at < 0 and _figure(fact) else at
    if at < 0:
        return fact.phrase
    figures = list(_ANY_FIGURE.finditer(sentence))
    start = max((m.end() for m in figures if m.end() <= at), default=0)
    end = min((m.start() for m in figures if m.start() > at), default=len(sentence))
    return sentence[start:end]


def bare(fact: FigureInfo) -> bool:
    """The words just before the figure are only a verb and 信息 (全年公布631条, 发布信息291条):
    what is counted is what the sentence is about."""
    return len(_ONLY_VERB.sub("", _plain(fact.phrase))) < 2


def _names_its_count(asked: str, fact: FigureInfo) -> bool:
    """The question names what the figure counts: the words just before it are only a verb
    (全年公布631条: what is published is the sentence's subject), or the question has half
    of their pairs of characters (受理各类群众诉求 for 受理群众诉求) — or of the words right
    after it (对本市70家政府网站开展检查: 政府网站)."""
    if bare(fact):
        return True
    raw = (fact.raw or "").strip()
    at = fact.sentence.find(raw) if raw else -1
    after = re.split(r"[，,；;。、：:（(]", fact.sentence[at + len(raw) :])[0] if at >= 0 else ""
    pairs = _bigrams(asked)
    for words in (fact.phrase, after):
        grams = _bigrams(_ONLY_VERB.sub("", _plain(words)))
        if grams and len(grams & pairs) * 2 >= min(len(grams), len(pairs)):
            return True
    return False


def stated_words(question_words: str, located: str = "") -> str:
    """What a question asks about beyond counting and publishing words (and `located`)."""
    asked = _plain(content_words(question_words))
    gone = set(located)
    return "".join(c for c in asked if c not in gone) if located else asked


def find_stated(
    question_words: str, facts: Mapping[str, FigureInfo], unit: str | None,
    said: frozenset[str] = frozenset(), *, located: str = "", restated: bool = False,
) -> str | None:  # fmt: skip
    """The one free fact whose sentence says what the question asks in the sentence's own
    words (行政执法公示 of “设立‘行政执法公示’专栏…全年公布631条”), when the words just before
    the figure do not: the question's words must be covered by the words around the figure,
    name what it counts, and count in the same kind; a rival of another value near it, and
    the answer is None. `located`: words (an office) that picked the sentences, left out of
    the match; `restated`: a table cell the prose restates may be the sentence's figure too."""
    asked = stated_words(question_words, located)
    if len(set(asked)) < 2:
        return None
    asked_chars, asked_pairs = set(asked), _bigrams(asked)
    scored: list[tuple[float, str]] = []
    for key, fact in facts.items():
        if not (is_free(key) or (restated and fact.sentence)) or fact.value is None:
            continue  # restated: a table cell the prose states, asked in the prose's words
        if (fact.unit == "%") != (unit == "%"):
            continue
        if unit and fact.unit and not counts_alike(unit, fact.unit):
            continue
        if _figure(fact) in said or not _names_its_count(asked, fact):
            continue
        span = _plain(_span(fact))
        phrase = set(_plain(fact.phrase))
        extra = "".join(c for c in asked if c not in phrase)
        if len(extra) >= 2 and extra not in _plain(fact.sentence):
            continue  # 征地拆迁补偿, 行政执法事后公开: words apart in the sentence, one item of it
        coverage = len(asked_chars & set(span)) / len(asked_chars)
        pairs = len(asked_pairs & _bigrams(span)) / max(len(asked_pairs), 1)
        score = (coverage + pairs) / 2
        if coverage >= STATED_COVERAGE and score >= STATED_SCORE:
            scored.append((score, key))
    scored.sort(reverse=True)
    if not scored:
        return None
    best, key = scored[0]
    value = facts[key].value
    if any(best - s < FREE_MARGIN and facts[k].value != value for s, k in scored[1:]):
        return None
    return key
