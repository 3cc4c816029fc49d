"""State and robustness: stale, cancelled, finished and foreign buttons; Back; resume; restarts."""
from __future__ import annotations

from bot.core import Core
from bot.events import Action, Address, Command
from storage.records import Owner
from storage.store import Store
from dlg_helpers import OWNER, choice, current_step, dialogue_choices, text_of, walk


def snapshot(store, dialogue_id: int, owner: Owner = OWNER):
    dlg = store.dialogues.get(owner, dialogue_id)
    return (dlg.status, dlg.step, dlg.step_no, dlg.answers, dlg.history)


def dialogue_id(replies) -> int:
    return int(dialogue_choices(replies)[0].id.split(":")[1])


def started(say, click):
    say("/client add Acme")
    first = say("/fire Acme")
    return first, click(choice(first, "go").id)


def test_every_step_has_back_and_cancel_and_replaces_in_place(say, click, store) -> None:
    first, replies = started(say, click)
    assert first[0].replaces is False  # a new message for the command
    for _ in range(5):
        labels = [c.label for c in dialogue_choices(replies)]
        assert labels[-2:] == ["Back", "Cancel"]
        assert [c.nav for c in dialogue_choices(replies)][-2:] == ["back", "cancel"]  # kept apart from the answers
        assert all(not c.nav for c in replies[0].answers)
        assert replies[0].replaces is True
        offered = [c.id.split(":")[-1] for c in dialogue_choices(replies)]
        replies = click(choice(replies, next(a for a in ("never", "no", "done") if a in offered)).id)


def test_state_is_stored_after_every_step(say, click, store) -> None:
    _, replies = started(say, click)
    did = dialogue_id(replies)
    assert snapshot(store, did)[1:3] == ("abuse", 2)
    replies = click(choice(replies, "never").id)
    status, step, step_no, answers, history = snapshot(store, did)
    assert (status, step, step_no) == ("active", "unethical", 3)
    assert answers == {"evidence": "go", "abuse": "never"}
    assert history == ("evidence", "abuse")


def test_a_stale_button_is_refused_and_changes_nothing(say, click, store) -> None:
    _, replies = started(say, click)
    old = choice(replies, "once")
    click(choice(replies, "never").id)
    now = click(choice(click(f"dlg:{dialogue_id(replies)}:3:resume"), "no").id)  # moves on again
    before = snapshot(store, dialogue_id(replies))
    out = click(old.id)
    assert "This step has moved on" in text_of(out)
    assert out[0].is_error
    assert snapshot(store, dialogue_id(replies)) == before
    # the refusal offers to show where the user is
    assert current_step(store, click(out[0].choices[0].id)) == current_step(store, now)


def test_a_double_click_is_harmless(say, click, store) -> None:
    _, replies = started(say, click)
    never = choice(replies, "never")
    once = click(never.id)
    before = snapshot(store, dialogue_id(replies))
    twice = click(never.id)
    assert snapshot(store, dialogue_id(replies)) == before
    assert text_of(twice) == text_of(once)  # the same step shown again, no error
    assert not twice[0].is_error


def test_back_returns_with_the_previous_answer_marked(say, click, store) -> None:
    _, replies = started(say, click)
    replies = click(choice(replies, "once").id)
    assert current_step(store, replies) == "unethical"
    back = click(choice(replies, "back").id)
    assert current_step(store, back) == "abuse"
    labels = [c.label for c in dialogue_choices(back)]
    assert "Once ✓" in labels
    assert "last time you said: Once" in back[0].context
    assert store.dialogues.get(OWNER, dialogue_id(back)).answers["abuse"] == "once"
    # changing the answer goes forward from there
    forward = click(choice(back, "never").id)
    assert current_step(store, forward) == "unethical"
    assert store.dialogues.get(OWNER, dialogue_id(back)).answers["abuse"] == "never"


def test_back_from_a_follow_up_and_change_removes_it(say, click, store) -> None:
    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), {"late-payment": "often"}, until="signs.tried")
    back = click(choice(click(choice(replies, "back").id), "back").id)
    assert current_step(store, back) == "signs.often"
    assert "Pays late or needs chasing ✓" in [c.label for c in dialogue_choices(back)]
    unticked = click(choice(back, "t.late-payment").id)
    assert "Pays late or needs chasing" in [c.label for c in dialogue_choices(unticked)]
    forward = click(choice(unticked, "done").id)
    assert current_step(store, forward) == "self"  # "now and then" was answered already; the follow-up is gone
    done, visited = walk(store, click, forward)
    assert "signs.tried" not in visited  # no pattern left to ask about
    assert "Verdict: keep Acme" in text_of(done)


def test_cancel_then_old_buttons_are_refused(say, click, store) -> None:
    _, replies = started(say, click)
    did = dialogue_id(replies)
    out = click(choice(replies, "cancel").id)
    assert "Nothing was decided and nothing was sent." in text_of(out)
    assert out[0].replaces is True
    before = snapshot(store, did)
    assert before[0] == "cancelled"
    for answer in ("never", "back", "once"):
        refused = click(choice(replies, answer).id)
        assert "was cancelled" in text_of(refused) and refused[0].is_error
    assert snapshot(store, did) == before
    assert store.dialogues.active_for(OWNER, 1) is None


