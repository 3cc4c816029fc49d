"""Property-based: any text after any command works or is refused with a message, never crashes, never half-writes.

One real SQLite file per module (hypothesis runs many examples against it):
every example snapshots all tables first, so "an error wrote nothing" is
checked against exactly what was committed before it. Names and notes that
are accepted must come back exactly as typed (names with their inner white
space collapsed, notes trimmed at the ends with CR/CRLF read as LF: the
documented normalisation).
"""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import registry
from bot.core import Core
from bot.events import Address, Command, FormSubmit
from bot.parser import MAX_NAME, MAX_NOTE, quote
from hardening_support import assert_answered, changed_tables, is_error, snapshot
from redflag_testkit import FakeClock, text_of
from storage.records import Owner
from storage.store import Store

import bot.commands  # noqa: F401  (registers every command, so the list below is complete)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
COMMANDS = sorted(registry.COMMANDS)
WORDS = [
    "add", "list", "show", "pause", "resume", "export", "report", "paid", "snooze", "due", "writeoff", "help",
    "settings", "log", "overdue", "Acme", '"Acme Corp"', "acme corp", "Globex", "INV-1", "inv-1", "late-payment",
    "scope", "abuse", "terms=", "terms=30", "terms=-1", "due=2026-12-01", "due=31-02", "issued=2026-13-01", "ref=",
    "ref=X-1", "currency=EUR", "currency=XXX", "email=a@b.co", "until=2d", "on=2026-11-20", "100", "1.200,50",
    "€5", "0", "-5", "99999999999999999", "7", "lang=nl", "lang=klingon", "tz=Europe/Amsterdam", "tz=Mars/Base",
    "hour=25", '"', "'", "“", "„x”", "\\", "=", "x=y", "\u00a0", "\t", "\n",
]
token = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
any_text = st.one_of(st.text(max_size=80), st.lists(token, max_size=7).map(" ".join))
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
_users = itertools.count()


class World:
    """A store seeded with a user who has clients, invoices and incidents to aim at."""

    def __init__(self, path) -> None:
        self.path = path
        self.store = Store(path)
        self.clock = FakeClock(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
        self.core = Core(self.store, self.clock)
        for line in (
            ("client", 'add "Acme Corp" currency=EUR'),
            ("client", "add Globex terms=14"),
            ("invoice", '"Acme Corp" 1200 ref=INV-1'),
            ("invoice", 'add "Acme Corp" 1200 ref=INV-1 issued=2026-09-01 due=2026-10-01'),
            ("invoice", "add Globex 300 ref=INV-2"),
            ("incident", '"Acme Corp" late-payment paid 40 days late'),
        ):
            self.say(*line)

    def address(self, user: str = "U1") -> Address:
        return Address("slack", "W1", user, "C1")

    def say(self, command: str, text: str, user: str = "U1"):
        return self.core.handle(Command(self.address(user), command, text))

    def fresh_user(self) -> str:
        user = f"P{next(_users)}"
        self.core.context(self.address(user))  # first contact (the settings row) before any snapshot
        return user


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("props") / "redflag.db")
    yield w
    w.store.close()


@settings(max_examples=120, **SETTINGS)
@given(command=st.sampled_from(COMMANDS), text=any_text)
def test_any_text_after_any_command_answers_and_an_error_writes_nothing(world: World, command: str, text: str) -> None:
    before = snapshot(world.path)
    replies = world.say(command, text)
    assert_answered(replies)
    if is_error(replies):
        assert changed_tables(before, snapshot(world.path)) == [], f"/{command} {text!r} was refused but wrote"


@settings(max_examples=40, **SETTINGS)
@given(command=st.text(max_size=15), text=st.text(max_size=30))
def test_unknown_commands_get_the_help_pointer(world: World, command: str, text: str) -> None:
    if command.strip().lstrip("/").lower() in registry.COMMANDS:
        return
    before = snapshot(world.path)
    replies = world.say(command, text)
    assert_answered(replies)
    assert is_error(replies)
    assert changed_tables(before, snapshot(world.path)) == []


names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=MAX_NAME + 10)


@settings(max_examples=80, **SETTINGS)
@given(name=names)
def test_client_names_round_trip(world: World, name: str) -> None:
    user = world.fresh_user()
    expected = " ".join(name.split())
    before = snapshot(world.path)
    replies = world.say("client", f"add {quote(name)}", user)
    assert_answered(replies)
    stored = world.store.clients.list(Owner("W1", user))
    if not expected or CONTROL.search(expected) or len(expected) > MAX_NAME:
        assert is_error(replies), f"{name!r} should have been refused"
        assert changed_tables(before, snapshot(world.path)) == []
        return
    assert not is_error(replies), text_of(replies)
    assert [c.name for c in stored] == [expected]
    shown = world.say("client", f"show {quote(expected)}", user)
    assert not is_error(shown) and shown[0].title and expected in shown[0].title
    assert expected in text_of(world.say("client", "list", user))


notes = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


def _note_outcome(world: World, user: str, note: str, replies, before) -> None:
    assert_answered(replies)
    expected = note.strip().replace("\r\n", "\n").replace("\r", "\n")  # line endings become LF, by design
    incidents = world.store.incidents.for_client(Owner("W1", user), world.store.clients.by_name(Owner("W1", user), "Acme").id)
    if CONTROL.search(expected) or len(expected) > MAX_NOTE:
        assert is_error(replies), f"{note!r} should have been refused"
        assert changed_tables(before, snapshot(world.path)) == []
        return
    assert not is_error(replies), f"note {note!r} refused: {text_of(replies)}"
    assert [i.note for i in incidents] == [expected]
    if expected:
        assert expected in text_of(world.say("incident", "list Acme", user))


@settings(max_examples=80, **SETTINGS)
@given(note=notes)
def test_incident_notes_typed_after_the_kind_round_trip(world: World, note: str) -> None:
    user = world.fresh_user()
    world.say("client", "add Acme", user)
    before = snapshot(world.path)
    replies = world.say("incident", f"Acme late-payment {note}", user)
    _note_outcome(world, user, note, replies, before)


@settings(max_examples=50, **SETTINGS)
@given(note=notes)
def test_incident_notes_from_the_form_round_trip(world: World, note: str) -> None:
    user = world.fresh_user()
    world.say("client", "add Acme", user)
    before = snapshot(world.path)
    replies = world.core.handle(
        FormSubmit(world.address(user), "incident", (("client", "Acme"), ("kind", "scope-creep"), ("note", note)))
    )
    _note_outcome(world, user, note, replies, before)
