"""What a report says, worked out once from a postmortem, for the PDF and the Markdown writers.

Both writers lay out the same `ReportContents`, so they never disagree on a number, an order or
what an audience may see. Times are shown in the postmortem's own zone, which is always named;
dates are shown whenever the incident spans more than one day in that zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmdesk.domain.actions import board_order
from pmdesk.domain.cause_tree import CauseTree, why_label
from pmdesk.domain.meeting import Meeting, Role
from pmdesk.domain.model import (
    ActionField,
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    LessonKind,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    TimelineEvent,
)
from pmdesk.domain.moments import KeyMoments, format_duration, key_moments
from pmdesk.report.audience import Audience as Audience
from pmdesk.report.names import Names, without_names

STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
EVENT_LABELS = {kind: kind.value.capitalize() for kind in EventKind}
LESSON_TITLES = {
    LessonKind.WENT_WELL: "What went well",
    LessonKind.WENT_WRONG: "What went wrong",
    LessonKind.LUCKY: "Where we got lucky",
}
EN_DASH = "\u2013"  # between a meeting's start and end
# The sections, in order, with their headings: the PDF's bookmarks and the Markdown's headings.
SECTIONS = (
    ("summary", "Summary"),
    ("numbers", "Key numbers"),
    ("timeline", "Timeline"),
    ("causes", "Causes"),
    ("actions", "Action items"),
    ("meeting", "Review meeting"),  # only when a meeting was held or decided something
    ("lessons", "Lessons"),
    ("participants", "Participants"),
)


@dataclass(frozen=True, slots=True)
class KeyNumber:
    label: str  # "Time to detect", or an impact metric's name
    value: str  # "14 min", "12,400 requests"


@dataclass(frozen=True, slots=True)
class TimelineRow:
    event: TimelineEvent
    when: str  # "14:05" or "2026-03-02 14:05" when the incident spans days
    kind: str


@dataclass(frozen=True, slots=True)
class CauseEntry:
    cause: Cause
    number: str  # "1", "1.2", "1.2.1": its place in the tree ("1.1…1.3.2" below level 7)
    depth: int
    label: str  # "problem", "why 2"
    actions: tuple[str, ...]  # refs of the actions that address it


@dataclass(frozen=True, slots=True)
class ActionReason:
    """Why an action stands as it does, from the note its history keeps: shown to every audience,
    printed after its label."""

    label: str  # "Why dropped", or "Re-scoped from 2026-03-20" ("Re-scoped" without the old date)
    text: str  # the note as written, without spaces around it


@dataclass(frozen=True, slots=True)
class ActionRow:
    action: ActionItem
    cause: str  # "c3 The config pipeline has no schema", or ""
    overdue: bool
    notes: str  # empty for the stakeholder audience
    # A dropped action's latest drop note, or another's latest re-scope note; None without one.
    reason: ActionReason | None = None


@dataclass(frozen=True, slots=True)
class MeetingSection:
    """The review meeting: when, how long and who on one line, then what it decided and left."""

    # "Held Monday 9 March 2026, 10:00-11:05 Europe/Berlin (1 h 05 min) · Facilitator: Dana
    # Okafor · Scribe: Lee Chen · 3 others" (with an en dash); for stakeholders the attendance is
    # counts by role: "1 facilitator · 1 scribe · 3 others".
    facts: str
    decisions: tuple[str, ...]
    left_open: tuple[str, ...]  # parked points that became no action; empty for stakeholders


@dataclass(frozen=True, slots=True)
class ReportContents:
    postmortem: Postmortem  # for stakeholders, a copy whose texts name people by role (names.py)
    audience: Audience
    generated: datetime
    draft: bool  # stamped DRAFT on every page unless the postmortem is final
    kind: str
    severity: str
    status: str
    zone: str  # the zone named with every time, e.g. "Europe/Berlin"
    incident_date: str  # "Monday 2 March 2026, 14:02 Europe/Berlin", or "" with no timeline
    facilitator: str  # "" when none is named (or the audience must not see names)
    moments: KeyMoments
    numbers: tuple[KeyNumber, ...]
    timeline: tuple[TimelineRow, ...]
    spans_days: bool
    causes: tuple[CauseEntry, ...]
    actions: tuple[ActionRow, ...]
    lessons: tuple[tuple[str, tuple[str, ...]], ...]  # (title, texts) per kind, empty kinds kept
    participants: tuple[tuple[str, str], ...]  # (name, role); empty for stakeholders
    meeting: MeetingSection | None = None  # None when no meeting was held or decided anything
    # Linked incidents as (title, started date "2026-01-12" or ""), filled in by the caller from
    # the library: the earlier ones this is a recurrence of, and the later ones that repeat it.
    recurrences: tuple[tuple[str, str], ...] = ()
    recurred_as: tuple[tuple[str, str], ...] = ()

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The sections this report has, as (key, heading)."""
        return [
            (key, title)
            for key, title in SECTIONS
            if (key != "participants" or self.audience is Audience.TEAM)
            and (key != "meeting" or self.meeting is not None)
        ]


