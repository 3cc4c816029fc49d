"""Reply -> Discord payloads for the edge cases: many choices, long labels, long text, files, limits."""
from __future__ import annotations

import re

import discord

from adapters.discord.dynamic import Target, expand
from adapters.discord.forms import build_modal, parse_modal_id, submitted_values
from adapters.discord.markup import paginate, to_markdown
from adapters.discord.render import render
from bot.i18n import messages
from bot.replies import Attachment, Choice, Field, Form, FormField, Option, Reply

T = messages("en")
ME = Target("600000000000000001")


def components(out) -> list[dict]:
    return out.view.to_components() if out.view else []


def flat(rows: list[dict]) -> list[dict]:
    return [c for row in rows for c in row["components"]]


def check_limits(outs) -> None:
    for out in outs:
        assert len(out.embeds) <= 10
        assert sum(len(e) for e in out.embeds) <= 6000
        assert len(out.files) <= 10
        for e in out.embeds:
            d = e.to_dict()
            assert len(d.get("title", "")) <= 256 and len(d.get("description", "")) <= 4096
            assert len(d.get("fields", [])) <= 25
            assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in d.get("fields", []))
            assert len(d.get("footer", {}).get("text", "")) <= 2048
        rows = components(out)
        assert len(rows) <= 5
        for row in rows:
            assert len(row["components"]) <= 5
            for c in row["components"]:
                assert len(c["custom_id"]) <= 100
                assert len(c.get("label") or "") <= 80
                assert len(c.get("options", [])) <= 25
                for o in c.get("options", []):
                    assert len(o["label"]) <= 100 and len(o["value"]) <= 100 and len(o.get("description") or "") <= 100


def all_text(outs) -> str:
    parts = []
    for out in outs:
        parts.append(out.content or "")
        for e in out.embeds:
            d = e.to_dict()
            parts += [d.get("title", ""), d.get("description", "")]
            parts += [f["name"] + " " + f["value"] for f in d.get("fields", [])]
    return "\n".join(parts)


def test_a_few_choices_are_buttons_five_per_row_with_styles():
    choices = tuple(Choice(f"dlg:1:2:{i}", f"Option {i}", "danger" if i == 0 else "primary" if i == 1 else "default") for i in range(7))
    (out,) = render(Reply(text="Pick", choices=choices), ME, T)
    rows = components(out)
    assert [len(r["components"]) for r in rows] == [5, 2]
    first = rows[0]["components"]
    assert first[0]["style"] == discord.ButtonStyle.danger.value and first[1]["style"] == discord.ButtonStyle.primary.value
    assert first[2]["style"] == discord.ButtonStyle.secondary.value
    assert first[0]["custom_id"] == "rf:600000000000000001:dlg:1:2:0"
    check_limits([out])


def test_many_choices_become_selects_without_losing_any():
    choices = tuple(Choice(f"pick:{i}", f"Client number {i}") for i in range(30))
    (out,) = render(Reply(text="Which one?", choices=choices), ME, T)
    selects = flat(components(out))
    assert [s["type"] for s in selects] == [3, 3]
    assert [o["value"] for s in selects for o in s["options"]] == [c.id for c in choices]
    assert selects[0]["options"][0]["label"] == "1. Client number 0"
    assert selects[0]["custom_id"] == "rfs:600000000000000001:0" and selects[1]["custom_id"] == "rfs:600000000000000001:1"
    check_limits([out])


def test_more_than_five_selects_continue_in_another_message():
    choices = tuple(Choice(f"pick:{i}", f"Item {i}") for i in range(130))
    outs = render(Reply(text="Lots", choices=choices), ME, T)
    assert len(outs) == 2
    values = [o["value"] for out in outs for s in flat(components(out)) for o in s["options"]]
    assert values == [c.id for c in choices]
    check_limits(outs)


def test_long_labels_are_shortened_only_where_the_full_text_is_shown():
    long = "Yes, and I have already told them in writing that the extra revisions are billed at the agreed hourly rate " * 2
    choices = (Choice("dlg:1:3:yes", long), Choice("dlg:1:3:no", "No"))
    (out,) = render(Reply(text="Did you tell them?", choices=choices), ME, T)
    (select,) = flat(components(out))
    assert select["type"] == 3
    assert select["options"][0]["label"].startswith("1. Yes, and I have")
    assert long.strip() in all_text([out]).replace("\\", "")  # the full label is in the body
    check_limits([out])


def test_a_label_just_over_80_uses_a_select_with_label_and_description():
    label = "x" * 120
    (out,) = render(Reply(text="?", choices=(Choice("a:1", label), Choice("a:2", "short"))), ME, T)
    option = flat(components(out))[0]["options"][0]
    assert (option["label"] + option.get("description", "")).replace("…", "").count("x") >= 120
    check_limits([out])


def test_long_text_is_paginated_into_several_embeds_and_messages_losing_nothing():
    lines = tuple(f"• Line {i}: " + "word " * 60 for i in range(120))  # ~37,000 characters
    reply = Reply(title="Dossier", text="Everything on file", lines=lines, context="footer note")
    outs = render(reply, ME, T)
    assert len(outs) > 1
    check_limits(outs)
    text = all_text(outs)
    for i in range(120):
        assert f"Line {i}:" in text
    assert outs[0].embeds[0].title == "Dossier"
    assert outs[-1].embeds[-1].footer.text == "footer note"
    assert re.search(r"Part 1 of \d+", outs[0].embeds[0].footer.text)


