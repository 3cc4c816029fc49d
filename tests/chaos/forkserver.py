"""A fork server for the chaos test: one interpreter with the bot imported forks each `redflag` process.

A `redflag serve` or `redflag nudges run` costs one to two seconds of imports
(Slack Bolt, discord.py, SQLAlchemy, psycopg, the catalogs) on a quiet machine
and many more on a loaded one, and the chaos test starts and restarts a dozen
of them while a killer is at work: the imports, not the bot, were the run's
time. Here they are paid once. Each child is then what `redflag <argv>` is:
`redflag.cli.main(argv)` (the console script's function) with the given
environment, stdin from /dev/null, stdout and stderr to its log file, Python's
start-up signal handlers, and the interpreter's exit (non-daemon threads
joined, atexit run). The server opens no database connection, event loop or
thread before it forks, so a child inherits none.

The protocol is one JSON object a line, the test on the server's stdin:
  {"start": name, "argv": [...], "env": {...}, "log": path}  ->  {"started": name, "pid": pid}
  {"kill": pid, "signal": n}    (sent only while the child is not reaped, so never to a reused pid)
and the server on its stdout, when a child ends: {"exited": pid, "code": c}
(c as `subprocess` gives it: the exit status, or -signal). The first line is
{"ready": modules}. When stdin closes the server SIGKILLs what is left and exits.
"""
from __future__ import annotations

import atexit
import importlib
import json
import os
import pkgutil
import selectors
import signal
import sys
import threading
import traceback

#: The project's packages, imported whole; the alembic folder runs migrations when imported, `__main__` the CLI.
PACKAGES = ("redflag", "bot", "storage", "adapters")
SKIP = ("storage.alembic", "adapters.console")
#: Imported lazily by the code above: PostgreSQL's driver, the catalogs' reader, the chart's renderer, Bolt's matchers.
EXTRA = ("sqlalchemy.dialects.postgresql.psycopg", "psycopg", "babel.dates", "babel.localtime", "babel.messages.pofile",
         "matplotlib.backends.backend_agg", "matplotlib.figure", "matplotlib.lines", "matplotlib.patches",
         "matplotlib.ticker", "PIL.PngImagePlugin", "slack_bolt.listener_matcher.async_builtins")
#: The handlers a fresh interpreter starts with, restored in each child.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGHUP)


def preload() -> int:
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if not info.name.startswith(SKIP) and not info.name.endswith(".__main__"):
                importlib.import_module(info.name)
    for name in EXTRA:
        importlib.import_module(name)
    from PIL import Image

    Image.preinit()  # the image plugins the chart warm-up loads in each `serve`
    from bot import i18n

    for language in i18n.LANGUAGES:  # the shipped .po files, read once (each child would read the same)
        i18n.load_catalog(language)
    return len(sys.modules)


def _pdeathsig() -> None:
    """The child dies with the server (Linux), so a test that crashes leaves no `redflag` running."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def child(argv: list[str], env: dict[str, str], log: str, handlers: dict) -> None:
    """In the forked child: become `redflag <argv>`; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        _pdeathsig()
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, 1 << 16)  # the server's pipes and selector: nothing else is open
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [os.path.join(os.path.dirname(sys.executable), "redflag"), *argv]
        from redflag.cli import main

        try:
            code = main(argv)
        except SystemExit as exit_:
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
                code = 1
        threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter does at exit
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code if isinstance(code, int) else 1)


def _status(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def serve() -> None:
    handlers = {sig: signal.getsignal(sig) for sig in SIGNALS}
    modules = preload()
    assert threading.active_count() == 1, threading.enumerate()  # a thread would not survive a fork
    import gc

    gc.collect()
    gc.freeze()  # the children share these pages instead of copying them at their first collection
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    children: set[int] = set()
    out = sys.stdout

    def say(message: dict) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)
            say({"exited": pid, "code": _status(status)})

    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "stdin")
    selector.register(wake_r, selectors.EVENT_READ, "wake")
    say({"ready": modules})
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data == "wake":
                try:
                    os.read(wake_r, 4096)
                except BlockingIOError:
                    pass
                reap()
                continue
            chunk = os.read(0, 1 << 16)
            if not chunk:
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                if "kill" in request:
                    if request["kill"] in children:  # not reaped yet: the pid is still this child's
                        os.kill(request["kill"], request.get("signal", signal.SIGKILL))
                    continue
                pid = os.fork()
                if pid == 0:
                    child(request["argv"], request["env"], request["log"], handlers)
                children.add(pid)
                say({"started": request["start"], "pid": pid})
        reap()


if __name__ == "__main__":
    serve()
