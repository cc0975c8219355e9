"""Agency, region, year, dates and level from titles; figures from the prose."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.meta import published_on, read_meta, region_of
from parsers.model import Region
from parsers.prose import prose_figures
from tests.helpers.documents import document


def _text(name: str) -> str:
    return document(name).read_text(encoding="utf-8")


def test_agency_on_the_line_above_the_title_with_bracketed_alias() -> None:
    meta = read_meta(_text("luan_jinan_data_bureau_2020.txt"))
    assert meta.agency == "六安市金安区数据资源管理局"
    assert meta.aliases == ["政务服务管理局"]
    assert (
        meta.title == "六安市金安区数据资源管理局（政务服务管理局）2020 年政府信息公开工作年度报告"
    )
    assert meta.year == 2020
    assert meta.published_on is None
    assert meta.region == Region("安徽省", "六安市", "金安区")
    assert meta.level == "department"


def test_crawl_header_gives_title_and_publication_time() -> None:
    meta = read_meta(_text("pingtan_2021.txt"))
    assert meta.agency == "平潭综合实验区"
    assert meta.title == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert meta.year == 2021
    assert meta.published_on == date(2022, 2, 8)
    assert meta.region == Region("福建省", "福州市", "平潭综合实验区")
    assert meta.region.name == "福建省福州市平潭综合实验区"
    assert meta.level == "government"


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府", 2023),
        ("2024年淮安市洪泽区人民政府政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024),
        ("上海市人民政府办公厅2019年政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("某市财政局关于2022年度政府信息公开工作年度报告", "某市财政局", 2022),
    ],
    ids=["agency-first", "year-first", "office", "guanyu"],
)
def test_agency_and_year_from_title(title: str, agency: str, year: int) -> None:
    meta = read_meta(f"\n{title}\n\n正文……\n")
    assert (meta.agency, meta.year) == (agency, year)


def test_year_from_the_statistics_period_when_the_title_has_none() -> None:
    text = "某县人民政府政府信息公开工作年度报告\n本报告统计期限为2022年1月1日至2022年12月31日。"
    meta = read_meta(text)
    assert (meta.agency, meta.year) == ("某县人民政府", 2022)


def test_a_statistics_period_broken_over_lines_passes_over_a_link_to_last_years_report() -> None:
    """Printed text breaks lines anywhere; the page's link to last year's report printed above
    the heading is a title of another year."""
    text = (
        "淮安市人民政府2023年政府信息公开工作年度报告\n淮安市人民政府\n"
        "2024年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据《条例》规定编制。报告所列统计期\n"
        "限自2024年1月1日至2024年12月31日。"
    )
    meta = read_meta(text)
    assert (meta.agency, meta.year) == ("淮安市人民政府", 2024)


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("淮安市洪泽区人民政府", Region("江苏省", "淮安市", "洪泽区")),
        ("洪泽区人民政府", Region("江苏省", "淮安市", "洪泽区")),
        ("淮安市人民政府", Region("江苏省", "淮安市")),
        ("上海市人民政府办公厅", Region("上海市", "上海市")),
        ("上海市黄浦区人民政府", Region("上海市", "上海市", "黄浦区")),
        ("福州市鼓楼区人民政府", Region("福建省", "福州市", "鼓楼区")),
        ("鼓楼区人民政府", Region()),  # several cities have a 鼓楼区: not guessed
        ("某某公司", Region()),
    ],
    ids=[
        "county",
        "county-alone",
        "city",
        "direct-city",
        "direct-district",
        "disambiguated",
        "ambiguous",
        "none",
    ],
)
def test_region_from_agency_name(name: str, region: Region) -> None:
    assert region_of(name) == region


def test_publication_date_alone_at_the_end() -> None:
    text = "某县人民政府2022年政府信息公开工作年度报告\n……\n某县人民政府\n2023年1月20日\n"
    assert published_on(text) == date(2023, 1, 20)
    assert published_on("发布时间：2023-02-30\n") is None  # not a date


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "pingtan_2021.txt",
            {"apply.new.total": 70, "result.total.total": 69,
             "apply.carried_forward.total": 1},
        ),
        (
            "pingtan_2023.txt",
            {"proactive.normative.issued": 77,
             "proactive.normative.valid": 393, "apply.new.total": 81, "apply.new.natural": 80,
             "apply.new.business": 1, "result.total.total": 81, "result.withheld.total": 5,
             "result.unable.total": 31, "result.rejected.total": 1, "result.other.total": 2,
             "review.total": 2, "litigation.total": 7},
        ),
        (
            "pingtan_2025.txt",
            {"apply.new.total": 154, "result.total.total": 148,
             "apply.carried_forward.total": 6, "review.total": 36, "litigation.total": 9},
        ),
        ("pingtan_2019.txt", {}),
        ("luan_jinan_data_bureau_2020.txt", {"apply.new.total": 0}),
    ],
    ids=["2021", "2023", "2025", "2019", "jinan"],
)  # fmt: skip
def test_prose_figures_of_the_real_reports(name: str, expected: dict[str, int]) -> None:
    cells = {k: v for k, v in prose_figures(_text(name)).items() if not k.startswith("text.")}
    assert cells == expected


def test_approximate_prose_figures_are_skipped() -> None:
    assert prose_figures("累计主动公开政府信息7700余条。") == {}


def test_proactive_total_needs_the_word_information() -> None:
    text = "通过门户网站主动公开规章13件、行政规范性文件60件。答复政府信息公开申请805件。"
    assert prose_figures(text) == {"result.total.total": 805}


@pytest.mark.parametrize(
    ("text", "agency", "aliases", "year"),
    [
        ("2024 年上海市科委政府信息公开工作年度报告\n正文", "上海市科委", [], 2024),
        ("洪泽区人民政 府\n2023\n年政府信息公开工作年度报告\n本报告", "洪泽区人民政府", [], 2023),
        ("上海市科学技术委员会（上海市科委）\n2024年政府信息公开工作\n年度报告\n",
         "上海市科学技术委员会", ["上海市科委"], 2024),
        ("２０２２ 年度 淮安市财政局 政府信息公开工作年度报告", "淮安市财政局", [], 2022),
    ],
    ids=["space-before-year", "broken-over-lines", "bracketed-alias", "full-width-spaced"],
)  # fmt: skip
def test_title_despite_spaces_line_breaks_and_brackets(
    text: str, agency: str, aliases: list[str], year: int
) -> None:
    from parsers.values import normalize_width

    meta = read_meta(normalize_width(text))
    assert (meta.agency, meta.aliases, meta.year) == (agency, aliases, year)


@pytest.mark.parametrize(
    "text",
    [
        "首页 | 政务公开 | 政府信息公开年报\n本年度报告根据《中华人民共和国政府信息公开条例》"
        "编制。",
        "关于做好2023年政府信息公开工作年度报告\n",
        "平潭综合实验区管委会办公室，2023年政府信息公开工作年度报告\n",
    ],
    ids=["body-sentence", "no-agency-word", "sentence-punctuation"],
)
def test_a_name_that_reads_as_no_agency_is_not_taken(text: str) -> None:
    assert read_meta(text).agency is None


def test_ocr_lookalike_in_a_place_name_is_repaired_and_the_printed_name_kept() -> None:
    meta = read_meta("沐阳县人民政府2023年政府信息公开工作年度报告\n")
    assert meta.agency == "沭阳县人民政府"
    assert meta.aliases == ["沐阳县人民政府"]
    assert meta.region == Region("江苏省", "宿迁市", "沭阳县")
    # A name the division tables know as printed is left alone (临沭县 is a real county).
    assert read_meta("临沭县人民政府2023年政府信息公开工作年度报告").agency == "临沭县人民政府"


def test_a_heading_without_the_agency_takes_it_from_the_opening_sentence() -> None:
    text = (
        "2024 年政府信息公开工作年度报告\n"
        "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》要求编制。\n"
    )
    meta = read_meta(text)
    assert (meta.agency, meta.year) == ("淮安市人民政府", 2024)
