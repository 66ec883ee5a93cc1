"""One small cache for everything nianbao keeps in memory between requests (rendered pages, region
scopes, indicator rows, scorecards): the newest `size` entries, each valid while the version it was
stored under is the one asked for (a store or registry fingerprint) and, with `ttl`, for at most
that many seconds (bounding what a fingerprint cannot see).

    pages = LRU(size=512, ttl=30)
    html = pages.get(("dashboard", 2023), version=store.data_version())
    if html is None:
        pages.put(("dashboard", 2023), render(), version=store.data_version())
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class LRU:
    def __init__(self, size: int = 128, ttl: float | None = None):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict[Hashable, tuple[float, Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Any = None) -> Any:
        """The value stored under `key` and `version`, or None (missing, other version, expired)."""
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[1] != version or (self.ttl is not None and time.monotonic() - hit[0] > self.ttl):
                return None
            self._items.move_to_end(key)
            return hit[2]

    def put(self, key: Hashable, value: Any, version: Any = None) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), version, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
