"""The library files this process holds open through SQLite, and keeping hold of them.

POSIX advisory locks belong to a process, not to a file descriptor: closing *any* descriptor of a
file drops *every* lock the process holds on it, SQLite's included. A library in WAL mode is kept
safe by a READ lock that each connection holds on its file for as long as it is open; once that
lock is gone, another process that closes its own connection believes it was the last one,
checkpoints, and deletes the "-wal" and "-shm" files this process is still writing to, so every
later change goes into a deleted file.

Hence two rules, both kept here:

- **Nothing but SQLite opens a library file** (or its "-wal", "-shm", "-journal") in a process
  that has it open. `open_library` registers each file it opens (`hold`), and every place that
  reads or writes a file the user named asks `held_library` first and refuses that file.
- **A lost hold is noticed and mended** (`FileHold`). Before every transaction and read, the
  library compares the "-wal" on disk with the one its connections opened and, on Linux, looks in
  /proc/locks for its READ lock (slow to read, so at most every LOCK_LOOK_INTERVAL_S). If either
  is gone, it closes every connection and opens afresh before going on, which is safe while
  nothing has been written since. After a commit, a "-wal" found replaced means the commit may
  have gone into a deleted file, and the writer is told.

Nothing here opens a library file: `os.stat` reads a directory entry, not the file.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

# The files SQLite keeps beside a database while it is open or after a crash.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

# The first byte of SQLite's SHARED range (PENDING_BYTE + 2): a connection in WAL mode holds a
# READ lock from here for as long as it is open (see "How To Corrupt An SQLite Database File").
SHARED_FIRST_BYTE = 1073741826
PROC_LOCKS = Path("/proc/locks")
# The "-wal" is compared at every read and write (a stat: microseconds), but reading /proc/locks
# took 6 to 14 ms here whenever it was not read a moment before: it is looked into at most this
# often. The -wal alone keeps changes safe; the lock, seen gone early, is taken again before
# another process could remove the -wal at all.
LOCK_LOOK_INTERVAL_S = 2.0

Identity = tuple[int, int]  # (st_dev, st_ino): which file, whatever its name


def identity(path: Path) -> Identity | None:
    """The file at `path`, or None if there is none (or it cannot be looked at)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


# --- which files this process holds ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Held:
    path: Path
    identity: Identity


_held: dict[int, _Held] = {}  # token → the file; one entry per open Library
_held_lock = threading.Lock()
_next_token = iter(range(1, 1 << 62))


def hold(path: Path) -> int:
    """Record that a library of this process has `path` open; the token is for `release`."""
    found = identity(path)
    with _held_lock:
        token = next(_next_token)
        if found is not None:
            _held[token] = _Held(path, found)
    return token


def release(token: int) -> None:
    with _held_lock:
        _held.pop(token, None)


def _held_files() -> list[_Held]:
    with _held_lock:
        return list(_held.values())


def held_library(path: str | os.PathLike[str]) -> Path | None:
    """The library file this process has open that `path` names, or whose "-wal", "-shm" or
    "-journal" it names; None for any other file. Symbolic and hard links count as the file.
    """
    named = Path(path).expanduser().absolute()
    candidates = [named]
    for suffix in COMPANION_SUFFIXES:
        if named.name.endswith(suffix) and len(named.name) > len(suffix):
            candidates.append(named.with_name(named.name[: -len(suffix)]))
    wanted = identity(named)
    for held in _held_files():
        if identity(held.path) != held.identity:
            continue  # moved or deleted since it was opened: no longer what `path` could be
        if any(identity(candidate) == held.identity for candidate in candidates):
            return held.path
        if wanted is not None and any(
            identity(companion(held.path, suffix)) == wanted for suffix in COMPANION_SUFFIXES
        ):
            return held.path
    return None


def is_held(path: Path) -> bool:
    """Whether a library of this process has the file itself open."""
    found = identity(path)
    return found is not None and any(held.identity == found for held in _held_files())


# --- who holds SQLite's lock ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lock:
    """One line of /proc/locks: `1: POSIX  ADVISORY  READ 2084 fe:00:2146422 1073741826 EOF`."""

    access: str  # READ or WRITE
    pid: str  # -1 for a lock that belongs to no process (an OFD lock)
    file: str  # major:minor:inode, the first two in hex
    start: str


