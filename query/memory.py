"""An in-memory `ReportSource`: for tests, the benchmark, and trying the asker without a DB."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from query.source import AgencyInfo, CheckInfo, FigureInfo, ReportInfo, is_fact_key


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

    def agencies(self) -> Sequence[AgencyInfo]:
        return list(self._agencies.values())

    def years(self, agency_id: int) -> list[int]:
        return list(self._years.get(agency_id, ()))

    def report(self, agency_id: int, year: int) -> ReportInfo | None:
        item = self._reports.get((agency_id, year))
        return item.report if item else None

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

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]:
        item = self._reports.get((agency_id, year))
        return list(item.checks) if item else []

    def facts(self, agency_id: int, year: int) -> dict[str, FigureInfo]:
        item = self._reports.get((agency_id, year))
        if item is None:
            return {}
        stated = {k: f for k, f in item.figures.items() if is_fact_key(k)}
        return stated | item.facts
