"""Reply wording. Every Chinese sentence the question layer sends is written here."""

from __future__ import annotations

import re
from decimal import Decimal

from parsers.model import AMBIGUOUS, BLANK, DERIVED, FLAG_TEXT, OCR, SUSPECT, UNIT
from parsers.prose import APPROXIMATE, TEXT_FACTS
from query.answer import AnswerItem
from query.catalog import short_label

EXAMPLES = ("金安区 2020 申请数量", "平潭 近三年 行政复议", "淮安市 2024 年报概况", "有哪些年报")

NOT_UNDERSTOOD = "抱歉，没看懂这个问题。可以这样问：{examples}。发送“帮助”查看更多问法。"
NOT_UNDERSTOOD_ERROR = "抱歉，这个问题暂时无法回答，请换一种问法，例如：“金安区 2020 申请数量”。"
EMPTY = "请输入问题，例如：{examples}。"
BAD_TOKEN = "这个按钮已失效，请重新提问，例如：{examples}。"
NO_PLACE = "请说明是哪个单位或地区，例如“{example}”。"
INSIDE_REPORT = "这是{agency}年报正文里写{office}的一句中的数字（{office}没有自己的年报）。"
INSIDE_NOT_STATED = (
    "{agency} {year}年度年报正文写到{office}的句子里没有这个数字；那里写的是：{phrases}。"
)
UNKNOWN_PLACE = "数据库里没有“{place}”的年报。"
HELD_INSTEAD = (
    "没有“{asked}”单独的年报；收录的是“{agency}”的年报（问题里的名称与它不完全相同，"
    "未直接作答）。要看“{agency}”的年报数字吗？"
)
NOT_FOUND = "没有找到“{place}”。"
NEAREST = "相近的有：{names}"
NO_AGENCY_IN_REGION = "“{place}”下没有找到{department}的年报。"
REPORT_OF_ONE = "“上一份、下一份、最早、最近一期”年报按一个单位自己的年报来数，请只问一个单位。"
REPORT_YEAR_IS = {
    "first": "最早的一份是 {year} 年度的。",
    "latest": "最新的一份是 {year} 年度的。",
}
REPORT_RESOLVED = {
    "previous": "{anchor} 年度的上一份年报是 {year} 年度的。",
    "with_previous": "{anchor} 年度的上一份年报是 {year} 年度的。",
    "next": "{anchor} 年度的下一份年报是 {year} 年度的。",
    "from_end": "按该单位自己的年报数（已有：{have}），倒数第 {anchor} 份是 {year} 年度的。",
    "nth": "按该单位自己的年报数（已有：{have}），第 {anchor} 份是 {year} 年度的。",
}
NO_SUCH_REPORT = {
    "previous": "{agency}没有早于 {year} 年度的年报（已有：{have}），没有“上一份”。",
    "next": "{agency}没有晚于 {year} 年度的年报（已有：{have}），没有“下一份”。",
    "last_two": "{agency}只有一份年报（{have} 年度），没有可以比较的上一份。",
    "first_last": "{agency}只有一份年报（{have} 年度），最早和最新是同一份。",
    "with_previous": "{agency}没有早于 {year} 年度的年报（已有：{have}），没有可比的上一份。",
    "first": "{agency}还没有年报。",
    "from_end": "{agency}只有 {count} 份年报（{have} 年度），没有倒数第 {year} 份。",
    "nth": "{agency}只有 {count} 份年报（{have} 年度），没有第 {year} 份。",
    "latest": "{agency}还没有年报。",
    "unanchored": "“上一份”是哪一年年报的上一份？请写上年份，例如“{agency} 2025年的上一份年报”"
    "（{agency}已有：{have} 年度）。",
}
NO_DEPARTMENT = "数据库里没有“{place}”的年报，不能用同一地区其他单位的数字代替。"
NOT_AT_LEVEL = (
    "数据库里没有“{place}”本级的年报，不能用其下属单位的数字代替。“{place}”内已有：{names}"
)
CHOOSE_AGENCY = "“{place}”有多个单位的年报，请选择："
MORE_AGENCIES = "（共 {count} 个，可写出单位全称）"
NO_YEAR = "{agency}没有 {years} 年度的年报（已有：{have}）。"
NO_KEY_IN_REPORT = "{agency} {year}年度年报中没有“{label}”这一项。"
NO_KEY_IN_TEMPLATE = "{year}年度年报用的是 {template} 版模板，没有“{label}”这一项。"
NO_FACT = "{agency} {year}年度年报的正文没有写“{label}”的数字。"
TABLE_DIFFERS = "这是正文的说法；表格“{label}”印的是 {value} {unit}。"
OTHER_MEASURE = (
    "{agency} {year}年度年报的正文没有以“{asked}”计的这个数字；它写的是“{label}”{value} {told}"
    "（另一种数字，不作答）：“{sentence}”"
)
NO_SPLIT = (
    "年报模板的“{row}”不按申请人类型分，没有“{word}”的数字（按申请人分的只有表三的申请和"
    "办理结果）。"
)
NO_APPLICANT_SPLIT = NO_SPLIT + "\n年报里有的相近项目：{near}"
NOT_IN_REPORTS = "年报里没有“{word}”这一项。"
NOT_BY_PERIOD = "年报里没有按“{word}”统计的数字：年度报告只有全年的数字。"
NEAREST_FIELDS = "年报里有的相近项目：{names}"
FREE_CANDIDATES = "年报正文里相近的说法：{names}"
RELATIVE_YEAR = "{words}按今天（{today}年）理解为 {years} 年度；要查别的年份，请直接写年份。"
OTHER_TABLE = "注意：问题写的是“{said}”，“{label}”在年报的表{table}，下面是表{table}的数字。"
LATEST = "未指定年份，按最新的 {year} 年度。"
LATEST_THIN = "未指定年份：{latest} 年度只有 {count} 个单位的年报，按年报更全的 {year} 年度。"
ALTERNATIVES = "您是不是想问：{options}"
DEPARTMENT_REPORT = "注意：这是{agency}（部门）的年报数字，不是{region}人民政府的年报。"
TYPO = "按“{name}”理解（问题里写的是“{typed}”）。"
FACT_SOURCE = "出处：《{title}》（{file}）{section}：“{sentence}”"
PROSE_DISAGREES = "年报正文写 {stated}（“{sentence}”），与表格不一致"
SERIES_MISSING_REPORT = "无年报"
SERIES_MISSING_KEY = "年报中无此项"
SERIES_NONE_STATED = "{agency} {years} 年度的年报都没有写“{label}”的数字{measure}。"
COUNTED_IN = "（以“{unit}”计）"
COMPARE_REGION = (
    "“{place}”是地区，有 {count} 个单位：下面对比各单位同一年度的数字。"
    "看一个单位的历年变化，请写单位名称，例如“{example} 对比”。"
)
SERIES_OTHER_COLUMN = (
    "{template} 版模板此行没有“{column}”，只有“{other}”等（{unit}），不是同一指标，未列入"
)
SERIES_SOURCE_TABLE = "出处：各年度年报 表{table}“{row}”行"
SERIES_SOURCE_FACT = "出处：各年度年报正文"
COMPARE_MISSING_REPORT = "无该年度年报"
RANK_HEADER = "{region} · {year}年度 · {label} 排名（{order}，共 {count} 个单位）"
RANK_ORDER = ("从多到少", "从少到多")
RANK_ALL_HEADER = "{region} · 全部年度 · {label} 排名（{order}，共 {count} 份年报）"
RANK_ALL_YEARS = (
    "未指定年份：按 {years} 各年度的全部年报排名，每份年报一行（同一单位不同年度各占一行）；"
    "要比同一年度，请写上年份。"
)
RANK_YEARS_ROWS = "按 {years} 年度的全部年报排名，每份年报一行（同一单位不同年度各占一行）。"
RATE_RANK_WIDE = (
    "范围内有 {count} 个单位，比率逐个计算太多：请写上地区（例如“淮安市 2024 公开率 排名”）。"
)
RATE_SMALL_BASE = "（基数少于 30 件，仅供参考）"
RATE_RANK_LEFT_OUT = "另有 {count} 个单位缺少计算所需的数字或分母为 0，未参与排名。"
RANK_UNCLEAR_REPORTS = "另有 {count} 份年报此项数值有歧义，未参与排名。"
RANK_MINE = "{agency} 排第 {position} 位。"
RANK_UNCLEAR = "另有 {count} 个单位此项数值有歧义，未参与排名。"
NO_ACROSS = "{region}没有 {year} 年度“{label}”的数据。"
TOTAL_LINE = "{count} 个单位合计：{amount}"
TOTAL_UNCLEAR = "另有 {count} 个单位此项数值有歧义，未计入。"
TOTAL_SOURCE = "出处：各单位同年度年报的同一格相加（不去重，政府与部门可能重复统计）。"
ALL_AGENCIES = "全部单位"
OVERVIEW_TITLE = "{agency} · {year}年度 年报概况"
OVERVIEW_EMPTY = "这份年报没有可用的表格数据。"
OVERVIEW_FACTS = "正文所述："
REPORT_SOURCE = "出处：《{title}》（{file}）"
CHECKS_NONE = "勾稽关系：没有检查记录。"
CHECKS_ALL_OK = "勾稽关系：{count} 项检查全部通过。"
CHECKS_FAILED = "勾稽关系：{count} 项检查，{failed} 项未通过：\n{details}"
CHECKS_TITLE = "{agency} · {year}年度 年报检查{file}"
FAILED_CHECK = "勾稽关系未通过：{message}"
AVAILABILITY_ALL = "共收录 {agencies} 个单位的年报，{reports} 份："
AVAILABILITY_MANY = "共收录 {agencies} 个单位的年报（前 200 个单位 {reports} 份）"
AVAILABILITY_MORE = "……另有 {count} 个单位，请加上地区名称查询。"
AVAILABILITY_AGENCY = "{agency} 已收录 {count} 份年报："
AVAILABILITY_REPORT = "· {year}年度（{template} 版模板）：{file}"
OVERVIEW_CHOICE = "{year}年度概况"

