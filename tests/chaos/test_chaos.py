"""Past one machine: many `redflag` processes on one PostgreSQL database, killed at random, deliver once.

Three Slack HTTP workers (`redflag serve --no-scheduler`) and Discord shards 0–2
of 3 serve against the fake Slack and the fake Discord (loopback only); two
sweepers, like two cron hosts, run `redflag nudges run --at <day> --yes` side by
side for each simulated day over 90 days; a killer SIGKILLs a random process
every few seconds (a worker is started again, a sweep is run again for the same
day); a sweep it kills the moment one of its DMs has landed, before it has
marked it, at least once on Slack and once on Discord each run, and each kind
of process (Slack worker, shard, sweep) at least once. Meanwhile slash
commands log incidents, and each is retried on another worker with the same
request id (Slack's retry after a timeout).

Every process is forked by a fork server that has the bot imported (see
chaoskit.py), so the run is bounded by what the bot does, not by the imports
of a dozen process starts: 5–20 s on a 2-core machine at load average 2–6,
50–65 s with four runs side by side (load average 9–10).

The days swept are every day a reminder stage falls due for some invoice plus
seeded random others and the last; a sweep on a day when nothing is due only
re-reads the ledger, and each costs a process start, a store opening and a
Discord log-in. Should the killer not yet have hit a Slack worker, a shard and
a sweep by the last day, the sweepers sweep the last day again (cron goes on)
until it has.

At the end, after one clean sweep, the fakes' records and the database must
show: every reminder stage the policy calls for delivered exactly once per
invoice (posts counted by their reminder metadata on Slack, by nonce on
Discord), nothing pending, leased or unknown, every ledger row and incident
written once, and every retried slash command answered.

The seed is printed; REDFLAG_CHAOS_SEED=<seed> replays the killer's and the
days' choices (the timings are the machine's).
"""
from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest

from bot.events import Address, Command
from bot.nudges import policy
from chaoskit import KINDS, ForkServer, Killer, Proc, Sweeper, chaos_seed, free_port
from fake_discord import TOKEN as DISCORD_TOKEN, FakeDiscord
from faultkit import DISCORD_USERS, FAST
from slack_harness import BOT_TOKEN, SIGNING_SECRET, SlackSender

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # the database many processes share

START = date(2026, 3, 2)
DAYS = 90
#: Due dates relative to START: two groups, so the stages fall on eight different days.
DUE = (-6, -2)
SLACK_USERS = [f"U{i}" for i in range(1, 7)]
DISCORD_SHARDS = 3
EXTRA_DAYS = 12
#: Slack drops a slash command not acknowledged in 3 s and retries it.
SLACK_DEADLINE = 3.0
#: How long a killed sweep's leases hold its reminders (the children's setting).
LEASE = float(FAST["REDFLAG_NUDGE_LEASE_SECONDS"])


class _Port:
    def __init__(self, port: int) -> None:
        self.port = port


def guild_on(fake: FakeDiscord, shard: int, count: int) -> str:
    guild = 800000000000000001
    while fake.shard_for(str(guild), count) != shard:
        guild += 1 << 22
    return str(guild)


def at(day: int) -> str:
    """09:00 UTC on a simulated day: 10:00 or 11:00 in Amsterdam, inside the send window."""
    return datetime.combine(START + timedelta(days=day), dtime(9), tzinfo=timezone.utc).isoformat()


def seed_books(core, people: list[tuple[str, str, str]]) -> dict[str, date]:
    """One client and one overdue invoice per person, through the real commands; user -> due date."""
    dues = {}
    for n, (platform, workspace, user) in enumerate(people):
        who = Address(platform=platform, workspace=workspace, user=user, channel="C1", locale="en-US",
                      timezone="Europe/Amsterdam")
        for text in ("settings tz=Europe/Amsterdam hour=9 digest=off",):
            assert not core.handle(Command(who, "redflag", text))[0].is_error
        assert not core.handle(Command(who, "client", "add Acme currency=EUR"))[0].is_error
        due = START + timedelta(days=DUE[n % len(DUE)])
        reply = core.handle(Command(who, "invoice", f"add Acme 400 issued=2026-01-05 due={due.isoformat()} ref=INV-{n}"))
        assert not reply[0].is_error, reply[0].plain()
        dues[user] = due
    return dues


