"""What the console says to a line that is neither a command nor an answer.

"hello" or "client list" typed without the slash gets told what was wrong
and, where a command is close, "did you mean /client list?"; a bare number
with no question open says so instead of a generic usage line.
"""
from __future__ import annotations

import difflib

from bot import registry
from bot.i18n import Messages


def suggestion(line: str) -> str | None:
    """The command the user most likely meant, written out with its slash, or None."""
    words = line.strip().lstrip("/\\").split()
    if not words:
        return None
    names = sorted(registry.COMMANDS)
    first = words[0].casefold()
    if first in names:
        return "/" + " ".join([first, *words[1:]])
    close = difflib.get_close_matches(first, names, n=1, cutoff=0.75)
    if close:
        return "/" + " ".join([close[0], *words[1:]])
    return None


def not_a_command(t: Messages, line: str) -> str:
    typed = line.strip()
    if typed.isdigit():
        head = t("console.no_open_question", line=typed)
    else:
        head = t("console.not_command", line=typed)
    meant = suggestion(typed) if not typed.isdigit() else None
    tail = t("console.did_you_mean", command=meant) if meant else t("console.see_help", help=t("usage.help"))
    return f"{head} {tail}"
