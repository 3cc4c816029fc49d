"""The one entry point every surface calls: `Core.handle(event) -> list[Reply]`.

It resolves who is asking (settings, then `bot/who.py` for language and
time zone), routes the event
to the handler registered for it (see `bot/registry.py`), and turns a
`UserError` into a translated reply that says how to write the command.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable, TypeVar

from bot import registry
from bot.answers import Answers
from bot.context import Context
from bot.errors import FIELD_LABELS, UserError
from bot.parsing.ask import Ambiguous
from bot.events import Action, Address, Command, Event, FormSubmit, Upload
from bot.i18n import DEFAULT_LANGUAGE, Messages, messages
from bot.replies import Reply
from bot.routing import Routing
from bot.who import who, zone
from storage.health import is_disk_full
from storage.records import Owner, UserSettings
from storage.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
T = TypeVar("T")


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


__all__ = ["Clock", "Core", "error_reply", "system_clock", "zone"]


class Core:
    def __init__(self, store: Store, clock: Clock = system_clock) -> None:
        import bot.commands  # noqa: F401  (registers every handler)

        self.store = store
        self.clock = clock
        self.routing = Routing(store)
        self.answers = Answers(store, self.handle)  # one answer per platform request key (retries)

    # -- who is asking -------------------------------------------------------
    def context(self, address: Address, request_id: str | None = None) -> Context:
        owner = Owner(address.workspace, address.user)
        settings = self.store.users.ensure(owner, address.platform, address.locale, address.timezone)
        return self._context_for(address, owner, settings, self.clock(), request_id)

    def _context_for(self, address: Address, owner: Owner, settings: UserSettings, now: datetime,
                     request_id: str | None) -> Context:
        person = who(settings, address.locale, address.timezone)
        return Context(
            store=self.store,
            address=address,
            owner=owner,
            settings=settings,
            t=messages(person.language),
            tz=person.tz,
            now=now,
            request_id=request_id,
        )

    def _as_stored_now(self, ctx: Context) -> Context:
        """`ctx` with the person's settings as the command left them (`/redflag settings lang=` changes them)."""
        settings = self.store.users.get(ctx.owner)
        if settings is None or settings == ctx.settings:
            return ctx
        return self._context_for(ctx.address, ctx.owner, settings, ctx.now, ctx.request_id)

    def messages_for(self, address: Address) -> Messages:
        """The person's language as `context` would pick it, without writing anything (an adapter's own words)."""
        return messages(who(self.store.users.get(Owner(address.workspace, address.user)), address.locale).language)

    def ask(self, address: Address, question: Callable[[Context], T]) -> T:
        """A read-only question about the person (e.g. `bot.home.summary`), answered in their context.

        For a surface's own screens, which are not events: the adapter hands over the question
        and renders the answer, and never reads the store itself.
        """
        return question(self.context(address))

    def ping(self) -> None:
        """Raise when the store cannot answer (health checks)."""
        self.store.ping()

    # -- the entry point -----------------------------------------------------
    def handle(self, event: Event, later: bool = False) -> list[Reply]:
        """The replies to one event. A reply's files that may follow it (the report's chart, `bot/later.py`)
        are made now and put in it, unless the surface sends them after the text (`later=True`)."""
        replies = self._handle(event)
        if later:
            return replies
        from bot.later import resolve

        return resolve(replies)

    def _handle(self, event: Event) -> list[Reply]:
        if not event.address.workspace.strip() or not event.address.user.strip():
            # Records are scoped to (workspace, user): an event naming neither (a truncated or
            # forged platform request) must not read or write anyone's rows, not even a settings row.
            log.warning("refused a %s event with no workspace or user", event.address.platform)
            return [Reply(text=messages(DEFAULT_LANGUAGE)("error.internal"), is_error=True)]
        try:
            ctx = self.context(event.address, event.request_id)
        except Exception as err:  # the settings row could not be read or written
            return [self._trouble(err, messages(DEFAULT_LANGUAGE), event)]
        try:
            if isinstance(event, Command):
                return self._command(ctx, event)
            if isinstance(event, Action):
                return self._action(ctx, event)
            if isinstance(event, FormSubmit):
                return self._form(ctx, event)
            if type(event) in registry.EVENTS:  # a captured chat message (`@event(Capture)`)
                return registry.EVENTS[type(event)](ctx, event)
            if isinstance(event, Upload):
                from bot.commands.invoice_import import upload

                return upload(ctx, event.filename, event.content, event.size)
            raise TypeError(type(event))
        except UserError as err:
            return [error_reply(ctx, err)]
        except Exception as err:
            return [self._trouble(err, ctx.t, event)]

    def _trouble(self, err: Exception, t, event: Event) -> Reply:
        """What went wrong on our side, told once: a full disk in one sentence and one log line."""
        if is_disk_full(err):
            log.error("the disk is full: a %s event was not saved (%s)", type(event).__name__, self.store.path)
            return Reply(text=t("error.disk_full"), is_error=True)
        log.exception("unhandled error for %s event", type(event).__name__)
        return Reply(text=t("error.internal"), is_error=True)

    def _command(self, ctx: Context, event: Command) -> list[Reply]:
        name = event.command.strip().lstrip("/").lower()
        handler = registry.COMMANDS.get(name)
        if handler is None:
            raise UserError("error.unknown_command", usage="usage.help", command=name)
        typed = event.args is not None and name in registry.DECLARED
        try:
            # typed values (Discord) go straight to the handler; text is parsed per the declaration
            replies = registry.run_typed(ctx, name, event.sub, event.args or ()) if typed else handler(ctx, event.text)
        except Ambiguous as err:
            from bot.commands.ask import question

            # a question's buttons replay the command as text (they must survive a restart)
            text = registry.as_text(name, event.sub, event.args or ()) if typed else event.text
            return [question(ctx, err, name, text)]
        except UserError as err:
            declared = registry.DECLARED.get(name)
            if err.usage is None and declared is not None and declared.grouped:
                err.usage = declared.usage  # e.g. an unclosed quote: show the group's general form (`usage.client`)
            raise
        from bot.dialogue.open_hint import hint_for

        hint = hint_for(ctx, name, replies, lambda: self._as_stored_now(ctx))
        return replies + [hint] if hint else replies

    def _action(self, ctx: Context, event: Action) -> list[Reply]:
        prefix = event.action_id.split(":", 1)[0]
        handler = registry.ACTIONS.get(prefix)
        if handler is None:
            return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
        return handler(ctx, event.action_id)

    def _form(self, ctx: Context, event: FormSubmit) -> list[Reply]:
        prefix = event.form_id.split(":", 1)[0]
        handler = registry.FORMS.get(prefix)
        if handler is None:
            return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
        values = dict(event.values)
        values["_form_id"] = event.form_id
        values["_context"] = event.context
        return handler(ctx, values)

    # -- questions a surface asks while the user types (Discord autocomplete) -----
    def client_names(self, address: Address, prefix: str, limit: int) -> list[str]:
        """The user's client names that match what they typed so far, the way the text commands match names."""
        from bot.parsing.names import suggest

        everyone = [c.name for c in self.store.clients.list(Owner(address.workspace, address.user))]
        return suggest(everyone, prefix, limit=limit)

    def invoice_refs(self, address: Address, prefix: str, limit: int, open_only: bool = False) -> list[str]:
        """The user's invoice references starting like what they typed (open ones only, for paid and snooze)."""
        return self.store.invoices.refs(Owner(address.workspace, address.user), prefix, limit=limit, open_only=open_only)


def error_reply(ctx: Context, err: UserError) -> Reply:
    values = dict(err.values)
    field = values.get("field")
    if isinstance(field, str) and field in FIELD_LABELS:
        values["field"] = ctx.t(FIELD_LABELS[field])  # "the client's name", never the code key "name"
    text = ctx.t(err.key, **values)
    lines: tuple[str, ...] = ()
    if err.usage:
        lines = (ctx.t("error.how_to_write", usage=ctx.t(err.usage)),)
    return Reply(text=text, lines=lines, is_error=True)
