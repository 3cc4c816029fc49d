"""`bot/reply_codec.py`: the answer a retry gets is the first answer, field for field, and its text is the one
`dataclasses.asdict` gave before the codec stopped deep-copying (answers kept by an older process still read)."""
from __future__ import annotations

import json
from dataclasses import asdict

from bot import reply_codec
from bot.replies import Attachment, Choice, Field, Form, FormField, Option, Reply

REPLIES = [
    Reply(text="Logged: Scope creep for *Acme*.", title="Acme", lines=("• one", "• two"),
          fields=(Field("Owed", "€1,200.00"),), context="#12",
          choices=(Choice("inc:edit:12", "Edit"), Choice("dlg:1:back", "Back", nav="back")),
          form_errors=(("amount", "Not an amount"),), private=False, replaces=True,
          line_choices=((Choice("inc:del:1", "Delete", style="danger"),), ())),
    Reply(text="Tell me more", form=Form("incident", "Log", (
        FormField("kind", "Kind", kind="select", options=(Option("haggling", "Haggling"),)),
        FormField("note", "Note", kind="textarea", required=False, max_length=3000),
    ), "Save", context="https://example.slack.com/p1")),
    Reply(text="Export", files=(Attachment("acme.csv", b"a,b\n\x00\xff", "text/csv", "Acme"),), is_error=True),
]


def test_the_stored_text_is_what_asdict_gave_and_reads_back_equal() -> None:
    text = reply_codec.dumps(REPLIES)
    before = json.dumps([asdict(r) for r in REPLIES], default=reply_codec._default, ensure_ascii=False)
    assert text == before
    assert reply_codec.loads(text) == REPLIES
    assert reply_codec.loads(reply_codec.dumps([Reply()])) == [Reply()]
