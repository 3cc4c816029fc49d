"""`/client report` with its chart for 100 clients (issue 20): the first one in a fresh process, and warm.

100 clients and 2 000 incidents, bulk-loaded as in `bench/core_throughput.py`.
In a fresh process, the chart warm-up that `redflag` starts once it serves
(`bot.report.chart.warm_in_background`) runs first, as it would during the
seconds after start-up; then the first `/client report` through `Core.handle`
is timed, then reports with the data unchanged (the chart kept by its data,
`bot/chart_cache.py`), then reports each after a new incident (the chart
drawn again: matplotlib's own time). Goal: ≤ 100 ms warm.
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from bench._common import Result, emit, median, quick_flag
from bench.core_throughput import USER, WORKSPACE, load


def run(quick: bool = False) -> list[Result]:
    from bot.core import Core
    from bot.events import Address, Command
    from bot.report.chart import warm_in_background
    from storage.store import Store

    rounds = 5 if quick else 20
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        path = Path(tmp) / "report.db"
        names = load(path, 100, 2_000)
        core = Core(Store(path))
        me = Address("console", WORKSPACE, USER)

        def report() -> float:
            t = time.perf_counter()
            [reply] = core.handle(Command(me, "client", "report"))
            took = time.perf_counter() - t
            assert reply.files and reply.files[0].content.startswith(b"\x89PNG"), reply.plain()
            return took

        t = time.perf_counter()
        warm_in_background(0.0)
        for thread in threading.enumerate():
            if thread.name == "chart-warm-up":
                thread.join()
        warm_up = time.perf_counter() - t
        first = report()
        unchanged = [report() for _ in range(rounds)]
        changed = []
        for i in range(rounds):
            core.handle(Command(me, "incident", f'"{names[i % 10]}" scope-creep round {i}'))
            changed.append(report())
        core.store.close()
    warm_ms = median(unchanged) * 1e3
    return [
        Result("report", "/client report, 100 clients: first in a fresh process", first * 1e3, "ms",
               note=f"after the start-up warm-up ({warm_up * 1e3:.0f} ms in its own thread, off the request path)"),
        Result("report", "/client report, 100 clients: warm, data unchanged", warm_ms, "ms", goal="≤ 100 ms",
               ok=warm_ms <= 100, note=f"median of {rounds}; after a new incident (chart drawn again): "
               f"median {median(changed) * 1e3:.0f} ms"),
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
