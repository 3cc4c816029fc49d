"""The reply model's light markup (`*bold*`, "• " bullets) as Discord markdown, and pagination.

User text (client names, notes) may contain Discord markdown characters; they
are escaped so a note like `2*3_4` reads as typed. Long bodies are split at
paragraph, then line, then word boundaries so nothing is cut off.
"""
from __future__ import annotations

import re

from discord.utils import escape_markdown

_BOLD = re.compile(r"\*([^*\n]+)\*")
_LINE_START = re.compile(r"^(#{1,3} |-# |\d+\. )", re.MULTILINE)


def escape(text: str) -> str:
    escaped = escape_markdown(text)
    return _LINE_START.sub(lambda m: "\\" + m.group(1), escaped)


def to_markdown(text: str) -> str:
    """`*bold*` -> `**bold**`; everything else escaped."""
    out: list[str] = []
    pos = 0
    for match in _BOLD.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append("**" + escape(match.group(1)) + "**")
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def truncate(text: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis (callers keep the full text elsewhere)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _split_long(piece: str, limit: int, seps: tuple[str, ...]) -> list[str]:
    """Split one piece that is longer than `limit` at the best separator available."""
    if len(piece) <= limit:
        return [piece]
    if not seps:
        cut = limit
        if piece[cut - 1] == "\\":  # never separate an escape from its character
            cut -= 1
        return [piece[:cut]] + _split_long(piece[cut:], limit, ())
    sep, rest = seps[0], seps[1:]
    parts = piece.split(sep)
    if len(parts) == 1:
        return _split_long(piece, limit, rest)
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = part if not current else current + sep + part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(part) <= limit:
            current = part
        else:
            pieces = _split_long(part, limit, rest)
            chunks.extend(pieces[:-1])
            current = pieces[-1]
    if current:
        chunks.append(current)
    return chunks


def paginate(paragraphs: list[str], limit: int) -> list[str]:
    """Join paragraphs with blank lines into pages of at most `limit` characters, losing none."""
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return []
    return [chunk for chunk in _split_long(text, limit, ("\n\n", "\n", " ")) if chunk.strip()]