# computed figures (docs/fields.md "Derived figures")
COMPUTED_SOURCE = "计算：{formula}"
PART_LINE = "· {name}：{amount}（{source}）"
SMALL_BASE = "基数只有 {base} 件（少于 30），比率仅供参考。"
ZERO_BASE = "{label}为 0，无法计算比率。"
YOY_TITLE = "{agency} · {label} · {year}年度同比"
YOY_LINE = "{year}年度 {now}，{previous}年度 {before}：{change}"
DIFF_LINE = "{first}比{second}{word} {amount}"
DIFF_SAME = "{first}与{second}一样多"
YOY_UP = "增加 {diff}（{share}）"
YOY_DOWN = "减少 {diff}（{share}）"
YOY_SAME = "持平"
YOY_NO_SHARE = "上年为 0，无法计算增幅"
STATED_CHANGE = "上一年度的年报不在库中，以下是本年报正文直接写明的变化。"
YOY_NO_PREVIOUS = "{agency}没有 {year} 年度的年报，无法计算同比（已有：{have}）。"
SUM_TITLE = "{agency} · {year}年度 · {label}"
SUM_YEARS_TITLE = "{agency} · {label} · {first}—{last}年度合计"
AVERAGE_YEARS_TITLE = "{agency} · {label} · {first}—{last}年度平均"
AVERAGE_LINE = "{count} 个年度平均：{amount}"
EXTREME_TITLE = "{agency} · {label} · 哪一年最{word}"
EXTREME_LINE = "{year}年度最{word}：{amount}"
EXTREME_PART_TITLE = "{agency} · {year}年度 · {label} · 哪一项最{word}"
EXTREME_PART_LINE = "最{word}的是{names}：{amount}"
PARTS = "可比较的分项"
ORDER_TITLE = "{agency} · {label} · 各年度{order}"
RATE_TITLE = "{agency} · {year}年度 · {label}"
SHARE_TITLE = "{agency} · {year}年度 · {part}占{whole}的比例"
REPORTS_COUNTED = (
    "问题说 {said} 份年报，{agency}已有 {count} 份（{have} 年度），不给出合计或平均；"
    "请写明年份，例如“{agency} {example}年 合计”。"
)
NO_OWN_LEVEL = "“{place}本级”指本级政府自己的年报，数据库里没有；已有的是{agency}（部门）的年报。"
SEVERAL = "问了 {count} 项，分别回答："
SEVERAL_LEFT = "问了几项：只回答了“{done}”；“{left}”没有回答（请单独问这一项）。"
SEVERAL_PLACES = "问了几个单位的几项数字，请一次问一项，例如“{parts}”分开问。"
SEVERAL_REPORTS = "问了几份年报的数字，请一次问一份，例如“洪泽区 2024年的上一份年报 新收申请”。"
SEVERAL_NONE = "问了几项（“{parts}”），都没能回答："
SUM_GAPS = "{years} 年度缺数据，不给出合计或平均（不用其他年度的数字代替）。"
AMBIGUOUS_YEARS = "有的年度数值有歧义"
EXTREME_GAPS = "（{years} 年度没有数据，未参与比较）"
EXTREME_UNCLEAR = "（{years} 年度数值有歧义，但每种读法都不会是最{word}的，不影响结论）"
EXTREME_UNDECIDED = "{years} 年度数值有歧义，可能就是最{word}的一年，无法确定哪一年最{word}。"
ORDER_LEFT_OUT = "（{years} 年度无年报、无此项或数值有歧义，未参与排序）"
WHICH_YEAR_EACH = (
    "问题里有几个单位、几个年份，看不出每个单位是哪一年：请在每个单位后面写上它的年份，"
    "例如“洪泽区2023年比淮安市2024年多多少”。"
)
NOT_ADDED_OVER_YEARS = (
    "问题里的单位各是不同年份（或几个年份），不同年度的数字不相加；请分别问，或写同一个年份。"
)
NOT_ADDED_SEVERAL = (
    "问题要算“{names}”，又问了几个单位或几个年份：请一次问一个单位的一个年度，"
    "例如“淮安市2024年新收申请加上年结转”。"
)
NOT_ADDED_UNITS = "这几项计数单位不同，不相加（也不只答其中一项）：{parts}。"
NO_COMMON_YEAR = "这几个单位没有同一年度的年报，无法相加。"
WHICH_PAIR = (
    "没能确定要相减的是哪两项，不给出其中一项的数字。可以这样问：“予以公开比部分公开多多少”。"
)
WHICH_ADDENDS = (
    "没能确定要相加的是哪几项（同一项写了两次），不给出其中一项的数字。"
    "可以这样问：“新收申请加上年结转”。"
)
PART_OF_WHOLE = (
    "要相加的几项里，有一项已经包含另一项（例如“行政诉讼”含“复议后起诉”），相加会重复计算，"
    "不给出数字；请分别问。"
)
WHICH_FIGURE = "请说明要算哪一项，例如“新收申请数量”“主动公开”“行政复议”（不猜是哪一项）。"
RATE_CHANGE_TITLE = "{agency} · {label} · {year}年度比{previous}年度"
WHICH_ROW = "问题可指年报里不同的几项（{names}），请选择要查哪一项："
WHICH_LITIGATION = "行政诉讼分“未经复议直接起诉”和“复议后起诉”两类，请选择（问“一共”则两类相加）："
SHARE_BASE = "可作分母的总数"
UNDEFINED_RATE = (
    "年报没有“{word}”这一比率，不替您猜它的分母。已有的比率：公开率（予以公开＋部分公开）÷"
    "办理结果总计、不予公开率、复议纠错率、诉讼纠错率；或写明分母，例如“{part}占{whole}的比例”。"
)
RANK_OTHER_MEASURE = "年报正文的“{label}”以“{told}”计，没有以“{unit}”计的数字，不能这样排名。"
NOT_COUNTED_IN = "（没有以“{unit}”计的数字）"
CANNOT_COMPUTE = "{agency} {year}年度年报缺少计算所需的“{label}”，无法计算。"

