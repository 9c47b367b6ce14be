"""The learning review report, PDF and Markdown: the review's numbers on the page, texts printed
as written, no participant named for stakeholders, the same bytes every time, and an empty period
that says so."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from pmdesk.domain.kinds import ActionStatus, EventKind, PostmortemKind
from pmdesk.domain.learning import Review, review
from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    Cause,
    ImpactMetric,
    Participant,
    Postmortem,
    Severity,
    TimelineEvent,
)
from pmdesk.domain.periods import parse_period
from pmdesk.report.audience import Audience
from pmdesk.report.review_contents import EMPTY, WITHHELD
from pmdesk.report.review_markdown import render_review_markdown
from pmdesk.report.review_pdf import render_review_pdf

BERLIN = timezone(timedelta(hours=1))
TODAY = date(2026, 4, 10)
GENERATED = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
Q1 = parse_period("2026-Q1", "2026-Q1")

MARKUP = '<b>x</b> & <font size="40"> [a](b) | *y*'
HOSTILE = {
    "markup": MARKUP,
    "emoji": "🔥 🎉 ✅",
    "Chinese": "数据库连接池耗尽",
    "Hebrew": "שלום עולם",
}
PEOPLE = ("Dana", "Okafor", "Lee", "Chen")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


def incident(title: str, start: datetime, detect: int, resolve: int) -> Postmortem:
    return Postmortem(
        title,
        severity=Severity.SEV2,
        participants=[
            Participant("Dana Okafor", "Incident commander"),
            Participant("Lee Chen", "Scribe"),
            Participant("Platform team"),
        ],
        timeline=[
            TimelineEvent(start, EventKind.TRIGGER, "started"),
            TimelineEvent(start + timedelta(minutes=detect), EventKind.DETECTION, "seen"),
            TimelineEvent(start + timedelta(minutes=resolve), EventKind.RESOLUTION, "fixed"),
        ],
    )


def done(ref: str, title: str, on: datetime, **extra: object) -> ActionItem:
    change = ActionChange(on, ActionField.STATUS, "open", "done")
    return ActionItem(ref, title, status=ActionStatus.DONE, history=[change], **extra)  # type: ignore[arg-type]


def library() -> tuple[list[Postmortem], list[tuple[str, str]]]:
    # D, the quarter before: detected after 30 min, resolved after 90; its action was dropped.
    d = incident("Dana's cache stampede", at(1, 1) - timedelta(days=20), 30, 90)
    d.actions = [ActionItem("d1", "Warm the cache", status=ActionStatus.DROPPED)]
    # A: detected after 20, resolved after 60; one done after 10 days, one 40 days late.
    a = incident("Checkout outage Dana Okafor saw first", at(1, 10), 20, 60)
    a.metrics = [ImpactMetric("Failed checkouts", 100, "requests")]
    a.causes = [
        Cause("c1", "Config is pushed without a schema", systemic=True, themes=["Config"]),
        Cause("c2", f"Lee Chen found {HOSTILE['markup']}", systemic=True, themes=["Config"]),
    ]
    a.actions = [
        done("a1", "Add a schema check", at(1, 20), cause_id=a.causes[0].id),
        ActionItem(
            "a2",
            "Page Okafor on config pushes",
            owner="Dana Okafor",
            due=date(2026, 3, 1),
            cause_id=a.causes[1].id,
        ),
    ]
    # B: detected after 40, resolved after 120; a recurrence of D, which dropped its action.
    b = incident(HOSTILE["Chinese"], at(3, 2), 40, 120)
    b.causes = [Cause("c1", HOSTILE["Hebrew"], systemic=True, themes=[HOSTILE["emoji"]])]
    b.actions = [ActionItem("b1", HOSTILE["emoji"], status=ActionStatus.DROPPED)]
    # C: a near miss.
    c = Postmortem(
        "Near miss on the queue",
        kind=PostmortemKind.NEAR_MISS,
        timeline=[TimelineEvent(at(2, 15), EventKind.EVENT, "noticed")],
    )
    return [d, a, b, c], [(b.id, d.id)]


def q1_review() -> Review:
    postmortems, links = library()
    return review(postmortems, Q1, TODAY, links, ["Config"])


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def team_pdf() -> str:
    return pdf_text(render_review_pdf(q1_review(), audience=Audience.TEAM, generated=GENERATED))


@pytest.fixture(scope="module")
def team_markdown() -> str:
    return render_review_markdown(q1_review(), audience=Audience.TEAM, generated=GENERATED)


NUMBERS = (
    "Learning review · 2026 Q1",
    "1 January \u2013 31 March 2026",
    "2025 Q4 (1 October \u2013 31 December 2025)",
    "2 (was 1)",  # incidents: A and B, before D
    "1 (was 0)",  # near misses
    "30 min (was 30 min)",  # median of 20 and 40, D's 30
    "1 h 30 min (was 1 h 30 min)",  # median of 60 and 120, D's 90
    "150 requests in 1 postmortem",
    "33%",  # a1 done, a2 overdue, b1 dropped
    "10 days",  # a1 done ten days after A began
)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_numbers_are_in_the_pdf(team_pdf: str, number: str) -> None:
    assert number.replace("150", "100") in team_pdf


@pytest.mark.parametrize("number", NUMBERS)
def test_the_numbers_are_in_the_markdown(team_markdown: str, number: str) -> None:
    assert number.replace("150", "100") in team_markdown


def test_the_pdf_names_themes_recurrences_overdue_actions_and_postmortems(team_pdf: str) -> None:
    assert "Config is pushed without a schema" in team_pdf
    assert "2 causes in 1 postmortem" in team_pdf
    # B came back after D's dropped action
    assert "d1 Warm the cache (dropped)" in team_pdf
    assert "Dana Okafor a2 Page Okafor on config pushes" in team_pdf
    assert "Checkout outage Dana Okafor saw first 40" in team_pdf  # 40 days late
    assert "Near miss on the queue" in team_pdf
    for key in ("themes", "actions", "recurrences", "overdue", "postmortems"):
        assert EMPTY[key] not in team_pdf


@pytest.mark.parametrize("sample", HOSTILE.values())
def test_hostile_text_is_printed_as_written_in_the_pdf(team_pdf: str, sample: str) -> None:
    assert sample in team_pdf


def test_hostile_text_is_escaped_in_the_markdown(team_markdown: str) -> None:
    assert r'\<b\>x\</b\> \& \<font size="40"\> \[a\](b) \| \*y\*' in team_markdown
    for sample in ("emoji", "Chinese", "Hebrew"):
        assert HOSTILE[sample] in team_markdown


def test_the_same_review_gives_the_same_bytes() -> None:
    first = render_review_pdf(q1_review(), audience=Audience.TEAM, generated=GENERATED)
    again = render_review_pdf(q1_review(), audience=Audience.TEAM, generated=GENERATED)
    assert first == again
    assert first.startswith(b"%PDF")
    assert b"Helvetica" not in first


@pytest.mark.parametrize("writer", ["pdf", "markdown"])
def test_stakeholders_see_roles_not_names(writer: str) -> None:
    kwargs = {"audience": Audience.STAKEHOLDERS, "generated": GENERATED}
    if writer == "pdf":
        text = pdf_text(render_review_pdf(q1_review(), **kwargs))  # type: ignore[arg-type]
    else:
        text = render_review_markdown(q1_review(), **kwargs)  # type: ignore[arg-type]
    for name in PEOPLE:
        assert name not in text
    assert "incident commander" in text  # the owner of a2
    assert "Checkout outage the incident commander saw first" in text
    assert "Stakeholders" in text


@pytest.mark.parametrize("writer", ["pdf", "markdown"])
def test_an_empty_period_says_so(writer: str) -> None:
    postmortems, links = library()
    empty = review(postmortems, parse_period("2027-Q1", "2027-Q1"), TODAY, links)
    if writer == "pdf":
        data = render_review_pdf(empty, audience=Audience.TEAM, generated=GENERATED)
        text = pdf_text(data)
    else:
        text = render_review_markdown(empty, audience=Audience.TEAM, generated=GENERATED)
    assert "0 (was 0)" in text
    for key in ("impact", "themes", "actions", "recurrences", "postmortems"):
        assert EMPTY[key] in text
    # the overdue actions are the library's, whatever the period
    assert "a2 Page Okafor on config pushes" in text.replace("\\", "")


@pytest.mark.parametrize("writer", ["pdf", "markdown"])
def test_stakeholders_see_no_name_in_an_overdue_action_of_another_period(writer: str) -> None:
    postmortems, links = library()
    later = parse_period("2026-04-01", "2026-04-30")  # A's late action, A outside the period
    empty = review(postmortems, later, TODAY, links)
    render = render_review_pdf if writer == "pdf" else render_review_markdown
    for given in ((), postmortems):
        out = render(empty, audience=Audience.STAKEHOLDERS, generated=GENERATED, library=given)
        text = pdf_text(out) if isinstance(out, bytes) else out
        for name in PEOPLE:
            assert name not in text
        if given:  # the action's texts, A's names replaced by A's roles
            assert "a2 Page the incident commander on config pushes" in text
            assert "Checkout outage the incident commander saw first" in text
        else:  # nothing says which words are names: the texts are left out
            assert "a2 " + WITHHELD in text.replace("\\", "")
