"""`query.source.ReportSource` over the database: only current (not superseded) reports.

Core statements over the indexed columns (no ORM objects) keep a point look-up well under a
millisecond on SQLite; every method opens a short connection, so a reader can be shared, except
inside `question`, where the reads of the asking thread share the one it holds.
"""

from __future__ import annotations

import gc
import json
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Table,
    any_,
    bindparam,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import NullType

from query.source import (
    FACT_PREFIXES,
    AgencyInfo,
    CheckInfo,
    FigureInfo,
    Ranking,
    ReportInfo,
    SourceUnavailable,
)
from store.db import DATABASE_DOWN
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

_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]
_REGIONS: Table = Region.__table__  # type: ignore[attr-defined]
_ALIASES: Table = AgencyAlias.__table__  # type: ignore[attr-defined]
_CHECKS: Table = CheckResult.__table__  # type: ignore[attr-defined]
_PROSE: Table = ProseFigure.__table__  # type: ignore[attr-defined]
_RANKED: Table = RankedValue.__table__  # type: ignore[attr-defined]
_COUNTS: Table = RankedCount.__table__  # type: ignore[attr-defined]
_V, _N = _RANKED.c, _COUNTS.c
_F, _R, _A, _G, _AL, _C, _P = (
    t.c for t in (_FIGURES, _REPORTS, _AGENCIES, _REGIONS, _ALIASES, _CHECKS, _PROSE)
)
# The driver's own value (int/float on SQLite, Decimal on PostgreSQL): SQLAlchemy's Numeric
# processing on SQLite formats every float through a string, a third of a ranking's time.
DRIVER_VALUE = type_coerce(_F.value, NullType()).label("value")
_FIGURE_COLUMNS = (_F.key, DRIVER_VALUE, _F.unit, _F.raw, _F.flags, _F.candidates)
_REGIONS_KEPT = 64  # regions whose agencies are kept per data version


def DRIVER_VALUE_OF(column: Any) -> Any:
    """A value column as the driver returns it (see DRIVER_VALUE)."""
    return type_coerce(column, NullType())


_FACT_COLUMNS = (
    _P.key,
    type_coerce(_P.value, NullType()).label("value"),
    _P.unit,
    _P.flags,
    _P.sentence,
    _P.section,
    _P.phrase,
)


