"""An in-memory `ReportSource`: for tests, the benchmark, and trying the asker without a DB."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from query.source import AgencyInfo, CheckInfo, FigureInfo, Ranking, ReportInfo, is_fact_key


@dataclass
class MemoryReport:
    agency: AgencyInfo
    report: ReportInfo
    figures: dict[str, FigureInfo]  # table cells (and text.* / free.* facts may sit here too)
    checks: list[CheckInfo] = field(default_factory=list)
    facts: dict[str, FigureInfo] = field(default_factory=dict)  # what the prose states

    def get(self, key: str) -> FigureInfo | None:
        if is_fact_key(key):
            return self.facts.get(key) or self.figures.get(key)
        return self.figures.get(key)


def _ascending(ordered: list[tuple[int, FigureInfo]]) -> list[tuple[int, FigureInfo]]:
    """Smallest first, ties by agency id."""
    return sorted(ordered, key=lambda row: (row[1].value, row[0]))


class MemorySource:
    """Holds current reports in dictionaries; `version` is fixed at construction."""

    def __init__(self, reports: Iterable[MemoryReport], *, version: str = "memory-1") -> None:
        self._version = version
        self._agencies: dict[int, AgencyInfo] = {}
        self._reports: dict[tuple[int, int], MemoryReport] = {}
        self._years: dict[int, list[int]] = defaultdict(list)
        for item in reports:
            self._agencies[item.agency.id] = item.agency
            self._reports[(item.agency.id, item.report.year)] = item
            self._years[item.agency.id].append(item.report.year)
        for years in self._years.values():
            years.sort()

    def version(self) -> str:
        return self._version

    def question(self) -> AbstractContextManager[None]:
        return nullcontext()

    def agencies(self) -> Sequence[AgencyInfo]:
        return list(self._agencies.values())

    def agencies_since(self, version: str) -> Sequence[AgencyInfo] | None:
        return None  # a new version is a new set of reports: read them all

    def years(self, agency_id: int) -> list[int]:
        return list(self._years.get(agency_id, ()))

    def report(self, agency_id: int, year: int) -> ReportInfo | None:
        item = self._reports.get((agency_id, year))
        return item.report if item else None

    def reports(self, agency_ids: Sequence[int], year: int) -> dict[int, ReportInfo]:
        return {a: r for a in agency_ids if (r := self.report(a, year)) is not None}

    def figures(self, agency_id: int, year: int, keys: Sequence[str]) -> dict[str, FigureInfo]:
        item = self._reports.get((agency_id, year))
        if item is None:
            return {}
        return {k: f for k in keys if (f := item.get(k)) is not None}

    def series(self, agency_id: int, key: str) -> dict[int, FigureInfo]:
        out: dict[int, FigureInfo] = {}
        for year in self._years.get(agency_id, ()):
            figure = self._reports[(agency_id, year)].get(key)
            if figure is not None:
                out[year] = figure
        return out

    def across(
        self, key: str, year: int, *, region: str | None = None
    ) -> list[tuple[int, FigureInfo]]:
        out: list[tuple[int, FigureInfo]] = []
        for (agency_id, y), item in self._reports.items():
            if y != year or (region and not item.agency.region.startswith(region)):
                continue
            figure = item.get(key)
            if figure is not None:
                out.append((agency_id, figure))
        return out

    def ranking(
        self,
        key: str,
        year: int,
        *,
        region: str | None = None,
        limit: int = 10,
        ascending: bool = False,
    ) -> Ranking:
        ordered, unclear = self._sorted(key, year, region)
        rows = ordered[:limit] if not ascending else _ascending(ordered)[:limit]
        return Ranking(rows, len(ordered), unclear)

    def position(
        self,
        key: str,
        year: int,
        value: Decimal,
        *,
        region: str | None = None,
        ascending: bool = False,
    ) -> int:
        ordered, _ = self._sorted(key, year, region)
        values = [-f.value for _, f in ordered if f.value is not None]  # ascending negatives
        ahead = bisect.bisect_left(values, -value)
        return len(values) - bisect.bisect_right(values, -value) if ascending else ahead

    @cache  # noqa: B019 — the reports are fixed at construction; one sort per key and year
    def _sorted(
        self, key: str, year: int, region: str | None
    ) -> tuple[list[tuple[int, FigureInfo]], int]:
        rows = self.across(key, year, region=region)
        valued = [(a, f) for a, f in rows if f.value is not None]
        valued.sort(key=lambda row: (-row[1].value, row[0]))  # type: ignore[operator]
        return valued, len(rows) - len(valued)

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]:
        item = self._reports.get((agency_id, year))
        return list(item.checks) if item else []

    def checks_of(self, agency_ids: Sequence[int], year: int) -> dict[int, list[CheckInfo]]:
        return {a: found for a in agency_ids if (found := self.checks(a, year))}

    def facts(self, agency_id: int, year: int) -> dict[str, FigureInfo]:
        item = self._reports.get((agency_id, year))
        if item is None:
            return {}
        stated = {k: f for k, f in item.figures.items() if is_fact_key(k)}
        return stated | item.facts

    def stated(self, agency_ids: Sequence[int], year: int, key: str) -> dict[int, FigureInfo]:
        return {a: f for a in agency_ids if (f := self.facts(a, year).get(key)) is not None}
