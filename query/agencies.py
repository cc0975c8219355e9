"""Step 3: find the agencies and regions a question names, fast enough for 100k agencies.

Names are split into a region chain (安徽省 → 六安市 → 金安区) and a department part
(数据资源管理局), so "金安数据局", "六安市金安区数据资源管理局" and "金安区" all
land on the same agency through dictionary look-ups. rapidfuzz only runs when no name
occurs literally, over the few names that share character pairs with the question.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from names import (
    DEPARTMENT_SHORT,
    GOVERNMENT,
    STANDARD_DEPARTMENTS,
    department_forms,
    former_county,
    split_region,
    written_forms,
    zone_forms,
)
from parsers.meta import is_division
from query.normalize import compact
from query.source import AgencyInfo
from query.typos import alike, slip_in, spelled

_LATIN = re.compile(r"[a-z]{2,}(?: [a-z]{2,})*", re.IGNORECASE)  # huai an: one place
_ENGLISH_DIVISIONS = frozenset({"district", "county", "city", "province", "zone", "area"})
_HAN = re.compile(r"[\u4e00-\u9fff]+")

MAX_FUZZY_CANDIDATES = 200
_DIVISION_CHARS = frozenset("省市区县州旗盟")
_DIVISION_ENDS = tuple(_DIVISION_CHARS)  # a short form (淮安) ends with none of them
_COMMON_CHAR = 5000  # characters in more names than this do not pick candidates
# Words a place's short form begins that name a lake, river, road or island, not the place:
# 洪泽湖 is no 洪泽区, 洪泽湖大道 no office of it.
_MIN_SLIP_FORM = 3  # office words shorter than this are never repaired (正府: asked)
_FEATURE_CHARS = frozenset("湖河江溪山岛湾港峡路街桥村")


@dataclass(frozen=True)
class Place:
    """One place named in the question: candidate agencies (best first) and what was said."""

    agencies: tuple[int, ...]
    region: str | None = None  # full region prefix, e.g. 安徽省六安市金安区
    department: str | None = None  # the department words typed, if any
    by_name: bool = False  # a full agency name or alias was typed
    preferred: int | None = None  # the region's own government when no department was named
    text: str = ""
    # The agencies of exactly the place named (its own level, not a district inside a city),
    # best first: only these may answer for it. `agencies` also holds those below it, for a
    # ranking or a total over the region.
    own: tuple[int, ...] = ()


@dataclass
class PlaceScan:
    places: list[Place] = field(default_factory=list)
    rest: str = ""  # the question without the place words
    unknown: str | None = None  # something that looks like a place but is not in the database
    # (typed, known): an office word right after a place written with one slip (人民正府)
    slips: list[tuple[str, str]] = field(default_factory=list)


def region_pieces(info: AgencyInfo) -> list[str]:
    """The region chain of an agency: [安徽省, 六安市, 金安区]."""
    parts = [p for p in (info.province, info.city, info.county) if p]
    if parts and "".join(dict.fromkeys(parts)) == info.region:
        return list(dict.fromkeys(parts))
    return split_region(info.region)


@lru_cache(maxsize=65536)
def _piece_forms(raw: str) -> tuple[str, tuple[str, ...]]:
    """(normalised piece, the ways it is written): 金安区 → (金安区, (金安区, 金安)).

    Cached: 100k agencies share a few thousand region pieces.
    """
    piece = compact(raw)
    former = former_county(piece)
    earlier = (former,) if former and not is_division(former) else ()  # 和平县 is no 和平区
    return piece, (*written_forms(piece), *zone_forms(piece), *earlier)


@lru_cache(maxsize=65536)
def _department_forms(department: str) -> tuple[str, ...]:
    """`department_forms`, cached: 100k agencies share a few hundred department names, and
    working their forms out again was a fifth of building the index."""
    return tuple(department_forms(department))


def _strip_region(name: str, forms: Iterable[str]) -> str:
    """The department part of a name: 六安市金安区数据资源管理局 → 数据资源管理局."""
    ordered = sorted(set(forms), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for form in ordered:
            if name.startswith(form) and len(name) > len(form):
                name = name[len(form) :]
                changed = True
                break
    return name


def _level_before(text: str, start: int) -> str:
    """The level a bare division character before a department names: 市数据局 is a city's
    bureau, 区数据局 a district's ("" when the department follows a place or nothing)."""
    before = text[start - 1 : start] if start > 0 else ""
    if before in ("省", "市", "区", "县") and (start < 2 or text[start - 2] in " 年的"):
        return before
    return ""


