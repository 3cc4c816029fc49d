"""`redflag`: serve every configured surface with the scheduler, or the console; plus operator commands.

The program's entry point, outside the core: it is the one place that
knows both the core (`bot/`) and the surfaces (`adapters/`). Each adapter
says for itself whether it is configured (`adapters/surfaces.py`); platform
SDKs are imported only when their surface is, so the console starts fast.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:
    import asyncio  # noqa: F401

log = logging.getLogger("redflag")
#: Seconds between the console's prompt and its background reminder scheduler starting.
SCHEDULER_DELAY = 1.0


def _parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The command line; plain `redflag` (no arguments) skips building the operator subcommands (start-up, issue 20)."""
    p = argparse.ArgumentParser(prog="redflag", description="Redflag: a paper trail on difficult clients, overdue-invoice reminders, and a should-I-fire-them dialogue.")
    p.add_argument("--log-level", default=os.environ.get("REDFLAG_LOG_LEVEL", "WARNING"), help="logging level (default WARNING)")
    if not subcommands:
        p.set_defaults(command=None)
        return p
    sub = p.add_subparsers(dest="command")
    serve_cmd = sub.add_parser("serve", help="serve every configured surface (what plain `redflag` does)")
    serve_cmd.add_argument("--no-scheduler", action="store_true", help="no reminder sweeps in this process (REDFLAG_SCHEDULER=off): a sweeper runs `redflag nudges run`")
    nudges = sub.add_parser("nudges", help="run or preview the reminder sweep")
    nsub = nudges.add_subparsers(dest="nudges_command", required=True)
    run = nsub.add_parser("run", help="one reminder sweep as of a time; reports what it sent")
    run.add_argument("--at", help="ISO datetime (default: now); naive times are UTC")
    run.add_argument("--dry-run", action="store_true", help="render every DM the sweep would send; send and write nothing")
    run.add_argument("--yes", action="store_true", help="really run a sweep with an --at later than now, without asking")
    preview = nsub.add_parser("preview", help="what a sweep would send (reminders and follow-ups), without sending")
    preview.add_argument("--at", help="ISO datetime (default: now); naive times are UTC")
    discord = sub.add_parser("discord", help="Discord operations")
    dsub = discord.add_subparsers(dest="discord_command", required=True)
    sync = dsub.add_parser("sync", help="register the application commands with Discord")
    sync.add_argument("--guild", type=int, help="a guild ID for instant, guild-only registration")
    backup = sub.add_parser("backup", help="a consistent copy of the database, safe while the bot runs")
    backup.add_argument("path")
    restore = sub.add_parser("restore", help="put a backup back in place of the database (Redflag must be stopped)")
    restore.add_argument("backup")
    db = sub.add_parser("db", help="the database's schema (Alembic revisions)")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    dbsub.add_parser("upgrade", help="bring the schema to this version's revision (a deploy step on PostgreSQL)")
    dbsub.add_parser("current", help="the schema revision the database is at, and the one this version expects")
    return p


def _db(command: str) -> int:
    """`redflag db upgrade` / `redflag db current` (storage/migrations.py)."""
    from bot.i18n import console_language, messages
    from storage import migrations
    from storage.db import masked
    from storage.store import default_path

    t, target = messages(console_language()), default_path()
    if command == "upgrade":
        print(t("report.db.upgraded", path=masked(target) if "://" in target else target, revision=migrations.upgrade(target)))
    else:
        print(t("report.db.current", path=masked(target) if "://" in target else target,
                found=migrations.revision_of(target), expected=migrations.head()))
    return 0


def _at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"redflag: --at wants an ISO datetime like 2026-12-01T09:00, not {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


