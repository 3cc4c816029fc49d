"""Examples in the user's own format, for placeholders and hints: `€ 1.200,50`, `31-12-2026`."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot import fmt

if TYPE_CHECKING:
    from bot.context import Context

EXAMPLE_MINOR = 120050
EXAMPLE_DAY = date(2026, 12, 31)


def amount_example(ctx: "Context", currency: str | None = None) -> str:
    """1,200.50 in the user's currency and locale (`€ 1.200,50` in Dutch)."""
    from bot.money import default_currency

    code = currency or default_currency(ctx)
    minor = EXAMPLE_MINOR if fmt.minor_digits(code) == 2 else 1_200_000 * 10 ** fmt.minor_digits(code)
    return fmt.money(ctx.language, minor, code)


def date_example(language: str, locale: str | None = None) -> str:
    """31 December 2026 in the locale's numeric form (`31-12-2026`, `12/31/2026`, `31.12.2026`)."""
    from babel import Locale

    from bot.i18n import BABEL_LOCALES

    name = BABEL_LOCALES.get(language, "en_US")
    if locale and locale.replace("_", "-").split("-")[0].lower() == language and "-" in locale.replace("_", "-"):
        name = locale.replace("-", "_")
    try:
        pattern = Locale.parse(name).date_formats["short"].pattern
    except Exception:  # an unknown region: the language's own form
        pattern = Locale.parse(BABEL_LOCALES.get(language, "en_US")).date_formats["short"].pattern
    # The short pattern with a four-digit year and two-digit day and month: what people type.
    sep = next((c for c in pattern if c in "-/."), "-")
    order = sorted(("d", "M", "y"), key=lambda c: pattern.find(c))
    parts = {"d": f"{EXAMPLE_DAY.day:02d}", "M": f"{EXAMPLE_DAY.month:02d}", "y": str(EXAMPLE_DAY.year)}
    return sep.join(parts[c] for c in order)


def number_example(ctx: "Context", currency: str | None = None) -> str:
    """The same example amount without a currency sign (`1.200,50`, `1.200.000`)."""
    from bot.money import default_currency

    code = currency or default_currency(ctx)
    digits = fmt.minor_digits(code)
    minor = EXAMPLE_MINOR if digits == 2 else 1_200_000 * 10**digits
    return fmt.plain_amount(ctx.language, minor, code)
