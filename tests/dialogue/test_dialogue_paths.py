"""Every verdict walked end to end through `Core.handle`, checking what the user sees and what is stored."""
from __future__ import annotations

from datetime import timedelta, datetime, timezone

from bot import fmt, letters
from dlg_helpers import OWNER, choice, current_step, dialogue_choices, text_of, walk


def setup_late_payer(say) -> None:
    say("/client add Acme currency=EUR")
    for ref, issued, due, paid in (
        ("A1", "2026-05-01", "2026-06-01", "2026-06-20"),
        ("A2", "2026-06-01", "2026-07-01", "2026-07-31"),
        ("A3", "2026-07-01", "2026-08-01", "2026-08-15"),
    ):
        say(f"/invoice add Acme 500 EUR issued={issued} due={due} ref={ref}")
        say(f"/invoice paid {ref} on={paid}")
    say("/invoice add Acme 1200 EUR issued=2026-09-01 due=2026-10-01 ref=A4")


def test_evidence_opens_the_dialogue(say, store) -> None:
    setup_late_payer(say)
    say("/incident Acme scope-creep a fourth logo round")
    replies = say("/fire Acme")
    out = text_of(replies)
    assert "Should you let Acme go?" in out
    assert "Scope creep: 1" in out
    assert "3 invoices were paid late: 21 days on average, the worst 30 days." in out
    assert "1 invoice is overdue right now." in out
    assert "Still owed: €1,200.00." in out
    assert "in the last 48 hours" in out
    # the records answer "do they pay late?": the opening says so, with one way to correct it
    assert "Your records already answer these" in out
    assert "• Late payment: a pattern, 4 on file" in out
    assert [c.label for c in replies[0].choices] == ["Let's go through it", "Correct this", "Cancel"]
    assert [c.nav for c in replies[0].choices] == ["", "", "cancel"]
    dlg = store.dialogues.active_for(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert dlg is not None and dlg.step == "evidence" and dlg.step_no == 1


def test_keep_path_ends_in_a_check_in(say, click, store) -> None:
    say("/client add Acme")
    replies, visited = walk(store, click, say("/fire Acme"))
    assert visited[:3] == ["evidence", "abuse", "unethical"]
    assert not any(s.startswith("ground.") for s in visited)  # no ground check on the way to keep
    out = text_of(replies)
    assert "Verdict: keep Acme" in out
    assert "None of the warning signs is a pattern with Acme." in out
    assert "Dear Acme team," in out and "check-in" in out
    assert "[Remind me in 3 days to decide]" in out
    assert replies[0].replaces is True
    dlg = store.dialogues.finished_for(OWNER, store.clients.by_name(OWNER, "Acme").id)[0]
    assert dlg.verdict == "keep" and dlg.status == "finished"
    assert "Verdict: keep the client." in text_of(say("/client show Acme"))


def test_repair_path_renegotiates(say, click, store) -> None:
    say("/client add Acme")
    replies, visited = walk(store, click, say("/fire Acme"), {"scope-creep": "often", "scope-creep.cap": "no", "after-hours": "sometimes"})
    assert visited == ["evidence", "abuse", "unethical", "signs.often", "signs.some", "signs.tried", "self"]
    out = text_of(replies)
    assert "Verdict: keep Acme, on new terms" in out
    assert "What to renegotiate:" in out
    assert "A set number of revisions per deliverable" in out
    assert "Each deliverable includes a set number of revisions" in out  # the client-facing line in the script
    assert "Working hours and a response time" in out


def test_fire_with_notice_for_a_late_payer(say, click, store) -> None:
    setup_late_payer(say)
    replies = say("/fire Acme")
    # the evidence answers "do they pay late?": no question about it, only "what have you tried?"
    replies, visited = walk(
        store,
        click,
        replies,
        {"late-payment.tried": "yes", "ground.unfinished": "yes", "ground.owed": "collect", "ground.ongoing": "yes"},
    )
    assert visited == ["evidence", "abuse", "unethical", "signs.often", "signs.some", "signs.tried", "ground"]
    out = text_of(replies)
    end_day = (store.dialogues.finished_for(OWNER, 1)[0].finished_at + timedelta(days=60)).date()
    end = fmt.day("en", end_day)
    assert "Verdict: part ways with Acme, with notice" in out
    assert "Acme keeps paying late even after a late fee or a pause." in out
    assert f"Notice: 60 days, until {end}." in out
    # in the letter: the end date in full, and no promise of work while the work is paused
    assert f"Our collaboration will end in 60 days, on {letters.formal_date('en', end_day)}." in out
    assert "There is still €1,200.00 outstanding. Until it has been paid, the work is paused" in out
    assert "keep working with you" not in out
    assert "I'll refund you in full" in out
    assert "recommend a colleague" in out
    assert "Collect the €1,200.00 they still owe before you announce anything." in out
    assert '/client export "Acme"' in out


def test_fire_now_after_abuse_is_short_and_has_no_referral(say, click, store) -> None:
    say("/client add Acme")
    say("/incident Acme abuse called me an idiot in front of the team")
    replies, visited = walk(store, click, say("/fire Acme"), {"abuse": "often", "abuse.confirm": "yes", "ground.unfinished": "yes"})
    assert visited == ["evidence", "abuse", "abuse.confirm", "ground"]
    out = text_of(replies)
    assert "Verdict: end it with Acme now" in out
    assert "effective today" in out
    assert "No notice: it ends today." in out
    assert "recommend a colleague" not in out and "No referral" in out
    assert "I'll refund you in full" in out
    assert "Regards," in out


def test_fire_now_after_unethical_request(say, click, store) -> None:
    say("/client add Acme")
    replies, visited = walk(store, click, say("/fire Acme"), {"unethical": "yes", "unethical.confirm": "yes"})
    assert visited == ["evidence", "abuse", "unethical", "unethical.confirm", "ground"]
    out = text_of(replies)
    assert "I'm not able to do the work that was requested" in out
    assert "recommend a colleague" not in out


def test_hate_the_work_ends_in_a_transition(say, click, store) -> None:
    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), {"hate-work": "yes"})
    out = text_of(replies)
    assert "refocus my business" in out and "handover" in out
    assert "Notice: 30 days" in out


