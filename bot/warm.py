"""Code a serving process imports once it serves, not before: the commands declared at start-up but run later.

`/fire`'s conversation (its plan, verdicts, letters and scripts) is a fifth of
the bot's own start-up, most of it frozen dataclasses being built; the pattern
rules, a reminder's words, the client list's ranking, the dossier's history
buttons and the CSV layouts are much of the rest. Importing them when their commands are
declared would hold the surfaces back from serving (issue 20, start-up); each
handler imports what it needs on first use instead. A daemon thread imports
them a moment after the surfaces serve, so the first use does not pay either;
one that comes first imports itself (the import lock makes either order safe).
"""
from __future__ import annotations

import importlib
import logging
import threading
import time

log = logging.getLogger(__name__)

#: Imported after serving, in this order.
LATER = (
    "bot.dialogue.flow",
    "bot.alerts.rules", "bot.alerts.render", "bot.alerts.check",
    "bot.nudges.render",
    "bot.standings", "bot.history_view",
    "bot.importing.layouts",
)


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
