"""After an incident or a payment is written: look for a pattern and queue its alert.

Called by the core right after the write (`/incident`, the incident form,
`/invoice paid`, Mark paid). It gathers the client's facts, asks the pure
rules (`bot/alerts/rules.py`) and queues each finding in `storage/alerts.py`
under its pattern key, so a retried request or a second check writes one row.
A failure here is logged and never spoils the reply: the write it follows is
already stored.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.alerts import rules
from bot.money import per_currency
from bot.nudges import policy

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Incident

log = logging.getLogger(__name__)


def facts_for(ctx: "Context", client_id: int, added: "Incident | None" = None, *, pareto: bool = True) -> rules.Facts:
    """The client's incidents and invoices, and where it stands among all clients (kept briefly: `bot/alerts/ranking.py`)."""
    from bot.alerts import ranking

    return ranking.facts(ctx, client_id, added, pareto=pareto)


def check_client(ctx: "Context", client_id: int, added: "Incident | None" = None) -> list[int]:
    """Queue every alert that fires now for this client; returns the ids of rows written now.

    `added` is the incident just written, when that is what the check follows; without it
    (a payment) the user's kept ranking is read again.
    """
    if added is None:
        from bot.alerts import ranking

        ranking.forget(ctx)
    try:
        return _check(ctx, client_id, added)
    except Exception:
        log.exception("pattern check for client %s failed", client_id)
        return []


def _check(ctx: "Context", client_id: int, added: "Incident | None") -> list[int]:
    store = ctx.store
    on_file = store.alerts.client_alerts(ctx.owner, client_id)  # settings, keys, last fired, silences: one query
    if not on_file.alerts_on:
        return []
    # The pareto alert's key is one per client: once it is on file, the ranking is not needed.
    facts = facts_for(ctx, client_id, added, pareto=f"pareto:{client_id}" not in on_file.keys)
    findings = rules.evaluate(
        facts, ctx.now, ctx.today,
        last_fired=on_file.last_fired,
        silenced_until=on_file.silenced,
        known_keys=on_file.keys,
    )
    written = []
    for f in findings:
        send_hour = ctx.settings.send_hour
        next_hour = policy.local_moment(ctx.today, send_hour, ctx.tz)
        if next_hour <= ctx.now:
            next_hour = policy.local_moment(ctx.today + timedelta(days=1), send_hour, ctx.tz)
        due = rules.deliver_at(f.urgent, ctx.now, next_hour, store.alerts.last_client_alert(ctx.owner, client_id))
        alert, created = store.alerts.queue(
            ctx.owner, ctx.address.platform, kind="alert", rule=f.family, key=f.key, due_at=due, now=ctx.now,
            client_id=client_id, advice=f.advice, evidence=dict(f.evidence),
        )
        if created:
            written.append(alert.id)
    return written
