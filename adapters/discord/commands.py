"""The application-command tree, generated from the core's declarations (`bot/declare.py`).

One group per declared command with subcommands (`/client add`), one command
for a command without (`/fire`); each option gets its Discord type, range,
choices and autocomplete from its declared type. A call hands the typed values
to the core as they are (`Command(sub=…, args=…)`), never as text to parse
again. Names, descriptions and choices are `locale_str`s keyed into the catalog
so the translator can localise them.
"""
from __future__ import annotations

import functools
import inspect
import logging
from typing import TYPE_CHECKING, Any, Optional
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.app_commands import Choice, Range, locale_str

from adapters.discord.names import CAPTURE, command_ids
from bot import declare, registry
from bot.declare import Declared, Option, Sub
from bot.i18n import messages

if TYPE_CHECKING:
    from adapters.discord.bridge import Bridge

log = logging.getLogger(__name__)

AUTOCOMPLETE_MAX = 25
CHOICE_MAX = 100


def L(key: str) -> locale_str:
    """A catalog-keyed string whose default is the English text."""
    return locale_str(messages("en")(key), key=key)


def _bridge(interaction: discord.Interaction) -> "Bridge":
    return interaction.client.bridge  # type: ignore[attr-defined]


# -- autocomplete ----------------------------------------------------------------
def quiet(fn):  # type: ignore[no-untyped-def]
    """Autocomplete must answer within 3 seconds and never fail: on error, log and offer nothing."""

    @functools.wraps(fn)
    async def run(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        try:
            return await fn(interaction, current)
        except Exception:
            log.exception("autocomplete %s failed", fn.__name__)
            return []

    return run


def _offer(values: list[str]) -> list[Choice[str]]:
    return [Choice(name=v[:CHOICE_MAX], value=v[:CHOICE_MAX]) for v in values]


@quiet
async def client_names(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    from adapters.discord.bridge import address_of

    # The core matches the way the text commands do (accents and case ignored).
    return _offer(_bridge(interaction).core.client_names(address_of(interaction), current, AUTOCOMPLETE_MAX))


@quiet
async def invoice_refs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    from adapters.discord.bridge import address_of

    return _offer(_bridge(interaction).core.invoice_refs(address_of(interaction), current, AUTOCOMPLETE_MAX))


@quiet
async def open_invoice_refs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    from adapters.discord.bridge import address_of

    return _offer(_bridge(interaction).core.invoice_refs(address_of(interaction), current, AUTOCOMPLETE_MAX, open_only=True))


@functools.lru_cache(maxsize=1)
def _zones() -> list[str]:
    """Every IANA zone, on the first time-zone autocomplete: listing them walks tzdata's folders (start-up, issue 20)."""
    return sorted(available_timezones())


@quiet
async def time_zones(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    needle = current.strip().casefold().replace(" ", "_")
    zones = _zones()
    found = [z for z in zones if needle in z.casefold()] if needle else [z for z in zones if "/" in z]
    return [Choice(name=z, value=z) for z in found[:AUTOCOMPLETE_MAX]]


#: Which values Discord offers while the user types, by declared option type.
AUTOCOMPLETE = {declare.CLIENT: client_names, declare.INVOICE: invoice_refs, declare.OPEN_INVOICE: open_invoice_refs,
                declare.TIMEZONE: time_zones}
#: Declared types whose typed value may fill a form the core answers with (`/incident log` without a client).
PREFILLS = frozenset({declare.TEXT, declare.DATE, declare.CHOICE})


def group(name: str) -> app_commands.Group:
    label, description = command_ids(name)
    return app_commands.Group(name=L(label), description=L(description), extras={"key": name})


def sub(parent: app_commands.Group, name: str):  # type: ignore[no-untyped-def]
    label, description = command_ids(parent.extras["key"], name)
    return parent.command(name=L(label), description=L(description))


def annotation(opt: Option) -> Any:
    """The Python type discord.py reads an option's Discord type, range and requiredness from."""
    if opt.type == declare.INTEGER:
        kind: Any = Range[int, opt.low, opt.high] if opt.low is not None and opt.high is not None else int
    elif opt.type == declare.FLAG:
        kind = bool
    elif opt.type == declare.FILE:
        kind = discord.Attachment
    else:
        length = opt.limits
        kind = Range[str, length[0], length[1]] if length and opt.type != declare.CHOICE else str
    return kind if opt.required else Optional[kind]


def choices(opt: Option) -> list[Choice[str]]:
    return [Choice(name=c.label if c.literal else L(c.label), value=c.value) for c in (opt.choices() if opt.choices else ())]


def callback(declared: Declared, spec: Sub):  # type: ignore[no-untyped-def]
    """The coroutine Discord calls, with one typed parameter per declared option."""
    shown = tuple(o for o in spec.options if o.discord)
    upload = next((o.name for o in shown if o.type == declare.FILE), None)

    async def run(interaction: discord.Interaction, **values: Any) -> None:
        bridge = _bridge(interaction)
        if upload is not None:
            from adapters.discord.fix_commands import run_upload

            await run_upload(bridge, interaction, values[upload])
            return
        given = {k: v for k, v in values.items() if v is not None}
        prefill = {o.name: str(given[o.name]) for o in shown if o.type in PREFILLS and given.get(o.name)}
        await bridge.run_command(interaction, declared.name, spec.name if declared.grouped else None, given,
                                 slow=spec.long, prefill=prefill or None)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    parameters += [
        inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation(o),
                          default=inspect.Parameter.empty if o.required else None)
        for o in shown
    ]
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = f"{declared.name}_{spec.name}"
    if shown:
        run = app_commands.rename(**{o.name: L(o.label_key) for o in shown})(run)
        run = app_commands.describe(**{o.name: L(o.description_key) for o in shown})(run)
    offered = {o.name: choices(o) for o in shown if o.type == declare.CHOICE}
    if offered:
        run = app_commands.choices(**offered)(run)
    completes = {o.name: AUTOCOMPLETE[o.type] for o in shown if o.type in AUTOCOMPLETE}
    if completes:
        run = app_commands.autocomplete(**completes)(run)
    return run


# -- the tree ----------------------------------------------------------------------
def build() -> list[app_commands.Group | app_commands.Command | app_commands.ContextMenu]:
    """A fresh set of command objects (one per client instance), one per declared command, and the context menu."""
    import bot.commands  # noqa: F401  (registers every declaration)

    tree: list[app_commands.Group | app_commands.Command | app_commands.ContextMenu] = []
    for declared in registry.DECLARED.values():
        if declared.grouped:
            parent = group(declared.name)
            for spec in declared.subs:
                if spec.discord:
                    sub(parent, spec.name)(callback(declared, spec))
            tree.append(parent)
        else:
            label, description = command_ids(declared.name)
            tree.append(app_commands.command(name=L(label), description=L(description))(callback(declared, declared.subs[0])))

    @app_commands.context_menu(name=L(CAPTURE))
    async def capture(interaction: discord.Interaction, message: discord.Message) -> None:
        await _bridge(interaction).run_capture(interaction, message)

    tree.append(capture)
    return tree
