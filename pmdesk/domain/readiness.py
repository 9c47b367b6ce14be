"""Readiness checks: how pmdesk teaches the structure of a good blameless postmortem.

Each rule looks at one part of a postmortem and says what to do about it. Rule names are a
contract (the command line prints them, tests and scripts match on them). Errors are what stops a
postmortem being fit to share: missing facts, blame, vague or unowned actions, causes nobody will
fix. Warnings are nudges: things worth a second look that a team may have good reason to leave.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pmdesk.domain.cause_tree import CauseTree, addressed, why_label
from pmdesk.domain.language import find_blame, find_vagueness
from pmdesk.domain.model import (
    ActionField,
    ActionItem,
    ActionStatus,
    EventKind,
    Postmortem,
    PostmortemKind,
)
from pmdesk.domain.moments import key_moments


class FindingSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Target(StrEnum):
    POSTMORTEM = "postmortem"
    TIMELINE = "timeline"
    CAUSE = "cause"
    ACTION = "action"
    LESSON = "lesson"


ERROR = FindingSeverity.ERROR
WARNING = FindingSeverity.WARNING


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check found, said three ways: what it is about, one short line of what to do, and
    the whole advice (why, and how)."""

    rule: str
    severity: FindingSeverity
    target: Target
    target_id: str | None  # the domain id of the cause, action, event or lesson; None: postmortem
    what: str  # what it is about: the user's own words (`quoted`) or a few words naming the gap
    advice: str  # one short line: what to do, without repeating `what`
    detail: str  # the whole advice: why it matters and how to put it right
    quoted: bool = False  # `what` is the user's text (an action's title, a cause, an event)

    @property
    def message(self) -> str:
        """The finding in one text, for where it stands alone (the command line, the meeting's
        wrap-up): what it is about, the short advice, the whole advice."""
        what = f"“{_clip(self.what)}”" if self.quoted else self.what
        return f"{what}. {self.advice}. {self.detail}"


RULES: dict[str, str] = {
    "no-timeline": "The timeline has no events.",
    "no-trigger": "No timeline event marks when the incident started.",
    "no-detection": "No timeline event marks when the incident was detected.",
    "no-resolution": "No timeline event marks when the incident was resolved.",
    "moments-out-of-order": "Key moments of the timeline are out of order.",
    "impact-not-quantified": "The impact has no number.",
    "no-causes": "There is no cause tree.",
    "why-stops-early": "A why-chain ends before reaching a condition of the system.",
    "blame-language": "A text puts the failure on a person.",
    "action-vague": "An action has no concrete deliverable.",
    "action-no-owner": "An action has no owner.",
    "action-no-due": "An action has no due date.",
    "action-no-cause": "An action is not tied to a cause.",
    "systemic-cause-unaddressed": "A systemic cause has no action.",
    "dropped-without-reason": "An action was dropped without saying why.",
    "action-overdue": "An action is past its due date.",
}


def check(postmortem: Postmortem, today: date) -> list[Finding]:
    """Every finding for a postmortem: timeline, impact, causes, actions, then wording."""
    return [
        *_timeline_findings(postmortem),
        *_impact_findings(postmortem),
        *_cause_findings(postmortem),
        *_action_findings(postmortem, today),
        *_blame_findings(postmortem),
    ]


def is_ready(findings: list[Finding]) -> bool:
    return not any(f.severity is ERROR for f in findings)


def _timeline_findings(pm: Postmortem) -> Iterator[Finding]:
    if not pm.timeline:
        yield Finding(
            "no-timeline",
            ERROR,
            Target.TIMELINE,
            None,
            "The timeline is empty",
            "Add what happened, when, in order",
            "Start with the change that set it off, then how it was noticed, what was done, "
            "and when it was over.",
        )
        return
    kinds = {event.kind for event in pm.timeline}
    what = "near miss" if pm.kind is PostmortemKind.NEAR_MISS else "incident"
    if EventKind.TRIGGER not in kinds:
        yield Finding(
            "no-trigger",
            ERROR,
            Target.TIMELINE,
            None,
            "No trigger",
            "Mark the event that started it as “trigger”",
            f"The trigger is what started the {what}: a deploy, a config change, a traffic "
            "spike. Time to detect and time to resolve count from it.",
        )
    if EventKind.DETECTION not in kinds:
        yield Finding(
            "no-detection",
            WARNING,
            Target.TIMELINE,
            None,
            "No detection",
            "Mark when it was first noticed as “detection”",
            "Without it, time to detect is unknown. Mark the event when someone or something "
            "first noticed (an alert, a customer report) with the kind “detection”.",
        )
    if EventKind.RESOLUTION not in kinds:
        yield Finding(
            "no-resolution",
            WARNING,
            Target.TIMELINE,
            None,
            "No resolution",
            "Mark when it was over as “resolution”",
            "Without it, time to resolve is unknown. Mark the event when the service was fully "
            "back to normal with the kind “resolution”.",
        )
    texts = {event.id: event.text for event in pm.timeline}
    for problem in key_moments(pm.timeline).problems:
        later = problem.later_kind.value
        yield Finding(
            "moments-out-of-order",
            ERROR,
            Target.TIMELINE,
            problem.later_event_id,
            texts[problem.later_event_id],
            f"{later.capitalize()} before the {problem.earlier_kind.value}: check times or kinds",
            problem.message,
            quoted=True,
        )


