"""The last few Pareto charts, kept by the data they draw: a report whose data has not changed is not drawn again.

matplotlib takes ~200 ms for the chart whatever its size; the key is every
input the PNG depends on (the ranking, every word on it, the locale that
formats its numbers), so a hit is byte-for-byte the chart that would be drawn.
Kept in memory only (a few charts of ~100 kB), least recently used first out
(`cachetools.LRUCache`).
"""
from __future__ import annotations

import threading
from typing import Callable, Hashable

from cachetools import LRUCache

#: How many charts are kept (per process).
SIZE = 32

_charts: "LRUCache[Hashable, bytes]" = LRUCache(SIZE)
_lock = threading.Lock()  # requests run on a pool of threads; cachetools' caches are not thread-safe


def chart(key: Hashable, draw: Callable[[], bytes]) -> bytes:
    """The PNG for `key`, drawn by `draw()` only when not kept."""
    with _lock:
        png = _charts.get(key)
    if png is not None:
        return png
    png = draw()  # outside the lock: two reports at once both draw, neither waits
    with _lock:
        _charts[key] = png
    return png


def clear() -> None:
    with _lock:
        _charts.clear()