def test_finished_dialogue_refuses_its_question_buttons(say, click, store) -> None:
    say("/client add Acme")
    first = say("/fire Acme")
    question = click(choice(first, "go").id)
    done, _ = walk(store, click, question)
    did = dialogue_id(done)
    before = snapshot(store, did)
    refused = click(choice(question, "never").id)
    assert "You already reached a verdict on Acme" in text_of(refused)
    assert "keep the client" in text_of(refused)
    assert snapshot(store, did) == before


def test_another_users_or_workspaces_buttons_are_refused(say, click, store) -> None:
    _, replies = started(say, click)
    did = dialogue_id(replies)
    before = snapshot(store, did)
    for user, workspace in (("U2", "W1"), ("U1", "W2")):
        out = click(choice(replies, "never").id, user=user, workspace=workspace)
        assert "isn't part of any decision of yours" in text_of(out)
        out = click(f"dlg:start:{store.clients.by_name(OWNER, 'Acme').id}", user=user, workspace=workspace)
        assert "isn't part of any decision of yours" in text_of(out)
    assert snapshot(store, did) == before


def test_malformed_and_unknown_ids_are_refused(say, click, store) -> None:
    _, replies = started(say, click)
    did = dialogue_id(replies)
    before = snapshot(store, did)
    for bad in ("dlg", "dlg:x", f"dlg:{did}:x:never", "dlg:999:1:never", "dlg:start:abc", f"dlg:{did}:2"):
        out = click(bad)
        assert out[0].is_error, bad
    out = click(f"dlg:{did}:2:bogus")
    assert "doesn't belong to this question" in text_of(out)
    assert snapshot(store, did) == before


def test_fire_again_offers_resume_or_start_over(say, click, store) -> None:
    _, replies = started(say, click)
    click(choice(replies, "never").id)
    did = dialogue_id(replies)
    offer = say("/fire acme")  # case-insensitive
    assert "Pick up where you left off, or start over?" in text_of(offer)
    assert "requests you're not comfortable with" in offer[0].context
    assert [c.label for c in offer[0].choices] == ["Pick up where I was", "Start over", "Cancel"]
    resumed = click(choice(offer, "resume").id)
    assert current_step(store, resumed) == "unethical"
    offer = say("/fire Acme")
    fresh = click(choice(offer, "restart").id)
    assert dialogue_id(fresh) != did
    assert current_step(store, fresh) == "evidence"
    assert store.dialogues.get(OWNER, did).status == "cancelled"
    assert "was cancelled" in text_of(click(choice(replies, "never").id))


def address() -> Address:
    return Address(platform="console", workspace="W1", user="U1", channel="C1")


def test_a_restart_continues_where_the_user_was(db_path, clock) -> None:
    store = Store(db_path)
    core = Core(store, clock)
    core.handle(Command(address(), "client", "add Acme"))
    first = core.handle(Command(address(), "fire", "Acme"))
    q = core.handle(Action(address(), choice(first, "go").id))
    q = core.handle(Action(address(), choice(q, "once").id))
    pending = choice(q, "no").id
    store.close()

    store2 = Store(db_path)  # a redeploy: new store, new core, same file
    core2 = Core(store2, clock)
    nxt = core2.handle(Action(address(), pending))
    assert current_step(store2, nxt) == "signs.often"
    assert store2.dialogues.get(OWNER, dialogue_id(nxt)).answers == {"evidence": "go", "abuse": "once", "unethical": "no"}
    store2.close()


def test_double_clicks_on_cancel_and_start_over_are_harmless(say, click, store) -> None:
    _, replies = started(say, click)
    cancel = choice(replies, "cancel").id
    first = click(cancel)
    again = click(cancel)
    assert text_of(again) == text_of(first) and not again[0].is_error

    say("/client add Globex")
    click(choice(say("/fire Globex"), "go").id)
    offer = say("/fire Globex")
    restart = choice(offer, "restart").id
    fresh = click(restart)
    before = snapshot(store, dialogue_id(fresh))
    twice = click(restart)
    assert not twice[0].is_error
    assert dialogue_id(twice) == dialogue_id(fresh)
    assert snapshot(store, dialogue_id(fresh)) == before
    assert len([d for d in store.database.query("SELECT id FROM dialogues WHERE status = 'active'")]) == 1


def test_a_new_client_reads_as_new(say) -> None:
    say("/client add Acme")
    assert "Acme became a client today." in text_of(say("/fire Acme"))


def test_a_retried_fire_command_answers_the_same_first_step(say, store) -> None:
    say("/client add Acme")
    first = say("/fire Acme", request_id="R1")
    retry = say("/fire Acme", request_id="R1")  # Slack's X-Slack-Retry-Num, a double submit
    assert text_of(retry) == text_of(first)
    assert len(store.database.query("SELECT id FROM dialogues")) == 1
    assert "Pick up where you left off" in text_of(say("/fire Acme", request_id="R2"))


def test_an_answer_stays_valid_when_new_evidence_arrives_meanwhile(say, click, store) -> None:
    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), until="signs.often")
    tick = choice(replies, "t.scope-creep")  # listed: nothing on file yet
    say("/incident Acme scope-creep one more round")
    say("/incident Acme scope-creep and one more")  # now the evidence answers it by itself
    ticked = click(tick.id)
    assert not ticked[0].is_error
    nxt = click(choice(ticked, "done").id)
    assert current_step(store, nxt) == "signs.some"
    assert store.dialogues.get(OWNER, dialogue_id(nxt)).answers["signs.often"] == ""  # no longer listed: the records speak
