"""Action items on the board and in the follow-up review: their order and their due-date groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from pmdesk.domain.model import ActionItem, ActionStatus

# The board's columns, left to right.
BOARD_COLUMNS = (
    ActionStatus.OPEN,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)

# "Due soon" reaches this many days past today, today included.
DUE_SOON_DAYS = 14


def board_order(actions: Sequence[ActionItem]) -> list[ActionItem]:
    """Column by column, left to right; within a column in the postmortem's list order."""
    column = {status: i for i, status in enumerate(BOARD_COLUMNS)}
    return sorted(actions, key=lambda action: column[action.status])


class DueGroup(StrEnum):
    """Where an open or in-progress action falls in the follow-up review."""

    OVERDUE = "overdue"  # due before today
    DUE_SOON = "due_soon"  # today up to and including today + 14 days
    LATER = "later"
    NO_DUE = "no_due"

    @property
    def label(self) -> str:
        return {
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "later": "Later",
            "no_due": "No due date",
        }[self.value]


def due_group(due: date | None, today: date) -> DueGroup:
    if due is None:
        return DueGroup.NO_DUE
    if due < today:
        return DueGroup.OVERDUE
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return DueGroup.DUE_SOON
    return DueGroup.LATER
