"""`/redflag help` (rendered from the declarations) and `/redflag settings [lang=] [tz=] [hour=] …`."""
from __future__ import annotations

from bot import kinds, registry
from bot.context import Context
from bot.declare import CHOICE, INTEGER, TEXT, TIMEZONE, Args, Option
from bot.declare import Choice as DeclaredChoice
from bot.errors import UserError
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, messages
from bot.kinds import KINDS
from bot.parser import clean_text
from bot.registry import group
from bot.replies import Field, Reply

MAX_SIGNER = 120
MAX_SIGNATURE = 300

REDFLAG_GROUP = group("redflag", "usage.redflag", order=("help", "settings"), default="help")


@REDFLAG_GROUP.sub("help", usage="usage.help",
                   options=(Option("topic", TEXT, positional=True, rest=True, discord=False),))  # words after it: ignored
def help_reply(ctx: Context, args: Args) -> list[Reply]:
    """One line per declared help key, in the order the commands and their subcommands are declared."""
    lines = tuple(ctx.t(key) for key in registry.help_keys()) + (_forms(ctx),)
    return [
        Reply(
            title=ctx.t("help.title"),
            text=ctx.t("help.intro"),
            lines=lines,
            context=ctx.t("help.footer", kinds=", ".join(ctx.t(kinds.WORDS[k]) for k in KINDS)),
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


OWN_NAMES = {"en": "English", "nl": "Nederlands", "vi": "Tiếng Việt", "tr": "Türkçe"}


def _languages() -> tuple[DeclaredChoice, ...]:
    """Each language in its own name (not translated: the reader looks for their own language)."""
    return tuple(DeclaredChoice(code, OWN_NAMES.get(code, code), literal=True) for code in LANGUAGES)


def _alerts() -> tuple[DeclaredChoice, ...]:
    """Pattern alerts on or off (issue 21); the values are what `alerts=` reads."""
    return (DeclaredChoice("on", "alert.settings.alerts_on"), DeclaredChoice("off", "alert.settings.alerts_off"))


def _digest_days() -> tuple[DeclaredChoice, ...]:
    """The weekly digest's day, or off (issue 21)."""
    from bot.alerts.settings import DAY_LABELS
    from storage.alerts import DIGEST_DAYS

    return tuple(DeclaredChoice(d, DAY_LABELS[d]) for d in DIGEST_DAYS) + (DeclaredChoice("off", "alert.settings.digest_off"),)


@REDFLAG_GROUP.sub("settings", usage="usage.settings", help=("help.settings", "help.alerts"), options=(
    Option("lang", CHOICE, choices=_languages), Option("tz", TIMEZONE, length=(1, 64)), Option("hour", INTEGER, low=0, high=23),
    Option("your_name", TEXT, key="name", length=(1, MAX_SIGNER)), Option("signature", TEXT, length=(1, MAX_SIGNATURE)),
    Option("alerts", CHOICE, choices=_alerts), Option("digest", CHOICE, choices=_digest_days)))
def settings(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.settings"
    from bot.alerts import settings as alert_settings

    lang = args.text("lang") if "lang" in args else None
    tz = args.text("tz") if "tz" in args else None
    if lang is not None:
        lang = lang.lower().replace("_", "-").split("-")[0]
        if lang not in LANGUAGES:
            raise UserError("error.unknown_language", usage=usage, lang=args.text("lang"), langs=", ".join(LANGUAGES))
    if tz is not None:
        from bot.core import zone

        if zone(tz) is None or "/" not in tz and tz.upper() != "UTC":
            raise UserError("error.unknown_timezone", usage=usage, tz=tz)
    hour_value = args.integer("hour")
    name = clean_text(args.text("your_name"), "your_name", MAX_SIGNER, usage) if "your_name" in args else None
    signature = args.text("signature") if "signature" in args else None
    if signature is not None:
        signature = clean_text(signature.replace("\\n", "\n"), "signature", MAX_SIGNATURE, usage)
    changed = lang is not None or tz is not None or hour_value is not None or name is not None or signature is not None
    changed = alert_settings.apply(ctx, args.options("alerts", "digest"), usage) or changed  # issue 21 (validated before any write)
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
