"""`/client report` with its chart for 100 clients (issue 20): the first one in a fresh process, and warm.

100 clients and 2 000 incidents, bulk-loaded as in `bench/core_throughput.py`.
In a fresh process, the chart warm-up that `redflag` starts once it serves
(`bot.report.chart.warm_in_background`) runs first, as it would during the
seconds after start-up; then the first `/client report` through `Core.handle`
is timed, then reports with the data unchanged (the chart kept by its data,
`bot/chart_cache.py`), then reports each after a new incident (the chart
drawn again: matplotlib's own time). Goal: ≤ 100 ms warm. First of all, in
the fresh process before any warm-up, the report's text as the surfaces now
ask for it (`later=True`: the chart an order, drawn after the text is out):
matplotlib must not be imported on that path.
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

        # The text first, as Slack, Discord and the console answer it (issue 20, fourth pass): in this fresh
        # process, before any warm-up, with the chart left as an order to draw after the text is out.
        t = time.perf_counter()
        [text_reply] = core.handle(Command(me, "client", "report"), later=True)
        text_first = time.perf_counter() - t
        assert not text_reply.files and len(text_reply.later) == 1, text_reply.plain()
        drawn_before_text = "matplotlib" in sys.modules  # the text's path never imports it
        from bot.later import make

        t = time.perf_counter()
        [cold_chart] = make(text_reply.later[0])
        cold = time.perf_counter() - t
        assert cold_chart.content.startswith(b"\x89PNG")
        from bot import chart_cache

        chart_cache.clear()  # the rows below start from no chart kept, as before
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
        Result("report", "/client report, 100 clients: its text, first in a fresh process", text_first * 1e3, "ms",
               goal="chart not on the request path", ok=not drawn_before_text,
               note=f"no warm-up, the chart an order drawn after the text is out: matplotlib imported before the "
                    f"text {'yes' if drawn_before_text else 'no'}; that first chart then took {cold * 1e3:.0f} ms "
                    f"(import and first draw), in the slow lane's worker on Slack and Discord"),
        Result("report", "/client report with its chart, 100 clients: first after the warm-up", first * 1e3, "ms",
               note=f"after the start-up warm-up ({warm_up * 1e3:.0f} ms in its own thread, off the request path)"),
        Result("report", "/client report, 100 clients: warm, data unchanged", warm_ms, "ms", goal="≤ 100 ms",
               ok=warm_ms <= 100, note=f"median of {rounds}; after a new incident (chart drawn again): "
               f"median {median(changed) * 1e3:.0f} ms"),
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
