"""Replies to JSON and back, so an answer can be stored and given again to a retried request.

The retry memory (`storage/requests.py`) keeps the answer a request got; a
retry that reaches another process, or this one after a restart, gets exactly
that answer back from this text.
"""
from __future__ import annotations

import base64
import json
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, Sequence

from bot.replies import Attachment, Choice, Field, Form, FormField, Option, Reply


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives, without its deep copy of every value (the replies are frozen, and
    this runs for every answer the retry memory keeps: issue 20)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _names(type(value))}
    return value


def _default(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(type(value))


def dumps(replies: Sequence[Reply]) -> str:
    return json.dumps([_plain(r) for r in replies], default=_default, ensure_ascii=False)


def _bytes(value: Any) -> bytes:
    return base64.b64decode(value["__b64"]) if isinstance(value, dict) else bytes(value or b"")


def _form(data: dict | None) -> Form | None:
    if data is None:
        return None
    fields = tuple(
        FormField(**{**f, "options": tuple(Option(**o) for o in f.get("options", ()))}) for f in data.get("fields", ())
    )
    return Form(**{**data, "fields": fields})


def loads(text: str) -> list[Reply]:
    out = []
    for r in json.loads(text):
        out.append(
            Reply(
                **{
                    **r,
                    "lines": tuple(r.get("lines", ())),
                    "fields": tuple(Field(**f) for f in r.get("fields", ())),
                    "choices": tuple(Choice(**c) for c in r.get("choices", ())),
                    "files": tuple(Attachment(**{**a, "content": _bytes(a.get("content"))}) for a in r.get("files", ())),
                    "form": _form(r.get("form")),
                    "form_errors": tuple(tuple(e) for e in r.get("form_errors", ())),
                    "line_choices": tuple(tuple(Choice(**c) for c in row) for row in r.get("line_choices", ())),
                    "later": (),  # never kept: a reply whose files follow is not remembered (bot/answers.py)
                }
            )
        )
    return out
