"""Issue 14, item 5: a long answer never uses one response_url more than five times."""
from __future__ import annotations

from collections import Counter

from slack_harness import shown
from storage.db import to_iso, utcnow

N = 10_000
_LONG = "Holdings & Partners International"  # real client names are longer than "Acme"


def _many_clients(store, n: int) -> None:
    now = to_iso(utcnow())
    with store.database.transaction():
        store.database.conn.executemany(
            "INSERT INTO clients (workspace, owner, name, name_key, terms_days, currency, paused, created_at) VALUES ('T1', 'U1', ?, ?, 30, 'EUR', 0, ?)",
            [(f"Client {i:05d} {_LONG}", f"client {i:05d} {_LONG.casefold()}", now) for i in range(n)],
        )


async def test_client_list_with_ten_thousand_clients_stays_within_five_response_url_posts(slack, fake, store):
    _many_clients(store, N)
    body, _ = slack.command_body("/client", "list")
    status, ack = await slack.post(body)
    assert status == 200

    def everything() -> str:
        parts = [shown(ack["blocks"])] if isinstance(ack, dict) and ack.get("blocks") else []
        parts += [shown(r["blocks"]) for r in fake.responses]
        parts += [shown(c.params["blocks"]) for c in fake.calls_to("chat.postEphemeral")]
        return "\n".join(parts)

    await fake.wait_for(lambda: f"Client {N - 1:05d}" in everything(), timeout=120)
    per_url = Counter(r["_url"] for r in fake.responses)
    assert per_url and max(per_url.values()) <= 5
    later = fake.calls_to("chat.postEphemeral")
    assert len(fake.responses) + len(later) > 5  # the answer needs more than five messages
    assert later and all(c.params["user"] == "U1" and c.params["channel"] == "C2147483705" for c in later)
    text = everything()
    assert all(f"Client {i:05d}" in text for i in range(0, N, 997))  # nothing dropped