def test_fields_past_discord_limits_are_kept():
    fields = tuple(Field(f"Invoice {i}", f"€{i},00") for i in range(40)) + (Field("Long", "v" * 2000), Field("L" * 300, "short"))
    outs = render(Reply(text="Invoices", fields=fields), ME, T)
    check_limits(outs)
    text = all_text(outs)
    for i in range(40):
        assert f"Invoice {i} " in text
    assert "v" * 1500 in text and "L" * 300 in text


def test_long_title_is_shortened_and_kept_in_full_in_the_body():
    title = "T" * 400
    (out,) = render(Reply(title=title, text="body"), ME, T)
    assert len(out.embeds[0].title) == 256
    assert "T" * 400 in out.embeds[0].description


def test_files_are_attachments_ten_per_message():
    files = tuple(Attachment(f"f{i}.csv", b"a,b\n", "text/csv", title=f"File {i}") for i in range(12))
    outs = render(Reply(text="Export", files=files), ME, T)
    assert [len(o.files) for o in outs] == [10, 2]
    assert outs[0].files[0].filename == "f0.csv" and outs[0].files[0].description == "File 0"
    assert outs[0].embeds


def test_markup_bold_and_escaping():
    assert to_markdown("Added *Acme_Corp* to ~clients~") == "Added **Acme\\_Corp** to \\~clients\\~"
    assert to_markdown("# not a heading") == "\\# not a heading"
    assert to_markdown("• a bullet") == "• a bullet"


def test_paginate_never_cuts_an_escape_or_drops_text():
    text = ("\\*" * 3000)
    pages = paginate([text], 1000)
    assert "".join(pages) == text
    assert all(len(p) <= 1000 for p in pages)


def test_error_and_choices_only_replies():
    (out,) = render(Reply(choices=(Choice("a:1", "Go"),), is_error=True), ME, T)
    assert out.content or out.embeds
    assert flat(components(out))[0]["label"] == "Go"


def test_dm_buttons_carry_the_guild_and_long_ids_still_resolve():
    target = Target("600000000000000001", "800000000000000001")
    long_id = "dlg:" + "9" * 120
    (out,) = render(Reply(text="x", choices=(Choice(long_id, "Go"),)), target, T)
    custom_id = flat(components(out))[0]["custom_id"]
    assert len(custom_id) <= 100 and custom_id.startswith("rf:600000000000000001@800000000000000001:")
    assert expand(custom_id.split(":", 2)[2]) == long_id


def test_modal_from_a_form_within_limits_and_values_back():
    form = Form(
        id="incident",
        title="Log an incident with a client, with a very long title",
        fields=(
            FormField("client", "Client", kind="select", options=tuple(Option(f"C{i}", f"C{i}") for i in range(3)), initial="C1"),
            FormField("many", "Client (many)", kind="select", options=tuple(Option(f"C{i}", f"C{i}") for i in range(40))),
            FormField("note", "What happened, described in enough detail for later", kind="textarea", required=False, max_length=9000),
        ),
        submit_label="Log",
    )
    modal = build_modal(form, ME).to_dict()
    assert len(modal["title"]) <= 45
    assert parse_modal_id(modal["custom_id"]) == ("600000000000000001", None, "incident")
    intro, *labels = modal["components"]
    assert intro["type"] == 10 and "with a very long title" in intro["content"]  # the full title is kept
    assert [c["type"] for c in labels] == [18, 18, 18]
    client, many, note = (c["component"] for c in labels)
    assert client["type"] == 3 and [o.get("default", False) for o in client["options"]] == [False, True, False]
    assert many["type"] == 4  # more options than a select may hold: typed instead
    assert note["type"] == 4 and note["style"] == 2 and note["max_length"] == 4000
    assert len(labels[2]["label"]) <= 45 and labels[2]["description"].startswith("What happened")
    submitted = [{"type": 18, "component": {"type": 3, "custom_id": "client", "values": ["C2"]}},
                 {"type": 1, "components": [{"type": 4, "custom_id": "note", "value": "late again"}]}]
    assert submitted_values(submitted) == [("client", "C2"), ("note", "late again")]


def test_back_and_cancel_get_their_own_row_after_the_answers() -> None:
    for n in (2, 3, 12):  # buttons, and a select menu for many answers
        choices = [Choice(f"dlg:1:2:a{i}", f"Answer {i}") for i in range(n)]
        choices += [Choice("dlg:1:2:back", "Back", nav="back"), Choice("dlg:1:2:cancel", "Cancel", "danger", nav="cancel")]
        outs = render(Reply(text="A question?", choices=tuple(choices)), ME, T)
        check_limits(outs)
        rows = components(outs[-1])
        last = rows[-1]["components"]
        assert [c["label"] for c in last] == ["Back", "Cancel"]
        assert all(c.get("label") not in ("Back", "Cancel") for row in rows[:-1] for c in row["components"])
        listed = "\n".join(e.description or "" for o in outs for e in o.embeds)
        assert "Back" not in listed  # never numbered in a listed menu either
