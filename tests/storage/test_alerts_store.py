"""`storage/alerts.py` on both engines: what a pattern check reads in one statement, settings, silences, queueing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.records import Owner
from storage.store import Store

OWNER = Owner("W1", "U1")
OTHER = Owner("W1", "U2")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def _queue(store: Store, owner: Owner, client_id: int | None, rule: str, key: str, *, kind: str = "alert",
           at: datetime = NOW, due: datetime | None = None) -> None:
    store.alerts.queue(owner, "slack", kind=kind, rule=rule, key=key, due_at=due or at, now=at, client_id=client_id)


def _client(store: Store, owner: Owner, name: str) -> int:
    store.users.ensure(owner, "slack")
    return store.clients.add(owner, name, 30, "EUR", None).id


def test_a_check_reads_settings_keys_last_alerts_and_silences_at_once(store: Store) -> None:
    acme, other_client = _client(store, OWNER, "Acme"), _client(store, OWNER, "Globex")
    empty = store.alerts.client_alerts(OWNER, acme)
    assert (empty.alerts_on, empty.keys, empty.last_fired, empty.silenced) == (True, frozenset(), {}, {})

    _queue(store, OWNER, acme, "repeat:haggling", "repeat:haggling:1")
    _queue(store, OWNER, acme, "repeat:haggling", "repeat:haggling:2", at=NOW + timedelta(days=2))
    _queue(store, OWNER, acme, "late", "late:1", at=NOW + timedelta(days=1))
    _queue(store, OWNER, other_client, "late", "late:other")  # another client's
    _queue(store, OTHER, acme, "urgent", "urgent:x")  # another user's
    _queue(store, OWNER, None, "digest", "digest:2026-11-30", kind="digest")  # no client
    store.alerts.silence(OWNER, acme, "repeat:haggling", NOW + timedelta(days=30))
    store.alerts.silence(OWNER, acme, "repeat:haggling", NOW + timedelta(days=3))  # never shortened
    store.alerts.silence(OWNER, other_client, "late", NOW + timedelta(days=30))

    found = store.alerts.client_alerts(OWNER, acme)
    assert found.alerts_on is True
    assert found.keys == {"repeat:haggling:1", "repeat:haggling:2", "late:1"}
    assert found.last_fired == {"repeat:haggling": NOW + timedelta(days=2), "late": NOW + timedelta(days=1)}
    assert found.silenced == {"repeat:haggling": NOW + timedelta(days=30)} == store.alerts.silenced(OWNER, acme)

    store.alerts.set_settings(OWNER, alerts_on=False)
    assert store.alerts.client_alerts(OWNER, acme).alerts_on is False
    assert store.alerts.client_alerts(OTHER, acme).alerts_on is True


def test_turning_alerts_off_cancels_pending_alerts_and_an_older_digest_is_dropped(store: Store) -> None:
    acme = _client(store, OWNER, "Acme")
    _queue(store, OWNER, acme, "late", "late:1")
    _queue(store, OWNER, None, "digest", "digest:2026-11-23", kind="digest")
    _queue(store, OWNER, None, "digest", "digest:2026-11-30", kind="digest")
    assert [a.status for a in store.alerts.for_owner(OWNER, "digest")] == ["cancelled", "pending"]
    assert store.alerts.has_key(OWNER, "late:1") and not store.alerts.has_key(OTHER, "late:1")
    assert store.alerts.last_client_alert(OWNER, acme) == NOW

    settings = store.alerts.set_settings(OWNER, alerts_on=False)
    assert (settings.alerts_on, settings.digest_day) == (False, "monday") == (
        store.alerts.settings(OWNER).alerts_on, store.alerts.settings(OWNER).digest_day)
    assert [a.status for a in store.alerts.for_owner(OWNER, "alert")] == ["cancelled"]
    assert store.alerts.last_client_alert(OWNER, acme) is None
    assert store.alerts.for_owner(OWNER, "digest")[-1].status == "pending"  # digests are their own setting
    assert [o for o, _, _ in store.alerts.digest_owners()] == [OWNER]
    store.alerts.set_settings(OWNER, digest_day="off")
    assert [a.status for a in store.alerts.for_owner(OWNER, "digest")] == ["cancelled", "cancelled"]
    assert store.alerts.digest_owners() == []


def test_deliverable_ids_are_due_pending_and_unleased(store: Store) -> None:
    acme = _client(store, OWNER, "Acme")
    _queue(store, OWNER, acme, "late", "late:1")
    _queue(store, OWNER, acme, "late", "late:2", due=NOW + timedelta(days=1))
    first, second = (a.id for a in store.alerts.for_owner(OWNER))
    assert store.alerts.deliverable_ids(NOW, NOW) == [first]
    assert store.alerts.deliverable_ids(NOW + timedelta(days=2), NOW + timedelta(days=2), limit=1) == [first]
    assert store.alerts.lease(first, "sweep-1", NOW, NOW + timedelta(minutes=5))
    assert store.alerts.deliverable_ids(NOW + timedelta(days=2), NOW + timedelta(minutes=1)) == [second]
    assert store.alerts.reminders_between(OWNER, NOW, NOW + timedelta(days=1)) == (0, 0)
