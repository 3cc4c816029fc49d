"""`bot/answers.py`: a request key is answered once; a refusal or a file is not given again."""
from __future__ import annotations

from datetime import timedelta

from bot.answers import remember
from bot.events import Command
from bot.replies import Attachment, Reply
from redflag_testkit import address
from storage.records import Owner


def test_a_key_runs_once_and_its_answer_is_given_again(core, store, clock) -> None:
    event = Command(address("U1", "W1", "slack"), "client", "add Acme", request_id="trig-1")
    first = core.answers.once("W1", "k1", event, clock(), ttl=60, stale_after=30, force=False)
    again = core.answers.once("W1", "k1", event, clock(), ttl=60, stale_after=30, force=False)
    assert first.action == "run" and again.action == "done"
    assert [r.plain() for r in again.answer] == [r.plain() for r in first.answer]
    assert [c.name for c in store.clients.list(Owner("W1", "U1"))] == ["Acme"]
    later = core.answers.claim("W1", "k1", clock() + timedelta(seconds=61), ttl=60, stale_after=30)
    assert later.action == "run"  # expired: a new request with that key runs again


def test_a_refusal_by_field_or_a_file_is_not_remembered(core, clock) -> None:
    assert remember([Reply(text="ok")]) and remember([Reply(text="no such client", is_error=True)])
    assert not remember([Reply(text="x", form_errors=(("amount", "not an amount"),))])
    assert not remember([Reply(text="x", files=(Attachment("a.csv", b"a", "text/csv"),))])
    event = Command(address("U1", "W1", "slack"), "client", "add Acme", request_id="trig-2")
    assert core.answers.claim("W1", "k2", clock(), ttl=60, stale_after=30).action == "run"
    core.answers.finish("W1", "k2", [Reply(text="x", files=(Attachment("a.csv", b"a", "text/csv"),))], clock(), 60)
    assert core.answers.once("W1", "k2", event, clock(), ttl=60, stale_after=30, force=False).action == "run"
