"""Agency search: every agency's names and region in memory, matched by substring.

A LIKE over names, former names and region names of 100,000 agencies took 60–80 ms in SQLite
(bench/web.py); the same search over an in-memory list takes a few milliseconds. The list is
built from one query (about half a second at that size) and rebuilt when the store changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.browse import AgencyRow, Browser, RegionPath


@dataclass(frozen=True, slots=True)
class Entry:
    row: AgencyRow
    text: str  # name, former names and region, searched as one string


class Directory:
    """Agencies in the order pages list them (region, then name)."""

    def __init__(self, browser: Browser) -> None:
        self.entries = [
            Entry(row, "\n".join((row.name, row.region, *aliases)))
            for row, aliases in browser.directory()
        ]

    def search(
        self, words: str, path: RegionPath, *, limit: int, offset: int = 0
    ) -> list[AgencyRow]:
        """Agencies in `path` whose text holds every word of `words`, a page at a time."""
        needles = words.split()
        found: list[AgencyRow] = []
        skip = offset
        for entry in self.entries:
            if all(n in entry.text for n in needles) and path.holds(entry.row):
                if skip:
                    skip -= 1
                    continue
                found.append(entry.row)
                if len(found) == limit:
                    break
        return found
