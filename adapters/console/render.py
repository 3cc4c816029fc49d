"""A neutral `Reply` as terminal text: numbered choices, fields as `label: value`."""
from __future__ import annotations

import re

from bot.replies import Reply

_BOLD = re.compile(r"\*([^*\n]+)\*")


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


def render(reply: Reply, style: Style) -> str:
    out: list[str] = []
    if reply.title:
        out.append(style.bold(style.emphasis(reply.title).replace("*", "")))
    if reply.text:
        text = style.emphasis(reply.text)
        out.append(style.red(text) if reply.is_error else text)
    out.extend(style.emphasis(line) for line in reply.lines)
    width = max((len(f.label) for f in reply.fields), default=0)
    out.extend(f"  {f.label.ljust(width)}  {style.emphasis(f.value)}" for f in reply.fields)
    if reply.context:
        out.append(style.dim(reply.context))
    for number, choice in enumerate(reply.choices, start=1):
        out.append(f"  {number}) {choice.label}")
    for field_id, message in reply.form_errors:
        out.append(style.red(f"  {field_id}: {message}"))
    return "\n".join(out)
