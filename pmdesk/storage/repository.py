"""Whole postmortems in and out of a library, as plain functions on a Connection.

Each function runs in the caller's transaction (`Library.transaction()` to write, `.connect()` to
read). Writes are bulk Core inserts, one executemany per table; reads are a fixed number of
queries however long the postmortem, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, delete, func, select

from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    ImpactMetric,
    Lesson,
    LessonKind,
    Participant,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    PostmortemSummary,
    Priority,
    Severity,
    TimelineEvent,
)
from pmdesk.storage.batch import run_selects
from pmdesk.storage.meetings import MEETING_QUERIES, insert_meeting, meeting_from_rows
from pmdesk.storage.schema import (
    ID,
    action_history,
    actions,
    cause_evidence,
    cause_themes,
    causes,
    impact_metrics,
    lessons,
    participants,
    postmortems,
    tags,
    themes,
    timeline_events,
)
from pmdesk.storage.themes import insert_cause_themes
from pmdesk.storage.values import decode_number, encode_number, join_time, split_time, utc_now

_ACTIVE_STATUSES = [status.value for status in ActionStatus if status.is_active]


def insert_postmortem(conn: Connection, pm: Postmortem) -> None:
    """Store a whole new postmortem. Its id, and the ids of its events, causes, actions,
    lessons and meeting points, must be new. A theme its causes name that the library does not
    have yet joins the library's vocabulary (see storage/themes.py)."""
    now = utc_now()
    conn.execute(
        postmortems.insert(),
        {
            "id": pm.id,
            **header_row(pm),
            "version": pm.version,
            "created_at": now,
            "updated_at": now,
        },
    )
    insert_rows(conn, impact_metrics, metric_rows(pm.metrics), pm.id)
    insert_rows(conn, participants, participant_rows(pm.participants), pm.id)
    insert_rows(conn, tags, tag_rows(pm.tags), pm.id)
    insert_rows(conn, timeline_events, [event_row(i, e) for i, e in enumerate(pm.timeline)], pm.id)
    # Parents before children, or the parent_id foreign key would refuse the child. The position
    # is the cause's place in the whole list, so the list comes back exactly as it was given
    # (an imported file exports in its own order) and siblings keep their order.
    list_position = {c.id: i for i, c in enumerate(pm.causes)}
    ordered = tree_order(pm.causes)
    insert_rows(
        conn,
        causes,
        [
            {
                "id": c.id,
                "ref": c.ref,
                "parent_id": c.parent_id,
                "position": list_position[c.id],
                "text": c.text,
                "systemic": c.systemic,
                "version": c.version,
            }
            for c, _ in ordered
        ],
        pm.id,
    )
    insert_rows(
        conn,
        cause_evidence,
        [
            {"cause_id": c.id, "event_id": event_id, "position": i}
            for c, _ in ordered
            for i, event_id in enumerate(c.evidence)
        ],
    )
    insert_cause_themes(conn, [c for c, _ in ordered])
    insert_rows(conn, actions, [action_row(i, a) for i, a in enumerate(pm.actions)], pm.id)
    insert_rows(conn, action_history, history_rows(pm.actions))
    insert_rows(conn, lessons, [lesson_row(i, x) for i, x in enumerate(pm.lessons)], pm.id)
    if pm.meeting is not None:  # after the actions, which its parked points may name
        insert_meeting(conn, pm.id, pm.meeting)


# The queries that read a whole postmortem, independent of each other so that they go to the
# database as one batch (see `batch.run_selects`): on a server, one round trip for all of them.
_PM = bindparam("postmortem_id", type_=ID)


def _rows_query(table: Table, *order: Any) -> Select[Any]:
    # Ties (which only a bug would make) still come back in the same order every time.
    tiebreak = [table.c.id] if "id" in table.c else []
    return select(table).where(table.c.postmortem_id == _PM).order_by(*order, *tiebreak)


