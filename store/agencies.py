"""Agency identity: region plus the name with the region's own prefixes stripped.

洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) in 江苏省淮安市洪泽区 both normalise to
人民政府 within that region, so they are one agency. Every name seen is kept as an alias;
the canonical name is the one printed on the newest report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import Table
from sqlmodel import Session, col, select

from names import written_forms
from store.models import Agency, AgencyAlias, Region
from store.schemas import RegionIn

_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")
_SPACE = re.compile(r"\s+")
T = TypeVar("T")


def normalise_name(name: str, region: RegionIn) -> str:
    """The identity part of an agency name within its region."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    text = _TRAILING_BRACKET.sub("", text) or text
    for part in (region.province, region.city, region.county):
        if not part:
            continue
        for variant in written_forms(part):  # 江苏省 or 江苏
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
_A, _AL = _AGENCIES.c, _ALIASES.c
# Built once: at bulk-load rates, building statements per report costs more than running them.
_ADD_AGENCIES = sa.insert(_AGENCIES).returning(_A.id, sort_by_parameter_order=True)
_RENAME = (
    sa.update(_AGENCIES)
    .where(_A.id == sa.bindparam("agency_id"))
    .values(name=sa.bindparam("new_name"), level=sa.bindparam("new_level"))
)
# Rows per IN list: far below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500

Identity = tuple[int, str]  # (region id, normalised name)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_agencies(
    *, session: Session, identities: Sequence[Identity]
) -> dict[Identity, StoredAgency]:
    """The stored agencies among `identities`: one index range per region (a row-value IN
    list made SQLite scan the whole index)."""
    by_region: dict[int, list[str]] = {}
    for region_id, norm in identities:
        by_region.setdefault(region_id, []).append(norm)
    conn = session.connection()
    found: dict[Identity, StoredAgency] = {}
    for region_id, names in by_region.items():
        for part in chunks(names):
            query = sa.select(_A.norm_name, _A.id, _A.name, _A.level).where(
                _A.region_id == region_id, _A.norm_name.in_(part)
            )
            for norm, agency_id, name, level in conn.execute(query):
                found[(region_id, norm)] = StoredAgency(agency_id, name, level)
    return found


def create_agencies(
    *, session: Session, new: Sequence[tuple[Identity, str, str | None]]
) -> dict[Identity, StoredAgency]:
    """Insert (identity, name, level) rows in one statement; the ids come back in order."""
    if not new:
        return {}
    rows = [{"region_id": rid, "norm_name": norm, "name": name, "level": level}
            for (rid, norm), name, level in new]  # fmt: skip
    ids = session.connection().execute(_ADD_AGENCIES, rows).scalars().all()
    return {
        identity: StoredAgency(agency_id, name, level)
        for (identity, name, level), agency_id in zip(new, ids, strict=True)
    }


def aliases_of(*, session: Session, agency_ids: Sequence[int]) -> dict[int, set[str]]:
    """Every name each agency was seen under."""
    conn = session.connection()
    found: dict[int, set[str]] = {agency_id: set() for agency_id in agency_ids}
    for part in chunks(agency_ids):
        query = sa.select(_AL.agency_id, _AL.alias).where(_AL.agency_id.in_(part))
        for agency_id, alias in conn.execute(query):
            found[agency_id].add(alias)
    return found


def rename_agency(*, session: Session, agency: StoredAgency, name: str, level: str | None) -> None:
    """Make `name` the canonical name (the one printed on the newest report)."""
    session.connection().execute(
        _RENAME, {"agency_id": agency.id, "new_name": name, "new_level": level}
    )
    agency.name, agency.level = name, level
