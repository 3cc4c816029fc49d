"""Concurrency: many commands at once lose no writes, and `database is locked` never reaches a person.

Threads over one Core (one connection, as the bot runs), threads over several
Stores on the same file (several connections, as bot + console + scheduler
do), 50 signed Slack commands in flight at once over HTTP, and two real
processes (a bot and the `redflag` console) writing the same file together.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.core import Core
from bot.events import Address, Command
from hardening_support import assert_answered, is_error
from redflag_testkit import text_of
from storage.records import Owner
from storage.store import Store

N = 50
LOCKED = "database is locked"


def _run_all(core_for, commands: list[tuple[Address, str, str]]) -> list:
    """Send every command at once from its own thread (released together by a barrier)."""
    barrier = threading.Barrier(len(commands))

    def one(i: int):
        address, name, text = commands[i]
        barrier.wait()
        return core_for(i).handle(Command(address, name, text, request_id=f"req-{i}"))

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(one, range(len(commands))))


def _check(replies_per_command: list) -> None:
    for replies in replies_per_command:
        assert_answered(replies)
        assert not is_error(replies), text_of(replies)
        assert LOCKED not in text_of(replies).lower()


def test_fifty_concurrent_commands_from_one_user(core, store) -> None:
    me = Address("slack", "W1", "U1", "C1")
    core.handle(Command(me, "client", "add Acme"))
    _check(_run_all(lambda i: core, [(me, "incident", f"Acme late-payment note {i}") for i in range(N)]))
    notes = sorted(i.note for i in store.incidents.for_client(Owner("W1", "U1"), store.clients.by_name(Owner("W1", "U1"), "Acme").id))
    assert notes == sorted(f"note {i}" for i in range(N))


def test_fifty_concurrent_users_each_adding_a_client_and_an_invoice(core, store) -> None:
    users = [Address("slack", "W1", f"U{i}", "C1") for i in range(N)]
    _check(_run_all(lambda i: core, [(u, "client", "add Acme") for u in users]))
    _check(_run_all(lambda i: core, [(u, "invoice", f"add Acme {100 + i} ref=INV-1") for i, u in enumerate(users)]))
    for i, u in enumerate(users):
        owner = Owner("W1", u.user)
        (client,) = store.clients.list(owner)
        (invoice,) = store.invoices.list(owner)
        assert client.name == "Acme" and invoice.ref == "INV-1" and invoice.amount_minor == (100 + i) * 100


def test_several_connections_to_one_file_lose_nothing(store_url, clock) -> None:
    stores = [Store(store_url) for _ in range(5)]
    cores = [Core(s, clock) for s in stores]
    try:
        me = Address("console", "W1", "U1", "C1")
        others = [Address("slack", "W1", f"V{i}", "C1") for i in range(N)]
        cores[0].handle(Command(me, "client", "add Acme"))
        mixed = [(me, "incident", f"Acme scope-creep round {i}") for i in range(N)] + [(u, "client", "add Globex") for u in others]
        _check(_run_all(lambda i: cores[i % len(cores)], mixed))
        # Racing duplicates: the same new client name from one user on every connection at once.
        dup = _run_all(lambda i: cores[i % len(cores)], [(me, "client", "add Initech") for _ in range(10)])
        for replies in dup:
            assert_answered(replies)
            assert LOCKED not in text_of(replies).lower()
        assert sum(not is_error(r) for r in dup) == 1  # one added it; the others were told it exists
        check = Store(store_url)
        owner = Owner("W1", "U1")
        acme = check.clients.by_name(owner, "Acme")
        assert len(check.incidents.for_client(owner, acme.id)) == N
        assert [c.name for c in check.clients.list(owner)] == ["Acme", "Initech"]
        assert all(check.clients.by_name(Owner("W1", u.user), "Globex") for u in others)
        check.close()
    finally:
        for s in stores:
            s.close()


async def test_fifty_slack_commands_in_flight_at_once(slack, store) -> None:
    async def one(i: int):
        return await slack.command("/incident", f"Acme late-payment slack note {i}")

    results = await asyncio.gather(*(one(i) for i in range(N)))
    for status, reply in results:
        assert status == 200
        assert "Logged" in reply["text"], reply
    owner = Owner("T1", "U1")
    notes = {i.note for i in store.incidents.for_client(owner, store.clients.by_name(owner, "Acme").id)}
    assert notes == {f"slack note {i}" for i in range(N)}


def test_bot_and_console_processes_share_one_file(store_url: str, tmp_path: Path) -> None:
    """The console (a real `redflag` process fed on stdin) and a bot process write at the same time."""
    setup = Store(store_url)
    Core(setup).handle(Command(Address("console", "local", "alice"), "client", "add Acme"))
    setup.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.pop("REDFLAG_DATABASE_URL", None), env.pop("REDFLAG_DB", None)
    env["REDFLAG_DATABASE_URL" if "://" in store_url else "REDFLAG_DB"] = store_url
    env.update(LANG="C.UTF-8", TZ="UTC", USER="alice", LOGNAME="alice")
    bot_code = (
        "import sys\n"
        "from bot.core import Core\nfrom bot.events import Address, Command\nfrom storage.store import Store\n"
        "core = Core(Store(sys.argv[1]))\nme = Address('slack', 'T1', 'U1', 'C1')\n"
        "core.handle(Command(me, 'client', 'add Globex'))\n"
        "import time\nfrom storage.db import Database\nwatch = Database(sys.argv[1])\nstart = time.monotonic()\n"
        "while not watch.one('SELECT count(*) AS n FROM incidents')['n'] and time.monotonic() - start < 60:\n"
        "    time.sleep(0.002)  # start once the console is writing, so the two really overlap\n"
        "for i in range(150):\n"
        "    r = core.handle(Command(me, 'incident', f'Globex abuse bot note {i}', request_id=f'b{i}'))\n"
        "    print('ERROR' if r[0].is_error else 'ok', r[0].plain().replace(chr(10), ' '), flush=True)\n"
    )
    console_input = "".join(f"/incident Acme haggling console note {i}\n" for i in range(150)) + "/incident list Acme\n"
    redflag = Path(sys.executable).with_name("redflag")
    bot = subprocess.Popen([sys.executable, "-c", bot_code, store_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    console = subprocess.Popen([str(redflag)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    console_out, console_err = console.communicate(console_input, timeout=120)
    bot_out, bot_err = bot.communicate(timeout=120)
    assert console.returncode == 0 and bot.returncode == 0, (console_err, bot_err)
    for text in (console_out, console_err, bot_out, bot_err):
        assert LOCKED not in text.lower()
        assert "Traceback" not in text
    assert "ERROR" not in bot_out
    assert console_out.count("Logged") == 150
    check = Store(store_url)
    alice = Owner("local", getpass_user(env))
    acme = check.clients.by_name(alice, "Acme")
    assert acme is not None, "the console wrote as another user than expected"
    assert {i.note for i in check.incidents.for_client(alice, acme.id)} == {f"console note {i}" for i in range(150)}
    bot_owner = Owner("T1", "U1")
    globex = check.clients.by_name(bot_owner, "Globex")
    assert {i.note for i in check.incidents.for_client(bot_owner, globex.id)} == {f"bot note {i}" for i in range(150)}
    check.close()


def getpass_user(env: dict[str, str]) -> str:
    """The user the console speaks as (getpass reads LOGNAME/USER first)."""
    return env.get("LOGNAME") or env.get("USER") or "local"
