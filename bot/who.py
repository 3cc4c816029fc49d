"""Who is asking: the one rule for a person's language, time zone and reminder hour.

A request brings what the platform reports (its locale and zone, in the
`Address`); the settings row holds what the person chose and what the
platform reported last time. Every caller resolves from both the same way:
the person's own choice first, then the platform's word of the moment, then
what was on file, then the defaults. The core (`Core.context`), the sweep
(stored settings only, no request) and every adapter that words something of
its own ask here, so the same person reads the same language everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import DEFAULT_LANGUAGE, language_from_locale
from bot.nudges.policy import send_hour_of
from storage.records import UserSettings

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Who:
    """A person's resolved language, zone and send hour."""

    language: str
    tz: ZoneInfo
    send_hour: int


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name, or None for an empty or unknown one."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def language_of(settings: UserSettings | None, locale: str | None = None) -> str:
    """Chosen language, else the platform's locale now, else the one on file, else the default."""
    return (
        (settings.language if settings is not None else None)
        or language_from_locale(locale)
        or (language_from_locale(settings.platform_locale) if settings is not None else None)
        or DEFAULT_LANGUAGE
    )


def zone_of(settings: UserSettings | None, timezone: str | None = None) -> ZoneInfo:
    """Chosen zone, else the platform's zone now, else the one on file, else UTC."""
    return (
        (zone(settings.timezone) if settings is not None else None)
        or zone(timezone)
        or (zone(settings.platform_timezone) if settings is not None else None)
        or UTC
    )


def who(settings: UserSettings | None, locale: str | None = None, timezone: str | None = None) -> Who:
    """Everything above at once; `locale` and `timezone` are what the platform reports with a request."""
    return Who(language_of(settings, locale), zone_of(settings, timezone), send_hour_of(settings))
