"""Everything a learning review reads, for every postmortem of a library, in one batch of queries.

A review of a quarter needs the whole library: the period's postmortems, the period before, and
every late action anywhere. Loading 2,000 postmortems one by one would take 2,000 batches; these
queries read each table once, in the order `repository.load_postmortem` reads a single postmortem,
and the rows are dealt out by postmortem. What a review does not use (lessons, tags, evidence, the
meeting) is not read: the postmortems these functions return are for counting, not for editing
or export.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Select, Table, select

from pmdesk.domain.model import Postmortem
from pmdesk.storage.batch import run_selects
from pmdesk.storage.repository import (
    action_from_row,
    add_history,
    cause_from_row,
    event_from_row,
    header_from_row,
    metrics_from_rows,
    participants_from_rows,
)
from pmdesk.storage.schema import (
    action_history,
    actions,
    cause_themes,
    causes,
    impact_metrics,
    participants,
    postmortems,
    recurrences,
    themes,
    timeline_events,
)


def _every(table: Table, *order: Any) -> Select[Any]:
    tiebreak = [table.c.id] if "id" in table.c else []
    return select(table).order_by(table.c.postmortem_id, *order, *tiebreak)


_HEADERS = select(postmortems).order_by(postmortems.c.id)
_EVENTS = _every(timeline_events, timeline_events.c.at_utc, timeline_events.c.seq)
_CAUSES = _every(causes, causes.c.position)
_CAUSE_THEMES = (
    select(cause_themes.c.cause_id, themes.c.name)
    .select_from(cause_themes.join(themes, themes.c.id == cause_themes.c.theme_id))
    .order_by(cause_themes.c.cause_id, cause_themes.c.position)
)
_ACTIONS = _every(actions, actions.c.position)
_HISTORY = select(action_history).order_by(action_history.c.action_id, action_history.c.position)
_METRICS = _every(impact_metrics, impact_metrics.c.position)
_PARTICIPANTS = _every(participants, participants.c.position)
# Every recurrence link, as (postmortem id, id of the earlier one it recurs): the patterns read
# them too.
RECURRENCE_LINKS = select(recurrences.c.postmortem_id, recurrences.c.earlier_id).order_by(
    recurrences.c.postmortem_id, recurrences.c.earlier_id
)
_QUERIES = [
    _HEADERS,
    _EVENTS,
    _CAUSES,
    _CAUSE_THEMES,
    _ACTIONS,
    _HISTORY,
    _METRICS,
    _PARTICIPANTS,
    RECURRENCE_LINKS,
]


def read_for_review(conn: Connection) -> tuple[list[Postmortem], list[tuple[str, str]]]:
    """Every postmortem with its timeline, causes (with themes), actions (with history), impact
    metrics and participants; and every recurrence link as (postmortem id, earlier id)."""
    (
        headers,
        event_rows,
        cause_rows,
        theme_rows,
        action_rows,
        history_rows,
        metric_rows,
        participant_rows,
        link_rows,
    ) = run_selects(conn, _QUERIES, {})
    by_id: dict[str, Postmortem] = {}
    found: list[Postmortem] = []
    for row in headers:
        postmortem = header_from_row(row)
        by_id[postmortem.id] = postmortem
        found.append(postmortem)
    named: defaultdict[str, list[str]] = defaultdict(list)
    for cause_id, name in theme_rows:
        named[cause_id].append(name)
    for row in event_rows:
        by_id[row.postmortem_id].timeline.append(event_from_row(row))
    for row in cause_rows:
        by_id[row.postmortem_id].causes.append(cause_from_row(row, [], named[row.id]))
    for row in action_rows:
        by_id[row.postmortem_id].actions.append(action_from_row(row))
    add_history([a for pm in found for a in pm.actions], history_rows)
    metrics: defaultdict[str, list[Any]] = defaultdict(list)
    for row in metric_rows:
        metrics[row.postmortem_id].append(row)
    people: defaultdict[str, list[Any]] = defaultdict(list)
    for row in participant_rows:
        people[row.postmortem_id].append(row)
    for postmortem in found:
        postmortem.metrics = metrics_from_rows(metrics[postmortem.id])
        postmortem.participants = participants_from_rows(people[postmortem.id])
    return found, [(row.postmortem_id, row.earlier_id) for row in link_rows]