_HEADER = select(postmortems).where(postmortems.c.id == _PM)
_EVIDENCE = (
    select(cause_evidence.c.cause_id, cause_evidence.c.event_id)
    .join(causes, causes.c.id == cause_evidence.c.cause_id)
    .where(causes.c.postmortem_id == _PM)
    .order_by(cause_evidence.c.cause_id, cause_evidence.c.position)
)
# Each cause's themes, spelled as the library's vocabulary spells them.
_CAUSE_THEMES = (
    select(cause_themes.c.cause_id, themes.c.name)
    .select_from(
        cause_themes.join(themes, themes.c.id == cause_themes.c.theme_id).join(
            causes, causes.c.id == cause_themes.c.cause_id
        )
    )
    .where(causes.c.postmortem_id == _PM)
    .order_by(cause_themes.c.cause_id, cause_themes.c.position)
)
_CAUSES = _rows_query(causes, causes.c.position)
_METRICS = _rows_query(impact_metrics, impact_metrics.c.position)
_PARTICIPANTS = _rows_query(participants, participants.c.position)
_TAGS = _rows_query(tags, tags.c.position)
_EVENTS = _rows_query(timeline_events, timeline_events.c.at_utc, timeline_events.c.seq)
_ACTIONS = _rows_query(actions, actions.c.position)
# The history of every action of the postmortem, by a join rather than by the list of action ids,
# so that it needs no result of the actions' query.
_HISTORY = (
    select(action_history)
    .join(actions, actions.c.id == action_history.c.action_id)
    .where(actions.c.postmortem_id == _PM)
    .order_by(action_history.c.action_id, action_history.c.position)
)
_LESSONS = _rows_query(lessons, lessons.c.position)
_POSTMORTEM_QUERIES = [
    _HEADER,
    _EVIDENCE,
    _CAUSE_THEMES,
    _CAUSES,
    _METRICS,
    _PARTICIPANTS,
    _TAGS,
    _EVENTS,
    _ACTIONS,
    _HISTORY,
    _LESSONS,
    *MEETING_QUERIES,
]


def load_postmortem(conn: Connection, postmortem_id: str) -> Postmortem | None:
    """The whole postmortem, or None if the library has none with this id.

    The timeline comes in time order (equal times in the order they were stored), every other
    list in its stored order. One batch of queries (one round trip to a server), however long.
    """
    (
        header,
        evidence_rows,
        theme_rows,
        cause_rows,
        metric_rows_,
        participant_rows_,
        tag_rows_,
        event_rows,
        action_rows,
        history,
        lesson_rows,
        *meeting_rows,
    ) = run_selects(conn, _POSTMORTEM_QUERIES, {"postmortem_id": postmortem_id})
    if not header:
        return None

    evidence: defaultdict[str, list[str]] = defaultdict(list)
    for cause_id, event_id in evidence_rows:
        evidence[cause_id].append(event_id)
    cause_theme_names: defaultdict[str, list[str]] = defaultdict(list)
    for cause_id, name in theme_rows:
        cause_theme_names[cause_id].append(name)

    postmortem = header_from_row(header[0])
    postmortem.metrics = metrics_from_rows(metric_rows_)
    postmortem.participants = participants_from_rows(participant_rows_)
    postmortem.tags = [t.tag for t in tag_rows_]
    postmortem.timeline = [event_from_row(e) for e in event_rows]
    postmortem.causes = [
        cause_from_row(c, evidence[c.id], cause_theme_names[c.id]) for c in cause_rows
    ]
    postmortem.actions = [action_from_row(a) for a in action_rows]
    add_history(postmortem.actions, history)
    postmortem.lessons = [lesson_from_row(x) for x in lesson_rows]
    postmortem.meeting = meeting_from_rows(*meeting_rows)
    return postmortem


def cause_from_row(row: Any, evidence: list[str], theme_names: list[str]) -> Cause:
    return Cause(
        ref=row.ref,
        text=row.text,
        parent_id=row.parent_id,
        systemic=bool(row.systemic),
        evidence=evidence,
        themes=theme_names,
        id=row.id,
        version=row.version,
    )


def load_metrics(conn: Connection, postmortem_id: str) -> list[ImpactMetric]:
    return metrics_from_rows(conn.execute(_METRICS, {"postmortem_id": postmortem_id}).all())


def load_participants(conn: Connection, postmortem_id: str) -> list[Participant]:
    return participants_from_rows(
        conn.execute(_PARTICIPANTS, {"postmortem_id": postmortem_id}).all()
    )


def load_tags(conn: Connection, postmortem_id: str) -> list[str]:
    return [t.tag for t in conn.execute(_TAGS, {"postmortem_id": postmortem_id})]


def metrics_from_rows(rows: Iterable[Any]) -> list[ImpactMetric]:
    return [ImpactMetric(m.name, decode_number(m.value), m.unit) for m in rows]


