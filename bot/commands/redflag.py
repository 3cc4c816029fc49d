"""`/redflag help` and `/redflag settings [lang=] [tz=] [hour=]`."""
from __future__ import annotations

from importlib.util import find_spec

from bot import kinds, registry
from bot.commands.common import dispatch
from bot.context import Context
from bot.errors import UserError
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, messages
from bot.parser import Token, clean_text, parse_int, split_options
from bot.registry import command
from bot.replies import Field, Reply

MAX_SIGNER = 120
MAX_SIGNATURE = 300

#: (catalog key of the help line, what must be present for it to work)
HELP_LINES: tuple[tuple[str, str | None], ...] = (
    ("help.client_add", None),
    ("help.client_list", None),
    ("help.client_show", None),
    ("help.client_export", "bot.export"),
    ("help.client_report", "bot.report"),
    ("help.client_pause", None),
    ("help.client_contact", None),
    ("help.client_fix", None),
    ("help.client_set", None),
    ("help.incident", None),
    ("help.incident_list", None),
    ("help.incident_fix", None),
    ("help.invoice_add", None),
    ("help.invoice_paid", None),
    ("help.invoice_list", None),
    ("help.invoice_snooze", None),
    ("help.invoice_due", None),
    ("help.invoice_writeoff", None),
    ("help.invoice_fix", None),
    ("help.invoice_import", None),
    ("help.fire", "fire"),
    ("help.settings", None),
    ("help.alerts", "bot.alerts"),
)


@command("redflag")
def redflag_command(ctx: Context, text: str) -> list[Reply]:
    return dispatch(ctx, text, {"help": help_reply, "settings": settings}, usage="usage.redflag", default="help")


def _available(requirement: str | None) -> bool:
    if requirement is None:
        return True
    if "." in requirement:
        return find_spec(requirement) is not None
    return requirement in registry.COMMANDS


def help_reply(ctx: Context, rest: str = "", tokens: list[Token] | None = None) -> list[Reply]:
    lines = tuple(ctx.t(key) for key, needs in HELP_LINES if _available(needs)) + (_forms(ctx),)
    return [
        Reply(
            title=ctx.t("help.title"),
            text=ctx.t("help.intro"),
            lines=lines,
            context=ctx.t("help.footer", kinds=", ".join(ctx.t(kinds.WORDS[k]) for k in _kinds())),
        )
    ]


def _forms(ctx: Context) -> str:
    """How to write amounts and dates, with examples in the user's own locale format."""
    from bot.parsing.examples import amount_example, date_example, number_example

    return ctx.t(
        "help.forms",
        money=amount_example(ctx),
        number=number_example(ctx),
        date=date_example(ctx.language, ctx.address.locale),
    )


def _kinds() -> tuple[str, ...]:
    from bot.kinds import KINDS

    return KINDS


def settings(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    usage = "usage.settings"
    from bot.alerts import settings as alert_settings

    parsed = split_options(tokens, {"lang", "tz", "hour", "name", "signature"} | alert_settings.OPTIONS, usage)
    if parsed.args:
        raise UserError("error.extra_words", usage=usage, words=" ".join(t.value for t in parsed.args))
    lang = parsed.options.get("lang")
    tz = parsed.options.get("tz")
    hour = parsed.options.get("hour")
    if lang is not None:
        lang = lang.lower().replace("_", "-").split("-")[0]
        if lang not in LANGUAGES:
            raise UserError("error.unknown_language", usage=usage, lang=parsed.options["lang"], langs=", ".join(LANGUAGES))
    if tz is not None:
        from bot.core import zone

        if zone(tz) is None or "/" not in tz and tz.upper() != "UTC":
            raise UserError("error.unknown_timezone", usage=usage, tz=tz)
    hour_value = parse_int(hour, "hour", 0, 23, usage) if hour is not None else None
    name = clean_text(parsed.options["name"], "your_name", MAX_SIGNER, usage) if "name" in parsed.options else None
    signature = parsed.options.get("signature")
    if signature is not None:
        signature = clean_text(signature.replace("\\n", "\n"), "signature", MAX_SIGNATURE, usage)
    changed = lang is not None or tz is not None or hour_value is not None or name is not None or signature is not None
    changed = alert_settings.apply(ctx, parsed.options, usage) or changed  # issue 21 (validated before any write)
    current = (
        ctx.store.users.update(ctx.owner, language=lang, timezone=tz, send_hour=hour_value,
                               display_name=name, signature=signature)
        if changed else ctx.settings
    )
    t = messages(current.language or ctx.language)
    return [
        Reply(
            title=t("settings.title"),
            text=t("settings.saved") if changed else "",
            fields=(
                Field(t("field.language"), t(LANGUAGE_NAMES[t.language])),
                Field(t("field.timezone"), current.timezone or (ctx.tz.key if not tz else tz)),
                Field(t("field.send_hour"), f"{current.send_hour:02d}:00"),
                Field(t("field.display_name"), current.display_name or t("value.none")),
                Field(t("field.signature"), current.signature or t("value.none")),
            ) + alert_settings.fields(ctx, t),
            context=t("settings.hint"),
        )
    ]
