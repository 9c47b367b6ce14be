"""Undoable edits: each wraps one service call and its inverse.

A user action runs its service function once, before the command is pushed, so that a refused
value (ValidationError) or a library problem shows a message and leaves no step on the undo stack.
The command then only replays: undo calls the inverse service function, redo the same call again
with the same ids, so undo and redo restore exactly what was there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from pmdesk.services.changes import Changes

ServiceCall = Callable[[], Changes]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an edit did, and how to take it back and do it again."""

    changes: Changes
    undo: ServiceCall
    redo: ServiceCall


Replayer = Callable[[ServiceCall], None]


class ServiceCommand(QUndoCommand):
    """One step on the undo stack, already done when it is pushed."""

    def __init__(self, text: str, outcome: Outcome, replay: Replayer) -> None:
        super().__init__(text)
        self._outcome = outcome
        self._replay = replay
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo(); the edit is done already
            self._pushed = True
            return
        self._replay(self._outcome.redo)

    def undo(self) -> None:
        self._replay(self._outcome.undo)
