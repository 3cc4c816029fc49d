"""Reply -> Discord messages: embeds, buttons or selects, attachments, within Discord's limits.

Nothing is dropped to fit: long bodies become several embeds (and several
messages when one would pass 6,000 characters or 10 embeds), oversized fields
become paragraphs, long titles and button labels are shortened only where the
full text is also shown in the body, many choices become select menus.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import discord

from adapters.discord.dynamic import ChoiceButton, ChoiceSelect, Target, button_custom_id, select_custom_id, select_value
from adapters.discord.markup import escape, paginate, to_markdown, truncate
from bot.i18n import Messages
from bot.replies import Choice, Reply

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
FILES_PER_MESSAGE = 10
ROWS_MAX = 5
BUTTONS_PER_ROW = 5
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
OPTION_LABEL_MAX = 100
OPTION_DESCRIPTION_MAX = 100
PLACEHOLDER_MAX = 150
ATTACHMENT_DESCRIPTION_MAX = 1024

#: Up to this many choices are buttons (two rows); more become a select menu.
MAX_BUTTONS = 10
#: A description page leaves room for a full title and footer in the same embed.
PAGE = EMBED_TOTAL_MAX - TITLE_MAX - FOOTER_MAX - 96

COLOUR = discord.Colour(0xC0392B)
ERROR_COLOUR = discord.Colour(0xED4245)

STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "default": discord.ButtonStyle.secondary,
}


@dataclass
class Outgoing:
    """One Discord message to send (or to put in place of the clicked one)."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    ephemeral: bool = True
    content: str | None = None

    def kwargs(self) -> dict:
        """Keyword arguments for `send_message` / `followup.send` / `Messageable.send`."""
        out: dict = {"embeds": self.embeds, "allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            out["content"] = self.content
        if self.view is not None:
            out["view"] = self.view
        if self.files:
            out["files"] = self.files
        return out


def embed_size(embed: discord.Embed) -> int:
    return len(embed)


def _choices_plan(choices: tuple[Choice, ...]) -> tuple[bool, bool]:
    """(use a select, list the full labels in the body)."""
    use_select = len(choices) > MAX_BUTTONS or any(len(c.label) > BUTTON_LABEL_MAX for c in choices)
    if not use_select:
        return False, False
    full_list = any(len(f"{i}. {c.label}") > OPTION_LABEL_MAX + OPTION_DESCRIPTION_MAX for i, c in enumerate(choices, 1))
    return True, full_list


def _buttons_view(choices: tuple[Choice, ...], target: Target) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, choice in enumerate(choices):
        button = discord.ui.Button(
            label=truncate(choice.label, BUTTON_LABEL_MAX),
            style=STYLES.get(choice.style, discord.ButtonStyle.secondary),
            custom_id=button_custom_id(target, choice.id),
            row=i // BUTTONS_PER_ROW,
        )
        view.add_item(ChoiceButton(target.user, target.workspace, choice.id, item=button))
    return view


def _select_views(choices: tuple[Choice, ...], target: Target, t: Messages) -> list[discord.ui.View]:
    """25 options per select, 5 selects per message; option text numbered like the body list."""
    views: list[discord.ui.View] = []
    view: discord.ui.View | None = None
    for index, start in enumerate(range(0, len(choices), SELECT_OPTIONS_MAX)):
        if index % ROWS_MAX == 0:
            view = discord.ui.View(timeout=None)
            views.append(view)
        chunk = choices[start : start + SELECT_OPTIONS_MAX]
        options = []
        for number, choice in enumerate(chunk, start + 1):
            text = f"{number}. {choice.label}"
            label = truncate(text, OPTION_LABEL_MAX)
            description = None
            if len(text) > OPTION_LABEL_MAX:
                description = truncate(text[OPTION_LABEL_MAX - 1 :], OPTION_DESCRIPTION_MAX)
            options.append(discord.SelectOption(label=label, value=select_value(choice.id), description=description))
        placeholder = truncate(t("discord.choose", first=start + 1, last=start + len(chunk)), PLACEHOLDER_MAX)
        select = discord.ui.Select(
            custom_id=select_custom_id(target, index),
            options=options,
            placeholder=placeholder,
            min_values=1,
            max_values=1,
            row=index % ROWS_MAX,
        )
        assert view is not None
        view.add_item(ChoiceSelect(target.user, target.workspace, index, item=select))
    return views


def _paragraphs_and_fields(reply: Reply, t: Messages, list_choices: bool) -> tuple[str, list[str], list[tuple[str, str]], str]:
    """(title, body paragraphs, embed fields, footer) with everything too long moved into the body."""
    paragraphs: list[str] = []
    title = reply.title
    if len(title) > TITLE_MAX:
        paragraphs.append("**" + escape(title) + "**")
        title = truncate(title, TITLE_MAX)
    if reply.text:
        paragraphs.append(to_markdown(reply.text))
    paragraphs.extend(to_markdown(line) for line in reply.lines if line)
    fields: list[tuple[str, str]] = []
    for f in reply.fields:
        value = to_markdown(f.value) or "\u200b"
        if len(f.label) > FIELD_NAME_MAX or len(value) > FIELD_VALUE_MAX or not f.label.strip():
            paragraphs.append(("**" + escape(f.label) + "**\n" if f.label.strip() else "") + value)
        else:
            fields.append((f.label, value))
    if list_choices:
        listed = "\n".join(f"{i}. {escape(c.label)}" for i, c in enumerate(reply.choices, 1))
        paragraphs.append("**" + escape(t("discord.choices")) + "**\n" + listed)
    footer = reply.context
    if len(footer) > FOOTER_MAX:
        paragraphs.append("*" + escape(footer) + "*")
        footer = ""
    return title, paragraphs, fields, footer


def _embeds(reply: Reply, t: Messages, list_choices: bool) -> list[discord.Embed]:
    colour = ERROR_COLOUR if reply.is_error else COLOUR
    title, paragraphs, fields, footer = _paragraphs_and_fields(reply, t, list_choices)
    pages = paginate(paragraphs, PAGE)
    embeds: list[discord.Embed] = [discord.Embed(description=page, colour=colour) for page in pages]
    if not embeds:
        embeds.append(discord.Embed(colour=colour))
    if title:
        embeds[0].title = title
    for name, value in fields:
        current = embeds[-1]
        if len(current.fields) >= FIELDS_MAX or embed_size(current) + len(name) + len(value) > PAGE:
            current = discord.Embed(colour=colour)
            embeds.append(current)
        current.add_field(name=name, value=value, inline=len(value) <= 40)
    if footer:
        embeds[-1].set_footer(text=footer)
    if len(embeds) > 1:
        # the page marker tells the reader more follows; it goes where the footer would be
        for number, embed in enumerate(embeds, 1):
            if embed.footer.text is None:
                embed.set_footer(text=t("discord.page", n=number, total=len(embeds)))
    return [e for e in embeds if embed_size(e) or e is embeds[0]]


def _files(reply: Reply) -> list[discord.File]:
    return [
        discord.File(
            io.BytesIO(a.content),
            filename=a.filename,
            description=truncate(a.title, ATTACHMENT_DESCRIPTION_MAX) if a.title else None,
        )
        for a in reply.files
    ]


def _add_nav(views: list[discord.ui.View], nav: tuple[Choice, ...], target: Target, row: int) -> list[discord.ui.View]:
    """Back / Cancel on `row`, a row of their own under the answers (a new view when the last one is full)."""
    if not nav:
        return views
    if not views or row >= ROWS_MAX:
        views.append(discord.ui.View(timeout=None))
        row = 0
    for choice in nav:
        button = discord.ui.Button(
            label=truncate(choice.label, BUTTON_LABEL_MAX),
            style=STYLES.get(choice.style, discord.ButtonStyle.secondary),
            custom_id=button_custom_id(target, choice.id),
            row=row,
        )
        views[-1].add_item(ChoiceButton(target.user, target.workspace, choice.id, item=button))
    return views


def render(reply: Reply, target: Target, t: Messages) -> list[Outgoing]:
    """One Reply as one or more Discord messages, in reading order.

    The answers are buttons (or select menus when many or long); Back and
    Cancel always come on their own last row, never among the answers.
    """
    if reply.line_choices:
        # Per-line actions (Edit #12 / Delete #12: their labels name the line) join the choices,
        # which become a select menu when there are many.
        reply = replace(reply, choices=reply.choices + tuple(c for line in reply.line_choices for c in line), line_choices=())
    answers = reply.answers
    use_select, list_choices = _choices_plan(answers)
    listed = replace(reply, choices=answers) if list_choices else reply
    embeds = [e for e in _embeds(listed, t, list_choices) if embed_size(e) > 0 or e.fields]
    views: list[discord.ui.View] = []
    if answers:
        views = _select_views(answers, target, t) if use_select else [_buttons_view(answers, target)]
    if use_select:
        used_rows = ((len(answers) - 1) // SELECT_OPTIONS_MAX) % ROWS_MAX + 1  # selects in the last view
    else:
        used_rows = -(-len(answers) // BUTTONS_PER_ROW)
    views = _add_nav(views, reply.navigation, target, used_rows)
    files = _files(reply)

    messages: list[Outgoing] = []
    current = Outgoing(ephemeral=reply.private)
    size = 0
    for embed in embeds:
        n = embed_size(embed)
        if current.embeds and (len(current.embeds) >= EMBEDS_PER_MESSAGE or size + n > EMBED_TOTAL_MAX):
            messages.append(current)
            current, size = Outgoing(ephemeral=reply.private), 0
        current.embeds.append(embed)
        size += n
    messages.append(current)
    # attachments ride on the first message, ten at a time
    for i in range(0, len(files), FILES_PER_MESSAGE):
        batch = files[i : i + FILES_PER_MESSAGE]
        if i == 0:
            messages[0].files = batch
        else:
            messages.insert(i // FILES_PER_MESSAGE, Outgoing(files=batch, ephemeral=reply.private))
    # the choices go last, under the text they answer
    if views:
        messages[-1].view = views[0]
        for view in views[1:]:
            messages.append(Outgoing(view=view, ephemeral=reply.private, content=escape(t("discord.more_choices"))))
    for message in messages:
        if not message.embeds and not message.files and not message.content:
            message.content = "\u200b"
    return messages
