"""One rule for who is asking (`bot/who.py`): the core, the sweep and the adapters' own words agree."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.events import Address
from bot.home import summary
from bot.nudges.sweep import user_context
from bot.who import who
from storage.records import Owner, UserSettings
from storage.users import DEFAULT_SEND_HOUR

SLACK_NL = Address("slack", "T1", "U1", "C1", locale="nl-NL", timezone="Europe/Amsterdam")


def settings(**values) -> UserSettings:  # type: ignore[no-untyped-def]
    base = dict(workspace="T1", user="U1", language=None, timezone=None, send_hour=DEFAULT_SEND_HOUR,
                platform="slack", platform_locale=None, platform_timezone=None)
    return UserSettings(**{**base, **values})


def test_choice_then_platform_now_then_on_file_then_default() -> None:
    assert who(None) == who(None, None, None)
    assert (who(None).language, who(None).tz, who(None).send_hour) == ("en", ZoneInfo("UTC"), DEFAULT_SEND_HOUR)
    on_file = settings(platform_locale="tr-TR", platform_timezone="Europe/Istanbul", send_hour=7)
    assert (who(on_file).language, who(on_file).tz.key, who(on_file).send_hour) == ("tr", "Europe/Istanbul", 7)
    assert (who(on_file, "vi-VN", "Asia/Ho_Chi_Minh").language, who(on_file, "vi-VN", "Asia/Ho_Chi_Minh").tz.key) == ("vi", "Asia/Ho_Chi_Minh")
    chosen = settings(language="nl", timezone="Europe/Brussels", platform_locale="tr-TR")
    assert (who(chosen, "vi-VN", "Asia/Ho_Chi_Minh").language, who(chosen, "vi-VN", "Asia/Ho_Chi_Minh").tz.key) == ("nl", "Europe/Brussels")
    # An unknown zone or locale is skipped, never an error.
    odd = settings(timezone="Mars/Olympus", platform_locale="xx-YY")
    assert (who(odd, "zz", "Nowhere/Town").language, who(odd, "zz", "Nowhere/Town").tz.key) == ("en", "UTC")


def test_the_core_the_sweep_and_an_adapter_resolve_alike(core, store) -> None:
    ctx = core.context(SLACK_NL)
    assert (ctx.language, ctx.tz.key) == ("nl", "Europe/Amsterdam")
    assert ctx.store is store  # a handler reaches the store, not the core
    assert core.messages_for(SLACK_NL).language == "nl"
    owner = Owner("T1", "U1")
    swept = user_context(core, store.users.get(owner), owner, "slack", core.clock())
    assert (swept.language, swept.tz.key, swept.settings.send_hour) == ("nl", "Europe/Amsterdam", DEFAULT_SEND_HOUR)
    nobody = user_context(core, None, Owner("T1", "U9"), "slack", core.clock())
    assert (nobody.language, nobody.tz.key, nobody.settings.send_hour) == ("en", "UTC", DEFAULT_SEND_HOUR)


def test_messages_for_writes_nothing(core, store) -> None:
    assert core.messages_for(Address("discord", "G1", "U7", locale="tr")).language == "tr"
    assert store.users.get(Owner("G1", "U7")) is None


def test_the_home_summary_is_asked_of_the_core(core, say) -> None:
    say("/client add Acme currency=EUR", workspace="T1", platform="slack")
    say("/invoice add Acme 1200 ref=INV-1 due=2026-11-20", workspace="T1", platform="slack")
    home = core.ask(Address("slack", "T1", "U1"), summary)
    assert home.clients == ("Acme",)
    assert len(home.owed) == 1 and "1,200.00" in home.owed[0]
    assert len(home.upcoming) == 1 and "INV-1" in home.upcoming[0] and "Acme" in home.upcoming[0]
