"""What the question layer needs from storage, as a Protocol with plain dataclasses.

`store.reader.StoreReader` implements it over the database; tests may implement it in memory.
Keeping the contract here keeps `query/` free of SQL and of any chat platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

FACT_PREFIXES = ("text.", "free.")  # keys of figures stated in the prose, not in a table


def is_fact_key(key: str) -> bool:
    return key.startswith(FACT_PREFIXES)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    aliases: tuple[str, ...] = ()
    region: str = ""  # full region name, e.g. 安徽省六安市金安区
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None  # "government" / "department" / None


@dataclass(frozen=True)
class ReportInfo:
    agency_id: int
    year: int
    title: str
    source_name: str
    format: str
    template: str
    published_on: date | None = None


@dataclass(frozen=True, slots=True)  # rankings build thousands
class FigureInfo:
    """A table cell, or a figure stated in the prose (then `sentence` and `section` say where,
    and `phrase` what it counts, as the report words it)."""

    key: str
    value: Decimal | None  # None only for an ambiguous cell
    unit: str | None = None  # a cell: the unit printed in it, if any; a fact: its unit
    raw: str = ""
    flags: tuple[str, ...] = ()
    candidates: tuple[Decimal, ...] = ()
    sentence: str = ""
    section: str = ""
    phrase: str = ""


@dataclass(frozen=True)
class Ranking:
    """The first agencies of a ranking of one key and year, and how many were ranked."""

    top: list[tuple[int, FigureInfo]]  # (agency, figure), best first
    valued: int  # agencies with a value for the key
    unclear: int  # agencies whose cell is ambiguous (no value): not ranked


@dataclass(frozen=True)
class CheckInfo:
    rule: str
    ok: bool
    message: str
    keys: tuple[str, ...] = ()


class SourceUnavailable(Exception):
    """The storage cannot be reached (a database stopped or restarting): the question was
    fine, so callers tell the user to try again later instead of "not understood"."""


class ReportSource(Protocol):
    """Read-only access to the current (not superseded) reports."""

    def version(self) -> str:
        """Changes whenever reports change, so callers can cache the agency index."""
        ...

    def question(self) -> AbstractContextManager[None]:
        """Scope of one question: a store serves every read inside it from one connection
        (a PostgreSQL checkout costs round trips, and a question makes up to 30 reads)."""
        ...

    def agencies(self) -> Sequence[AgencyInfo]:
        """Every agency that has at least one current report."""
        ...

    def agencies_since(self, version: str) -> Sequence[AgencyInfo] | None:
        """The agencies whose reports came in after `version` (with all their names), or
        None when the source cannot tell (then the caller reads `agencies` again)."""
        ...

    def years(self, agency_id: int) -> list[int]:
        """Years with a current report for this agency, ascending."""
        ...

    def report(self, agency_id: int, year: int) -> ReportInfo | None: ...

    def reports(self, agency_ids: Sequence[int], year: int) -> dict[int, ReportInfo]:
        """`report` for the rows of a ranking at once (agencies without one are absent)."""
        ...

    def figures(self, agency_id: int, year: int, keys: Sequence[str]) -> dict[str, FigureInfo]:
        """The requested cells of one report; missing keys are simply absent."""
        ...

    def series(self, agency_id: int, key: str) -> dict[int, FigureInfo]:
        """One key across every year of one agency."""
        ...

    def across(
        self, key: str, year: int, *, region: str | None = None
    ) -> list[tuple[int, FigureInfo]]:
        """(agency_id, figure) for one key and year across agencies, optionally in a region
        (matched as a prefix of the agency's full region name)."""
        ...

    def ranking(
        self,
        key: str,
        year: int,
        *,
        region: str | None = None,
        limit: int = 10,
        ascending: bool = False,
    ) -> Ranking:
        """The `limit` first agencies by value (ties by agency id), as `across` would give
        them sorted, without building every row: a national ranking is 100,000 reports."""
        ...

    def position(
        self,
        key: str,
        year: int,
        value: Decimal,
        *,
        region: str | None = None,
        ascending: bool = False,
    ) -> int:
        """How many agencies rank strictly ahead of `value`."""
        ...

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]: ...

    def checks_of(self, agency_ids: Sequence[int], year: int) -> dict[int, list[CheckInfo]]:
        """`checks` for the rows of a ranking at once (a report without checks: absent)."""
        ...

    def facts(self, agency_id: int, year: int) -> dict[str, FigureInfo]:
        """Every figure the report's prose states: `text.*` and `free.*` facts, and table keys
        for what it says about a table cell (rule W2)."""
        ...

    def stated(self, agency_ids: Sequence[int], year: int, key: str) -> dict[int, FigureInfo]:
        """`facts(agency, year)[key]` for the rows of a ranking at once (absent: not stated)."""
        ...
