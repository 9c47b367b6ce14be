"""Names stay in the room: in the stakeholder report, PDF and Markdown, every participant named in
any text (full name, first name, surname, possessive) reads as their role; the team report keeps
the names; words that only look like names, names inside other words and teams are left alone;
names in other scripts are found too; a role cannot inject markup."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from pmdesk.domain.meeting import Attendee, Decision, Meeting, ParkedPoint, Role
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
    TimelineEvent,
)
from pmdesk.report.contents import Audience, ReportContents, build_contents
from pmdesk.report.markdown import render_markdown
from pmdesk.report.names import Names, article
from pmdesk.report.pdf import render_pdf
from tests.report.test_markdown import rendered_text
from tests.report.test_pdf import flat, pages_text

GENERATED = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 20)
START = datetime(2026, 3, 2, 13, 5, tzinfo=UTC)
HELD = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)

# Every name part of the people below; none of them may reach a stakeholder.
NAMES = ("Dana", "Okafor", "Sam", "Ruiz", "Chris", "Lang", "Lena", "Vogel")


def mentions_postmortem() -> Postmortem:
    """A postmortem that names its people everywhere: full names, first names, surnames and
    possessives, in the title, summary, impact, timeline, causes, actions, lessons, meeting."""
    root = Cause("c1", "Checkout failed after the config push Dana Okafor approved", id="c1")
    why = Cause("c2", "Ruiz's review list had no schema check", parent_id="c1", id="c2")
    return Postmortem(
        title="Dana Okafor's checkout outage",
        timezone="UTC",
        summary="Dana declared SEV2 at 13:07. Okafor paged Sam Ruiz, and Chris' laptop ran the "
        "rollback.",
        impact_summary="Sam's dashboard showed the failed payments. Chris counted them.",
        metrics=[ImpactMetric("Payments Chris counted", 12400, "requests")],
        participants=[
            Participant("Dana Okafor", "incident commander"),
            Participant("Sam Ruiz", "scribe"),
            Participant("Chris Lang"),  # no role: an engineer
            Participant("Platform team", "owner of the config pipeline"),
        ],
        tags=["Sam Ruiz", "checkout"],
        timeline=[
            TimelineEvent(
                START, EventKind.TRIGGER, "A config push breaks checkout", source="Slack, Sam"
            ),
            TimelineEvent(
                START + timedelta(minutes=2),
                EventKind.DETECTION,
                "Dana Okafor declares SEV2 and pages Sam Ruiz",
            ),
            TimelineEvent(
                START + timedelta(minutes=5), EventKind.EVENT, "Okafor's pager rings twice"
            ),
            TimelineEvent(
                START + timedelta(minutes=9),
                EventKind.MITIGATION,
                "Chris rolls the config back; Sam confirms",
            ),
        ],
        causes=[root, why],
        actions=[
            ActionItem("a1", "Add a schema check to Okafor's pipeline", owner="Dana Okafor"),
            ActionItem("a2", "Chris writes the runbook", owner="Sam", cause_id="c2"),
            ActionItem(
                "a3",
                "Page Sam Ruiz on every config push",
                owner="Platform team",
                status=ActionStatus.DROPPED,
                history=[
                    ActionChange(
                        START,
                        ActionField.STATUS,
                        "open",
                        "dropped",
                        "Dana thinks a1 covers it",
                    )
                ],
            ),
            ActionItem("a4", "Review Lena's notes", owner="Chris Lang"),
        ],
        lessons=[
            Lesson(LessonKind.WENT_WELL, "Dana's runbook worked"),
            Lesson(LessonKind.WENT_WRONG, "Ruiz was paged late"),
            Lesson(LessonKind.LUCKY, "Chris was awake"),
        ],
        meeting=Meeting(
            attendees=[
                Attendee("Lena Vogel", Role.FACILITATOR),  # came to the meeting only
                Attendee("Dana Okafor"),
            ],
            decisions=[Decision("Vogel and Okafor review the push rules")],
            parking_lot=[ParkedPoint("Ask Lena about the weekend rota")],
            started=HELD,
            ended=HELD + timedelta(minutes=50),
        ),
    )


def contents_of(pm: Postmortem, audience: Audience = Audience.STAKEHOLDERS) -> ReportContents:
    return build_contents(
        pm,
        audience,
        GENERATED,
        TODAY,
        recurrences=[("Dana Okafor's earlier outage", "2026-01-12")],
    )


def pdf_text(pm: Postmortem, audience: Audience = Audience.STAKEHOLDERS) -> str:
    return flat("\n".join(pages_text(render_pdf(contents_of(pm, audience)))))


def markdown_text(pm: Postmortem, audience: Audience = Audience.STAKEHOLDERS) -> str:
    return flat(rendered_text(render_markdown(contents_of(pm, audience))))


def say(people: list[tuple[str, str | None]], text: str) -> str:
    return Names(people).replace(text)


# --- the whole report ---------------------------------------------------------------------------

# How the texts above read for stakeholders, in the order the report prints them.
STAKEHOLDER_LINES = (
    "The incident commander's checkout outage",
    "Recurrence of The incident commander's earlier outage (2026-01-12)",
    "The incident commander declared SEV2 at 13:07. The incident commander paged the scribe, "
    "and an engineer's laptop ran the rollback.",
    "The scribe's dashboard showed the failed payments. An engineer counted them.",
    "Payments an engineer counted",
    "The incident commander declares SEV2 and pages the scribe",
    "The incident commander's pager rings twice",
    "An engineer rolls the config back; the scribe confirms",
    "Checkout failed after the config push the incident commander approved",
    "The scribe's review list had no schema check",
    "Add a schema check to the incident commander's pipeline",
    "An engineer writes the runbook",
    "Page the scribe on every config push",
    "The incident commander thinks a1 covers it",
    "Review the facilitator's notes",
    "The facilitator and the incident commander review the push rules",
    "The incident commander's runbook worked",
    "The scribe was paged late",
    "An engineer was awake",
)


def test_the_stakeholder_pdf_names_nobody_and_reads_with_roles() -> None:
    data = render_pdf(contents_of(mentions_postmortem()))
    text = flat("\n".join(pages_text(data)))
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert metadata.title == "The incident commander's checkout outage"
    assert str(metadata["/Keywords"]) == "The scribe, checkout"
    for name in NAMES:
        assert name not in text
    for line in STAKEHOLDER_LINES:
        assert line in text
    assert "Platform team" in text  # a team is no person: it stays


def test_the_stakeholder_markdown_names_nobody_and_reads_with_roles() -> None:
    text = markdown_text(mentions_postmortem())
    for name in NAMES:
        assert name not in text
    for line in STAKEHOLDER_LINES:
        assert line.replace("Recurrence of ", "Recurrence of: ") in text
    assert "Platform team" in text


def test_owners_are_named_by_their_bare_role() -> None:
    owners = {
        row.action.ref: row.action.owner for row in contents_of(mentions_postmortem()).actions
    }
    assert owners == {
        "a1": "incident commander",  # "Dana Okafor"
        "a2": "scribe",  # "Sam", a first name alone
        "a3": "Platform team",
        "a4": "an engineer",  # "Chris Lang", who has no role
    }


def test_the_team_report_keeps_every_name() -> None:
    pm = mentions_postmortem()
    for text in (pdf_text(pm, Audience.TEAM), markdown_text(pm, Audience.TEAM)):
        for line in (
            "Dana Okafor's checkout outage",
            "Dana Okafor declares SEV2 and pages Sam Ruiz",
            "Chris rolls the config back; Sam confirms",
            "Vogel and Okafor review the push rules",
            "Dana's runbook worked",
        ):
            assert line in text


def test_the_stakeholder_contents_hold_no_name_at_all() -> None:
    """Not only what the writers print today: a writer added later cannot print a name."""
    pm = mentions_postmortem()
    pm.actions[0].history.append(
        ActionChange(START, ActionField.OWNER, "Sam Ruiz", "Dana Okafor", "Sam is on leave")
    )
    held = repr(contents_of(pm))
    for name in NAMES:
        assert name not in held
    assert "Platform team" in held


def test_the_stakeholder_copy_leaves_the_postmortem_as_it_was() -> None:
    pm = mentions_postmortem()
    contents_of(pm)
    assert pm.title == "Dana Okafor's checkout outage"
    assert pm.timeline[1].text == "Dana Okafor declares SEV2 and pages Sam Ruiz"
    assert pm.actions[0].owner == "Dana Okafor"


def test_a_postmortem_with_no_person_is_shared_as_it_is() -> None:
    pm = Postmortem(
        title="Platform team rollout",
        participants=[Participant("Platform team", "owner")],
        timeline=[TimelineEvent(START, EventKind.TRIGGER, "Platform team pushes")],
    )
    contents = contents_of(pm)
    assert contents.postmortem.timeline[0] is pm.timeline[0]
    assert contents.postmortem.title == "Platform team rollout"


# --- how a name reads ---------------------------------------------------------------------------

PEOPLE: list[tuple[str, str | None]] = [
    ("Dana Okafor", "incident commander"),
    ("Chris Lang", "scribe"),
    ("Ana Silva", None),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dana Okafor paged the team", "The incident commander paged the team"),
        ("Then Dana paged", "Then the incident commander paged"),
        ("Okafor's pager rang", "The incident commander's pager rang"),
        ("Okafor\u2019s pager rang", "The incident commander\u2019s pager rang"),
        ("We used Chris' laptop", "We used the scribe's laptop"),
        ("She wrote 'Chris' on the board", "She wrote 'the scribe' on the board"),
        ("Ana restarted it. Ana checked.", "An engineer restarted it. An engineer checked."),
        ("Paged by Ana", "Paged by an engineer"),
        ("dana okafor and DANA OKAFOR", "The incident commander and the incident commander"),
        ("Dana\nOkafor", "The incident commander"),
        ("ok.\nDana rolled back", "ok.\nThe incident commander rolled back"),
        ('"Dana, roll back"', '"The incident commander, roll back"'),
        ("- Dana rolls back", "- The incident commander rolls back"),
    ],
)
def test_a_name_reads_as_the_role(text: str, expected: str) -> None:
    assert say(PEOPLE, text) == expected


def test_a_name_that_is_also_a_word_is_replaced_only_written_as_a_name() -> None:
    people: list[tuple[str, str | None]] = [("Will Park", "SRE"), ("Rose Lee", None)]
    assert say(people, "the job will retry and traffic rose") == (
        "the job will retry and traffic rose"
    )
    assert say(people, "Then Will restarted it and Rose watched") == (
        "Then the SRE restarted it and an engineer watched"
    )
    assert say(people, "Will Park and Rose Lee") == "The SRE and an engineer"


def test_a_name_inside_another_word_is_left_alone() -> None:
    people: list[tuple[str, str | None]] = [("Sam Ruiz", "scribe"), ("Lee Chen", "SRE")]
    for text in ("Samsung phones", "a sample of Samples", "Leeds office", "Sam_1 and Sam2"):
        assert say(people, text) == text
    assert say(people, "Sam, Lee: Leeds") == "The scribe, the SRE: Leeds"


def test_a_part_of_one_letter_never_stands_for_the_person() -> None:
    people: list[tuple[str, str | None]] = [("J Smith", "DBA"), ("Dana Q.", "facilitator")]
    assert say(people, "J was paged; Q. 3 plan") == "J was paged; Q. 3 plan"
    assert say(people, "Smith paged Dana Q. at once") == "The DBA paged the facilitator at once"


def test_a_word_that_begins_a_sentence_is_not_taken_for_a_name() -> None:
    people: list[tuple[str, str | None]] = [("An Nguyen", "DBA")]
    assert say(people, "An alert fired. Then An paged") == "An alert fired. Then the DBA paged"


def test_teams_keep_their_names() -> None:
    pm = mentions_postmortem()
    pm.participants.append(Participant("Payments squad", None))
    pm.summary = "Payments squad and the Platform team rolled back with Dana"
    summary = contents_of(pm).postmortem.summary
    assert summary == "Payments squad and the Platform team rolled back with the incident commander"


def test_a_first_name_two_people_share_is_neutral_unless_their_roles_agree() -> None:
    differ: list[tuple[str, str | None]] = [("Sam Ruiz", "scribe"), ("Sam Lee", "SRE")]
    assert say(differ, "Sam paged Ruiz and Lee") == "An engineer paged the scribe and the SRE"
    agree: list[tuple[str, str | None]] = [("Sam Ruiz", "SRE"), ("Sam Lee", "SRE")]
    assert say(agree, "Then Sam paged Sam Lee") == "Then an SRE paged an SRE"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("engineer", "an engineer"),
        ("on-call engineer", "an on-call engineer"),
        ("user advocate", "a user advocate"),
        ("SRE", "an SRE"),
        ("DBA", "a DBA"),
        ("hour-long guest", "an hour-long guest"),
        ("one-off helper", "a one-off helper"),
        ("incident commander", "an incident commander"),
    ],
)
def test_a_or_an_follows_the_roles_first_sound(role: str, expected: str) -> None:
    assert f"{article(role)} {role}" == expected


def test_a_role_reads_as_it_would_in_a_sentence() -> None:
    people: list[tuple[str, str | None]] = [
        ("Dana Okafor", "Incident commander"),
        ("Chris Lang", "the SRE"),
    ]
    assert say(people, "Chris paged Dana") == "The SRE paged the incident commander"


# --- other scripts ------------------------------------------------------------------------------


def test_names_in_other_scripts() -> None:
    people: list[tuple[str, str | None]] = [
        ("Дмитрий Иванов", "DBA"),
        ("José Álvarez", "SRE"),
        ("Zoë Brandt", "scribe"),
        ("王伟", "incident commander"),
        ("山田 太郎", "facilitator"),
    ]
    assert say(people, "Дмитрий Иванов перезапустил базу") == "The DBA перезапустил базу"
    assert say(people, "Затем Иванов проверил") == "Затем the DBA проверил"
    assert say(people, "Then Álvarez and José Álvarez's script") == (
        "Then the SRE and the SRE's script"
    )
    assert say(people, "Jose Alvarez typed without accents") == "The SRE typed without accents"
    assert say(people, "Zoë, then Zoe") == "The scribe, then the scribe"
    greek: list[tuple[str, str | None]] = [("Γιώργος Παπαδόπουλος", "SRE"), ("Пётр Орлов", "DBA")]
    # Greek typed without its accents, Russian without the dots of ё.
    text = "Ο Γιώργος και ο Γιωργος, Петр"  # noqa: RUF001 (Greek letters are the point)
    assert say(greek, text) == "Ο the SRE και ο the SRE, the DBA"  # noqa: RUF001
    # Written without spaces: the name is found inside the text, and set apart from it.
    assert say(people, "王伟宣布SEV2") == "The incident commander 宣布SEV2"
    assert say(people, "由王伟负责") == "由 the incident commander 负责"
    assert say(people, "山田太郎が対応") == "The facilitator が対応"
    assert say(people, "Dana与Sam") == "Dana与Sam"  # not participants here
    assert say(people, "由José处理") == "由 the SRE 处理"


def test_a_name_written_decomposed_is_found() -> None:
    people: list[tuple[str, str | None]] = [("Zoë Brandt", "scribe")]
    assert say(people, "Zoe\u0308 paged") == "The scribe paged"


def test_other_scripts_in_the_stakeholder_pdf() -> None:
    pm = mentions_postmortem()
    pm.participants += [Participant("王伟", "SRE"), Participant("Дмитрий Иванов", "DBA")]
    pm.timeline[0].text = "王伟宣布SEV2; Иванов restarts the primary"
    text = pdf_text(pm)
    assert "王伟" not in text and "Иванов" not in text
    assert "The SRE 宣布SEV2; the DBA restarts the primary" in text


# --- markup -------------------------------------------------------------------------------------

MARKUP_ROLE = '<b>lead</b> & <font size="40">big</font> *boss*'


def test_a_role_is_printed_not_obeyed() -> None:
    pm = mentions_postmortem()
    pm.participants[0].role = MARKUP_ROLE
    pdf = pdf_text(pm)
    assert f"The {MARKUP_ROLE} declares SEV2 and pages the scribe" in pdf
    markdown = markdown_text(pm)
    # Obeyed, the markup would be gone from the text read back: rendered, or parsed by ReportLab.
    assert f"The {MARKUP_ROLE} declares SEV2 and pages the scribe" in markdown


def test_a_name_typed_in_one_case_is_found_as_a_name_is_written() -> None:
    people: list[tuple[str, str | None]] = [("sam", "scribe"), ("DANA OKAFOR", "DBA")]
    assert (
        say(people, "Then Sam paged Okafor; sam said") == "Then the scribe paged the DBA; sam said"
    )
