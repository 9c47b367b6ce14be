"""Before Qt loads: whether this system has the libraries Qt needs to open a window, and what to
install when it has not.

Without them Qt does not fail gently. A missing library of its widgets makes the import fail;
one of its X11 (xcb) platform plugin aborts the process (SIGABRT, exit 134) with a message that
names libxcb-cursor0 whichever library is really missing. This asks the dynamic linker (`ldd`)
what it cannot find, and says which packages to install. It never imports Qt.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

# What Qt's widgets need on a bare Debian or Ubuntu, and what its xcb plugin needs on top.
BASE_PACKAGES = (
    "libegl1",
    "libgl1",
    "libx11-6",
    "libdbus-1-3",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0",
    "libxkbcommon0",
)
XCB_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-xinerama0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxkbcommon-x11-0",
)

# Debian's package for each system library Qt's widgets or its xcb plugin link against. A library
# ldd misses that is not named here (one of Qt's own, say) is left for Qt to report.
PACKAGE_OF: Mapping[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libX11.so.6": "libx11-6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
XCB_LIBRARIES = frozenset(
    name for name, package in PACKAGE_OF.items() if "xcb" in name or package in XCB_PACKAGES
)

# A line of ldd's: "\tlibxcb.so.1 => /usr/lib/libxcb.so.1 (0x7f...)", or "libxcb.so.1 => not found".
_LINE = re.compile(r"^\s*(\S+) => (?:(not found)|(\S+))", re.MULTILINE)


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt will load its xcb plugin here: QT_QPA_PLATFORM=xcb, or unset with an X display.
    Unset in a Wayland session, Qt tries its Wayland plugin first (but on GNOME, X11's)."""
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.partition(":")[0] == "xcb"
    if not env.get("DISPLAY"):
        return False  # no X display at all: the app says so itself (pmdesk.ui.app)
    desktop = f"{env.get('XDG_CURRENT_DESKTOP', '')}:{env.get('XDG_SESSION_DESKTOP', '')}"
    return env.get("XDG_SESSION_TYPE") != "wayland" or "gnome" in desktop.casefold()


def resolved(ldd_output: str) -> dict[str, str | None]:
    """Each library ldd listed, in its order: where the linker found it, or None."""
    found: dict[str, str | None] = {}
    for name, missing, path in _LINE.findall(ldd_output):
        if missing:
            found[name] = None  # missing for one of the files is missing
        else:
            found.setdefault(name, path)
    return found


def pyside_folder() -> Path | None:
    """Where PySide6 is installed, found without importing it."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def qt_files(pyside: Path | None, xcb: bool) -> list[Path]:
    """PySide6's widgets module, and the xcb plugin if Qt is to use it, as installed."""
    if pyside is None:
        return []
    files = sorted(pyside.glob("QtWidgets*.so"))[:1]
    if xcb:
        files.append(pyside / "Qt" / "plugins" / "platforms" / "libqxcb.so")
    return [f for f in files if f.is_file()]


def linked_libraries(files: Sequence[Path]) -> dict[str, str | None]:
    """What the linker (`ldd` on PATH) finds for `files`: nothing when it cannot be asked."""
    return _Ldd(files).linked()


class _Ldd:
    """`ldd` on `files`, started at once and read when its answer is needed."""

    def __init__(self, files: Sequence[Path]) -> None:
        import subprocess

        self._process: subprocess.Popen[str] | None = None
        if not files:
            return
        try:
            self._process = subprocess.Popen(
                ["ldd", *map(str, files)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                errors="replace",
            )
        except (OSError, subprocess.SubprocessError):
            self._process = None

    def linked(self) -> dict[str, str | None]:
        import subprocess

        if self._process is None:
            return {}
        try:
            out, _ = self._process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            return {}
        finally:
            self._process = None
        return resolved(out)


def missing_libraries(files: Sequence[Path]) -> list[str]:
    """The system libraries of PACKAGE_OF that the linker cannot find for `files`."""
    return _missing(linked_libraries(files))


def _missing(linked: Mapping[str, str | None]) -> list[str]:
    return [name for name, path in linked.items() if path is None and name in PACKAGE_OF]


def advice(missing: Iterable[str], as_root: bool) -> str:
    """What to say when `missing` (sonames of PACKAGE_OF) are not installed."""
    missing = list(missing)
    packages: list[str] = []
    if any(name not in XCB_LIBRARIES for name in missing):
        packages += BASE_PACKAGES
    if any(name in XCB_LIBRARIES for name in missing):
        packages += XCB_PACKAGES
    packages += [PACKAGE_OF[name] for name in missing]
    command = ("" if as_root else "sudo ") + "apt-get install " + " ".join(dict.fromkeys(packages))
    return (
        "pmdesk cannot open its window: Qt needs system libraries that are not installed "
        f"({', '.join(missing)}).\n"
        f"On Debian or Ubuntu, install them with:\n\n    {command}\n\n"
        "Elsewhere, install your distribution's packages that provide those libraries. "
        "The command-line commands (import, export, list, check) need none of them."
    )


def problem(env: Mapping[str, str] = os.environ) -> str | None:
    """Why Qt could not open a window here for want of a library, and what to install; None when
    nothing is missing or it cannot be told (not Linux, no ldd, PySide6 not where expected)."""
    return PendingCheck(env).problem()


class PendingCheck:
    """`problem()`, asked early and answered when needed.

    Where Qt will load its xcb plugin, the linker is asked at once, while Qt's modules import
    (they load without the plugin's libraries), and answers before the window opens
    (`before_window`). Elsewhere only a missing library of Qt's widgets can stop the window, and
    then their import fails: the caller catches that and asks `problem()`, which asks the linker
    then. Either way the check costs the start-up no time of its own.
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self._linux = sys.platform.startswith("linux")
        self._xcb = uses_xcb(env)
        self._ldd = _Ldd(qt_files(pyside_folder(), True)) if self._linux and self._xcb else None
        self._answer: str | None = None
        self._asked = False

    def problem(self) -> str | None:
        """What is missing for Qt's widgets (and its xcb plugin, where it loads), or None."""
        if not self._linux or self._asked:
            return self._answer
        self._asked = True
        ldd = self._ldd or _Ldd(qt_files(pyside_folder(), self._xcb))
        self._ldd = None
        missing = _missing(ldd.linked())
        if missing:
            self._answer = advice(missing, as_root=os.geteuid() == 0)
        return self._answer

    def before_window(self) -> str | None:
        """What would stop the window now that Qt's widgets imported: only the xcb plugin's
        libraries can, where it loads."""
        return self.problem() if self._xcb else None


def start_check(env: Mapping[str, str] = os.environ) -> PendingCheck:
    """Start `problem()`'s check (see PendingCheck)."""
    return PendingCheck(env)
