"""The one vocabulary of Chinese place and agency names: suffixes, short forms, place aliases.

Parsers read an agency's region and level from its title, the store folds 洪泽区人民政府 and
淮安市洪泽区人民政府 into one agency, the question layer hears 金安 for 金安区 and 数据局 for
数据资源管理局, and /subscribe tells a region from a list of agencies: all of them with the
words below, so that one place cannot be written two ways in two modules. Pure: no imports
beyond the standard library, so parsers/ and query/ may use it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Administrative divisions, longest first, so that 自治区 is tried before 区.
DIVISION_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "地区", "省", "市", "州", "盟", "区", "县", "旗",
)  # fmt: skip
# Zones that administer territory like a county does (平潭综合实验区, 浦东新区).
SPECIAL_AREA_SUFFIXES = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "开发区", "新区",
                         "实验区")  # fmt: skip
# Below the county: a word ending so looks like a place, though no report is a town's.
TOWN_SUFFIXES = ("街道", "乡", "镇")
GOVERNMENT = "人民政府"
# Endings of a government's own name besides a bare place (淮安市, 平潭综合实验区).
GOVERNMENT_ENDINGS = (GOVERNMENT, "管理委员会", "管委会")
# Endings of a department's name: 财政局, 发展和改革委员会, 人民政府办公厅, 档案馆.
DEPARTMENT_ENDINGS = ("局", "委员会", "委", "办公室", "办公厅", "办", "厅", "中心", "署", "院",
                      "所", "队", "站", "部", "处", "会", "馆", "社", "行", "公司")  # fmt: skip
# Words that end the name of an office a question may name (财政局, 淮安市政府).
OFFICE_WORDS = ("局", "委", "厅", "政府")

# A name ending in none of these is not an agency's (a body sentence, a heading, a scramble).
AGENCY_ENDINGS = (
    GOVERNMENT_ENDINGS + DEPARTMENT_ENDINGS + DIVISION_SUFFIXES + SPECIAL_AREA_SUFFIXES
)
MAX_AGENCY_CHARS = 60  # 六安市金安区数据资源管理局 has 13; longer is a sentence or a scramble
_NOT_IN_NAMES = re.compile(r"[。，,；;：:！!？?《》“”\"、…]|\d{3,}")

# Characters OCR (and hurried typing) confuses in place names: each maps to its look-alikes.
# A name is only repaired when the division tables know the repaired place and not the printed.
LOOKALIKES: dict[str, str] = {
    "沐": "沭", "沭": "沐", "毫": "亳", "亳": "毫", "巿": "市", "洒": "泗", "泗": "洒",
    "睢": "濉雎", "濉": "睢", "雎": "睢", "汝": "汶", "汶": "汝", "浙": "淅", "淅": "浙",
    "沪": "泸", "泸": "沪", "汩": "汨", "汨": "汩", "衮": "兖", "兖": "衮", "郓": "鄆",
    "丕": "邳", "邳": "丕", "己": "已", "已": "己", "未": "末", "末": "未", "土": "士",
    "士": "土", "曰": "日", "日": "曰", "戍": "戌", "戌": "戍", "洲": "州", "州": "洲",
    # in the office words themselves (人民攻府, 办公厉)
    "厅": "厉斤", "厉": "厅", "斤": "厅", "政": "攻玫", "攻": "政", "玫": "政", "委": "季秀",
    "季": "委", "秀": "委", "局": "屆", "屆": "局", "办": "为", "为": "办", "署": "暑", "暑": "署",
}  # fmt: skip

# One-character names of provinces as people write them before a government (沪府办, 沪市政府).
PROVINCE_SHORT = {
    "沪": "上海", "苏": "江苏", "闽": "福建", "皖": "安徽", "浙": "浙江", "粤": "广东",
    "京": "北京", "津": "天津", "渝": "重庆", "鲁": "山东", "豫": "河南", "鄂": "湖北",
    "湘": "湖南", "赣": "江西", "冀": "河北", "晋": "山西", "辽": "辽宁", "黑": "黑龙江",
}  # fmt: skip

# Well-known nicknames of places, each naming one place only (榕城 is 福州 and a district of
# 揭阳, so it is not here): 岚岛 for 平潭, read as the place and said so.
PLACE_NICKNAMES = {
    "岚岛": "平潭", "鹭岛": "厦门", "羊城": "广州", "鹏城": "深圳", "泉城": "济南",
    "冰城": "哈尔滨", "蓉城": "成都", "星城": "长沙",
}  # fmt: skip

# Places a report names that the division tables list under their statutory name.
PLACE_ALIASES = {"平潭综合实验区": "平潭县"}  # the experimental zone administers 平潭县, 福州市

# Short forms staff use for department names; a department may carry several.
DEPARTMENT_SHORT: dict[str, tuple[str, ...]] = {
    "人民政府": ("政府",),
    "人民政府办公厅": ("政府办公厅", "办公厅", "政府办"),
    "人民政府办公室": ("政府办公室", "政府办", "办公室"),
    "数据资源管理局": ("数据局", "数管局", "数据资源局", "大数据局"),
    "政务服务管理局": ("政务服务局", "政务局", "政管局"),
    "政务服务和数据管理局": ("政数局", "数据局", "政务服务局"),
    "住房和城乡建设局": ("住建局",),
    "住房和城乡建设厅": ("住建厅",),
    "发展和改革委员会": ("发改委",),
    "发展改革委员会": ("发改委",),
    "人力资源和社会保障局": ("人社局",),
    "自然资源和规划局": ("自然资源局", "自规局"),
    "自然资源局": ("国土局",),
    "市场监督管理局": ("市场监管局", "市监局"),
    "生态环境局": ("环保局", "环境局"),
    "卫生健康委员会": ("卫健委",),
    "交通运输局": ("交通局",),
    "农业农村局": ("农业局", "农委"),
    "教育体育局": ("教体局", "教育局"),
    "应急管理局": ("应急局",),
    "退役军人事务局": ("退役军人局",),
    "医疗保障局": ("医保局",),
    "城市管理局": ("城管局",),
    "行政审批局": ("审批局",),
}


# The standard names of local government departments (the county, city and provincial offices
# that publish annual reports). The short forms of each are made by `department_forms`'s rules,
# so 科委, 人社局, 市监局 are known words even for an office no report of which is loaded.
STANDARD_DEPARTMENTS = (
    "人民政府办公室", "人民政府办公厅", "发展和改革委员会", "发展和改革局", "教育局",
    "教育委员会", "教育体育局", "科学技术局", "科学技术委员会", "工业和信息化局",
    "经济和信息化局", "民族宗教事务局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源和规划局", "自然资源局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "水务局", "农业农村局", "商务局",
    "文化和旅游局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局",
    "审计局", "国有资产监督管理委员会", "市场监督管理局", "广播电视局", "体育局", "统计局",
    "医疗保障局", "林业局", "城市管理局", "城市管理综合执法局", "行政审批局",
    "政务服务管理局", "数据资源管理局", "大数据管理局", "信访局", "人民防空办公室",
    "机关事务管理局", "地方金融监督管理局", "粮食和物资储备局", "乡村振兴局", "档案局",
    "外事办公室", "民族事务委员会", "公共资源交易中心", "住房公积金管理中心",
)  # fmt: skip
_SUFFIX_SHORT = (("委员会", "委"), ("办公室", "办"), ("办公厅", "办"), ("局", "局"), ("厅", "厅"),
                 ("中心", "中心"))  # fmt: skip
_DROPPED = ("资源管理", "监督管理", "管理", "事务", "综合执法")


def _initials(department: str) -> list[str]:
    """Abbreviations by the rules people use: the first character of each two-character word
    (卫生健康委员会 → 卫健委, 科学技术局 → 科技局, 市场监督管理局 → 市监局), of each part
    joined by 和 (发展和改革委员会 → 发改委, 人力资源和社会保障局 → 人社局), or of its last
    word (住房和城乡建设局 → 住建局); a four-character committee's first (科学技术委员会 → 科委);
    a name without 管理 / 事务 (应急管理局 → 应急局, 退役军人事务局 → 退役军人局)."""
    found = next(
        (
            (department[: -len(suffix)], short)
            for suffix, short in _SUFFIX_SHORT
            if department.endswith(suffix) and len(department) > len(suffix) + 1
        ),
        None,
    )
    if found is None:
        return []
    head, short = found
    out: list[str] = []
    parts = re.split("[和与及]", head)
    words = [[p[i : i + 2] for i in range(0, len(p), 2)] for p in parts]
    if len(parts) > 1:
        out.append("".join(w[0][0] for w in words if w) + short)
        out.append("".join(w[-1][0] if len(w) > 1 else w[0][0] for w in words if w) + short)
    else:
        chunks = words[0]
        if len(chunks) >= 2:
            out.append("".join(c[0] for c in chunks) + short)
            out.append(chunks[0][0] + chunks[1][0] + short)
        if short == "委" and len(head) == 4:
            out.append(head[0] + short)
    for word in _DROPPED:
        if word in head and head != word:
            out.append(head.replace(word, "") + short)
    return [f for f in out if len(f) >= 2 and f != department]


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# One piece of a region chain ends at a division suffix; 州 only when no 市/区/县 follows, so
# 杭州市 is one piece and not 杭州 + 市. The last piece may be anything (a department).
_PIECE = re.compile(
    rf".+?(?:{_alternation(tuple(s for s in DIVISION_SUFFIXES if s != '州'))}|州(?![市区县]))|.+$"
)
_PLACE_LIKE = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:"
    + _alternation(("省", "市", "区", "县", *OFFICE_WORDS, *TOWN_SUFFIXES))
    + ")"
)


def split_region(name: str) -> list[str]:
    """江苏省淮安市洪泽区 → [江苏省, 淮安市, 洪泽区]; a trailing department is a piece too."""
    return _PIECE.findall(name) if name else []


@lru_cache(maxsize=65536)
def short_form(piece: str) -> str | None:
    """金安区 → 金安, 江苏省 → 江苏, 平潭综合实验区 → 平潭: the piece as people say it without
    its suffix (zones first, then divisions longest first), or None when every suffix it ends
    with would leave fewer than two characters (新区)."""
    for suffix in SPECIAL_AREA_SUFFIXES + DIVISION_SUFFIXES:
        if piece.endswith(suffix) and len(piece) - len(suffix) >= 2:
            return piece[: -len(suffix)]
    return None


def written_forms(piece: str) -> tuple[str, ...]:
    """The ways a region piece is written: 金安区 → (金安区, 金安)."""
    short = short_form(piece)
    return (piece, short) if short else (piece,)


# How people shorten or loosely write a zone's kind (试验区 for 实验区 sounds the same).
ZONE_LOOSE: dict[str, tuple[str, ...]] = {
    "综合实验区": ("实验区", "试验区", "综合试验区", "综试区", "综合区"),
    "实验区": ("试验区",),
    "经济技术开发区": ("经开区", "经济开发区", "开发区"),
    "高新技术产业开发区": ("高新区", "高新技术开发区", "开发区"),
}


def zone_forms(piece: str) -> tuple[str, ...]:
    """More ways people write a zone: 平潭综合实验区 → 平潭实验区, 平潭试验区, 平潭综试区 …,
    and the county it administers (平潭县, PLACE_ALIASES)."""
    forms: list[str] = []
    short = short_form(piece)
    kind = next((k for k in ZONE_LOOSE if piece.endswith(k)), None)
    if short and kind is not None and piece == short + kind:
        forms += [short + loose for loose in ZONE_LOOSE[kind]]
    if piece in PLACE_ALIASES:
        forms.append(PLACE_ALIASES[piece])
    return tuple(forms)


def former_county(piece: str) -> str | None:
    """The name a district most often had before it became one: most 区 were 县 of the same
    name (洪泽区 was 洪泽县 until 2016), and people still write it so. None for a piece that is
    no district or whose short form is one character."""
    short = short_form(piece)
    if short is None or not piece.endswith("区") or piece != short + "区":
        return None
    return short + "县"


def is_region_name(name: str) -> bool:
    """淮安市, 洪泽区, 江苏省淮安市 or 馆陶县 are regions; 淮安市财政局 or 洪泽区人民政府 are
    agencies: every piece of a region's name ends with a division or zone suffix."""
    endings = DIVISION_SUFFIXES + SPECIAL_AREA_SUFFIXES
    pieces = split_region(name)
    return bool(pieces) and all(piece.endswith(endings) for piece in pieces)


