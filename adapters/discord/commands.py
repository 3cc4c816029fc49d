"""The application commands: the same operations as the text grammar, with typed options.

Each command builds the exact text Slack and the console would send
(`add "Acme Corp" terms=30`), with every free value passed through
`bot.parser.quote()`, and hands it to the core through the bridge. Names,
descriptions and choices are `locale_str`s keyed into the catalog so the
translator can localise them.
"""
from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Optional
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.app_commands import Choice, Range, locale_str

from bot.i18n import messages
from bot.kinds import KINDS
from bot.parser import quote
from bot.parsing.names import suggest

if TYPE_CHECKING:
    from adapters.discord.bridge import Bridge

log = logging.getLogger(__name__)

AUTOCOMPLETE_MAX = 25
CHOICE_MAX = 100
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "vi": "Tiếng Việt", "tr": "Türkçe"}
_SAFE_OPTION = re.compile(r"[^\s\"'“”„«»‘’]+")


def L(key: str) -> locale_str:
    """A catalog-keyed string whose default is the English text."""
    return locale_str(messages("en")(key), key=key)


def opt(key_value: tuple[str, str | int | None]) -> str:
    """`key=value` for one option, or "" when empty. Values with spaces or quotes are quoted."""
    key, value = key_value
    if value is None or value == "":
        return ""
    text = str(value)
    return f"{key}={text}" if _SAFE_OPTION.fullmatch(text) else f"{key}={quote(text)}"


def join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def q(value: str | None) -> str:
    return quote(value) if value else ""


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


