"""Agency identity: region plus the name with the region's own prefixes stripped.

洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) in 江苏省淮安市洪泽区 both normalise to
人民政府 within that region, so they are one agency. Every name seen is kept as an alias;
the canonical name is the one printed on the newest report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from sqlmodel import Session, col, select

from store.models import Agency, AgencyAlias, Region
from store.schemas import RegionIn

# Longest first, so that 自治区 is tried before 区.
_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
                   "自治县", "地区", "新区", "省", "市", "区", "县", "盟", "旗")  # fmt: skip
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")
_SPACE = re.compile(r"\s+")


def _variants(part: str) -> Iterator[str]:
    """江苏省 → 江苏省, 江苏 (a name may print the region with or without its suffix)."""
    yield part
    for suffix in _ADMIN_SUFFIXES:
        if part.endswith(suffix) and len(part) - len(suffix) >= 2:
            yield part[: -len(suffix)]
            return


def normalise_name(name: str, region: RegionIn) -> str:
    """The identity part of an agency name within its region."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    text = _TRAILING_BRACKET.sub("", text) or text
    for part in (region.province, region.city, region.county):
        if not part:
            continue
        for variant in _variants(part):
            if text.startswith(variant) and len(text) > len(variant):
                text = text[len(variant) :]
                break
    if text.startswith("政府"):
        text = "人民" + text
    return text


def region_name(region: RegionIn) -> str:
    """Full name without repeats (直辖市 have province == city), as parsers.model.Region."""
    parts: list[str] = []
    for part in (region.province, region.city, region.county):
        if part and part not in parts:
            parts.append(part)
    return "".join(parts)


def resolve_region(*, session: Session, region: RegionIn) -> Region:
    """The stored region for `region`, created if new.

    A report that omits the province (or city) still matches a region stored with it, and
    fills in what the stored one lacked, so that one place does not split into two.
    """
    name = region_name(region)
    found = session.exec(select(Region).where(Region.name == name)).first()
    if found is not None:
        return found
    if region.county or region.city:
        query = select(Region)
        query = (
            query.where(Region.county == region.county)
            if region.county
            else query.where(Region.city == region.city, col(Region.county).is_(None))
        )
        matches = [r for r in session.exec(query) if _compatible(r, region)]
        if len(matches) == 1:
            stored = matches[0]
            merged = RegionIn(
                province=stored.province or region.province,
                city=stored.city or region.city,
                county=stored.county or region.county,
            )
            merged_name = region_name(merged)
            taken = session.exec(select(Region).where(Region.name == merged_name)).first()
            if taken is None:
                stored.province, stored.city, stored.county = (
                    merged.province,
                    merged.city,
                    merged.county,
                )
                stored.name = merged_name
                session.add(stored)
                session.flush()
            return stored
    created = Region(name=name, province=region.province, city=region.city, county=region.county)
    session.add(created)
    session.flush()
    return created


def _compatible(stored: Region, region: RegionIn) -> bool:
    pairs = ((stored.province, region.province), (stored.city, region.city))
    return all(a is None or b is None or a == b for a, b in pairs)


def resolve_agency(
    *, session: Session, name: str, region: RegionIn, level: str | None
) -> tuple[Agency, bool]:
    """(agency, created) for a name printed in a report of `region`."""
    stored_region = resolve_region(session=session, region=region)
    norm = normalise_name(name, region)
    agency = session.exec(
        select(Agency).where(Agency.region_id == stored_region.id, Agency.norm_name == norm)
    ).first()
    if agency is not None:
        return agency, False
    agency = Agency(region_id=stored_region.id, name=name, norm_name=norm, level=level)
    session.add(agency)
    session.flush()
    return agency, True


def add_aliases(*, session: Session, agency_id: int, names: Iterable[str]) -> None:
    """Keep every name the agency was seen under (each once)."""
    known = set(session.exec(select(AgencyAlias.alias).where(AgencyAlias.agency_id == agency_id)))
    for alias in dict.fromkeys(n.strip() for n in names):
        if alias and alias not in known:
            session.add(AgencyAlias(agency_id=agency_id, alias=alias))
    session.flush()
