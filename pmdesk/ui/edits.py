"""Every edit the window can make, as an undoable step: a service call and its inverse.

Widgets call these and get back whether the edit was made; a refused value has already been
reported to the user. Each builds an `Outcome` whose undo and redo replay the services with the
same ids, so undo puts back exactly what was there.

Every change of an item names the version it was made on (see `services.editing`). A widget's
edit names the version it showed; an undo or redo names the version this window last wrote,
which `Workspace.versions` keeps, so one made after someone else changed the item is refused
rather than writing over their change. An edit refused that way offers to apply the user's
change again on what is stored now (`Conflict`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from pmdesk.domain import merge
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
from pmdesk.services.editing import StaleError, Versioned
from pmdesk.storage.library import Library
from pmdesk.ui import conflicts
from pmdesk.ui.commands import Outcome, ServiceCall
from pmdesk.ui.conflicts import Conflict
from pmdesk.ui.workspace import Workspace

T = TypeVar("T")
ListSetter = Callable[[Library, str, Sequence[T], int], tuple[list[T], Changes]]
# The items whose content an edit rewrites, each carrying the version it was made on.
V = TypeVar("V", TimelineEvent, Cause, ActionItem, Lesson)

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

    def _run(
        self,
        text: str,
        edit: Callable[[], Outcome],
        again: Callable[[StaleError], Conflict] | None = None,
    ) -> bool:
        """Make the edit; `again` describes, for an edit refused as made on an older version,
        the user's change and how to apply it again on what is stored now."""
        return self.workspace.execute(text, edit, again)

    # ---- versions ---------------------------------------------------------------------------

    def _wrote(self, items: Iterable[tuple[str, int]]) -> None:
        """Note the versions this window's write left: each (id, version it was made on)."""
        self.workspace.versions.update((item_id, on + 1) for item_id, on in items)

    def _on_latest(self, item_id: str, shown: int) -> int:
        """The version to make an edit on: the one the widget showed, or the one this window
        wrote since, if newer (a widget may not have reloaded after this window's own edit)."""
        return max(shown, self.workspace.versions.get(item_id, shown))

    def _seen(self, items: Iterable[Versioned]) -> dict[str, int]:
        """What a delete of these items is made on: each id, with the version this window knows
        (see `_on_latest`). Called when the delete runs, undo and redo included."""
        return {i.id: self._on_latest(i.id, i.version) for i in items}

    def _fresh(self, items: Sequence[V]) -> list[V]:
        return [replace(i, version=self._on_latest(i.id, i.version)) for i in items]

    def _replayed_update(
        self, update: Callable[[Sequence[V]], Changes], items: Sequence[V]
    ) -> ServiceCall:
        """An undo or redo step that writes `items` over the version this window last wrote."""

        def call() -> Changes:
            on = [replace(i, version=self.workspace.versions.get(i.id, i.version)) for i in items]
            result = update(on)
            self._wrote((i.id, i.version) for i in on)
            return result

        return call

    def _theirs(self, postmortem_id: str, pick: Callable[[Postmortem], list[V]]) -> list[V]:
        """The items as the library holds them now, for applying a refused change again."""
        return pick(postmortems.get_postmortem(self._library, postmortem_id))

    def _update_items(
        self,
        text: str,
        postmortem_id: str,
        before: Sequence[V],
        mine: Sequence[V],
        update: Callable[[Sequence[V]], tuple[list[V], Changes]],
        pick: Callable[[Postmortem], list[V]],
    ) -> bool:
        """Rewrite items (made from `before`, as the user saw them) as `mine`: one undo step,
        and on a conflict the offer to apply the user's changes again on theirs."""
        made_on = self._fresh(mine)

        def edit() -> Outcome:
            old, changes = update(made_on)
            self._wrote((i.id, i.version) for i in made_on)
            return Outcome(
                changes,
                undo=self._replayed_update(lambda items: update(items)[1], old),
                redo=self._replayed_update(lambda items: update(items)[1], made_on),
            )

        def again(error: StaleError) -> Conflict:
            def apply() -> bool:
                theirs = {i.id: i for i in self._theirs(postmortem_id, pick)}
                merged = merge.merged(before, mine, theirs)
                if merged is None:
                    self.report("Your change was not applied", conflicts.GONE)
                    return False
                return self._update_items(text, postmortem_id, merged, merged, update, pick)

            return Conflict(text, error, conflicts.describe_changes(before, mine), apply)

        return self._run(text, edit, again)

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

    def update_fields(self, postmortem_id: str, values: Mapping[str, object], version: int) -> bool:
        """Set some of the postmortem's own fields, on the `version` of it the widget showed."""
        names = ", ".join(FIELD_NAMES.get(name, name) for name in values)
        return self._versioned_header(
            f"Change {names}",
            postmortem_id,
            version,
            lambda on: overview.update_fields(self._library, postmortem_id, values, on),
            lambda old: lambda on: overview.update_fields(self._library, postmortem_id, old, on),
            conflicts.describe_fields(values),
        )

    def _versioned_header(
        self,
        text: str,
        postmortem_id: str,
        shown: int,
        write: Callable[[int], tuple[T, Changes]],
        inverse: Callable[[T], Callable[[int], tuple[T, Changes]]],
        described: str,
    ) -> bool:
        """An edit of the postmortem's own fields or lists, which share its version: `write`
        makes it on a version, `inverse` of what it returned takes it back."""
        made_on = self._on_latest(postmortem_id, shown)

        def step(call: Callable[[int], tuple[T, Changes]]) -> ServiceCall:
            def replay() -> Changes:
                on = self.workspace.versions.get(postmortem_id, made_on)
                changes = call(on)[1]
                self._wrote([(postmortem_id, on)])
                return changes

            return replay

        def edit() -> Outcome:
            old, changes = write(made_on)
            self._wrote([(postmortem_id, made_on)])
            return Outcome(changes, undo=step(inverse(old)), redo=step(write))

        def again(error: StaleError) -> Conflict:
            def apply() -> bool:
                now = error.current.get(postmortem_id, made_on)
                return self._versioned_header(text, postmortem_id, now, write, inverse, described)

            return Conflict(text, error, described, apply)

        return self._run(text, edit, again)

    def set_metrics(
        self, postmortem_id: str, metrics: Sequence[ImpactMetric], version: int
    ) -> bool:
        return self._replace_postmortem_list(
            "Change impact metrics", postmortem_id, metrics, overview.set_metrics, version
        )

    def set_participants(
        self, postmortem_id: str, people: Sequence[Participant], version: int
    ) -> bool:
        return self._replace_postmortem_list(
            "Change participants", postmortem_id, people, overview.set_participants, version
        )

    def set_tags(self, postmortem_id: str, tags: Sequence[str], version: int) -> bool:
        return self._replace_postmortem_list(
            "Change tags", postmortem_id, tags, overview.set_tags, version
        )

    def replace_list(
        self,
        text: str,
        postmortem_id: str,
        new: Sequence[T],
        setter: Callable[[Library, str, Sequence[T]], tuple[list[T], Changes]],
    ) -> bool:
        """Replace a list that carries no version (the review meeting's) whole, as one step."""

        def edit() -> Outcome:
            old, changes = setter(self._library, postmortem_id, new)
            return Outcome(
                changes,
                undo=lambda: setter(self._library, postmortem_id, old)[1],
                redo=lambda: setter(self._library, postmortem_id, new)[1],
            )

        return self._run(text, edit)

    def _replace_postmortem_list(
        self,
        text: str,
        postmortem_id: str,
        new: Sequence[T],
        setter: ListSetter[T],
        version: int,
    ) -> bool:
        """Replace one of the postmortem's lists whole, on the `version` the widget showed."""
        return self._versioned_header(
            text,
            postmortem_id,
            version,
            lambda on: setter(self._library, postmortem_id, new, on),
            lambda old: lambda on: setter(self._library, postmortem_id, old, on),
            conflicts.describe_list(new),
        )

    # ---- timeline ---------------------------------------------------------------------------

    def add_events(self, postmortem_id: str, events: Sequence[TimelineEvent], text: str) -> bool:
        ids = [event.id for event in events]

        def edit() -> Outcome:
            changes = timeline.add_events(self._library, postmortem_id, events)
            return Outcome(
                changes,
                undo=lambda: timeline.delete_events(
                    self._library, postmortem_id, ids, self._seen(events)
                )[1],
                redo=lambda: timeline.add_events(self._library, postmortem_id, events),
            )

        return self._run(text, edit)

    def update_events(
        self,
        postmortem_id: str,
        before: Sequence[TimelineEvent],
        events: Sequence[TimelineEvent],
        text: str,
    ) -> bool:
        """Rewrite events the user changed from `before` (as shown) to `events`."""
        return self._update_items(
            text,
            postmortem_id,
            before,
            events,
            lambda items: timeline.update_events(self._library, postmortem_id, items),
            lambda postmortem: postmortem.timeline,
        )

    def delete_events(self, postmortem_id: str, events: Sequence[TimelineEvent], text: str) -> bool:
        """Delete events as the user saw them: refused if someone else changed one since."""
        ids = [event.id for event in events]

        def edit() -> Outcome:
            deleted, changes = timeline.delete_events(
                self._library, postmortem_id, ids, self._seen(events)
            )
            again = [stored.event for stored in deleted.events]
            return Outcome(
                changes,
                undo=lambda: timeline.restore_events(self._library, postmortem_id, deleted),
                redo=lambda: timeline.delete_events(
                    self._library, postmortem_id, ids, self._seen(again)
                )[1],
            )

        return self._run(text, edit)

    # ---- lessons ----------------------------------------------------------------------------

    def add_lesson(self, postmortem_id: str, lesson: Lesson) -> bool:
        def edit() -> Outcome:
            changes = lessons.add_lesson(self._library, postmortem_id, lesson)
            return Outcome(
                changes,
                undo=lambda: lessons.delete_lessons(
                    self._library, postmortem_id, [lesson.id], self._seen([lesson])
                )[1],
                redo=lambda: lessons.add_lesson(self._library, postmortem_id, lesson),
            )

        return self._run("Add lesson", edit)

    def update_lesson(self, postmortem_id: str, before: Lesson, lesson: Lesson) -> bool:
        def update(items: Sequence[Lesson]) -> tuple[list[Lesson], Changes]:
            old, changes = lessons.update_lesson(self._library, postmortem_id, items[0])
            return [old], changes

        return self._update_items(
            "Edit lesson",
            postmortem_id,
            [before],
            [lesson],
            update,
            lambda postmortem: postmortem.lessons,
        )

    def delete_lessons(self, postmortem_id: str, items: Sequence[Lesson]) -> bool:
        """Delete lessons as the user saw them: refused if someone else changed one since."""
        ids = [lesson.id for lesson in items]

        def edit() -> Outcome:
            deleted, changes = lessons.delete_lessons(
                self._library, postmortem_id, ids, self._seen(items)
            )
            again = [placed.lesson for placed in deleted.lessons]
            return Outcome(
                changes,
                undo=lambda: lessons.restore_lessons(self._library, postmortem_id, deleted),
                redo=lambda: lessons.delete_lessons(
                    self._library, postmortem_id, ids, self._seen(again)
                )[1],
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
                undo=lambda: causes.delete_causes(
                    self._library, postmortem_id, [added.id], self._seen([added])
                )[1],
                redo=lambda: causes.add_cause(self._library, postmortem_id, added, index)[1],
            )

        return stored[0].id if self._run(text, edit) else None

    def update_cause(self, postmortem_id: str, before: Cause, cause: Cause, text: str) -> bool:
        def update(items: Sequence[Cause]) -> tuple[list[Cause], Changes]:
            old, changes = causes.update_cause(self._library, postmortem_id, items[0])
            return [old], changes

        return self._update_items(
            text,
            postmortem_id,
            [before],
            [cause],
            update,
            lambda postmortem: postmortem.causes,
        )

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

    def delete_causes(self, postmortem_id: str, ids: Sequence[str], shown: Sequence[Cause]) -> bool:
        """Delete causes and those below them; `shown` are the causes the user saw. Refused if
        one that would go was changed, or added below, by someone else since."""

        def edit() -> Outcome:
            deleted, changes = causes.delete_causes(
                self._library, postmortem_id, ids, self._seen(shown)
            )
            again = [placed.cause for placed in deleted.causes]
            return Outcome(
                changes,
                undo=lambda: causes.restore_causes(self._library, postmortem_id, deleted),
                redo=lambda: causes.delete_causes(
                    self._library, postmortem_id, ids, self._seen(again)
                )[1],
            )

        noun = "cause" if len(ids) == 1 else f"{len(ids)} causes"
        return self._run(f"Delete {noun}", edit)

    # ---- actions ----------------------------------------------------------------------------

    def known_owners(self) -> list[str]:
        """The owners named on actions across the library, most used first."""
        return actions.known_owners(self._library)

    def add_action(self, postmortem_id: str, action: ActionItem) -> str | None:
        stored: list[ActionItem] = []

        def edit() -> Outcome:
            added, changes = actions.add_action(self._library, postmortem_id, action)
            stored.append(added)
            taken: list[actions.DeletedActions] = []

            def undo() -> Changes:
                deleted, undone = actions.delete_actions(
                    self._library, postmortem_id, [added.id], self._seen([added])
                )
                taken[:] = [deleted]
                return undone

            return Outcome(
                changes,
                undo=undo,
                redo=lambda: actions.restore_actions(self._library, postmortem_id, taken[0]),
            )

        return stored[0].id if self._run("Add action", edit) else None

    def change_action(
        self,
        postmortem_id: str,
        before: ActionItem,
        changed: ActionItem,
        text: str,
        note: str = "",
    ) -> bool:
        """Change an action's fields (from `before`, as shown, to `changed`); its history gains
        an entry per tracked field changed."""
        (made_on,) = self._fresh([changed])

        def again(error: StaleError) -> Conflict:
            def apply() -> bool:
                theirs = {a.id: a for a in self._theirs(postmortem_id, lambda p: p.actions)}
                merged = merge.merged([before], [changed], theirs)
                if merged is None:
                    self.report("Your change was not applied", conflicts.GONE)
                    return False
                return self.change_action(postmortem_id, merged[0], merged[0], text, note)

            return Conflict(text, error, conflicts.describe_changes([before], [changed]), apply)

        return self._change_action_step(
            postmortem_id,
            text,
            lambda: actions.change_action(self._library, postmortem_id, made_on, note),
            again,
        )

    def follow_up(
        self,
        postmortem_id: str,
        text: str,
        action: ActionItem,
        change: Callable[[ActionItem], tuple[ActionItem, ActionItem, Changes]],
        yours: str,
    ) -> bool:
        """One of the follow-up review's changes (mark done, re-scope, escalate) as a step.

        `change(on)` makes it on an action: the one the review shows (`action`), or, applied
        again after someone else changed it first, theirs. `yours` says what it changes, the
        note typed for it included, for that question."""
        (made_on,) = self._fresh([action])

        def again(error: StaleError) -> Conflict:
            def apply() -> bool:
                stored = self._theirs(postmortem_id, lambda p: p.actions)
                theirs = next((a for a in stored if a.id == action.id), None)
                if theirs is None:
                    self.report("Your change was not applied", conflicts.GONE)
                    return False
                return self.follow_up(postmortem_id, text, theirs, change, yours)

            return Conflict(text, error, yours, apply)

        return self._change_action_step(postmortem_id, text, lambda: change(made_on), again)

    def _change_action_step(
        self,
        postmortem_id: str,
        text: str,
        change: Callable[[], tuple[ActionItem, ActionItem, Changes]],
        again: Callable[[StaleError], Conflict] | None = None,
    ) -> bool:
        """An action change as one undo step: undo writes the old action back, history and all,
        and redo the new one, each over the version this window last wrote."""

        def put(item: ActionItem) -> ServiceCall:
            return self._replayed_update(
                lambda items: actions.put_action(self._library, postmortem_id, items[0]), [item]
            )

        def edit() -> Outcome:
            old, new, changes = change()
            self._wrote([(old.id, new.version - 1)])
            return Outcome(changes, undo=put(old), redo=put(new))

        return self._run(text, edit, again)

    def delete_actions(self, postmortem_id: str, items: Sequence[ActionItem]) -> bool:
        """Delete actions as the user saw them: refused if someone else changed one since."""
        ids = [action.id for action in items]

        def edit() -> Outcome:
            deleted, changes = actions.delete_actions(
                self._library, postmortem_id, ids, self._seen(items)
            )
            again = [placed.action for placed in deleted.actions]
            return Outcome(
                changes,
                undo=lambda: actions.restore_actions(self._library, postmortem_id, deleted),
                redo=lambda: actions.delete_actions(
                    self._library, postmortem_id, ids, self._seen(again)
                )[1],
            )

        return self._run("Delete action" if len(ids) == 1 else f"Delete {len(ids)} actions", edit)
