"""A throwaway PostgreSQL server for tests and benchmarks, or one the environment names.

`start()` runs `initdb` and `pg_ctl` from the machine's PostgreSQL binaries
in a fresh temporary directory, listening on a unix socket in that directory
(or, with `tcp=True`, also on a free loopback port), with `fsync=off`: nothing
here needs to survive a crash. As root the binaries run as the unprivileged
`postgres` user (initdb refuses root). `stop()` stops the server and removes
the directory. With `REDFLAG_TEST_DATABASE_URL` set, `from_env()` uses that
server instead and starts nothing.

Databases are made per test from a template (`CREATE DATABASE ... TEMPLATE`),
which is a file copy on the server: cheap, and every test starts from the
same schema. Nothing here imports pytest, so `bench/` can use it too.

Binaries are looked for in `REDFLAG_PG_BINDIR` when it is set (and only
there), else on `PATH`, else in Debian's `/usr/lib/postgresql/<version>/bin`.
"""
from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

URL_ENV = "REDFLAG_TEST_DATABASE_URL"
BINDIR_ENV = "REDFLAG_PG_BINDIR"
#: The unprivileged account the binaries run as when we are root.
SERVER_USER = "postgres"
#: The superuser initdb creates (independent of the OS account that runs the server).
SUPERUSER = "redflag"
#: Settings for speed: a test database never needs to survive a crash.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "200"}
START_TIMEOUT_S = 60
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux, less the ".s.PGSQL.<port>" name


class PgUnavailable(Exception):
    """PostgreSQL cannot be had on this machine; `reason` is one line saying why and what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_bindir(env: dict[str, str] | None = None) -> Path:
    """The directory holding `initdb`, `pg_ctl` and `postgres`, or PgUnavailable naming where we looked."""
    env = dict(os.environ if env is None else env)
    wanted = ("initdb", "pg_ctl", "postgres")
    if env.get(BINDIR_ENV):
        where = Path(env[BINDIR_ENV])
        if all((where / name).is_file() for name in wanted):
            return where
        raise PgUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) in {BINDIR_ENV}={where}")
    candidates: list[Path] = []
    found = shutil.which("pg_ctl", path=env.get("PATH", os.defpath))
    if found:
        candidates.append(Path(found).resolve().parent)
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    candidates.extend(debian)
    for where in candidates:
        if all((where / name).is_file() for name in wanted):
            return where
    raise PgUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
        f"install PostgreSQL (Debian: apt-get install postgresql-15) or set {URL_ENV}"
    )


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(dbname), parts.query, parts.fragment))


_names = itertools.count(1)


@dataclass
class PgServer:
    """A reachable PostgreSQL server: its admin URL, and (when we started it) how to stop it."""

    url: str  # a libpq URL for the maintenance database `postgres`, as the superuser
    root: Path | None = None  # the temporary directory we own; None for a server given by the environment
    bindir: Path | None = None
    run_as: Sequence[str] = ()
    port: int | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def started_here(self) -> bool:
        return self.root is not None

    def url_for(self, dbname: str) -> str:
        """The same server, another database (what a store would be given)."""
        return _with_database(self.url, dbname)

    def connect(self, dbname: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url_for(dbname) if dbname else self.url, **kwargs)

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        from psycopg import sql

        name = name or f"redflag_test_{os.getpid()}_{next(_names)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with self.connect(autocommit=True) as conn:
            conn.execute(query)
        return name

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextlib.contextmanager
    def database(self, template: str | None = None) -> Iterator[str]:
        """A fresh database for one test (from `template` if given), dropped afterwards; yields its URL."""
        name = self.create_database(template=template)
        try:
            yield self.url_for(name)
        finally:
            self.drop_database(name)

    def databases(self) -> list[str]:
        with self.connect() as conn:
            return [row[0] for row in conn.execute("SELECT datname FROM pg_database ORDER BY datname")]

    def stop(self) -> None:
        """Stop a server we started and remove its directory; a server from the environment is left alone."""
        if self._stopped or self.root is None or self.bindir is None:
            return
        self._stopped = True
        data = self.root / "data"
        subprocess.run([*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=START_TIMEOUT_S, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _run_as(env: dict[str, str]) -> tuple[list[str], pwd.struct_passwd | None]:
    """As root, the command prefix that drops to the `postgres` account; otherwise nothing."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PgUnavailable(f"running as root and there is no {SERVER_USER!r} user to run initdb as (initdb refuses root)") from None
    runuser = shutil.which("runuser", path=env.get("PATH", os.defpath) + ":/usr/sbin:/sbin")
    if runuser:
        return [runuser, "-u", SERVER_USER, "--"], account
    su = shutil.which("su", path=env.get("PATH", os.defpath) + ":/bin:/usr/bin")
    if su:  # `su USER -c` needs one shell string; wrap each call in `sh -c '"$0" "$@"'`
        return [su, SERVER_USER, "-s", "/bin/sh", "-c", '"$0" "$@"'], account
    raise PgUnavailable("running as root without runuser or su to start PostgreSQL as the postgres user")