def agency_level(agency: str) -> str | None:
    """ "government" for 人民政府, a bare place or a zone; "department" for 局/委/办/厅…;
    else None (a name that says neither)."""
    places = GOVERNMENT_ENDINGS + DIVISION_SUFFIXES + SPECIAL_AREA_SUFFIXES
    if agency.endswith(places) and not agency.endswith(("办", "局")):
        return "government"
    if agency.endswith(DEPARTMENT_ENDINGS):
        return "department"
    return None


def is_agency_name(name: str) -> bool:
    """True for a name that reads as an agency's: an agency or government word at its end, no
    sentence punctuation, not too long (本年度报告根据《中华人民共和国 is a body sentence)."""
    return (
        2 <= len(name) <= MAX_AGENCY_CHARS
        and name.endswith(AGENCY_ENDINGS)
        and not name.startswith(("我", "本", "该", "全", "各", "其"))  # 我市, 本局: not a name
        and _NOT_IN_NAMES.search(name) is None
    )


def department_forms(department: str) -> list[str]:
    """A department's name and its short forms: 发展和改革委员会 → 发展和改革委员会, 发改委,
    发展改革委员会, 发展和改革委."""
    forms = [department, *DEPARTMENT_SHORT.get(department, ())]
    if "和" in department:
        forms.append(department.replace("和", ""))
    if department.endswith("委员会"):
        forms.append(department[: -len("委员会")] + "委")
    if department.startswith(GOVERNMENT) and department != GOVERNMENT:
        forms.append("府" + department[len(GOVERNMENT) :][:1])  # 人民政府办公室 → 府办
    forms += _initials(department)
    return [f for f in dict.fromkeys(forms) if len(f) >= 2]


def looks_like_place(word: str) -> str | None:
    """The first stretch of `word` that reads like a place or an office (合肥市, 财政局)."""
    found = _PLACE_LIKE.search(word)
    return found.group(0) if found else None
