"""Incidents in the past: `on=<date>` records the day it happened, apart from when it was logged."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import fmt
from bot.i18n import messages
from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")
TODAY = date(2026, 11, 25)  # a Wednesday, the test clock's date
REDFLAG = Path(sys.executable).with_name("redflag")


@pytest.mark.parametrize(
    ("lang", "line", "day", "note"),
    [
        ("en", "/incident Acme abuse insulted me on the call on=last tuesday", date(2026, 11, 24), "insulted me on the call"),
        ("en", "/incident Acme abuse on=2026-11-17 insulted me on the call", date(2026, 11, 17), "insulted me on the call"),
        ("en", '/incident Acme abuse on="3 days ago" shouted', date(2026, 11, 22), "shouted"),
        ("nl", "/incident Acme agressie schold me uit on=17-11-2026", date(2026, 11, 17), "schold me uit"),
        ("nl", "/incident Acme agressie schold me uit on=gisteren", date(2026, 11, 24), "schold me uit"),
        ("vi", "/incident Acme lăng-mạ chửi tôi on=hôm qua", date(2026, 11, 24), "chửi tôi"),
        ("vi", "/incident Acme lang-ma chửi tôi on=17/11/2026", date(2026, 11, 17), "chửi tôi"),
        ("tr", "/incident Acme hakaret bana hakaret etti on=geçen salı", date(2026, 11, 24), "bana hakaret etti"),
        ("tr", "/incident Acme hakaret bana hakaret etti on=17.11.2026", date(2026, 11, 17), "bana hakaret etti"),
    ],
)
def test_on_records_the_day_it_happened(say, store, lang: str, line: str, day: date, note: str) -> None:
    say("/client add Acme", locale=lang)
    shown = text_of(say(line, locale=lang))
    assert messages(lang)("incident.happened_on", date=fmt.day(lang, day)) in shown
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert (incident.kind, incident.note, incident.occurred_on) == ("abuse", note, day)
    assert incident.logged_at.date() != day  # when it was logged is kept apart


def test_a_future_or_unreadable_on_is_refused_and_nothing_stored(say, store) -> None:
    say("/client add Acme")
    assert "is in the future" in text_of(say("/incident Acme abuse shouted on=tomorrow"))
    assert "as a date" in text_of(say("/incident Acme abuse shouted on=someday"))
    assert store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id) == []


def test_a_note_mentioning_on_is_kept(say, store) -> None:
    say("/client add Acme")
    say("/incident Acme other we agreed on a fee")
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.note == "we agreed on a fee" and incident.occurred_on is None


def test_form_date_field(say, submit, store) -> None:
    say("/client add Acme")
    submit("incident", {"client": "Acme", "kind": "abuse", "note": "x", "on": "2026-11-02"})
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.occurred_on == date(2026, 11, 2)
    errors = submit("incident", {"client": "Acme", "kind": "abuse", "note": "x", "on": "2026-02-30"})[0].form_errors
    assert errors and errors[0][0] == "on"


def test_dossier_export_and_score_use_the_day_it_happened(say, store) -> None:
    say("/client add Acme")
    say("/invoice add Acme 100 issued=2026-11-10 due=2026-12-10 ref=INV-1")
    say("/incident Acme abuse shouted at me on=2026-11-03")
    dossier = text_of(say("/client show Acme"))
    assert dossier.index("Nov 3, 2026") < dossier.index("INV-1")  # ordered by when it happened
    files = {f.filename.rsplit(".", 1)[1]: f.content for f in say("/client export Acme")[0].files}
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8"), newline="")))
    incident = next(r for r in rows if r["type"] == "incident")
    assert incident["date_only"] == "true" and incident["timestamp"].startswith("2026-11-03")
    assert incident["logged_utc"] and not incident["logged_utc"].startswith("2026-11-03")
    md = files["md"].decode("utf-8")
    assert "Nov 3, 2026 — Incident" in md or "Nov 3, 2026 —" in md
    assert "_Logged " in md


def test_console_incident_on_appears_in_dossier_and_export(tmp_path: Path) -> None:
    import os

    db = tmp_path / "redflag.db"
    day = datetime.now(timezone.utc).date() - timedelta(days=10)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "LC_", "LANG"))}
    env.update({"REDFLAG_DB": str(db), "LANG": "en_US.UTF-8", "TZ": "UTC", "NO_COLOR": "1", "REDFLAG_EXPORT_DIR": str(tmp_path / "out")})
    lines = f"/client add Zed\n/incident Zed abuse insulted me on=\"{day.isoformat()}\"\n/client show Zed\n/client export Zed\n"
    done = subprocess.run([str(REDFLAG)], input=lines, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"Happened on {fmt.day('en', day)}." in done.stdout
    assert f"{fmt.day('en', day)} · Incident" in done.stdout or fmt.day("en", day) in done.stdout.split("Timeline")[-1]
    [csv_file] = list((tmp_path / "out").glob("*.csv"))
    row = next(r for r in csv.DictReader(io.StringIO(csv_file.read_text("utf-8"))) if r["type"] == "incident")
    assert row["timestamp"].startswith(day.isoformat()) and row["logged_utc"]


def test_trouble_score_ages_a_back_dated_incident_from_when_it_happened(say) -> None:
    say("/client add Acme")
    say("/client add Beta")
    say("/incident Acme abuse shouted on=2025-11-30")  # 360 days before the test clock: two half-lives
    say("/incident Beta abuse shouted")
    assert "Trouble score: 1.2" in text_of(say("/client show Acme"))
    assert "Trouble score: 5" in text_of(say("/client show Beta"))
