"""Shared test set-up: Qt offscreen, the user's folders in tmp, the example postmortem, and a
throwaway PostgreSQL server for the tests that run on both databases."""

from __future__ import annotations

import atexit
import itertools
import json
import os
import pwd
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL


def _offscreen_with_a_desktop_sized_screen() -> str:
    """Qt's offscreen platform, with a 1920 x 1080 screen instead of its default 800 x 600, so
    windows are laid out and their geometry restored as on a real desktop."""
    screen = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": False,
        "screens": [
            {
                "name": "pmdesk-test",
                "x": 0,
                "y": 0,
                "width": 1920,
                "height": 1080,
                "logicalDpiX": 96,
                "logicalDpiY": 96,
                "dpr": 1,
            }
        ],
    }
    folder = tempfile.mkdtemp(prefix="pmdesk-qpa-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "screen.json"
    path.write_text(json.dumps(screen), encoding="utf-8")
    return f"offscreen:configfile={path}"


# Before any QApplication exists. A run on a real X display (scripts/test --xcb) sets xcb.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = _offscreen_with_a_desktop_sized_screen()


def pytest_report_header() -> str:
    """Which Qt platform the GUI tests run on, at the top of every run's output."""
    platform = os.environ["QT_QPA_PLATFORM"].partition(":")[0]
    where = f" on DISPLAY {os.environ.get('DISPLAY')}" if platform == "xcb" else ""
    return f"Qt platform: {platform}{where}"


REPO = Path(__file__).resolve().parent.parent
# The shared example postmortem and Slack export, kept in the project so that a clone alone runs
# every test (`../shared/fixtures` has the originals).
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE = FIXTURES / "checkout-config-push.json"


@pytest.fixture(autouse=True)
def _user_folders_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's data, config or cache folders, or $PMDESK_DB."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("PMDESK_DB", raising=False)


@pytest.fixture
def fixture_file(tmp_path: Path) -> Path:
    """A private copy of the example postmortem, for a test to change as it likes."""
    target = tmp_path / "checkout-config-push.json"
    shutil.copyfile(FIXTURE, target)
    return target


# --- a throwaway PostgreSQL server --------------------------------------------------------------
# The storage and services tests run on SQLite and on PostgreSQL alike (their `library` fixtures
# are parametrized over both). For PostgreSQL the session starts its own cluster when the first
# test needs it (about a second): initdb into a folder in /dev/shm owned by the `postgres` user
# (when run as root, with runuser; as the current user otherwise), listening on 127.0.0.1 only, on
# a free port, with trust authentication and without fsync; stopped and removed at the end. Each
# test's library is a copy of a template library (CREATE DATABASE … TEMPLATE). A test that needs
# the server and cannot have it fails, saying how to install PostgreSQL; it is never skipped.

POSTGRES_INSTALL_HINT = (
    "The storage and services tests run on PostgreSQL too, and start their own throwaway server "
    "for it with PostgreSQL's initdb and pg_ctl (no server needs to be running). Install "
    "PostgreSQL's server package (Debian and Ubuntu: `apt-get install postgresql`, which puts "
    "them in /usr/lib/postgresql/<version>/bin; elsewhere put them on PATH) and the dev extra "
    "(`scripts/setup-venv dev`, for psycopg), then run the tests again."
)
# A role that logs in with a password (scram-sha-256), where every other role is trusted: for
# the tests of a refused login.
POSTGRES_PASSWORD_ROLE = "pmdesk_password"
POSTGRES_PASSWORD = "the-Right-pa55word"
# A role that may log in but owns nothing: for the tests of missing permissions.
POSTGRES_VISITOR_ROLE = "pmdesk_visitor"
# The database every test library is copied from: a library just created by open_library.
_TEMPLATE = "pmdesk_template"


class PostgresServer:
    """The session's PostgreSQL server: URLs for it, and fresh databases on it."""

    def __init__(
        self, base: Path, bindir: Path, port: int, as_postgres: bool, durable: bool = False
    ) -> None:
        self.base = base
        self.bindir = bindir
        self.port = port
        self._as_postgres = as_postgres
        self._durable = durable
        self._count = 0
        self._admin: Any = None
        self._ahead: _AheadOfTime | None = None
        self.version = 0

    # -- addresses

    def url(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        """A SQLAlchemy URL (with its password, if any) for `database` as `user`."""
        return URL.create(
            "postgresql+psycopg",
            username=user,
            password=password,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    # -- databases

    def create_database(self, *, template: str = "template0", owner: str = "postgres") -> str:
        """A new database's name: empty (from template0), or a copy of `template`."""
        self._count += 1
        name = f"pmdesk_test_{self._count}"
        # FILE_COPY with wal_level=minimal copies the files and logs nothing: 15-20 ms here, where
        # WAL_LOG (the default since 15) writes the whole template to the WAL (30-35 ms).
        strategy = " STRATEGY FILE_COPY" if self.version >= 150000 else ""
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{owner}"{strategy}')
        return name

    def drop_database(self, name: str) -> None:
        force = " WITH (FORCE)" if self.version >= 130000 else ""
        self.sql(f'DROP DATABASE IF EXISTS "{name}"{force}')

    def library_database(self) -> str:
        """A fresh copy of the template library, made while the previous test ran."""
        if self._ahead is None:
            self._ahead = _AheadOfTime(self)
        return self._ahead.take()

    def discard(self, name: str) -> None:
        """Drop a database a test has done with, in the background."""
        if self._ahead is None:
            self.drop_database(name)
        else:
            self._ahead.discard(name)

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement as the superuser on the `postgres` database, in autocommit."""
        cursor = self._admin.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []

    # -- the server

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    def start(self) -> None:
        data = self.base / "data"
        initdb = self.run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",  # code point order and ASCII-only case rules, as SQLite's
            "--no-sync",
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stderr.strip() or initdb.stdout.strip()}")
        (data / "pg_hba.conf").write_text(
            "local all all trust\n"
            f"host all {POSTGRES_PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n",
            encoding="utf-8",
        )
        options = ["-c listen_addresses=127.0.0.1", f"-p {self.port}", f"-k {self.base}"]
        if not self._durable:  # a test's data is worth nothing after the test
            options += [
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c wal_level=minimal",
                "-c max_wal_senders=0",
            ]
        log = self.base / "server.log"
        started = self.run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "30",
            "-o",
            " ".join(options),
            "start",
        )
        if started.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()}\n{tail}")
        import psycopg

        self._admin = psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )
        self.version = int(self.sql("SHOW server_version_num")[0][0])
        self.sql(f"CREATE ROLE {POSTGRES_PASSWORD_ROLE} LOGIN PASSWORD '{POSTGRES_PASSWORD}'")
        self.sql(f"CREATE ROLE {POSTGRES_VISITOR_ROLE} LOGIN")

    def make_template(self) -> None:
        """The library every `postgres_library_url` starts as, made once by open_library."""
        from pmdesk.storage.library import open_library

        self.sql(f'CREATE DATABASE "{_TEMPLATE}" TEMPLATE template0')
        open_library(self.url(_TEMPLATE)).close()  # no connection may stay for the copies

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        # Immediate: nothing in it is worth a checkpoint.
        self.run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server and delete its files."""
        if self._ahead is not None:
            self._ahead.close()
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


class _AheadOfTime:
    """A thread that copies the template library for the next test while this one runs, and
    drops the databases tests are done with: 35 ms a test that nobody waits for."""

    def __init__(self, server: PostgresServer) -> None:
        self._server = server
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._work: queue.Queue[str | None] = queue.Queue()  # "" makes one; a name drops it
        self._work.put("")
        self._thread = threading.Thread(target=self._run, name="pmdesk-postgres", daemon=True)
        self._thread.start()

    def take(self) -> str:
        made = self._ready.get(timeout=120)
        if isinstance(made, BaseException):
            raise made
        self._work.put("")  # the next test's
        return made

    def discard(self, name: str) -> None:
        self._work.put(name)

    def close(self) -> None:
        self._work.put(None)
        self._thread.join(timeout=60)

    def _run(self) -> None:
        import psycopg

        server = self._server
        strategy = " STRATEGY FILE_COPY" if server.version >= 150000 else ""
        force = " WITH (FORCE)" if server.version >= 130000 else ""
        with psycopg.connect(
            host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True
        ) as admin:
            for number in itertools.count(1):
                job = self._work.get()
                if job is None:
                    return
                try:
                    if job:
                        admin.execute(f'DROP DATABASE IF EXISTS "{job}"{force}')
                    else:
                        name = f"pmdesk_library_{number}"
                        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"{strategy}')
                        self._ready.put(name)
                except BaseException as error:
                    self._ready.put(error)


def _postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are: Debian's newest /usr/lib/postgresql/N/bin, else PATH."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.parent.name.split(".")],
    )
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _scratch_folder(durable: bool) -> str:
    """Where the cluster goes: in memory if the system has /dev/shm (a database is copied for
    each test; on disk that took 200-400 ms, in memory 15-20 ms), else the temporary folder;
    on disk if it is to be `durable` like a real server's. Never under pytest's private tmp
    folder, which user postgres could not enter."""
    shm = Path("/dev/shm")
    if not durable and shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return str(shm)
    return "/tmp" if os.geteuid() == 0 else tempfile.gettempdir()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_postgres(*, durable: bool = False) -> PostgresServer:
    """A new server, its template library made; RuntimeError saying why if it cannot start.
    `durable`: with PostgreSQL's default fsync and commit settings, on disk, as a team's server
    runs (for benchmarks); otherwise in memory and without fsync (for tests)."""
    try:
        import psycopg  # noqa: F401 - only to tell a missing driver apart
    except ImportError as error:
        raise RuntimeError(f"psycopg is not installed ({error})") from error
    bindir = _postgres_bindir()
    if bindir is None:
        raise RuntimeError("initdb was found neither in /usr/lib/postgresql/*/bin nor on PATH")
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    if as_postgres:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as error:
            raise RuntimeError("running as root, and there is no user `postgres`") from error
        base = Path(tempfile.mkdtemp(prefix="pmdesk-postgres-", dir=_scratch_folder(durable)))
        os.chown(base, owner.pw_uid, owner.pw_gid)
    else:
        base = Path(tempfile.mkdtemp(prefix="pmdesk-postgres-", dir=_scratch_folder(durable)))
    last: Exception | None = None
    for _attempt in range(3):  # another program may take the free port before the server does
        server = PostgresServer(base, bindir, _free_port(), as_postgres, durable)
        try:
            server.start()
            server.make_template()
            return server
        except Exception as error:
            last = error
            server.stop()
            for leftover in base.iterdir():
                shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)
    raise RuntimeError(str(last))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, started at the first test that needs it (under a second);
    a test that needs it fails when it cannot start, with how to install PostgreSQL."""
    try:
        server = start_postgres()
    except Exception as error:
        pytest.fail(f"PostgreSQL could not be started: {error}\n{POSTGRES_INSTALL_HINT}")
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database (UTF8, owned by `postgres`), dropped after the test."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def postgres_library_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database holding a new, empty library, as open_library makes one."""
    name = postgres_server.library_database()
    yield postgres_server.url(name)
    postgres_server.discard(name)


BACKENDS = ["sqlite", "postgres"]


def library_location(request: pytest.FixtureRequest, path: Path) -> str | Path:
    """Where the `library` fixture of a test parametrized over BACKENDS opens its library: the
    file `path` on SQLite, a fresh library database on PostgreSQL."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_library_url"))
    return path
