"""The report's "Review meeting" section: when, how long and who, the decisions, the parked points
left open; names for the team only; printed literally in the PDF and the Markdown; absent when
there was no meeting."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from pmdesk.domain.meeting import Attendee, Decision, Meeting, ParkedPoint, Role
from pmdesk.domain.model import ActionItem, EventKind, Lesson, LessonKind, Postmortem, TimelineEvent
from pmdesk.report.contents import Audience, ReportContents, build_contents
from pmdesk.report.markdown import render_markdown
from pmdesk.report.pdf import render_pdf
from tests.report.test_markdown import rendered_text
from tests.report.test_pdf import operations

GENERATED = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 20)
START = datetime(2026, 3, 2, 13, 5, tzinfo=UTC)
EN_DASH = "\u2013"
HELD = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
MARKUP = "<b>&amp;</b> & <font size=\"40\">big</font> <img src='/etc/passwd'/> *not emphasis*"


def meeting_postmortem(meeting: Meeting | None) -> Postmortem:
    action = ActionItem("a1", "Add schema validation", id="act-1")
    return Postmortem(
        title="Meeting check",
        timezone="Europe/Berlin",
        timeline=[TimelineEvent(START, EventKind.TRIGGER, "Something broke")],
        actions=[action],
        lessons=[Lesson(LessonKind.WENT_WELL, "The rollback was quick")],
        meeting=meeting,
    )


def held_meeting() -> Meeting:
    return Meeting(
        attendees=[
            Attendee("Wilhelmina Facilitatrix", Role.FACILITATOR),
            Attendee("Bartholomew Scribe", Role.SCRIBE),
            Attendee("Cornelius Attendee"),
            Attendee("Dorothea Attendee"),
            Attendee("Ezekiel Attendee"),
        ],
        parking_lot=[
            ParkedPoint("Is the weekend rota too thin?"),
            ParkedPoint("Became an action already", action_id="act-1"),
            ParkedPoint("Its action was deleted since", action_id="gone"),
        ],
        decisions=[
            Decision("Config pushes go through the schema check first"),
            Decision(MARKUP),
            Decision("   "),  # blank: left out
        ],
        started=HELD,
        ended=HELD + timedelta(minutes=65),
    )


NAMES = (
    "Wilhelmina",
    "Bartholomew",
    "Cornelius",
    "Dorothea",
    "Ezekiel",
)


def contents_of(pm: Postmortem, audience: Audience = Audience.TEAM) -> ReportContents:
    return build_contents(pm, audience, GENERATED, TODAY)


def pdf_text(pm: Postmortem, audience: Audience = Audience.TEAM) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(contents_of(pm, audience))))
    text = "\n".join(unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages)
    return " ".join(text.split())


# --- contents ------------------------------------------------------------------------------


def test_the_team_sees_who_came_by_name_and_what_was_left_open() -> None:
    contents = contents_of(meeting_postmortem(held_meeting()))
    meeting = contents.meeting
    assert meeting is not None
    assert meeting.facts == (
        f"Held Monday 9 March 2026, 10:00{EN_DASH}11:05 Europe/Berlin (1 h 05 min) · "
        "Facilitator: Wilhelmina Facilitatrix · Scribe: Bartholomew Scribe · 3 others"
    )
    assert meeting.decisions == ("Config pushes go through the schema check first", MARKUP)
    assert meeting.left_open == ("Is the weekend rota too thin?", "Its action was deleted since")
    keys = [key for key, _ in contents.sections]
    assert keys.index("actions") + 1 == keys.index("meeting") == keys.index("lessons") - 1
    assert ("meeting", "Review meeting") in contents.sections


def test_stakeholders_see_counts_by_role_the_decisions_and_nothing_left_open() -> None:
    contents = contents_of(meeting_postmortem(held_meeting()), Audience.STAKEHOLDERS)
    meeting = contents.meeting
    assert meeting is not None
    assert meeting.facts == (
        f"Held Monday 9 March 2026, 10:00{EN_DASH}11:05 Europe/Berlin (1 h 05 min) · "
        "1 facilitator · 1 scribe · 3 others"
    )
    assert not any(name in meeting.facts for name in NAMES)
    assert meeting.decisions == ("Config pushes go through the schema check first", MARKUP)
    assert meeting.left_open == ()
    assert ("meeting", "Review meeting") in contents.sections


@pytest.mark.parametrize(
    ("attendees", "team", "stakeholders"),
    [
        ([], "", ""),
        ([Attendee("Ann"), Attendee("Bo")], " · 2 attendees", " · 2 attendees"),
        (
            [
                Attendee("Ann", Role.FACILITATOR),
                Attendee(" Bo \n Lee ", Role.FACILITATOR),
                Attendee("Cy"),
            ],
            " · Facilitators: Ann, Bo Lee · 1 other",
            " · 2 facilitators · 1 other",
        ),
        ([Attendee("Di", Role.SCRIBE), Attendee("  ")], " · Scribe: Di", " · 1 scribe"),
    ],
)
def test_attendance_reads_naturally_whoever_came(
    attendees: list[Attendee], team: str, stakeholders: str
) -> None:
    meeting = Meeting(attendees=attendees, started=HELD, ended=HELD + timedelta(minutes=47))
    pm = meeting_postmortem(meeting)
    held = f"Held Monday 9 March 2026, 10:00{EN_DASH}10:47 Europe/Berlin (47 min)"
    for audience, expected in ((Audience.TEAM, team), (Audience.STAKEHOLDERS, stakeholders)):
        section = contents_of(pm, audience).meeting
        assert section is not None and section.facts == held + expected


def test_without_an_end_the_clocks_time_is_given() -> None:
    meeting = held_meeting()
    meeting.ended = None
    meeting.agenda[0].spent_seconds = 300
    meeting.agenda[3].spent_seconds = 1500
    section = contents_of(meeting_postmortem(meeting)).meeting
    assert section is not None
    assert section.facts.startswith(
        "Held Monday 9 March 2026, from 10:00 Europe/Berlin (30 min timed) · Facilitator:"
    )


def test_a_meeting_across_midnight_names_both_days() -> None:
    started = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    meeting = Meeting(started=started, ended=started + timedelta(minutes=70))
    section = contents_of(meeting_postmortem(meeting)).meeting
    assert section is not None
    assert section.facts == (
        f"Held Monday 9 March 2026, 23:30 {EN_DASH} Tuesday 10 March 2026, 00:40 Europe/Berlin "
        "(1 h 10 min)"
    )


def test_decisions_alone_make_a_section_even_before_the_meeting_is_held() -> None:
    meeting = Meeting(decisions=[Decision("Freeze config pushes until the check exists")])
    section = contents_of(meeting_postmortem(meeting)).meeting
    assert section is not None
    assert section.facts == "Not marked as held"
    assert section.decisions == ("Freeze config pushes until the check exists",)


@pytest.mark.parametrize(
    "meeting",
    [
        None,
        Meeting(),
        Meeting(attendees=[Attendee("Ann")], parking_lot=[ParkedPoint("Later")]),
        Meeting(decisions=[Decision(" \n ")]),
    ],
    ids=["none", "blank", "planned", "blank-decision"],
)
def test_no_section_without_a_held_meeting_or_a_decision(meeting: Meeting | None) -> None:
    pm = meeting_postmortem(meeting)
    for audience in Audience:
        contents = contents_of(pm, audience)
        assert contents.meeting is None
        assert "meeting" not in [key for key, _ in contents.sections]
    markdown = render_markdown(contents_of(pm))
    assert "Review meeting" not in markdown and "Left open" not in markdown
    text = pdf_text(pm)
    assert "Review meeting" not in text and "Decisions" not in text


# --- Markdown ------------------------------------------------------------------------------


def test_the_markdown_has_the_section_between_actions_and_lessons() -> None:
    markdown = render_markdown(contents_of(meeting_postmortem(held_meeting())))
    assert markdown.index("## Action items") < markdown.index("## Review meeting")
    assert markdown.index("## Review meeting") < markdown.index("## Lessons")
    section = markdown[markdown.index("## Review meeting") : markdown.index("## Lessons")]
    assert "### Decisions" in section and "### Left open from the meeting" in section
    assert "- Config pushes go through the schema check first" in section
    shown = rendered_text(section)
    assert MARKUP in shown  # printed as written, not as markup
    assert "Facilitator: Wilhelmina Facilitatrix · Scribe: Bartholomew Scribe · 3 others" in shown
    assert "Is the weekend rota too thin?" in shown
    assert "Became an action already" not in shown


def test_the_stakeholder_markdown_keeps_decisions_and_leaves_names_and_open_points_out() -> None:
    markdown = render_markdown(
        contents_of(meeting_postmortem(held_meeting()), Audience.STAKEHOLDERS)
    )
    shown = rendered_text(markdown)
    assert "## Review meeting" in markdown and "1 facilitator · 1 scribe · 3 others" in shown
    assert "Config pushes go through the schema check first" in shown and MARKUP in shown
    assert "Left open" not in shown and "weekend rota" not in shown
    assert not any(name in shown for name in NAMES)


# --- PDF -----------------------------------------------------------------------------------


def test_the_pdf_prints_the_section_with_its_decisions_literally() -> None:
    text = pdf_text(meeting_postmortem(held_meeting()))
    assert text.index("Action items") < text.index("Review meeting") < text.index("Lessons")
    assert (
        f"Review meeting Held Monday 9 March 2026, 10:00{EN_DASH}11:05 Europe/Berlin "
        "(1 h 05 min) · "
        "Facilitator: Wilhelmina Facilitatrix · Scribe: Bartholomew Scribe · 3 others"
    ) in text
    assert "Decisions • Config pushes go through the schema check first" in text
    assert f"• {MARKUP}" in text
    assert "Left open from the meeting • Is the weekend rota too thin?" in text
    assert "Became an action already" not in text


def test_markup_in_a_decision_does_not_act_as_markup_in_the_pdf() -> None:
    data = render_pdf(contents_of(meeting_postmortem(held_meeting())))
    sizes = {operands[0] for operands, operator in operations(data) if operator == b"Tf"}
    assert 40 not in sizes
    assert not any(operator == b"Do" for _, operator in operations(data))


def test_the_stakeholder_pdf_names_no_one_and_keeps_the_decisions() -> None:
    text = pdf_text(meeting_postmortem(held_meeting()), Audience.STAKEHOLDERS)
    assert "Review meeting" in text and "1 facilitator · 1 scribe · 3 others" in text
    assert "Config pushes go through the schema check first" in text and MARKUP in text
    assert "Left open" not in text and "weekend rota" not in text
    assert not any(name in text for name in NAMES)


def test_decisions_in_other_scripts_print() -> None:
    samples = ("数据库连接池耗尽", "Привет, мир", "🔥 ✅", "שלום עולם")
    meeting = Meeting(decisions=[Decision(text) for text in samples], started=HELD)
    text = pdf_text(meeting_postmortem(meeting))
    for sample in samples:
        assert sample in text


def test_a_report_with_a_meeting_is_the_same_bytes_every_time() -> None:
    pm = meeting_postmortem(held_meeting())
    assert render_pdf(contents_of(pm)) == render_pdf(contents_of(pm))
