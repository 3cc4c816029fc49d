"""`redflag nudges run|preview`, the scheduler in the bot's loop, and nudges on the timeline."""
from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.nudges import cli, scheduler
from bot.timeline import timeline
from storage.records import Owner
from tests.nudges.conftest import RecordingNotifier, utc

OWNER = Owner("W1", "U1")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def overdue(books):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")


async def test_run_once_prints_console_dms_and_reports(overdue, store, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = io.StringIO()
    report = await cli.run_once(store, None, utc(2026, 11, 25, 9), stream=out)
    assert "Overdue: INV-1 from Acme" in out.getvalue() and "[Mark paid]" in out.getvalue()
    assert "Invoices checked: 1. Reminders queued for sending: 1." in report
    assert "sent to U1 on console" in report
    again = await cli.run_once(store, None, utc(2026, 11, 25, 9, 5), stream=io.StringIO())
    assert "Nothing to send." in again


async def test_run_once_leaves_other_platforms_to_the_running_bot(books, store, say):
    say('/redflag settings tz=UTC', platform="slack", user="S1", workspace="T1")
    say('/client add Acme currency=EUR', platform="slack", user="S1", workspace="T1")
    say('/invoice add Acme 100 EUR issued=2026-06-01 due=2026-11-18 ref=S-1', platform="slack", user="S1", workspace="T1")
    report = await cli.run_once(store, None, utc(2026, 11, 25, 9), stream=io.StringIO())
    assert "waiting for slack" in report
    slack = RecordingNotifier(platform="slack")
    await cli.run_once(store, [slack], utc(2026, 11, 25, 9, 3), stream=io.StringIO())
    assert len(slack.sent) == 1


async def test_preview_lists_without_sending(overdue, store, books, notifier, sweep):
    books.invoice("INV-2", "2026-12-01", amount="99")
    text = cli.preview(store, utc(2026, 11, 25, 9))
    assert "Would go out now:" in text and "Acme, INV-1, friendly reminder, €1,200.00 open" in text
    assert "Next up:" in text and "INV-2, friendly reminder" in text and "2026-12-08T09:00:00+00:00" in text
    assert cli.preview(store, utc(2026, 11, 25, 9)) == text  # nothing was claimed
    await sweep(utc(2026, 11, 25, 9))
    assert len(notifier.sent) == 1


def test_cli_command_line(overdue, store_url, store):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDFLAG_")}
    env.update({"REDFLAG_DATABASE_URL" if "://" in store_url else "REDFLAG_DB": store_url, "LANG": "en_US.UTF-8"})
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    preview = subprocess.run([sys.executable, "-m", "redflag", "nudges", "preview"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert preview.returncode == 0, preview.stderr
    assert "INV-1" in preview.stdout
    run = subprocess.run([sys.executable, "-m", "redflag", "nudges", "run", "--at", "2026-11-25T09:00:00+00:00"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Overdue: INV-1 from Acme" in run.stdout and "sent to U1 on console" in run.stdout


async def test_scheduler_runs_the_sweep_in_the_loop(overdue, core, clock, notifier):
    clock.set(utc(2026, 11, 25, 9))
    sched = scheduler.start_scheduler(core, {"console": notifier}, interval_minutes=60)
    try:
        job = sched.get_job(scheduler.JOB_ID)
        assert job is not None and job.max_instances == 1 and job.coalesce
        for _ in range(200):  # the first run is due at start-up
            if notifier.sent:
                break
            await asyncio.sleep(0.01)
        assert len(notifier.sent) == 1
    finally:
        sched.shutdown(wait=False)


async def test_scheduler_job_logs_and_survives_errors(core, caplog):
    class Broken:
        platform = "console"

    core.store.database.execute("ALTER TABLE invoices RENAME TO invoices_gone")  # the sweep's first query fails now
    await scheduler.sweep_job(core, {"console": Broken()})
    assert "reminder sweep failed" in caplog.text


async def test_delivered_nudges_are_on_the_clients_timeline(overdue, sweep, store, core):
    from bot.events import Address

    await sweep(utc(2026, 11, 25, 9))
    ctx = core.context(Address("console", "W1", "U1"))
    client = store.clients.by_name(OWNER, "Acme")
    events = [e for e in timeline(ctx, client) if e.type == "nudge"]
    assert [e.summary for e in events] == ["Reminder: friendly reminder for INV-1 (7 days overdue)"]
