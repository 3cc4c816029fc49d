"""The buttons on an alert and on the digest.

`alert:show:<id>` the client's dossier, `alert:fire:<id>` the decision
dialogue, `alert:later:<id>` "Not now" (this rule is quiet for this client
for 30 days), `alert:clause:<id>` the clause to paste into a contract, and
`alert:list:<overdue|invoices|clients>` the lists the digest summarises.
Each click re-reads the store, so a days-old button answers for today.
"""
from __future__ import annotations

from bot import registry
from bot.context import Context
from bot.registry import action
from bot.replies import Reply

LISTS = {"overdue": ("invoice", "list overdue"), "invoices": ("invoice", "list"), "clients": ("client", "list")}


@action("alert")
def alert_button(ctx: Context, action_id: str) -> list[Reply]:
    parts = action_id.split(":")
    if len(parts) != 3:
        return [Reply(text=ctx.t("alert.button_unknown"), is_error=True)]
    verb, arg = parts[1], parts[2]
    if verb == "list" and arg in LISTS:
        command, text = LISTS[arg]
        return registry.COMMANDS[command](ctx, text)
    try:
        alert = ctx.store.alerts.get(int(arg))
    except ValueError:
        alert = None
    if alert is None or alert.owner_key != ctx.owner or alert.client_id is None:
        return [Reply(text=ctx.t("alert.button_unknown"), is_error=True)]
    client = ctx.store.clients.get(ctx.owner, alert.client_id)
    if client is None:
        return [Reply(text=ctx.t("alert.client_gone"), is_error=True)]
    if verb == "show":
        return registry.run_typed(ctx, "client", "show", (("client", client.name),))
    if verb == "fire":
        from bot.dialogue import start_for

        return start_for(ctx, client)
    from bot.alerts import rules  # the rules and their texts on first click, not at start-up (issue 20)
    from bot.alerts.render import CLAUSE_TEXTS

    if verb == "later":
        ctx.store.alerts.silence(ctx.owner, client.id, alert.rule, ctx.now + rules.NOT_NOW)
        return [Reply(text=ctx.t("alert.not_now", client=client.name, days=rules.NOT_NOW.days))]
    if verb == "clause" and alert.advice in rules.CLAUSES:
        return [Reply(title=ctx.t("alert.clause_title"), text=ctx.t(CLAUSE_TEXTS[alert.advice]),
                      context=ctx.t("alert.clause_hint"))]
    return [Reply(text=ctx.t("alert.button_unknown"), is_error=True)]
