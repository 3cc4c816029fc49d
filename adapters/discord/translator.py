"""Command names, descriptions and choices in the user's Discord language, from our catalogs.

Every `locale_str` the commands use carries its catalog id in `key`; Discord
asks for each shipped locale at sync time and shows the right one to each
user. English is the default text itself, so English locales return None.
"""
from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import language_from_locale, load_catalog

#: The Discord locales we ship a catalog for.
DISCORD_LOCALES: dict[discord.Locale, str] = {
    discord.Locale.dutch: "nl",
    discord.Locale.vietnamese: "vi",
    discord.Locale.turkish: "tr",
}


def translate_key(key: str, locale: discord.Locale) -> str | None:
    language = DISCORD_LOCALES.get(locale) or language_from_locale(locale.value)
    if language is None or language == "en":
        return None
    return load_catalog(language).text(key)


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        key = string.extras.get("key")
        if not key:
            return None
        text = translate_key(key, locale)
        if text is None:
            return None
        location = context.location
        if isinstance(context.data, app_commands.ContextMenu):
            return text[:32]
        if location in (
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.group_name,
            app_commands.TranslationContextLocation.parameter_name,
        ):
            # Discord wants command and option names lower case, one word
            return text.lower().replace(" ", "-")[:32]
        return text[:100]
