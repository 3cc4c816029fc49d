"""Every client of one user with their invoices and trouble score, from three queries.

`/client list`, `/client report` and the pattern alerts all rank clients;
they read the same numbers from here so they never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.money import per_currency
from bot.report.pareto import ClientTrouble
from bot.scoring import average_days_late, trouble_points
from storage.records import Client, Invoice

if TYPE_CHECKING:
    from bot.context import Context


@dataclass(frozen=True)
class Standing:
    """A client's score and lateness as `/client list` ranks them."""
    client: Client
    invoices: tuple[Invoice, ...]
    score: float
    average_days_late: float | None
    points: float = 0.0  # the score before rounding

    @property
    def owed(self) -> list[tuple[int, str]]:
        """Open balances as (minor units, currency), one per unpaid invoice."""
        return [(i.balance_minor, i.currency) for i in self.invoices if i.status == "open" and i.balance_minor]


def standings(ctx: "Context") -> list[Standing]:
    incidents = ctx.store.incidents.kinds_by_client(ctx.owner)
    by_client: dict[int, list[Invoice]] = {}
    for inv in ctx.store.invoices.list(ctx.owner):
        by_client.setdefault(inv.client_id, []).append(inv)
    out = []
    for client in ctx.store.clients.list(ctx.owner):
        invoices = by_client.get(client.id, [])
        flat = [(kind, when) for kind, times in incidents.get(client.id, {}).items() for when in times]
        points = trouble_points(flat, invoices, ctx.today)
        out.append(
            Standing(
                client=client,
                invoices=tuple(invoices),
                score=round(points, 1),
                average_days_late=average_days_late(invoices, ctx.today),
                points=points,
            )
        )
    return out


def troubles(ctx: "Context") -> list[ClientTrouble]:
    """Every client's score and revenue, for the Pareto ranking, from the same three queries.

    Revenue is each invoice's paid amount (the sum of its payments, in the invoice's own currency).
    """
    return [
        ClientTrouble(row.client.name, row.score, per_currency((inv.currency, inv.paid_minor) for inv in row.invoices), row.client.id)
        for row in standings(ctx)
    ]
