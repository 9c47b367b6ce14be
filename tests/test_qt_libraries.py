"""Before Qt loads, the app (and so `scripts/run`, which starts it) says which system libraries
to install when Qt's widgets or its X11 (xcb) platform plugin could not load, instead of Qt's
abort with a message naming the wrong package. The libraries cannot be uninstalled for a test:
a stand-in `ldd` on PATH says what a bare Debian's would; the real one is checked to find
everything on this machine."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.ui import qt_libraries
from tests.conftest import REPO

# What ldd says on a Debian with Qt's widget libraries but only a few of the xcb ones.
BARE_LDD = """\
\tlinux-vdso.so.1 (0x00007ffd5a9f6000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x7f0)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f0d2b1c1000)
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f0d2b1b8000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0d2b18e000)
\tlibicuuc.so.73 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0d2b3c6000)
"""


def fake_ldd(folder: Path, output: str) -> Path:
    """A folder holding an `ldd` that prints `output` whatever it is asked."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "said").write_text(output, encoding="utf-8")
    ldd = folder / "ldd"
    ldd.write_text(f'#!/bin/sh\necho "$@" >>"{folder}/asked"\ncat "{folder}/said"\n', "utf-8")
    ldd.chmod(ldd.stat().st_mode | stat.S_IXUSR)
    return folder


def test_ldds_lines_are_read_as_found_or_missing() -> None:
    assert qt_libraries.resolved(BARE_LDD) == {
        "libQt6XcbQpa.so.6": "/venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6",
        "libGL.so.1": "/lib/x86_64-linux-gnu/libGL.so.1",
        "libxkbcommon-x11.so.0": None,
        "libxcb-cursor.so.0": "/lib/x86_64-linux-gnu/libxcb-cursor.so.0",
        "libxcb-icccm.so.4": None,
        "libxcb-keysyms.so.1": None,
        "libxcb.so.1": "/lib/x86_64-linux-gnu/libxcb.so.1",
        "libicuuc.so.73": None,
    }
    # Missing for one of the files asked about is missing.
    twice = "a.so:\n\tlibX11.so.6 => /lib/libX11.so.6 (0x1)\nb.so:\n\tlibX11.so.6 => not found\n"
    assert qt_libraries.resolved(twice) == {"libX11.so.6": None}


@pytest.mark.parametrize(
    ("env", "xcb"),
    [
        ({"DISPLAY": ":0"}, True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),  # Qt loads the plugin before it looks for a display
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, False),
        ({}, False),  # no display: the app says so, and how to run headless
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, False),
        (
            {
                "WAYLAND_DISPLAY": "wayland-0",
                "DISPLAY": ":0",
                "XDG_SESSION_TYPE": "wayland",
                "XDG_CURRENT_DESKTOP": "ubuntu:GNOME",
            },
            True,  # Qt uses X11 on GNOME unless told otherwise
        ),
    ],
)
def test_the_xcb_plugin_is_checked_only_where_qt_would_load_it(
    env: dict[str, str], xcb: bool
) -> None:
    assert qt_libraries.uses_xcb(env) is xcb


def test_missing_xcb_libraries_name_the_packages_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = fake_ldd(tmp_path / "bin", BARE_LDD)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    said = qt_libraries.problem({"DISPLAY": ":0"})
    assert said is not None
    # Qt's own libraries (ICU here) are not the system's to install: Qt reports those itself.
    assert "(libxkbcommon-x11.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1)" in said
    command = next(line.strip() for line in said.splitlines() if "apt-get install" in line)
    packages = command.split("apt-get install ")[1].split()
    assert set(qt_libraries.XCB_PACKAGES) <= set(packages)
    assert not set(qt_libraries.BASE_PACKAGES) & set(packages)  # those are all there
    asked = (folder / "asked").read_text(encoding="utf-8").split()
    assert [Path(f).name for f in asked] == ["QtWidgets.abi3.so", "libqxcb.so"]
    assert all(Path(f).is_file() for f in asked)


