"""The one vocabulary of place and agency names (names.py), as every layer uses it."""

from __future__ import annotations

import pytest

from names import (
    agency_level,
    department_forms,
    former_county,
    is_region_name,
    looks_like_place,
    short_form,
    split_region,
    zone_forms,
)


@pytest.mark.parametrize(
    ("region", "pieces"),
    [
        ("江苏省淮安市洪泽区", ["江苏省", "淮安市", "洪泽区"]),
        ("浙江省杭州市", ["浙江省", "杭州市"]),  # 州 inside a city's name ends no piece
        ("北京市通州区", ["北京市", "通州区"]),
        ("山东省济南市市中区", ["山东省", "济南市", "市中区"]),
        ("新疆维吾尔自治区乌鲁木齐市", ["新疆维吾尔自治区", "乌鲁木齐市"]),
        ("恩施土家族苗族自治州恩施市", ["恩施土家族苗族自治州", "恩施市"]),
        ("六安市金安区数据资源管理局", ["六安市", "金安区", "数据资源管理局"]),
        ("", []),
    ],
)
def test_a_region_splits_into_its_pieces(region: str, pieces: list[str]) -> None:
    assert split_region(region) == pieces


@pytest.mark.parametrize(
    ("piece", "short"),
    [
        ("金安区", "金安"),
        ("江苏省", "江苏"),
        ("平潭综合实验区", "平潭"),  # zones before the 区 they end with
        ("上海市浦东新区", "上海市浦东"),
        ("新疆维吾尔自治区", "新疆"),
        ("市中区", "市中"),
        ("新区", None),  # nothing would be left
        ("鼓楼", None),
    ],
)
def test_short_form_drops_the_suffix_people_leave_out(piece: str, short: str | None) -> None:
    assert short_form(piece) == short


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("淮安市", True),
        ("洪泽区", True),
        ("江苏省淮安市", True),
        ("平潭综合实验区", True),
        ("馆陶县", True),  # 馆 and 会 are in place names too, not only in agencies'
        ("会理市", True),
        ("淮安市财政局", False),
        ("洪泽区人民政府", False),
        ("上海市人民政府办公厅", False),
        ("开发区管委会", False),
    ],
)
def test_region_or_agency(name: str, region: bool) -> None:
    assert is_region_name(name) is region


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("淮安市人民政府", "government"),
        ("平潭综合实验区", "government"),
        ("某某经济技术开发区管理委员会", "government"),
        ("上海市人民政府办公厅", "department"),
        ("六安市金安区数据资源管理局", "department"),
        ("某市发展和改革委员会", "department"),
        ("某县政务服务办", "department"),
        ("某某", None),
    ],
)
def test_level_from_agency_name(agency: str, level: str | None) -> None:
    assert agency_level(agency) == level


def test_department_short_forms() -> None:
    assert department_forms("发展和改革委员会") == [
        "发展和改革委员会", "发改委", "发展改革委员会", "发展和改革委",
    ]  # fmt: skip
    assert department_forms("数据资源管理局")[:2] == ["数据资源管理局", "数据局"]


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("合肥市", "合肥市"),
        ("合肥财政局多少", "合肥财政局"),
        ("某某街道", "某某街道"),
        ("申请", None),
    ],
)
def test_words_that_look_like_places(word: str, found: str | None) -> None:
    assert looks_like_place(word) == found


@pytest.mark.parametrize(
    ("piece", "forms"),
    [
        ("平潭综合实验区", {"平潭实验区", "平潭试验区", "平潭综合试验区", "平潭综试区", "平潭县"}),
        ("苏州工业园区", set()),
        ("金安区", set()),
    ],
)
def test_a_zone_is_written_loosely(piece: str, forms: set[str]) -> None:
    assert forms <= set(zone_forms(piece))
    assert forms or not zone_forms(piece)


@pytest.mark.parametrize(
    ("piece", "former"),
    [("洪泽区", "洪泽县"), ("金安区", "金安县"), ("新区", None), ("淮安市", None)],
)
def test_a_district_was_most_often_a_county_of_the_same_name(
    piece: str, former: str | None
) -> None:
    assert former_county(piece) == former
