"""A neutral `Reply` as terminal text: plain words, numbered answers, Back and Cancel as letters.

The reply model marks emphasis with `*bold*` (Slack's own syntax); a terminal
shows it in bold when it can and as plain words otherwise, never as
asterisks. Answers are numbered 1..n; the ways around them (Back, Cancel,
back to an open question) are never numbered, so a habit number can't hit
them: they are typed as `b`/`back`, `c`/`cancel`, `r`/`continue`.
"""
from __future__ import annotations

import re

from bot.replies import Choice, Reply

_BOLD = re.compile(r"\*([^*\n]+)\*")

#: The letter and the word a navigation choice is typed as, whatever the language.
NAV_KEYS: dict[str, tuple[str, str]] = {"back": ("b", "back"), "cancel": ("c", "cancel"), "continue": ("r", "continue")}


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, s: str) -> str:
        return f"\033[1m{s}\033[0m" if self.color else s

    def dim(self, s: str) -> str:
        return f"\033[2m{s}\033[0m" if self.color else s

    def red(self, s: str) -> str:
        return f"\033[31m{s}\033[0m" if self.color else s

    def emphasis(self, text: str) -> str:
        return _BOLD.sub(lambda m: self.bold(m.group(1)), text)

    def plain(self, text: str) -> str:
        return _BOLD.sub(lambda m: m.group(1), text)


def nav_line(choices: tuple[Choice, ...]) -> str:
    return "   ".join(f"{NAV_KEYS.get(c.nav, (c.nav, c.nav))[0]}) {c.label}" for c in choices)


def render(reply: Reply, style: Style) -> str:
    out: list[str] = []
    if reply.title:
        out.append(style.bold(style.plain(reply.title)))
    if reply.text:
        text = style.emphasis(reply.text)
        out.append(style.red(style.plain(reply.text)) if reply.is_error else text)
    out.extend(style.emphasis(line) for line in reply.lines)
    width = max((len(f.label) for f in reply.fields), default=0)
    out.extend(f"  {style.plain(f.label).ljust(width)}  {style.emphasis(f.value)}" for f in reply.fields)
    if reply.context:
        out.append(style.dim(style.plain(reply.context)))
    for number, choice in enumerate(reply.answers, start=1):
        out.append(f"  {number}) {style.plain(choice.label)}")
    if reply.navigation:
        out.append("  " + nav_line(reply.navigation))
    for field_id, message in reply.form_errors:
        out.append(style.red(f"  {field_id}: {style.plain(message)}"))
    return "\n".join(out)
