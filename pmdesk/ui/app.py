"""Start the Qt application on a library; the only place a QApplication is made."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pmdesk import APP_ID, __version__
from pmdesk.services import locations, postmortems
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.held_files import held_library
from pmdesk.storage.library import open_library
from pmdesk.ui.collector import GuiThreadCollector
from pmdesk.ui.crash import CrashHandler
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.resources import app_icon
from pmdesk.ui.settings import UiSettings


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


def run_app(
    location: str,
    *,
    smoke: bool = False,
    screenshot: str | None = None,
    open_id: str | None = None,
    view: str | None = None,
    size: tuple[int, int] | None = None,
    zoom: float | None = None,
) -> int:
    problem = missing_display()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app = make_application()
    # Anything nothing else caught: logged to the user's log folder and said in a dialog.
    crashes = CrashHandler(parent=app)
    crashes.install()
    GuiThreadCollector(parent=app).install()
    try:
        library = open_library(location)
    except LibraryError as error:
        print(error, file=sys.stderr)
        if not smoke:
            QMessageBox.critical(None, "pmdesk cannot open the library", str(error))
        return 2
    with library:
        settings = UiSettings()
        settings.remember_library(locations.remembered(location))
        window = MainWindow(library, settings)
        if zoom is not None:
            window.set_zoom(zoom, remember=False)
        if size is not None:
            window.resize(*size)
        if open_id is not None:
            try:
                postmortem_id = postmortems.resolve_id(library, open_id)
            except postmortems.NotFoundError as error:
                print(f"pmdesk: {error}", file=sys.stderr)
                return 2
            window.open_postmortem(postmortem_id)
            if view is not None and view not in ("followup", "meeting"):
                window.editor.show_view(View(view))
        if view == "followup":
            window.show_follow_up()
        window.show()
        if open_id is None:
            # Where the user left off; once shown, so that the section is laid out at the
            # window's size (hidden, the cause tree came back squeezed to a sliver).
            window.restore_session()
        if view == "meeting":
            return _present(app, window, smoke=smoke, screenshot=screenshot, size=size)
        if smoke:
            return _paint_once(app, window, screenshot, size)
        return app.exec()


def _present(
    app: QApplication,
    window: MainWindow,
    *,
    smoke: bool,
    screenshot: str | None,
    size: tuple[int, int] | None,
) -> int:
    """Start in meeting mode on the postmortem asked for, or else on the library's first."""
    if window.current_id() is None:
        listed = postmortems.list_postmortems(window.library)
        if not listed:
            print(
                "pmdesk: meeting mode needs a postmortem, and this library has none yet. "
                "Import one (pmdesk import FILE.json) or start the app and create one.",
                file=sys.stderr,
            )
            return 2
        window.open_postmortem(listed[0].id)
    # With --smoke, a projector's size, whatever the screen here is (the offscreen one is small).
    stage_size = QSize(*size) if size is not None else QSize(1920, 1080) if smoke else None
    mode = window.start_meeting(stage_size)
    if mode is None:
        print("pmdesk: meeting mode could not start on that postmortem.", file=sys.stderr)
        return 2
    if not smoke:
        return app.exec()
    return _paint_once(app, mode.stage, screenshot, size)


def _paint_once(
    app: QApplication, window: QWidget, screenshot: str | None, size: tuple[int, int] | None
) -> int:
    """Show the window, let it paint, save it if asked, and quit: for CI and screenshots. With
    `size`, the window (and so the screenshot) is exactly that size, or nothing is saved."""
    status = 0

    def finish() -> None:
        nonlocal status
        shown = (window.width(), window.height())
        if size is not None and shown != size:
            # The layout's least size at this zoom is larger than asked: a PNG of another
            # size would mislead whoever checks a layout with it.
            print(
                f"pmdesk: the window cannot be {size[0]}x{size[1]} at this zoom; the least it "
                f"can be is {window.minimumSizeHint().width()}x"
                f"{window.minimumSizeHint().height()}. Give a larger size or a smaller zoom.",
                file=sys.stderr,
            )
            status = 2
        elif screenshot and held_library(screenshot) is not None:
            # Saving there would overwrite the library under its open connections.
            print(
                f"pmdesk: “{screenshot}” is the library pmdesk has open, or a file SQLite keeps "
                "beside it; save the screenshot under another name.",
                file=sys.stderr,
            )
            status = 2
        elif screenshot and not window.grab().save(screenshot):
            print(f"pmdesk: could not save the screenshot to {screenshot}", file=sys.stderr)
            status = 2
        window.close()
        app.quit()

    QTimer.singleShot(0, finish)
    app.exec()
    return status
