"""Each readiness rule fires on what it names and stays quiet on a good postmortem."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pmdesk.domain import readiness
from pmdesk.domain.model import (
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
    TimelineEvent,
)
from pmdesk.domain.readiness import ERROR, WARNING, Finding, Target
from pmdesk.interchange import json_v1
from tests import documents

TODAY = date(2026, 3, 10)
CET = timezone(timedelta(hours=1))


def example() -> Postmortem:
    return json_v1.read_document(documents.example()).postmortem


def findings(pm: Postmortem, today: date = TODAY) -> list[Finding]:
    return readiness.check(pm, today)


def rules(pm: Postmortem, today: date = TODAY) -> list[str]:
    return [f.rule for f in findings(pm, today)]


def only(pm: Postmortem, rule: str) -> Finding:
    (found,) = [f for f in findings(pm) if f.rule == rule]
    return found


def action(pm: Postmortem, ref: str) -> ActionItem:
    return next(a for a in pm.actions if a.ref == ref)


def cause(pm: Postmortem, ref: str) -> Cause:
    return next(c for c in pm.causes if c.ref == ref)


def test_the_example_is_ready_and_clean_before_its_due_dates() -> None:
    assert findings(example()) == []


def test_the_example_today_has_only_overdue_warnings() -> None:
    found = findings(example(), date(2026, 11, 29))
    assert {(f.rule, f.severity) for f in found} == {("action-overdue", WARNING)}
    assert readiness.is_ready(found)


def test_every_rule_name_is_documented() -> None:
    assert set(readiness.RULES) == {
        "no-timeline",
        "no-trigger",
        "no-detection",
        "no-resolution",
        "moments-out-of-order",
        "impact-not-quantified",
        "no-causes",
        "why-stops-early",
        "blame-language",
        "action-vague",
        "action-no-owner",
        "action-no-due",
        "action-no-cause",
        "systemic-cause-unaddressed",
        "dropped-without-reason",
        "action-overdue",
    }


def test_no_timeline() -> None:
    pm = example()
    pm.timeline.clear()
    found = only(pm, "no-timeline")
    assert (found.severity, found.target, found.target_id) == (ERROR, Target.TIMELINE, None)
    assert "no-trigger" not in rules(pm)  # one finding says it; no pile-up


@pytest.mark.parametrize(
    ("kind", "rule", "severity"),
    [
        (EventKind.TRIGGER, "no-trigger", ERROR),
        (EventKind.DETECTION, "no-detection", WARNING),
        (EventKind.RESOLUTION, "no-resolution", WARNING),
    ],
)
def test_missing_key_moment(
    kind: EventKind, rule: str, severity: readiness.FindingSeverity
) -> None:
    pm = example()
    for event in pm.timeline:
        if event.kind is kind:
            event.kind = EventKind.EVENT
    assert only(pm, rule).severity is severity
    assert readiness.is_ready(findings(pm)) is (severity is WARNING)


def test_moments_out_of_order_targets_the_later_event() -> None:
    pm = example()
    detection = next(e for e in pm.timeline if e.kind is EventKind.DETECTION)
    detection.at = datetime(2026, 3, 2, 14, 0, tzinfo=CET)  # before the trigger at 14:05
    pm.sort_timeline()
    found = only(pm, "moments-out-of-order")
    assert (found.severity, found.target_id) == (ERROR, detection.id)


def test_impact_not_quantified_is_an_error_for_incidents_a_warning_for_near_misses() -> None:
    pm = example()
    pm.metrics.clear()
    assert only(pm, "impact-not-quantified").severity is ERROR
    pm.kind = PostmortemKind.NEAR_MISS
    assert only(pm, "impact-not-quantified").severity is WARNING
    pm.metrics.append(ImpactMetric("Orders at risk", 2100, "orders"))
    assert "impact-not-quantified" not in rules(pm)


def test_no_causes() -> None:
    pm = example()
    pm.causes.clear()
    for item in pm.actions:
        item.cause_id = None
    assert only(pm, "no-causes").severity is ERROR


def test_why_stops_early_on_a_leaf_that_is_not_systemic() -> None:
    pm = example()
    cause(pm, "c7").systemic = False
    found = only(pm, "why-stops-early")
    assert (found.severity, found.target_id) == (WARNING, cause(pm, "c7").id)
    assert found.advice == "The chain stops at why 2: ask why once more"  # c1, c6 why 1, c7
    assert (found.what, found.quoted) == (cause(pm, "c7").text, True)
    # an inner cause that is not systemic is fine: its children carry the chain on
    assert cause(pm, "c6").systemic is False


def test_systemic_cause_unaddressed_ignores_dropped_actions() -> None:
    pm = example()
    action(pm, "a2").status = ActionStatus.DROPPED
    action(pm, "a2").notes = "Too costly this quarter"
    found = only(pm, "systemic-cause-unaddressed")
    assert (found.severity, found.target_id) == (ERROR, cause(pm, "c5").id)


def test_a_done_action_addresses_its_cause() -> None:
    pm = example()
    action(pm, "a4").status = ActionStatus.DROPPED
    action(pm, "a4").notes = "Merged into a3"
    assert action(pm, "a3").status is ActionStatus.DONE
    assert "systemic-cause-unaddressed" not in rules(pm)


def test_action_owner_due_and_cause() -> None:
    pm = example()
    a1 = action(pm, "a1")
    a1.owner, a1.due, a1.cause_id = " ", None, None
    found = {f.rule: f for f in findings(pm) if f.target_id == a1.id}
    assert found["action-no-owner"].severity is ERROR
    assert found["action-no-due"].severity is ERROR
    assert found["action-no-cause"].severity is WARNING


def test_done_actions_need_no_owner_or_date() -> None:
    pm = example()
    a3 = action(pm, "a3")
    a3.owner, a3.due = None, None
    assert [f for f in findings(pm) if f.target_id == a3.id] == []


def test_action_overdue_only_while_open_or_in_progress() -> None:
    pm = example()
    overdue = [f for f in findings(pm, date(2026, 3, 21)) if f.rule == "action-overdue"]
    # a1 (due 03-20, in progress) and a4 (due 03-15, open); a3 is done
    assert {f.target_id for f in overdue} == {action(pm, "a1").id, action(pm, "a4").id}
    a1 = next(f for f in overdue if f.target_id == action(pm, "a1").id)
    assert a1.advice == "Due 20 Mar, 1 day ago: finish, re-scope or drop it"
    assert "action-overdue" not in rules(pm, date(2026, 3, 15))  # due today is not overdue


def test_dropped_without_reason() -> None:
    pm = example()
    action(pm, "a5").notes = "  "
    found = only(pm, "dropped-without-reason")
    assert (found.severity, found.target_id) == (ERROR, action(pm, "a5").id)


def test_vague_action_is_an_error_but_not_once_dropped() -> None:
    pm = example()
    a5 = action(pm, "a5")
    assert a5.title == "Improve monitoring" and "action-vague" not in rules(pm)
    a5.status, a5.owner, a5.due, a5.cause_id = ActionStatus.OPEN, "SRE", TODAY, cause(pm, "c7").id
    found = only(pm, "action-vague")
    assert (found.severity, found.target, found.target_id) == (ERROR, Target.ACTION, a5.id)


@pytest.mark.parametrize(
    ("place", "target"),
    [
        ("summary", Target.POSTMORTEM),
        ("timeline", Target.TIMELINE),
        ("cause", Target.CAUSE),
        ("lesson", Target.LESSON),
    ],
)
def test_blame_language_everywhere_it_is_judged(place: str, target: Target) -> None:
    pm = example()
    text = "The outage was caused by human error during the deploy."
    expected_id: str | None = None
    if place == "summary":
        pm.summary = text
    elif place == "timeline":
        pm.timeline[3].text, expected_id = text, pm.timeline[3].id
    elif place == "cause":
        cause(pm, "c1").text, expected_id = text, cause(pm, "c1").id
    else:
        pm.lessons.append(Lesson(LessonKind.WENT_WRONG, text))
        expected_id = pm.lessons[-1].id
    found = only(pm, "blame-language")
    assert (found.severity, found.target, found.target_id) == (ERROR, target, expected_id)
    assert "human error" in found.message


def test_blame_names_a_participant() -> None:
    pm = example()
    pm.participants.append(Participant("Priya Nair", "on-call engineer"))
    cause(pm, "c2").text = "Priya forgot to run the config linter before merging"
    assert only(pm, "blame-language").target_id == cause(pm, "c2").id


def test_a_blame_finding_hands_the_facilitator_its_questions() -> None:
    pm = example()
    pm.participants.append(Participant("Priya Nair", "on-call engineer"))
    cause(pm, "c2").text = "If Priya had checked the canary dashboard, the push would have stopped."
    found = only(pm, "blame-language")
    assert "Ask the room: What made checking the canary dashboard hard to see" in found.detail


def test_a_minimal_postmortem_lists_what_is_missing_in_reading_order() -> None:
    pm = Postmortem(title="Empty")
    assert rules(pm) == ["no-timeline", "impact-not-quantified", "no-causes"]
    pm.timeline.append(
        TimelineEvent(datetime(2026, 3, 2, 14, 0, tzinfo=CET), EventKind.EVENT, "Something")
    )
    assert rules(pm)[:3] == ["no-trigger", "no-detection", "no-resolution"]


def every_rule_at_once() -> Postmortem:
    """A postmortem that sets off every rule but `no-timeline`, `no-causes` (they stand in for
    the ones they would repeat) and `no-detection` (moments out of order need one)."""
    pm = example()
    pm.kind = PostmortemKind.INCIDENT
    pm.metrics.clear()
    pm.summary = "The outage was caused by human error during the deploy."
    for event in pm.timeline:
        if event.kind in (EventKind.TRIGGER, EventKind.RESOLUTION):
            event.kind = EventKind.EVENT
    detection = next(e for e in pm.timeline if e.kind is EventKind.DETECTION)
    mitigation = next(e for e in pm.timeline if e.kind is EventKind.MITIGATION)
    mitigation.at = detection.at - timedelta(minutes=1)  # mitigated before it was noticed
    pm.sort_timeline()
    cause(pm, "c7").systemic = False
    a1, a2, a4, a5 = (action(pm, ref) for ref in ("a1", "a2", "a4", "a5"))
    a1.owner, a1.cause_id = None, None
    a2.due = None
    a4.title = "Improve monitoring"
    a5.notes = ""
    return pm


def test_the_advice_is_one_short_line_that_does_not_repeat_what_it_is_about() -> None:
    found = findings(every_rule_at_once(), date(2026, 12, 7))
    assert {f.rule for f in found} == set(readiness.RULES) - {
        "no-timeline",
        "no-causes",
        "no-detection",
    }
    empty = Postmortem(title="Empty")
    found += findings(empty)
    empty.timeline.append(
        TimelineEvent(datetime(2026, 3, 2, 14, 0, tzinfo=CET), EventKind.EVENT, "Something")
    )
    found += findings(empty)
    assert {f.rule for f in found} == set(readiness.RULES)
    for f in found:
        assert f.what and f.advice and f.detail, f
        assert len(f.advice) <= 56, f.advice  # one line of a narrow panel
        assert not f.advice.endswith("."), f.advice
        assert f.what not in f.advice and f.what[:20] not in f.advice, f.advice
        assert "“" not in f.advice or f.rule in (
            "blame-language",
            "no-trigger",
            "no-detection",
            "no-resolution",
        ), f.advice
        assert f.message.startswith(f"“{f.what[:20]}" if f.quoted else f.what)
        assert f.advice in f.message and f.detail in f.message


def test_an_overdue_action_says_its_date_and_how_long_ago_in_a_few_words() -> None:
    pm = example()  # a1 is due 2026-03-20
    (found,) = [f for f in findings(pm, date(2026, 12, 7)) if f.target_id == action(pm, "a1").id]
    assert found.what == "Add schema validation to the config deployment pipeline"
    assert found.advice == "Due 20 Mar, 262 days ago: finish, re-scope or drop it"
    (next_year,) = [f for f in findings(pm, date(2027, 1, 4)) if f.target_id == action(pm, "a1").id]
    assert next_year.advice == "Due 20 Mar 2026, 290 days ago: finish, re-scope or drop it"
    assert next_year.message == (
        "“Add schema validation to the config deployment pipeline”. Due 20 Mar 2026, 290 days "
        "ago: finish, re-scope or drop it. Mark it done if it is; otherwise give it a new date "
        "with the reason it moved, or drop it saying why."
    )


def test_each_finding_keeps_its_target() -> None:
    pm = every_rule_at_once()
    targets = {(f.rule, f.target, f.target_id) for f in findings(pm, date(2026, 12, 7))}
    c7, a1, a2, a4, a5 = cause(pm, "c7"), *(action(pm, r) for r in ("a1", "a2", "a4", "a5"))
    assert {
        ("no-trigger", Target.TIMELINE, None),
        ("no-resolution", Target.TIMELINE, None),
        ("impact-not-quantified", Target.POSTMORTEM, None),
        ("why-stops-early", Target.CAUSE, c7.id),
        ("blame-language", Target.POSTMORTEM, None),
        ("action-no-owner", Target.ACTION, a1.id),
        ("action-no-cause", Target.ACTION, a1.id),
        ("action-no-due", Target.ACTION, a2.id),
        ("action-vague", Target.ACTION, a4.id),
        ("dropped-without-reason", Target.ACTION, a5.id),
    } <= targets