class AgencyIndex:
    """Dictionaries from every written form of a name to agencies, built once per data version."""

    def __init__(self, agencies: Sequence[AgencyInfo]) -> None:
        self.info: dict[int, AgencyInfo] = {}
        self.names: dict[str, set[int]] = defaultdict(set)
        self.regions: dict[str, set[str]] = defaultdict(set)  # written form → full prefixes
        self.departments: dict[str, set[int]] = defaultdict(set)
        self.in_region: dict[str, list[int]] = defaultdict(list)  # full prefix → agencies
        self.region_of: dict[int, str] = {}
        self.governments: dict[str, list[int]] = defaultdict(list)  # exact region → governments
        self.max_len = 0
        self._fuzzy: list[str] = []  # names and region forms a misspelling is matched against
        self._fuzzy_known: set[str] = set()
        self._chars: dict[str, list[int]] = defaultdict(list)
        self._slips: dict[str, list[str]] | None = None  # built on first use, see slip_at
        self._spelled: dict[str, set[str]] | None = None  # pinyin → places: from_pinyin
        for standard in STANDARD_DEPARTMENTS:  # 科委 is an office even when none is loaded
            for form in department_forms(standard):
                self.departments[form] |= set()
        self.extend(agencies)

    def extend(self, agencies: Sequence[AgencyInfo]) -> None:
        """Add agencies, or what is new about known ones (a new title): after an ingest the
        index grows by the agencies of the new reports instead of being built again."""
        for agency in agencies:
            self._add(agency)
        for form in [f for f in self.departments if f in self.regions]:
            del self.departments[form]  # a region's own name is the region (平潭综合实验区)
        written = [*self.names, *(f for f in self.regions if len(f) >= 2)]
        for form in written:
            if form not in self._fuzzy_known:
                self._fuzzy_known.add(form)
                self._fuzzy.append(form)
                for char in set(form):
                    self._chars[char].append(len(self._fuzzy) - 1)
                self.max_len = max(self.max_len, len(form))
        self.max_len = max(self.max_len, max(map(len, self.departments), default=0))
        self._slips = None
        self._spelled = None

    def _add(self, agency: AgencyInfo) -> None:
        known = agency.id in self.info
        self.info[agency.id] = agency
        pieces = [_piece_forms(p) for p in region_pieces(agency)]
        prefix = ""
        forms: list[str] = []
        for piece, ways in pieces:
            prefix += piece
            if not known:
                self.in_region[prefix].append(agency.id)
            for form in ways:
                self.regions[form].add(prefix)
                forms.append(form)
        self.region_of[agency.id] = prefix
        is_government = agency.level == "government"
        for position, written in enumerate((agency.name, *agency.aliases)):
            name = compact(written)
            if not name:
                continue
            dept = _strip_region(name, forms)
            if position == 0 or dept != name:
                self.names[name].add(agency.id)  # a bare alias (政务服务管理局) is no full name
            if name in self.regions:
                continue  # the name is the region itself (平潭综合实验区)
            for form in _department_forms(dept):
                if form not in self.regions:
                    self.departments[form].add(agency.id)
            if dept == GOVERNMENT:
                is_government = True
        government = is_government or (pieces and compact(agency.name) == pieces[-1][0])
        if government and agency.id not in self.governments[prefix]:
            self.governments[prefix].append(agency.id)

    # --- scanning -------------------------------------------------------------------------

    def scan(
        self, text: str, *, masked: Sequence[tuple[int, int]] = (), typed: str = ""
    ) -> PlaceScan:
        """Places named in `text` (already compact), in order, and the text without them.

        `masked` spans (catalog words) are never read as names: 政府信息公开 is not a 政府.
        `typed` is the question as typed: 淮安市、洪泽区 there lists two places, which a space
        (六安市 金安区) does not.
        """
        blocked = [False] * len(text)
        for start, end in masked:
            for i in range(start, min(end, len(text))):
                blocked[i] = True
        tokens: list[tuple[int, int, str, str]] = []  # start, end, kind, form
        i = 0
        while i < len(text):
            hit = None if blocked[i] else self._longest(text, i, blocked)
            if hit is None:
                i += 1
                continue
            kind, form = hit
            tokens.append((i, i + len(form), kind, form))
            i += len(form)
        groups: list[list[tuple[int, int, str, str]]] = []
        for token in tokens:
            if groups and groups[-1][-1][1] == token[0]:
                groups[-1].append(token)
            else:
                groups.append([token])
        scan = PlaceScan()
        keep = [True] * len(text)
        previous_start = previous_end = 0
        for group in groups:
            place = self._resolve(group, text)
            if place is None:
                continue
            last = scan.places[-1] if scan.places else None
            gap = text[previous_end : group[0][0]].strip()
            before = text[previous_start:previous_end]
            previous_start, previous_end = group[0][0], group[-1][1]
            listed = bool(typed) and _listed(before, text[group[0][0] : group[-1][1]], typed)
            if last is not None and not gap and not listed and self._nested(last, place):
                scan.places[-1] = place  # 六安市 金安区: one place, said in two words
            else:
                scan.places.append(place)
            for start, end, _, _ in group:
                for j in range(start, end):
                    keep[j] = False
            scan.slips += self._slips_in(group, text, blocked)
        scan.rest = "".join(c if k else " " for c, k in zip(text, keep, strict=True))
        return scan

    def _nested(self, outer: Place, inner: Place) -> bool:
        """True when `inner` lies inside a region-only `outer` (so both name one place)."""
        if outer.region is None or outer.department or outer.by_name:
            return False
        regions = [inner.region] if inner.region else [self.region_of[a] for a in inner.agencies]
        return bool(regions) and all(r.startswith(outer.region) for r in regions if r)

    def _longest(self, text: str, i: int, blocked: list[bool]) -> tuple[str, str] | None:
        end = min(len(text), i + self.max_len)
        if True in blocked[i:end]:
            end = blocked.index(True, i, end)
        for j in range(end, i + 1, -1):
            form = text[i:j]
            if form in self.names:
                return "name", form
            if form in self.regions:
                after = text[j : j + 1]
                if (
                    after in _DIVISION_CHARS
                    and not form.endswith(_DIVISION_ENDS)
                    and not any(r.endswith(after) for r in self.regions[form])
                ):
                    return None  # 淮安区 is not 淮安市 (平潭区 is 平潭综合实验区)
                if after in _FEATURE_CHARS and not form.endswith(_DIVISION_ENDS):
                    return None  # 洪泽湖: a lake that starts like the place, not the place
                return "region", form
            if form in self.departments:
                return "department", form
        return None

    def _resolve(self, group: list[tuple[int, int, str, str]], text: str) -> Place | None:
        said = text[group[0][0] : group[-1][1]]
        names = [form for _, _, kind, form in group if kind == "name"]
        if names:
            named = tuple(sorted(set.intersection(*(self.names[n] for n in names))))
            last_name = max(i for i, t in enumerate(group) if t[2] == "name")
            after = [form for _, _, kind, form in group[last_name:] if kind == "department"]
            if after:  # 淮安市人民政府办公室: the government's office, not the government
                named = tuple(a for a in named if a in self.departments.get(after[-1], ()))
                return Place(named, department=after[-1], by_name=True, text=said, own=named)
            return Place(named, by_name=True, text=said, own=named)
        regions: set[str] | None = None
        for _, _, kind, form in group:
            if kind != "region":
                continue
            found = self.regions[form]
            literal = {r for r in found if r.endswith(form)}
            found = literal or found  # 和平县 itself, not a 和平区 that was once 和平县
            if regions is None:
                regions = set(found)
            else:
                narrower = {r for r in found if any(r.startswith(p) for p in regions)}
                regions = narrower or regions
        depts = [form for _, _, kind, form in group if kind == "department"]
        dept_ids: set[int] | None = (
            set.union(*(self.departments[d] for d in depts)) if depts else None
        )
        department = depts[-1] if depts else None
        level = _level_before(text, group[0][0]) if regions is None else ""
        if dept_ids is not None and level:
            dept_ids = {a for a in dept_ids if self.region_of[a].endswith(level)}  # 市数据局
        if regions is None:
            if dept_ids is None or department in DEPARTMENT_SHORT.get("人民政府", ()):
                return None  # a bare 政府 names no place
            named = tuple(sorted(dept_ids))
            return Place(named, department=department, text=said, own=named)
        # the most specific region prefixes; several only when a name is shared (鼓楼区)
        regions = {r for r in regions if not any(o != r and o.startswith(r) for o in regions)}
        region = min(regions) if len(regions) == 1 else None
        ids = [a for r in sorted(regions) for a in self.in_region.get(r, ())]
        if dept_ids is not None:  # 淮安市政府 is the city's, 六安市数据局 no district's
            ids = [a for a in ids if a in dept_ids and self.region_of[a] in regions]
        preferred = None
        if dept_ids is None:
            governments = [a for r in sorted(regions) for a in self.governments.get(r, ())]
            ids = governments + [a for a in ids if a not in governments]
            preferred = governments[0] if len(governments) == 1 else None
        ids = list(dict.fromkeys(ids))
        return Place(
            tuple(ids),
            region=region,
            department=department,
            preferred=preferred,
            text=said,
            own=tuple(a for a in ids if self.region_of[a] in regions),
        )

    # --- fallbacks ------------------------------------------------------------------------

    def _slips_in(
        self, group: list[tuple[int, int, str, str]], text: str, blocked: list[bool]
    ) -> list[tuple[str, str]]:
        """A slip in the office word after a place (洪泽区人民正府), or in one read short
        (上海市政府办公厉 read 政府办 + 公厉: 政府办公厅 meant)."""
        starts = [(s, e - s) for s, e, kind, _ in group if kind == "department"]
        for start, literal in [*starts, (group[-1][1], 0)]:
            slip = self.slip_at(text, start, blocked)
            if slip is not None and len(slip[0]) > literal:
                return [slip]
        return []

    def slip_at(self, text: str, start: int, blocked: list[bool]) -> tuple[str, str] | None:
        """(typed, known) when an office word of three characters or more (人民政府, 办公厅,
        数据局) is written at `start` with one character that sounds or looks like its own
        (人民正府, 办公听, 数据居): the longest such word. Shorter words are not repaired
        (正府 is one slip in two: asked, not guessed)."""
        if self._slips is None:
            self._slips = defaultdict(list)
            for form in self.departments:
                if len(form) >= _MIN_SLIP_FORM:
                    for k in range(len(form)):
                        self._slips[form[:k] + "\0" + form[k + 1 :]].append(form)
        for size in range(min(self.max_len, len(text) - start), _MIN_SLIP_FORM - 1, -1):
            window = text[start : start + size]
            if True in blocked[start : start + size] or " " in window:
                continue
            for k in range(size):
                for known in self._slips.get(window[:k] + "\0" + window[k + 1 :], ()):
                    if window[k] != known[k] and alike(window[k], known[k]):
                        return window, known
        return None

    def fuzzy(self, text: str, *, limit: int = 3, cutoff: float = 60.0) -> list[tuple[int, float]]:
        """(agency, score) for names and regions close to `text` (a misspelt name).

        Candidates are the strings sharing the most uncommon characters with the text, so
        rapidfuzz scores a few hundred strings rather than every name in the country.
        """
        counts: Counter[int] = Counter()
        for char in set(text):
            posting = self._chars.get(char, ())
            if len(posting) <= _COMMON_CHAR:
                counts.update(posting)
        subset = [self._fuzzy[i] for i, _ in counts.most_common(MAX_FUZZY_CANDIDATES)]
        if not subset:
            return []
        hits = process.extract(
            text, subset, scorer=fuzz.partial_ratio, processor=None, score_cutoff=cutoff, limit=20
        )
        out: dict[int, float] = {}
        for written, score, _ in hits:
            for agency in self._agencies_of(written):
                out[agency] = max(out.get(agency, 0.0), score)
        return sorted(out.items(), key=lambda item: -item[1])[:limit]

    def sound_alike(self, text: str) -> list[tuple[str, str]]:
        """(what was typed, the known name or place) for every known name or place that occurs
        in `text` with one sound-alike slip (平谭 → 平潭, 淮按市 → 淮安市)."""
        counts: Counter[int] = Counter()
        for char in set(text):
            posting = self._chars.get(char, ())
            if len(posting) <= _COMMON_CHAR:
                counts.update(posting)
        found: dict[str, str] = {}
        for i, _ in counts.most_common(MAX_FUZZY_CANDIDATES):
            known = self._fuzzy[i]
            at = slip_in(text, known) if len(known) >= 2 else None
            if at is not None:
                found[text[at : at + len(known)]] = known
        return sorted(found.items(), key=lambda item: -len(item[1]))

    def spellings(self) -> dict[str, set[str]]:
        """Every place's pinyin spelling (pingtan → 平潭), built on first use."""
        if self._spelled is None:
            self._spelled = defaultdict(set)
            for form in self.regions:
                if len(form) >= 2 and _HAN.fullmatch(form):
                    self._spelled[spelled(form)].add(form)
        return self._spelled

    def pinyin_place(self, text: str) -> tuple[str, str] | None:
        """(what was typed, the place) for a place typed in pinyin (pingtan 2023, huai an),
        when exactly one known place is spelled so; the spellings are built on the first
        question with Latin letters (pypinyin and every place's spelling cost nothing before)."""
        runs = _LATIN.findall(text)
        if not runs:
            return None
        spellings = self.spellings()
        for run in runs:
            words = run.lower().split()
            bare = [w for w in words if w not in _ENGLISH_DIVISIONS]  # Hongze District
            for typed in dict.fromkeys(("".join(words), "".join(bare))):
                forms = sorted(
                    spellings.get(typed, ()), key=lambda f: (f in self.names, len(f), f)
                )[::-1]  # the agency's own name first, else the longest form
                # 平潭综合实验区 and 平潭综合试验区 are spelled alike: one place, not two
                if forms and len({p for f in forms for p in self.regions[f]}) == 1:
                    return run, forms[0]
        return None

    def _agencies_of(self, written: str) -> list[int]:
        if written in self.names:
            return sorted(self.names[written])
        out: list[int] = []
        for prefix in sorted(self.regions.get(written, ())):
            out += self.governments.get(prefix) or self.in_region.get(prefix, [])[:3]
        return out

    def nearest(self, text: str, *, limit: int = 3) -> list[int]:
        """Agencies to offer when a named place is not in the database (never an answer)."""
        return [a for a, _ in self.fuzzy(text, limit=limit)]


_LIST_MARK = r"\s*[、，,;；/]\s*"


def _listed(first: str, second: str, typed: str) -> bool:
    """True when the question as typed puts a list mark (、 ， ;) between the two names."""
    if not first or not second:
        return False
    return re.search(re.escape(first) + _LIST_MARK + re.escape(second), typed) is not None
