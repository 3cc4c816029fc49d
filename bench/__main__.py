"""`python -m bench` (`make bench`): every benchmark, each in its own process, then one table.

    python -m bench                 # all, full size (several minutes)
    python -m bench --quick         # smaller data and fewer requests: a smoke run
    python -m bench core_throughput startup   # only these
    python -m bench --markdown out.md         # also write the table with machine and date

Benchmarks are not tests: nothing here runs under pytest, and no result
fails a build. A goal that is missed shows "NO" in the `met` column; the
notes under the table say what was measured.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench._common import REPO, Result, machine, parse, table

#: In the order they run; `sweep` belongs to the reminders work; the `pg_` ones start a throwaway PostgreSQL.
BENCHMARKS = ("slack_roundtrip", "core_throughput", "sweep", "delivery", "memory", "startup", "startup_serve", "report_chart", "import_csv", "installations", "pg_sweepers", "pg_roundtrip")


def run_one(name: str, quick: bool) -> tuple[list[Result], str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if quick else [])
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    results = parse(proc.stdout)
    if proc.returncode != 0 or results is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        return [Result(name, "did not finish", float(proc.returncode), "exit code", ok=False, note=" / ".join(tail))], ""
    return results, f"{name}: {took:.0f} s"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    markdown = None
    if "--markdown" in argv:
        markdown = Path(argv[argv.index("--markdown") + 1])
    wanted = [a for a in argv if not a.startswith("--") and a in BENCHMARKS] or list(BENCHMARKS)
    started = datetime.now(timezone.utc)
    results: list[Result] = []
    timings = []
    for name in wanted:
        print(f"running {name}…", file=sys.stderr, flush=True)
        got, timing = run_one(name, quick)
        results.extend(got)
        if timing:
            timings.append(timing)
    header = (
        f"Redflag benchmarks, {started:%Y-%m-%d %H:%M} UTC{' (quick run: reduced sizes)' if quick else ''}\n"
        f"Machine: {machine()}\n"
        f"Wall time per benchmark: {', '.join(timings)}\n"
    )
    text = header + "\n" + table(results)
    print(text)
    if markdown is not None:
        markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