def participants_from_rows(rows: Iterable[Any]) -> list[Participant]:
    return [Participant(p.name, p.role) for p in rows]


def first_trigger_id_of_postmortem() -> Any:
    """A subquery, correlated to `postmortems`, giving the id of its first trigger event: the
    event that says when an incident started."""
    events = timeline_events
    return (
        select(events.c.id)
        .where(
            events.c.postmortem_id == postmortems.c.id,
            events.c.kind == EventKind.TRIGGER.value,
        )
        .order_by(events.c.at_utc, events.c.seq)
        .limit(1)
        .correlate(postmortems)
        .scalar_subquery()
    )


def list_summaries(conn: Connection) -> list[PostmortemSummary]:
    """One row per postmortem, in one query: latest start first, those without a trigger last."""
    pm, events, acts = postmortems, timeline_events, actions
    first_trigger_id = first_trigger_id_of_postmortem()
    trigger = events.alias("first_trigger")
    open_counts = (
        select(acts.c.postmortem_id, func.count().label("n"))
        .where(acts.c.status.in_(_ACTIVE_STATUSES))
        .group_by(acts.c.postmortem_id)
        .subquery("open_counts")
    )
    query = (
        select(
            pm.c.id,
            pm.c.title,
            pm.c.kind,
            pm.c.severity,
            pm.c.status,
            trigger.c.at_utc,
            trigger.c.utc_offset,
            func.coalesce(open_counts.c.n, 0).label("open_actions"),
        )
        .select_from(
            pm.outerjoin(trigger, trigger.c.id == first_trigger_id).outerjoin(
                open_counts, open_counts.c.postmortem_id == pm.c.id
            )
        )
        .order_by(trigger.c.at_utc.desc().nulls_last(), pm.c.title, pm.c.id)
    )
    return [
        PostmortemSummary(
            id=r.id,
            title=r.title,
            kind=PostmortemKind(r.kind),
            severity=Severity(r.severity) if r.severity is not None else None,
            status=PostmortemStatus(r.status),
            started=join_time(r.at_utc, r.utc_offset) if r.at_utc is not None else None,
            open_actions=int(r.open_actions),
        )
        for r in conn.execute(query)
    ]


def delete_postmortem(conn: Connection, postmortem_id: str) -> bool:
    """Delete the postmortem and, through the cascades, everything in it; False if none was."""
    result = conn.execute(delete(postmortems).where(postmortems.c.id == postmortem_id))
    return result.rowcount == 1


def postmortem_exists(conn: Connection, postmortem_id: str) -> bool:
    query = select(postmortems.c.id).where(postmortems.c.id == postmortem_id)
    return conn.execute(query).first() is not None


def tree_order(all_causes: Sequence[Cause]) -> list[tuple[Cause, int]]:
    """Causes depth first, each parent before its children, siblings in list order, each with
    its position among its siblings. Raises ValueError for causes that hang in no tree (a
    cycle, or a parent that is not in the list): they could be neither stored nor shown.
    """
    children: defaultdict[str | None, list[Cause]] = defaultdict(list)
    for cause in all_causes:
        children[cause.parent_id].append(cause)
    ordered: list[tuple[Cause, int]] = []
    # An explicit stack: an imported chain of "why"s may be deeper than Python's recursion limit.
    stack = list(reversed(list(enumerate(children[None]))))
    while stack:
        position, cause = stack.pop()
        ordered.append((cause, position))
        stack.extend(reversed(list(enumerate(children.get(cause.id, [])))))
        if len(ordered) > len(all_causes):
            break  # the same id twice, forming a loop
    if len(ordered) != len(all_causes):
        raise ValueError(
            "the causes do not form a tree: some have a parent that is not among them, "
            "or their parents form a loop"
        )
    return ordered


def insert_rows(
    conn: Connection, table: Table, rows: list[dict[str, Any]], postmortem_id: str | None = None
) -> None:
    """Insert rows in one executemany, giving each the postmortem id if one is named."""
    if not rows:
        return
    if postmortem_id is not None:
        for row in rows:
            row["postmortem_id"] = postmortem_id
    conn.execute(table.insert(), rows)


def header_row(pm: Postmortem) -> dict[str, Any]:
    """The postmortem's own columns that a user edits (not its id or timestamps)."""
    return {
        "title": pm.title,
        "kind": pm.kind.value,
        "severity": pm.severity.value if pm.severity else None,
        "status": pm.status.value,
        "timezone": pm.timezone,
        "summary": pm.summary,
        "impact_summary": pm.impact_summary,
    }


