"""What the patterns view reads: a whole library's themes, actions and recurrence links, in a
handful of narrow queries, however large the library.

Not postmortems: one row per postmortem (its title, kind and the moment it started), one per
themed systemic cause, one per action, one per "marked done" in the actions' histories, one per
recurrence link, and the vocabulary. The timelines, texts and meetings a view of patterns never
shows are left where they are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from pmdesk.domain.kinds import ActionStatus
from pmdesk.domain.library_patterns import ActionRef, CaseRef, LibraryFacts, ThemedCause
from pmdesk.domain.model import ActionField
from pmdesk.domain.periods import local_day
from pmdesk.storage import stats
from pmdesk.storage import themes as stored_themes
from pmdesk.storage.batch import run_selects
from pmdesk.storage.review_reads import RECURRENCE_LINKS
from pmdesk.storage.schema import action_history, actions, cause_themes, causes, themes
from pmdesk.storage.values import join_time

_THEMED_CAUSES = (
    select(causes.c.id, causes.c.postmortem_id, causes.c.text, themes.c.name)
    .select_from(
        cause_themes.join(causes, causes.c.id == cause_themes.c.cause_id).join(
            themes, themes.c.id == cause_themes.c.theme_id
        )
    )
    .where(causes.c.systemic)
    .order_by(causes.c.postmortem_id, causes.c.position, cause_themes.c.position)
)
_ACTIONS = select(
    actions.c.id,
    actions.c.postmortem_id,
    actions.c.cause_id,
    actions.c.title,
    actions.c.owner,
    actions.c.status,
    actions.c.due,
).order_by(actions.c.postmortem_id, actions.c.position)
_MARKED_DONE = select(
    action_history.c.action_id, action_history.c.at_utc, action_history.c.utc_offset
).where(
    action_history.c.field == ActionField.STATUS.value,
    action_history.c.new_value == ActionStatus.DONE.value,
)


def read_facts(conn: Connection) -> LibraryFacts:
    """The library as the patterns see it."""
    cases = [
        CaseRef(pm_id, title, kind, local_day(at) if at is not None else None)
        for pm_id, title, kind, at in stats.postmortem_starts(conn)
    ]
    cause_rows, action_rows, done_rows, link_rows = run_selects(
        conn, [_THEMED_CAUSES, _ACTIONS, _MARKED_DONE, RECURRENCE_LINKS], {}
    )
    named: dict[str, list[str]] = {}  # a cause's themes, a row each
    for row in cause_rows:
        named.setdefault(row.id, []).append(row.name)
    texts = {row.id: (row.postmortem_id, row.text) for row in cause_rows}
    found = [ThemedCause(id_, *texts[id_], tuple(names)) for id_, names in named.items()]
    # The day an action was last marked done, where it was marked.
    last_done: dict[str, tuple[datetime, int]] = {}
    for row in done_rows:
        kept = last_done.get(row.action_id)
        if kept is None or row.at_utc > kept[0]:
            last_done[row.action_id] = (row.at_utc, row.utc_offset)
    done_on = {
        action_id: local_day(join_time(at, offset)) for action_id, (at, offset) in last_done.items()
    }
    action_refs = [
        ActionRef(
            row.id,
            row.postmortem_id,
            row.cause_id,
            row.title,
            row.owner,
            ActionStatus(row.status),
            row.due,
            done_on.get(row.id),
        )
        for row in action_rows
    ]
    return LibraryFacts(
        postmortems=cases,
        causes=found,
        actions=action_refs,
        links=[(row.postmortem_id, row.earlier_id) for row in link_rows],
        theme_names=[theme.name for theme in stored_themes.list_themes(conn)],
    )