#: Why the store cannot be used (`storage.health.StoreUnusable.reason`), in the operator's words.
DB_PROBLEMS: dict[str, str] = {
    "damaged": "report.db.damaged",
    "disk_full": "report.db.disk_full",
    "newer": "report.db.newer",
    "older": "report.db.older",
    "revision_newer": "report.db.revision_newer",
}
#: Why `redflag backup` refused (`storage.backup.BackupRefused.reason`).
BACKUP_REFUSALS: dict[str, str] = {
    "live_database": "report.backup.live_database",
    "missing_source": "report.backup.missing_source",
    "no_folder": "report.backup.no_folder",
    "not_a_database": "report.backup.not_a_database",
    "postgresql": "report.backup.postgresql",
}
#: Why `redflag restore` refused (`storage.restore.RestoreRefused.reason`).
RESTORE_REFUSALS: dict[str, str] = {
    "damaged": "report.restore.damaged",
    "in_use": "report.restore.in_use",
    "missing_backup": "report.restore.missing_backup",
    "newer": "report.restore.newer",
    "not_a_database": "report.restore.not_a_database",
    "not_redflag": "report.restore.not_redflag",
    "same_file": "report.restore.same_file",
    "postgresql": "report.restore.postgresql",
}


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up builds ~100 000 long-lived objects (modules, SDK clients, catalogs) and next to no
    # garbage, so every collection during it traverses them for nothing: ~40 % of start-up's CPU in the
    # profile (issue 20). Collections resume once the start-up is over (`start_up_over`), or at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser(subcommands=bool(words)).parse_args(words)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.secrets import install_log_redaction
    from storage.health import StoreUnusable

    install_log_redaction(os.environ)
    from adapters.startup import check_settings

    check_settings(os.environ)  # a bad setting stops here with one line (exit 2), before anything opens
    try:
        return _main(args, dict(os.environ))
    except StoreUnusable as err:
        # One clear sentence saying what to do, not a traceback.
        from bot.i18n import console_language, messages

        t = messages(console_language())
        print(t(DB_PROBLEMS[err.reason], path=err.path, **err.values), file=sys.stderr)
        if err.reason == "disk_full":
            log.error("the disk is full: %s cannot be written", err.path)
        return 3


def _main(args: argparse.Namespace, env: dict[str, str]) -> int:
    if args.command not in (None, "serve"):
        gc.enable()  # an operator command: its own work may make garbage
    if args.command == "db":
        return _db(args.db_command)
    if args.command == "backup":
        return _backup(args.path)
    if args.command == "restore":
        return _restore(args.backup)
    if args.command == "nudges":
        import asyncio

        from bot.nudges import cli as nudges_cli
        from storage.store import open_store

        at = _at(args.at)
        if args.nudges_command == "preview":
            print(nudges_cli.preview(open_store(), at))
            return 0
        if not args.dry_run and not _future_confirmed(at, args.yes):
            return 2
        store = open_store()
        print(asyncio.run(_sweep_once(store, env, at, dry_run=args.dry_run)))
        return 0
    if args.command == "discord":
        import asyncio

        from adapters.discord.sync import sync_commands
        from bot.core import Core
        from storage.store import open_store

        if not env.get("DISCORD_TOKEN"):
            raise SystemExit("redflag: set DISCORD_TOKEN to sync commands")
        count = asyncio.run(sync_commands(Core(open_store()), env, args.guild))
        print(f"registered {count} commands" + (f" in guild {args.guild}" if args.guild else " globally"))
        return 0
    if getattr(args, "no_scheduler", False):
        env["REDFLAG_SCHEDULER"] = "off"
    return serve(env)


#: An --at this far past the real clock counts as "now" (clock skew, a slow cron).
FUTURE_GRACE_S = 60


def _future_confirmed(at: datetime | None, yes: bool) -> bool:
    """A real sweep as of a future moment sends early and writes the paper trail: ask, or refuse without --yes."""
    from bot.i18n import console_language, messages

    now = datetime.now(timezone.utc)
    if at is None or (at - now).total_seconds() <= FUTURE_GRACE_S or yes:
        return True
    t = messages(console_language())
    values = dict(at=at.isoformat(timespec="minutes"), now=now.isoformat(timespec="minutes"))
    if not sys.stdin.isatty():
        print(t("nudge.cli.future_refused", **values), file=sys.stderr)
        return False
    try:
        answer = input(t("nudge.cli.future_confirm", **values))
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("yes", "y"):
        return True
    print(t("nudge.cli.future_cancelled"), file=sys.stderr)
    return False


async def _sweep_once(store, env: Mapping[str, str], at: datetime | None, dry_run: bool = False) -> str:  # type: ignore[no-untyped-def]
    """One sweep that really delivers: Slack and Discord DMs when their tokens are set, the console's on stdout.

    SIGTERM (and Ctrl-C) stop it cleanly: the DMs in flight finish, the rest stay for the next sweep.
    """
    import asyncio

    from adapters.oneshot import notifiers_from_env
    from bot.core import Core
    from bot.nudges import cli as nudges_cli

    if dry_run:
        return await nudges_cli.run_once(store, {}, at, dry_run=True)
    stop = _stop_on_signals()
    async with notifiers_from_env(Core(store), env) as notifiers:
        return await nudges_cli.run_once(store, notifiers, at, stop=stop)


def _backup(path: str) -> int:
    from bot.i18n import console_language, messages
    from storage.backup import BackupRefused, backup
    from storage.store import default_path

    t = messages(console_language())
    try:
        result = backup(default_path(), path)
    except BackupRefused as refused:
        print(t(BACKUP_REFUSALS[refused.reason], path=refused.path, **refused.values), file=sys.stderr)
        return 2
    from bot import fmt

    size = fmt.number(t.language, round(result.size_bytes / 1024), 0) + " KiB"
    print(t("report.backup.done", path=result.path, size=size))
    return 0


