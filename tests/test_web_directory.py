"""Agency search (web.directory) over real SQLite and PostgreSQL stores: by any part of a name, a
former name or the region, literally, within a region, a page at a time."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from store.browse import Browser, RegionPath
from tests.fixtures_web import HONGZE, add
from web.directory import Directory


@pytest.mark.parametrize(
    ("words", "names"),
    [
        ("洪泽", ["洪泽区人民政府", "洪泽区财政局"]),
        ("六安", ["金安区人民政府"]),  # by region name only
        ("淮安 财政", ["洪泽区财政局"]),  # every word must match
        ("100%", ["清江浦区100%_局"]),
        ("%", ["清江浦区100%_局"]),  # no LIKE wildcards
        ("_", ["清江浦区100%_局"]),
        ("火星", []),
    ],
)
def test_search_matches_every_word_literally(
    browse_store: Browser, words: str, names: list[str]
) -> None:
    found = Directory(browse_store).search(words, RegionPath.of(), limit=10)
    assert sorted(a.name for a in found) == sorted(names)


def test_search_finds_a_former_name(engine: Engine, browse_store: Browser) -> None:
    add(engine, "淮安市洪泽区人民政府", 2025, HONGZE, "b4")
    found = Directory(browse_store).search("洪泽区人民政府", RegionPath.of(), limit=10)
    assert [a.name for a in found] == ["淮安市洪泽区人民政府"]


def test_search_within_a_region_a_page_at_a_time(browse_store: Browser) -> None:
    directory = Directory(browse_store)
    jiangsu = RegionPath.of("江苏省")
    assert [a.name for a in directory.search("区", jiangsu, limit=10)] == [
        "洪泽区人民政府", "洪泽区财政局", "清江浦区100%_局"
    ]  # fmt: skip
    assert [a.name for a in directory.search("区", jiangsu, limit=1, offset=1)] == ["洪泽区财政局"]
    own = RegionPath.of("江苏省", "淮安市", None)
    assert [a.name for a in directory.search("政府", own, limit=10)] == ["淮安市人民政府"]
