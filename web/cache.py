"""Results of the slow read-mostly look-ups (rankings, the agency directory, region counts,
charts), kept until the store changes.

Reports are never edited in place (a correction adds a row), so the store's version — its
newest report id — tells when anything cached may be stale; one index probe per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionCache:
    """A bounded LRU of computed values, emptied when `version()` moves."""

    def __init__(self, version: Callable[[], str], *, size: int = 128) -> None:
        self._version = version
        self._size = size
        self._seen: str | None = None
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The cached value of `key`, else `compute()` (two threads may compute the same key
        once each; the results are equal)."""
        version = self._version()
        with self._lock:
            if version != self._seen:
                self._items.clear()
                self._seen = version
            if key in self._items:
                self._items.move_to_end(key)
                value: T = self._items[key]
                return value
        value = compute()
        with self._lock:
            if version == self._seen:
                self._items[key] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return value
