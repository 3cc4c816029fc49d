"""Where each command, button and form is routed to its handler.

Feature modules register themselves with the decorators below; `bot/core.py`
looks handlers up here. Button ids and form ids are namespaced by a prefix
before the first colon ("dlg:…", "nudge:…", "incident-form"), so a module
owns its ids and a click on a days-old button still finds its handler. An
event that carries no id of its own (a captured chat message) is routed by
its type, registered with `@event(Capture)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from bot.replies import Reply

if TYPE_CHECKING:
    from bot.context import Context

CommandHandler = Callable[["Context", str], list[Reply]]
ActionHandler = Callable[["Context", str], list[Reply]]
FormHandler = Callable[["Context", dict[str, str]], list[Reply]]
EventHandler = Callable[["Context", Any], list[Reply]]

COMMANDS: dict[str, CommandHandler] = {}
ACTIONS: dict[str, ActionHandler] = {}
FORMS: dict[str, FormHandler] = {}
EVENTS: dict[type, EventHandler] = {}


def command(name: str) -> Callable[[CommandHandler], CommandHandler]:
    def register(fn: CommandHandler) -> CommandHandler:
        COMMANDS[name] = fn
        return fn

    return register


def action(prefix: str) -> Callable[[ActionHandler], ActionHandler]:
    def register(fn: ActionHandler) -> ActionHandler:
        ACTIONS[prefix] = fn
        return fn

    return register


def form(form_id: str) -> Callable[[FormHandler], FormHandler]:
    def register(fn: FormHandler) -> FormHandler:
        FORMS[form_id] = fn
        return fn

    return register


def event(kind: type) -> Callable[[EventHandler], EventHandler]:
    def register(fn: EventHandler) -> EventHandler:
        EVENTS[kind] = fn
        return fn

    return register
