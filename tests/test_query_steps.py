"""Table tests for each pipeline step: normalise, years, field catalog, agency index, intents."""

from __future__ import annotations

from datetime import date

import pytest

from query.agencies import AgencyIndex
from query.fieldmatch import match_field
from query.intents import detect
from query.memory import MemorySource
from query.normalize import MAX_INPUT, normalize
from query.source import AgencyInfo
from query.years import extract_years, relative_reading, years_by_place

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("金安區２０２０年申請數量？", "金安区2020年申请数量"),
        ("二〇二〇年度 平潭", "2020年度 平潭"),
        ("二零二零年复议", "2020年复议"),
        ("近三年 复议", "近3年 复议"),
        ("前十名", "前10名"),
        ("  \t\n ", ""),
        ("😀😀", ""),
        ("Ａｐｐｌｙ", "apply"),
        ("a\x00b\x1fc", "a b c"),
        ("2021-2025", "2021-2025"),
    ],
    ids=[
        "traditional-fullwidth",
        "cn-year-o",
        "cn-year-ling",
        "recent-n",
        "top-n",
        "blank",
        "emoji",
        "fullwidth-latin",
        "controls",
        "range-dash",
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_truncates_long_input() -> None:
    assert len(normalize("申" * 4000)) == MAX_INPUT


@pytest.mark.parametrize(
    ("text", "years", "recent", "rest"),
    [
        ("金安区2020申请数量", (2020,), None, "金安区 申请数量"),
        ("金安区 2020年度 申请数量", (2020,), None, "金安区 申请数量"),
        ("20年 复议", (2020,), None, "复议"),
        ("去年 复议", (2025,), None, "复议"),
        ("前年 复议", (2024,), None, "复议"),
        ("今年 复议", (2026,), None, "复议"),
        ("近3年 复议", (), 3, "复议"),
        ("2019和2021 申请", (2019, 2021), None, "和 申请"),
        ("2021-2023 许可", (2021, 2022, 2023), None, "许可"),
        ("本年新收申请", (), None, "本年新收申请"),
        ("上年结转申请", (), None, "上年结转申请"),
        ("3985758件", (), None, "3985758件"),
        ("1990年 复议", (1990,), None, "复议"),
    ],
    ids=[
        "plain",
        "nian-du",
        "two-digit",
        "last-year",
        "year-before",
        "this-year",
        "recent",
        "two-years",
        "range",
        "label-benian-is-not-a-year",
        "label-shangnian-is-not-a-year",
        "big-number",
        "old-year",
    ],
)
def test_extract_years(text: str, years: tuple[int, ...], recent: int | None, rest: str) -> None:
    spec, left = extract_years(text, today=TODAY)
    assert spec.years == years
    assert spec.recent == recent
    assert left == rest


@pytest.mark.parametrize(
    ("question", "years", "since"),
    [
        ("平潭2019年以来予以公开一共多少件", (), 2019),
        ("从2021年起 行政复议", (), 2021),
        ("洪泽区2023年起诉多少", (2023,), None),  # 起诉 is a lawsuit, not 从…起
        ("平潭2025年的前年行政处罚", (2023,), None),  # relative to the year named
        ("平潭2023年比前一年行政许可多了多少", (2022, 2023), None),  # both compared; not 前1名
    ],
    ids=["since", "from-on", "qisu-is-no-since", "year-before-named", "previous-year"],
)
def test_years_relative_to_a_named_year(
    question: str, years: tuple[int, ...], since: int | None
) -> None:
    spec, _ = extract_years(normalize(question), today=TODAY)
    assert (spec.years, spec.since) == (years, since)
    assert spec.every == (since is not None)


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("申请数量", "apply.new", None),
        ("申请量", "apply.new", None),
        ("收到多少申请", "apply.new", None),
        ("依申请", "apply.new", None),
        ("申清数量", "apply.new", None),
        ("上年结转申请数量", "apply.carried_in", None),
        ("复议", "review", None),
        ("被复议", "review", None),
        ("复议维持", "review", "upheld"),
        ("诉讼", "litigation", None),
        ("被起诉", "litigation", None),
        ("行政诉讼", "litigation", None),
        ("复议后起诉", "litigation.after_review", None),
        ("直接起诉", "litigation.direct", None),
        ("予以公开", "result.public", None),
        ("公开了多少", "result.public", None),
        ("同意公开", "result.public", None),
        ("不予公开", "result.withheld", None),
        ("拒绝公开", "result.withheld", None),
        ("不予公开第三方", "result.withheld.third_party", None),
        ("无法提供", "result.unable", None),
        ("不掌握", "result.unable.no_info", None),
        ("规范性文件", "proactive.normative", None),
        ("规章", "proactive.rules", None),
        ("行政许可", "proactive.permit", None),
        ("行政处罚", "proactive.penalty", None),
        ("行政强制", "proactive.enforcement", None),
        ("收费", "proactive.fees", None),
        ("个人申请", "apply.new", "natural"),
        ("群众申请", "apply.new", "natural"),
        ("公民申请", "apply.new", "natural"),
        ("企业申请", "apply.new", "business"),
        ("公司申请", "apply.new", "business"),
        ("律师申请", "apply.new", "legal"),
        ("律所申请", "apply.new", "legal"),
        ("科研申请", "apply.new", "research"),
        ("高校申请", "apply.new", "research"),
        ("公益组织申请", "apply.new", "nonprofit"),
        ("社会组织申请", "apply.new", "nonprofit"),
        ("规范性文件现行有效", "proactive.normative", "valid"),
        ("行政处罚决定数量", "proactive.penalty", "decisions"),
    ],
    ids=lambda v: str(v),
)
def test_match_field(text: str, row: str, column: str | None) -> None:
    match = match_field(text)
    assert match is not None
    assert (match.row.prefix, match.column) == (row, column)


