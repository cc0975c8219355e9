"""Words that say what kind of answer is wanted (a ranking, a trend, a report card …).

They are found and stripped before names and fields are matched, so 排名 or 有没有问题 never
disturbs the field match. The final intent also depends on how many places and years were named;
`Asker` decides that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS: dict[str, tuple[str, ...]] = {
    "help": (
        "帮助",
        "怎么用",
        "如何使用",
        "使用说明",
        "你能做什么",
        "能问什么",
        "help",
        "start",
        "如何查询",
        "怎么查询",
        "怎样查询",
        "怎么提问",
        "如何提问",
        "怎么问",
    ),
    "availability": (
        "列出所有单位",
        "列出全部单位",
        "所有年报",
        "全部年报",
        "所有的年报",
        "单位列表",
        "单位名单",
        "列出单位",
        "哪些单位的年报",
        "有哪些年报",
        "有哪些单位",
        "哪些单位",
        "哪些部门",
        "哪些年份",
        "哪几年",
        "有哪些年份",
        "有哪些报告",
        "哪些年报",
        "收录了",
        "收录",
        "有哪些数据",
        "有什么年报",
        "有几年",
        "有数据吗",
        "有哪些",
        "多少份年报",
        "几份年报",
        "多少份报告",
        "数据库里有",
        "库里有",
        "有没有收录",
    ),
    "checks": (
        "勾稽关系",
        "勾稽",
        "钩稽",
        "有没有问题",
        "有问题吗",
        "有没有错",
        "有错吗",
        "对不对",
        "对得上吗",
        "对不上",
        "校验",
        "核对",
        "数据质量",
        "检查结果",
        "检查",
        "矛盾",
    ),
    "overview": (
        "年报概况",
        "年度报告概况",
        "概况",
        "概要",
        "总体情况",
        "基本情况",
        "摘要",
        "总览",
        "简报",
        "报告卡",
        "主要数据",
        "主要指标",
        "年报情况",
        "整体情况",
    ),
    "max_year": (
        "哪一年最多",
        "哪年最多",
        "哪个年度最多",
        "哪一年度最多",
        "最多的是哪一年",
        "最多的一年",
        "最多是哪一年",
        "最多是哪年",
        "哪一年最高",
        "哪年最高",
        "最高的一年",
    ),
    "min_year": (
        "哪一年最少",
        "哪年最少",
        "哪个年度最少",
        "哪一年度最少",
        "最少的是哪一年",
        "最少的一年",
        "最少是哪一年",
        "最少是哪年",
        "哪一年最低",
        "哪年最低",
        "最低的一年",
    ),
    "ascending": ("从少到多", "由少到多", "从低到高", "由低到高", "从小到大", "升序"),
    "descending": ("从多到少", "由多到少", "从高到低", "由高到低", "从大到小", "降序"),
    "growth": (
        "增长了百分之多少",
        "多了百分之多少",
        "增加了百分之多少",
        "少了百分之多少",
        "下降了百分之多少",
        "百分之多少",
        "百分之几",
        "增长率",
        "下降率",
        "增幅",
        "增速",
        "降幅",
        "增长幅度",
    ),
    "difference": (
        "多多少",
        "少多少",
        "差多少",
        "相差多少",
        "相差",
        "差距",
        "高多少",
        "低多少",
        "多几",
        "少几",
        "高了多少",
        "低了多少",
    ),
    "ratio": ("是多少倍", "的多少倍", "多少倍", "几倍", "倍数"),
    "yoy": (
        "同比",
        "比上年",
        "比去年",
        "较上年",
        "较去年",
        "与上年相比",
        "和上年比",
        "比上一年",
        "较上一年",
        "增加了多少",
        "增长了多少",
        "减少了多少",
        "下降了多少",
        "多了多少",
        "少了多少",
        "增减了多少",
        "变化了多少",
        "回落了多少",
        "回落多少",
        "下降多少",
        "减少多少",
        "增加多少",
        "增长多少",
        "多出多少",
        "多出了多少",
        "增加了几",
        "增加几",
        "增长了几",
        "减少了几",
        "减少几",
        "下降了几",
        "多了几",
        "少了几",
    ),
    "average": ("平均每年", "平均每个", "年均", "平均", "均值"),
    "rate": (
        "不予公开率",
        "政府信息公开率",
        "信息公开率",
        "依申请公开率",
        "申请公开率",
        "公开率",
        "复议纠错率",
        "诉讼纠错率",
        "行政诉讼纠错率",
        "行政复议纠错率",
        "纠错率",
        "败诉率",
        "被纠错的比例",
        "纠错的比例",
        "纠错比例",
    ),
    "share": (
        "所占比例",
        "占比",
        "比例",
        "百分比",
        "比重",
        "占多少",
        "占总数",
        "占了多少",
        "比率",
        "占了百分之几",
        "占百分之几",
        "百分之几",
    ),
    "rank": (
        "排名",
        "排行",
        "排序",
        "排列",
        "名次",
        "最多",
        "最少",
        "最高",
        "最低",
        "倒数",
        "哪个单位最",
        "排第几",
        "第几名",
        "排第",
        "排在",
    ),
    # 合计 adds agencies of a region; 一共 / 总共 only add what the question lists (A和B一共)
    "total": ("合计", "加起来", "加在一起", "合起来", "汇总", "全部加", "总和", "之和", "相加"),
    "every_agency": ("各单位", "所有单位", "全部单位", "各部门", "所有部门", "每个单位"),
    "together": ("总共", "一共", "累计", "共计"),
    "series": ("趋势", "变化", "走势", "增长", "下降", "历年", "逐年", "每年", "同比"),
    "compare": (
        "对比",
        "比较",
        "相比",
        "哪个多",
        "谁多",
        "差多少",
        "比一比",
        "vs",
        "pk",
        "哪个高",
        "哪个少",
        "哪个低",
        "谁高",
        "谁少",
        "谁低",
        "哪个更多",
        "哪个更高",
    ),
}
_ASCENDING = ("最少", "最低", "倒数", "从少到多", "由少到多", "从低到高", "由低到高", "从小到大",
              "升序")  # fmt: skip
# Which rate of docs/fields.md a word names; the first that occurs wins.
_RATES = (
    ("不予公开率", "rate.withheld"),
    ("不予公开的比例", "rate.withheld"),
    ("不予公开比例", "rate.withheld"),
    ("公开率", "rate.public"),
    ("公开的比例", "rate.public"),
    ("公开比例", "rate.public"),
    ("诉讼纠错率", "rate.litigation_corrected"),
    ("败诉率", "rate.litigation_corrected"),
    ("纠错率", "rate.review_corrected"),
    ("纠错的比例", "rate.review_corrected"),
    ("纠错比例", "rate.review_corrected"),
)
# Every word that names a rate of docs/fields.md (a word ending in 率 that is none of these
# names no figure the template defines: 予以公开率, 维持率).
RATE_WORDS = frozenset(w for w in (*_WORDS["rate"], *(w for w, _ in _RATES)) if w.endswith("率"))
# 公开比例 / 依申请公开的比例 alone is 公开率 (部分公开比例, 予以公开比例 are shares of a row)
_PUBLIC_SHARE = re.compile(r"(?<![分以予动])公开(?:的)?(?:比例|比率)")
_SHARE_PERCENT = re.compile(r"占[了总数的]{0,3}百分之(?:多少|几)")
# 占 and a whole before 百分之几 / 多少 (占行政复议的百分之几, 占复议总数多少): a share,
# the whole kept for it
_SHARE_OF_PERCENT = re.compile(
    r"占(?:(?!增长|增加|多了|少了|下降|减少)[^，,。；;？?]){1,14}?(百分之(?:多少|几)|多少|几成)"
)
_TOP_N = re.compile(
    r"(?:前|top)\s*(\d{1,3}|[二两三四五六七八九]?十[一二三四五六七八九]?|[两二三四五六七八九])"
    r"(?![\d年一二三四五六七八九十])\s*(?:名|位|个|份|家)?"
)  # 前1年 / 前三年 are years
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def _count(said: str) -> int:
    """前十 / 前二十五 / 前三 / 前12: the number."""
    if said.isdigit():
        return int(said)
    tens, _, ones = said.partition("十")
    if not _:
        return _DIGITS[said]
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


_NOISE = re.compile(
    r"约(?=\s*(?:\d|多少|几))|"  # 约多少条 (大约, 左右 … normalising takes out)
    r"请问|请帮我|帮我|帮忙|查一下|查查|查询|看一下|看看|告诉我|我想知道|想知道|一下|是多少|有多少|多少|"
    r"几件|几个|几多|是什么|怎么样|情况|数据|数字|数量是|呢|吗|啊|呀|吧|的|了|"
    r"政府信息公开工作|信息公开工作|政务公开工作|政府信息公开|信息公开|工作|年度报告|年报|报告|"
    r"介绍一下|介绍下|介绍|说说|讲讲|说一下|怎么样|如何|分别|这几年|的是|是"
)


@dataclass(frozen=True)
class Hints:
    words: frozenset[str]  # intents whose words occur
    top: int | None = None  # 前N
    ascending: bool = False
    rate: str | None = None  # the rate named (rate.public …), see query.computed.RATES

    def has(self, intent: str) -> bool:
        return intent in self.words


# 哪一年最多 / 哪年更多 / 政策解读哪年多 (not 哪一年申请多少: 多 before 少 asks a number)
_WHICH_YEAR = re.compile(
    r"(哪一?(?:年度?|个年度))([^，,。?？多少]{0,24}?)(?:最|更|比较|较)?(多|高|少|低)(?![多少])"
    r"|最(多|高|少|低)的?(?:是|为)?(哪一?(?:年度?|个年度)|年份|一年)"
)
# 哪类申请人最多 / 不予公开的原因里哪一项最多 / 哪种结果最多: a row or column of one report
_WHICH_PART = re.compile(
    r"哪一?(?:类|种|项|个(?:原因|理由|情形|结果|类别|类型))([^，,。?？多少]{0,12}?)(?:最|更)(多|高|少|低)"
    r"|最(多|高|少|低)的?(?:是|为)?哪一?(?:类|种|项)"
)


def _which_year(text: str, found: set[str]) -> str:
    """哪一年申请最多 → max_year, keeping the words between (申请) for the field match;
    哪类申请人最多 → max_part the same way."""

    def take(m: re.Match[str]) -> str:
        word = m.group(3) or m.group(4)
        found.add("max_year" if word in ("多", "高") else "min_year")
        return f" {m.group(2) or ''} "

    def take_part(m: re.Match[str]) -> str:
        word = m.group(2) or m.group(3)
        found.add("max_part" if word in ("多", "高") else "min_part")
        return f" {m.group(1) or ''} "

    return _WHICH_YEAR.sub(take, _WHICH_PART.sub(take_part, text))


_DIRECT = re.compile(r"(?:未经过?|没经过?|没有经过?|不经过?)(?:行政)?复议|直接(?:起诉|诉讼|告)")
_AFTER_REVIEW = re.compile(
    r"复议(?:之后|以后|过后|后|完了?|了还|了又|不服)(?:又|再|还)?(?:去|到)?(?:被)?(?:起诉|诉讼|法院|告)"
)


def _litigation_group(text: str) -> str | None:
    """The group of 行政诉讼 a 纠错率 is asked of (未经复议直接起诉 / 复议后起诉), if one."""
    if _DIRECT.search(text):
        return "rate.direct_corrected"
    if _AFTER_REVIEW.search(text):
        return "rate.after_review_corrected"
    return None


def detect(text: str) -> tuple[Hints, str]:
    """(intent words found, text without them). `text` is normalised."""
    found: set[str] = set()
    text = _which_year(text, found)
    ascending = any(w in text for w in _ASCENDING)
    word, rate = next(((w, name) for w, name in _RATES if w in text), ("", None))
    if word.endswith("比例") and rate == "rate.public" and ("予以" in text) != ("部分" in text):
        rate = None  # 部分公开的比例: a share of one row, not 公开率
    if rate == "rate.review_corrected" and "诉讼" in text and "复议" not in text:
        rate = "rate.litigation_corrected"
    if rate in ("rate.review_corrected", "rate.litigation_corrected"):
        rate = _litigation_group(text) or rate  # 复议后起诉的纠错率: that group's own
    if rate is not None and f"占{word}" in text:
        rate = None  # 行政查询事项占不予公开的比例: a share of 不予公开, not 不予公开率
    if rate == "rate.public" and (said := _PUBLIC_SHARE.search(text)):
        text = text[: said.start()] + " " + text[said.end() :]  # 公开比例: nothing else to match
        found.add("rate")
    top = None
    match = _TOP_N.search(text)
    if match:
        top = max(1, min(_count(match.group(1)), 100))
        found.add("rank")
        text = text[: match.start()] + " " + text[match.end() :]
    if _SHARE_PERCENT.search(text):  # 占百分之多少: a share, not 增长了百分之多少
        found.add("share")
        text = _SHARE_PERCENT.sub(" ", text)
    elif (named := _SHARE_OF_PERCENT.search(text)) is not None:  # 占行政复议的百分之几
        found.add("share")
        text = text[: named.start(1)] + " " + text[named.end(1) :]
    for intent, words in _WORDS.items():
        for word in sorted(words, key=len, reverse=True):
            if word in text:
                found.add(intent)
                text = text.replace(word, " ")
    if found & {"max_year", "min_year", "max_part", "min_part"}:
        found.discard("rank")  # 哪一年最多 is about years, 哪类最多 about rows, not agencies
    return Hints(frozenset(found), top, ascending, rate), re.sub(r"\s+", " ", text).strip()


# Words that say nothing about which figure is meant (where, how, the unit, the table's layout):
# what remains of a question once these, the names, the years and every catalog word are gone
# names something the question asks about that no field covers (满意度, 答复天数, 合格率).
_FILLER = re.compile(
    r"\d+(?:\.\d+)?\s*[元万件个条次篇场期项份家起]*|第\s*[\d一二三四五六七八九十]+\s*项?|"
    r"[一二三四五六七八九十两]个?年度?|[一二三四五六七八九]类|"
    r"有多高|多高|有多大|多大|高不高|[几各]?[种类项](?:情形|情况|原因|理由|结果)|情形|原因|理由|"
    r"老师好|老师|领导|同志|您好|你好|麻烦|请|急|问下|问一下|想问|想了解|了解|谢谢|你好|您好|查下|查|看|给我|我要|我想|我们|"
    r"收到|收了|收取|新收|接到|接收|受理|才能提供|才能|提出了?|提交了?|提了|递交了?|提起|等(?![候待])|本年度|本年|全年|当年|那年|这年|一年|全区|全市|全县|全省|"
    r"年底|年末|年初|截至|截止|"
    r"一共|总共|共计|共有|共|合计|总计|总数|总量|数量|数目|件数|个数|条数|次数|"
    r"有没有|没有|还有|一共有|有|里面|里边|里头|里|其中|当中|之中|中|"
    r"那一栏|那栏|那一格|那格|那一行|那行|那一列|那列|那一项|那项|这一项|这项|一项|这一栏|这栏|"
    r"表格|表里|表中|表上|表[一二三四]|填的|填了|填报|填|一栏|一格|一行|一列|最后|"
    r"案子|案件|事项|多少件|多少个|多少条|多少次|几件|几个|几条|几次|几起|几项|几场|几期|几篇|"
    r"几份|几家|多少|几|起|件|个|条|次|项|场|期|篇|份|家|"
    r"无正当理由|行政机关|申请人情况|政府信息|信息|相关|有关|处理|办理|不再|继续办|结转|召开|举办|开展|组织|公布|发布|公开|作出|做出|"
    r"制作|编制|制定|出台|原|管委会|管理委员会|我区|本区|我市|本市|我县|本县|我委|本委|依法|依规|"
    r"被|来|去|到|在|从|对|把|给|为|因为|由于|关于|按照|根据|通过|属于|涉及|方面|"
    r"人|单位|机关|本机关|部门|这个|那个|该|这|那|每|各|都|也|还|又|再|就|才|只|并|"
    r"和|与|及|或|跟|同|以及|还是|或者|目前|现在|已经|全部|所有|具体|到底|实际|真正|"
    r"谁|哪个|哪一个|哪家|上|下|之|所|得|着|过|啥|什么|怎么|是|的|了|呢|吗|啊|吧|嘛|哦|呀|么|"
    r"统计|记录|显示|填写|写的|写了|数据|数字|情况|结果|报告|年报|年度|整体|总体|"
    r"行政|复议|诉讼"  # 复议维持占复议总数: the whole named again, by its table's words
)
# A single character left over that still names a measure (公开率 is an intent word; 率 alone
# after 答复 is not).
_MEASURE_CHARS = frozenset("率天岁秒")


# Words the filler would eat a character of (网上: 上 is filler) that narrow the figure to
# something the annual tables do not break down: a channel of application or a part of the
# year. The figure for the whole year is not the answer to them.
_NARROWING = re.compile(
    r"网上|网络|在线|线上|线下|当面|现场|信函|邮寄|传真|电子邮件|邮件|电话|窗口|超期|超时|"
    r"每月|每个月|月均|按月|每天|每日|日均|每周|周均|每季度|季度|上半年|下半年|"
    r"\d{1,2}\s*月份?|[一二三四五六七八九十]{1,2}月份?"
)


def unexplained(text: str) -> str:
    """The words of `text` (names, years, intents and catalog words already taken out) that
    no filler explains: "" when none."""
    narrowing = _NARROWING.findall(text)
    words = _FILLER.sub(" ", _NOISE.sub(" ", _NARROWING.sub(" ", text))).split()
    kept = [w for w in words if len(w) >= 2 or w in _MEASURE_CHARS]
    kept += [w.strip() for w in narrowing]
    return " ".join(w for w in kept if re.search(r"[\u4e00-\u9fff]", w))  # GDP: no field


def strip_noise(text: str) -> str:
    """Filler words that carry no meaning for the field match."""
    return _NOISE.sub(" ", text)
