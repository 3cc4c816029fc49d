"""The App Home tab: a glance at clients, money owed and the next reminders, and a way into `/fire`.

Read-only: it reads the user's own rows through the store (scoped to the
owner like everything else) and formats them with the core's catalog.
"""
from __future__ import annotations

from bot import fmt
from bot.context import Context
from bot.events import Address, Command
from bot.parser import quote
from bot.replies import Form, FormField, Option
from adapters.slack.render import escape, shorten

FIRE_BUTTON = "slackui:fire"
FIRE_FORM = "slackui:fire"
MAX_NEXT = 5


def _owed(ctx: Context) -> list[str]:
    sums: dict[str, int] = {}
    for inv in ctx.store.invoices.list(ctx.owner):
        if inv.status == "open" and inv.balance_minor > 0:
            sums[inv.currency] = sums.get(inv.currency, 0) + inv.balance_minor
    return [fmt.money(ctx.language, minor, cur) for cur, minor in sorted(sums.items())]


def _next_nudges(ctx: Context) -> list[str]:
    """The next reminders and follow-ups, soonest first (a follow-up at its send hour, in the user's zone)."""
    names = {c.id: c.name for c in ctx.store.clients.list(ctx.owner)}
    paused = {c.id for c in ctx.store.clients.list(ctx.owner) if c.paused}
    upcoming: list[tuple[object, int, str]] = []
    for inv in ctx.store.invoices.list(ctx.owner):
        if inv.status != "open" or inv.balance_minor <= 0 or inv.client_id in paused:
            continue
        day = ctx.store.invoices.next_check_of(inv.id) or inv.due_on
        if inv.snoozed_until and inv.snoozed_until > day:
            day = inv.snoozed_until
        line = ctx.t("slack.home.next_line", day=fmt.day(ctx.language, day), ref=inv.ref,
                     name=names.get(inv.client_id, "?"),
                     amount=fmt.money(ctx.language, inv.balance_minor, inv.currency))
        upcoming.append((day, inv.id, line))
    for f in ctx.store.followups.for_owner(ctx.owner):
        if not f.pending:
            continue
        name = names.get(f.client_id or 0) or (f.payload or {}).get("client_name") or "?"
        line = ctx.t("slack.home.next_followup", when=fmt.moment(ctx.language, ctx.tz, f.due_at), name=name)
        upcoming.append((f.due_at.astimezone(ctx.tz).date(), -f.id, line))
    upcoming.sort(key=lambda item: (item[0], item[1]))
    return [line for _, _, line in upcoming[:MAX_NEXT]]


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, 3000)}}


def view(ctx: Context) -> dict:
    t = ctx.t
    clients = ctx.store.clients.list(ctx.owner)
    owed = _owed(ctx)
    nexts = _next_nudges(ctx)
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": t("slack.home.title")}},
        _section(t("slack.home.intro")),
        {"type": "divider"},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{escape(t('slack.home.clients'))}*\n{len(clients)}"},
                {"type": "mrkdwn", "text": f"*{escape(t('slack.home.owed'))}*\n{escape(' + '.join(owed) if owed else t('slack.home.nothing_owed'))}"},
            ],
        },
        _section(f"*{escape(t('slack.home.next_nudges'))}*\n" + escape("\n".join(f"• {line}" for line in nexts) if nexts else t("slack.home.no_nudges"))),
    ]
    if clients:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": FIRE_BUTTON,
                        "text": {"type": "plain_text", "text": shorten(t("slack.home.fire_button"), 75)},
                        "value": ctx.address.user,
                    }
                ],
            }
        )
    else:
        blocks.append(_section(escape(t("slack.home.no_clients"))))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(t("slack.home.help"))}]})
    return {"type": "home", "blocks": blocks}


def fire_form(ctx: Context) -> Form | None:
    """A one-field form: which client to think about. None when there is no client yet."""
    names = [c.name for c in ctx.store.clients.list(ctx.owner)]
    if not names:
        return None
    return Form(
        id=FIRE_FORM,
        title=ctx.t("slack.home.fire_title"),
        submit_label=ctx.t("slack.home.fire_submit"),
        fields=(FormField(id="client", label=ctx.t("slack.home.fire_client"), kind="select", options=tuple(Option(n, n) for n in names)),),
    )


def fire_command(address: Address, client_name: str) -> Command:
    return Command(address, command="fire", text=quote(client_name) if client_name else "")
