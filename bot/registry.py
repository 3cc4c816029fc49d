"""Where each command, button and form is routed to its handler.

Feature modules register themselves with the decorators below; `bot/core.py`
looks handlers up here. A command is declared once (`bot/declare.py`): a
group names its subcommands in help order and each subcommand is declared by
the decorator on its handler, with its options. `COMMANDS` keeps the text entry
of each command (`(ctx, text)`: text surfaces and replayed buttons), `DECLARED`
the declarations everything else reads (help, lanes, the Discord tree, the
Slack manifest's check).

Button ids and form ids are namespaced by a prefix before the first colon
("dlg:…", "nudge:…", "incident-form"), so a module owns its ids and a click on
a days-old button still finds its handler. An event that carries no id of its
own (a captured chat message) is routed by its type, registered with
`@event(Capture)`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterable

from bot.declare import Args, Declared, Grammar, Handler, Option, Route, Sub
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.context import Context

CommandHandler = Callable[["Context", str], list[Reply]]
ActionHandler = Callable[["Context", str], list[Reply]]
FormHandler = Callable[["Context", dict[str, str]], list[Reply]]
EventHandler = Callable[["Context", Any], list[Reply]]

COMMANDS: dict[str, CommandHandler] = {}
DECLARED: dict[str, Declared] = {}
GROUPS: dict[str, "Group"] = {}
ACTIONS: dict[str, ActionHandler] = {}
FORMS: dict[str, FormHandler] = {}
EVENTS: dict[type, EventHandler] = {}


class Group:
    """A command with subcommands, declared as `group("client", …)` and filled by `@group.sub(…)`.

    `order` lists the subcommands in help order; a sub declared but not listed
    is refused here, one listed but never declared by `tests/test_declared_commands.py`.
    """

    def __init__(self, name: str, usage: str, order: Iterable[str], *, default: str | None = None,
                 fallback: str | None = None, route: Route | None = None, missing: tuple[str, ...] | None = None) -> None:
        self.name = name
        self.order = tuple(order)
        DECLARED[name] = Declared(name, usage, (), default=default, route=route, missing=missing, fallback=fallback)
        COMMANDS[name] = lambda ctx, text: run_text(ctx, name, text)
        GROUPS[name] = self

    def sub(self, name: str, *, usage: str, options: tuple[Option, ...] = (), help: tuple[str, ...] = (),
            slow: bool = False, discord: bool = True, extra_words: str = "error.extra_words",
            extra_usage: str | None = None, long: bool = False, grammar: Grammar | None = None) -> Callable[[Handler], Handler]:
        if name not in self.order:
            raise ValueError(f"/{self.name} {name} is not in the group's order")

        def register(fn: Handler) -> Handler:
            declared = DECLARED[self.name]
            sub = Sub(name, fn, usage, options, help, slow, discord, extra_words, extra_usage, long, grammar)
            subs = sorted([s for s in declared.subs if s.name != name] + [sub], key=lambda s: self.order.index(s.name))
            DECLARED[self.name] = replace(declared, subs=tuple(subs))
            return fn

        return register


def group(name: str, usage: str, order: Iterable[str], **kw) -> Group:  # type: ignore[no-untyped-def]
    return Group(name, usage, order, **kw)


def command(name: str, *, usage: str, options: tuple[Option, ...] = (), help: tuple[str, ...] = (),
            slow: bool = False) -> Callable[[Handler], Handler]:
    """A command without subcommands (`/fire <client>`)."""

    def register(fn: Handler) -> Handler:
        DECLARED[name] = Declared(name, usage, (Sub(name, fn, usage, options, help, slow),))
        COMMANDS[name] = lambda ctx, text: run_text(ctx, name, text)
        return fn

    return register


def declared(name: str) -> Declared | None:
    return DECLARED.get(name.strip().lstrip("/").lower())


def slash_commands() -> tuple[str, ...]:
    """Every declared command's name, sorted (what a platform registers)."""
    return tuple(sorted(DECLARED))


def help_keys() -> tuple[str, ...]:
    """The `/redflag help` lines' catalog keys, in the order the commands were declared."""
    seen: dict[str, None] = {}
    for d in DECLARED.values():
        for key in d.help_keys():
            seen.setdefault(key, None)
    return tuple(seen)


# -- running a command -------------------------------------------------------------
def run_text(ctx: "Context", name: str, text: str) -> list[Reply]:
    """Text from a text surface (or a replayed button): route it, parse it per the declaration, run it."""
    from bot.parser import parse_args, pick_sub

    d = DECLARED[name]
    sub, rest = pick_sub(ctx, d, text)
    return sub.handler(ctx, parse_args(sub, rest, ctx.language))


def run_typed(ctx: "Context", name: str, sub_name: str | None, values: Iterable[tuple[str, object]]) -> list[Reply]:
    """Typed values (Discord's options): straight to the handler, no text in between."""
    from bot.errors import UserError

    d = DECLARED[name]
    sub = d.sub(sub_name or name)
    if sub is None:
        raise UserError("error.unknown_subcommand", usage=d.usage, sub=sub_name or "", choices=", ".join(s.name for s in d.subs))
    known = {o.name for o in sub.options}
    return sub.handler(ctx, Args(sub, {k: v for k, v in values if k in known and v is not None}))


def as_text(name: str, sub_name: str | None, values: Iterable[tuple[str, object]]) -> str:
    """Typed values written as the text grammar would take them (a question's button replays the command)."""
    from bot.parser import write_args

    d = DECLARED[name]
    sub = d.sub(sub_name or name)
    if sub is None:
        return ""
    body = write_args(sub, dict(values))
    return f"{sub.name} {body}".strip() if d.grouped else body


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
