"""Start the Qt application on a library; the only place a QApplication is made.

The window is on screen before the library is open: its frame paints first, with nothing of the
storage layer imported; a thread then imports it and opens the library (SQLite's checks, a
server's round trips) while the window takes input; the list, and the postmortem the user left
open, follow on the GUI thread. Set PMDESK_STARTUP_TIMES=1 to have those moments printed to
stderr (seconds on the monotonic clock, as the start-up benchmark reads them).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from pmdesk import APP_ID, __version__
from pmdesk.ui.collector import GuiThreadCollector
from pmdesk.ui.crash import CrashHandler
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.resources import app_icon
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.themes import apply_theme, apply_zoom
from pmdesk.ui.views import View

if TYPE_CHECKING:
    from pmdesk.storage.library import Library

TIMES_ENV = "PMDESK_STARTUP_TIMES"
# How long the library waits for the frame's first paint at most: a window that nothing paints
# (started minimised) still opens it. Long enough that a busy machine's first paint comes first.
FRAME_WAIT_MS = 1000


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("pmdesk")
    app.setOrganizationName("pmdesk")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)
    return app


def missing_display() -> str | None:
    """Why no window can open here, or None. Without a display Qt aborts the process with a
    message about plugins; say what is really wrong and what to do instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "pmdesk: there is no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY "
        "is set). Run it in a desktop session, or set QT_QPA_PLATFORM=offscreen to run "
        "headless (with --smoke). The command-line commands (import, export, list, check) "
        "need no display."
    )


def startup_time(moment: str, at: float | None = None) -> None:
    """With PMDESK_STARTUP_TIMES set, say when a moment of the start-up came (now, or `at`)."""
    if os.environ.get(TIMES_ENV):
        when = time.monotonic() if at is None else at
        print(f"startup {moment} {when:.6f}", file=sys.stderr, flush=True)


class LibraryOpener(QObject):
    """Opens a library on a thread of its own, importing the storage layer there.

    One of the signals comes back on the GUI thread: `opened` with the Library, `refused` with
    the LibraryError's message for the user, or `crashed` with anything else, to be raised
    there, where the crash handler reports it.
    """

    opened = Signal(object)
    refused = Signal(str)
    crashed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self.library: Library | None = None  # once opened, whether or not the window took it

    def start(self, location: str) -> None:
        self._thread = threading.Thread(
            target=self._open, args=(location,), name="pmdesk-open-library"
        )
        self._thread.start()

    def wait(self) -> None:
        """Until the thread is done: a window closed while its library opened lets SQLite (or
        the server) finish what it was doing, and the library is then closed as it should be."""
        if self._thread is not None:
            self._thread.join()

    def _open(self, location: str) -> None:
        try:
            from pmdesk.storage.errors import LibraryError
            from pmdesk.storage.library import open_library

            try:
                self.library = library = open_library(location)
            except LibraryError as error:
                self.refused.emit(str(error))
                return
            # What the window reads first, imported here rather than while it waits.
            from pmdesk.services import postmortems  # noqa: F401
        except BaseException as error:  # reported on the GUI thread
            self.crashed.emit(error)
            return
        self.opened.emit(library)


def run_app(
    location: str,
    *,
    smoke: bool = False,
    screenshot: str | None = None,
    open_id: str | None = None,
    view: str | None = None,
    size: tuple[int, int] | None = None,
    zoom: float | None = None,
    qt_problem: Callable[[], str | None] = lambda: None,
) -> int:
    problem = missing_display() or qt_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app = make_application()
    # Anything nothing else caught: logged to the user's log folder and said in a dialog.
    crashes = CrashHandler(parent=app)
    crashes.install()
    # Collected on the GUI thread only, from when the start-up is done: until then every
    # object made is one that lives on, and a pass over them all would only cost time.
    collector = GuiThreadCollector(parent=app)
    collector.install(collecting=False)
    settings = UiSettings()
    # The remembered type size and theme first: the frame's widgets are then made with them,
    # rather than made, then restyled.
    apply_zoom(app, settings.zoom)
    apply_theme(app, settings.theme)
    window = MainWindow(settings=settings)
    if zoom is not None:
        window.set_zoom(zoom, remember=False)
    if size is not None:
        window.resize(*size)
    window.show_opening(location)
    start = Startup(
        app,
        window,
        collector,
        location,
        smoke=smoke,
        screenshot=screenshot,
        open_id=open_id,
        view=view,
        size=size,
    )
    window.first_painted.connect(start.frame_painted)
    window.show()
    # A window shown where nothing paints it (minimised, say) still opens its library.
    QTimer.singleShot(FRAME_WAIT_MS, start.open_library)
    status = app.exec()
    settings.sync()  # also when the app quit without its window closing (the crash dialog)
    start.opener.wait()
    if window.attached:
        window.library.close()
    elif start.opener.library is not None:
        start.opener.library.close()  # the window closed before it took the library
    return start.status if start.status is not None else status