@pytest.mark.parametrize(
    "text", ["", "今天天气", "你好", "abc"], ids=["empty", "weather", "hi", "latin"]
)
def test_match_field_below_cutoff_is_none(text: str) -> None:
    assert match_field(text) is None


def test_misspelt_field_is_matched_with_a_lower_score() -> None:
    match = match_field("申清数量")
    assert match is not None and not match.exact and 74 <= match.score < 100


@pytest.fixture(scope="module")
def index(gold_memory: MemorySource) -> AgencyIndex:
    return AgencyIndex(gold_memory.agencies())


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("金安区", "六安市金安区数据资源管理局"),
        ("金安", "六安市金安区数据资源管理局"),
        ("六安市金安区", "六安市金安区数据资源管理局"),
        ("六安市 金安区", "六安市金安区数据资源管理局"),
        ("金安区数据局", "六安市金安区数据资源管理局"),
        ("金安数管局", "六安市金安区数据资源管理局"),
        ("六安市金安区数据资源管理局", "六安市金安区数据资源管理局"),
        ("金安区政务服务管理局", "六安市金安区数据资源管理局"),
        ("平潭", "平潭综合实验区"),
        ("平潭综合实验区", "平潭综合实验区"),
        ("淮安市", "淮安市人民政府"),
        ("淮安", "淮安市人民政府"),
        ("淮安市政府", "淮安市人民政府"),
        ("洪泽", "淮安市洪泽区人民政府"),
        ("洪泽区人民政府", "淮安市洪泽区人民政府"),
        ("淮安市洪泽区", "淮安市洪泽区人民政府"),
        ("上海", "上海市人民政府办公厅"),
        ("上海市政府办公厅", "上海市人民政府办公厅"),
        ("上海市办公厅", "上海市人民政府办公厅"),
    ],
    ids=lambda v: str(v),
)
def test_scan_finds_the_agency(index: AgencyIndex, text: str, agency: str) -> None:
    scan = index.scan(text)
    assert len(scan.places) == 1
    place = scan.places[0]
    picked = place.agencies[0] if len(place.agencies) == 1 else place.preferred
    assert picked is not None and index.info[picked].name == agency


def test_scan_does_not_read_a_government_inside_a_field_label(index: AgencyIndex) -> None:
    text = "本年新收政府信息公开申请数量"
    assert index.scan(text, masked=[(0, len(text))]).places == []


def test_scan_keeps_places_joined_by_he_apart(index: AgencyIndex) -> None:
    scan = index.scan("淮安市和洪泽区")
    assert [index.info[p.preferred or p.agencies[0]].name for p in scan.places] == [
        "淮安市人民政府",
        "淮安市洪泽区人民政府",
    ]


def test_fuzzy_finds_a_misspelt_full_name(index: AgencyIndex) -> None:
    (best, score), *_ = index.fuzzy("平潭综合试验区")
    assert index.info[best].name == "平潭综合实验区" and score >= 75


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("淮安市 申请数量 排名", "rank"),
        ("哪个单位最多", "rank"),
        ("前5名", "rank"),
        ("淮安市 合计", "total"),
        ("一共多少", "together"),
        ("年报概况", "overview"),
        ("有没有问题", "checks"),
        ("勾稽关系", "checks"),
        ("有哪些年报", "availability"),
        ("哪些年份", "availability"),
        ("趋势", "series"),
        ("对比", "compare"),
        ("帮助", "help"),
    ],
    ids=lambda v: str(v),
)
def test_intent_words(text: str, intent: str) -> None:
    hints, _ = detect(text)
    assert hints.has(intent)


