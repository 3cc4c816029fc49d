"""What every benchmark shares: a result row, percentiles, and the machine it ran on.

Each benchmark module has `run(quick: bool = False) -> list[Result]` and can
be run alone (`python -m bench.core_throughput`); `python -m bench` runs them
all in separate processes (so one's memory and imports never colour
another's) and prints one table.
"""
from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parents[1]
#: A bench run prints its results as one JSON line starting with this marker, for the runner.
MARKER = "BENCH-RESULTS "


@dataclass(frozen=True)
class Result:
    bench: str
    metric: str
    ours: float
    unit: str
    baseline: float | None = None  # the same work done by the reference (bare Bolt, raw sqlite3, bare Python)
    goal: str = ""  # in words, e.g. "ratio <= 1.3"
    ok: bool | None = None  # None: informational, no goal
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline  # type: ignore[operator]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("empty sample")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """The environment of a start-up benchmark's processes, with Redflag's bytecode compiled as installed.

    An installed program runs from `.pyc` files (pip compiles them; the SDKs in
    site-packages have theirs). With `PYTHONDONTWRITEBYTECODE` set (some shells
    and CI runners set it) and a tree freshly edited, every start of a working
    copy would compile Redflag's ~150 modules from source, hundreds of ms the
    reference never pays: so the bytecode is compiled here first, and the flag
    is left out for both sides.
    """
    import compileall

    for package in ("adapters", "bot", "redflag", "storage"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) // 1024 // 1024} GB RAM"
                break
    except OSError:
        pass
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(results: Sequence[Result]) -> str:
    """A Markdown table (readable in a terminal, pasteable into docs/bench.md)."""
    head = ["benchmark", "metric", "Redflag", "reference", "ratio", "goal", "met"]
    rows = []
    for r in results:
        ratio = r.ratio
        rows.append(
            [
                r.bench,
                r.metric,
                _fmt(r.ours, r.unit),
                _fmt(r.baseline, r.unit),
                f"{ratio:.2f}×" if ratio is not None else "-",
                r.goal or "-",
                {True: "yes", False: "NO", None: "-"}[r.ok],
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(row) for row in rows)
    notes = [f"- {r.bench} / {r.metric}: {r.note}" for r in results if r.note]
    if notes:
        out.append("")
        out.extend(notes)
    return "\n".join(out)


def emit(results: Sequence[Result]) -> None:
    """Print the table for a human, and one JSON line for `python -m bench`."""
    print(table(results))
    print(MARKER + json.dumps([asdict(r) for r in results]))
    sys.stdout.flush()


def parse(output: str) -> list[Result] | None:
    for line in output.splitlines():
        if line.startswith(MARKER):
            return [Result(**d) for d in json.loads(line[len(MARKER):])]
    return None


def quick_flag(argv: Sequence[str]) -> bool:
    return "--quick" in argv


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, as an operator stops the bot; SIGKILL if it has not gone in 20 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
