"""The open library as the window sees it: its undo stack and the one signal every view hears.

Every edit goes widget → `Workspace.execute` → service function (one transaction) → `Changes` →
`changed` signal → each view refreshes what the Changes name. Errors that are the user's or the
environment's (a refused value, a locked or full library) become a message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from pmdesk.domain.model import Postmortem
from pmdesk.domain.validation import ValidationError
from pmdesk.services import postmortems
from pmdesk.services.changes import EVERYTHING, Changes, Entity
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.library import Library
from pmdesk.ui.commands import Outcome, ServiceCall, ServiceCommand

ErrorReporter = Callable[[str, str], None]


class Workspace(QObject):
    changed = Signal(object)  # Changes, after every edit, undo and redo
    failed = Signal(str, str)  # title, message: an edit that could not be made

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.undo_stack = QUndoStack(self)
        self._replaying = False

    def execute(self, text: str, edit: Callable[[], Outcome]) -> bool:
        """Run an edit now and put it on the undo stack; False (and a message) if refused."""
        if self._replaying:
            # A widget that loses focus while an undo redraws it reports its text as an edit;
            # that is the undo's own doing, never the user's.
            return False
        try:
            outcome = edit()
        except ValidationError as error:
            self.failed.emit("That change was not made", str(error))
            return False
        except (LibraryError, postmortems.NotFoundError) as error:
            self.failed.emit("The library could not be changed", str(error))
            return False
        self.undo_stack.push(ServiceCommand(text, outcome, self._replayed))
        self.changed.emit(outcome.changes)
        return True

    def record(self, title: str, write: Callable[[], object]) -> bool:
        """Write something that is a record rather than an edit (the meeting's clock): no undo
        step, and no `changed` signal, so no view reloads under the user's hands for it."""
        try:
            write()
        except (ValidationError, LibraryError, postmortems.NotFoundError) as error:
            self.failed.emit(title, str(error))
            return False
        return True

    def _replayed(self, call: ServiceCall) -> None:
        self._replaying = True
        try:
            self._replay(call)
        finally:
            self._replaying = False

    def _replay(self, call: ServiceCall) -> None:
        try:
            changes = call()
        except (ValidationError, LibraryError, postmortems.NotFoundError) as error:
            # The library changed under us (another window, a full disk): say so, and drop the
            # history, since its steps no longer describe what is stored.
            self.failed.emit("Undo or redo could not be done", str(error))
            QTimer.singleShot(0, self.undo_stack.clear)  # not while the stack is replaying
            self.changed.emit(Changes(Entity.POSTMORTEM, updated=frozenset({EVERYTHING})))
            return
        self.changed.emit(changes)

    def load(self, postmortem_id: str) -> Postmortem | None:
        try:
            return postmortems.get_postmortem(self.library, postmortem_id)
        except postmortems.NotFoundError:
            return None
