"""`ReportWriter`: the one place that decides what a validated report does to the database.

A report is new, replaces the current version of its agency and year (which is kept, marked
superseded), is kept as a superseded version because the current one is better, or changes
nothing because its bytes are stored already. The current version is always the best stored
one by `version_rank`, so the result does not depend on the order reports arrive in: several
loaders at once end where one loader would. Everything happens in the caller's transaction,
which the writer first serialises with every other report writer (`store.db.serialise_writes`).

Bulk loads are dominated by per-row and per-statement costs, so the writer works in sets:
`prepare` reads what a batch needs (agencies, aliases, current reports, carry-over cells) in a
few queries and creates the batch's new agencies in one statement; `write` decides in memory
and buffers, and `flush` writes reports, cells, checks and prose figures a table at a time.
On SQLite a report's cells go in as JSON objects expanded by `json_each` inside SQLite:
sqlite3's executemany binds every column of every row in Python, which was half the cost of
a bulk load. PostgreSQL gets rows through COPY; there, each cell's foreign-key check is most
of the cost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Table, bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from parsers.fields import APPLICANT_COLUMNS, FIELDS
from parsers.model import AMBIGUOUS, OCR, Cell, Number
from parsers.model import CheckResult as ParsedCheck  # store.models has a CheckResult too
from parsers.validate import carry_over_check
from store.agencies import (
    Identity,
    StoredAgency,
    aliases_of,
    chunks,
    create_agencies,
    find_agencies,
    normalise_name,
    region_name,
    rename_agency,
    resolve_region,
)
from store.db import serialise_writes
from store.models import Agency, AgencyAlias, CheckResult, Figure, ProseFigure, Region, Report
from store.rankings import file_reports, unfile_reports
from store.reader import DRIVER_VALUE, stored_value
from store.schemas import CheckIn, ReportIn, is_whole

Status = Literal["new", "replaced", "archived", "unchanged"]
# (−failed V rules, −ambiguous cells, publication date, file time, sha256): greater is better.
Rank = tuple[int, int, date, datetime, str]


_UNSURE = frozenset({AMBIGUOUS, OCR})


def version_rank(
    *,
    failed_checks: int,
    ambiguous_cells: int,
    published_on: date | None,
    file_time: datetime,
    sha256: str,
) -> Rank:
    """The order of the versions of one agency-year; the greatest stored one is current.

    The better reading first: a failed V rule is a figure that is probably wrong and would be
    answered as if right; an ambiguous cell is one the bot declines to answer, an OCR cell one
    it answers with a caution (the text version of a scan is the better reading). (W2, prose
    against tables, is left out: a reading that found more sentences would lose by it; W1
    depends on the neighbouring years.) Then what a correction has: the later publication
    date, then the later file. The hash breaks the last tie, so that the order is total."""
    return (-failed_checks, -ambiguous_cells, published_on or date.min, file_time, sha256)


@dataclass(frozen=True)
class IngestOutcome:
    status: Status
    report_id: int
    agency_id: int
    agency: str
    year: int
    current: bool = True  # False when archived, or stored before and replaced since


_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_CHECKS: Table = CheckResult.__table__  # type: ignore[attr-defined]
_PROSE: Table = ProseFigure.__table__  # type: ignore[attr-defined]
_ALIASES: Table = AgencyAlias.__table__  # type: ignore[attr-defined]
_FIGURE_COLUMNS = ("report_id", "key", "value", "unit", "raw", "flags", "candidates")
_PROSE_COLUMNS = ("report_id", "key", "value", "unit", "sentence", "section", "phrase", "flags")
_TABLES = {
    "aliases": (_ALIASES, ("agency_id", "alias")),
    "figures": (_FIGURES, _FIGURE_COLUMNS),
    "checks": (_CHECKS, ("report_id", "rule", "ok", "message", "keys")),
    "prose": (_PROSE, _PROSE_COLUMNS),
}
# SQLite: groups of common cells (see `cell_groups`) become rows inside SQLite, from a JSON
# object {key: value} per group, instead of binding ~230 rows of 7 columns per report in Python.
_INSERT_CELL_GROUPS = (
    'INSERT INTO figures (report_id, "key", value, unit, raw, flags, candidates) '
    "SELECT ?, key, value, NULL, CASE WHEN ? THEN CAST(value AS TEXT) ELSE '' END, ?, '' "
    "FROM json_each(?)"
)
_CARRY_KEYS = tuple(f"apply.{row}.{col}" for row in ("carried_in", "carried_forward")
                    for col, _ in APPLICANT_COLUMNS)  # fmt: skip
# Statements built once: constructing them per report cost more than running them.
_R, _F = _REPORTS.c, _FIGURES.c
_INSERT_REPORTS = insert(_REPORTS)
_MAX_REPORT_ID = select(func.max(_R.id))
_NEXT_REPORT_IDS = select(func.nextval(func.pg_get_serial_sequence("reports", "id"))).select_from(
    func.generate_series(1, bindparam("n"))
)
_CURRENT_VERSIONS = sa.select(
    _R.agency_id, _R.year, _R.id,
    _R.failed_checks, _R.ambiguous_cells, _R.published_on, _R.file_time, _R.sha256,
).where(_R.agency_id.in_(bindparam("ids", expanding=True)), _R.superseded.is_(False))  # fmt: skip
_SUPERSEDE_REPORT = update(_REPORTS).where(_R.id == bindparam("rid")).values(superseded=True)
_DELETE_W1 = delete(_CHECKS).where(_CHECKS.c.report_id == bindparam("rid"), _CHECKS.c.rule == "W1")

CellsToWrite = tuple[int, dict[str, Cell]]  # report id, cells
_NO_FLAGS: frozenset[str] = frozenset()
_KEY_ORDER = sorted(FIELDS)  # validation leaves no other key
# '"apply.new.total":' and so on: with a whole number's decimal text, a JSON member. Built
# by hand, a group's JSON costs a third of json.dumps (bench/store.py).
_JSON_KEYS = {key: json.dumps(key) + ":" for key in FIELDS}


class ReportWriter:
    """Writes validated reports inside the caller's transaction.

    Regions, agencies, aliases, current reports and carry-over cells are cached for the life of
    the writer (one transaction); `prepare` fills the caches for a batch at once, and `write`
    fills them one report at a time for whatever was not prepared.
    """

    def __init__(self, session: Session, *, known_shas: set[str] | None = None) -> None:
        self._session = session
        self._conn = session.connection()
        self._sqlite = self._conn.dialect.name == "sqlite"
        serialise_writes(self._conn)  # again, if the caller did: the lock is re-entrant
        # When set: the only stored shas worth looking up (the caller checked the rest).
        self._known_shas = known_shas
        self._shas: set[str] = set()  # written by this writer
        self._rows: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in _TABLES}
        self._reports: list[dict[str, Any]] = []
        self._cells: list[CellsToWrite] = []
        self._last_id: int | None = None  # SQLite: the last report id handed out
        self._free_ids: list[int] = []  # PostgreSQL: ids drawn from the sequence, not yet used
        self._regions: dict[str, Region] = {}
        self._agencies: dict[tuple[str, str], StoredAgency] = {}  # (region, title) → agency
        self._aliases: dict[int, set[str]] = {}
        self._current: dict[int, dict[int, int]] = {}  # agency id → year → current report id
        self._ranks: dict[int, Rank] = {}  # current report id → its version rank
        self._carry: dict[int, dict[str, Number]] = {}  # report id → W1 cells
        self._written: set[int] = set()  # report ids written by this writer
        self._to_file: list[int] = []  # current reports buffered, to file for rankings

    # --- reading ahead ------------------------------------------------------------------

    def prepare(self, reports: Sequence[ReportIn]) -> None:
        """Read (and create) everything `write` will need for `reports`, in set-based queries."""
        agencies = self._load_agencies(reports)
        agency_ids = list(dict.fromkeys(a.id for a in agencies))
        self._load_current(agency_ids)
        self._load_aliases(agency_ids)
        neighbours = (
            self._current[agency.id].get(year)
            for report_in, agency in zip(reports, agencies, strict=True)
            for year in (report_in.year - 1, report_in.year + 1)
        )
        self._load_carry(neighbours)
        if not self._sqlite and len(reports) > len(self._free_ids):
            self._reserve_ids(len(reports) - len(self._free_ids))

    def _load_agencies(self, reports: Sequence[ReportIn]) -> list[StoredAgency]:
        """Each report's agency, by identity (region plus normalised name); the missing ones
        are created under the first title seen."""
        keys = [(region_name(r.region), r.agency) for r in reports]
        titles: dict[Identity, list[tuple[str, str]]] = {}
        first: dict[Identity, ReportIn] = {}
        for report_in, key in zip(reports, keys, strict=True):
            if key in self._agencies:
                continue
            region_id = self._region(report_in, key[0])
            identity = (region_id, normalise_name(report_in.agency, report_in.region))
            titles.setdefault(identity, []).append(key)
            first.setdefault(identity, report_in)
        if titles:
            self._add_agencies(titles, first)
        return [self._agencies[key] for key in keys]

    def _add_agencies(
        self, titles: dict[Identity, list[tuple[str, str]]], first: dict[Identity, ReportIn]
    ) -> None:
        """Find or create the agencies of `titles` (identity → the titles naming it)."""
        found = find_agencies(session=self._session, identities=list(titles))
        created = create_agencies(
            session=self._session,
            new=[(i, r.agency, r.level) for i, r in first.items() if i not in found],
        )
        for agency in created.values():
            self._aliases[agency.id] = set()
            self._current[agency.id] = {}
        found.update(created)
        for identity, keys in titles.items():
            for key in keys:
                self._agencies[key] = found[identity]

    def _region(self, report_in: ReportIn, name: str) -> int:
        region = self._regions.get(name)
        if region is None:
            region = resolve_region(session=self._session, region=report_in.region)
            self._regions[name] = region
        assert region.id is not None
        return region.id

    def _load_current(self, agency_ids: Sequence[int]) -> None:
        missing = [a for a in agency_ids if a not in self._current]
        for agency_id in missing:
            self._current[agency_id] = {}
        for part in chunks(missing):
            rows = self._conn.execute(_CURRENT_VERSIONS, {"ids": list(part)}).all()
            for agency_id, year, report_id, failed, ambiguous, published, file_time, sha in rows:
                self._current[agency_id][year] = report_id
                self._ranks[report_id] = version_rank(
                    failed_checks=failed, ambiguous_cells=ambiguous, published_on=published,
                    file_time=file_time, sha256=sha,
                )  # fmt: skip

    def _load_aliases(self, agency_ids: Sequence[int]) -> None:
        missing = [a for a in agency_ids if a not in self._aliases]
        if missing:
            self._aliases.update(aliases_of(session=self._session, agency_ids=missing))

    def _load_carry(self, report_ids: Iterable[int | None]) -> None:
        """The W1 cells of stored reports (for the carry-over check of their neighbours)."""
        missing = list({r for r in report_ids if r is not None and r not in self._carry})
        for report_id in missing:
            self._carry[report_id] = {}
        for part in chunks(missing):
            query = select(_F.report_id, _F.key, DRIVER_VALUE).where(
                _F.report_id.in_(part), _F.key.in_(_CARRY_KEYS)
            )
            # The driver's own values: SQLAlchemy's Numeric processing was a third of prepare().
            for report_id, key, value in self._conn.execute(query).all():
                if (number := stored_value(value)) is not None:
                    self._carry[report_id][key] = number

    # --- writing -------------------------------------------------------------------------

    def write(
        self,
        report_in: ReportIn,
        *,
        source_name: str,
        data_sha256: str,
        file_time: datetime | None = None,
    ) -> IngestOutcome:
        """Store one report unless its bytes are known. It becomes the current version of its
        agency and year when it ranks above the current one (`version_rank`); else it is kept
        as a superseded version. `file_time`: the file's modification time (UTC), when known;
        by default the ingest time, so that of two equal versions the later one wins."""
        if (
            self._known_shas is None
            or data_sha256 in self._known_shas
            or data_sha256 in self._shas
        ):
            known = known_outcome(session=self._session, data_sha256=data_sha256)
            if known is not None:
                return known
        self._shas.add(data_sha256)
        agency = self._agencies.get((region_name(report_in.region), report_in.agency))
        if agency is None:  # not prepared with its batch
            self.prepare([report_in])
            agency = self._agencies[(region_name(report_in.region), report_in.agency)]
        self._add_aliases(agency.id, [report_in.agency, *report_in.agency_aliases])
        year = report_in.year
        current = self._current[agency.id]
        previous = current.get(year)
        now = datetime.now(UTC)
        checks: list[CheckIn | ParsedCheck] = [*report_in.checks, *report_in.v5_findings()]
        failed = sum(1 for c in checks if not c.ok and c.rule.startswith("V"))
        # not read for sure: several readings, or OCR's (a scan loses to the text version)
        ambiguous = sum(1 for c in report_in.cells.values() if c.flags & _UNSURE)
        rank = version_rank(
            failed_checks=failed, ambiguous_cells=ambiguous, published_on=report_in.published_on,
            file_time=file_time or now, sha256=data_sha256,
        )  # fmt: skip
        archived = previous is not None and self._ranks[previous] > rank
        if previous is not None and not archived:
            self.flush()  # the superseded report's rows may still be buffered
            unfile_reports(self._conn, [previous])
            self._conn.execute(_SUPERSEDE_REPORT, {"rid": previous})
            self._conn.execute(_DELETE_W1, {"rid": previous})  # W1 is between current ones
            del self._ranks[previous]
        report_id = self._new_report_id()
        self._reports.append(
            {
                "id": report_id,
                "agency_id": agency.id,
                "year": year,
                "template": report_in.template,
                "title": report_in.title,
                "source_name": source_name,
                "format": report_in.format,
                "sha256": data_sha256,
                "published_on": report_in.published_on,
                "ingested_at": now,
                "superseded": archived,
                "cell_count": len(report_in.cells),
                "failed_checks": failed,
                "ambiguous_cells": ambiguous,
                "file_time": file_time or now,
            }
        )
        self._buffer(report_id, report_in)
        self._rows["checks"] += [_check_row(report_id, c) for c in checks]
        outcome = IngestOutcome(
            status="archived" if archived else "replaced" if previous is not None else "new",
            report_id=report_id,
            agency_id=agency.id,
            agency=agency.name,
            year=year,
            current=not archived,
        )
        if archived:
            return outcome
        newest = max(current, default=year)
        current[year] = report_id
        self._ranks[report_id] = rank
        self._written.add(report_id)
        self._to_file.append(report_id)
        self._rows["checks"] += [_check_row(report_id, c) for c in self._carry_over(current, year)]
        if year >= newest:
            self._rename(agency, report_in)
        return outcome

    def _new_report_id(self) -> int:
        """Report ids are handed out here so that reports can be inserted in bulk with their
        cells. PostgreSQL draws them from the table's sequence. SQLite counts on from the
        largest id, as it would itself; a concurrent writer then makes this transaction fail
        (primary key or stale snapshot) and the caller retries, so an id is never shared."""
        if not self._sqlite:
            if not self._free_ids:
                self._reserve_ids(1)
            return self._free_ids.pop()
        if self._last_id is None:
            self._last_id = self._conn.execute(_MAX_REPORT_ID).scalar_one() or 0
        self._last_id += 1
        return self._last_id

    def _reserve_ids(self, count: int) -> None:
        """PostgreSQL: draw `count` report ids in one round trip (unused ones leave gaps)."""
        ids = self._conn.execute(_NEXT_REPORT_IDS, {"n": count}).scalars().all()
        self._free_ids.extend(reversed(ids))

    def flush(self) -> None:
        """Write the buffered rows: executemany on SQLite, COPY on PostgreSQL (psycopg's
        executemany spends ~25 µs per row in Python; COPY streams the rows)."""
        if self._reports:
            self._conn.execute(_INSERT_REPORTS, self._reports)
            self._reports.clear()
        if self._cells and self._sqlite:
            groups, others = cell_groups(self._cells)
            if groups:
                self._conn.exec_driver_sql(_INSERT_CELL_GROUPS, groups)
            self._rows["figures"] += others
        elif self._cells:  # COPY beat expanding JSON on PostgreSQL (bench/store.py)
            self._rows["figures"] += figure_rows(self._cells, _same)
        self._cells.clear()
        for kind, (table, columns) in _TABLES.items():
            rows = self._rows[kind]
            if not rows:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            if self._sqlite:
                marks = ", ".join(["?"] * len(columns))
                self._conn.exec_driver_sql(
                    f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows
                )
            else:
                cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            rows.clear()
        file_reports(self._conn, self._to_file)
        self._to_file.clear()

    def _add_aliases(self, agency_id: int, titles: list[str]) -> None:
        known = self._aliases[agency_id]
        for title in titles:
            if title and title not in known:
                known.add(title)
                self._rows["aliases"].append((agency_id, title))

    def _buffer(self, report_id: int, report_in: ReportIn) -> None:
        self._cells.append((report_id, report_in.cells))
        value = _sqlite_number if self._sqlite else _same
        prose = self._rows["prose"]
        for fact in report_in.facts:
            flags = ",".join(sorted(fact.flags))
            prose.append((report_id, fact.key, value(fact.value), fact.unit, fact.sentence,
                          fact.section, fact.phrase, flags))  # fmt: skip
        stated = {fact.key for fact in report_in.facts}
        prose += [
            (report_id, k, value(v), None, "", "", "", "")
            for k, v in report_in.prose.items()
            if k not in stated
        ]
        cells = report_in.cells
        self._carry[report_id] = {
            k: v
            for k in _CARRY_KEYS
            if (c := cells.get(k)) is not None and (v := c.value) is not None
        }

    def _carry_over(self, current: dict[int, int], year: int) -> list[ParsedCheck]:
        """W1 for this report against last year's, and again for next year's against this
        (computed here from stored figures, so not validated again)."""
        mine, before, after = (current.get(y) for y in (year, year - 1, year + 1))
        assert mine is not None
        self._load_carry([before, after])
        if after is not None:
            if after in self._written:
                self.flush()  # its own W1 rows may still be buffered
            self._conn.execute(_DELETE_W1, {"rid": after})
            self._rows["checks"] += [
                _check_row(after, c)
                for c in carry_over_check(self._carry[mine], self._carry[after], year=year + 1)
            ]
        if before is None:
            return []
        return carry_over_check(self._carry[before], self._carry[mine], year=year)

    def _rename(self, agency: StoredAgency, report_in: ReportIn) -> None:
        """The canonical name is the one printed on the newest report (by year)."""
        level = report_in.level or agency.level
        if agency.name != report_in.agency or agency.level != level:
            rename_agency(session=self._session, agency=agency, name=report_in.agency, level=level)


def cell_groups(
    reports: Sequence[CellsToWrite],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """SQLite: (rows for `_INSERT_CELL_GROUPS`, full figure rows for every other cell).

    A common cell is a whole number with no unit or candidates whose raw text is either the
    number itself or empty (derived and blank cells): ~99% of a real report's cells. A group
    holds one report's common cells that share their flags and kind of raw text, as a JSON
    object in key order: SQLite then appends to the (report_id, key) b-tree (~25% faster).
    """
    groups: list[tuple[Any, ...]] = []
    others: list[CellsToWrite] = []
    for report_id, cells in reports:
        printed: list[str] = []  # raw text is the number, no flags
        common: dict[tuple[bool, frozenset[str]], list[str]] = {}
        rest: dict[str, Cell] = {}
        for key in _KEY_ORDER:
            cell = cells.get(key)
            if cell is None:
                continue
            value, raw = cell.value, cell.raw
            if type(value) is int and cell.unit is None and not cell.candidates:
                text = str(value)
                if raw == text and not cell.flags:
                    printed.append(_JSON_KEYS[key] + text)  # most cells
                    continue
                if raw == text or raw == "":
                    group = common.get((raw != "", cell.flags))
                    if group is None:
                        group = common[(raw != "", cell.flags)] = []
                    group.append(_JSON_KEYS[key] + text)
                    continue
            rest[key] = cell
        if printed:
            common[(True, _NO_FLAGS)] = printed
        groups += [
            (report_id, raw_is_value, _flag_text(flags), "{" + ",".join(members) + "}")
            for (raw_is_value, flags), members in common.items()
        ]
        if rest:
            others.append((report_id, rest))
    return groups, figure_rows(others, _sqlite_number)


@cache
def _flag_text(flags: frozenset[str]) -> str:
    return ",".join(sorted(flags))


def figure_rows(reports: Sequence[CellsToWrite], value: Any) -> list[tuple[Any, ...]]:
    """One `_FIGURE_COLUMNS` row per cell, numbers converted by `value` for the driver."""
    return [
        (report_id, key, value(cell.value), cell.unit, cell.raw,
         ",".join(sorted(cell.flags)) if cell.flags else "",
         ",".join(map(str, cell.candidates)) if cell.candidates else "")
        for report_id, cells in reports
        for key, cell in cells.items()
    ]  # fmt: skip


def _same(value: Number | None) -> Number | None:
    return value


def _sqlite_number(value: Number | None) -> int | float | None:
    """sqlite3 takes no Decimal; NUMERIC affinity stores whole numbers as INTEGER anyway."""
    if value is None or type(value) is int:
        return value
    return int(value) if is_whole(value) else float(value)


def _check_row(report_id: int, check: CheckIn | ParsedCheck) -> tuple[Any, ...]:
    """Keys are kept for failed rules only (see `store.models.CheckResult.keys`)."""
    keys = "" if check.ok else ",".join(check.keys)
    return (report_id, check.rule, check.ok, check.message, keys)


def known_outcome(*, session: Session, data_sha256: str) -> IngestOutcome | None:
    """The outcome of bytes already stored (current version preferred), else None."""
    row = session.exec(
        select(Report, Agency)
        .join(Agency, col(Agency.id) == Report.agency_id)
        .where(Report.sha256 == data_sha256)
        .order_by(col(Report.superseded), col(Report.id).desc())
    ).first()
    if row is None:
        return None
    report, agency = row
    assert report.id is not None and agency.id is not None
    return IngestOutcome(
        status="unchanged",
        report_id=report.id,
        agency_id=agency.id,
        agency=agency.name,
        year=report.year,
        current=not report.superseded,
    )