@quiet
async def client_names(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    bridge = _bridge(interaction)
    # Accents and case ignored, the way the text commands match names.
    everyone = [c.name for c in bridge.core.store.clients.list(bridge.owner_of(interaction))]
    names = suggest(everyone, current, limit=AUTOCOMPLETE_MAX)
    return [Choice(name=n[:CHOICE_MAX], value=n[:CHOICE_MAX]) for n in names]


@quiet
async def invoice_refs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    bridge = _bridge(interaction)
    refs = bridge.core.store.invoices.refs(bridge.owner_of(interaction), current, limit=AUTOCOMPLETE_MAX)
    return [Choice(name=r[:CHOICE_MAX], value=r[:CHOICE_MAX]) for r in refs]


@quiet
async def open_invoice_refs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    bridge = _bridge(interaction)
    refs = bridge.core.store.invoices.refs(bridge.owner_of(interaction), current, limit=AUTOCOMPLETE_MAX, open_only=True)
    return [Choice(name=r[:CHOICE_MAX], value=r[:CHOICE_MAX]) for r in refs]


_ZONES = sorted(available_timezones())


@quiet
async def time_zones(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    needle = current.strip().casefold().replace(" ", "_")
    found = [z for z in _ZONES if needle in z.casefold()] if needle else [z for z in _ZONES if "/" in z]
    return [Choice(name=z, value=z) for z in found[:AUTOCOMPLETE_MAX]]


def kind_choices() -> list[Choice[str]]:
    return [Choice(name=L(f"kind.{slug}.sentence"), value=slug) for slug in KINDS]


def sort_choices() -> list[Choice[str]]:
    """`/client list sort=…`: by amount owed, trouble, lateness or name."""
    from bot.sorting import SORTS

    return [Choice(name=L(f"discord.sort.{order}"), value=order) for order in SORTS]


def language_choices() -> list[Choice[str]]:
    return [Choice(name=LANGUAGE_NAMES.get(code, code), value=code) for code in LANGUAGE_NAMES]


def alert_choices() -> list[Choice[str]]:
    """Pattern alerts on or off (issue 21); the values are what `/redflag settings alerts=` reads."""
    return [Choice(name=L("alert.settings.alerts_on"), value="on"), Choice(name=L("alert.settings.alerts_off"), value="off")]


def digest_choices() -> list[Choice[str]]:
    """The weekly digest's day, or off (issue 21)."""
    from storage.alerts import DIGEST_DAYS

    return [Choice(name=L(f"alert.day.{d}"), value=d) for d in DIGEST_DAYS] + [
        Choice(name=L("alert.settings.digest_off"), value="off")]


def group(name: str) -> app_commands.Group:
    return app_commands.Group(name=L(f"discord.cmd.{name}"), description=L(f"discord.cmd.{name}.desc"), extras={"key": name})


def sub(parent: app_commands.Group, name: str):  # type: ignore[no-untyped-def]
    key = f"discord.cmd.{parent.extras['key']}.{name}"
    return parent.command(name=L(key), description=L(f"{key}.desc"))


def options(*names: str):  # type: ignore[no-untyped-def]
    """Localised name and description for each parameter, from `discord.opt.<name>`."""

    def decorate(fn):  # type: ignore[no-untyped-def]
        fn = app_commands.rename(**{n: L(f"discord.opt.{n}") for n in names})(fn)
        return app_commands.describe(**{n: L(f"discord.opt.{n}.desc") for n in names})(fn)

    return decorate


# -- the commands ------------------------------------------------------------------
def build() -> list[app_commands.Group | app_commands.Command]:
    """A fresh set of command objects (one per client instance)."""
    client = group("client")
    incident = group("incident")
    invoice = group("invoice")
    redflag = group("redflag")

    @sub(client, "add")
    @options("name", "terms", "currency", "email", "contact")
    async def client_add(
        interaction: discord.Interaction,
        name: Range[str, 1, 120],
        terms: Optional[Range[int, 0, 365]] = None,
        currency: Optional[Range[str, 3, 3]] = None,
        email: Optional[Range[str, 3, 254]] = None,
        contact: Optional[Range[str, 1, 120]] = None,
    ) -> None:
        text = join("add", quote(name), opt(("terms", terms)), opt(("currency", currency)), opt(("email", email)),
                    opt(("contact", contact)))
        await _bridge(interaction).run_command(interaction, "client", text)

    @sub(client, "contact")
    @options("client", "contact")
    @app_commands.autocomplete(client=client_names)
    async def client_contact(interaction: discord.Interaction, client: Range[str, 1, 120],
                             contact: Optional[Range[str, 1, 120]] = None) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("contact", quote(client), q(contact)))

    @sub(client, "list")
    @options("sort")
    @app_commands.choices(sort=sort_choices())
    async def client_list(interaction: discord.Interaction, sort: Optional[str] = None) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("list", opt(("sort", sort))))

    @sub(client, "show")
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def client_show(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("show", quote(client)))

    @sub(client, "export")
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def client_export(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("export", quote(client)), slow=True)

    @sub(client, "report")
    async def client_report(interaction: discord.Interaction) -> None:
        await _bridge(interaction).run_command(interaction, "client", "report", slow=True)

    @sub(client, "pause")
    @options("client", "until")
    @app_commands.autocomplete(client=client_names)
    async def client_pause(interaction: discord.Interaction, client: Range[str, 1, 120], until: Optional[Range[str, 1, 40]] = None) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("pause", quote(client), opt(("until", until))))

    @sub(client, "resume")
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def client_resume(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("resume", quote(client)))

    @sub(incident, "log")
    @options("client", "kind", "note")
    @app_commands.rename(on=L("discord.opt.on"))
    @app_commands.describe(on=L("discord.opt.occurred.desc"))
    @app_commands.autocomplete(client=client_names)
    @app_commands.choices(kind=kind_choices())
    async def incident_log(
        interaction: discord.Interaction,
        client: Optional[Range[str, 1, 120]] = None,
        kind: Optional[str] = None,
        note: Optional[Range[str, 1, 4000]] = None,
        on: Optional[Range[str, 1, 40]] = None,
    ) -> None:
        if not client:
            # no client: the form opens, with whatever was already given filled in
            prefill = {k: v for k, v in (("kind", kind), ("note", note), ("on", on)) if v}
            await _bridge(interaction).run_command(interaction, "incident", "", prefill=prefill)
            return
        # the note is free text at the end of the line and goes in raw, as typed; the date leads it
        await _bridge(interaction).run_command(interaction, "incident", join(quote(client), q(kind), opt(("on", on)), note or ""))

    @sub(incident, "list")
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def incident_list(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "incident", join("list", quote(client)))

    @sub(invoice, "add")
    @options("client", "amount", "currency", "due", "terms", "ref", "issued")
    @app_commands.autocomplete(client=client_names)
    async def invoice_add(
        interaction: discord.Interaction,
        client: Range[str, 1, 120],
        amount: Range[str, 1, 40],
        currency: Optional[Range[str, 3, 3]] = None,
        due: Optional[Range[str, 1, 40]] = None,
        terms: Optional[Range[int, 0, 365]] = None,
        ref: Optional[Range[str, 1, 60]] = None,
        issued: Optional[Range[str, 1, 40]] = None,
    ) -> None:
        text = join(
            "add", quote(client), quote(amount), q(currency),
            opt(("due", due)), opt(("terms", terms)), opt(("ref", ref)), opt(("issued", issued)),
        )
        await _bridge(interaction).run_command(interaction, "invoice", text)

    @sub(invoice, "paid")
    @options("ref", "amount", "on")
    @app_commands.autocomplete(ref=open_invoice_refs)
    async def invoice_paid(
        interaction: discord.Interaction,
        ref: Range[str, 1, 60],
        amount: Optional[Range[str, 1, 40]] = None,
        on: Optional[Range[str, 1, 40]] = None,
    ) -> None:
        text = join("paid", quote(ref), q(amount), opt(("on", on)))
        await _bridge(interaction).run_command(interaction, "invoice", text)

    @sub(invoice, "list")
    @options("client", "overdue")
    @app_commands.autocomplete(client=client_names)
    async def invoice_list(interaction: discord.Interaction, client: Optional[Range[str, 1, 120]] = None, overdue: Optional[bool] = None) -> None:
        text = join("list", q(client), "overdue" if overdue else "")
        await _bridge(interaction).run_command(interaction, "invoice", text)

    @sub(invoice, "snooze")
    @options("ref", "days")
    @app_commands.autocomplete(ref=open_invoice_refs)
    async def invoice_snooze(interaction: discord.Interaction, ref: Range[str, 1, 60], days: Range[int, 1, 365]) -> None:
        await _bridge(interaction).run_command(interaction, "invoice", join("snooze", quote(ref), str(days)))

    @app_commands.command(name=L("discord.cmd.fire"), description=L("discord.cmd.fire.desc"))
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def fire(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "fire", quote(client))

    @sub(redflag, "help")
    async def redflag_help(interaction: discord.Interaction) -> None:
        await _bridge(interaction).run_command(interaction, "redflag", "help")

    @sub(redflag, "settings")
    @options("lang", "tz", "hour", "your_name", "signature", "alerts", "digest")
    @app_commands.choices(lang=language_choices(), alerts=alert_choices(), digest=digest_choices())
    @app_commands.autocomplete(tz=time_zones)
    async def redflag_settings(
        interaction: discord.Interaction,
        lang: Optional[str] = None,
        tz: Optional[Range[str, 1, 64]] = None,
        hour: Optional[Range[int, 0, 23]] = None,
        your_name: Optional[Range[str, 1, 120]] = None,
        signature: Optional[Range[str, 1, 300]] = None,
        alerts: Optional[str] = None,
        digest: Optional[str] = None,
    ) -> None:
        text = join("settings", opt(("lang", lang)), opt(("tz", tz)), opt(("hour", hour)),
                    opt(("name", your_name)), opt(("signature", signature)),
                    opt(("alerts", alerts)), opt(("digest", digest)))
        await _bridge(interaction).run_command(interaction, "redflag", text)

    @app_commands.context_menu(name=L("discord.cmd.capture"))
    async def capture(interaction: discord.Interaction, message: discord.Message) -> None:
        await _bridge(interaction).run_capture(interaction, message)

    from adapters.discord import fix_commands  # issue 19: corrections and /invoice import

    fix_commands.add(client, incident, invoice)
    return [client, incident, invoice, fire, redflag, capture]