HELP = (
    "我可以回答政府信息公开工作年度报告里的数字，并说明出处。例如：\n"
    "· 金安区 2020 申请数量\n"
    "· 平潭 2023 企业申请了多少\n"
    "· 金安区 2020 主动公开了多少条信息（正文里的数字）\n"
    "· 平潭 近三年 行政复议（历年变化）\n"
    "· 淮安市 2024 申请数量 同比 / 公开率 / 复议纠错率\n"
    "· 淮安市 和 洪泽区 2024 申请数量 对比\n"
    "· 淮安市 申请数量 排名 / 淮安市 申请数量 合计\n"
    "· 淮安市 2024 年报概况 / 洪泽区 2023 有没有问题\n"
    "· 有哪些年报 / 列出所有单位 / 怎么上传年报 / 如何导出数据"
)
HOW_TO_UPLOAD = (
    "上传年报：管理员（ADMIN_IDS 中的用户）把年报文件直接发给机器人，机器人解析、校验后入库并回复"
    "摘要；任何人发送文件并附言 /check，只检查、不入库。\n"
    "支持的格式：PDF（扫描版也可以，自动识别文字）、Word（.docx/.doc）、WPS、RTF、ODT、"
    "网页（HTML）、文本文件，以及年报页面的照片（PNG、JPEG）。\n"
    "命令行：python bot.py ingest 文件或文件夹"
)
HOW_TO_CHART = (
    "画图：发送 /chart 单位 指标，如 /chart 平潭 新收申请数量 得到历年趋势图，"
    "/chart 淮安市 和 洪泽区 2024 新收申请数量 得到单位对比图。"
)
HOW_TO_SUBSCRIBE = (
    "截止提醒：群管理员在群里发送 /subscribe（按钮选择部门年报 1月31日 或政府年报 3月31日，"
    "再选地区），或 /subscribe 部门 淮安市；/deadlines 查看本群的提醒，/unsubscribe 取消。"
)
HOW_TO_EXPORT = (
    "导出数据：在命令行运行 python bot.py export 输出文件 [--format csv|xlsx] "
    "[--region 地区] [--year 年度]，每份年报一行、每个字段一列（金额单位：万元）。"
)

