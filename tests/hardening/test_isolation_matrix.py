"""Isolation: for every registered command, button prefix and form, other people can neither read nor change your records.

The owner (U1 in workspace W1) has clients, an invoice, an incident, a
dialogue in progress and the buttons that go with them. Three outsiders try
everything: U2 in the same workspace, U1 of another workspace (the same
platform user id elsewhere), and U9 of that other workspace. They type the
owner's client names and invoice refs, near misses of them (for a "did you
mean" that would leak a name), click the owner's real button ids and guesses
built from row ids, and submit the forms naming the owner's client. The
owner's rows stay byte for byte the same, and nothing only the owner knows
appears in an outsider's reply. The command list comes from
`bot.registry`, so a command added later is covered too.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import registry
from bot.events import Action, Address, Command, FormSubmit
from bot.nudges.policy import STAGES
from hardening_support import assert_answered
from redflag_testkit import text_of

import bot.commands  # noqa: F401  (every handler registered)

OWNER = Address("slack", "W1", "U1", "C1")
OUTSIDERS = [Address("slack", "W1", "U2", "C1"), Address("slack", "W2", "U1", "C1"), Address("discord", "W2", "U9", "C9")]
CLIENT = "Acme Secret Corp"
HIDDEN_CLIENT = "Zebulon Holdings"  # never typed by an outsider: must never appear in their replies
REF = "SEC-REF-1"
SECRETS = ("SECRET-NOTE-TEXT", "secret@acme.example", HIDDEN_CLIENT, "4,321", "4.321", "77 days")

#: What an outsider types after each command; `{c}` is the owner's client, `{r}` an invoice ref.
TEMPLATES: dict[str, list[str]] = {
    "client": ['show "{c}"', "list", 'pause "{c}"', 'pause "{c}" until=30d', 'resume "{c}"', 'export "{c}"', "report",
               'report "{c}"', "show Zebulon Holding", "show zebulon", 'add "{c}"'],
    "incident": ['"{c}" abuse outsider note', 'list "{c}"', "list Zebulon Holding", "Zebulon abuse x", ""],
    "invoice": ["paid {r}", "paid {r} 1", "snooze {r} 7", "due {r} 2027-01-01", "writeoff {r}", "list", 'list "{c}"',
                "list overdue", 'add "{c}" 5 ref={r}', "paid sec-ref-1", "paid SEC-REF-2"],
    "redflag": ["help", "settings", "settings lang=nl"],
    "fire": ['"{c}"', "Zebulon Holding", ""],
}
GENERIC = ['"{c}"', "{r}", "list", 'show "{c}"', "Zebulon Holding", ""]


def owner_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row that belongs to the owner, plus every table that has no owner column at all."""
    conn = sqlite3.connect(path)
    out: dict[str, list[tuple]] = {}
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for t in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
            if t in ("schema_versions", "workspaces"):
                continue
            if "workspace" in cols and ("owner" in cols or "user" in cols):
                who = "owner" if "owner" in cols else "user"
                rows = conn.execute(f'SELECT * FROM "{t}" WHERE workspace = ? AND "{who}" = ?', ("W1", "U1")).fetchall()
            else:
                rows = conn.execute(f'SELECT * FROM "{t}"').fetchall()
            out[t] = sorted(rows, key=repr)
    finally:
        conn.close()
    return out


@pytest.fixture
def setup(core, store, db_path):
    say = lambda command, text: core.handle(Command(OWNER, command, text))  # noqa: E731
    for command, text in (
        ("client", f'add "{CLIENT}" email=secret@acme.example'),
        ("client", f'add "{HIDDEN_CLIENT}"'),
        ("invoice", f'add "{CLIENT}" 4321 ref={REF} issued=2026-08-01 due=2026-09-09'),
        ("invoice", f'add "{HIDDEN_CLIENT}" 50 ref=SEC-REF-2'),
        ("incident", f'"{CLIENT}" abuse SECRET-NOTE-TEXT'),
    ):
        replies = say(command, text)
        assert not replies[0].is_error, text_of(replies)
    buttons = [c.id for r in say("fire", f'"{CLIENT}"') for c in r.choices]
    assert buttons, "the dialogue offers buttons"
    invoice = store.invoices.by_ref(store_owner(), REF)
    client = store.clients.by_name(store_owner(), CLIENT)
    ids = {invoice.id, client.id}
    guesses = set(buttons)
    for prefix in registry.ACTIONS:
        for n in ids | {1, 2, 3}:
            guesses.add(f"{prefix}:{n}")
            guesses.update(f"{prefix}:{action}:{n}:{stage}" for action in ("paid", "snooze", "text", "fire") for stage in STAGES)
            guesses.update(f"{prefix}:{n}:{step}:{choice}" for step in (1, 2) for choice in ("go", "cancel", "yes", "no"))
    return sorted(guesses), db_path


def store_owner():
    from storage.records import Owner

    return Owner("W1", "U1")


def _assert_no_leak(replies, what: str) -> None:
    assert_answered(replies)
    shown = text_of(replies) + "".join(a.filename for r in replies for a in r.files)
    shown += "".join(a.content.decode("utf-8", "replace") for r in replies for a in r.files)
    for secret in SECRETS:
        assert secret not in shown, f"{what} showed {secret!r}: {shown[:400]}"


def test_outsiders_can_neither_read_nor_change_through_any_command_button_or_form(core, setup) -> None:
    guesses, db_path = setup
    before = owner_rows(db_path)
    assert registry.ACTIONS and set(TEMPLATES) <= set(registry.COMMANDS)  # commands without a template get GENERIC
    for who in OUTSIDERS:
        for command in sorted(registry.COMMANDS):
            for template in TEMPLATES.get(command, GENERIC):
                text = template.format(c=CLIENT, r=REF)
                _assert_no_leak(core.handle(Command(who, command, text)), f"{who.workspace}/{who.user}: /{command} {text}")
        for action_id in guesses:
            _assert_no_leak(core.handle(Action(who, action_id, request_id=f"{who.user}-{action_id}")), f"{who.user} clicking {action_id}")
        for form_id in sorted(registry.FORMS):
            values = (("client", CLIENT), ("kind", "abuse"), ("note", "outsider"), ("amount", "10"), ("ref", REF))
            _assert_no_leak(core.handle(FormSubmit(who, form_id, values, context='{"invoice": 1}')), f"form {form_id}")
        assert owner_rows(db_path) == before, f"{who.workspace}/{who.user} changed the owner's records"
    # The owner still has it all, unchanged.
    shown = text_of(core.handle(Command(OWNER, "client", f'show "{CLIENT}"')))
    assert "SECRET-NOTE-TEXT" in shown and "4,321" in shown


def test_the_owners_own_buttons_still_work_for_the_owner(core, setup) -> None:
    """The guessed ids are real ones: the same click by the owner does act (so the test above is not vacuous)."""
    guesses, db_path = setup
    before = owner_rows(db_path)
    dlg = next(g for g in guesses if g.startswith("dlg:") and g.endswith(":go"))
    replies = core.handle(Action(OWNER, dlg, request_id="owner-click"))
    assert not replies[0].is_error
    assert owner_rows(db_path) != before
