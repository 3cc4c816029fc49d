"""`/redflag settings alerts=on|off digest=<weekday>|off`: read as people write them, in their language."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot import fmt
from bot.errors import UserError
from bot.replies import Field
from storage.alerts import DIGEST_DAYS

if TYPE_CHECKING:
    from bot.context import Context
    from bot.i18n import Messages
    from storage.alerts import AlertSettings

OPTIONS = {"alerts", "digest"}
#: Each digest day's name where it is offered as a choice (Discord's `digest` option).
DAY_LABELS: dict[str, str] = {
    "monday": "alert.day.monday",
    "tuesday": "alert.day.tuesday",
    "wednesday": "alert.day.wednesday",
    "thursday": "alert.day.thursday",
    "friday": "alert.day.friday",
    "saturday": "alert.day.saturday",
    "sunday": "alert.day.sunday",
}


def _words(ctx: "Context", key: str) -> set[str]:
    """The words for on/off in English and in the user's language (a catalog list, '|'-separated)."""
    words = {w.strip().casefold() for w in ctx.t(key).split("|") if w.strip()}
    return words | ({"on", "yes"} if key.endswith("on.word") else {"off", "no"})


def _weekday(ctx: "Context", raw: str) -> str | None:
    from bot.parsing.dates import weekday_named

    index = weekday_named(raw, ctx.language)
    return None if index is None else DIGEST_DAYS[index]


def apply(ctx: "Context", options: dict[str, str], usage: str) -> bool:
    """Validate both options first (a bad one changes nothing), then save; True when something changed."""
    alerts_on: bool | None = None
    digest: str | None = None
    if "alerts" in options:
        raw = options["alerts"].strip().casefold()
        if raw in _words(ctx, "alert.settings.on.word"):
            alerts_on = True
        elif raw in _words(ctx, "alert.settings.off.word"):
            alerts_on = False
        else:
            raise UserError("alert.settings.bad_alerts", usage=usage, value=options["alerts"])
    if "digest" in options:
        raw = options["digest"].strip()
        if raw.casefold() in _words(ctx, "alert.settings.off.word"):
            digest = "off"
        else:
            digest = _weekday(ctx, raw)
            if digest is None:
                raise UserError("alert.settings.bad_digest", usage=usage, value=raw)
    if alerts_on is None and digest is None:
        return False
    ctx.store.alerts.set_settings(ctx.owner, alerts_on=alerts_on, digest_day=digest)
    return True


def fields(ctx: "Context", t: "Messages") -> tuple[Field, ...]:
    s: "AlertSettings" = ctx.store.alerts.settings(ctx.owner)
    if s.digest_day == "off":
        digest = t("alert.settings.digest_off")
    else:
        digest = fmt.weekday(t.language, DIGEST_DAYS.index(s.digest_day))
    return (
        Field(t("alert.settings.field_alerts"), t("alert.settings.alerts_on" if s.alerts_on else "alert.settings.alerts_off")),
        Field(t("alert.settings.field_digest"), digest),
    )
