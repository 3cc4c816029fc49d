"""Reading the parts of a Slack payload that several listeners need, the same way each time."""
from __future__ import annotations

from datetime import datetime, timezone


def channel_of(body: dict) -> str | None:
    """The conversation a request came from, wherever this kind of payload keeps it."""
    return body.get("channel_id") or (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def ts_to_iso(ts: str | None) -> str:
    """A Slack message timestamp as an ISO moment in UTC ("" when there is none)."""
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=timezone.utc).isoformat(timespec="seconds")
    except ValueError:
        return ""


def unescape(text: str) -> str:
    """Slack's three escapes in message text, undone."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
