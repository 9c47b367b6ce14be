"""What the one-folder app holds beyond the code PyInstaller finds by itself: read by
packaging/pmdesk.spec, and by tests/test_packaging_build.py, which checks that it leaves nothing
out. It imports only the standard library, so the test needs no PyInstaller.

Everything is computed from the checkout at build time: a folder added under resources/ (or a
migration added under pmdesk/storage/migrations/) is bundled without editing this file.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent
NAME = "pmdesk"
# The script PyInstaller starts from: it calls pmdesk/__main__.py main(), the GUI and the CLI.
ENTRY = REPO / "main.py"
RESOURCES = REPO / "resources"
MIGRATIONS = REPO / "pmdesk" / "storage" / "migrations"

# Qt modules pmdesk never imports (it uses QtCore, QtGui, QtWidgets and QtSvg; QtTest only in the
# tests). PySide6-Essentials ships many of them. PyInstaller only bundles what is imported, so
# this is a guard: should a dependency ever import one, it and its hook would still stay out,
# with the plugins and (for QtQml and QtQuick) the whole QML tree the hook would collect.
UNUSED_QT = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDBus",
    "QtDesigner",
    "QtGraphs",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",
    "QtNetworkAuth",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtPrintSupport",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtSvgWidgets",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
)
# Only the tests, the benchmarks and the developer's tools use these; a build venv made by
# packaging/build does not even install them, but a build from the dev .venv would find them.
NOT_IN_THE_APP = (
    "tkinter",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "icalendar",
    "pypdf",
    "markdown_it",
    "mypy",
    "ruff",
    "weasyprint",
    "PyInstaller",
)
# ReportLab imports Pillow, but a pmdesk report never embeds a raster image; Pillow loads each
# image format's plugin only if it can, and these two formats bring 6 MB of libraries.
UNUSED_PILLOW = ("PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin")
EXCLUDES = tuple(f"PySide6.{name}" for name in UNUSED_QT) + NOT_IN_THE_APP + UNUSED_PILLOW

# Qt plugins the app does without (paths under PySide6/Qt/plugins/), left out together with every
# library only they needed. The PySide6 hooks collect each plugin folder whole.
UNUSED_QT_PLUGINS = (
    # GTK's look for Qt on a GNOME desktop: it would load the system's GTK against the GLib,
    # Pango and Cairo copied into the bundle, a known cause of crashes. pmdesk has its own themes.
    "platformthemes/*qgtk3*",
    # A remote screen and touch input over the network: they pull in QtNetwork and Kerberos.
    "platforms/*qvnc*",
    "generic/*qtuiotouchplugin*",
    # Linux with no window system (kiosks, boards). xcb, wayland, offscreen and minimal stay.
    "platforms/*qeglfs*",
    "platforms/*qlinuxfb*",
    "platforms/*qminimalegl*",
    "platforms/*qvkkhrdisplay*",
    "egldeviceintegrations/*",
)
QT_PLUGINS = "PySide6/Qt/plugins"
# pmdesk installs no Qt translator (its text is English, and so are Qt's own dialogs then).
UNUSED_DATA = ("PySide6/Qt/translations/*",)

# A PyInstaller TOC entry: (name in the bundle, source, type code). For a SYMLINK the source is
# the name in the bundle of the file it points to.
Entry = tuple[str, str, str]


def _bundled(relative: Path) -> bool:
    """Not a hidden file, an editor's backup or a byte-code cache."""
    return not any(
        part.startswith(".") or part == "__pycache__" or part.endswith("~")
        for part in relative.parts
    )


def _files_under(folder: Path, suffix: str = "") -> list[Path]:
    return sorted(
        path
        for path in folder.rglob(f"*{suffix}")
        if path.is_file() and _bundled(path.relative_to(folder))
    )


def datas() -> list[tuple[str, str]]:
    """(source file, folder in the bundle) pairs for PyInstaller's `datas`.

    `resources/` keeps its layout under the bundle's top folder (sys._MEIPASS), where
    pmdesk/ui/resources.py and pmdesk/report/fonts.py look for it. The migrations go in as
    source files beside the compiled pmdesk/storage/migrator: Alembic reads env.py and
    versions/*.py from the folder `migrator.MIGRATIONS` names (next to migrator's __file__),
    not from the import system, so they must be files.
    """
    pairs: list[tuple[str, str]] = []
    for path in _files_under(RESOURCES):
        pairs.append((str(path), path.parent.relative_to(REPO).as_posix()))
    for path in _files_under(MIGRATIONS, ".py"):
        pairs.append((str(path), path.parent.relative_to(REPO).as_posix()))
    return pairs


