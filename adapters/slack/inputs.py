"""What a user entered in one Block Kit input element, as the text the core reads.

`view.state.values` holds each element's state in a shape of its own: `value`
for text inputs, `selected_option` for selects and radio buttons,
`selected_options` for multi-selects and checkboxes, `selected_date`,
`selected_time`, `selected_date_time` (Unix seconds), `selected_user(s)`,
`selected_conversation(s)`, `selected_channel(s)`, `rich_text_value`, `files`.
Multiple choices reach the core as one comma-separated string.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

_SINGLE = ("selected_user", "selected_conversation", "selected_channel", "selected_date", "selected_time")
_MULTI = ("selected_users", "selected_conversations", "selected_channels")


def _rich_text(node: Any) -> str:
    """The plain text of a rich_text_value (sections, lists, quotes, links, mentions)."""
    if isinstance(node, list):
        return "".join(_rich_text(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text") or "")
    if kind == "link":
        return str(node.get("text") or node.get("url") or "")
    if kind == "user":
        return f"<@{node.get('user_id', '')}>"
    if kind == "channel":
        return f"<#{node.get('channel_id', '')}>"
    if kind == "emoji":
        return f":{node.get('name', '')}:"
    text = _rich_text(node.get("elements") or [])
    if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote", "rich_text_list"):
        return text + ("\n" if kind != "rich_text_list" else "")
    return text


def value_of(state: dict) -> str:
    """One element's state as text ('' when nothing was entered)."""
    if not isinstance(state, dict):
        return ""
    if state.get("selected_options") is not None:
        return ",".join(str(o.get("value") or "") for o in state.get("selected_options") or [] if isinstance(o, dict))
    if "selected_option" in state:
        return str((state.get("selected_option") or {}).get("value") or "")
    for key in _MULTI:
        if state.get(key) is not None:
            return ",".join(str(v) for v in state[key])
    for key in _SINGLE:
        if state.get(key):
            return str(state[key])
    if state.get("selected_date_time"):
        try:
            return datetime.fromtimestamp(int(state["selected_date_time"]), tz=timezone.utc).isoformat(timespec="seconds")
        except (TypeError, ValueError, OverflowError):
            return ""
    if state.get("rich_text_value"):
        return _rich_text(state["rich_text_value"]).strip()
    if state.get("files"):
        return ",".join(str(f.get("id") or "") for f in state["files"] if isinstance(f, dict))
    value = state.get("value")
    return "" if value is None else str(value)