def test_capacity_refers_to_an_agency(say, click, store) -> None:
    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), {"capacity": "yes"})
    out = text_of(replies)
    assert "My workload has grown" in out and "agency" in out


def test_remind_me_in_three_days_stores_one_followup(say, click, store, clock) -> None:
    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), {"style-mismatch": "often"})
    remind = choice(replies, "remind")
    first = click(remind.id)
    again = click(remind.id)  # a double click
    assert "I'll message you on" in text_of(first) and "I'll message you on" in text_of(again)
    rows = store.followups.for_owner(OWNER)
    assert len(rows) == 1
    # three days on, at the user's send hour (09:00, zone UTC by default), not 72 hours to the minute
    assert rows[0].kind == "decide" and rows[0].due_at == datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
    assert rows[0].payload["verdict"] == "fire_notice"
    assert store.followups.due(clock.now) == []
    clock.advance(days=3)
    assert [f.id for f in store.followups.due(clock.now)] == [rows[0].id]


def test_cool_head_check_can_sleep_on_it(say, click, store, clock) -> None:
    say("/client add Acme")
    say("/incident Acme style-mismatch hated the third concept too")
    replies, _ = walk(store, click, say("/fire Acme"), {"style-mismatch": "often"}, until="ground")
    assert "in the last two days" in text_of(replies)
    assert "[I'm calm about this, not deciding in anger]" in text_of(replies)
    slept = click(choice(replies, "sleep").id)
    assert "I'll remind you about Acme on" in text_of(slept)
    dlg = store.dialogues.active_for(OWNER, 1)
    assert dlg is not None and dlg.step == "ground"  # still waiting, answers kept
    assert [f.payload["reason"] for f in store.followups.for_owner(OWNER)] == ["cool"]
    offer = say("/fire Acme")
    assert "Pick up where you left off, or start over?" in text_of(offer)
    resumed = click(choice(offer, "resume").id)
    assert current_step(store, resumed) == "ground"
    done, _ = walk(store, click, resumed)
    assert "Verdict: part ways with Acme, with notice" in text_of(done)
    assert "Give it a day or two" not in text_of(done)  # answered "calm"


def test_followup_dm_reopens_the_dialogue(say, click, store, clock, core) -> None:
    from bot.dialogue import followup_replies
    from bot.events import Address

    say("/client add Acme")
    replies, _ = walk(store, click, say("/fire Acme"), {"capacity": "yes"})
    click(choice(replies, "remind").id)
    clock.advance(days=3, minutes=1)
    (due,) = store.followups.due(clock.now)
    ctx = core.context(Address(due.platform, due.workspace, due.owner))
    dm = followup_replies(ctx, due)
    assert "Three days ago you were weighing whether to keep working with Acme" in text_of(dm)
    assert "part ways with notice" in text_of(dm)
    store.followups.mark_delivered(due.id, clock.now)
    assert store.followups.due(clock.now) == []
    reopened = click(dm[0].choices[0].id)
    assert current_step(store, reopened) == "evidence"


def test_fire_needs_a_known_client(say) -> None:
    assert 'How to write it: /fire "Acme Corp"' in text_of(say("/fire"))
    say("/client add Acme")
    out = text_of(say("/fire Acmee"))
    assert "Acme" in out and "mean" in out


def test_coming_back_often_means_trust_the_feeling(say, click, store, clock) -> None:
    say("/client add Acme")
    for _ in range(2):
        walk(store, click, say("/fire Acme"), {"style-mismatch": "often"})
        clock.advance(days=5)
    say("/incident Acme style-mismatch rejected the fourth concept")
    replies = say("/fire Acme")
    assert "You already weighed this 2 times in the last 30 days" in text_of(replies)
    done, visited = walk(store, click, replies, {"style-mismatch": "often"})
    assert "[Remind me in 3 days]" not in text_of(done)  # no "sleep on it" for a doubt that keeps coming back
    assert "Give it a day or two" not in text_of(done)
    assert len(store.dialogues.finished_for(OWNER, 1)) == 3


def test_the_decision_is_in_the_exported_paper_trail(say, click, store) -> None:
    say("/client add Acme")
    walk(store, click, say("/fire Acme"), {"capacity": "yes"})
    files = [f for r in say("/client export Acme") for f in r.files]
    assert files
    for f in files:
        body = f.content.decode("utf-8")
        assert "Verdict: part ways with notice." in body
        assert "You have more work than you can handle" in body


def test_correct_this_asks_what_the_records_answered(say, click, store) -> None:
    setup_late_payer(say)
    opening = say("/fire Acme")
    replies = click(choice(opening, "correct").id)
    out = text_of(replies)
    assert "Your records already answer this one: 4 late payments on file with Acme." in out
    assert [c.id.split(":")[-1] for c in dialogue_choices(replies)] == ["often", "sometimes", "back", "cancel"]
    # "it's better lately": now only present, so the late-fee question is gone and the verdict is a repair at most
    done, visited = walk(store, click, click(choice(replies, "sometimes").id), {"haggling": "sometimes"})
    assert "signs.tried" not in visited
    assert "Verdict: keep Acme, on new terms" in text_of(done)