def header_from_row(row: Any) -> Postmortem:
    """A postmortem with the columns of its own row and empty lists."""
    return Postmortem(
        id=row.id,
        title=row.title,
        kind=PostmortemKind(row.kind),
        severity=Severity(row.severity) if row.severity is not None else None,
        status=PostmortemStatus(row.status),
        timezone=row.timezone,
        summary=row.summary,
        impact_summary=row.impact_summary,
        version=row.version,
    )


def metric_rows(metrics: Sequence[ImpactMetric]) -> list[dict[str, Any]]:
    return [
        {"position": i, "name": m.name, "value": encode_number(m.value), "unit": m.unit}
        for i, m in enumerate(metrics)
    ]


def participant_rows(people: Sequence[Participant]) -> list[dict[str, Any]]:
    return [{"position": i, "name": p.name, "role": p.role} for i, p in enumerate(people)]


def tag_rows(tag_list: Sequence[str]) -> list[dict[str, Any]]:
    return [{"position": i, "tag": tag} for i, tag in enumerate(tag_list)]


def lesson_row(position: int, lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "position": position,
        "kind": lesson.kind.value,
        "text": lesson.text,
        "version": lesson.version,
    }


def lesson_from_row(row: Any) -> Lesson:
    return Lesson(LessonKind(row.kind), row.text, id=row.id, version=row.version)


# Looked up by value for every stored event: a dict is several times cheaper than EventKind(...).
_EVENT_KINDS = {kind.value: kind for kind in EventKind}


def event_from_row(row: Any) -> TimelineEvent:
    return TimelineEvent(
        at=join_time(row.at_utc, row.utc_offset),
        kind=_EVENT_KINDS[row.kind],
        text=row.text,
        source=row.source,
        id=row.id,
        version=row.version,
    )


def event_row(seq: int, event: TimelineEvent) -> dict[str, Any]:
    at_utc, offset = split_time(event.at)
    return {
        "id": event.id,
        "at_utc": at_utc,
        "utc_offset": offset,
        "seq": seq,
        "kind": event.kind.value,
        "text": event.text,
        "source": event.source,
        "version": event.version,
    }


def action_from_row(row: Any) -> ActionItem:
    return ActionItem(
        ref=row.ref,
        title=row.title,
        owner=row.owner,
        due=row.due,
        status=ActionStatus(row.status),
        priority=Priority(row.priority) if row.priority is not None else None,
        cause_id=row.cause_id,
        notes=row.notes,
        id=row.id,
        version=row.version,
    )


def history_rows(action_list: Sequence[ActionItem]) -> list[dict[str, Any]]:
    rows = []
    for action in action_list:
        for position, change in enumerate(action.history):
            at_utc, offset = split_time(change.at)
            rows.append(
                {
                    "action_id": action.id,
                    "position": position,
                    "at_utc": at_utc,
                    "utc_offset": offset,
                    "field": change.field.value,
                    "old_value": change.old,
                    "new_value": change.new,
                    "note": change.note,
                }
            )
    return rows


def load_history(conn: Connection, action_list: Sequence[ActionItem]) -> None:
    """Fill in each action's history, oldest first, in one query."""
    if not action_list:
        return
    h = action_history
    ids = [action.id for action in action_list]
    query = select(h).where(h.c.action_id.in_(ids)).order_by(h.c.action_id, h.c.position)
    add_history(action_list, conn.execute(query))


def add_history(action_list: Sequence[ActionItem], rows: Iterable[Any]) -> None:
    """Append each history row, in the order given, to its action's history."""
    by_id = {action.id: action for action in action_list}
    for row in rows:
        by_id[row.action_id].history.append(
            ActionChange(
                at=join_time(row.at_utc, row.utc_offset),
                field=ActionField(row.field),
                old=row.old_value,
                new=row.new_value,
                note=row.note,
            )
        )


def action_row(position: int, action: ActionItem) -> dict[str, Any]:
    return {
        "id": action.id,
        "ref": action.ref,
        "title": action.title,
        "owner": action.owner,
        "due": action.due,
        "status": action.status.value,
        "priority": action.priority.value if action.priority else None,
        "cause_id": action.cause_id,
        "notes": action.notes,
        "position": position,
        "version": action.version,
    }
