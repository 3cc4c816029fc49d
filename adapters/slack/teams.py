"""Who is asking, and which installation answers: Slack's team rules in one place.

Slack payloads name up to three teams. In a Slack Connect channel the user's
own team, the channel's team and the team that installed the app all differ,
and which one sits in `team.id` depends on the payload type and direction. On
an Enterprise Grid org-wide install `team` is often null. So:

* the installation is what Bolt resolved for the request (`context.team_id` /
  `context.enterprise_id`, from `authorizations` and `view.app_installed_team_id`):
  it picks the token and the user cache, nothing else;
* the person is their user id plus their own team (`user.team_id`, or a
  command's `team_id`, which is the invoking user's team); on an org-wide
  install their org (`enterprise`) instead, because there one person reaches
  the app from every workspace of the org and user ids are org-wide.

Records are keyed on the person, so one person reaches the same records
whatever shape a command, click or submission arrives in, and two people
never share records.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Who:
    """Whose install answers a Slack request and whose records it touches."""
    installation: str  # the team (or, org-wide, the enterprise) whose install answers
    workspace: str  # the person's records: their own team, or their org on an org-wide install
    user: str
    org_wide: bool = False
    stated: bool = False  # the payload itself named the user's own team (`user.team_id`, a modal's owner)


def _id_of(value: Any) -> str:
    """A payload names a thing either as `{"id": …}` or as the bare id string."""
    if isinstance(value, dict) and value.get("id"):
        return value["id"]
    if isinstance(value, str) and value:
        return value
    return ""


def _enterprise(body: dict) -> str:
    org = _id_of(body.get("enterprise"))
    if org:
        return org
    team = body.get("team")
    if isinstance(team, dict) and team.get("enterprise_id"):
        return team["enterprise_id"]
    return body.get("enterprise_id") or ""


def _flag(value: Any) -> bool:
    return value is True or value == "true"


def org_wide(body: dict, context: Any = None) -> bool:
    """Whether the request reached an org-wide (Enterprise Grid) installation."""
    if context is not None and getattr(context, "is_enterprise_install", None):
        return True
    auths = body.get("authorizations") or []
    if auths and isinstance(auths[0], dict):
        return _flag(auths[0].get("is_enterprise_install"))
    return _flag(body.get("is_enterprise_install"))


def installation(body: dict, context: Any = None) -> str:
    """The installation handling the request (Bolt's resolution; the payload only as a fallback)."""
    if org_wide(body, context):
        found = (getattr(context, "enterprise_id", None) if context is not None else None) or _enterprise(body)
        if found:
            return found
    team = getattr(context, "team_id", None) if context is not None else None
    if team:
        return team
    view = body.get("view") or {}
    return view.get("app_installed_team_id") or (body.get("team") or {}).get("id") or body.get("team_id") or ""


def user_id(body: dict) -> str:
    return _id_of(body.get("user")) or body.get("user_id") or ""


def person_team(body: dict) -> str:
    """The user's own team: `user.team_id` on interactive payloads, `team_id` on a slash command."""
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return user["team_id"]
    if body.get("user_id") and body.get("team_id"):  # slash command: the invoking user's team
        return body["team_id"]
    return ""


def resolve(body: dict, context: Any = None) -> Who:
    """The one answer to "who is this and which install answers" for any Slack request.

    A slash command's `team_id` is provisional (in a shared channel it may be
    the channel's team): `settle` replaces it with the user's own team once known.
    """
    install = installation(body, context)
    if org_wide(body, context):
        workspace = _enterprise(body) or (getattr(context, "enterprise_id", None) if context is not None else None) or install
        return Who(installation=install, workspace=workspace or "", user=user_id(body), org_wide=True)
    user = body.get("user")
    stated = isinstance(user, dict) and bool(user.get("team_id"))
    return Who(installation=install, workspace=person_team(body) or install or "", user=user_id(body), stated=stated)


def settle(who: Who, known: str | None, reported: str | None) -> Who:
    """The person's own team: what the payload stated, else what was learned before, else what users.info reports."""
    if who.org_wide or who.stated:
        return who
    team = known or reported
    return replace(who, workspace=team) if team else who


def owner_metadata(who_workspace: str, user: str) -> list[str]:
    """What a modal carries in `private_metadata` so its submission reaches the person who opened it."""
    return [who_workspace, user]
