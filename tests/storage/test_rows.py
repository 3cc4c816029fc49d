"""`storage/rows.py`: rows become dataclasses by field type, and `insert_once` writes a keyed row once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from storage.records import Owner
from storage.rows import blank_none, by_key, insert_once, insert_or_find, json_dict, mapper

OWNER = Owner("W1", "U1")


@dataclass(frozen=True)
class Sample:
    day: date
    at: datetime
    maybe_day: date | None
    flag: bool
    data: dict[str, Any]
    extra: dict[str, Any] | None
    steps: tuple[str, ...]
    name: str | None
    count: int = 0
    note: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)


def test_each_type_is_converted_once_by_the_field() -> None:
    build = mapper(Sample, note=blank_none)
    row = {
        "day": "2026-11-25", "at": "2026-11-25T10:00:00+00:00", "maybe_day": None, "flag": 1,
        "data": '{"a": 1}', "extra": None, "steps": '["x", "y"]', "name": "", "count": None, "note": "",
    }
    s = build(row)
    assert s.day == date(2026, 11, 25)
    assert s.at == datetime(2026, 11, 25, 10, tzinfo=timezone.utc)
    assert s.maybe_day is None and s.flag is True
    assert s.data == {"a": 1} and s.extra is None and s.steps == ("x", "y")
    assert s.name == ""  # text is kept as stored unless the field says otherwise
    assert s.count == 0  # NULL where the field has a default: the default
    assert s.note is None  # blank_none: '' reads as None


def test_empty_json_reads_as_empty_and_a_missing_column_as_the_default() -> None:
    s = mapper(Sample)({"day": "2026-01-01", "at": None, "maybe_day": "2026-01-02", "flag": 0, "data": "",
                        "extra": '{"b": 2}', "steps": None, "name": "n"})
    assert s.at is None and s.maybe_day == date(2026, 1, 2) and s.flag is False
    assert s.data == {} and s.extra == {"b": 2} and s.steps == ()
    assert s.count == 0 and s.note is None


def test_a_field_can_read_another_column() -> None:
    @dataclass(frozen=True)
    class Renamed:
        table: dict[str, Any]

    assert mapper(Renamed, columns={"table": "table_json"})({"table_json": '{"rows": []}'}).table == {"rows": []}


def test_json_dict_forgives_damaged_text() -> None:
    assert json_dict("not json") == {} and json_dict("[1]") == {} and json_dict('{"a": 1}') == {"a": 1}


def test_insert_once_writes_a_keyed_row_once_and_by_key_finds_it(store) -> None:
    db = store.database
    values = {"workspace": "W1", "owner": "U1", "entity": "client", "entity_id": 1, "client_id": 1,
              "action": "edit", "before": "{}", "after": "{}", "changed_at": "2026-11-25T10:00:00+00:00",
              "changed_by": "U1", "request_id": "R1"}
    with db.transaction():
        first = insert_once(db, "changes", values)
        again = insert_once(db, "changes", {**values, "action": "delete"})
    assert first is not None and again is None
    row = by_key(db, "changes", OWNER, "request_id", "R1")
    assert row is not None and row["id"] == first and row["action"] == "edit"
    assert by_key(db, "changes", OWNER, "request_id", None) is None
    assert by_key(db, "changes", Owner("W2", "U1"), "request_id", "R1") is None
    # No key: every insert is a new row (NULLs never collide in a unique index).
    with db.transaction():
        a = insert_once(db, "changes", {**values, "request_id": None})
        b = insert_once(db, "changes", {**values, "request_id": None})
    assert a is not None and b is not None and a != b


def test_insert_or_find_answers_a_retry_with_the_first_row_and_refuses_another_key(store) -> None:
    db = store.database
    values = {"workspace": "W1", "owner": "U1", "name": "Acme", "name_key": "acme", "terms_days": 30,
              "currency": "EUR", "paused": 0, "created_at": "2026-11-25T10:00:00+00:00", "request_id": "R1"}
    with db.transaction():
        first = insert_or_find(db, "clients", OWNER, values)
        retry = insert_or_find(db, "clients", OWNER, {**values, "terms_days": 60})
        other = insert_or_find(db, "clients", OWNER, {**values, "request_id": "R2"})  # the name is taken
    assert first[1] is True and first[0] is not None
    assert retry == (first[0], False)
    assert other == (None, False)
    assert store.clients.get(OWNER, first[0]).terms_days == 30


def test_a_clients_incidents_read_for_a_dossier_are_the_mappers(store) -> None:  # type: ignore[no-untyped-def]
    """`Incidents.for_client` builds its rows without the mapper (issue 20): the same incidents, field for field."""
    from datetime import timedelta

    client = store.clients.add(OWNER, "Acme", 30, "EUR", None)
    at = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)
    store.incidents.add(OWNER, client.id, "late-payment", "paid late", occurred_at=at)  # logged now, happened before
    store.incidents.add(OWNER, client.id, "scope-creep", "", source="form", source_ref="https://x/1", request_id="r1")
    store.incidents.add(OWNER, client.id, "rude", "on a day", occurred_on=date(2026, 1, 2), occurred_at=at - timedelta(days=90))
    read = store.incidents.for_client(OWNER, client.id)
    assert len(read) == 3
    for incident in read:
        mapped = store.incidents.by_number(OWNER, incident.number)  # through `mapper(Incident)`
        assert incident == mapped and repr(incident) == repr(mapped) and hash(incident) == hash(mapped)
        assert type(incident.occurred_at) is datetime and incident.occurred_at.tzinfo is not None
    assert read[-1].logged_at == read[-1].occurred_at and read[1].logged_at > read[1].occurred_at
    assert [i.occurred_on for i in read] == [date(2026, 1, 2), None, None]
    assert store.incidents.for_client(OWNER, client.id, limit=2) == read[-2:]
