"""What happens when pmdesk itself fails: the error is written to a log in the user's log folder,
and a dialog says so in plain words, with the way to carry on.

Nothing the user made is at risk from this: every edit is its own transaction, committed before
the window shows it, so an error in between leaves the library as it was before that edit. The
dialog says so, because that is what people want to know first.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from pmdesk import __version__

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

SAFE = (
    "Your postmortems are safe. pmdesk saves every change as you make it, each one whole or "
    "not at all, so the library holds everything up to your last finished change."
)


def default_log_dir() -> Path:
    """The user's log folder for pmdesk, e.g. ~/.local/state/pmdesk/log on Linux."""
    import platformdirs  # only when something went wrong: not on the way to the first paint

    return Path(platformdirs.user_log_dir("pmdesk", appauthor=False))


def write_crash_log(info: ExcInfo, log_dir: Path, now: datetime | None = None) -> Path:
    """Write what went wrong, with the versions that matter, to a new file in `log_dir`."""
    import platform  # only when something went wrong: not on the way to the first paint

    when = now or datetime.now(UTC)
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"crash-{when:%Y%m%d-%H%M%S-%f}.log"
    lines = [
        f"pmdesk {__version__} crashed at {when.isoformat(timespec='seconds')}",
        f"Python {platform.python_version()}, PySide6 {pyside_version}, {platform.platform()}",
        "",
        *traceback.format_exception(*info),
    ]
    path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n", encoding="utf-8")
    return path


def summary(info: ExcInfo) -> str:
    error = info[1]
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


Shower = Callable[[str, Path | None, str], bool]  # what, log, details -> True to quit


class CrashHandler(QObject):
    """Catches what nothing else caught, in the GUI thread and in any other thread.

    The log is written at once, in the thread that failed; the dialog always opens in the GUI
    thread (a signal carries it there), one at a time: errors while it is open are only logged.
    """

    crashed = Signal(str, str, str)  # what, log path ("" if none), details

    def __init__(
        self,
        log_dir: Path | None = None,
        show: Shower | None = None,
        quit_app: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._log_dir = log_dir  # the user's log folder unless given: found when first needed
        self.show = show or self._show_dialog
        self.quit_app = quit_app or self._quit
        self.logs: list[Path] = []
        self._showing = False
        self._previous: tuple[object, object] | None = None
        self.crashed.connect(self._report, Qt.ConnectionType.QueuedConnection)

    @property
    def log_dir(self) -> Path:
        if self._log_dir is None:
            self._log_dir = default_log_dir()
        return self._log_dir

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def handle(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        info: ExcInfo = (kind, error, tb)
        details = "".join(traceback.format_exception(*info))
        print(details, file=sys.stderr, end="")
        try:
            path: Path | None = write_crash_log(info, self.log_dir)
        except OSError as problem:
            print(f"pmdesk: the crash report could not be written: {problem}", file=sys.stderr)
            path = None
        if path is not None:
            self.logs.append(path)
        self.crashed.emit(summary(info), str(path) if path else "", details)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _report(self, what: str, log: str, details: str) -> None:
        if self._showing:
            return  # one dialog at a time; the log has it
        self._showing = True
        try:
            quit_chosen = self.show(what, Path(log) if log else None, details)
        finally:
            self._showing = False
        if quit_chosen:
            self.quit_app()

    def _show_dialog(self, what: str, log: Path | None, details: str) -> bool:
        from pmdesk.ui.crash_dialog import CrashDialog  # its many widgets: not for every start

        parent = QApplication.activeWindow()
        dialog = CrashDialog(what, log, details, parent)
        dialog.exec()
        return dialog.quit_chosen

    @staticmethod
    def _quit() -> None:
        # Close the windows first, as a normal quit does: a meeting saves its clock, and the
        # library is closed cleanly by the code that opened it.
        QApplication.closeAllWindows()
        QApplication.quit()