_FLAG_TEXT = {flag: FLAG_TEXT[flag] for flag in (BLANK, DERIVED, UNIT)}  # the others: own words
_FACT_WORDS = {"free": "正文所述"}
OCR_NOTE = "（识别自扫描件，请核对原件）"
# What OCR read in a withheld cell is not shown: a misread must never pass for an answer.
SUSPECT_AMOUNT = "扫描件此格的识别结果与表格算术不符，不给出数值，请核对原件"


def examples() -> str:
    return "、".join(f"“{e}”" for e in EXAMPLES[:3])


def fact_label(key: str) -> str:
    """What a prose fact is called: 政策解读, 主动公开政府信息总数 …"""
    return TEXT_FACTS.get(key, _FACT_WORDS["free"])


def number(value: Decimal) -> str:
    """7545, 96171.6, 0 — no exponent, no trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text


def amount(item: AnswerItem) -> str:
    if item.value is None and SUSPECT in item.flags:
        return SUSPECT_AMOUNT
    if item.value is None:
        options = " / ".join(number(c) for c in item.candidates) or "无法确定"
        return f"数值有歧义（可能是 {options}），不给出确定数值"
    shown = f"{number(item.value)} {item.unit}" if item.unit != "%" else f"{number(item.value)}%"
    if APPROXIMATE in item.flags:
        shown = f"约 {shown}（原文为约数）"
    if item.printed:
        shown += f"（原表：{item.printed}）" if item.source and item.source.table else ""
        shown += f"（原文：{item.printed}）" if item.source and not item.source.table else ""
    if OCR in item.flags:
        shown += OCR_NOTE
    return shown


def flag_notes(item: AnswerItem) -> list[str]:
    flags = [f for f in item.flags if not (f == BLANK and DERIVED in item.flags)]
    notes = [_FLAG_TEXT[f] for f in flags if f in _FLAG_TEXT and not (f == UNIT and item.printed)]
    if AMBIGUOUS in item.flags and item.value is not None:
        notes.append("原表数字有歧义")
    return notes


def provenance(item: AnswerItem) -> str:
    src = item.source
    if src is None:
        return ""
    if src.sentence or not src.table:
        section = src.section.split(" · ")[0] if src.section else "正文"
        return FACT_SOURCE.format(
            title=src.title, file=src.file, section=section, sentence=quote(src.sentence, item)
        )
    return f"出处：《{src.title}》（{src.file}）表{src.table}“{src.row}”行“{src.column}”列"


_SHORT_CLAUSE = 12  # characters: 全年公布631条 says what was done, not what was counted
_LEAD_QUOTED = 80


def quote(sentence: str, item: AnswerItem) -> str:
    """The clause of the sentence that states the figure (the whole sentence if not found);
    a clause too short to say what it counts (全年公布631条) with the sentence before it, so
    that the quote names what was published (设立“行政执法公示”专栏…)."""
    printed = item.printed or (number(item.value) if item.value is not None else "")
    clauses = re.split(r"(?<=[，,；;])", sentence)
    counted = re.compile(rf"(?<![\d.]){re.escape(printed.rstrip('元万条件'))}\D{{0,2}}{item.unit}")
    first = next((i for i, c in enumerate(clauses) if printed and counted.search(c)), 0)
    for at, clause in list(enumerate(clauses))[first:]:  # 7期 and 7条 in one sentence: 条's
        if printed and printed.rstrip("元万条件") in clause.replace(" ", ""):
            if len(clause) < _SHORT_CLAUSE and at:
                lead = "".join(clauses[:at])
                lead = lead if len(lead) <= _LEAD_QUOTED else "…" + lead[-_LEAD_QUOTED:]
                return (lead + clause).rstrip("，,；;")
            return clause.rstrip("，,；;")
    return around(sentence, printed.rstrip("元万条件"), 80)


def around(text: str, figure: str, width: int) -> str:
    """At most `width` characters of the text, cut so that the figure stays inside (a quote
    cut before the number it supports proves nothing)."""
    if len(text) <= width:
        return text
    at = text.find(figure) if figure else -1
    if at < 0:
        return text[:width] + "…"
    start = max(0, min(at + len(figure) // 2 - width // 2, len(text) - width))
    head = "…" if start else ""
    return head + text[start : start + width] + ("…" if start + width < len(text) else "")


def short(item: AnswerItem) -> str:
    """A part's name in a formula: 予以公开, 行政复议·结果纠正, 政策解读."""
    if item.source is not None and not item.source.table:
        return item.label
    return short_label(item.key)


def source_short(item: AnswerItem) -> str:
    """A part's source in one line: the file and the cell or the sentence."""
    src = item.source
    if src is None:
        return ""
    if src.sentence:
        printed = item.printed or (number(item.value) if item.value is not None else "")
        return f"{src.file} 正文“{around(quote(src.sentence, item), printed, 40)}”"
    return f"{src.file} 表{src.table}“{src.row}”行“{src.column}”列"


def value_text(
    item: AnswerItem,
    *,
    notes: list[str],
    failed: list[str],
    alts: list[str],
    warnings: list[str] = (),  # type: ignore[assignment]
) -> str:
    lines = [f"{item.agency} · {item.year}年度 · {item.label}", amount(item)]
    lines += [f"⚠ {w}" for w in warnings]
    lines += notes
    lines.append(provenance(item))
    lines += [f"⚠ {n}" for n in flag_notes(item)]
    lines += [f"⚠ {FAILED_CHECK.format(message=m)}" for m in failed]
    if alts:
        lines.append(ALTERNATIVES.format(options="、".join(alts)))
    return "\n".join(line for line in lines if line)
