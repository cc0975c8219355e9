"""Read-only queries for browsing the store page by page (the public web site).

Rows and plain values only, no display text. Every list is bounded by the caller's `limit`, so
a page over a national store (100,000 agencies) reads a page's worth of rows, not the country.
Like `store.reader`, core statements over indexed columns and short connections, so one
`Browser` is shared by every request thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Select, Table, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from query.source import CheckInfo, FigureInfo
from store.models import (
    Agency,
    AgencyAlias,
    CheckResult,
    Figure,
    ProseFigure,
    RankedCount,
    RankedValue,
    Region,
    Report,
)
from store.reader import (
    _CURRENT,
    _FACT_COLUMNS,
    _FIGURE_COLUMNS,
    StoreReader,
    _fact,
    _figure,
    no_gc_pause,
)

_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]
_REGIONS: Table = Region.__table__  # type: ignore[attr-defined]
_ALIASES: Table = AgencyAlias.__table__  # type: ignore[attr-defined]
_CHECKS: Table = CheckResult.__table__  # type: ignore[attr-defined]
_PROSE: Table = ProseFigure.__table__  # type: ignore[attr-defined]
_V = RankedValue.__table__.c  # type: ignore[attr-defined]
_N = RankedCount.__table__.c  # type: ignore[attr-defined]
_F, _R, _A, _G, _AL, _C, _P = (
    t.c for t in (_FIGURES, _REPORTS, _AGENCIES, _REGIONS, _ALIASES, _CHECKS, _PROSE)
)
_REPORT_FIGURES = _REPORTS.join(_FIGURES, _F.report_id == _R.id)

# A region level the caller fixed: a name, or None for "this level itself" (a province's own
# departments have no city). Absent levels are simply not passed.
Level = str | None


@dataclass(frozen=True)
class RegionPath:
    """Which part of the region tree to look at: each level fixed or left open."""

    province: Level = None
    city: Level = None
    county: Level = None
    fixed: int = 0  # how many levels (province, city, county) are fixed, in order

    @classmethod
    def of(cls, *levels: Level) -> RegionPath:
        """`RegionPath.of("江苏省", "淮安市")`; a None level means "the level itself"."""
        padded = (*levels, None, None, None)[:3]
        return cls(padded[0], padded[1], padded[2], min(len(levels), 3))

    def levels(self) -> tuple[Level, ...]:
        return (self.province, self.city, self.county)[: self.fixed]

    def holds(self, agency: AgencyRow) -> bool:
        """Whether the agency sits in this part of the tree (as `where` selects)."""
        own = (agency.province, agency.city, agency.county)
        return all(own[i] == level for i, level in enumerate(self.levels()))

    def where(self) -> ColumnElement[bool] | None:
        columns = (_G.province, _G.city, _G.county)
        parts = [
            column.is_(None) if value is None else column == value
            for column, value in zip(columns, self.levels(), strict=False)
        ]
        return and_(*parts) if parts else None


@dataclass(frozen=True)
class RegionCount:
    name: str | None  # the next level's name; None: agencies at the fixed level itself
    agencies: int


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    region: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None


@dataclass(frozen=True)
class ReportRow:
    id: int
    agency_id: int
    agency: str
    region: str
    year: int
    template: str
    title: str
    source_name: str
    format: str
    sha256: str
    published_on: date | None
    ingested_at: datetime
    superseded: bool
    cell_count: int


@dataclass(frozen=True)
class CheckSummary:
    """How many checks a report has and how many failed."""

    checks: int
    failed: int


@dataclass(frozen=True)
class RankRow:
    """One agency's cell in a ranking (its name from `agencies_by_id`, for the rows shown)."""

    agency_id: int
    report_id: int
    figure: FigureInfo


@dataclass(frozen=True)
class Ranking:
    total: int  # agencies with this cell in scope (ambiguous ones included, ranked last)
    rows: list[RankRow]


@dataclass(frozen=True)
class SeriesPoint:
    agency_id: int
    year: int
    report_id: int
    figure: FigureInfo


