"""What an export may write over: a regular file (keeping its mode), a terminal or a pipe
(written through), and nothing else.
"""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk.services import postmortems
from pmdesk.services.postmortems import ExportWriteError


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_export_gets_the_mode_the_umask_gives(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "report.json"
    postmortems.write_export(target, b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_bytes() == b"{}"


def test_a_replaced_export_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "shared.json"
    target.write_bytes(b"old")
    target.chmod(0o664)
    postmortems.write_export(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["shared.json"]  # no temporary left


def test_a_pipe_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # A daemon: should the pipe be replaced instead, the reader waits forever, not the run.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    postmortems.write_export(fifo, b"through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not replaced by a file


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI has it)")
def test_a_character_device_stays_a_device(tmp_path: Path) -> None:
    devnull = tmp_path / "devnull"
    os.mknod(devnull, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    postmortems.write_export(devnull, b"gone")
    assert stat.S_ISCHR(devnull.stat().st_mode)


def test_a_socket_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(ExportWriteError) as caught:
            postmortems.write_export(path, b"x")
    assert "it is a socket, not a file" in str(caught.value.strerror)
    assert "give the name of a file to write" in str(caught.value.strerror)
    assert stat.S_ISSOCK(path.stat().st_mode)


def test_a_folder_is_refused_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteError) as caught:
        postmortems.write_export(tmp_path, b"x")
    assert "it is a folder" in str(caught.value.strerror)
    assert tmp_path.is_dir()
