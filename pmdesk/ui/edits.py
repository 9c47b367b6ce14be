"""Every edit the window can make, as an undoable step: a service call and its inverse.

Widgets call these and get back whether the edit was made; a refused value has already been
reported to the user. Each builds an `Outcome` whose undo and redo replay the services with the
same ids, so undo puts back exactly what was there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from pmdesk.domain.model import (
    ActionItem,
    Cause,
    ImpactMetric,
    Lesson,
    Participant,
    Postmortem,
    PostmortemKind,
    TimelineEvent,
)
from pmdesk.services import (
    actions,
    causes,
    lessons,
    library_edits,
    overview,
    postmortems,
    timeline,
)
from pmdesk.services.changes import Changes, Entity
from pmdesk.storage.library import Library
from pmdesk.ui.commands import Outcome
from pmdesk.ui.workspace import Workspace

T = TypeVar("T")
ListSetter = Callable[[Library, str, Sequence[T]], tuple[list[T], Changes]]

FIELD_NAMES = {
    "title": "title",
    "kind": "kind",
    "severity": "severity",
    "status": "status",
    "timezone": "time zone",
    "summary": "summary",
    "impact_summary": "impact summary",
}


class Edits:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @property
    def _library(self) -> Library:
        return self.workspace.library

    def _run(self, text: str, edit: Callable[[], Outcome]) -> bool:
        return self.workspace.execute(text, edit)

    def report(self, title: str, message: str) -> None:
        self.workspace.failed.emit(title, message)

    # ---- whole postmortems -------------------------------------------------------------------

    def create_postmortem(self, kind: PostmortemKind) -> str | None:
        created: list[str] = []

        def edit() -> Outcome:
            postmortem, changes = library_edits.create_postmortem(self._library, kind)
            created.append(postmortem.id)
            return Outcome(
                changes,
                undo=lambda: library_edits.delete_postmortem(self._library, postmortem.id)[1],
                redo=lambda: library_edits.restore_postmortem(self._library, postmortem),
            )

        noun = "near miss" if kind is PostmortemKind.NEAR_MISS else "incident"
        return created[0] if self._run(f"New {noun}", edit) else None

    def add_postmortem(self, postmortem: Postmortem, text: str) -> bool:
        """Store a postmortem made whole elsewhere (the near-miss form) as one step."""

        def edit() -> Outcome:
            changes = library_edits.add_postmortem(self._library, postmortem)
            return Outcome(
                changes,
                undo=lambda: library_edits.delete_postmortem(self._library, postmortem.id)[1],
                redo=lambda: library_edits.restore_postmortem(self._library, postmortem),
            )

        return self._run(text, edit)

    def delete_postmortem(self, postmortem_id: str, title: str) -> bool:
        def edit() -> Outcome:
            postmortem, changes = library_edits.delete_postmortem(self._library, postmortem_id)
            return Outcome(
                changes,
                undo=lambda: library_edits.restore_postmortem(self._library, postmortem),
                redo=lambda: library_edits.delete_postmortem(self._library, postmortem_id)[1],
            )

        return self._run(f"Delete “{title}”", edit)

    def import_files(self, paths: Sequence[str | os.PathLike[str]]) -> list[str]:
        """Import files in one step; undo deletes what came in."""
        imported: list[str] = []

        def edit() -> Outcome:
            report = postmortems.import_files(self._library, paths)
            ids = list(report.postmortem_ids)
            imported.extend(ids)
            # Undo's delete hands back each whole postmortem; redo stores those again, same ids.
            taken_back: list[library_edits.DeletedPostmortem] = []

            def undo() -> Changes:
                taken_back[:] = [
                    library_edits.delete_postmortem(self._library, pid)[0] for pid in ids
                ]
                return Changes(
                    Entity.POSTMORTEM, removed=frozenset(ids), postmortem_ids=frozenset(ids)
                )

            def redo() -> Changes:
                for postmortem in taken_back:
                    library_edits.restore_postmortem(self._library, postmortem)
                return report.changes

            return Outcome(report.changes, undo, redo)

        try:
            made = self._run(f"Import {len(paths)} file{'s' * (len(paths) != 1)}", edit)
        except postmortems.ImportRefusedError as error:
            self.report("Nothing was imported", str(error))
            return []
        return imported if made else []

    # ---- overview and impact ----------------------------------------------------------------

    def update_fields(self, postmortem_id: str, values: Mapping[str, object]) -> bool:
        def edit() -> Outcome:
            old, changes = overview.update_fields(self._library, postmortem_id, values)
            return Outcome(
                changes,
                undo=lambda: overview.update_fields(self._library, postmortem_id, old)[1],
                redo=lambda: overview.update_fields(self._library, postmortem_id, values)[1],
            )

        names = ", ".join(FIELD_NAMES.get(name, name) for name in values)
        return self._run(f"Change {names}", edit)

    def set_metrics(self, postmortem_id: str, metrics: Sequence[ImpactMetric]) -> bool:
        return self.replace_list(
            "Change impact metrics", postmortem_id, metrics, overview.set_metrics
        )

    def set_participants(self, postmortem_id: str, people: Sequence[Participant]) -> bool:
        return self.replace_list(
            "Change participants", postmortem_id, people, overview.set_participants
        )

    def set_tags(self, postmortem_id: str, tags: Sequence[str]) -> bool:
        return self.replace_list("Change tags", postmortem_id, tags, overview.set_tags)

    def replace_list(
        self, text: str, postmortem_id: str, new: Sequence[T], setter: ListSetter[T]
    ) -> bool:
        def edit() -> Outcome:
            old, changes = setter(self._library, postmortem_id, new)
            return Outcome(
                changes,
                undo=lambda: setter(self._library, postmortem_id, old)[1],
                redo=lambda: setter(self._library, postmortem_id, new)[1],
            )

        return self._run(text, edit)

    # ---- timeline ---------------------------------------------------------------------------

    def add_events(self, postmortem_id: str, events: Sequence[TimelineEvent], text: str) -> bool:
        ids = [event.id for event in events]

        def edit() -> Outcome:
            changes = timeline.add_events(self._library, postmortem_id, events)
            return Outcome(
                changes,
                undo=lambda: timeline.delete_events(self._library, postmortem_id, ids)[1],
                redo=lambda: timeline.add_events(self._library, postmortem_id, events),
            )

        return self._run(text, edit)

    def update_events(self, postmortem_id: str, events: Sequence[TimelineEvent], text: str) -> bool:
        def edit() -> Outcome:
            old, changes = timeline.update_events(self._library, postmortem_id, events)
            return Outcome(
                changes,
                undo=lambda: timeline.update_events(self._library, postmortem_id, old)[1],
                redo=lambda: timeline.update_events(self._library, postmortem_id, events)[1],
            )

        return self._run(text, edit)

    def delete_events(self, postmortem_id: str, ids: Sequence[str], text: str) -> bool:
        def edit() -> Outcome:
            deleted, changes = timeline.delete_events(self._library, postmortem_id, ids)
            return Outcome(
                changes,
                undo=lambda: timeline.restore_events(self._library, postmortem_id, deleted),
                redo=lambda: timeline.delete_events(self._library, postmortem_id, ids)[1],
            )

        return self._run(text, edit)

    # ---- lessons ----------------------------------------------------------------------------

    def add_lesson(self, postmortem_id: str, lesson: Lesson) -> bool:
        def edit() -> Outcome:
            changes = lessons.add_lesson(self._library, postmortem_id, lesson)
            return Outcome(
                changes,
                undo=lambda: lessons.delete_lessons(self._library, postmortem_id, [lesson.id])[1],
                redo=lambda: lessons.add_lesson(self._library, postmortem_id, lesson),
            )

        return self._run("Add lesson", edit)

    def update_lesson(self, postmortem_id: str, lesson: Lesson) -> bool:
        def edit() -> Outcome:
            old, changes = lessons.update_lesson(self._library, postmortem_id, lesson)
            return Outcome(
                changes,
                undo=lambda: lessons.update_lesson(self._library, postmortem_id, old)[1],
                redo=lambda: lessons.update_lesson(self._library, postmortem_id, lesson)[1],
            )

        return self._run("Edit lesson", edit)

    def delete_lessons(self, postmortem_id: str, ids: Sequence[str]) -> bool:
        def edit() -> Outcome:
            deleted, changes = lessons.delete_lessons(self._library, postmortem_id, ids)
            return Outcome(
                changes,
                undo=lambda: lessons.restore_lessons(self._library, postmortem_id, deleted),
                redo=lambda: lessons.delete_lessons(self._library, postmortem_id, ids)[1],
            )

        return self._run("Delete lesson", edit)

    # ---- causes -----------------------------------------------------------------------------

    def add_cause(
        self, postmortem_id: str, cause: Cause, index: int | None, text: str
    ) -> str | None:
        """Add a cause; its id, or None if it was refused."""
        stored: list[Cause] = []

        def edit() -> Outcome:
            added, changes = causes.add_cause(self._library, postmortem_id, cause, index)
            stored.append(added)
            return Outcome(
                changes,
                undo=lambda: causes.delete_causes(self._library, postmortem_id, [added.id])[1],
                redo=lambda: causes.add_cause(self._library, postmortem_id, added, index)[1],
            )

        return stored[0].id if self._run(text, edit) else None

    def update_cause(self, postmortem_id: str, cause: Cause, text: str) -> bool:
        def edit() -> Outcome:
            old, changes = causes.update_cause(self._library, postmortem_id, cause)
            return Outcome(
                changes,
                undo=lambda: causes.update_cause(self._library, postmortem_id, old)[1],
                redo=lambda: causes.update_cause(self._library, postmortem_id, cause)[1],
            )

        return self._run(text, edit)

    def move_cause(
        self, postmortem_id: str, cause_id: str, parent_id: str | None, index: int | None
    ) -> bool:
        def edit() -> Outcome:
            old, changes = causes.move_cause(
                self._library, postmortem_id, cause_id, parent_id, index
            )
            return Outcome(
                changes,
                undo=lambda: causes.restore_shape(self._library, postmortem_id, old),
                redo=lambda: causes.move_cause(
                    self._library, postmortem_id, cause_id, parent_id, index
                )[1],
            )

        return self._run("Move cause", edit)

    def delete_causes(self, postmortem_id: str, ids: Sequence[str]) -> bool:
        def edit() -> Outcome:
            deleted, changes = causes.delete_causes(self._library, postmortem_id, ids)
            return Outcome(
                changes,
                undo=lambda: causes.restore_causes(self._library, postmortem_id, deleted),
                redo=lambda: causes.delete_causes(self._library, postmortem_id, ids)[1],
            )

        noun = "cause" if len(ids) == 1 else f"{len(ids)} causes"
        return self._run(f"Delete {noun}", edit)

    # ---- actions ----------------------------------------------------------------------------

    def add_action(self, postmortem_id: str, action: ActionItem) -> str | None:
        stored: list[ActionItem] = []

        def edit() -> Outcome:
            added, changes = actions.add_action(self._library, postmortem_id, action)
            stored.append(added)
            taken: list[actions.DeletedActions] = []

            def undo() -> Changes:
                deleted, undone = actions.delete_actions(self._library, postmortem_id, [added.id])
                taken[:] = [deleted]
                return undone

            return Outcome(
                changes,
                undo=undo,
                redo=lambda: actions.restore_actions(self._library, postmortem_id, taken[0]),
            )

        return stored[0].id if self._run("Add action", edit) else None

    def change_action(
        self, postmortem_id: str, changed: ActionItem, text: str, note: str = ""
    ) -> bool:
        """Change an action's fields; its history gains an entry per tracked field changed."""

        def edit() -> Outcome:
            old, new, changes = actions.change_action(self._library, postmortem_id, changed, note)
            return Outcome(
                changes,
                undo=lambda: actions.put_action(self._library, postmortem_id, old),
                redo=lambda: actions.put_action(self._library, postmortem_id, new),
            )

        return self._run(text, edit)

    def follow_up(
        self,
        postmortem_id: str,
        text: str,
        change: Callable[[], tuple[ActionItem, ActionItem, Changes]],
    ) -> bool:
        """One of the follow-up review's changes (mark done, re-scope, escalate) as a step."""

        def edit() -> Outcome:
            old, new, changes = change()
            return Outcome(
                changes,
                undo=lambda: actions.put_action(self._library, postmortem_id, old),
                redo=lambda: actions.put_action(self._library, postmortem_id, new),
            )

        return self._run(text, edit)

    def delete_actions(self, postmortem_id: str, ids: Sequence[str]) -> bool:
        def edit() -> Outcome:
            deleted, changes = actions.delete_actions(self._library, postmortem_id, ids)
            return Outcome(
                changes,
                undo=lambda: actions.restore_actions(self._library, postmortem_id, deleted),
                redo=lambda: actions.delete_actions(self._library, postmortem_id, ids)[1],
            )

        return self._run("Delete action" if len(ids) == 1 else f"Delete {len(ids)} actions", edit)
