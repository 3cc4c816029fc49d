"""Block Kit limits: long replies are split, never cut; every piece of text survives."""
from __future__ import annotations

import json

from adapters.slack import render
from bot.replies import Choice, Field, Form, FormField, Option, Reply
from slack_harness import unescape


def all_text(messages: list[render.Message]) -> str:
    return unescape("\n".join(render.block_text(b) for m in messages for b in m.blocks))


def check_limits(message: render.Message) -> None:
    assert len(message.blocks) <= render.MAX_BLOCKS
    assert message.text.strip() and len(message.text) <= render.MAX_FALLBACK
    ids = []
    for b in message.blocks:
        if b["type"] == "section":
            if "text" in b:
                assert len(b["text"]["text"]) <= render.MAX_SECTION
            assert len(b.get("fields", ())) <= render.MAX_FIELDS
            assert all(len(f["text"]) <= render.MAX_FIELD for f in b.get("fields", ()))
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= render.MAX_HEADER
        if b["type"] == "actions":
            assert len(b["elements"]) <= render.MAX_ACTIONS
        for el in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else []):
            if el.get("type") == "button":
                assert len(el["text"]["text"]) <= render.MAX_BUTTON
                ids.append(el["action_id"])
    assert len(ids) == len(set(ids)), "action ids must be unique in a message"


def test_a_long_list_is_paginated_without_losing_lines():
    lines = tuple(f"• Client {i:03d} owes €{i},00 — {'x' * (i % 50)}" for i in range(400))
    messages = render.messages([Reply(title="Clients", lines=lines)], "U1")
    for m in messages:
        check_limits(m)
    text = all_text(messages)
    for line in lines:
        assert line in text


def test_one_huge_paragraph_is_split_at_the_limit_and_kept_whole():
    paragraph = " ".join(f"word{i}&<>" for i in range(3000))
    messages = render.messages([Reply(text=paragraph)])
    for m in messages:
        check_limits(m)
    assert all_text(messages).replace("\n", " ") == paragraph
    unbroken = "y" * 7000  # no spaces at all
    messages = render.messages([Reply(text=unbroken)])
    assert all_text(messages).replace("\n", "") == unbroken


def test_many_buttons_go_in_actions_blocks_of_25_and_past_50_blocks():
    choices = tuple(Choice(f"nudge:{i}:paid", f"Paid {i}") for i in range(1300))
    messages = render.messages([Reply(text="Pick", choices=choices)], "U1")
    assert len(messages) >= 2
    for m in messages:
        check_limits(m)
    shown = [b for m in messages for b in m.blocks if b["type"] == "actions"]
    got = [json.loads(e["value"])["c"] for b in shown for e in b["elements"]]
    assert got == [c.id for c in choices]


def test_a_long_button_label_is_shown_in_full_beside_a_short_button():
    label = "Yes, and they also asked for three extra revisions of the homepage without paying for any of them"
    [m] = render.messages([Reply(text="Q", choices=(Choice("dlg:1:2:yes", label, "primary"), Choice("dlg:1:2:no", "No")))], "U1")
    check_limits(m)
    assert label in all_text([m])
    accessory = next(b["accessory"] for b in m.blocks if "accessory" in b)
    assert accessory["style"] == "primary" and accessory["text"]["text"].endswith("…")
    assert json.loads(accessory["value"]) == {"c": "dlg:1:2:yes", "u": "U1"}


def test_repeated_choice_ids_stay_unique_and_route_to_the_same_choice():
    [m] = render.messages([Reply(choices=(Choice("x:1", "A"), Choice("x:1", "B")))])
    check_limits(m)
    values = [json.loads(e["value"])["c"] for e in m.blocks[0]["elements"]]
    assert values == ["x:1", "x:1"]


def test_many_and_long_fields():
    fields = tuple(Field(f"Label {i}", "v" * (2500 if i == 3 else 10)) for i in range(25))
    messages = render.messages([Reply(text="F", fields=fields)])
    for m in messages:
        check_limits(m)
    text = all_text(messages)
    for f in fields:
        assert f.label in text and f.value in text.replace("\n", "")


def test_modal_limits_and_option_groups():
    options = tuple(Option(f"Client {i}", f"Client {i} " + "z" * 80) for i in range(230))
    form = Form(
        id="incident",
        title="Log an incident with a very long title",
        submit_label="Save this incident right now please",
        fields=(
            FormField("client", "Client", "select", options=options, initial="Client 7"),
            FormField("note", "Note", "textarea", required=False, initial="hi", max_length=5000, placeholder="p" * 200),
        ),
        context='{"occurred_at": "2026-11-25T09:00:00+00:00"}',
    )
    view = render.modal(form, {"c": "C1", "x": form.context}, "Cancel")
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    select = view["blocks"][0]["element"]
    groups = select["option_groups"]
    assert [len(g["options"]) for g in groups] == [100, 100, 30]
    assert all(len(o["text"]["text"]) <= 75 for g in groups for o in g["options"])
    assert select["initial_option"]["value"] == "Client 7"
    note = view["blocks"][1]["element"]
    assert note["max_length"] == 3000 and len(note["placeholder"]["text"]) <= 150
    assert json.loads(view["private_metadata"])["x"] == form.context


def test_form_values_read_text_and_selects():
    state = {
        "client": {"client": {"type": "static_select", "selected_option": {"value": "Acme"}}},
        "kind": {"kind": {"type": "static_select", "selected_option": None}},
        "note": {"note": {"type": "plain_text_input", "value": None}},
    }
    assert render.form_values(state) == (("client", "Acme"), ("kind", ""), ("note", ""))


def test_user_text_is_escaped():
    [m] = render.messages([Reply(text="<!here> & <@U2>")])
    assert m.blocks[0]["text"]["text"] == "&lt;!here&gt; &amp; &lt;@U2&gt;"


def test_back_and_cancel_get_their_own_row_after_the_answers() -> None:
    """Two answers or three: Back and Cancel are never in the answers' row, always last, in that order."""
    for answers in (("yes", "no"), ("often", "sometimes", "never")):
        choices = [Choice(f"dlg:1:2:{a}", a.title()) for a in answers]
        choices += [Choice("dlg:1:2:cancel", "Cancel", "danger", nav="cancel"), Choice("dlg:1:2:back", "Back", nav="back")]
        (message,) = render.messages([Reply(text="A question?", choices=tuple(choices))])
        actions = [b for b in message.blocks if b["type"] == "actions"]
        assert [[e["action_id"].split(":")[-1] for e in b["elements"]] for b in actions] == [list(answers), ["back", "cancel"]]
        assert actions[-1]["block_id"] == render.NAV_BLOCK and message.blocks[-1] is actions[-1]
