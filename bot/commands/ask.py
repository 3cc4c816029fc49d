"""The questions the parsers ask (`bot.parsing.ask`): buttons that re-run the command with the answer.

A choice id is `ask:<picks>:<command>:<text>`: the answers so far (dot-separated
indexes), and the command exactly as typed, so a click after a restart still
works and nothing is stored before the last answer. `ask:-` cancels.
"""
from __future__ import annotations

from dataclasses import replace

from bot import registry
from bot.context import Context
from bot.parsing.ask import Ambiguous, picking
from bot.registry import action
from bot.replies import Choice, Reply

PREFIX = "ask"
CANCEL = f"{PREFIX}:-"
#: Longest command text a button can carry back (Slack: action ids of at most 255 characters).
MAX_REPLAY = 200


def question(ctx: Context, err: Ambiguous, command: str, text: str, picks: tuple[int, ...] = ()) -> Reply:
    """The question for one ambiguity: one button per reading, and Cancel."""
    done = ".".join(str(p) for p in picks)
    if len(command) + len(text) + len(done) > MAX_REPLAY:
        # Too long to replay from a button (Slack action ids hold 255 characters): say what it could
        # mean, so the user writes it unambiguously; nothing was stored.
        readings = ctx.t("ask.or").join(err.labels)
        typed = next((str(v) for v in err.values.values()), "")
        return Reply(text=ctx.t("error.form_ambiguous", text=typed, choices=readings), is_error=True)
    choices = tuple(
        Choice(id=f"{PREFIX}:{done + '.' if done else ''}{i}:{command}:{text}", label=label, style="primary" if i == 0 else "default")
        for i, label in enumerate(err.labels)
    )
    return Reply(
        text=ctx.t(err.key, **err.values),
        choices=choices + (Choice(id=CANCEL, label=ctx.t("ask.cancel")),),
        context=ctx.t("ask.nothing_stored"),
    )


@action(PREFIX)
def answered(ctx: Context, action_id: str) -> list[Reply]:
    if action_id == CANCEL:
        return [Reply(text=ctx.t("ask.cancelled"), replaces=True)]
    try:
        _, raw_picks, command, text = action_id.split(":", 3)
        picks = tuple(int(p) for p in raw_picks.split("."))
    except ValueError:
        return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
    handler = registry.COMMANDS.get(command)
    if handler is None:
        return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
    try:
        with picking(picks):
            replies = handler(ctx, text)
    except Ambiguous as err:  # the next question of the same command
        return [replace(question(ctx, err, command, text, picks), replaces=True)]
    if replies:
        replies = [replace(replies[0], replaces=True), *replies[1:]]
    return replies
