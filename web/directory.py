"""Agency search: every agency's names and region in memory, matched by substring.

A LIKE over names, former names and region names of 100,000 agencies took 60–80 ms in SQLite
(bench/web.py). Here the texts are joined into one string that `str.find` scans at C speed for
the first word (under 10 ms at that size); the other words and the region are checked
on the agencies it hits. Built from one query and rebuilt when the store changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from services import AgencyRow, Browser, RegionPath

_SEPARATOR = "\x00"  # never in a name, so a match never spans two agencies


class Directory:
    """Agencies in the order pages list them (region, then name)."""

    def __init__(self, browser: Browser) -> None:
        self.rows: list[AgencyRow] = []
        self._texts: list[str] = []
        self._starts: list[int] = []  # where each agency's text begins in `_blob`
        position = 0
        for row, aliases in browser.directory():
            text = "\n".join((row.name, row.region, *aliases)).replace(_SEPARATOR, "")
            self.rows.append(row)
            self._texts.append(text)
            self._starts.append(position)
            position += len(text) + 1
        self._blob = _SEPARATOR.join(self._texts)

    def _hits(self, word: str) -> Iterator[int]:
        """Indexes of the agencies whose text holds `word`, in order, found as they are asked
        for (a common word stops at the first page)."""
        at = self._blob.find(word)
        while at != -1:
            index = bisect_right(self._starts, at) - 1
            yield index
            at = self._blob.find(word, self._starts[index] + len(self._texts[index]) + 1)

    def search(
        self, words: str, path: RegionPath, *, limit: int, offset: int = 0
    ) -> list[AgencyRow]:
        """Agencies in `path` whose text holds every word of `words`, a page at a time."""
        needles = [w.replace(_SEPARATOR, "") for w in words.split()]
        needles = [w for w in needles if w]
        if not needles:
            return []
        found: list[AgencyRow] = []
        skip = offset
        # the rarest word has the fewest agencies to check (str.count runs at C speed too)
        rarest = needles[0] if len(needles) == 1 else min(needles, key=self._blob.count)
        for index in self._hits(rarest):
            row, text = self.rows[index], self._texts[index]
            if not path.holds(row) or not all(n in text for n in needles):
                continue
            if skip:
                skip -= 1
                continue
            found.append(row)
            if len(found) == limit:
                break
        return found
