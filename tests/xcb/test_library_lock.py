"""The real app on a real X display (Xvfb, Qt's xcb platform), driven from the keyboard: every
file dialog lists the library's folder and is cancelled, and the app still holds SQLite's lock
on the library; then another program opens and closes the library, an edit is typed, the app is
killed, and the edit is in the library.

Offscreen, Qt runs no platform theme and the dialogs are never a desktop's; here they are what a
user gets. The rest of the suite runs offscreen; this module sets up its own display and
environment for the processes it starts, and needs `Xvfb` and `xdotool` (`.ci/run` installs
them). Without them it is skipped, unless PMDESK_XCB_TESTS=required (as in CI): then it fails.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from pmdesk.storage.held_files import holds_shared_lock
from tests.conftest import REPO

pytestmark = [pytest.mark.xcb, pytest.mark.slow]

# How long a dialog lists the folder before it is cancelled: Qt types the files it lists in
# batches, within a few hundred milliseconds of showing.
LISTING_S = 1.0


def _cannot_run() -> str | None:
    if not sys.platform.startswith("linux"):
        return "needs Linux: the lock is read from /proc/locks"
    for program in ("Xvfb", "xdotool"):
        if shutil.which(program) is None:
            return f"needs {program} (Debian: apt-get install xvfb xdotool)"
    return None


@pytest.fixture(autouse=True)
def _real_display_tools() -> None:
    reason = _cannot_run()
    if reason is None:
        return
    if os.environ.get("PMDESK_XCB_TESTS") == "required":
        pytest.fail(f"the real-display tests must run here, but this machine {reason}")
    pytest.skip(reason)


def wait_for(
    what: str, check: Callable[[], bool], timeout_s: float, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            said = log.read_text(encoding="utf-8", errors="replace") if log else ""
            raise AssertionError(f"waited {timeout_s} s for {what}\n{said}")
        time.sleep(0.05)


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on the first free display number, which the server picks itself."""
    ready, told = os.pipe()
    log = (tmp_path / "xvfb.log").open("wb")
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(told), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(told,),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    os.close(told)
    try:
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([ready], [], [], left)[0]:
                raise AssertionError(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}")
            chunk = os.read(ready, 16)
            if not chunk:
                raise AssertionError(f"Xvfb stopped: {(tmp_path / 'xvfb.log').read_text()}")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(ready)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class App:
    """pmdesk running on `display`, and the keys and windows of it that xdotool reaches."""

    def __init__(self, display: str, library: Path, open_id: str, home: Path) -> None:
        self.display = display
        self.library = library
        self.log = home / "app.log"
        env = dict(os.environ)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            HOME=str(home),  # its Documents folder is where every dialog first opens
        )
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            folder = home / name.lower()
            folder.mkdir(parents=True, exist_ok=True)
            env[name] = str(folder)
        self._output: IO[bytes] = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pmdesk", "--db", str(library), "--open", open_id],
            cwd=library.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.process.pid
        found: list[str] = []

        def window_up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"pmdesk stopped: {self.said()}")
            found[:] = self.windows()
            return bool(found)

        wait_for("pmdesk's window", window_up, 30, self.log)
        # The window is up before its library is: its commands work once the title names the
        # library instead of saying it is opening one.
        ready = f"pmdesk — {library.name}"
        wait_for("the library in the window", lambda: bool(self.windows(ready)), 30, self.log)
        self.window = self.windows(ready)[0]

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return done.stdout

    def windows(self, title: str | None = None) -> list[str]:
        """The app's visible windows (menus too), or those with exactly this title."""
        named = ["--name", f"^{title}$"] if title is not None else []
        found = self.xdotool("search", "--all", "--onlyvisible", "--pid", str(self.pid), *named)
        return found.split()

    def focus(self, window: str | None = None) -> None:
        """No window manager here: a window has the keyboard only once it is given it."""
        self.xdotool("windowfocus", "--sync", window or self.window)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.xdotool("key", "--clearmodifiers", key)

    def menu(self, alt_key: str, item_key: str) -> None:
        """Open a menu with Alt+letter and choose an item by its underlined letter."""
        before = set(self.windows())
        self.keys(alt_key)
        wait_for("the menu", lambda: bool(set(self.windows()) - before), 10, self.log)
        self.keys(item_key)

    def held(self) -> bool:
        return holds_shared_lock(self.library, self.pid) is True

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._output.close()


def logged(wal: Path, text: str) -> bool:
    try:
        return text.encode() in wal.read_bytes()
    except FileNotFoundError:
        return False


