"""`REDFLAG_NUDGE_BATCH`: a whole number of clients per claimed batch, checked before anything opens."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.process_settings import DEFAULT_BATCH, SettingError, nudge_batch


def test_unset_or_blank_is_the_default():
    assert nudge_batch({}) == DEFAULT_BATCH == 100
    assert nudge_batch({"REDFLAG_NUDGE_BATCH": "  "}) == 100


def test_a_whole_number_is_taken_as_written():
    assert nudge_batch({"REDFLAG_NUDGE_BATCH": "2"}) == 2
    assert nudge_batch({"REDFLAG_NUDGE_BATCH": " 500 "}) == 500


@pytest.mark.parametrize("value", ["0", "-3", "lots", "2.5"])
def test_anything_else_is_refused_not_guessed(value):
    with pytest.raises(SettingError) as err:
        nudge_batch({"REDFLAG_NUDGE_BATCH": value})
    assert str(err.value) == f"REDFLAG_NUDGE_BATCH takes a whole number of clients, 1 or more, not {value!r}"


def test_a_sweep_with_a_bad_batch_stops_before_opening_the_store(tmp_path: Path):
    db = tmp_path / "redflag.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDFLAG_", "SLACK_", "DISCORD_"))}
    env.update(REDFLAG_DB=str(db), REDFLAG_NUDGE_BATCH="lots")
    run = subprocess.run([sys.executable, "-m", "redflag", "nudges", "run", "--dry-run"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == "redflag: REDFLAG_NUDGE_BATCH takes a whole number of clients, 1 or more, not 'lots'"
    assert not db.exists()
