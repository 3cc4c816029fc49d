"""The follow-up queue the reminder sweep drains: due, delivered, retried, given up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.followups import MAX_ATTEMPTS, RETRY_DELAY
from storage.records import Owner

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
A = Owner("W1", "U1")
B = Owner("W2", "U9")


def add(store, owner=A, days=3, key=None):
    return store.followups.add(owner, "console", "decide", NOW + timedelta(days=days), {"client_name": "Acme"}, key=key, now=NOW)


def test_due_is_oldest_first_across_workspaces_and_respects_the_limit(store) -> None:
    late, _ = add(store, B, days=2)
    early, _ = add(store, A, days=1)
    add(store, A, days=10)
    assert store.followups.due(NOW) == []
    due = store.followups.due(NOW + timedelta(days=3))
    assert [f.id for f in due] == [early.id, late.id]
    assert [f.id for f in store.followups.due(NOW + timedelta(days=3), limit=1)] == [early.id]


def test_a_key_makes_adding_idempotent(store) -> None:
    first, created = add(store, key="dlg:1:verdict")
    again, created_again = add(store, days=9, key="dlg:1:verdict")
    assert created and not created_again and again == first
    other, created_other = add(store, B, key="dlg:1:verdict")  # keys are per owner
    assert created_other and other.id != first.id


def test_delivered_once_and_never_again(store) -> None:
    f, _ = add(store)
    at = NOW + timedelta(days=3)
    store.followups.mark_delivered(f.id, at)
    store.followups.mark_delivered(f.id, at + timedelta(hours=1))  # idempotent: keeps the first time
    after = store.followups.get(f.id)
    assert after.delivered_at == at and not after.pending
    assert store.followups.due(at + timedelta(days=1)) == []


def test_a_failure_retries_later_then_gives_up(store) -> None:
    f, _ = add(store)
    at = NOW + timedelta(days=3)
    after = store.followups.mark_failed(f.id, "rate limited", at, retry_after=120)
    assert after.attempts == 1 and after.last_error == "rate limited" and after.due_at == at + timedelta(seconds=120)
    assert store.followups.due(at) == []
    for n in range(2, MAX_ATTEMPTS + 1):
        after = store.followups.mark_failed(f.id, "boom", at)
        assert after.attempts == n
    assert after.gave_up_at == at and not after.pending
    assert store.followups.due(at + RETRY_DELAY * 10) == []


def test_a_permanent_failure_gives_up_at_once(store) -> None:
    f, _ = add(store)
    after = store.followups.mark_failed(f.id, "DMs closed", NOW, permanent=True)
    assert after.gave_up_at == NOW and after.attempts == 1
    assert store.followups.due(NOW + timedelta(days=30)) == []
