"""The meeting's edits, each one undoable step through the same workspace as every other edit.

Timeboxes, check-ins, parked points and decisions are things people decide in the room, so undo
takes them back. The clock is a record of what happened, not a decision: it is written without an
undo step (`record_clock`), and undoing an edit never rewinds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pmdesk.domain.meeting import Attendee, Decision, ParkedPoint, Step
from pmdesk.domain.model import ActionItem, PostmortemStatus
from pmdesk.services import meeting
from pmdesk.storage.library import Library
from pmdesk.ui.commands import Outcome
from pmdesk.ui.edits import Edits


class MeetingEdits:
    def __init__(self, edits: Edits) -> None:
        self.edits = edits

    @property
    def _library(self) -> Library:
        return self.edits.workspace.library

    def set_minutes(self, postmortem_id: str, step: Step, minutes: int) -> bool:
        wanted = {step: minutes}

        def edit() -> Outcome:
            old, changes = meeting.set_timeboxes(self._library, postmortem_id, wanted)
            before = {step: old[step]}
            return Outcome(
                changes,
                undo=lambda: meeting.set_timeboxes(self._library, postmortem_id, before)[1],
                redo=lambda: meeting.set_timeboxes(self._library, postmortem_id, wanted)[1],
            )

        return self.edits.workspace.execute(f"Timebox of “{step.label}”", edit)

    def set_attendees(self, postmortem_id: str, attendees: Sequence[Attendee], text: str) -> bool:
        return self.edits.replace_list(text, postmortem_id, attendees, meeting.set_attendees)

    def set_parking_lot(self, postmortem_id: str, points: Sequence[ParkedPoint], text: str) -> bool:
        return self.edits.replace_list(text, postmortem_id, points, meeting.set_parking_lot)

    def set_decisions(self, postmortem_id: str, decisions: Sequence[Decision], text: str) -> bool:
        return self.edits.replace_list(text, postmortem_id, decisions, meeting.set_decisions)

    def park_as_action(self, postmortem_id: str, point: ParkedPoint, action: ActionItem) -> bool:
        """Turn a parked point into an action item: both in one step, undone together."""

        def edit() -> Outcome:
            stored, changes = meeting.park_as_action(self._library, postmortem_id, point.id, action)
            return Outcome(
                changes,
                undo=lambda: meeting.unpark_action(
                    self._library, postmortem_id, point.id, stored.id
                ),
                redo=lambda: meeting.park_as_action(self._library, postmortem_id, point.id, stored)[
                    1
                ],
            )

        return self.edits.workspace.execute("Make the parked point an action", edit)

    def mark_ready_for_review(self, postmortem_id: str, version: int) -> bool:
        """Move the postmortem to review, on the `version` of it the meeting showed."""
        status = {"status": PostmortemStatus.REVIEW.value}
        return self.edits.update_fields(postmortem_id, status, version)

    def record_clock(
        self,
        postmortem_id: str,
        spent: dict[Step, int],
        started: datetime | None,
        ended: datetime | None,
    ) -> bool:
        return self.edits.workspace.record(
            "The meeting's time could not be saved",
            lambda: meeting.record_clock(
                self._library, postmortem_id, spent=spent, started=started, ended=ended
            ),
        )