def plain(value: Decimal) -> Decimal:
    """64.0000 → 64 and 25.1000 → 25.1, so answers print what the report printed."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def plain_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else plain(value)


def stored_value(value: object) -> Decimal | None:
    """A `DRIVER_VALUE` as the Decimal the report printed."""
    if value is None:
        return None
    if type(value) is int:
        return Decimal(value)
    return plain(Decimal(repr(value) if isinstance(value, float) else str(value)))


def _figure(
    key: str, value: object, unit: str | None, raw: str, flags: str, candidates: str
) -> FigureInfo:
    """A FigureInfo from the `_FIGURE_COLUMNS` of one row (positional: rankings build 5,000)."""
    return FigureInfo(
        key,
        stored_value(value),
        unit,
        raw,
        tuple(flags.split(",")) if flags else (),
        tuple(plain(Decimal(c)) for c in candidates.split(",")) if candidates else (),
    )


def _fact(
    key: str, value: object, unit: str | None, flags: str, sentence: str, section: str, phrase: str
) -> FigureInfo:
    """A FigureInfo from the `_FACT_COLUMNS` of one prose figure."""
    number = stored_value(value)
    return FigureInfo(
        key,
        number,
        unit,
        "" if number is None else f"{number:f}{unit or ''}",
        tuple(flags.split(",")) if flags else (),
        sentence=sentence,
        section=section,
        phrase=phrase,
    )


def _check(rule: str, ok: bool, message: str, keys: str) -> CheckInfo:
    """A CheckInfo from (rule, ok, message, keys) of one stored check."""
    return CheckInfo(rule, ok, message, tuple(keys.split(",")) if keys else ())


_CURRENT = _R.superseded.is_(False)
# Figures are reached through their report, on the (report_id, key) unique index.
_REPORT_FIGURES = _REPORTS.join(_FIGURES, _F.report_id == _R.id)
_REPORT_FACTS = _REPORTS.join(_PROSE, _P.report_id == _R.id)


# The point look-ups, built once with bound parameters: building a statement per call cost
# more than running it (a ranking's answer makes two look-ups per row shown).
_AGENCY_YEAR = (_R.agency_id == bindparam("agency"), _R.year == bindparam("year"), _CURRENT)
_KEYS: BindParameter[str] = bindparam("keys", expanding=True)
_YEARS = select(_R.year).where(_R.agency_id == bindparam("agency"), _CURRENT).order_by(_R.year)
_REPORT = select(_R.title, _R.source_name, _R.format, _R.template, _R.published_on).where(
    *_AGENCY_YEAR
)
_CELLS = (
    select(*_FIGURE_COLUMNS).select_from(_REPORT_FIGURES).where(*_AGENCY_YEAR, _F.key.in_(_KEYS))
)
_FACTS_NAMED = (
    select(*_FACT_COLUMNS).select_from(_REPORT_FACTS).where(*_AGENCY_YEAR, _P.key.in_(_KEYS))
)
_FACTS = select(*_FACT_COLUMNS).select_from(_REPORT_FACTS).where(*_AGENCY_YEAR).order_by(_P.id)
_FACT_SERIES = (
    select(_R.year, *_FACT_COLUMNS)
    .select_from(_REPORT_FACTS)
    .where(_R.agency_id == bindparam("agency"), _P.key == bindparam("key"), _CURRENT)
    .order_by(_R.year)
)
_CELL_SERIES = (
    select(_R.year, *_FIGURE_COLUMNS)
    .select_from(_REPORT_FIGURES)
    .where(_R.agency_id == bindparam("agency"), _F.key == bindparam("key"), _CURRENT)
    .order_by(_R.year)
)
_CHECKS_OF = (
    select(_C.rule, _C.ok, _C.message, _C["keys"])
    .join_from(_CHECKS, _REPORTS, _C.report_id == _R.id)
    .where(*_AGENCY_YEAR)
    .order_by(_C.id)
)
_VERSION = select(func.max(_R.id))
# The same for the rows of a ranking at once.
_OF_AGENCIES = (
    _R.agency_id.in_(bindparam("agencies", expanding=True)),
    _R.year == bindparam("year"),
)
_REPORTS_OF = select(
    _R.agency_id, _R.title, _R.source_name, _R.format, _R.template, _R.published_on
).where(*_OF_AGENCIES, _CURRENT)
_CHECKS_OF_AGENCIES = (
    select(_R.agency_id, _C.rule, _C.ok, _C.message, _C["keys"])
    .join_from(_CHECKS, _REPORTS, _C.report_id == _R.id)
    .where(*_OF_AGENCIES, _CURRENT)
    .order_by(_C.id)
)
_STATED = (
    select(_R.agency_id, *_FACT_COLUMNS)
    .select_from(_REPORT_FACTS)
    .where(*_OF_AGENCIES, _CURRENT, _P.key == bindparam("key"))
)


def region_matches(region: str) -> ColumnElement[bool]:
    """`region` is a prefix of the full region name, or of it without the province
    (so 淮安市 finds 江苏省淮安市洪泽区 too)."""
    without_province = func.coalesce(_G.city, "") + func.coalesce(_G.county, "")
    return or_(
        _G.name.startswith(region, autoescape=True),
        without_province.startswith(region, autoescape=True),
    )


@contextmanager
def no_gc_pause() -> Iterator[None]:
    """Hold the cyclic garbage collector while building thousands of small acyclic objects:
    the full collections they trigger tripled a regional ranking's p99 (bench/store.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class StoreReader:
    """Read-only access to current reports; implements `query.source.ReportSource`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._regions: dict[str, tuple[str, list[int]]] = {}  # region → (version, agencies)
        # .conn, .version, .rankings: the connection of this thread's question, the data
        # version it has read and the rankings it has asked
        self._held = threading.local()

    @contextmanager
    def question(self) -> Iterator[None]:
        """Every read of this thread's question on one connection: a checkout on PostgreSQL
        is a ping, a BEGIN and a ROLLBACK, three round trips per read (a question inside a
        question keeps the outer one's)."""
        if getattr(self._held, "conn", None) is not None:
            yield
            return
        with self._connect() as conn:
            self._held.conn, self._held.version, self._held.rankings = conn, None, {}
            try:
                yield
            finally:
                self._held.conn = self._held.version = self._held.rankings = None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """The question's connection, or a new one; a database that cannot be reached raises
        `SourceUnavailable`."""
        held: Connection | None = getattr(self._held, "conn", None)
        try:
            if held is not None:
                yield held
                return
            with self._engine.connect() as conn:
                yield conn
        except DATABASE_DOWN as err:
            raise SourceUnavailable(str(err.orig)) from err

    def version(self) -> str:
        """The newest report id: reports are never deleted or edited in place (a correction
        supersedes and adds a row), so every change moves it. One index probe, once per
        question (a region's ranking asks it for each year it looks at)."""
        known: str | None = getattr(self._held, "version", None)
        if known is not None:
            return known
        with self._connect() as conn:
            top = conn.execute(_VERSION).scalar()
        if getattr(self._held, "conn", None) is not None:
            self._held.version = str(top or 0)
        return str(top or 0)

    def agencies(self) -> Sequence[AgencyInfo]:
        return self._agencies(select(_R.agency_id).where(_R.agency_id == _A.id, _CURRENT).exists())

    def agencies_since(self, version: str) -> Sequence[AgencyInfo] | None:
        """The agencies of the reports stored after `version` (a report id, see `version`)."""
        if not version.isdigit():
            return None
        newer = (
            select(_R.agency_id)
            .where(_R.agency_id == _A.id, _CURRENT, _R.id > int(version))
            .exists()
        )
        return self._agencies(newer)

    def _agencies(self, has_current: ColumnElement[bool]) -> Sequence[AgencyInfo]:
        with no_gc_pause(), self._connect() as conn:
            rows = conn.execute(
                select(
                    _A.id,
                    _A.name,
                    _A.level,
                    _G.name.label("region"),
                    _G.province,
                    _G.city,
                    _G.county,
                )
                .join_from(_AGENCIES, _REGIONS, _A.region_id == _G.id, isouter=True)
                .where(has_current)
                .order_by(_A.id)
            ).all()
            aliases: defaultdict[int, list[str]] = defaultdict(list)
            ids = [row.id for row in rows]
            alias_query = select(_AL.agency_id, _AL.alias).order_by(_AL.id)
            if len(ids) < 1000:  # a few new agencies: only their names
                alias_query = alias_query.where(_AL.agency_id.in_(ids))
            for agency_id, alias in conn.execute(alias_query):
                aliases[agency_id].append(alias)
            return [
                AgencyInfo(
                    id=row.id,
                    name=row.name,
                    aliases=tuple(a for a in aliases[row.id] if a != row.name),
                    region=row.region or "",
                    province=row.province,
                    city=row.city,
                    county=row.county,
                    level=row.level,
                )
                for row in rows
            ]

    def years(self, agency_id: int) -> list[int]:
        with self._connect() as conn:
            return list(conn.scalars(_YEARS, {"agency": agency_id}))

    def report(self, agency_id: int, year: int) -> ReportInfo | None:
        with self._connect() as conn:
            row = conn.execute(_REPORT, {"agency": agency_id, "year": year}).first()
        if row is None:
            return None
        return ReportInfo(
            agency_id=agency_id,
            year=year,
            title=row.title,
            source_name=row.source_name,
            format=row.format,
            template=row.template,
            published_on=row.published_on,
        )

    def reports(self, agency_ids: Sequence[int], year: int) -> dict[int, ReportInfo]:
        if not agency_ids:
            return {}
        with self._connect() as conn:
            rows = conn.execute(_REPORTS_OF, {"agencies": list(agency_ids), "year": year}).all()
        return {
            row.agency_id: ReportInfo(
                agency_id=row.agency_id,
                year=year,
                title=row.title,
                source_name=row.source_name,
                format=row.format,
                template=row.template,
                published_on=row.published_on,
            )
            for row in rows
        }

    def figures(self, agency_id: int, year: int, keys: Sequence[str]) -> dict[str, FigureInfo]:
        cells = [k for k in keys if not k.startswith(FACT_PREFIXES)]
        facts = [k for k in keys if k.startswith(FACT_PREFIXES)]
        out: dict[str, FigureInfo] = {}
        with self._connect() as conn:
            if cells:
                rows = conn.execute(_CELLS, {"agency": agency_id, "year": year, "keys": cells})
                out.update((row[0], _figure(*row)) for row in rows)
            if facts:
                rows = conn.execute(
                    _FACTS_NAMED, {"agency": agency_id, "year": year, "keys": facts}
                )
                out.update((row[0], _fact(*row)) for row in rows)
        return out

    def facts(self, agency_id: int, year: int) -> dict[str, FigureInfo]:
        """Every figure the report's prose states, table keys (W2) included."""
        with self._connect() as conn:
            rows = conn.execute(_FACTS, {"agency": agency_id, "year": year}).all()
        return {row[0]: _fact(*row) for row in rows}

    def stated(self, agency_ids: Sequence[int], year: int, key: str) -> dict[int, FigureInfo]:
        if not agency_ids:
            return {}
        with self._connect() as conn:
            rows = conn.execute(
                _STATED, {"agencies": list(agency_ids), "year": year, "key": key}
            ).all()
        return {agency_id: _fact(*cells) for agency_id, *cells in rows}

    def series(self, agency_id: int, key: str) -> dict[int, FigureInfo]:
        fact = key.startswith(FACT_PREFIXES)
        with self._connect() as conn:
            rows = conn.execute(
                _FACT_SERIES if fact else _CELL_SERIES, {"agency": agency_id, "key": key}
            ).all()
        make = _fact if fact else _figure
        return {row[0]: make(*row[1:]) for row in rows}

    def across(
        self, key: str, year: int, *, region: str | None = None
    ) -> list[tuple[int, FigureInfo]]:
        """Largest value first (ambiguous cells last), ties by agency id; `region` as in
        `region_matches`."""
        fact = key.startswith(FACT_PREFIXES)
        value = _P.value if fact else _F.value
        query = (
            select(_R.agency_id, *(_FACT_COLUMNS if fact else _FIGURE_COLUMNS))
            .select_from(_REPORT_FACTS if fact else _REPORT_FIGURES)
            .where(_R.year == year, _CURRENT, (_P.key if fact else _F.key) == key)
            .order_by(value.is_(None), value.desc(), _R.agency_id)
        )
        if region:
            query = query.where(self._in_region(region))
        make = _fact if fact else _figure
        with no_gc_pause(), self._connect() as conn:
            rows = conn.execute(query).all()
            return [(agency_id, make(*cells)) for agency_id, *cells in rows]

    def _one_key(self, key: str, year: int, region: str | None) -> tuple[Any, Any, Any]:
        """(select of one key's rows in a year (and region), its value column, its columns)."""
        fact = key.startswith(FACT_PREFIXES)
        value = _P.value if fact else _F.value
        query = (
            select()
            .select_from(_REPORT_FACTS if fact else _REPORT_FIGURES)
            .where(_R.year == year, _CURRENT, (_P.key if fact else _F.key) == key)
        )
        if region:
            query = query.where(self._in_region(region))
        return (
            query,
            value,
            (_fact if fact else _figure, _FACT_COLUMNS if fact else _FIGURE_COLUMNS),
        )

    def _in_region(self, region: str) -> ColumnElement[bool]:
        """The report is of an agency of the region, its ids bound as one value (a PostgreSQL
        array, a JSON list for SQLite's json_each), not one parameter each: a city's ~300
        agencies made each statement a new 9 KB text that SQLAlchemy expanded and psycopg
        converted again, about 4 ms of CPU a statement, more than the database's own work."""
        ids = self._agencies_in(region)
        if self._engine.dialect.name == "postgresql":
            return _R.agency_id == any_(bindparam("region_agencies", ids, type_=ARRAY(Integer)))
        listed = func.json_each(bindparam("region_agencies", json.dumps(ids)))
        return _R.agency_id.in_(select(listed.table_valued("value").c.value))

    def _agencies_in(self, region: str) -> list[int]:
        """The agencies of a region (`region_matches`), read once per data version: the
        prefix test on region names cannot use an index, and a ranking asks it twice."""
        version = self.version()
        cached = self._regions.get(region)
        if cached is not None and cached[0] == version:
            return cached[1]
        in_region = select(_G.id).where(region_matches(region))
        with self._connect() as conn:
            ids = list(conn.scalars(select(_A.id).where(_A.region_id.in_(in_region))))
        if len(self._regions) >= _REGIONS_KEPT:
            self._regions.pop(next(iter(self._regions)))
        self._regions[region] = (version, ids)
        return ids

    def ranking(
        self,
        key: str,
        year: int,
        *,
        region: str | None = None,
        limit: int = 10,
        ascending: bool = False,
    ) -> Ranking:
        """The first agencies by value (ties by agency id) and the counts. A region's ranking
        is sorted and cut by the database from its agencies' cells, in one statement; the
        country's is the first entries of the key and year in `ranked_values`
        (`store.rankings`), its counts one row. A question asking the same ranking again (the
        year found by looking, then ranked) reads it once."""
        asked = (key, year, region, limit, ascending)
        kept: dict[tuple[Any, ...], Ranking] | None = getattr(self._held, "rankings", None)
        if kept is not None and asked in kept:
            return kept[asked]
        ranked = self._ranking(key, year, region, limit, ascending)
        if kept is not None:
            kept[asked] = ranked
        return ranked

    def _ranking(
        self, key: str, year: int, region: str | None, limit: int, ascending: bool
    ) -> Ranking:
        query, value, (make, columns) = self._one_key(key, year, region)
        if region:
            # One pass over the region's cells gives the first rows and, as window counts
            # over every row before the limit, the counts (ambiguous cells sort last, cut).
            order = value.asc() if ascending else value.desc()
            top_query = (
                query.add_columns(
                    func.count(value).over(), func.count().over(), _R.agency_id, *columns
                )
                .order_by(value.is_(None), order, _R.agency_id)
                .limit(limit)
            )
            with self._connect() as conn:
                rows = conn.execute(top_query).all()
            valued, every = (rows[0][0], rows[0][1]) if rows else (0, 0)
            top = [(a, make(*cells)) for _, _, a, *cells in rows[:valued]]
            return Ranking(top, valued, every - valued)
        first = (
            select(_V.agency_id)
            .where(_V.key == key, _V.year == year)
            .order_by(_V.value.asc() if ascending else _V.value.desc(), _V.agency_id)
            .limit(limit)
        )
        counts = select(_N.valued, _N.unclear).where(_N.key == key, _N.year == year)
        with self._connect() as conn:
            ids = list(conn.scalars(first))
            valued, unclear = conn.execute(counts).first() or (0, 0)
            rows = conn.execute(
                query.add_columns(_R.agency_id, *columns).where(_R.agency_id.in_(ids))
            ).all()
        found = {agency_id: make(*cells) for agency_id, *cells in rows}
        return Ranking([(a, found[a]) for a in ids if a in found], valued, unclear)

    def position(
        self,
        key: str,
        year: int,
        value: Decimal,
        *,
        region: str | None = None,
        ascending: bool = False,
    ) -> int:
        if region:
            query, column, _ = self._one_key(key, year, region)
            ahead = column < value if ascending else column > value
            with self._connect() as conn:
                return int(
                    conn.execute(query.add_columns(func.count()).where(ahead)).scalar() or 0
                )
        ahead = _V.value < value if ascending else _V.value > value
        with self._connect() as conn:
            return int(
                conn.scalar(select(func.count()).where(_V.key == key, _V.year == year, ahead)) or 0
            )

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]:
        with self._connect() as conn:
            rows = conn.execute(_CHECKS_OF, {"agency": agency_id, "year": year}).all()
        return [_check(*row) for row in rows]

    def checks_of(self, agency_ids: Sequence[int], year: int) -> dict[int, list[CheckInfo]]:
        if not agency_ids:
            return {}
        with self._connect() as conn:
            rows = conn.execute(
                _CHECKS_OF_AGENCIES, {"agencies": list(agency_ids), "year": year}
            ).all()
        out: defaultdict[int, list[CheckInfo]] = defaultdict(list)
        for agency_id, *cells in rows:
            out[agency_id].append(_check(*cells))
        return dict(out)