class Startup(QObject):
    """What follows the frame's first paint: the library, then what the command line asked for
    (a postmortem, a section, the follow-up review, meeting mode) or the remembered session;
    with --smoke, one paint of that and the exit."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindow,
        collector: GuiThreadCollector,
        location: str,
        *,
        smoke: bool,
        screenshot: str | None,
        open_id: str | None,
        view: str | None,
        size: tuple[int, int] | None,
    ) -> None:
        super().__init__(window)
        self.app, self.window, self.location = app, window, location
        self.collector = collector
        self.smoke, self.screenshot, self.open_id, self.view = smoke, screenshot, open_id, view
        self.size = size
        self.status: int | None = None  # the exit status, when the start-up decides it
        self._opening = False
        self.opener = LibraryOpener(self)
        self.opener.opened.connect(self._opened)
        self.opener.refused.connect(self._refused)
        self.opener.crashed.connect(self._crashed)

    def frame_painted(self) -> None:
        startup_time("frame", self.window.first_painted_at)  # at its first paint event
        self.open_library()

    def open_library(self) -> None:
        if not self._opening:
            self._opening = True
            self.opener.start(self.location)

    def _exit(self, status: int) -> None:
        """Quit with `status`, before anything was shown of the library: nothing is remembered
        of this session (the window's close would remember an empty one)."""
        self.status = status
        self.app.exit(status)

    def _refused(self, message: str) -> None:
        print(message, file=sys.stderr)
        if not self.smoke:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.window, "pmdesk cannot open the library", message)
        self._exit(2)

    def _crashed(self, error: BaseException) -> None:
        self.collector.start()  # the window carries on, on its own collection schedule
        raise error

    def _opened(self, library: Library) -> None:
        from pmdesk.services import locations, postmortems

        if not self.window.isVisible():  # closed while the library opened
            library.close()
            return
        self.window.settings.remember_library(locations.remembered(self.location))
        self.window.attach(library)
        startup_time("library")
        window, view = self.window, self.view
        if self.open_id is not None:
            try:
                postmortem_id = postmortems.resolve_id(library, self.open_id)
            except postmortems.NotFoundError as error:
                print(f"pmdesk: {error}", file=sys.stderr)
                self._exit(2)
                return
            window.open_postmortem(postmortem_id)
            if view is not None and view not in ("followup", "meeting"):
                window.editor.show_view(View(view))
        if view == "followup":
            window.show_follow_up()
        if self.open_id is None:
            window.restore_session()  # where the user left off
        startup_time("ready")
        # What the start-up made stays for the session: set aside from the cycle collector's
        # passes, which then look only at what comes after (see GuiThreadCollector).
        gc.freeze()
        self.collector.start()
        if view == "meeting":
            self._present()
        elif self.smoke:
            self._paint_once(window)

    def _present(self) -> None:
        """Start in meeting mode on the postmortem asked for, or else on the library's first."""
        from pmdesk.services import postmortems

        window = self.window
        if window.current_id() is None:
            listed = postmortems.list_postmortems(window.library)
            if not listed:
                print(
                    "pmdesk: meeting mode needs a postmortem, and this library has none yet. "
                    "Import one (pmdesk import FILE.json) or start the app and create one.",
                    file=sys.stderr,
                )
                self._exit(2)
                return
            window.open_postmortem(listed[0].id)
        # With --smoke, a projector's size, whatever the screen here is (the offscreen one is
        # small).
        size = self.size
        stage_size = QSize(*size) if size is not None else QSize(1920, 1080) if self.smoke else None
        mode = window.start_meeting(stage_size)
        if mode is None:
            print("pmdesk: meeting mode could not start on that postmortem.", file=sys.stderr)
            self._exit(2)
            return
        if self.smoke:
            self._paint_once(mode.stage)

    def _paint_once(self, shown: QWidget) -> None:
        """Let the window paint, save it if asked, and quit: for CI and screenshots. With a
        size, the window (and so the screenshot) is exactly that size, or nothing is saved."""

        def finish() -> None:
            self.status = self._save(shown)
            shown.close()
            self.app.exit(self.status)

        QTimer.singleShot(0, finish)

    def _save(self, window: QWidget) -> int:
        from pmdesk.storage.held_files import held_library

        size, screenshot = self.size, self.screenshot
        if size is not None and (window.width(), window.height()) != size:
            # The layout's least size at this zoom is larger than asked: a PNG of another
            # size would mislead whoever checks a layout with it.
            least = window.minimumSizeHint()
            print(
                f"pmdesk: the window cannot be {size[0]}x{size[1]} at this zoom; the least it "
                f"can be is {least.width()}x{least.height()}. Give a larger size or a smaller "
                "zoom.",
                file=sys.stderr,
            )
            return 2
        if screenshot and held_library(screenshot) is not None:
            # Saving there would overwrite the library under its open connections.
            print(
                f"pmdesk: “{screenshot}” is the library pmdesk has open, or a file SQLite keeps "
                "beside it; save the screenshot under another name.",
                file=sys.stderr,
            )
            return 2
        if screenshot and not window.grab().save(screenshot):
            print(f"pmdesk: could not save the screenshot to {screenshot}", file=sys.stderr)
            return 2
        return 0