def test_a_missing_library_of_qts_widgets_names_the_base_packages() -> None:
    said = qt_libraries.advice(["libGL.so.1", "libxcb-icccm.so.4"], as_root=True)
    command = next(line.strip() for line in said.splitlines() if "apt-get install" in line)
    assert command.startswith("apt-get install ")  # no sudo for root
    packages = command.split()[2:]
    assert packages == list(
        dict.fromkeys([*qt_libraries.BASE_PACKAGES, *qt_libraries.XCB_PACKAGES])
    )
    assert qt_libraries.advice(["libGL.so.1"], as_root=False).count("sudo apt-get install") == 1


def test_offscreen_checks_only_the_widget_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = fake_ldd(tmp_path / "bin", "\tlibEGL.so.1 => not found\n")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    said = qt_libraries.problem({"QT_QPA_PLATFORM": "offscreen"})
    assert said is not None and "libegl1" in said and "libxcb" not in said
    asked = (folder / "asked").read_text(encoding="utf-8").split()
    assert [Path(f).name for f in asked] == ["QtWidgets.abi3.so"]


def test_the_real_linker_is_asked_and_agrees() -> None:
    files = qt_libraries.qt_files(qt_libraries.pyside_folder(), xcb=True)
    assert [f.name for f in files] == ["QtWidgets.abi3.so", "libqxcb.so"]
    linked = qt_libraries.linked_libraries(files)
    # The real ldd was asked and read: it lists the xcb plugin's own libraries.
    assert {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"} <= set(linked)
    missing = [n for n, path in linked.items() if path is None and n in qt_libraries.PACKAGE_OF]
    said = qt_libraries.problem({"DISPLAY": ":0"})
    assert (said is None) == (missing == []), said


def test_without_ldd_the_app_starts_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert qt_libraries.problem({"DISPLAY": ":0"}) is None


def test_the_app_says_what_to_install_instead_of_aborting(tmp_path: Path) -> None:
    """The program `scripts/run` starts (.venv/bin/pmdesk), on an X display whose Qt libraries
    are missing: a message and exit 2, never Qt's abort (exit 134) or a window."""
    program = Path(sys.executable).parent / "pmdesk"
    command = [str(program)] if program.exists() else [sys.executable, str(REPO / "main.py")]
    folder = fake_ldd(tmp_path / "bin", BARE_LDD)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":0", PATH=f"{folder}{os.pathsep}{env['PATH']}")
    result = subprocess.run(
        [*command, "--db", str(tmp_path / "library.pmdesk")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "apt-get install libxcb-cursor0 libxcb-icccm4" in result.stderr
    assert "libxcb-icccm.so.4" in result.stderr and "platform plugin" not in result.stderr
    assert not (tmp_path / "library.pmdesk").exists()  # stopped before anything was opened


def test_without_x11_the_linker_is_asked_only_when_qts_widgets_fail_to_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offscreen or on Wayland, only Qt's widgets need system libraries, and their import says
    when one is missing: no `ldd` on the way to a window that opens."""
    folder = fake_ldd(tmp_path / "bin", BARE_LDD)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    check = qt_libraries.start_check({"QT_QPA_PLATFORM": "offscreen"})
    assert check.before_window() is None
    assert not (folder / "asked").exists()
    check.problem()  # as after a failed import of the widgets
    assert "QtWidgets" in (folder / "asked").read_text(encoding="utf-8")


def test_on_x11_the_linker_is_asked_at_once_and_answers_before_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = fake_ldd(tmp_path / "bin", BARE_LDD)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    check = qt_libraries.start_check({"DISPLAY": ":0"})
    said = check.before_window()
    assert said is not None and "libxcb-icccm.so.4" in said
    assert "libqxcb.so" in (folder / "asked").read_text(encoding="utf-8")