def _locks() -> list[_Lock] | None:
    """The locks in /proc/locks, or None where there is no such file (not Linux)."""
    try:
        text = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 1 and fields[1] == "->":  # waiting for the lock, not holding it
            continue
        if len(fields) >= 8:
            found.append(_Lock(fields[3], fields[4], fields[5], fields[6]))
    return found


def _file_key(found: Identity) -> str:
    device, inode = found
    return f"{os.major(device):02x}:{os.minor(device):02x}:{inode}"


def holds_shared_lock(path: Path, pid: int | None = None) -> bool | None:
    """Whether process `pid` (this one by default) holds SQLite's READ lock on the SHARED range
    of the database file; None where that cannot be seen (no /proc/locks, or no such file)."""
    found, locks = identity(path), _locks()
    if found is None or locks is None:
        return None
    key, wanted = _file_key(found), str(os.getpid() if pid is None else pid)
    return any(
        lock.file == key
        and lock.pid == wanted
        and lock.access == "READ"
        and lock.start == str(SHARED_FIRST_BYTE)
        for lock in locks
    )


def locked(path: Path) -> bool | None:
    """Whether any process (this one too) holds a lock on the file: whether some connection has
    it open. None where that cannot be seen."""
    found, locks = identity(path), _locks()
    if found is None or locks is None:
        return None
    key = _file_key(found)
    return any(lock.file == key for lock in locks)


# --- keeping hold -----------------------------------------------------------------------------


class Loss(Enum):
    """How a hold was lost; the value says it to a person."""

    # The -wal on disk is not the one the connections write to: what they wrote since went
    # into a deleted file.
    WAL_REPLACED = "its “-wal” file was removed or replaced while pmdesk was writing to it"
    # SQLite's lock is gone, but the -wal is still the one on disk: nothing is lost yet.
    LOCK_RELEASED = "its lock on the library file was released"


class FileHold:
    """Whether this process's connections to one SQLite library still hold it as they opened it.

    `attach` hooks it to the engine: it counts the open connections and notes which "-wal" file
    they write to. `lost()` says why the hold is gone, or None while it is kept.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wal = companion(path, "-wal")
        self._lock = threading.Lock()
        self._open_connections = 0
        self._wal_identity: Identity | None = None  # the -wal the open connections write to
        # True once /proc/locks has shown this process's lock on the file.
        self._locks_visible: bool | None = None
        self._next_lock_look = 0.0  # time.monotonic() of the next look into /proc/locks

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "connect", self._connected)
        event.listen(engine, "close", self._closed)
        event.listen(engine, "close_detached", self._closed)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        # The engine's own hook ran first and switched to WAL, which opened the -wal file.
        with self._lock:
            self._open_connections += 1
            if self._wal_identity is None:
                self._wal_identity = identity(self.wal)

    def _closed(self, *_args: Any) -> None:
        with self._lock:
            self._open_connections = max(0, self._open_connections - 1)
            if self._open_connections == 0:
                # The last one is gone, and SQLite removes the -wal as it closes: the next
                # connection starts a new one, which is then the one to watch.
                self._wal_identity = None
                self._locks_visible = None

    def lost(self) -> Loss | None:
        """How the open connections lost their hold on the library, or None while they keep it."""
        with self._lock:
            if self._open_connections == 0:
                return None
            on_disk = identity(self.wal)
            if self._wal_identity is None:
                self._wal_identity = on_disk  # a new library's -wal, made by its first write
            elif on_disk != self._wal_identity:
                return Loss.WAL_REPLACED
            now = time.monotonic()
            if now < self._next_lock_look:
                return None
            self._next_lock_look = now + LOCK_LOOK_INTERVAL_S
            held = holds_shared_lock(self.path)
            if not self._locks_visible:
                # Seen once, the lock is known to show in /proc/locks. Until then (a new
                # library takes it at its first write; in another pid namespace it never shows)
                # only the -wal tells.
                self._locks_visible = held or None
                return None
            if held is False:
                return Loss.LOCK_RELEASED
            return None