def zone_of(postmortem: Postmortem) -> ZoneInfo | None:
    try:
        return ZoneInfo(postmortem.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def build_contents(
    postmortem: Postmortem,
    audience: Audience,
    generated: datetime,
    today: date,
    recurrences: Sequence[tuple[str, str]] = (),
    recurred_as: Sequence[tuple[str, str]] = (),
) -> ReportContents:
    if audience is not Audience.TEAM:
        # Names stay in the room: from here on, every text names people by their roles.
        names = Names.of(postmortem)
        postmortem = without_names(postmortem, names)
        recurrences = [(names.replace(title), day) for title, day in recurrences]
        recurred_as = [(names.replace(title), day) for title, day in recurred_as]
    zone = zone_of(postmortem)
    zone_name = postmortem.timezone if zone is not None else "UTC offset as written"

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone) if zone is not None else moment

    events = postmortem.timeline
    days = {local(e.at).date() for e in events}
    spans_days = len(days) > 1
    rows = tuple(
        TimelineRow(
            e,
            local(e.at).strftime("%Y-%m-%d %H:%M" if spans_days else "%H:%M"),
            EVENT_LABELS[e.kind],
        )
        for e in events
    )
    moments = key_moments(events)
    first = moments.started or (events[0] if events else None)
    incident_date = (
        f"{_long_date(local(first.at))}, {local(first.at):%H:%M} {zone_name}" if first else ""
    )
    team = audience is Audience.TEAM
    facilitator = next(
        (p.name for p in postmortem.participants if (p.role or "").casefold() == "facilitator"),
        "",
    )
    return ReportContents(
        postmortem=postmortem,
        audience=audience,
        generated=generated,
        draft=postmortem.status is not PostmortemStatus.FINAL,
        kind="Near miss" if postmortem.kind is PostmortemKind.NEAR_MISS else "Incident",
        severity=postmortem.severity.value if postmortem.severity else "Severity not set",
        status=postmortem.status.value.capitalize(),
        zone=zone_name,
        incident_date=incident_date,
        facilitator=facilitator if team else "",
        moments=moments,
        numbers=tuple(_numbers(postmortem, moments)),
        timeline=rows,
        spans_days=spans_days,
        causes=tuple(_cause_entries(postmortem)),
        actions=tuple(_action_rows(postmortem, today, team)),
        lessons=tuple(
            (title, tuple(x.text for x in postmortem.lessons if x.kind is kind))
            for kind, title in LESSON_TITLES.items()
        ),
        participants=tuple((p.name, p.role or "") for p in postmortem.participants) if team else (),
        meeting=_meeting_section(postmortem, local, zone_name, team),
        recurrences=tuple(recurrences),
        recurred_as=tuple(recurred_as),
    )


