"""Code a serving process imports once it serves, not before: the commands declared at start-up but run later.

`/fire`'s conversation (its plan, verdicts, letters and scripts) is a fifth of
the bot's own start-up, most of it frozen dataclasses being built; importing it
when `/fire` is declared would hold the surfaces back from serving (issue 20,
start-up). A daemon thread imports it a moment after the surfaces serve, so the
first `/fire` does not pay for it either; one that comes first imports it
itself (the import lock makes either order safe).
"""
from __future__ import annotations

import importlib
import logging
import threading
import time

log = logging.getLogger(__name__)

#: Imported after serving, in this order.
LATER = ("bot.dialogue.flow",)


def warm_later(delay: float = 1.0, modules: tuple[str, ...] = LATER) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # a warm-up that fails changes nothing: the first use imports as before
                log.debug("warm-up of %s failed", name, exc_info=True)

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread
