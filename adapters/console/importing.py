"""`/invoice import <path>` in the console: read the file here, hand its bytes to the core, draw progress.

Only the console reads paths: on Slack and Discord the file comes from the
platform, so a typed path can never make the bot read the server's disk.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.events import Upload
from bot.importing.progress import watched

if TYPE_CHECKING:
    from adapters.console.repl import Console

BAR = 30
#: The label before the bar, per stage of the import (`bot/importing/progress.py`).
STAGE_LABELS: dict[str, str] = {"read": "console.import_read", "write": "console.import_write"}


def wants_file(line: str) -> str | None:
    """The path in `/invoice import <path>`, or None when the line is something else."""
    words = line.split(None, 2)
    if len(words) == 3 and words[0].lower() == "/invoice" and words[1].lower() == "import":
        return words[2].strip().strip('"').strip("'")
    return None


class Bar:
    """A one-line progress bar, redrawn in place; silent when the console is piped."""

    def __init__(self, console: "Console") -> None:
        self.console = console
        self.drawn = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.console.interactive or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = BAR * done // total
        label = self.console.t(STAGE_LABELS[stage])
        with self.console.lock:
            self.console.stdout.write(f"\r{label} [{'#' * filled}{'.' * (BAR - filled)}] {100 * done // total:3d}%")
            self.console.stdout.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            with self.console.lock:
                self.console.stdout.write("\n")
                self.console.stdout.flush()


def run_with_bar(console: "Console", event) -> list:
    bar = Bar(console)
    try:
        return watched(lambda: console.core.handle(event), bar)
    finally:
        bar.close()


def import_file(console: "Console", raw: str) -> None:
    path = Path(os.path.expanduser(raw)).resolve()
    if not path.is_file():
        console.write(console.t("console.import_no_file", path=str(path)))
        return
    data = path.read_bytes()  # the core refuses one that is too big, naming its size
    console.show(run_with_bar(console, Upload(console.address, path.name, data, request_id=console._request_id())))
