"""The Markdown report: the PDF's sections, and every string shown as written once rendered."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt

from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    Participant,
    Postmortem,
    PostmortemStatus,
    TimelineEvent,
)
from pmdesk.interchange import json_v1
from pmdesk.report.contents import Audience, build_contents
from pmdesk.report.markdown import escape, render_markdown
from tests.conftest import FIXTURE

GENERATED = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HARD = [
    "<b>bold?</b> injected",
    "AT&T R&D &copy; &nbsp;",
    '<font size="40" color="red">BIG</font>',
    "<img src='/etc/passwd'/>",
    "*not emphasis* and _not_ either, `not code`",
    "[a link](http://example.com) and ![an image](x.png)",
    "| a | pipe | table |",
    "# not a heading",
    "- not a list",
    "1. not an ordered list",
    "> not a quote",
    "back\\slash \\* and ~~strike~~",
    "Zoë 🦊 عربى שלום 漢字 かな",
]


def markdown_of(pm: Postmortem, audience: Audience = Audience.TEAM) -> str:
    return render_markdown(build_contents(pm, audience, GENERATED, date(2026, 3, 18)))


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML's text, tags removed and entities decoded."""
    out = MarkdownIt("commonmark").enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "\n", out))


@pytest.mark.parametrize("text", HARD)
def test_hard_text_renders_exactly_as_written(text: str) -> None:
    assert text in rendered_text(escape(text)).replace("\n", "")
    assert "<b>" not in MarkdownIt("commonmark").render(escape(text))  # never becomes markup


def hard_postmortem() -> Postmortem:
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    problem = Cause("c1", HARD[0])
    return Postmortem(
        title=HARD[4],
        summary="\n\n".join(HARD[:3]),
        timezone="Europe/Berlin",
        participants=[Participant("Dana Okafor", "facilitator"), Participant("أحمد", None)],
        timeline=[TimelineEvent(at, EventKind.TRIGGER, text, source=HARD[6]) for text in HARD],
        causes=[problem, *(Cause(f"c{i + 2}", t, problem.id) for i, t in enumerate(HARD[1:]))],
        actions=[
            ActionItem(f"a{i + 1}", t, owner=HARD[1], notes="Secret: " + t)
            for i, t in enumerate(HARD)
        ],
    )


def test_every_string_of_a_hard_postmortem_reaches_the_reader() -> None:
    shown = rendered_text(markdown_of(hard_postmortem()))
    lines = {line.strip() for line in shown.splitlines()}
    for text in HARD:
        assert text in shown, text
    # table cells keep the exact text, each in its own cell
    assert "| a | pipe | table |" in lines


def test_the_fixture_report_has_every_section_and_fact() -> None:
    pm = json_v1.read_file(FIXTURE).postmortem
    markdown = markdown_of(pm)
    shown = rendered_text(markdown)
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headings == [
        "Summary",
        "Key numbers",
        "Timeline",
        "Causes",
        "Action items",
        "Lessons",
        "Participants",
    ]
    for event in pm.timeline:
        assert event.text in shown
    for cause in pm.causes:
        assert cause.text in shown
    for action in pm.actions:
        assert action.title in shown
    assert "When (Europe/Berlin)" in shown and "14:05" in shown
    assert "2026-03-15 overdue" in shown  # a4 is open and was due before 2026-03-18
    assert "DRAFT" in shown  # the fixture is in review, not final
    assert "18,250 requests" in shown and "Time to detect" in shown


def test_stakeholders_see_no_names_and_no_notes() -> None:
    pm = hard_postmortem()
    team = rendered_text(markdown_of(pm, Audience.TEAM))
    stakeholders = rendered_text(markdown_of(pm, Audience.STAKEHOLDERS))
    assert "Dana Okafor" in team and "Secret:" in team
    assert "Dana Okafor" not in stakeholders and "أحمد" not in stakeholders
    assert "Secret:" not in stakeholders and "## Participants" not in stakeholders


def test_a_final_postmortem_has_no_draft_mark_and_days_show_dates() -> None:
    pm = hard_postmortem()
    pm.status = PostmortemStatus.FINAL
    pm.timeline[-1].at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    pm.actions[0].status = ActionStatus.DONE
    markdown = markdown_of(pm)
    assert "DRAFT" not in markdown
    assert "2026-03-02 15:00" in markdown and "2026-03-03 10:00" in markdown  # Berlin, UTC+1


def test_stakeholders_see_a_persons_role_where_they_own_an_action() -> None:
    pm = hard_postmortem()
    pm.participants.append(Participant("Platform team", "owner of the config pipeline"))
    pm.actions[0].owner = "Dana Okafor"
    pm.actions[1].owner = "Platform team"
    shown = rendered_text(markdown_of(pm, Audience.STAKEHOLDERS))
    assert "Dana Okafor" not in shown and "facilitator" in shown
    assert "Platform team" in shown  # a team is not a person's name: it stays


def test_linked_incidents_are_named_with_the_day_they_started() -> None:
    pm = json_v1.read_file(FIXTURE).postmortem
    contents = build_contents(
        pm,
        Audience.STAKEHOLDERS,
        GENERATED,
        date(2026, 3, 18),
        recurrences=[("Search down after a config push", "2026-01-12"), (HARD[4], "")],
        recurred_as=[("Payments 502s after a *config* push", "2026-04-02")],
    )
    markdown = render_markdown(contents)
    lines = rendered_text(markdown).splitlines()
    assert "Recurrence of: Search down after a config push (2026-01-12)" in lines
    assert f"Recurrence of: {HARD[4]}" in lines  # no start known: no date, markup left alone
    assert "Recurred as: Payments 502s after a *config* push (2026-04-02)" in lines
    # Among the facts under the title, before the first section.
    assert markdown.index("Recurrence of:") < markdown.index("## Summary")


def test_a_report_without_links_says_nothing_of_recurrences() -> None:
    markdown = markdown_of(json_v1.read_file(FIXTURE).postmortem)
    assert "Recurrence of" not in markdown and "Recurred as" not in markdown


@pytest.mark.parametrize("text", ["Line one\r# Injected heading", "Line one\r---", "a\r\n> quote"])
def test_a_bare_carriage_return_starts_a_line_that_is_escaped_too(text: str) -> None:
    def structure(summary: str) -> list[int]:
        out = MarkdownIt("commonmark").render(markdown_of(Postmortem("CR", summary=summary)))
        return [out.count(tag) for tag in ("<h1>", "<h2>", "<hr />", "<blockquote>")]

    # The same headings, rules and quotes as the report of a plain summary: the report's own.
    assert structure(text) == structure("plain words")
    assert text.split("\r")[-1].lstrip("\n#>- ") in rendered_text(
        markdown_of(Postmortem("CR", summary=text))
    )
