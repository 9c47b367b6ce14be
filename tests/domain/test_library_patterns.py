"""The patterns of a small library, each number worked out by hand in the comments.

Six postmortems, as of 8 December 2026 (2026 Q4):

    A  2026-01-10  c1 no canary stage        [Change management]       a1 dropped
                   c2 alert after 5 minutes  [Detection and alerting]  a2 done 01-25, due 02-01
    B  2026-04-05  c3 skipped review         [Change management,
                                              Validation and testing]  a3 open, due 05-01
    C  2026-07-20  c4 migration untested     [Validation and testing]  a4 done 09-01, due 08-01
    D  2026-10-02  c5 config without canary  [change  management]
                   c6 staging differs        [Validation and testing]
    E  no day      c7 undated draft          [Change management]       a7 open, due 2027-01-01
    F  2023-05-01  c8 no pager               [Detection and alerting]  a8 done, no history

Recurrence links: C recurs A, D recurs C.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.domain.kinds import ActionStatus, PostmortemKind
from pmdesk.domain.learning import ActionState, unkept_on
from pmdesk.domain.library_patterns import (
    QUARTERS_SHOWN,
    ActionRef,
    CaseRef,
    LibraryFacts,
    ThemedCause,
    patterns,
)
from pmdesk.domain.periods import Quarter

TODAY = date(2026, 12, 8)
CHANGE, VALIDATION, DETECTION = (
    "Change management",
    "Validation and testing",
    "Detection and alerting",
)

A = CaseRef("A", "Checkout errors after a deploy", PostmortemKind.INCIDENT, date(2026, 1, 10))
B = CaseRef("B", "Review skipped on a hotfix", PostmortemKind.NEAR_MISS, date(2026, 4, 5))
C = CaseRef("C", "Migration locked the orders table", PostmortemKind.INCIDENT, date(2026, 7, 20))
D = CaseRef("D", "Config push broke checkout again", PostmortemKind.INCIDENT, date(2026, 10, 2))
E = CaseRef("E", "A draft with no timeline", PostmortemKind.INCIDENT, None)
F = CaseRef("F", "Nobody was paged", PostmortemKind.INCIDENT, date(2023, 5, 1))


def cause(ref: str, pm: CaseRef, *themes: str) -> ThemedCause:
    return ThemedCause(ref, pm.id, f"cause {ref}", themes)


def action(
    ref: str,
    pm: CaseRef,
    cause_ref: str | None,
    status: ActionStatus,
    due: date | None = None,
    done_on: date | None = None,
) -> ActionRef:
    return ActionRef(ref, pm.id, cause_ref, f"action {ref}", "platform", status, due, done_on)


FACTS = LibraryFacts(
    postmortems=[A, B, C, D, E, F],
    causes=[
        cause("c1", A, CHANGE),
        cause("c2", A, DETECTION),
        cause("c3", B, CHANGE, VALIDATION),
        cause("c4", C, VALIDATION),
        cause("c5", D, "change  management"),
        cause("c6", D, VALIDATION),
        cause("c7", E, CHANGE),
        cause("c8", F, DETECTION),
    ],
    actions=[
        action("a1", A, "c1", ActionStatus.DROPPED),
        action("a2", A, "c2", ActionStatus.DONE, date(2026, 2, 1), date(2026, 1, 25)),
        action("a3", B, "c3", ActionStatus.OPEN, date(2026, 5, 1)),
        action("a4", C, "c4", ActionStatus.DONE, date(2026, 8, 1), date(2026, 9, 1)),
        action("a7", E, "c7", ActionStatus.OPEN, date(2027, 1, 1)),
        action("a8", F, "c8", ActionStatus.DONE, date(2023, 6, 1)),
        # on no cause: in no theme, but in the recurrence C → A
        action("a9", A, None, ActionStatus.DONE, date(2026, 3, 1), date(2026, 2, 1)),
    ],
    links=[("C", "A"), ("D", "C")],
    theme_names=[CHANGE, VALIDATION, DETECTION, "Capacity and limits"],
)


def ids(items: object) -> list[str]:
    return [item.id for item in items]  # type: ignore[attr-defined]


def test_themes_are_ordered_by_how_many_postmortems_carry_them() -> None:
    found = patterns(FACTS, TODAY)
    # Change management: A, B, D, E (4); Validation: B, C, D (3); Detection: A, F (2). Capacity
    # and limits is in the vocabulary but on no cause: not a pattern.
    assert [t.theme for t in found.themes] == [CHANGE, VALIDATION, DETECTION]
    change = found.themes[0]
    assert change.postmortem_ids == ["A", "B", "D", "E"]  # by day, the undated last
    assert ids(change.causes) == ["c1", "c3", "c5", "c7"]  # "change  management" is the same


def test_causes_fall_in_the_quarter_their_postmortem_started() -> None:
    found = patterns(FACTS, TODAY)
    # Columns: the eight quarters up to today's, 2025 Q1 to 2026 Q4; F's 2023 Q2 is "earlier".
    assert found.quarters[0] == Quarter(2025, 1)
    assert found.quarters[-1] == Quarter(2026, 4)
    assert len(found.quarters) == QUARTERS_SHOWN
    assert found.earlier == (Quarter(2023, 2),)
    change, validation, detection = found.themes
    assert {q.label: ids(c) for q, c in change.by_quarter.items()} == {
        "2026 Q1": ["c1"],
        "2026 Q2": ["c3"],
        "2026 Q4": ["c5"],
    }  # E has no day: in the theme's totals, in no quarter
    assert {q.label: ids(c) for q, c in validation.by_quarter.items()} == {
        "2026 Q2": ["c3"],
        "2026 Q3": ["c4"],
        "2026 Q4": ["c6"],
    }
    assert ids(detection.causes_in(found.earlier)) == ["c8"]


def test_a_young_library_shows_its_quarters_up_to_today() -> None:
    facts = LibraryFacts([C], [cause("c4", C, VALIDATION)], [])
    found = patterns(facts, TODAY)
    assert [q.label for q in found.quarters] == ["2026 Q3", "2026 Q4"]
    assert found.earlier == ()


def test_actions_by_theme_with_completion_and_drop_rates() -> None:
    change, validation, detection = patterns(FACTS, TODAY).themes
    # Change management: a1 dropped, a3 open past its due day (overdue), a7 not yet due (owed).
    assert (change.counts.agreed, change.counts.done, change.counts.dropped) == (3, 0, 1)
    assert (change.counts.overdue, change.counts.owed) == (1, 1)
    assert change.completion == 0.0
    assert change.drop_rate == 1 / 3
    assert change.counts.days_to_done is None
    assert ids(change.actions_in(ActionState.OVERDUE)) == ["a3"]
    # Validation: a3 overdue (its cause carries both themes), a4 done 43 days after C started
    # (20 July to 1 September).
    assert (validation.counts.agreed, validation.counts.done, validation.counts.overdue) == (
        2,
        1,
        1,
    )
    assert validation.completion == 0.5
    assert validation.drop_rate == 0.0
    assert validation.counts.days_to_done == 43
    # Detection: a2 done 15 days after A started; a8 done, but its history says not when.
    assert (detection.counts.agreed, detection.counts.done) == (2, 2)
    assert detection.completion == 1.0
    assert detection.counts.days_to_done == 15


def test_a_theme_comes_back_while_an_earlier_action_on_it_is_unkept() -> None:
    change, validation, detection = patterns(FACTS, TODAY).themes
    # Change management: a1 was dropped after A, so B (5 April) came back after it; by D
    # (2 October) a3 was overdue too (due 1 May): the most recently unkept first.
    assert [(e.later.id, ids(a for a, _ in e.after), e.unkept) for e in change.came_back] == [
        ("B", ["a1"], 1),
        ("D", ["a3", "a1"], 2),
    ]
    assert [case.id for _, case in change.came_back[1].after] == ["B", "A"]
    # Validation: C (20 July) came back while a3 was overdue. By D (2 October) a4, late from
    # 1 August, had been done on 1 September: only a3 is still unkept.
    assert [(e.later.id, ids(a for a, _ in e.after)) for e in validation.came_back] == [
        ("C", ["a3"]),
        ("D", ["a3"]),
    ]
    # Detection: a8 is done, and nothing says it was done late; a2 was done in time.
    assert detection.came_back == ()


def test_a_recurrence_link_comes_back_after_the_earlier_postmortems_unkept_actions() -> None:
    found = patterns(FACTS, TODAY)
    links = [e for e in found.came_back if e.theme is None]
    # C recurs A: on 20 July, A's a1 was dropped (a2 and a9 were done in time). D recurs C: a4
    # had been done on 1 September, before 2 October: it did not come back after anything.
    assert [
        (e.later.id, e.earlier and e.earlier.id, ids(a for a, _ in e.after)) for e in links
    ] == [("C", "A", ["a1"])]
    assert links[0].postmortem_ids == ["C", "A"]


def test_every_came_back_the_newest_first() -> None:
    found = patterns(FACTS, TODAY)
    assert [(e.later.id, e.theme) for e in found.came_back] == [
        ("D", CHANGE),
        ("D", VALIDATION),
        ("C", VALIDATION),
        ("C", None),
        ("B", CHANGE),
    ]


def test_an_empty_library_has_no_patterns() -> None:
    found = patterns(LibraryFacts([A], [], []), TODAY)
    assert found.is_empty
    assert found.quarters == ()


# A few weeks, so that days coincide often: the boundaries are where a sweep goes wrong.
DAYS = st.dates(min_value=date(2026, 3, 1), max_value=date(2026, 3, 20))


@st.composite
def libraries(draw: st.DrawFn) -> LibraryFacts:
    count = draw(st.integers(1, 12))
    cases = [
        CaseRef(f"p{n}", f"p{n}", PostmortemKind.INCIDENT, draw(st.none() | DAYS))
        for n in range(count)
    ]
    causes = [cause(f"c{n}", case, CHANGE) for n, case in enumerate(cases)]
    actions = []
    for n, case in enumerate(cases):
        for m in range(draw(st.integers(0, 3))):
            status = draw(st.sampled_from(list(ActionStatus)))
            done = draw(st.none() | DAYS) if status is ActionStatus.DONE else None
            actions.append(action(f"a{n}.{m}", case, f"c{n}", status, draw(st.none() | DAYS), done))
    return LibraryFacts(cases, causes, actions)


@settings(max_examples=200, deadline=None)
@given(libraries())
def test_came_back_agrees_with_asking_every_earlier_action(facts: LibraryFacts) -> None:
    """The one-pass sweep against the rule asked of every pair of postmortems."""
    found = patterns(facts, TODAY)
    swept = {e.later.id: e.unkept for t in found.themes for e in t.came_back}
    expected = {}
    for later in facts.postmortems:
        if later.day is None:
            continue
        unkept = [
            a
            for a in facts.actions
            if (earlier := next(p for p in facts.postmortems if p.id == a.postmortem_id)).day
            and earlier.day < later.day
            and unkept_on(a.status, a.due, a.done_on, later.day)
        ]
        if unkept:
            expected[later.id] = len(unkept)
    assert swept == expected