def stage_days(dues: dict[str, date]) -> set[int]:
    out = set()
    for due in dues.values():
        for offset in policy.DEFAULT_OFFSETS.values():
            day = (due + timedelta(days=offset) - START).days
            if 0 <= day < DAYS:
                out.add(day)
    return out


def expected_stages(due: date, last: int) -> set[str]:
    """The policy's ladder for a sweep every day a stage falls due: each stage whose day has come."""
    return {s for s, off in policy.DEFAULT_OFFSETS.items() if (due + timedelta(days=off) - START).days <= last}


class Slash:
    """Slash commands to the Slack workers; each is retried on another worker with the same trigger id."""

    def __init__(self, fake, ports: list[int], rng: random.Random) -> None:
        self.senders = [SlackSender(_Port(p), fake) for p in ports]  # type: ignore[arg-type]
        self.rng = rng
        self.sent: dict[str, str] = {}  # trigger id -> note
        self.answered: Counter = Counter()  # trigger id -> answers with a body
        self.attempts: Counter = Counter()

    async def _post(self, sender: SlackSender, body: str, retry: int) -> bool:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        try:
            status, reply = await asyncio.wait_for(sender.post(body, headers=headers), SLACK_DEADLINE)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return False  # killed, starting again, or too slow: Slack retries elsewhere
        return status == 200 and bool(reply)

    async def one(self, n: int) -> None:
        user = self.rng.choice(SLACK_USERS)
        note = f"chaos note {n}"
        first = self.rng.randrange(len(self.senders))
        body, trigger = self.senders[0].command_body("/incident", f"Acme scope-creep {note}", user=user)
        self.sent[trigger] = note
        # The first delivery, then Slack's retry with the same request on another worker, whatever the first did;
        # after that, retries (another worker each time) until one answers, as long as Slack would.
        for retry in range(12):
            sender = self.senders[(first + retry) % len(self.senders)]
            self.attempts[trigger] += 1
            if await self._post(sender, body, retry):
                self.answered[trigger] += 1
                if retry >= 1:
                    return
            else:
                await asyncio.sleep(0.3)

    async def run(self, stop: asyncio.Event) -> None:
        n = 0
        tasks = []
        while not stop.is_set():
            n += 1
            tasks.append(asyncio.create_task(self.one(n)))
            try:
                await asyncio.wait_for(stop.wait(), self.rng.uniform(0.8, 2.0))
            except asyncio.TimeoutError:
                pass
        await asyncio.gather(*tasks)


