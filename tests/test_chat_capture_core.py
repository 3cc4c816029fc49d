"""Capture from chat, core side: a captured message opens the incident form pre-filled, and the
submitted form keeps the message's own time and its permalink (as `source_ref`) all the way to the export."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from bot.events import Address, Capture, FormSubmit
from bot.export import read_cell
from storage.records import Owner

OWNER = Owner("W1", "U1")
PERMALINK = "https://acme-studio.slack.com/archives/C024BE91L/p1763626542000200"
POSTED = "2026-11-20T08:15:42+00:00"


def address() -> Address:
    """The same user the `say` fixture speaks as."""
    return Address(platform="console", workspace="W1", user="U1", channel="C1")


WORDS = 'Honestly my nephew could do this for free. "Fix it by tonight", and yes, =SUM(A1:A9) 🙄'


def _capture(core, text: str = WORDS, **kw):
    event = Capture(address(), text=text, author=kw.pop("author", "Jane (Acme)"), permalink=kw.pop("permalink", PERMALINK), occurred_at=kw.pop("occurred_at", POSTED))
    return core.handle(event)


def _submit(core, form, values: dict[str, str], request_id: str) -> list:
    return core.handle(FormSubmit(address(), form.id, tuple(values.items()), request_id=request_id, context=form.context))


def test_captured_message_opens_the_form_prefilled(core, say) -> None:
    say("/client add Acme")
    [reply] = _capture(core)
    form = reply.form
    assert form is not None and form.id == "incident"
    fields = {f.id: f for f in form.fields}
    assert fields["note"].initial == f"Jane (Acme) wrote: {WORDS}"
    assert json.loads(form.context) == {"occurred_at": POSTED, "source_ref": PERMALINK}


def test_submitted_capture_keeps_the_original_time_and_permalink(core, say, store, clock) -> None:
    say("/client add Acme")
    [opened] = _capture(core)
    note = next(f.initial for f in opened.form.fields if f.id == "note")
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))  # logged five days after it was said
    [done] = _submit(core, opened.form, {"client": "Acme", "kind": "haggling", "note": note}, request_id="view-1")
    assert not done.is_error, done.plain()
    client = store.clients.by_name(OWNER, "Acme")
    [incident] = store.incidents.for_client(OWNER, client.id)
    assert incident.occurred_at == datetime(2026, 11, 20, 8, 15, 42, tzinfo=timezone.utc)
    assert incident.logged_at != incident.occurred_at
    assert incident.source_ref == PERMALINK
    assert incident.source == "shortcut"
    assert incident.note == f"Jane (Acme) wrote: {WORDS}"

    # a platform retry of the same submission does not log it twice
    [again] = _submit(core, opened.form, {"client": "Acme", "kind": "haggling", "note": note}, request_id="view-1")
    assert not again.is_error
    assert len(store.incidents.for_client(OWNER, client.id)) == 1

    # and the paper trail shows it at the time it was said, with the link to the message
    [export] = say("/client export Acme")
    md = export.files[0].content.decode("utf-8")
    assert "### 1. Nov 20, 2026, 8:15" in md
    assert f"Original message: <{PERMALINK}>" in md
    [row] = list(csv.DictReader(io.StringIO(export.files[1].content.decode("utf-8"), newline="")))
    assert row["timestamp_utc"] == POSTED
    assert row["ref"] == PERMALINK
    assert read_cell(row["detail"]) == f"Jane (Acme) wrote: {WORDS}"


def test_the_user_can_edit_the_prefilled_note_and_still_keep_the_time(core, say, store) -> None:
    say("/client add Acme")
    [opened] = _capture(core, author="")
    [done] = _submit(core, opened.form, {"client": "Acme", "kind": "abuse", "note": "Called me useless in #general"}, request_id="view-2")
    assert not done.is_error
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.note == "Called me useless in #general"
    assert incident.occurred_at == datetime.fromisoformat(POSTED)
    assert incident.source_ref == PERMALINK


def test_a_plain_form_is_not_mistaken_for_a_capture(core, say, store, clock) -> None:
    say("/client add Acme")
    [opened] = say("/incident")
    [done] = _submit(core, opened.form, {"client": "Acme", "kind": "indecision", "note": "Not quite it, again"}, request_id="view-3")
    assert not done.is_error
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.source == "form" and incident.source_ref is None
    assert incident.occurred_at == clock.now


def test_captured_multiline_message_with_windows_line_ends(core, say, store) -> None:
    """Messages pasted from e-mail clients carry CRLF line ends; the capture must still be loggable."""
    say("/client add Acme")
    text = "Line one\r\nLine two, with a comma\r\n\r\n-- sent from my phone"
    [opened] = _capture(core, text=text, author="Jane")
    note = next(f.initial for f in opened.form.fields if f.id == "note")
    [done] = _submit(core, opened.form, {"client": "Acme", "kind": "other", "note": note}, request_id="view-4")
    assert not done.is_error, done.plain()
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.note == "Jane wrote: Line one\nLine two, with a comma\n\n-- sent from my phone"
