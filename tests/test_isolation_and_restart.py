"""One user never sees another's records; a second process sees everything the first stored."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.core import Core
from bot.events import Address, Command
from redflag_testkit import text_of
from storage.store import Store

REPO = Path(__file__).resolve().parents[1]


def test_two_users_in_one_workspace_are_isolated(say, store) -> None:
    say('/client add "Acme Corp"', user="U1")
    say('/incident "Acme Corp" abuse insulted me', user="U1")
    say('/invoice add "Acme Corp" 100 ref=SECRET-1', user="U1")
    # U2 cannot see, guess or touch U1's records.
    assert "no clients" in text_of(say("/client list", user="U2"))
    assert "no client called" in text_of(say('/client show "Acme Corp"', user="U2")).lower() or "no clients yet" in text_of(say('/client show "Acme Corp"', user="U2"))
    assert "no invoice" in text_of(say("/invoice paid SECRET-1", user="U2"))
    assert "no invoice" in text_of(say("/invoice snooze SECRET-1 7", user="U2"))
    # U2 may have a client with the same name: it is a different record.
    say('/client add "Acme Corp"', user="U2")
    say('/invoice add "Acme Corp" 5 ref=SECRET-1', user="U2")
    assert "insulted me" not in text_of(say('/client show "Acme Corp"', user="U2"))
    assert "insulted me" in text_of(say('/client show "Acme Corp"', user="U1"))


def test_two_workspaces_are_isolated(say) -> None:
    say("/client add Acme", workspace="W1")
    say("/incident Acme haggling wants a discount", workspace="W1")
    assert "no clients" in text_of(say("/client list", workspace="W2"))
    assert "wants a discount" not in text_of(say("/incident list Acme", workspace="W2"))


def test_records_survive_a_restart_in_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    store = Store(db)
    core = Core(store)
    me = Address("console", "local", "alice")
    core.handle(Command(me, "client", 'add "Acme Corp" currency=EUR'))
    core.handle(Command(me, "incident", '"Acme Corp" scope-creep fifth logo round'))
    core.handle(Command(me, "invoice", 'add "Acme Corp" 250 ref=R1'))
    store.close()
    code = (
        "from bot.core import Core; from bot.events import Address, Command; from storage.store import Store;"
        "core = Core(Store(%r)); me = Address('console', 'local', 'alice');"
        "print('\\n'.join(r.plain() for r in core.handle(Command(me, 'client', 'show \"Acme Corp\"'))))" % str(db)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert "fifth logo round" in out and "R1" in out and "€250.00" in out


def run_console(db: Path, stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    environ.update({"REDFLAG_DB": str(db), "LANG": "C.UTF-8", "LC_ALL": "", "TZ": "UTC"}, **env)
    redflag = Path(sys.executable).with_name("redflag")
    return subprocess.run([str(redflag)], input=stdin, capture_output=True, text=True, env=environ, cwd=db.parent, timeout=60)


def test_console_is_scriptable_over_stdin(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    result = run_console(
        db,
        '/client add "Acme Corp" currency=EUR\n'
        '/incident "Acme Corp" after-hours called at 23:40\n'
        "/invoice add \"Acme Corp\" 1.200,50 ref=INV-1\n"
        "/client list\n"
        "/invoice nonsense\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Added Acme Corp" in out
    assert "After-hours messages" in out
    assert "€1,200.50" in out
    assert "not something I can do" in out
    assert "\033[" not in out  # no colour codes when piped
    # A second run (a new process) sees the same records.
    again = run_console(db, '/incident list "acme corp"\n')
    assert "called at 23:40" in again.stdout


def test_console_form_and_numbered_answers(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    result = run_console(db, "/client add Acme\n/incident\n1\nscope\nAnother round of changes\n/incident list Acme\n")
    assert result.returncode == 0, result.stderr
    assert "Logged: Scope creep for Acme" in result.stdout
    assert "Another round of changes" in result.stdout


def test_console_exits_on_quit(tmp_path: Path) -> None:
    result = run_console(tmp_path / "r.db", "quit\n/client add Never\n")
    assert result.returncode == 0
    assert "Bye" in result.stdout
    assert "Never" not in result.stdout