def _impact_findings(pm: Postmortem) -> Iterator[Finding]:
    if pm.metrics:
        return
    near_miss = pm.kind is PostmortemKind.NEAR_MISS
    yield Finding(
        "impact-not-quantified",
        WARNING if near_miss else ERROR,
        Target.POSTMORTEM,
        None,
        "The impact has no number",
        "Add a metric: what it could have cost"
        if near_miss
        else "Add a metric: who, how many, how long",
        "Add at least one metric: who was affected, how long, how badly (minutes of downtime, "
        "failed requests, customers affected)"
        + (", or what would have happened had it not been caught." if near_miss else "."),
    )


def _cause_findings(pm: Postmortem) -> Iterator[Finding]:
    if not pm.causes:
        yield Finding(
            "no-causes",
            ERROR,
            Target.CAUSE,
            None,
            "No cause tree",
            "State the problem, then ask why",
            "Start with the problem statement and ask why it happened; keep asking until the "
            "answers are conditions of the system.",
        )
        return
    tree = CauseTree(pm.causes)
    for leaf in pm.causes:
        if tree.is_leaf(leaf.id) and not leaf.systemic:
            level = why_label(tree.depth(leaf.id))
            yield Finding(
                "why-stops-early",
                WARNING,
                Target.CAUSE,
                leaf.id,
                leaf.text,
                f"The chain stops at {level}: ask why once more",
                "Keep asking until the answer is a condition of the system (no validation, no "
                "canary, a slow alert), then mark that cause systemic.",
                quoted=True,
            )
    covered = addressed(pm.actions)
    for cause in pm.causes:
        if cause.systemic and cause.id not in covered:
            yield Finding(
                "systemic-cause-unaddressed",
                ERROR,
                Target.CAUSE,
                cause.id,
                cause.text,
                "Systemic, and no action changes it: add one",
                "Add an action that changes this condition, or the next postmortem will read "
                "like this one.",
                quoted=True,
            )


def _action_findings(pm: Postmortem, today: date) -> Iterator[Finding]:
    for action in pm.actions:
        yield from _one_action(action, today)


def _one_action(action: ActionItem, today: date) -> Iterator[Finding]:
    def found(rule: str, severity: FindingSeverity, advice: str, detail: str) -> Finding:
        return Finding(
            rule, severity, Target.ACTION, action.id, action.title, advice, detail, quoted=True
        )

    if action.status is ActionStatus.DROPPED:
        if not action.notes.strip() and not _drop_reason(action):
            yield found(
                "dropped-without-reason",
                ERROR,
                "Dropped with no reason: say why",
                "Say why in its notes or when dropping it (replaced by another action, no "
                "longer relevant), so that no action is ever dropped silently.",
            )
        return
    if action.status.is_active:
        vagueness = find_vagueness(action.title)
        if vagueness is not None:
            yield found(
                "action-vague",
                ERROR,
                "No concrete deliverable: say what changes, where",
                vagueness.message,
            )
        if not (action.owner or "").strip():
            yield found(
                "action-no-owner",
                ERROR,
                "No owner: name the team or person",
                "Name the team or person who will do it, so that someone answers for it at the "
                "follow-up.",
            )
        if action.due is None:
            yield found(
                "action-no-due",
                ERROR,
                "No due date: agree on one",
                "Agree on a date, so that it can be followed up.",
            )
        elif action.due < today:
            days = (today - action.due).days
            yield found(
                "action-overdue",
                WARNING,
                f"Due {_day(action.due, today)}, {days} day{'s' * (days != 1)} ago: finish, "
                "re-scope or drop it",
                "Mark it done if it is; otherwise give it a new date with the reason it moved, "
                "or drop it saying why.",
            )
    if action.cause_id is None:
        yield found(
            "action-no-cause",
            WARNING,
            "Not tied to a cause: link the one it fixes",
            "Link it to the cause it addresses, so the review can see which conditions are "
            "being fixed.",
        )


def _drop_reason(action: ActionItem) -> str:
    """The note given when the action was last dropped, if its history has one."""
    drops = [
        change
        for change in action.history
        if change.field is ActionField.STATUS and change.new == ActionStatus.DROPPED.value
    ]
    return drops[-1].note.strip() if drops else ""


def _blame_findings(pm: Postmortem) -> Iterator[Finding]:
    people = [p.name for p in pm.participants]
    texts: list[tuple[Target, str | None, str]] = [(Target.POSTMORTEM, None, pm.summary)]
    texts += [(Target.TIMELINE, e.id, e.text) for e in pm.timeline]
    texts += [(Target.CAUSE, c.id, c.text) for c in pm.causes]
    texts += [(Target.LESSON, x.id, x.text) for x in pm.lessons]
    for target, target_id, text in texts:
        hit = find_blame(text, people)
        if hit is not None:
            yield Finding(
                "blame-language",
                ERROR,
                target,
                target_id,
                text,
                f"“{hit.phrase}” puts the failure on a person: reword it",
                f"{hit.suggestion} Ask the room: {' '.join(hit.questions)}",
                quoted=True,
            )


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: date, today: date) -> str:
    """A date as it is said: "20 Mar", with its year when that is not this year's."""
    said = f"{day.day} {MONTHS[day.month - 1]}"
    return said if day.year == today.year else f"{said} {day.year}"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