def test_top_n_is_read() -> None:
    hints, rest = detect("申请数量 前5名")
    assert hints.top == 5 and rest == "申请数量"


def test_a_county_of_its_own_is_not_a_district_that_was_once_so_named() -> None:
    """甲乙区 (once 甲乙县, rule of names.former_county) and a loaded 甲乙县 elsewhere: 甲乙县
    is that county, never the district; 甲乙县 alone finds the district when no county is."""
    district = AgencyInfo(1, "丙市甲乙区人民政府", (), "丁省丙市甲乙区", "丁省", "丙市", "甲乙区",
                          "government")  # fmt: skip
    county = AgencyInfo(2, "戊市甲乙县人民政府", (), "丁省戊市甲乙县", "丁省", "戊市", "甲乙县",
                        "government")  # fmt: skip
    both = AgencyIndex([district, county]).scan("甲乙县").places
    assert [p.preferred for p in both] == [2]
    alone = AgencyIndex([district]).scan("甲乙县").places
    assert [p.preferred for p in alone] == [1]


def test_a_lake_that_starts_like_a_place_is_not_the_place(index: AgencyIndex) -> None:
    assert index.scan("洪泽湖").places == []
    assert index.scan("洪泽湖大道").places == []
    assert len(index.scan("洪泽区").places) == 1


@pytest.mark.parametrize(
    ("text", "slip"),
    [
        ("洪泽区人民正府", ("人民正府", "人民政府")),
        ("上海市政府办公厉", ("政府办公厉", "政府办公厅")),
        ("金安区数据居", ("数据居", "数据局")),
    ],
)
def test_an_office_word_with_one_slip_after_a_place_is_put_right(
    index: AgencyIndex, text: str, slip: tuple[str, str]
) -> None:
    assert index.scan(text).slips == [slip]


@pytest.mark.parametrize(
    "text", ["洪泽区正府", "洪泽区人民正付", "洪泽区行政许可", "淮安市政务新媒体"]
)
def test_no_slip_is_read_below_the_threshold_or_in_other_words(
    index: AgencyIndex, text: str
) -> None:
    assert index.scan(text).slips == []


@pytest.mark.parametrize(
    ("text", "names", "asked", "expected"),
    [
        (
            "洪泽区2023年与淮安市2024年新收申请差多少",
            ["洪泽区", "淮安市"],
            (2023, 2024),
            [(2023,), (2024,)],
        ),
        ("2025年平潭和2019年上海行政复议对比", ["上海", "平潭"], (2019, 2025), [(2019,), (2025,)]),
        ("洪泽区23年和淮安市24年新收申请", ["洪泽区", "淮安市"], (2023, 2024), [(2023,), (2024,)]),
        (
            "平潭2019年、2021年和洪泽区2024年",
            ["平潭", "洪泽区"],
            (2019, 2021, 2024),
            [(2019, 2021), (2024,)],
        ),
        ("洪泽区和淮安市2023年和2024年新收申请", ["洪泽区", "淮安市"], (2023, 2024), None),
        (
            "淮安市洪泽区2023年和淮安市2024年",
            ["淮安市洪泽区", "淮安市"],
            (2023, 2024),
            [(2023,), (2024,)],
        ),
        ("洪泽区2023年和2024年与淮安市比", ["洪泽区", "淮安市"], (2023, 2024), None),
        ("洪泽区2023年和淮安市2023年比", ["洪泽区", "淮安市"], (2023,), None),
    ],
)
def test_each_place_gets_the_year_written_beside_it(
    text: str, names: list[str], asked: tuple[int, ...], expected: list[tuple[int, ...]] | None
) -> None:
    assert years_by_place(text, names, asked) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平潭去年新收申请多少", [("去年", 2025)]),
        ("平潭上一年度行政复议", [("上一年度", 2025)]),
        ("平潭去年和前年行政复议对比", [("去年", 2025), ("前年", 2024)]),
        ("洪泽区2024年的去年收到多少申请", []),  # counted from the year written
        ("平潭上年结转申请多少", []),  # a row of 表三, no year
        ("平潭从上一年转过来的申请", []),
    ],
)
def test_a_year_said_relative_to_today_is_read_and_said(
    text: str, expected: list[tuple[str, int]]
) -> None:
    assert relative_reading(text, date(2026, 6, 1)) == expected


@pytest.mark.parametrize(
    ("text", "top"),
    [("前三份报告", 3), ("前十名", 10), ("前二十五名", 25), ("前12位", 12), ("前三年", None)],
)
def test_a_ranking_takes_the_count_written_in_words_or_digits(text: str, top: int | None) -> None:
    assert detect(text)[0].top == top
