"""manifest.yml: valid, in step with the commands the app registers, scopes matching the API calls."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from adapters.slack import app as slack_app
from adapters.slack.oauth import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "adapters" / "slack").glob("*.py"))

#: Web API method (as the SDK spells it) -> bot scope it needs (None: no scope).
METHOD_SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_getPermalink": None,
    "conversations_open": "im:write",
    "conversations_history": "im:history",
    "users_info": "users:read",
    "views_open": None,
    "views_publish": None,
    "files_upload_v2": "files:write",
    "auth_test": None,
}
SLASH_SCOPE = "commands"
#: Scopes that come with an event rather than a method: the DM message event, and reading the file it shares.
EVENT_SCOPES = {"message.im": ("im:history", "files:read")}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_manifest_parses_and_has_the_required_parts():
    m = manifest()
    assert m["_metadata"]["major_version"] == 2
    assert m["display_information"]["name"] == "Redflag"
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000
    assert len(m["display_information"]["description"]) <= 140
    assert m["features"]["bot_user"]["display_name"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is False
    assert m["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    urls = [m["settings"]["interactivity"]["request_url"], m["settings"]["event_subscriptions"]["request_url"]]
    urls += [c["url"] for c in m["features"]["slash_commands"]]
    assert all(u.endswith("/slack/events") and u.startswith("https://redflag.example.com/") for u in urls)


def test_every_registered_command_is_in_the_manifest_and_vice_versa():
    commands = manifest()["features"]["slash_commands"]
    in_manifest = {c["command"].lstrip("/") for c in commands}
    assert in_manifest == set(slack_app.slash_commands())
    for c in commands:
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", c["command"])
        assert c["description"] and len(c["description"]) <= 100
        assert c["usage_hint"] and len(c["usage_hint"]) <= 1000
        assert c["should_escape"] is False  # the core reads the text as typed


def test_shortcut_and_events_match_the_app():
    m = manifest()
    [shortcut] = m["features"]["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == slack_app.SHORTCUT_LOG_INCIDENT
    assert len(shortcut["name"]) <= 24  # Slack's limit on shortcut names
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == set(slack_app.EVENTS)


def test_scopes_cover_exactly_the_methods_used():
    used: set[str] = set()
    for path in SOURCES:
        used |= set(re.findall(r"\.((?:chat|conversations|users|views|files|auth)_\w+)\(", path.read_text()))
    assert used, "found no Web API calls in adapters/slack"
    unknown = used - set(METHOD_SCOPES)
    assert not unknown, f"add these methods to METHOD_SCOPES with their scopes: {unknown}"
    needed = {METHOD_SCOPES[m] for m in used if METHOD_SCOPES[m]} | {SLASH_SCOPE}
    needed |= {scope for event in slack_app.EVENTS for scope in EVENT_SCOPES.get(event, ())}
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == needed == set(BOT_SCOPES)
    assert "user" not in manifest()["oauth_config"]["scopes"]


def test_the_manifest_hints_name_only_declared_subcommands_and_options():
    """Each `usage_hint` alternative starts with a declared subcommand and uses only its declared `key=` options."""
    from bot import registry
    from bot.parser import tokenize

    for c in manifest()["features"]["slash_commands"]:
        declared = registry.declared(c["command"])
        assert declared is not None, c["command"]
        for alternative in c["usage_hint"].split("|"):
            tokens = tokenize(alternative)
            assert tokens, (c["command"], c["usage_hint"])
            if declared.grouped:
                sub = declared.sub(tokens[0].value) or (declared.sub(declared.fallback) if declared.fallback else None)
            else:
                sub = declared.subs[0]
            assert sub is not None, f"{c['command']}: “{alternative.strip()}” names no declared subcommand"
            keys = {t.value.split("=", 1)[0] for t in tokens if "=" in t.value and not t.quoted}
            assert keys <= {o.text_key for o in sub.keyed}, (c["command"], sub.name, keys)
