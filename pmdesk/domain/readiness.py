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
    rule: str
    severity: FindingSeverity
    target: Target
    target_id: str | None  # the domain id of the cause, action, event or lesson; None: postmortem
    message: str


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
            "The timeline is empty. Add what happened, when, in order: the change that "
            "started it, how it was noticed, what was done, when it was over.",
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
            f"No event is marked as the trigger. Mark the event that started the {what} "
            "(a deploy, a config change, a traffic spike) with the kind “trigger”.",
        )
    if EventKind.DETECTION not in kinds:
        yield Finding(
            "no-detection",
            WARNING,
            Target.TIMELINE,
            None,
            "No event is marked as detection, so time to detect is unknown. Mark the event when "
            "someone or something first noticed (an alert, a customer report) as “detection”.",
        )
    if EventKind.RESOLUTION not in kinds:
        yield Finding(
            "no-resolution",
            WARNING,
            Target.TIMELINE,
            None,
            "No event is marked as resolution, so time to resolve is unknown. Mark the event "
            "when the service was fully back to normal as “resolution”.",
        )
    for problem in key_moments(pm.timeline).problems:
        yield Finding(
            "moments-out-of-order",
            ERROR,
            Target.TIMELINE,
            problem.later_event_id,
            problem.message,
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
        "The impact has no number. Add at least one metric: who was affected, how long, how "
        "badly (minutes of downtime, failed requests, customers affected)"
        + (", or what would have happened had it not been caught." if near_miss else "."),
    )


def _cause_findings(pm: Postmortem) -> Iterator[Finding]:
    if not pm.causes:
        yield Finding(
            "no-causes",
            ERROR,
            Target.CAUSE,
            None,
            "There is no cause tree. Start with the problem statement and ask why it happened; "
            "keep asking until you reach conditions of the system.",
        )
        return
    tree = CauseTree(pm.causes)
    for leaf in pm.causes:
        if tree.is_leaf(leaf.id) and not leaf.systemic:
            yield Finding(
                "why-stops-early",
                WARNING,
                Target.CAUSE,
                leaf.id,
                f"“{_clip(leaf.text)}” ends its why-chain ({why_label(tree.depth(leaf.id))}). "
                "Ask why once more until the answer is a condition of the system (no "
                "validation, no canary, a slow alert), then mark that cause systemic.",
            )
    covered = addressed(pm.actions)
    for cause in pm.causes:
        if cause.systemic and cause.id not in covered:
            yield Finding(
                "systemic-cause-unaddressed",
                ERROR,
                Target.CAUSE,
                cause.id,
                f"The systemic cause “{_clip(cause.text)}” has no action. Add an action that "
                "changes this condition, or the next postmortem will read like this one.",
            )


def _action_findings(pm: Postmortem, today: date) -> Iterator[Finding]:
    for action in pm.actions:
        yield from _one_action(action, today)


def _one_action(action: ActionItem, today: date) -> Iterator[Finding]:
    title = _clip(action.title)
    if action.status is ActionStatus.DROPPED:
        if not action.notes.strip() and not _drop_reason(action):
            yield Finding(
                "dropped-without-reason",
                ERROR,
                Target.ACTION,
                action.id,
                f"“{title}” was dropped with no reason. Say why (replaced by another action, no "
                "longer relevant) in its notes or when dropping it, so it is never silently "
                "dropped.",
            )
        return
    if action.status.is_active:
        vagueness = find_vagueness(action.title)
        if vagueness is not None:
            yield Finding("action-vague", ERROR, Target.ACTION, action.id, vagueness.message)
        if not (action.owner or "").strip():
            yield Finding(
                "action-no-owner",
                ERROR,
                Target.ACTION,
                action.id,
                f"“{title}” has no owner. Name the team or person who will do it.",
            )
        if action.due is None:
            yield Finding(
                "action-no-due",
                ERROR,
                Target.ACTION,
                action.id,
                f"“{title}” has no due date. Agree on a date so it can be followed up.",
            )
        elif action.due < today:
            days = (today - action.due).days
            yield Finding(
                "action-overdue",
                WARNING,
                Target.ACTION,
                action.id,
                f"“{title}” was due {action.due.isoformat()} ({days} day{'s' * (days != 1)} ago). "
                "Review it: finish it, re-scope it with a new date, or drop it with a reason.",
            )
    if action.cause_id is None:
        yield Finding(
            "action-no-cause",
            WARNING,
            Target.ACTION,
            action.id,
            f"“{title}” is not tied to a cause. Link it to the cause it addresses, so the "
            "review can see which conditions are being fixed.",
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
                f"“{hit.phrase}” puts the failure on a person. {hit.suggestion}",
            )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
