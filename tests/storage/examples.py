"""Postmortems for the storage tests: one that uses every field, and ones of a fixed shape that a
child process can write and the test can rebuild exactly from the title alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from pmdesk.domain.meeting import (
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
    Timebox,
    default_agenda,
)
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
    Priority,
    Severity,
    TimelineEvent,
)

PLUS_ONE = timezone(timedelta(hours=1))
MINUS_SEVEN_THIRTY = timezone(-timedelta(hours=7, minutes=30))

TRICKY_TEXTS = (
    "Checkout 💥 fell over 🔥🧯",
    "מסד הנתונים נפל — ثم عاد",  # Hebrew and Arabic, right to left
    "<b>&amp;</b> & <script>alert('x')</script> \"quoted\" 'single'",
    "line one\nline two\r\nline three\ttabbed",
    "Ünïcödé, 中文, Ελληνικά, \u200bzero-width, e\u0301 combining",
    "",
)


# A theme that is not among DEFAULT_THEMES: storing the rich postmortem adds it to the library.
NEW_THEME = "Config drift 🦊 <&>"


def without_themes(postmortem: Postmortem) -> Postmortem:
    """The postmortem with no theme on any cause, as a library before revision 0008 keeps it."""
    for cause in postmortem.causes:
        cause.themes = []
    return postmortem


def rich_postmortem() -> Postmortem:
    """Every field set, awkward strings, int and float metrics, three offsets, equal times, and a
    review meeting with a parked point that became action a2."""
    start = datetime(2026, 3, 2, 14, 5, tzinfo=PLUS_ONE)
    trigger = TimelineEvent(start, EventKind.TRIGGER, TRICKY_TEXTS[0], source="deploy log")
    # The same instant as the trigger, written in UTC: it must stay second, and stay "Z".
    same_instant = TimelineEvent(
        start.astimezone(UTC), EventKind.EVENT, TRICKY_TEXTS[1], source=None
    )
    detected_at = datetime(2026, 3, 2, 5, 50, 30, 123456, tzinfo=MINUS_SEVEN_THIRTY)
    detection = TimelineEvent(detected_at, EventKind.DETECTION, TRICKY_TEXTS[2], "pager")
    escalation = TimelineEvent(detected_at, EventKind.ESCALATION, "Paged the on-call", "pager")
    decision = TimelineEvent(detected_at, EventKind.DECISION, TRICKY_TEXTS[3])
    mitigation = TimelineEvent(
        datetime(2026, 3, 2, 13, 40, tzinfo=UTC), EventKind.MITIGATION, "Rolled back to v41"
    )
    resolution = TimelineEvent(
        datetime(2026, 3, 2, 15, 10, tzinfo=PLUS_ONE), EventKind.RESOLUTION, TRICKY_TEXTS[4]
    )
    timeline = [trigger, same_instant, detection, escalation, decision, mitigation, resolution]

    problem = Cause("p1", "Checkout returned 500s for 41 minutes", evidence=[trigger.id])
    why1 = Cause("c1", TRICKY_TEXTS[2], parent_id=problem.id, evidence=[detection.id, trigger.id])
    # Themes: two defaults, one the library lacks until this is stored, and one on a cause that
    # is not systemic (kept, but not counted).
    why1.themes = ["Change management"]
    why2 = Cause("c2", "No schema validation", parent_id=why1.id, systemic=True)
    why2.themes = ["Validation and testing", NEW_THEME]
    why1b = Cause("c3", TRICKY_TEXTS[1], parent_id=problem.id, evidence=[mitigation.id])
    why2b = Cause("c4", "Alert threshold too high", parent_id=why1b.id, systemic=True)
    why2b.themes = ["Detection and alerting"]
    other_root = Cause("p2", "Support queue overflowed", evidence=[])
    causes = [problem, why1, why2, why1b, why2b, other_root]

    postmortem = Postmortem(
        title=f"Checkout outage {TRICKY_TEXTS[0]} {TRICKY_TEXTS[2]}",
        kind=PostmortemKind.INCIDENT,
        severity=Severity.SEV2,
        status=PostmortemStatus.REVIEW,
        timezone="Europe/Berlin",
        summary="\n\n".join(TRICKY_TEXTS),
        impact_summary=TRICKY_TEXTS[1],
        metrics=[
            ImpactMetric("Failed checkouts", 12400, "requests"),
            ImpactMetric("Error rate", 2.5, "%"),
            ImpactMetric("Refunds", 0, None),
            ImpactMetric("Revenue lost", 12400.0, "EUR"),
            ImpactMetric("Tiny", 1e-7, None),
            ImpactMetric("Huge", 2**70, None),
        ],
        participants=[
            Participant("Dana Q.", "facilitator"),
            Participant("أحمد", None),
            Participant("Zoë 🦊", "scribe"),
        ],
        tags=["config", "checkout", "🔥", "<tag>"],
        timeline=timeline,
        causes=causes,
        actions=[
            ActionItem(
                "a1",
                "Add schema validation",
                owner="Platform team",
                due=date(2026, 3, 15),
                status=ActionStatus.OPEN,
                priority=Priority.P1,
                cause_id=why2.id,
                notes=TRICKY_TEXTS[3],
                history=[
                    ActionChange(
                        datetime(2026, 3, 3, 9, 0, tzinfo=PLUS_ONE),
                        ActionField.OWNER,
                        None,
                        "Platform team",
                    ),
                    ActionChange(
                        datetime(2026, 3, 10, 17, 30, tzinfo=UTC),
                        ActionField.DUE,
                        "2026-03-08",
                        "2026-03-15",
                        TRICKY_TEXTS[2],
                    ),
                ],
            ),
            ActionItem(
                "a2",
                "Lower the alert threshold",
                status=ActionStatus.IN_PROGRESS,
                priority=Priority.P0,
                cause_id=why2b.id,
            ),
            ActionItem("a3", "Be more careful", status=ActionStatus.DROPPED, notes="Too vague."),
            ActionItem("a4", "Write runbook", status=ActionStatus.DONE, cause_id=problem.id),
        ],
        lessons=[
            Lesson(LessonKind.WENT_WELL, "Rollback took two minutes."),
            Lesson(LessonKind.WENT_WRONG, TRICKY_TEXTS[2]),
            Lesson(LessonKind.LUCKY, "It happened on a quiet day."),
        ],
    )
    postmortem.meeting = rich_meeting(parked_as=postmortem.actions[1].id)
    return postmortem


def rich_meeting(parked_as: str | None = None) -> Meeting:
    """A meeting that was held: times in two offsets, changed and spent timeboxes, every role,
    awkward texts, and (with `parked_as`) a parked point that became that action."""
    agenda = default_agenda()
    agenda[1] = Timebox(Step.TIMELINE, 12, 734)
    agenda[3] = Timebox(Step.FIVE_WHYS, 180, 0)
    agenda[0].spent_seconds = 301
    return Meeting(
        agenda=agenda,
        attendees=[
            Attendee("Dana Q.", Role.FACILITATOR),
            Attendee("Zoë 🦊", Role.SCRIBE),
            Attendee("أحمد"),
            Attendee("dana r."),
        ],
        parking_lot=[
            ParkedPoint(TRICKY_TEXTS[2]),
            ParkedPoint("Staging has no config parity", action_id=parked_as),
            ParkedPoint(TRICKY_TEXTS[3]),
        ],
        decisions=[
            Decision("Config pushes go through the canary from now on"),
            Decision(TRICKY_TEXTS[1]),
        ],
        started=datetime(2026, 3, 5, 10, 0, tzinfo=PLUS_ONE),
        ended=datetime(2026, 3, 5, 2, 35, 17, tzinfo=MINUS_SEVEN_THIRTY),  # 11:05:17 at +01:00
    )


# The shape of every `shaped_postmortem`: what a complete one holds.
SHAPE_EVENTS = 12
SHAPE_CAUSES = 7  # one problem, two whys under it, two under each of those
SHAPE_ACTIONS = 4
SHAPE_LESSONS = 2
_NAMESPACE = uuid.UUID("5d0c4a53-0b5e-4f4e-9a0e-6b8f3c2a1d00")


def _id(name: str, part: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{name}/{part}").hex


def shaped_postmortem(name: str) -> Postmortem:
    """A postmortem of the fixed shape above, the same every time for the same name (its title)."""
    base = datetime(2026, 1, 1, 9, 0, tzinfo=PLUS_ONE)
    timeline = [
        TimelineEvent(
            base + timedelta(minutes=i // 2),  # pairs of equal times
            EventKind.TRIGGER if i == 0 else EventKind.EVENT,
            f"{name} event {i} ✓",
            id=_id(name, f"e{i}"),
        )
        for i in range(SHAPE_EVENTS)
    ]
    root = Cause("c1", f"{name} problem", id=_id(name, "c1"), evidence=[timeline[0].id])
    causes = [root]
    for i in (2, 3):
        why = Cause(f"c{i}", f"why {i}", parent_id=root.id, id=_id(name, f"c{i}"))
        causes.append(why)
        for j in (1, 2):
            ref = f"c{i}{j}"
            causes.append(
                Cause(ref, f"why {ref}", parent_id=why.id, systemic=True, id=_id(name, ref))
            )
    actions = [
        ActionItem(
            f"a{i}",
            f"action {i}",
            status=list(ActionStatus)[i % len(ActionStatus)],
            cause_id=causes[i].id,
            id=_id(name, f"a{i}"),
        )
        for i in range(SHAPE_ACTIONS)
    ]
    lessons = [
        Lesson(LessonKind.WENT_WELL, f"lesson {i}", id=_id(name, f"l{i}"))
        for i in range(SHAPE_LESSONS)
    ]
    return Postmortem(
        title=name,
        severity=Severity.SEV3,
        metrics=[ImpactMetric("errors", 7), ImpactMetric("ratio", 0.25)],
        participants=[Participant("Sam")],
        tags=["shaped"],
        timeline=timeline,
        causes=causes,
        actions=actions,
        lessons=lessons,
        id=_id(name, "postmortem"),
    )
