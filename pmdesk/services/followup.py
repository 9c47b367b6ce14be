"""The follow-up review: every open and in-progress action of every postmortem in the library.

It is what the next team meeting goes through: overdue first, then what is due in the next two
weeks, then later, then what has no date yet. From it an action is marked done, re-scoped with a
reason, or escalated with a note, each as an ordinary undoable change of that postmortem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from pmdesk.domain.actions import DueGroup, due_group
from pmdesk.domain.model import ActionItem, ActionStatus, Priority
from pmdesk.domain.validation import ValidationError
from pmdesk.services import actions
from pmdesk.services.changes import Changes
from pmdesk.storage import action_edits
from pmdesk.storage.library import Library

GROUP_ORDER = (DueGroup.OVERDUE, DueGroup.DUE_SOON, DueGroup.LATER, DueGroup.NO_DUE)


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    postmortem_id: str
    postmortem_title: str
    action: ActionItem
    group: DueGroup


def follow_up(library: Library, today: date) -> list[FollowUpItem]:
    """Open and in-progress actions, grouped by due date around `today` and sorted by due date
    (then by postmortem and list order) inside each group.
    """
    with library.connect() as conn:
        found = action_edits.active_actions(conn)
    items = [
        FollowUpItem(pid, title, action, due_group(action.due, today))
        for pid, title, action in found
    ]
    rank = {group: i for i, group in enumerate(GROUP_ORDER)}
    return sorted(items, key=lambda item: (rank[item.group], item.action.due or date.max))


def escalated(priority: Priority | None) -> Priority:
    """One step more urgent: P3 → P2 → P1 → P0 (no priority counts as P3)."""
    order = [Priority.P3, Priority.P2, Priority.P1, Priority.P0]
    at = order.index(priority) if priority is not None else 0
    return order[min(at + 1, len(order) - 1)]


def mark_done(
    library: Library, postmortem_id: str, action: ActionItem, now: datetime | None = None
) -> tuple[ActionItem, ActionItem, Changes]:
    return actions.change_action(
        library, postmortem_id, replace(action, status=ActionStatus.DONE), "", now
    )


def rescope(
    library: Library,
    postmortem_id: str,
    action: ActionItem,
    due: date | None,
    reason: str,
    now: datetime | None = None,
) -> tuple[ActionItem, ActionItem, Changes]:
    if not reason.strip():
        raise ValidationError(
            "note", "Say why the action is re-scoped, so the next review can see what changed."
        )
    return actions.change_action(library, postmortem_id, replace(action, due=due), reason, now)


def escalate(
    library: Library,
    postmortem_id: str,
    action: ActionItem,
    note: str,
    now: datetime | None = None,
) -> tuple[ActionItem, ActionItem, Changes]:
    if action.priority is Priority.P0:
        raise ValidationError(
            "priority",
            f"“{action.title}” is already P0, the highest priority. Raise it with its owner's "
            "lead instead, or re-scope it.",
        )
    if not note.strip():
        raise ValidationError(
            "note", "Say why the action is escalated (blocked on, at risk because), for its owner."
        )
    raised = replace(action, priority=escalated(action.priority))
    return actions.change_action(library, postmortem_id, raised, note, now)
