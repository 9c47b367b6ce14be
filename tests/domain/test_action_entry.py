"""One typed line makes a whole action: every field form, and text that only looks like one."""

from __future__ import annotations

from datetime import date

import pytest

from pmdesk.domain.action_entry import (
    EXAMPLE,
    ActionEntry,
    describe,
    owner_at,
    parse_action_entry,
)
from pmdesk.domain.model import Priority

TODAY = date(2026, 3, 4)  # a Wednesday


def parse(text: str) -> ActionEntry:
    return parse_action_entry(text, TODAY)


def test_the_readme_example_is_every_field() -> None:
    assert parse(EXAMPLE) == ActionEntry(
        "Add a canary stage for config pushes", "Platform team", date(2026, 4, 10), Priority.P1
    )


@pytest.mark.parametrize(
    "text",
    [
        "Fix it @Platform team due 2026-04-10 P1",
        "Fix it P1 due 2026-04-10 @Platform team",
        "Fix it due 2026-04-10 @Platform team P1",
        "  Fix it   @Platform   team  due  2026-04-10   p1 ",
    ],
)
def test_fields_come_in_any_order_after_the_title(text: str) -> None:
    assert parse(text) == ActionEntry("Fix it", "Platform team", date(2026, 4, 10), Priority.P1)


def test_each_field_is_optional() -> None:
    assert parse("Fix it") == ActionEntry("Fix it")
    assert parse("Fix it @dana") == ActionEntry("Fix it", owner="dana")
    assert parse("Fix it due fri") == ActionEntry("Fix it", due=date(2026, 3, 6))
    assert parse("Fix it P0") == ActionEntry("Fix it", priority=Priority.P0)


@pytest.mark.parametrize(
    ("word", "due"),
    [
        ("2026-04-10", date(2026, 4, 10)),
        ("+10d", date(2026, 3, 14)),
        ("+2w", date(2026, 3, 18)),
        ("+0d", TODAY),
        ("fri", date(2026, 3, 6)),
        ("Friday", date(2026, 3, 6)),
        ("wed", date(2026, 3, 11)),  # today is a Wednesday: the next one is a week on
        ("thurs", date(2026, 3, 5)),
        ("mon", date(2026, 3, 9)),
        ("eom", date(2026, 3, 31)),
        ("today", TODAY),
        ("tomorrow", date(2026, 3, 5)),
    ],
)
def test_every_date_form(word: str, due: date) -> None:
    assert parse(f"Fix it due {word}").due == due


def test_end_of_month_knows_february_and_leap_years() -> None:
    assert parse_action_entry("x due eom", date(2026, 2, 3)).due == date(2026, 2, 28)
    assert parse_action_entry("x due eom", date(2028, 2, 3)).due == date(2028, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "Send the email @ 5pm",
        "Mail dana@example.com about it",
        "Add a P10 queue",
        "Add a P1 alert for latency",
        "Ask @dana about the P1 queue",
        "Review the due process",
        "Pay what is due",
        "Split P1 P2 queues",
        "Fix the @@ parser",
    ],
)
def test_text_that_only_looks_like_a_field_is_title(text: str) -> None:
    entry = parse(text)
    assert entry == ActionEntry(text), entry
    assert entry.ready


def test_a_field_given_twice_leaves_the_first_in_the_title() -> None:
    assert parse("Ping @dana @sam") == ActionEntry("Ping @dana", owner="sam")
    assert parse("Fix P1 P2") == ActionEntry("Fix P1", priority=Priority.P2)


def test_an_owner_runs_to_the_next_field_and_keeps_words_like_due() -> None:
    assert parse("Fix it @Sales due diligence team P2") == ActionEntry(
        "Fix it", owner="Sales due diligence team", priority=Priority.P2
    )


def test_a_date_that_is_no_date_is_a_problem_not_text() -> None:
    entry = parse("Fix it due 2026-02-30 P1")
    assert not entry.ready
    assert entry.problem is not None and "“2026-02-30” is not a date" in entry.problem
    other = parse("Fix it due 10/04/2026")
    assert not other.ready and other.problem is not None and "10/04/2026" in other.problem


def test_fields_without_a_title_are_not_ready() -> None:
    entry = parse("@dana due fri P1")
    assert entry.owner == "dana" and not entry.ready
    assert entry.problem == "Type what changes first, then its fields."
    assert not parse("   ").ready


def test_the_preview_names_what_was_understood() -> None:
    assert describe(parse(EXAMPLE), TODAY) == (
        "“Add a canary stage for config pushes” · owner Platform team · due Fri 2026-04-10 · P1"
    )
    assert describe(parse("Fix it"), TODAY) == ("“Fix it” · no owner · no due date · no priority")
    assert "due Mon 2026-03-02 (in the past)" in describe(parse("Fix it due 2026-03-02"), TODAY)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Fix it @Pla", (7, "Pla")),
        ("Fix it @Platform te", (7, "Platform te")),
        ("Fix it @", None),
        ("Fix it @ 5pm", None),
        ("mail dana@ex", None),
        ("Fix it @dana due fri", None),
        ("Fix it", None),
    ],
)
def test_the_owner_being_typed_is_found_for_completion(
    text: str, found: tuple[int, str] | None
) -> None:
    assert owner_at(text, len(text)) == found