_REPORT_COLUMNS = (
    _R.id,
    _R.agency_id,
    _A.name,
    _G.name,
    _R.year,
    _R.template,
    _R.title,
    _R.source_name,
    _R.format,
    _R.sha256,
    _R.published_on,
    _R.ingested_at,
    _R.superseded,
    _R.cell_count,
)
_AGENCY_COLUMNS = (_A.id, _A.name, _G.name, _G.province, _G.city, _G.county, _A.level)


def _report_row(row: Sequence[object]) -> ReportRow:
    values = list(row)
    values[3] = values[3] or ""
    return ReportRow(*values)  # type: ignore[arg-type]


def _agency_row(row: Sequence[object]) -> AgencyRow:
    values = list(row)
    values[2] = values[2] or ""
    return AgencyRow(*values)  # type: ignore[arg-type]


class Browser:
    """Read-only, bounded queries behind the web pages."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader = StoreReader(engine)

    def version(self) -> str:
        """Changes whenever reports change (as `StoreReader.version`), for caches."""
        return self._reader.version()

    # --- agencies ---------------------------------------------------------------------------

    def region_counts(self, path: RegionPath) -> list[RegionCount]:
        """Agencies per region one level below `path` (all of them under a county)."""
        if path.fixed >= 3:
            return []
        column = (_G.province, _G.city, _G.county)[path.fixed]
        # agencies per region id on the region_id index, then summed by the next level's name
        per_region = (
            select(_A.region_id, func.count().label("n")).group_by(_A.region_id).subquery()
        )
        query = select(column, per_region.c.n).join_from(
            per_region, _REGIONS, per_region.c.region_id == _G.id
        )
        where = path.where()
        if where is not None:
            query = query.where(where)
        counts: Counter[str | None] = Counter()
        with self._engine.connect() as conn:
            for name, n in conn.execute(query):
                counts[name] += n
        return [
            RegionCount(name, n)
            for name, n in sorted(counts.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
        ]

    def agencies(self, path: RegionPath, *, limit: int, offset: int = 0) -> list[AgencyRow]:
        """Agencies in `path` by region then name; ask for one more than a page to know
        whether another page follows. (Searching by name is `directory`'s, in memory.)"""
        query: Select[tuple[object, ...]] = select(*_AGENCY_COLUMNS).join_from(
            _AGENCIES, _REGIONS, _A.region_id == _G.id, isouter=True
        )
        where = path.where()
        if where is not None:
            query = query.where(where)
        query = query.order_by(_G.name, _A.name, _A.id).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [_agency_row(row) for row in conn.execute(query)]

    def directory(self) -> list[tuple[AgencyRow, tuple[str, ...]]]:
        """Every agency with the other titles it was seen under, by region then name (for an
        in-memory search: one pass over two tables)."""
        query = (
            select(*_AGENCY_COLUMNS)
            .join_from(_AGENCIES, _REGIONS, _A.region_id == _G.id, isouter=True)
            .order_by(_G.name, _A.name, _A.id)
        )
        with no_gc_pause(), self._engine.connect() as conn:
            aliases: dict[int, list[str]] = {}
            for agency_id, alias in conn.execute(select(_AL.agency_id, _AL.alias)):
                aliases.setdefault(agency_id, []).append(alias)
            rows = [_agency_row(row) for row in conn.execute(query)]
        return [(row, tuple(a for a in aliases.get(row.id, ()) if a != row.name)) for row in rows]

    def agency(self, agency_id: int) -> AgencyRow | None:
        query = (
            select(*_AGENCY_COLUMNS)
            .join_from(_AGENCIES, _REGIONS, _A.region_id == _G.id, isouter=True)
            .where(_A.id == agency_id)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _agency_row(row)

    def aliases(self, agency_id: int) -> list[str]:
        """Every title the agency was seen under, oldest first."""
        with self._engine.connect() as conn:
            return list(
                conn.scalars(select(_AL.alias).where(_AL.agency_id == agency_id).order_by(_AL.id))
            )

    def agencies_by_id(self, ids: Sequence[int]) -> dict[int, AgencyRow]:
        if not ids:
            return {}
        query = (
            select(*_AGENCY_COLUMNS)
            .join_from(_AGENCIES, _REGIONS, _A.region_id == _G.id, isouter=True)
            .where(_A.id.in_(list(ids)))
        )
        with self._engine.connect() as conn:
            return {row[0]: _agency_row(row) for row in conn.execute(query)}

    # --- reports ----------------------------------------------------------------------------

    def _reports_query(self) -> Select[tuple[object, ...]]:
        return (
            select(*_REPORT_COLUMNS)
            .join_from(_REPORTS, _AGENCIES, _R.agency_id == _A.id)
            .join(_REGIONS, _A.region_id == _G.id, isouter=True)
        )

    def reports_of(self, agency_id: int) -> list[ReportRow]:
        """Every report of the agency, current and superseded, by year then newest first."""
        query = (
            self._reports_query()
            .where(_R.agency_id == agency_id)
            .order_by(_R.year, _R.superseded, _R.id.desc())
        )
        with self._engine.connect() as conn:
            return [_report_row(row) for row in conn.execute(query)]

    def report(self, report_id: int) -> ReportRow | None:
        with self._engine.connect() as conn:
            row = conn.execute(self._reports_query().where(_R.id == report_id)).first()
        return None if row is None else _report_row(row)

    def current_report_id(self, agency_id: int, year: int) -> int | None:
        with self._engine.connect() as conn:
            found: int | None = conn.scalar(
                select(_R.id).where(_R.agency_id == agency_id, _R.year == year, _CURRENT)
            )
        return found

    def cells(self, report_id: int) -> dict[str, FigureInfo]:
        """Every stored cell of one report."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(*_FIGURE_COLUMNS).where(_F.report_id == report_id)).all()
        return {row[0]: _figure(*row) for row in rows}

    def checks(self, report_id: int) -> list[CheckInfo]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_C.rule, _C.ok, _C.message, _C["keys"])
                .where(_C.report_id == report_id)
                .order_by(_C.id)
            ).all()
        return [
            CheckInfo(rule, ok, message, tuple(keys.split(",")) if keys else ())
            for rule, ok, message, keys in rows
        ]

    def prose(self, report_id: int) -> dict[str, FigureInfo]:
        """Figures the report states in its sentences (table keys for W2, `text.*` facts and
        free facts), each with its sentence, section and unit, in the order they were read."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(*_FACT_COLUMNS).where(_P.report_id == report_id).order_by(_P.id)
            ).all()
        return {row[0]: _fact(*row) for row in rows}

    def check_summaries(self, report_ids: Sequence[int]) -> dict[int, CheckSummary]:
        if not report_ids:
            return {}
        failed = func.sum(case((_C.ok.is_(False), 1), else_=0))
        query = (
            select(_C.report_id, func.count(), failed)
            .where(_C.report_id.in_(list(report_ids)))
            .group_by(_C.report_id)
        )
        with self._engine.connect() as conn:
            return {rid: CheckSummary(n, int(bad or 0)) for rid, n, bad in conn.execute(query)}

    def figures_of(
        self, report_ids: Sequence[int], keys: Sequence[str]
    ) -> dict[int, dict[str, FigureInfo]]:
        """{report id: {key: figure}} for a few keys of a few reports (an agency's years)."""
        if not report_ids or not keys:
            return {}
        query = select(_F.report_id, *_FIGURE_COLUMNS).where(
            _F.report_id.in_(list(report_ids)), _F.key.in_(list(keys))
        )
        out: dict[int, dict[str, FigureInfo]] = {rid: {} for rid in report_ids}
        with self._engine.connect() as conn:
            for report_id, *cells in conn.execute(query):
                out[report_id][cells[0]] = _figure(*cells)
        return out

    # --- across agencies --------------------------------------------------------------------

    def years(self) -> list[int]:
        """Years with at least one current report, newest first."""
        with self._engine.connect() as conn:
            return list(conn.scalars(select(_R.year).distinct().order_by(_R.year.desc())))

    def ranking(
        self, key: str, year: int, path: RegionPath, *, limit: int, offset: int = 0
    ) -> Ranking:
        """One cell of one year across the agencies of `path`, largest first (ambiguous cells
        last, ties by agency id), a page at a time, with the count of agencies in scope.

        Only the cells are read, in one pass: names are for the rows a page shows
        (`agencies_by_id`), a third of the time for a province's 3,000 agencies otherwise.
        The country's order is read from `ranked_values` (`store.rankings`)."""
        if path.where() is None:
            return self._national(key, year, limit=limit, offset=offset)
        query = self._cells(key, year, path)
        query = (
            query.order_by(_F.value.is_(None), _F.value.desc(), _R.agency_id)
            .limit(limit)
            .offset(offset)
        )
        with no_gc_pause(), self._engine.connect() as conn:
            rows = [
                RankRow(agency_id, report_id, _figure(*cells))
                for agency_id, report_id, *cells in conn.execute(query)
            ]
        whole = offset == 0 and len(rows) < limit
        return Ranking(len(rows) if whole else self._count(key, year, path), rows)

    def _cells(self, key: str, year: int, path: RegionPath) -> Select[*tuple[Any, ...]]:
        """(agency, report, cell columns) of one key and year in `path`."""
        query = (
            select(_R.agency_id, _R.id, *_FIGURE_COLUMNS)
            .select_from(_REPORT_FIGURES)
            .where(_R.year == year, _CURRENT, _F.key == key)
        )
        where = path.where()
        if where is not None:
            in_region = select(_A.id).where(_A.region_id.in_(select(_G.id).where(where)))
            query = query.where(_R.agency_id.in_(in_region))
        return query

    def _national(self, key: str, year: int, *, limit: int, offset: int) -> Ranking:
        """The valued cells in `ranked_values` order, then the ambiguous ones by agency."""
        cells = self._cells(key, year, RegionPath())
        with no_gc_pause(), self._engine.connect() as conn:
            valued, unclear = conn.execute(
                select(_N.valued, _N.unclear).where(_N.key == key, _N.year == year)
            ).first() or (0, 0)
            ids = list(
                conn.scalars(
                    select(_V.agency_id)
                    .where(_V.key == key, _V.year == year)
                    .order_by(_V.value.desc(), _V.agency_id)
                    .limit(limit)
                    .offset(offset)
                )
            )
            found = {
                agency_id: RankRow(agency_id, report_id, _figure(*rest))
                for agency_id, report_id, *rest in conn.execute(cells.where(_R.agency_id.in_(ids)))
            }
            rows = [found[a] for a in ids if a in found]
            past = max(0, offset - valued)  # ambiguous cells already on earlier pages
            if offset + limit > valued and unclear > past:
                rows += [
                    RankRow(agency_id, report_id, _figure(*rest))
                    for agency_id, report_id, *rest in conn.execute(
                        cells.where(_F.value.is_(None))
                        .order_by(_R.agency_id)
                        .limit(offset + limit - max(offset, valued))
                        .offset(past)
                    )
                ]
        return Ranking(valued + unclear, rows)

    def _count(self, key: str, year: int, path: RegionPath) -> int:
        """Agencies with the cell in scope (for a page past the end, which has no rows)."""
        query = select(func.count()).select_from(self._cells(key, year, path).subquery())
        with self._engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def series(self, agency_ids: Sequence[int], key: str) -> list[SeriesPoint]:
        """One cell across every year of a few agencies' current reports."""
        if not agency_ids:
            return []
        query = (
            select(_R.agency_id, _R.year, _R.id, *_FIGURE_COLUMNS)
            .select_from(_REPORT_FIGURES)
            .where(_R.agency_id.in_(list(agency_ids)), _F.key == key, _CURRENT)
            .order_by(_R.agency_id, _R.year)
        )
        with self._engine.connect() as conn:
            return [
                SeriesPoint(agency_id, year, report_id, _figure(*cells))
                for agency_id, year, report_id, *cells in conn.execute(query)
            ]

    def report_years(self, agency_ids: Sequence[int]) -> dict[int, dict[int, int]]:
        """{agency id: {year: current report id}} for a few agencies."""
        if not agency_ids:
            return {}
        query = select(_R.agency_id, _R.year, _R.id).where(
            _R.agency_id.in_(list(agency_ids)), _CURRENT
        )
        out: dict[int, dict[int, int]] = {a: {} for a in agency_ids}
        with self._engine.connect() as conn:
            for agency_id, year, report_id in conn.execute(query):
                out[agency_id][year] = report_id
        return out