def open_and_cancel(app: App, title: str, reach: Callable[[], None]) -> bool:
    """Reach a file dialog from the window, let it list the folder, cancel it with Escape; and
    whether the app still holds the library's lock."""
    app.focus()
    reach()
    found: list[str] = []

    def shown() -> bool:
        found[:] = app.windows(title)
        return bool(found)

    wait_for(f"the dialog “{title}”", shown, 15, app.log)
    time.sleep(LISTING_S)
    app.focus(found[0])
    app.keys("Escape")
    wait_for(f"the dialog “{title}” to close", lambda: not app.windows(title), 10, app.log)
    return app.held()


def test_every_file_dialog_leaves_the_library_locked_and_edits_survive_a_kill(
    display: str, tmp_path: Path, fixture_file: Path
) -> None:
    # The user's documents folder, where every file dialog opens the first time.
    folder = tmp_path / "home" / "Documents"
    folder.mkdir(parents=True)
    library = folder / "library.pmdesk"
    imported = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--db", str(library), "import", str(fixture_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    postmortem_id = imported.stdout.split()[0]
    (folder / "slack-export").mkdir()  # something for the folder dialog to list
    title = f"Lock kept {secrets.token_hex(4)}"

    app = App(display, library, postmortem_id, tmp_path / "home")
    try:
        wait_for("the app to hold the library's lock", app.held, 10, app.log)
        dialogs: list[tuple[str, str, Callable[[], None]]] = [
            ("File ▸ Open library (Ctrl+O)", "Open library", lambda: app.keys("ctrl+o")),
            ("File ▸ New library (Alt+F, L)", "New library", lambda: app.menu("alt+f", "l")),
            ("File ▸ Import (Ctrl+I)", "Import postmortems", lambda: app.keys("ctrl+i")),
            # Not Ctrl+E: on X11 that is also "end of line", which the search box (where the
            # keyboard is) takes for itself.
            ("File ▸ Export (Alt+F, E)", "Export postmortem", lambda: app.menu("alt+f", "e")),
            (
                "File ▸ Export report (Ctrl+Shift+P)",
                "Export report",
                lambda: app.keys("ctrl+shift+p"),
            ),
            (
                "File ▸ Export report for stakeholders (Alt+F, S)",
                "Export report",
                lambda: app.menu("alt+f", "s"),
            ),
            (
                "File ▸ Add evidence (Ctrl+Shift+I)",
                "Add evidence to the timeline",
                lambda: app.keys("ctrl+shift+i"),
            ),
            (
                "File ▸ Slack export folder (Alt+F, F)",
                "Choose a Slack export folder",
                lambda: app.menu("alt+f", "f"),
            ),
            # Alt+T (the overview's Title) puts the keyboard in the editor, where Ctrl+4 is the
            # Causes tab and Ctrl+D its diagram.
            (
                "Causes ▸ Export diagram (Ctrl+Shift+S)",
                "Export the cause diagram",
                lambda: app.keys("alt+t", "ctrl+4", "ctrl+d", "ctrl+shift+s"),
            ),
        ]
        held_after = {
            what: open_and_cancel(app, dialog_title, reach) for what, dialog_title, reach in dialogs
        }

        # Another program opens and closes the library. Had the app lost its lock, this one
        # would believe it was the last, checkpoint and delete the app's -wal and -shm.
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys\n"
                "c = sqlite3.connect(sys.argv[1])\n"
                "c.execute('select count(*) from sqlite_master').fetchall()\n"
                "c.close()\n",
                str(library),
            ],
            timeout=30,
            check=True,
        )
        wal = library.with_name(library.name + "-wal")
        companions_kept = wal.exists() and library.with_name(library.name + "-shm").exists()

        # An edit from the keyboard: a new incident (Ctrl+N puts the keyboard in its title).
        app.focus()
        app.keys("ctrl+n")
        time.sleep(0.3)
        app.xdotool("type", "--delay", "10", title)
        app.keys("Return")
        # Until SQLite has written the edit to the log (read as bytes, not as a database). If
        # it went to a log someone else deleted, it never shows: the check below says so.
        deadline = time.monotonic() + 5
        while not logged(wal, title) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        app.kill()

    with sqlite3.connect(library) as conn:
        stored = conn.execute("SELECT count(*) FROM postmortems WHERE title = ?", (title,))
        found = stored.fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    assert {
        "lock held after": held_after,
        "-wal and -shm kept": companions_kept,
        "edit stored": found == 1,
        "integrity": integrity,
    } == {
        "lock held after": dict.fromkeys(held_after, True),
        "-wal and -shm kept": True,
        "edit stored": True,
        "integrity": "ok",
    }, app.said()
