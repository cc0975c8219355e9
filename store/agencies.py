"""Agency identity: region plus the name with the region's own prefixes stripped.

洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) in 江苏省淮安市洪泽区 both normalise to
人民政府 within that region, so they are one agency. Every name seen is kept as an alias;
the canonical name is the one printed on the newest report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Table
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


@dataclass
class StoredAgency:
    """The columns of an agency row that ingest reads and updates."""

    id: int
    name: str
    level: str | None


_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]
_ALIASES: Table = AgencyAlias.__table__  # type: ignore[attr-defined]
# Built once: at bulk-load rates, building statements per report costs more than running them.
_FIND_AGENCY = sa.select(_AGENCIES.c.id, _AGENCIES.c.name, _AGENCIES.c.level).where(
    _AGENCIES.c.region_id == sa.bindparam("region_id"),
    _AGENCIES.c.norm_name == sa.bindparam("norm"),
)
_ADD_AGENCY = sa.insert(_AGENCIES).returning(_AGENCIES.c.id)
_ALIASES_OF = sa.select(_ALIASES.c.alias).where(_ALIASES.c.agency_id == sa.bindparam("agency_id"))
_ADD_ALIAS = sa.insert(_ALIASES)
_RENAME = (
    sa.update(_AGENCIES)
    .where(_AGENCIES.c.id == sa.bindparam("agency_id"))
    .values(name=sa.bindparam("new_name"), level=sa.bindparam("new_level"))
)


def agency_in_region(
    *, session: Session, region_id: int, name: str, region: RegionIn, level: str | None
) -> tuple[StoredAgency, bool]:
    """(agency, created) for a name printed in a report of the stored region `region_id`."""
    norm = normalise_name(name, region)
    conn = session.connection()
    row = conn.execute(_FIND_AGENCY, {"region_id": region_id, "norm": norm}).first()
    if row is not None:
        return StoredAgency(row.id, row.name, row.level), False
    values = {"region_id": region_id, "name": name, "norm_name": norm, "level": level}
    agency_id: int = conn.execute(_ADD_AGENCY, values).scalar_one()
    return StoredAgency(agency_id, name, level), True


def known_aliases(*, session: Session, agency_id: int) -> set[str]:
    """Every name the agency was seen under."""
    return set(session.connection().scalars(_ALIASES_OF, {"agency_id": agency_id}))


def add_aliases(*, session: Session, agency_id: int, aliases: list[str]) -> None:
    session.connection().execute(
        _ADD_ALIAS, [{"agency_id": agency_id, "alias": a} for a in aliases]
    )


def rename_agency(*, session: Session, agency: StoredAgency, name: str, level: str | None) -> None:
    """Make `name` the canonical name (the one printed on the newest report)."""
    session.connection().execute(
        _RENAME, {"agency_id": agency.id, "new_name": name, "new_level": level}
    )
    agency.name, agency.level = name, level