def _base_dir(account: pwd.struct_passwd | None) -> str:
    """The temp root, if the server's account can reach it and the socket path fits; else /tmp."""
    base = tempfile.gettempdir()
    if len(base) > _SOCKET_PATH_MAX - 40:
        return "/tmp"
    if account is not None:
        path = Path(base).resolve()
        for part in (path, *path.parents):
            if not part.stat().st_mode & stat.S_IXOTH:
                return "/tmp"
    return base


def start(tcp: bool = False, settings: dict[str, str] | None = None, env: dict[str, str] | None = None) -> PgServer:
    """initdb + pg_ctl start in a new temp directory; PgUnavailable (with the server's own words) when it cannot."""
    env = dict(os.environ if env is None else env)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PgUnavailable("psycopg is not installed (pip install 'psycopg[binary]>=3.1')") from None
    bindir = find_bindir(env)
    run_as, account = _run_as(env)
    root = Path(tempfile.mkdtemp(prefix="redflag-pg-", dir=_base_dir(account)))
    if account is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
    data, log = root / "data", root / "server.log"
    server_env = {k: v for k, v in env.items() if not k.startswith("PG")}
    server_env.update(LC_ALL="C", LANG="C")
    try:
        _call([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
               "--encoding=UTF8", "--locale=C"], server_env, "initdb")
        port = _free_port() if tcp else 5432
        options = {**FAST_SETTINGS, **(settings or {}), "unix_socket_directories": str(root),
                   "listen_addresses": "127.0.0.1" if tcp else "", "port": str(port)}
        flags = " ".join(f"-c {key}={shlex.quote(value)}" for key, value in options.items())  # pg_ctl hands -o to a shell
        _call([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", flags, "-w",
               "-t", str(START_TIMEOUT_S), "start"], server_env, "pg_ctl start", log)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    host = "127.0.0.1" if tcp else quote(str(root), safe="")
    url = f"postgresql://{SUPERUSER}@{host}:{port}/postgres" if tcp else f"postgresql://{SUPERUSER}@/postgres?host={host}&port={port}"
    server = PgServer(url=url, root=root, bindir=bindir, run_as=tuple(run_as), port=port)
    atexit.register(server.stop)  # a run that dies before its teardown still leaves no server behind
    return server


def _call(cmd: list[str], env: dict[str, str], what: str, log: Path | None = None) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as err:
        raise PgUnavailable(f"{what} did not run: {err}") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        if log is not None and log.exists():
            said += log.read_text(errors="replace").strip().splitlines()
        raise PgUnavailable(f"{what} failed (exit {done.returncode}): {said[-1] if said else 'no output'}")


def from_env(env: dict[str, str] | None = None) -> PgServer:
    """The server `REDFLAG_TEST_DATABASE_URL` names (checked by connecting), else a throwaway one."""
    env = dict(os.environ if env is None else env)
    given = env.get(URL_ENV, "").strip()
    if not given:
        return start(env=env)
    server = PgServer(url=given)
    try:
        with server.connect() as conn:
            conn.execute("SELECT 1")
    except Exception as err:  # noqa: BLE001 - any failure to reach it is the reason to report
        raise PgUnavailable(f"{URL_ENV} is set but its server cannot be reached: {type(err).__name__}: {str(err).strip()}") from None
    return server


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM leaves signal.pause() the way Ctrl-C does


def main() -> int:
    """`python tests/pg_server.py [--tcp]`: a throwaway server for a benchmark or by hand; prints its URL, stops on SIGTERM/Ctrl-C."""
    import signal
    import sys

    try:
        server = start(tcp="--tcp" in sys.argv[1:])
    except PgUnavailable as err:
        print(f"pg_server: {err.reason}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    print(server.url, flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