def _numbers(postmortem: Postmortem, moments: KeyMoments) -> list[KeyNumber]:
    found = []
    events = postmortem.timeline
    if moments.started is not None and events:
        last = max(e.at for e in events)
        if last > moments.started.at:
            found.append(KeyNumber("Duration", format_duration(last - moments.started.at)))
    for label, span in (
        ("Time to detect", moments.time_to_detect),
        ("Time to mitigate", moments.time_to_mitigate),
        ("Time to resolve", moments.time_to_resolve),
    ):
        found.append(KeyNumber(label, format_duration(span) if span is not None else "not known"))
    for metric in postmortem.metrics:
        found.append(KeyNumber(metric.name, format_number(metric.value, metric.unit)))
    return found


def format_number(value: float | int, unit: str | None) -> str:
    """12400 → "12,400", 2.5 → "2.5", with the unit after it ("%" without a space)."""
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) < 1e15
    ):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.6g}" if abs(value) >= 1e-4 else f"{value:.3g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _cause_entries(postmortem: Postmortem) -> list[CauseEntry]:
    tree = CauseTree(postmortem.causes)
    by_cause: dict[str, list[str]] = {}
    for action in postmortem.actions:
        if action.cause_id is not None:
            by_cause.setdefault(action.cause_id, []).append(action.ref)
    entries: list[CauseEntry] = []
    stack: list[tuple[Cause, _Place]] = [
        (root, _Place((i + 1,), ())) for i, root in reversed(list(enumerate(tree.roots)))
    ]
    while stack:  # no recursion: an imported chain may be thousands deep
        cause, place = stack.pop()
        depth = tree.depth(cause.id)
        entries.append(
            CauseEntry(
                cause,
                place.number(depth),
                depth,
                why_label(depth),
                tuple(by_cause.get(cause.id, [])),
            )
        )
        children = tree.children(cause.id)
        stack.extend(
            (child, place.child(i + 1)) for i, child in reversed(list(enumerate(children)))
        )
    return entries


NUMBER_LEVELS = 7  # a cause deeper than this is numbered with the middle left out


@dataclass(frozen=True, slots=True)
class _Place:
    """A cause's place in the tree, kept to the few levels a number shows, so that a chain
    thousands deep costs no more per cause than a short one."""

    head: tuple[int, ...]  # the positions on the first two levels
    tail: tuple[int, ...]  # on the levels below those, the last five at most

    def child(self, position: int) -> _Place:
        if len(self.head) < 2:
            return _Place((*self.head, position), ())
        return _Place(self.head, (*self.tail, position)[2 - NUMBER_LEVELS :])

    def number(self, depth: int) -> str:
        if depth <= NUMBER_LEVELS:
            return ".".join(map(str, (*self.head, *self.tail)))
        return ".".join(map(str, self.head)) + "…" + ".".join(map(str, self.tail[-3:]))


def _action_rows(postmortem: Postmortem, today: date, team: bool) -> list[ActionRow]:
    causes = {c.id: c for c in postmortem.causes}
    rows = []
    for action in board_order(postmortem.actions):
        cause = causes.get(action.cause_id or "")
        rows.append(
            ActionRow(
                action,
                f"{cause.ref} {' '.join(cause.text.split())}" if cause else "",
                action.status.is_active and action.due is not None and action.due < today,
                action.notes if team else "",
                action_reason(action),
            )
        )
    return rows


def action_reason(action: ActionItem) -> ActionReason | None:
    """Why a dropped action was dropped (the note of its latest drop), or why another's due date
    last moved (its latest due-date change with a note). None when its history holds no such note:
    an imported action may be dropped with no history at all, and no reason is made up for it.
    """
    if action.status is ActionStatus.DROPPED:
        drops = [
            change
            for change in action.history
            if change.field is ActionField.STATUS and change.new == ActionStatus.DROPPED.value
        ]
        # The latest drop's own note, as the readiness check reads it: an earlier drop's reason
        # may no longer hold once the action was reopened and dropped again.
        text = drops[-1].note.strip() if drops else ""
        return ActionReason("Why dropped", text) if text else None
    moves = [
        change
        for change in action.history
        if change.field is ActionField.DUE and change.note.strip()
    ]
    if not moves:
        return None
    latest = moves[-1]
    label = f"Re-scoped from {latest.old}" if latest.old else "Re-scoped"
    return ActionReason(label, latest.note.strip())


def _meeting_section(
    postmortem: Postmortem,
    local: Callable[[datetime], datetime],
    zone_name: str,
    team: bool,
) -> MeetingSection | None:
    meeting = postmortem.meeting
    if meeting is None:
        return None
    decisions = tuple(plain_lines([d.text for d in meeting.decisions]))
    if meeting.started is None and not decisions:
        return None
    # A point whose action was deleted since is open again (the store unlinks it too).
    actions = {a.id for a in postmortem.actions}
    left_open = tuple(
        plain_lines([p.text for p in meeting.parking_lot if p.action_id not in actions])
    )
    facts = [_meeting_when(meeting, local, zone_name), *_attendance(meeting, team)]
    return MeetingSection(" · ".join(facts), decisions, left_open if team else ())


def _meeting_when(meeting: Meeting, local: Callable[[datetime], datetime], zone_name: str) -> str:
    """ "Held Monday 9 March 2026, 10:00-11:05 Europe/Berlin (1 h 05 min)" (with an en dash), in
    the postmortem's zone; without an end, from the start and the time the agenda's clock counted.
    """
    started, ended = meeting.started, meeting.ended
    if started is not None and ended is not None and ended >= started:
        start, end = local(started), local(ended)
        if end.date() == start.date():
            span = f"{_long_date(start)}, {start:%H:%M}{EN_DASH}{end:%H:%M}"
        else:
            span = f"{_long_date(start)}, {start:%H:%M} {EN_DASH} {_long_date(end)}, {end:%H:%M}"
        return f"Held {span} {zone_name} ({format_duration(ended - started)})"
    timed = (
        f" ({format_duration(timedelta(seconds=meeting.spent_seconds))} timed)"
        if meeting.spent_seconds > 0
        else ""
    )
    if started is None:
        return f"Not marked as held{timed}"
    start = local(started)
    return f"Held {_long_date(start)}, from {start:%H:%M} {zone_name}{timed}"


def _attendance(meeting: Meeting, team: bool) -> list[str]:
    """Who came: the facilitator and scribe by name and a count of the others for the team,
    only counts by role for stakeholders."""
    present = [(" ".join(a.name.split()), a.role) for a in meeting.attendees if a.name.strip()]
    by_role = {role: [name for name, r in present if r is role] for role in Role}
    parts = []
    for role in (Role.FACILITATOR, Role.SCRIBE):
        names = by_role[role]
        if names and team:
            label = role.label + ("s" if len(names) > 1 else "")
            parts.append(f"{label}: {', '.join(names)}")
        elif names:
            parts.append(_count(len(names), role.value))
    others = len(by_role[Role.ATTENDEE])
    if others:
        parts.append(_count(others, "other" if parts else "attendee"))
    return parts


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _long_date(moment: datetime) -> str:
    """ "Monday 2 March 2026", in English whatever the machine's locale."""
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    months = (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    )  # fmt: skip
    return f"{days[moment.weekday()]} {moment.day} {months[moment.month - 1]} {moment.year}"


def linked_incidents(contents: ReportContents) -> list[tuple[str, str]]:
    """The report's lines about linked incidents, as (label, "Title (2026-01-12)")."""
    return [
        (label, f"{' '.join(title.split())} ({started})" if started else " ".join(title.split()))
        for label, linked in (
            ("Recurrence of", contents.recurrences),
            ("Recurred as", contents.recurred_as),
        )
        for title, started in linked
    ]


def plain_lines(texts: Sequence[str]) -> list[str]:
    """Texts with their line breaks kept, blank ones dropped."""
    return [t for t in texts if t.strip()]
