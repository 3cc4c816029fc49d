"""The App Home tab in Block Kit: a glance at clients, money owed and the next reminders, and a way into `/fire`.

Layout only. What the tab says comes from the core's home summary
(`bot/home.py`: the client count, the amounts owed, the next reminders and
follow-ups, already worded); the labels come from the core's catalog.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from bot.events import Address, Command
from bot.i18n import Messages
from bot.parser import quote
from bot.replies import Form, FormField, Option
from adapters.slack.render import escape, shorten

if TYPE_CHECKING:
    from bot.home import HomeSummary

FIRE_BUTTON = "slackui:fire"
FIRE_FORM = "slackui:fire"


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, 3000)}}


def view(summary: HomeSummary, t: Messages, user: str) -> dict:
    """The home view for `views.publish`; `user` owns its button."""
    clients, owed, nexts = summary.clients, summary.owed, summary.upcoming
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
                        "value": user,
                    }
                ],
            }
        )
    else:
        blocks.append(_section(escape(t("slack.home.no_clients"))))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(t("slack.home.help"))}]})
    return {"type": "home", "blocks": blocks}


def fire_form(names: Sequence[str], t: Messages) -> Form | None:
    """A one-field form: which client to think about. None when there is no client yet."""
    if not names:
        return None
    return Form(
        id=FIRE_FORM,
        title=t("slack.home.fire_title"),
        submit_label=t("slack.home.fire_submit"),
        fields=(FormField(id="client", label=t("slack.home.fire_client"), kind="select", options=tuple(Option(n, n) for n in names)),),
    )


def fire_command(address: Address, client_name: str) -> Command:
    return Command(address, command="fire", text=quote(client_name) if client_name else "")