def _restore(path: str) -> int:
    from bot.i18n import console_language, messages
    from storage.restore import RestoreRefused, restore
    from storage.store import COMPONENTS, default_path

    t = messages(console_language())
    try:
        result = restore(path, default_path(), COMPONENTS)
    except RestoreRefused as refused:
        print(t(RESTORE_REFUSALS[refused.reason], path=refused.path, **refused.values), file=sys.stderr)
        return 2
    print(t("report.restore.done", path=os.path.abspath(result.path)))
    if result.kept:
        print(t("report.restore.kept", path=os.path.abspath(result.kept)))
    return 0


def serve(env: Mapping[str, str]) -> int:
    from adapters.surfaces import configured_surfaces
    from bot.core import Core
    from storage.store import open_store

    surfaces = configured_surfaces(env)
    if not surfaces:
        return console(Core(open_store()))
    import asyncio

    return asyncio.run(_serve(env, surfaces))


async def _serve(env: Mapping[str, str], surfaces: list[str]) -> int:
    from adapters.surfaces import surface
    from bot.core import Core
    from bot.process_settings import scheduler_wanted
    from storage.store import open_store

    core = Core(open_store())
    core.store.serving()  # WAL checkpoints on a thread of their own, not in an answer's commit (issue 20)
    services = []
    for name in surfaces:
        services.append(await surface(name).start(core, env))
        log.warning("serving %s", name)
    from bot.nudges.scheduler import start_scheduler  # APScheduler after the surfaces serve, not before (issue 20)

    notifiers = {s.name: s.notifier for s in services if s.notifier is not None}
    scheduler = start_scheduler(core, notifiers) if scheduler_wanted(env) else None
    start_up_over()
    _warm_charts_here(core)
    from bot.warm import warm_later

    warm_later()  # /fire's conversation, imported after serving rather than before (issue 20)
    stop = _stop_on_signals()
    await stop.wait()
    if scheduler is not None:
        await scheduler.sweeps.drain()  # the reminder DMs in flight finish; the rest wait
        scheduler.shutdown(wait=False)
    for service in services:
        await service.stop()
    core.store.close()
    return 0


def _warm_charts_here(core, delay: float = 2.0) -> None:  # type: ignore[no-untyped-def]
    """matplotlib warmed in this process only when its charts are drawn here.

    With worker processes for slow commands (the default) the charts are drawn there and each worker
    warms itself (`bot/slow_process.py`); importing matplotlib and numpy here too cost the serving process
    50-60 MB for nothing. With `REDFLAG_SLOW_PROCESSES=0` (or no database file) they are drawn here, and
    the first `/client report` should not pay matplotlib's import.
    """
    from bot.slow_process import lane_for

    if lane_for(core).enabled:
        return
    from bot.report.chart import warm_in_background

    warm_in_background(delay)


def start_up_over() -> None:
    """Collections back on, without what start-up built.

    What start-up built (modules, SDK clients, catalogs) lives as long as the process: it is taken out of
    the garbage collector's full passes, which hold the GIL, so the loop's stalls do not grow with it.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


#: The name bench/delivery.py and older callers use.
freeze_start_up_heap = start_up_over


def console(core) -> int:  # type: ignore[no-untyped-def]
    from adapters.console.repl import Console

    session = Console(core)
    gc.enable()  # start-up is over; its heap is not frozen here: a frozen store would never be closed at exit
    if session.interactive:
        _background_scheduler(session)
    try:
        return session.run()
    except KeyboardInterrupt:
        session.write("")
        return 130


def _background_scheduler(session) -> None:  # type: ignore[no-untyped-def]
    """In an interactive console, reminders arrive while you type: the scheduler runs in a thread."""
    import threading

    def run() -> None:
        import asyncio

        from adapters.console.notifier import ConsoleNotifier
        from bot.core import Core
        from bot.nudges.scheduler import start_scheduler
        from storage.store import Store

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        core = Core(Store(session.core.store.path))
        start_scheduler(core, {"console": ConsoleNotifier(session)})
        loop.run_forever()

    # Started a moment after the prompt: importing the scheduler in parallel with the
    # console's own start-up would slow the prompt (one GIL), and a reminder a second
    # later changes nothing.
    timer = threading.Timer(SCHEDULER_DELAY, run)
    timer.name, timer.daemon = "redflag-scheduler", True
    timer.start()


def _stop_on_signals() -> "asyncio.Event":
    """An event set by SIGINT or SIGTERM on the running loop: a clean stop for the bot and for a sweep."""
    import asyncio

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
    return stop


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
