"""The raw numbers behind the library overview, as plain functions on a Connection.

Two queries however large the library: one row per postmortem with its kind, severity and key
moments (each found through the (postmortem_id, kind, at_utc, seq) index, never by loading a
timeline), and one row per due date of the open actions. Grouping by month and medians are left
to `pmdesk.services.library_stats`: neither is portable SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, FromClause, ScalarSelect, Select, case, func, select

from pmdesk.domain.model import ActionStatus, EventKind, PostmortemKind, Severity
from pmdesk.storage.schema import actions, postmortems, timeline_events
from pmdesk.storage.values import join_time

_ACTIVE_STATUSES = [status.value for status in ActionStatus if status.is_active]


@dataclass(frozen=True, slots=True)
class PostmortemMoments:
    """One postmortem's kind, severity and key moments; every time is timezone-aware.

    `started` (the first trigger) and `first_event` (the first trigger, else the first event of
    any kind) keep the offset they were written with, so that the month they fall in is the month
    the people there saw. `detected` and `resolved` are the first detection and first resolution,
    in UTC.
    """

    kind: PostmortemKind
    severity: Severity | None
    started: datetime | None
    first_event: datetime | None
    detected: datetime | None
    resolved: datetime | None
    created: datetime | None  # only read for a postmortem with no event


def _first_event_id(kind: EventKind | None) -> ScalarSelect[str]:
    events = timeline_events
    query = select(events.c.id).where(events.c.postmortem_id == postmortems.c.id)
    if kind is not None:
        query = query.where(events.c.kind == kind.value)
    return (
        query.order_by(events.c.at_utc, events.c.seq)
        .limit(1)
        .correlate(postmortems)
        .scalar_subquery()
    )


def _first_time(kind: EventKind) -> ScalarSelect[datetime]:
    events = timeline_events
    return (
        select(func.min(events.c.at_utc))
        .where(events.c.postmortem_id == postmortems.c.id, events.c.kind == kind.value)
        .correlate(postmortems)
        .scalar_subquery()
    )


def _anchored() -> tuple[Select[Any], FromClause]:
    """A query over every postmortem joined to its anchor event: the first trigger, else the
    first event of any kind, what the postmortem's day is read from (None for no event)."""
    anchor = timeline_events.alias("anchor")
    anchor_id = func.coalesce(_first_event_id(EventKind.TRIGGER), _first_event_id(None))
    query = select(
        anchor.c.kind.label("anchor_kind"),
        anchor.c.at_utc.label("anchor_utc"),
        anchor.c.utc_offset.label("anchor_offset"),
    ).select_from(postmortems.outerjoin(anchor, anchor.c.id == anchor_id))
    return query, anchor


def postmortem_moments(conn: Connection) -> list[PostmortemMoments]:
    """Every postmortem's moments, in one query (no particular order)."""
    pm = postmortems
    query, anchor = _anchored()
    # Only a postmortem with no event at all needs its creation time.
    query = query.add_columns(
        pm.c.kind,
        pm.c.severity,
        case((anchor.c.id.is_(None), pm.c.created_at)).label("created_at"),
        _first_time(EventKind.DETECTION).label("detected_utc"),
        _first_time(EventKind.RESOLUTION).label("resolved_utc"),
    )
    moments: list[PostmortemMoments] = []
    for r in conn.execute(query):
        at = join_time(r.anchor_utc, r.anchor_offset) if r.anchor_utc is not None else None
        moments.append(
            PostmortemMoments(
                kind=PostmortemKind(r.kind),
                severity=Severity(r.severity) if r.severity is not None else None,
                started=at if r.anchor_kind == EventKind.TRIGGER.value else None,
                first_event=at,
                detected=_utc(r.detected_utc),
                resolved=_utc(r.resolved_utc),
                created=_utc(r.created_at),
            )
        )
    return moments


def postmortem_starts(conn: Connection) -> list[tuple[str, str, PostmortemKind, datetime | None]]:
    """Every postmortem's id, title, kind and the moment it started (its first trigger, else its
    first event; None without one) in the offset it was written with. One query, by id."""
    pm = postmortems
    query, _ = _anchored()
    query = query.add_columns(pm.c.id, pm.c.title, pm.c.kind).order_by(pm.c.id)
    return [
        (
            r.id,
            r.title,
            PostmortemKind(r.kind),
            join_time(r.anchor_utc, r.anchor_offset) if r.anchor_utc is not None else None,
        )
        for r in conn.execute(query)
    ]


def open_actions_by_due(conn: Connection) -> list[tuple[date | None, int]]:
    """How many open or in-progress actions fall due on each date (None: no due date)."""
    query = (
        select(actions.c.due, func.count())
        .where(actions.c.status.in_(_ACTIVE_STATUSES))
        .group_by(actions.c.due)
    )
    return [(due, int(count)) for due, count in conn.execute(query)]


def _utc(at_utc: datetime | None) -> datetime | None:
    return at_utc.replace(tzinfo=UTC) if at_utc is not None else None
