"""The last few Pareto charts, kept by the data they draw: a report whose data has not changed is not drawn again.

matplotlib takes ~200 ms for the chart whatever its size; the key is every
input the PNG depends on (the ranking, every word on it, the locale that
formats its numbers), so a hit is byte-for-byte the chart that would be drawn.
Kept in memory only (a few charts of ~100 kB), least recently used first out.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable

#: How many charts are kept (per process).
SIZE = 32

_charts: "OrderedDict[Hashable, bytes]" = OrderedDict()
_lock = threading.Lock()


def chart(key: Hashable, draw: Callable[[], bytes]) -> bytes:
    """The PNG for `key`, drawn by `draw()` only when not kept."""
    with _lock:
        png = _charts.get(key)
        if png is not None:
            _charts.move_to_end(key)
            return png
    png = draw()  # outside the lock: two reports at once both draw, neither waits
    with _lock:
        _charts[key] = png
        _charts.move_to_end(key)
        while len(_charts) > SIZE:
            _charts.popitem(last=False)
    return png


def clear() -> None:
    with _lock:
        _charts.clear()
