"""The open library as the window sees it: its undo stack and the one signal every view hears.

Every edit goes widget → `Workspace.execute` → service function (one transaction) → `Changes` →
`changed` signal → each view refreshes what the Changes name. Errors that are the user's or the
environment's (a refused value, a locked or full library) become a message, never a traceback.

An edit refused because someone else changed the item first (StaleError) shows their version at
once and then `conflicted`, which offers to apply the user's change again on top of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from pmdesk.domain.model import Postmortem
from pmdesk.domain.validation import ValidationError
from pmdesk.services import library_watch, postmortems
from pmdesk.services.changes import EVERYTHING, Changes, Entity
from pmdesk.services.editing import StaleError
from pmdesk.storage.errors import LibraryError, Problem
from pmdesk.storage.library import Library
from pmdesk.ui.commands import Outcome, ServiceCall, ServiceCommand
from pmdesk.ui.conflicts import Conflict

ErrorReporter = Callable[[str, str], None]


# How often to look for changes made elsewhere (another window, a teammate on the server).
WATCH_INTERVAL_MS = 3000


class Workspace(QObject):
    changed = Signal(object)  # Changes, after every edit, undo and redo in this window
    changed_elsewhere = Signal(object)  # Changes made outside this window, once they are seen
    failed = Signal(str, str)  # title, message: an edit that could not be made
    conflicted = Signal(object)  # Conflict: an edit made on an item someone else had changed

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.undo_stack = QUndoStack(self)
        # Item id → the version this window's last write of it left: what its undo and redo
        # steps are made on (see `Edits`).
        self.versions: dict[str, int] = {}
        self._replaying = False
        # While this says the user is typing, others' changes wait: a reload would take the
        # text from under their fingers. The window sets it.
        self.is_typing: Callable[[], bool] = lambda: False
        self._stamps = self._look()
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.look_for_changes)
        self._watch.start()

    def _look(self) -> dict[str, datetime]:
        try:
            return library_watch.stamps(self.library)
        except LibraryError:
            return dict(getattr(self, "_stamps", {}))

    def _seen_own_change(self, changes: Changes) -> None:
        """Take in the stamps of what this window just changed, and only those: a change made
        elsewhere in the meantime stays unseen, for the next look to show."""
        touched = changes.postmortem_ids
        if not touched or EVERYTHING in changes.updated:
            self._stamps = self._look()
            return
        try:
            fresh = library_watch.stamps(self.library, touched)
        except LibraryError:
            return
        for postmortem_id in touched:
            if postmortem_id in fresh:
                self._stamps[postmortem_id] = fresh[postmortem_id]
            else:
                self._stamps.pop(postmortem_id, None)

    def look_for_changes(self, even_while_typing: bool = False) -> Changes | None:
        """Show what others changed since the last look (none while the user is typing)."""
        if self.is_typing() and not even_while_typing:
            return None
        try:
            now = library_watch.stamps(self.library)
        except LibraryError:
            return None  # a server out of reach: the next edit says so, the next look retries
        changes = library_watch.difference(self._stamps, now)
        self._stamps = now
        if changes is not None:
            self.changed_elsewhere.emit(changes)
        return changes

    def stop_watching(self) -> None:
        self._watch.stop()

    def execute(
        self,
        text: str,
        edit: Callable[[], Outcome],
        again: Callable[[StaleError], Conflict] | None = None,
    ) -> bool:
        """Run an edit now and put it on the undo stack; False (and a message) if refused.

        An edit refused as made on an older version than the library holds shows what is
        stored now, then the `again` Conflict (or, without one, a message)."""
        if self._replaying:
            # A widget that loses focus while an undo redraws it reports its text as an edit;
            # that is the undo's own doing, never the user's.
            return False
        try:
            outcome = edit()
        except StaleError as error:
            # Their version, in every view; should the stamps not show it, reload everything.
            if self.look_for_changes(even_while_typing=True) is None:
                self.changed.emit(Changes(Entity.POSTMORTEM, updated=frozenset({EVERYTHING})))
            if again is None:
                self.failed.emit("Someone else changed it first", str(error))
            else:
                self.conflicted.emit(again(error))
            return False
        except ValidationError as error:
            self.failed.emit("That change was not made", str(error))
            return False
        except (LibraryError, postmortems.NotFoundError) as error:
            self.failed.emit("The library could not be changed", str(error))
            if isinstance(error, LibraryError) and error.problem is Problem.LOST_HOLD:
                # The change may or may not be stored: show what is, in every view.
                self.changed.emit(Changes(Entity.POSTMORTEM, updated=frozenset({EVERYTHING})))
            return False
        self.undo_stack.push(ServiceCommand(text, outcome, self._replayed))
        self._seen_own_change(outcome.changes)
        self.changed.emit(outcome.changes)
        return True

    def record(self, title: str, write: Callable[[], Changes]) -> bool:
        """Write something that is a record rather than an edit (the meeting's clock): no undo
        step, and no `changed` signal, so no view reloads under the user's hands for it."""
        try:
            changes = write()
        except (ValidationError, LibraryError, postmortems.NotFoundError, StaleError) as error:
            self.failed.emit(title, str(error))
            return False
        self._seen_own_change(changes)
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
        except (ValidationError, LibraryError, postmortems.NotFoundError, StaleError) as error:
            # The library changed under us (someone else's edit, a full disk): say so, and drop
            # the history, since its steps no longer describe what is stored.
            message = str(error)
            if isinstance(error, StaleError):
                message = (
                    f"Someone else changed {error.item} since, and this step would write over "
                    "their change. Nothing was changed; pmdesk shows what is stored now."
                )
            self.failed.emit("Undo or redo could not be done", message)
            # Not while the stack is replaying; and not at all if the window closes first.
            QTimer.singleShot(0, self.undo_stack, self.undo_stack.clear)
            self.changed.emit(Changes(Entity.POSTMORTEM, updated=frozenset({EVERYTHING})))
            return
        self._seen_own_change(changes)
        self.changed.emit(changes)

    def load(self, postmortem_id: str) -> Postmortem | None:
        try:
            return postmortems.get_postmortem(self.library, postmortem_id)
        except postmortems.NotFoundError:
            return None