async def wait_port(port: int, proc: Proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{proc.name} did not start:\n{proc.tail()}"
            await asyncio.sleep(0.05)


async def test_many_processes_killed_at_random_deliver_every_reminder_once(
        forkserver: ForkServer, core, store, store_url, fake, discord_fake: FakeDiscord, tmp_path: Path):
    seed = chaos_seed()
    print(f"chaos seed {seed} (REDFLAG_CHAOS_SEED={seed} replays it)")
    rng = random.Random(seed)
    logs = tmp_path / "logs"
    logs.mkdir()

    guilds = [guild_on(discord_fake, s, DISCORD_SHARDS) for s in range(DISCORD_SHARDS)]
    people = [("slack", "T1", u) for u in SLACK_USERS]
    people += [("discord", guilds[i % DISCORD_SHARDS], DISCORD_USERS[i]) for i in range(6)]
    dues = seed_books(core, people)
    days = sorted(stage_days(dues) | set(rng.sample(range(DAYS), EXTRA_DAYS)))
    last = DAYS - 1
    days.append(last)
    days = sorted(set(days))

    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    base.update(FAST, REDFLAG_DATABASE_URL=store_url, REDFLAG_SCHEDULER="off")
    slack_env = dict(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.url)
    discord_env = dict(DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord_fake.api_url,
                       DISCORD_GATEWAY_URL=discord_fake.gateway_url)
    ports = [free_port() for _ in range(3)]
    workers = [Proc(forkserver, f"slack-{i}", ["serve", "--no-scheduler"],
                    {**base, **slack_env, "REDFLAG_PORT": str(p), "REDFLAG_HOST": "127.0.0.1"}, logs)
               for i, p in enumerate(ports)]
    workers += [Proc(forkserver, f"shard-{s}", ["serve", "--no-scheduler"],
                     {**base, **discord_env, "REDFLAG_DISCORD_SHARDS": str(DISCORD_SHARDS),
                      "REDFLAG_DISCORD_SHARD_IDS": str(s)}, logs)
                for s in range(DISCORD_SHARDS)]
    sweep_env = {**base, **slack_env, **discord_env}
    sweepers = [Sweeper(forkserver, name, sweep_env, logs) for name in ("sweeper-a", "sweeper-b")]
    # A little latency on the platforms, so kills land between a post and its mark too.
    fake.slow("chat.postMessage", 0.05)
    discord_fake.dm_delay = 0.05

    stop = asyncio.Event()
    killer = Killer(seed, workers, sweepers)
    fake.tap(killer.tap("slack"))
    discord_fake.tap(killer.tap("discord"))
    slash = Slash(fake, ports, random.Random(seed + 1))
    waited = time.monotonic()
    await forkserver.ready()
    started = time.monotonic()
    print(f"fork server ready after {started - waited:.1f} s more")
    try:
        for w in workers:
            await w.start()
        for w, p in zip(workers, ports):
            await wait_port(p, w)
        await discord_fake.wait_for(lambda: len(discord_fake.shard_of) >= DISCORD_SHARDS, timeout=90)
        print(f"up in {time.monotonic() - started:.1f} s")
        chaos = [asyncio.create_task(killer.run(stop)), asyncio.create_task(slash.run(stop))]

        async def the_days() -> None:
            for day in days:
                await asyncio.gather(*(s.sweep(at(day)) for s in sweepers))
            while not killer.covered:  # cron goes on: the last day again, until every kind has been killed
                await asyncio.gather(*(s.sweep(at(last)) for s in sweepers))

        try:
            await asyncio.wait_for(the_days(), 300)  # a hang guard, not a timing check
        finally:
            stop.set()
            await asyncio.gather(*chaos)
        print(f"days swept by {time.monotonic() - started:.1f} s")

        # Everything back up (the killer starts again what it killed): every worker answers, every shard is
        # connected again.
        assert all(w.alive for w in workers), {w.name: w.tail() for w in workers if not w.alive}
        for w, p in zip(workers, ports):
            await wait_port(p, w)
        # The leases a killed sweep held run out; then one clean sweep takes what they kept back.
        await asyncio.sleep(max(0.0, killer.last_sweep_kill + LEASE + 0.2 - time.monotonic()))
        await Sweeper(forkserver, "final", sweep_env, logs).sweep(at(last))
        await discord_fake.wait_for(
            lambda: len({s for ws, s in discord_fake.shard_of.items() if not ws.closed}) == DISCORD_SHARDS, timeout=90)
        for shard, guild in enumerate(guilds):
            payload = await discord_fake.slash("redflag help", guild=guild)
            assert (await asyncio.wait_for(discord_fake.callback_for(payload), 60)).json["type"] == 4, shard
    finally:
        stop.set()
        codes = {w.name: await w.stop() for w in workers}
    print(f"all done by {time.monotonic() - started:.1f} s")
    print(f"days swept: {len(days)}; kills: {[(round(t, 1), n, hit) for t, n, hit in killer.log]}; "
          f"sweeps killed as their DM landed: {killer.on_dm}")
    print(f"sweeps run: {sum(s.runs for s in sweepers)}, killed: {sum(s.killed for s in sweepers)}; "
          f"slash commands: {len(slash.sent)}, attempts: {sum(slash.attempts.values())}")
    took = sorted(t for s in sweepers for t in s.took)
    print(f"sweep runs took {took[0]:.2f}..{took[-1]:.2f} s, median {took[len(took) // 2]:.2f} s")
    assert killer.hit == set(KINDS), f"the killer hit only {killer.hit}: {killer.log}"
    assert all(killer.on_dm.values()), f"no sweep killed as its DM landed on each platform: {killer.on_dm}"
    assert all(c == 0 for c in codes.values()), (codes, {w.name: w.tail() for w in workers})
    # No worker or shard ended but by the killer's SIGKILL or the clean stop.
    assert not any(w.unexpected_ends() for w in workers), {w.name: (w.unexpected_ends(), w.tail()) for w in workers}

    db = store.database
    # -- the ledger: each stage the policy calls for, once per invoice, and nothing else --------
    ledger = db.query("SELECT l.owner, l.stage, l.message_id, m.status, m.platform FROM nudge_ledger l"
                      " JOIN nudge_messages m ON m.id = l.message_id")
    claimed = Counter((r["owner"], r["stage"]) for r in ledger)
    assert all(n == 1 for n in claimed.values()), {k: n for k, n in claimed.items() if n > 1}
    for _, _, user in people:
        assert {s for (u, s) in claimed if u == user} == expected_stages(dues[user], last), user
    # -- nothing pending, leased or unknown -----------------------------------------------------
    left = db.query("SELECT id, owner, status, lease_owner, inflight_part, last_error FROM nudge_messages"
                    " WHERE status != 'delivered' OR lease_owner IS NOT NULL OR inflight_part IS NOT NULL")
    assert left == [], left
    assert store.nudges.delivery.unknown() == []
    messages = {r["message_id"]: (r["owner"], r["platform"]) for r in ledger}
    # -- Slack: each reminder DM's parts landed once, by their metadata ----------------------
    posts = fake.posts_by_delivery()
    reminders = {k: n for k, n in posts.items() if k[1] is not None and k[1].startswith("nudge-")}
    assert all(n == 1 for n in reminders.values()), {k: n for k, n in reminders.items() if n > 1}
    slack_ids = {mid for mid, (_, platform) in messages.items() if platform == "slack"}
    assert {int(key.split("-")[1]) for _, key, _ in reminders} == slack_ids
    for (channel, key, _), _n in reminders.items():
        assert messages[int(key.split("-")[1])][0] == "U" + channel[1:], (channel, key)
    # -- Discord: each reminder DM's parts created once, by nonce ----------------------------
    nonces = Counter(str(m.get("nonce")) for m in discord_fake.dm_created if str(m.get("nonce")).startswith("rf"))
    assert all(n == 1 for n in nonces.values()), {k: n for k, n in nonces.items() if n > 1}
    discord_ids = {mid for mid, (_, platform) in messages.items() if platform == "discord"}
    assert {int(n[2:].split("p")[0]) for n in nonces} == discord_ids
    # -- incidents: one per retried slash command (its request id), one per final notice ----------
    incidents = db.query("SELECT request_id, note, source FROM incidents")
    by_request = Counter(r["request_id"] for r in incidents)
    assert all(n == 1 for n in by_request.values()), {k: n for k, n in by_request.items() if n > 1}
    logged = {r["request_id"]: r["note"] for r in incidents if r["source"] != "nudge"}
    assert slash.sent and all(slash.answered[t] >= 1 for t in slash.sent), \
        [(t, slash.attempts[t]) for t in slash.sent if not slash.answered[t]]
    assert set(logged) == set(slash.sent), (set(slash.sent) - set(logged), set(logged) - set(slash.sent))
    assert all(slash.sent[t] in logged[t] for t in slash.sent)
    finals = [r for r in incidents if r["source"] == "nudge"]
    assert len(finals) == sum(1 for _, _, u in people if "final" in expected_stages(dues[u], last))
