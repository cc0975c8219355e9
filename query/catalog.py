"""The words people use for each template cell, as data built on `parsers.fields`.

A key is a row plus a column (`apply.new` + `total`), so the catalog lists rows and columns
separately: "企业 不予公开" combines two entries instead of needing a phrase per cell. A new
template version only needs its new rows and columns added here next to their labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from parsers.fields import TemplateVersion, template_fields


@dataclass(frozen=True)
class RowEntry:
    """A template row and the words for it. `columns` names the column family."""

    prefix: str
    name: str  # short label used on buttons and in "您是不是想问"
    family: str  # "applicant", "review", "documents", "items", "fees", "procurement", "single"
    words: tuple[str, ...]
    defaults: tuple[str, ...]  # column preference when none is named (first one in the template)
    alternatives: tuple[str, ...] = ()  # other rows people often mean by the same words


@dataclass(frozen=True)
class ColumnEntry:
    family: str
    column: str
    name: str
    words: tuple[str, ...]


_A = "applicant"
_R = "review"
_D = "documents"
_I = "items"

# fmt: off
ROWS: tuple[RowEntry, ...] = (
    RowEntry(
        "apply.new",
        "新收申请数量",
        _A,
        (
            "本年新收政府信息公开申请数量", "新收申请", "本年新收", "申请数量", "申请量", "申请数",
            "申请件数", "收到申请", "收到多少申请", "收到的申请", "多少申请", "多少件申请",
            "依申请", "依申请公开", "公开申请", "信息公开申请", "申请了多少", "新增的申请",
            "新增申请", "多少人申请", "申请人数", "新收的", "新收", "申请",
        ),
        ("total",),
        ("apply.carried_in", "result.total"),
    ),
    RowEntry(
        "apply.carried_in",
        "上年结转申请数量",
        _A,
        (
            "上年结转政府信息公开申请数量", "上年结转申请数量", "上年结转申请", "上年结转",
            "上年度结转", "结转上年", "上一年结转", "上年结转的申请",
        ),
        ("total",),
    ),
    RowEntry(
        "result.public",
        "予以公开",
        _A,
        ("予以公开", "公开了多少", "同意公开", "全部公开", "准予公开", "给予公开", "予以公开的"),
        ("total",),
    ),
    RowEntry(
        "result.partial", "部分公开", _A, ("部分公开", "区分处理", "部分予以公开"), ("total",)
    ),
    RowEntry(
        "result.withheld",
        "不予公开",
        _A,
        (
            "不予公开", "拒绝公开", "不公开", "没有公开", "没公开", "不同意公开", "没给公开",
            "没有给公开", "不给公开", "未予公开", "拒绝",
        ),
        ("total",),
    ),
    RowEntry(
        "result.withheld.state_secret",
        "不予公开·国家秘密",
        _A,
        ("国家秘密", "涉密", "保密"),
        ("total",),
    ),
    RowEntry(
        "result.withheld.law_prohibited",
        "不予公开·法律法规禁止",
        _A,
        (
            "其他法律行政法规禁止公开", "法律行政法规禁止", "法律法规禁止", "法规禁止", "法律禁止",
        ),
        ("total",),
    ),
    RowEntry(
        "result.withheld.security_stability",
        "不予公开·三安全一稳定",
        _A,
        (
            "危及三安全一稳定", "三安全一稳定", "危及国家安全", "危及安全", "危及稳定",
        ),
        ("total",),
    ),
    RowEntry(
        "result.withheld.third_party",
        "不予公开·第三方权益",
        _A,
        (
            "保护第三方合法权益", "第三方合法权益", "第三方权益", "第三方", "个人隐私", "商业秘密",
        ),
        ("total",),
    ),
    RowEntry(
        "result.withheld.internal_affairs",
        "不予公开·内部事务",
        _A,
        ("属于三类内部事务信息", "内部事务信息", "内部事务", "内部信息"),
        ("total",),
    ),
    RowEntry(
        "result.withheld.process_info",
        "不予公开·过程性信息",
        _A,
        ("属于四类过程性信息", "过程性信息", "过程信息"),
        ("total",),
    ),
    RowEntry(
        "result.withheld.enforcement_file",
        "不予公开·执法案卷",
        _A,
        ("属于行政执法案卷", "行政执法案卷", "执法案卷"),
        ("total",),
    ),
    RowEntry(
        "result.withheld.inquiry",
        "不予公开·行政查询",
        _A,
        ("属于行政查询事项", "行政查询事项", "行政查询", "查询事项", "查询类"),
        ("total",),
    ),
    RowEntry("result.unable", "无法提供", _A, ("无法提供", "不能提供", "提供不了"), ("total",)),
    RowEntry(
        "result.unable.no_info",
        "无法提供·不掌握",
        _A,
        (
            "本机关不掌握相关政府信息", "不掌握相关政府信息", "本机关不掌握", "不掌握",
            "信息不存在", "没有这个信息", "没有该信息",
        ),
        ("total",),
    ),
    RowEntry(
        "result.unable.needs_creation",
        "无法提供·需另行制作",
        _A,
        (
            "没有现成信息需要另行制作", "没有现成信息", "需要另行制作", "另行制作", "另外制作",
        ),
        ("total",),
    ),
    RowEntry(
        "result.unable.unclear",
        "无法提供·内容不明确",
        _A,
        (
            "补正后申请内容仍不明确", "补正后仍不明确", "内容不明确", "申请内容不明确",
            "补正后还是不明确", "补正后还是说不清楚", "说不清楚", "说不清",
        ),
        ("total",),
    ),
    RowEntry("result.rejected", "不予处理", _A, ("不予处理", "不处理", "不受理"), ("total",)),
    RowEntry(
        "result.rejected.petition",
        "不予处理·信访举报投诉",
        _A,
        ("信访举报投诉类申请", "信访举报投诉", "信访", "举报", "投诉"),
        ("total",),
    ),
    RowEntry(
        "result.rejected.duplicate", "不予处理·重复申请", _A, ("重复申请", "重复提交"), ("total",)
    ),
    RowEntry(
        "result.rejected.publication",
        "不予处理·公开出版物",
        _A,
        ("要求提供公开出版物", "要求提供出版物", "公开出版物", "出版物"),
        ("total",),
    ),
    RowEntry(
        "result.rejected.excessive",
        "不予处理·大量反复申请",
        _A,
        ("无正当理由大量反复申请", "大量反复申请", "反复申请", "滥用申请"),
        ("total",),
    ),
    RowEntry(
        "result.rejected.confirmation",
        "不予处理·确认或重新出具",
        _A,
        (
            "要求行政机关确认或重新出具已获取信息", "确认或重新出具已获取信息", "确认或重新出具",
            "重新出具已获取信息", "重新出具", "已获取信息", "已获取的信息",
        ),
        ("total",),
    ),
    RowEntry("result.other", "其他处理", _A, ("其他处理", "其他方式处理"), ("total",)),
    RowEntry(
        "result.other.overdue_correction",
        "其他处理·逾期不补正",
        _A,
        ("逾期不补正", "不补正", "不再处理其政府信息公开申请"),
        ("total",),
    ),
    RowEntry(
        "result.other.overdue_fee",
        "其他处理·逾期未缴费",
        _A,
        (
            "逾期未按收费通知要求缴纳费用", "逾期未缴费", "未缴纳费用", "未按收费通知", "缴纳费用",
            "未缴费", "逾期不交费", "没交费", "没交钱", "不交钱", "不交费", "未交费", "缴费",
            "交费",
        ),
        ("total",),
    ),
    RowEntry(
        "result.other.misc",
        "其他处理·其他",
        _A,
        ("其他处理3其他", "其他处理中的其他", "其他处理-其他", "第3项其他"),
        ("total",),
    ),
    RowEntry(
        "result.total",
        "办理结果总计",
        _A,
        (
            "七总计", "办理结果总计", "处理结果总计", "办理结果", "处理结果", "答复数量",
            "答复了多少", "办结数量", "办结了多少", "处理完了多少", "处理完", "办完了多少",
            "处理了多少", "办理了多少", "办结", "答复",
        ),
        ("total",),
    ),
    RowEntry(
        "apply.carried_forward",
        "结转下年度继续办理",
        _A,
        (
            "结转下年度继续办理", "结转下年度", "结转下年", "结转到下一年", "继续办理", "未办结",
            "没办完", "没处理完", "没有办完",
        ),
        ("total",),
    ),
    RowEntry(
        "review",
        "行政复议",
        _R,
        ("行政复议", "复议", "被复议", "复议案件", "申请复议"),
        ("total",),
        ("litigation",),
    ),
    RowEntry(
        "litigation.direct",
        "未经复议直接起诉",
        _R,
        ("未经复议直接起诉", "未经复议", "直接起诉", "直接诉讼"),
        ("total",),
        ("litigation.after_review", "litigation"),
    ),
    RowEntry(
        "litigation.after_review",
        "复议后起诉",
        _R,
        ("复议后起诉", "复议后被起诉", "复议后诉讼", "复议后再起诉"),
        ("total",),
        ("litigation.direct", "litigation"),
    ),
    RowEntry(
        "litigation",
        "行政诉讼",
        _R,
        ("行政诉讼", "诉讼", "被起诉", "起诉", "被告", "打官司", "官司", "被诉"),
        ("total",),
        ("litigation.direct", "litigation.after_review"),
    ),
    RowEntry(
        "proactive.rules",
        "规章",
        _D,
        ("规章", "政府规章"),
        ("issued", "made"),
        ("proactive.normative",),
    ),
    RowEntry(
        "proactive.normative",
        "规范性文件",
        _D,
        ("行政规范性文件", "规范性文件", "规范文件", "红头文件"),
        ("issued", "made"),
        ("proactive.rules",),
    ),
    RowEntry(
        "proactive.permit",
        "行政许可",
        _I,
        ("行政许可", "许可", "审批", "许可决定"),
        ("decisions",),
    ),
    RowEntry(
        "proactive.other_services",
        "其他对外管理服务事项",
        _I,
        ("其他对外管理服务事项", "对外管理服务事项", "对外管理服务", "管理服务事项"),
        ("decisions",),
    ),
    RowEntry(
        "proactive.penalty",
        "行政处罚",
        _I,
        ("行政处罚", "处罚", "罚款", "处罚决定"),
        ("decisions",),
    ),
    RowEntry(
        "proactive.enforcement",
        "行政强制",
        _I,
        ("行政强制", "强制措施", "强制执行", "强制"),
        ("decisions",),
    ),
    RowEntry(
        "proactive.fees",
        "行政事业性收费",
        "fees",
        (
            "行政事业性收费", "事业性收费", "收费", "收了多少钱", "收多少钱", "收了多少费用",
            "收多少费用", "费用",
        ),
        ("amount", "prev_items"),
    ),
    RowEntry(
        "proactive.procurement",
        "政府集中采购",
        "procurement",
        ("政府集中采购", "集中采购", "政府采购", "采购"),
        ("amount", "items"),
    ),
)
# fmt: on

_APPLICANT = (
    ("natural", "自然人", ("自然人", "个人", "群众", "公民", "老百姓", "市民", "居民", "私人")),
    ("business", "商业企业", ("商业企业", "企业", "公司", "商家")),
    ("research", "科研机构", ("科研机构", "科研", "高校", "大学", "研究机构", "研究所")),
    ("nonprofit", "社会公益组织", ("社会公益组织", "公益组织", "公益", "社会组织", "非营利")),
    ("legal", "法律服务机构", ("法律服务机构", "律师事务所", "律师", "律所", "法律服务")),
    (
        "other",
        "其他申请人",
        ("其他申请人", "其他类申请人", "其他类法人", "其他类组织", "其他组织", "其他法人", "其他"),
    ),  # “其他”类法人组织: the 其他 column
    # 法人或其他组织: the five columns under it, added (a derived figure, query.computed)
    (
        "org",
        "法人或其他组织",
        (
            "法人或其他组织",
            "法人或者其他组织",
            "法人或其它组织",
            "法人和其他组织",
            "法人及其他组织",
            "法人或组织",
            "法人组织",
            "法人",
        ),
    ),
    ("total", "总计", ("总计", "总数", "合计数")),
)
_REVIEW = (
    ("upheld", "结果维持", ("结果维持", "维持")),
    ("corrected", "结果纠正", ("结果纠正", "纠正", "撤销", "败诉", "确认违法")),
    ("other", "其他结果", ("其他结果", "其他")),
    (
        "pending",
        "尚未审结",
        ("尚未审结", "未审结", "没审结", "没结案", "未结案", "在审", "审理中", "还在审理"),
    ),
    ("total", "总计", ("总计", "总数", "合计数")),
)
_DOCUMENTS = (
    ("made", "本年新制作数量", ("本年新制作数量", "新制作", "制作了", "制作数量", "制定")),
    ("published", "本年新公开数量", ("本年新公开数量", "新公开", "公开数量")),
    ("public_total", "对外公开总数量", ("对外公开总数量", "对外公开总数", "公开总数")),
    (
        "issued",
        "本年制发件数",
        ("本年制发件数", "制发", "印发", "发布", "出台", "新发", "发了多少"),
    ),
    ("repealed", "本年废止件数", ("本年废止件数", "废止", "废除", "取消")),
    ("valid", "现行有效件数", ("现行有效件数", "现行有效", "有效", "现行")),
)
_ITEMS = (
    (
        "prev_items",
        "上一年项目数量",
        ("上一年项目数量", "上一年项目", "上年项目", "项目数量", "事项数"),
    ),
    ("delta", "本年增/减", ("本年增减", "增减", "增加", "减少", "变动")),
    (
        "decisions",
        "处理决定数量",
        (
            "本年处理决定数量",
            "处理决定数量",
            "处理决定",
            "决定数量",
            "决定",
            "办理量",
            "办件",
            "多少件",
        ),
    ),
)
_FEES = (
    ("prev_items", "上一年项目数量", ("上一年项目数量", "上一年项目", "项目数量", "收费项目")),
    ("delta", "本年增/减", ("本年增减", "增减", "增加", "减少")),
    ("amount", "本年收费金额", ("本年收费金额", "收费金额", "金额", "多少钱", "收入", "万元")),
)
_PROCUREMENT = (
    ("items", "采购项目数量", ("采购项目数量", "采购项目", "项目数量", "项目数", "几个项目")),
    ("amount", "采购总金额", ("采购总金额", "采购金额", "总金额", "金额", "多少钱", "花了多少")),
)
_SINGLE = (("total", "总计", ("总计", "总数", "合计数")),)

COLUMNS: tuple[ColumnEntry, ...] = tuple(
    ColumnEntry(family, column, name, words)
    for family, table in (
        (_A, _APPLICANT),
        (_R, _REVIEW),
        (_D, _DOCUMENTS),
        (_I, _ITEMS),
        ("fees", _FEES),
        ("procurement", _PROCUREMENT),
        ("single", _SINGLE),
    )
    for column, name, words in table
)

ROW_BY_PREFIX: dict[str, RowEntry] = {row.prefix: row for row in ROWS}


def row_of(key: str) -> RowEntry | None:
    """The catalog row of a full key (the longest matching prefix)."""
    prefix, _, _ = key.rpartition(".")
    return ROW_BY_PREFIX.get(prefix)


def column_name(key: str) -> str:
    row = row_of(key)
    column = key.rpartition(".")[2]
    for entry in COLUMNS:
        if row and entry.family == row.family and entry.column == column:
            return entry.name
    return column


def short_label(key: str) -> str:
    """A button-sized name: 新收申请数量, 予以公开·企业, 行政复议·结果维持."""
    row = row_of(key)
    if row is None:
        return key
    column = key.rpartition(".")[2]
    if column == "total" or column in row.defaults[:1]:
        return row.name
    return f"{row.name}·{column_name(key)}"


@lru_cache(maxsize=8)
def template_keys(template: str) -> frozenset[str]:
    """Keys printed in one template version (both 2021 variants together)."""
    version: TemplateVersion = "2019" if template == "2019" else "2021"
    keys = {f.key for f in template_fields(version)}
    if version == "2021":
        keys |= {f.key for f in template_fields(version, single_other=True)}
    return frozenset(keys)


def resolve_key(key: str, available: frozenset[str]) -> str | None:
    """A full key of a template for a full key, a row (`apply.new`) or a row plus column.

    A column the row lacks falls back to the row's alternatives: 诉讼·尚未审结 is read in the
    first 行政诉讼 row that has that column.
    """
    if key in available:
        return key
    row = ROW_BY_PREFIX.get(key)
    if row is not None:
        return key_for(row, None, available)
    prefix, _, column = key.rpartition(".")
    row = ROW_BY_PREFIX.get(prefix)
    if row is None:
        return None
    for candidate in (row.prefix, *row.alternatives):
        other = ROW_BY_PREFIX.get(candidate)
        found = key_for(other, column, available) if other else None
        if found:
            return found
    return None


def key_for(row: RowEntry, column: str | None, available: frozenset[str]) -> str | None:
    """The full key for a row and an optional column, within the keys a template has."""
    columns = (column,) if column else row.defaults
    for col in columns:
        key = f"{row.prefix}.{col}"
        if key in available:
            return key
    return None