def hidden_imports() -> list[str]:
    """The modules the migrations import. PyInstaller cannot see them (Alembic loads the
    migrations from files at run time), and they must be in the bundle for an old library to be
    upgraded there. Also tzdata, where it is installed."""
    found: set[str] = set()
    for path in _files_under(MIGRATIONS, ".py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                # `from alembic import op` imports the module alembic.op.
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    # zoneinfo reads the time zones from the tzdata package where the system has none (Windows,
    # where pmdesk depends on it); it finds it by name, not by an import PyInstaller can see.
    found.add("tzdata")
    return sorted(name for name in found if name != "__future__" and _is_module(name))


def _is_module(name: str) -> bool:
    """Whether `name` is a module rather than a name inside one (`sqlalchemy.engine.Connection`
    is a class). Decided from the files, without importing anything."""
    top, *rest = name.split(".")
    if top == NAME:
        locations = [str(REPO / NAME)]
    else:
        spec = importlib.util.find_spec(top)  # a top-level name is found, not imported
        if spec is None:
            return False
        locations = list(spec.submodule_search_locations or ())
        if not rest:
            return True
    for location in locations:
        candidate = Path(location).joinpath(*rest)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return True
    return False


def icon(platform: str = sys.platform) -> str | None:
    """The icon to put into the executable: an .ico on Windows, an .icns on macOS, if
    resources/icons/ has one; otherwise the largest rendered PNG, which PyInstaller converts with
    Pillow. Linux executables carry no icon (the desktop entry names it)."""
    if platform.startswith("linux"):
        return None
    native = RESOURCES / "icons" / ("pmdesk.ico" if platform == "win32" else "pmdesk.icns")
    if native.is_file():
        return str(native)
    largest = 256 if platform == "win32" else 512  # an .ico holds at most 256 x 256
    for size in (largest, 256, 128):
        for png in sorted(RESOURCES.glob(f"icons/hicolor/{size}x{size}/apps/*.png")):
            return str(png)
    return None


def _posix(name: str) -> str:
    return name.replace("\\", "/")


def unused_qt_plugin(name: str) -> bool:
    """Whether the bundle name `name` is one of UNUSED_QT_PLUGINS."""
    path = PurePosixPath(_posix(name))
    if not path.is_relative_to(QT_PLUGINS):
        return False
    relative = path.relative_to(QT_PLUGINS).as_posix()
    return any(fnmatch(relative, pattern) for pattern in UNUSED_QT_PLUGINS)


def trimmed(
    binaries: Iterable[Entry], datas: Iterable[Entry], needs: Callable[[str], Iterable[str]]
) -> tuple[list[Entry], list[Entry]]:
    """Analysis's `binaries` and `datas` less UNUSED_DATA, UNUSED_QT_PLUGINS and the shared
    libraries that only those plugins needed, with the symbolic links to them (PyInstaller keeps
    those among the datas).

    `needs(source)` gives the names of the libraries a binary links to. A library goes only if a
    dropped plugin needed it and nothing kept needs it, directly or through other libraries, so a
    library loaded some other way (ctypes) is never taken away. Python extension modules stay.
    """
    binaries, datas = list(binaries), list(datas)
    gone = _unused_binaries(binaries, datas, needs)

    def kept(entry: Entry) -> bool:
        name, target, kind = _posix(entry[0]), _posix(entry[1]), entry[2]
        if kind == "SYMLINK":
            return target not in gone and name not in gone
        return name not in gone and not any(fnmatch(name, pattern) for pattern in UNUSED_DATA)

    return [e for e in binaries if kept(e)], [e for e in datas if kept(e)]


def _unused_binaries(
    binaries: list[Entry], datas: list[Entry], needs: Callable[[str], Iterable[str]]
) -> set[str]:
    entries = [(_posix(name), src, kind) for name, src, kind in binaries]
    dropped = {name for name, _, _ in entries if unused_qt_plugin(name)}
    if not dropped:
        return set()
    source = {name: src for name, src, kind in entries if kind != "SYMLINK"}
    libraries = {name for name, _, kind in entries if kind == "BINARY"}
    # A linked file name finds its entry, or the file a symbolic link of that name points to.
    by_file_name = {PurePosixPath(name).name: name for name in source}
    for name, target, kind in [*entries, *datas]:
        if kind == "SYMLINK":
            by_file_name.setdefault(PurePosixPath(_posix(name)).name, _posix(target))

    def reached_from(start: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(start)
        while todo:
            for linked in needs(source[todo.pop()]):
                name = by_file_name.get(PurePosixPath(_posix(linked)).name)
                if name is not None and name in source and name not in seen:
                    seen.add(name)
                    todo.append(name)
        return seen

    candidates = (reached_from(dropped) & libraries) - dropped
    kept = set(source) - dropped - candidates
    return dropped | (candidates - reached_from(kept))
