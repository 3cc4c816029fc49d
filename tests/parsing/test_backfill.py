"""Back-filling: a past due date alone infers the issue date; an overdue invoice enters the ladder where its age says."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.nudges.sweep import run_sweep
from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")
TODAY = date(2026, 11, 25)  # the test clock's date
ROOT = Path(__file__).resolve().parents[2]
REDFLAG = Path(sys.executable).with_name("redflag")


def test_past_due_alone_infers_the_issue_date_and_says_so(say, store) -> None:
    say("/client add \"Pixel Bakery\" terms=30")
    shown = text_of(say('/invoice add "Pixel Bakery" 1200 due=2026-10-15'))
    assert "Issued Sep 15, 2026, from the 30-day terms; add issued= to change it." in shown
    [inv] = store.invoices.list(OWNER)
    assert (inv.issued_on, inv.due_on) == (date(2026, 9, 15), date(2026, 10, 15))


def test_readme_relative_past_due_works(say, store) -> None:
    say("/client add Acme terms=14")
    assert not say("/invoice add Acme 100 due=-3d")[0].is_error
    [inv] = store.invoices.list(OWNER)
    assert (inv.issued_on, inv.due_on) == (TODAY - timedelta(days=17), TODAY - timedelta(days=3))


def test_issued_alone_gives_the_due_date_from_the_terms(say, store) -> None:
    say("/client add Acme terms=30")
    shown = text_of(say("/invoice add Acme 100 issued=2026-09-01"))
    assert "from the 30-day terms" not in shown
    [inv] = store.invoices.list(OWNER)
    assert (inv.issued_on, inv.due_on) == (date(2026, 9, 1), date(2026, 10, 1))


def test_future_due_keeps_today_as_the_issue_date(say, store) -> None:
    say("/client add Acme")
    say("/invoice add Acme 100 due=2026-12-20")
    [inv] = store.invoices.list(OWNER)
    assert (inv.issued_on, inv.due_on) == (TODAY, date(2026, 12, 20))


@pytest.mark.parametrize(
    ("lang", "due", "issued_text"),
    [
        ("nl", "15-10-2026", "Factuurdatum 15 sep 2026"),
        ("vi", "15/10/2026", "Ngày phát hành 15 thg 9, 2026"),
        ("tr", "15.10.2026", "Düzenleme tarihi 15 Eyl 2026"),
    ],
)
def test_back_fill_in_every_language(say, store, lang: str, due: str, issued_text: str) -> None:
    say("/client add Acme terms=30", locale=lang)
    shown = text_of(say(f"/invoice add Acme 100 due={due}", locale=lang))
    assert issued_text in shown
    [inv] = store.invoices.list(OWNER)
    assert inv.issued_on == date(2026, 9, 15)


def test_form_has_an_issue_date_field_and_back_fills(say, submit, store) -> None:
    say("/client add Acme terms=30")
    form = say("/invoice add")[0].form
    assert form is not None and [f.id for f in form.fields].count("issued") == 1
    assert not next(f for f in form.fields if f.id == "issued").required
    submit("invoice", {"client": "Acme", "amount": "100", "issued": "2026-08-01", "due": "2026-08-31"})
    [inv] = store.invoices.list(OWNER)
    assert (inv.issued_on, inv.due_on) == (date(2026, 8, 1), date(2026, 8, 31))
    errors = submit("invoice", {"client": "Acme", "amount": "100", "issued": "2026-02-30"})[0].form_errors
    assert errors and errors[0][0] == "issued"


async def test_overdue_back_fill_sends_only_the_stage_its_age_calls_for(say, store, core, clock) -> None:
    from tests.nudges.conftest import RecordingNotifier

    say("/redflag settings tz=UTC hour=9")
    say("/client add Acme terms=30 currency=EUR")
    say("/invoice add Acme 1200 due=-45d")
    notifier = RecordingNotifier()
    clock.set(datetime(2026, 11, 26, 9, 5, tzinfo=timezone.utc))
    await run_sweep(store, {"console": notifier}, clock.now, core=core)
    assert len(notifier.sent) == 1
    text = notifier.texts[0]
    assert "final notice" in text.lower() and "friendly reminder" not in text.lower()
    assert "despite earlier reminders" not in text and "This is a final notice for invoice INV-0001" in text
    await run_sweep(store, {"console": notifier}, clock.now, core=core)
    assert len(notifier.sent) == 1  # no burst of the skipped stages


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "LC_", "LANG"))}
    env.update({"REDFLAG_DB": str(db), "LANG": "en_US.UTF-8", "TZ": "UTC", "NO_COLOR": "1"})
    return env


def test_console_back_fill_then_one_sweep(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    today = datetime.now(timezone.utc).date()
    due = today - timedelta(days=45)
    lines = "/redflag settings tz=UTC hour=9\n/client add Zed terms=30\n" f"/invoice add Zed 1200 due={due.isoformat()}\n"
    done = subprocess.run([str(REDFLAG)], input=lines, capture_output=True, text=True, env=_env(db), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    from bot import fmt

    assert f"Issued {fmt.day('en', due - timedelta(days=30))}, from the 30-day terms" in done.stdout, done.stdout
    at = datetime.combine(today, datetime.min.time(), timezone.utc).replace(hour=9, minute=5).isoformat()
    run = subprocess.run([sys.executable, "-m", "redflag", "nudges", "run", "--at", at, "--yes"], cwd=tmp_path, env=_env(db),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.count("sent to") == 1, out
    assert "final notice" in out.lower() and "friendly reminder" not in out.lower() and "firm reminder" not in out.lower()
    assert "despite earlier reminders" not in out
    again = subprocess.run([sys.executable, "-m", "redflag", "nudges", "run", "--at", at, "--yes"], cwd=tmp_path, env=_env(db),
                           capture_output=True, text=True, timeout=120)
    assert "sent to" not in again.stdout, again.stdout
