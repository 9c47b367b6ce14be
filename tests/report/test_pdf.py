"""The PDF report: every section and every string of the postmortem on the page, exactly as
written, in every script; what each audience may see; the DRAFT stamp, footer, outline, metadata
and fonts; the same bytes every time; and a long timeline printed whole."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, NameObject, PdfObject

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
    PostmortemStatus,
    Priority,
    Severity,
    TimelineEvent,
)
from pmdesk.interchange import json_v1
from pmdesk.report.contents import SECTIONS, Audience, ReportContents, build_contents
from pmdesk.report.pdf import render_pdf
from tests.conftest import FIXTURE
from tests.storage.examples import rich_postmortem

GENERATED = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 20)
START = datetime(2026, 3, 2, 13, 5, tzinfo=UTC)

MARKUP_LIKE = ("<b>x</b>", "AT&T", '<font size="40">', "<img src='/etc/passwd'/>")
# Text in other scripts: the letters ruff takes for confusable Latin ones (RUF001) are the point.
LEFT_TO_RIGHT = {
    "Latin": "Crème brûlée, Łódź, São Paulo",
    "Greek": "Γειά σου κόσμε",  # noqa: RUF001
    "Cyrillic": "Привет, мир",
    "Chinese": "数据库连接池耗尽",
    "Japanese": "ひらがな カタカナ",
    "emoji": "🔥 🎉 ✅",
}
# Whole right-to-left lines: pypdf reads them back in reading order (see test_fonts.py).
RIGHT_TO_LEFT = {"Hebrew": "שלום עולם", "Arabic": "مرحبا بالعالم"}


def contents_of(postmortem: Postmortem, audience: Audience = Audience.TEAM) -> ReportContents:
    return build_contents(postmortem, audience, GENERATED, TODAY)


def render(postmortem: Postmortem, audience: Audience = Audience.TEAM) -> bytes:
    return render_pdf(contents_of(postmortem, audience))


def pages_text(data: bytes) -> list[str]:
    """Each page's text, NFKC-normalised (Arabic presentation forms back to letters)."""
    reader = PdfReader(io.BytesIO(data))
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace runs as single spaces, so that text wrapped over lines reads as one line."""
    return " ".join(text.split())


def fixture_postmortem() -> Postmortem:
    return json_v1.read_file(FIXTURE).postmortem


@pytest.fixture(scope="module")
def fixture_pdf() -> bytes:
    return render(fixture_postmortem())


@pytest.fixture(scope="module")
def fixture_text(fixture_pdf: bytes) -> str:
    return flat("\n".join(pages_text(fixture_pdf)))


def test_the_shared_fixture_loads_through_the_conftest_copy(fixture_file: Path) -> None:
    assert json_v1.read_file(fixture_file).postmortem.title == fixture_postmortem().title


def test_every_section_heading_and_the_title_are_printed(fixture_text: str) -> None:
    postmortem = fixture_postmortem()
    assert flat(postmortem.title) in fixture_text
    for key, heading in SECTIONS:
        # The fixture has no review meeting, the one section a report may leave out.
        assert (heading in fixture_text) is (key != "meeting"), heading
    assert "Incident · SEV2 · Review" in fixture_text
    assert "Prepared for Team" in fixture_text
    assert "Monday 2 March 2026, 14:05 Europe/Berlin" in fixture_text
    assert "When (Europe/Berlin)" in fixture_text


def test_every_event_cause_action_lesson_and_number_is_printed(fixture_text: str) -> None:
    postmortem = fixture_postmortem()
    contents = contents_of(postmortem)
    for event in postmortem.timeline:
        assert flat(event.text) in fixture_text
    for cause in postmortem.causes:
        assert flat(cause.text) in fixture_text
    for action in postmortem.actions:
        assert flat(action.title) in fixture_text
    for lesson in postmortem.lessons:
        assert flat(lesson.text) in fixture_text
    for number in contents.numbers:
        assert f"{number.label} {number.value}" in fixture_text
    for row in contents.timeline:
        assert row.when in fixture_text


def test_each_cause_is_listed_with_its_place_label_and_actions(fixture_text: str) -> None:
    contents = contents_of(fixture_postmortem())
    for entry in contents.causes:
        about = f"{entry.cause.ref} · {entry.label}"
        if entry.cause.systemic:
            about += " · systemic"
        if entry.actions:
            about += " · → " + ", ".join(entry.actions)
        assert f"{entry.number} {flat(entry.cause.text)} {about}" in fixture_text


def test_an_overdue_action_says_so(fixture_text: str) -> None:
    overdue = [row for row in contents_of(fixture_postmortem()).actions if row.overdue]
    assert overdue
    for row in overdue:
        assert f"{row.action.due} overdue" in fixture_text


def markup_postmortem() -> Postmortem:
    trigger = TimelineEvent(START, EventKind.TRIGGER, "Trigger " + " ".join(MARKUP_LIKE))
    events = [trigger] + [
        TimelineEvent(START + timedelta(minutes=i + 1), EventKind.EVENT, f"Event {text}")
        for i, text in enumerate(MARKUP_LIKE)
    ]
    root = Cause("c1", "Root " + " ".join(MARKUP_LIKE))
    causes = [root] + [
        Cause(f"c{i + 2}", f"Cause {text}", parent_id=root.id) for i, text in enumerate(MARKUP_LIKE)
    ]
    return Postmortem(
        title="Title " + " ".join(MARKUP_LIKE),
        summary="Summary " + " ".join(MARKUP_LIKE),
        tags=list(MARKUP_LIKE),
        timeline=events,
        causes=causes,
        actions=[
            ActionItem(f"a{i + 1}", f"Action {text}", owner=f"Owner {text}", cause_id=root.id)
            for i, text in enumerate(MARKUP_LIKE)
        ],
        lessons=[Lesson(LessonKind.LUCKY, f"Lesson {text}") for text in MARKUP_LIKE],
    )


def test_markup_like_strings_are_printed_literally() -> None:
    data = render(markup_postmortem())
    text = flat("\n".join(pages_text(data)))
    everything = " ".join(MARKUP_LIKE)
    for where in ("Title", "Summary", "Trigger", "Root"):
        assert f"{where} {everything}" in text
    for sample in MARKUP_LIKE:
        for where in ("Event", "Cause", "Action", "Lesson"):
            assert f"{where} {sample}" in text
        # The owner column is narrow: a long word is broken between characters there.
        assert f"Owner{sample}".replace(" ", "") in text.replace(" ", "")
    # Nothing acted as markup: no 40 pt text, no image.
    sizes = {operands[0] for operands, operator in operations(data) if operator == b"Tf"}
    assert 40 not in sizes
    assert not any(operator == b"Do" for _, operator in operations(data))


def operations(data: bytes) -> Iterator[tuple[list[float], bytes]]:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            yield [float(x) for x in operands if isinstance(x, int | float)], operator


def scripts_postmortem() -> Postmortem:
    samples = {**LEFT_TO_RIGHT, **RIGHT_TO_LEFT}
    events = [
        TimelineEvent(START + timedelta(minutes=i), EventKind.EVENT, text)
        for i, text in enumerate(samples.values())
    ]
    causes = [Cause(f"c{i + 1}", text) for i, text in enumerate(samples.values())]
    actions = [ActionItem(f"a{i + 1}", text) for i, text in enumerate(samples.values())]
    return Postmortem(
        title=LEFT_TO_RIGHT["Chinese"],
        summary="\n\n".join(samples.values()),
        tags=[LEFT_TO_RIGHT["emoji"]],
        participants=[Participant(text) for text in samples.values()],
        timeline=events,
        causes=causes,
        actions=actions,
    )


@pytest.fixture(scope="module")
def scripts_text() -> str:
    return "\n".join(pages_text(render(scripts_postmortem())))


@pytest.mark.parametrize("script", LEFT_TO_RIGHT)
def test_every_left_to_right_script_reads_back(scripts_text: str, script: str) -> None:
    sample = LEFT_TO_RIGHT[script]
    lines = [line.strip() for line in scripts_text.splitlines()]
    # In the summary, on a line of its own, and in the timeline, cause list and action table.
    assert sample in lines
    assert sum(line.count(sample) for line in lines) >= 4


@pytest.mark.parametrize("script", RIGHT_TO_LEFT)
def test_every_right_to_left_script_reads_back_in_reading_order(
    scripts_text: str, script: str
) -> None:
    sample = RIGHT_TO_LEFT[script]
    lines = [line.strip() for line in scripts_text.splitlines()]
    assert sample in lines
    assert sum(line.count(sample) for line in lines) >= 4


def test_the_rich_example_with_hard_strings_builds() -> None:
    text = flat("\n".join(pages_text(render(rich_postmortem()))))
    assert "Checkout outage Checkout 💥 fell over" in text
    assert "<b>&amp;</b> & <script>alert('x')</script> \"quoted\" 'single'" in text
    assert "line one line two line three tabbed" in text


def test_draft_is_stamped_on_every_page_of_a_draft(fixture_pdf: bytes) -> None:
    assert contents_of(fixture_postmortem()).draft
    pages = pages_text(fixture_pdf)
    assert len(pages) >= 2
    assert all("DRAFT" in page for page in pages)


def test_a_final_postmortem_has_no_draft_stamp() -> None:
    postmortem = fixture_postmortem()
    postmortem.status = PostmortemStatus.FINAL
    pages = pages_text(render(postmortem))
    assert len(pages) >= 2
    assert not any("DRAFT" in page for page in pages)


def audience_postmortem() -> Postmortem:
    return Postmortem(
        title="Audience check",
        participants=[
            Participant("Wilhelmina Facilitatrix", "facilitator"),
            Participant("Bartholomew Scribe", "scribe"),
        ],
        timeline=[TimelineEvent(START, EventKind.TRIGGER, "Something broke")],
        actions=[
            ActionItem("a1", "Fix it", owner="Platform team", notes="Secret note about budget"),
            ActionItem("a2", "Watch it", notes="Another private remark"),
        ],
    )


def test_stakeholders_see_no_participant_names_nor_action_notes() -> None:
    data = render(audience_postmortem(), Audience.STAKEHOLDERS)
    text = "\n".join(pages_text(data))
    for hidden in (
        "Wilhelmina",
        "Bartholomew",
        "Secret note",
        "private remark",
        "Participants",
        "Facilitator",
    ):
        assert hidden not in text
    assert "Prepared for Stakeholders" in flat(text)
    assert "Fix it" in text and "Platform team" in text


def test_the_team_sees_participants_notes_and_the_facilitator() -> None:
    text = flat("\n".join(pages_text(render(audience_postmortem(), Audience.TEAM))))
    assert "Facilitator Wilhelmina Facilitatrix" in text
    assert "Bartholomew Scribe scribe" in text
    assert "Notes Secret note about budget" in text
    assert "Notes Another private remark" in text
    assert "Prepared for Team" in text


def dictionary(value: object) -> DictionaryObject:
    resolved = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(resolved, DictionaryObject), resolved
    return resolved


def test_every_font_is_embedded_and_none_is_helvetica() -> None:
    reader = PdfReader(io.BytesIO(render(scripts_postmortem())))
    names = set()
    for page in reader.pages:
        page_fonts = dictionary(dictionary(page["/Resources"]).get("/Font", DictionaryObject()))
        for value in page_fonts.values():
            font = dictionary(value)
            assert font["/Subtype"] == NameObject("/TrueType"), font
            assert "/FontFile2" in dictionary(font["/FontDescriptor"]), font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    assert not any("Helvetica" in name for name in names)
    assert {name.split("+", 1)[1] for name in names} == {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "WenQuanYiMicroHei-0",
        "Symbola",
    }


def test_two_builds_are_byte_identical(fixture_pdf: bytes) -> None:
    assert render(fixture_postmortem()) == fixture_pdf
    assert render(scripts_postmortem()) == render(scripts_postmortem())


@pytest.mark.parametrize("audience", list(Audience))
def test_the_outline_has_one_entry_per_section(audience: Audience) -> None:
    contents = contents_of(fixture_postmortem(), audience)
    reader = PdfReader(io.BytesIO(render_pdf(contents)))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [heading for _, heading in contents.sections]
    assert len(reader.outline) == len(contents.sections)
    # Each entry leads to the page its heading is on.
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    for item in reader.outline:
        assert not isinstance(item, list) and item.title is not None
        page = reader.get_destination_page_number(item)
        assert page is not None and item.title in pages[page]


def test_the_metadata_names_the_postmortem(fixture_pdf: bytes) -> None:
    info = PdfReader(io.BytesIO(fixture_pdf)).metadata
    assert info is not None
    postmortem = fixture_postmortem()
    assert info.title == flat(postmortem.title)
    assert info.subject is not None and info.subject.startswith("Postmortem: ")
    assert str(info["/Keywords"]) == ", ".join(postmortem.tags)
    assert info.author == "pmdesk" and info.creator == "pmdesk"
    # The report's own date, never the clock (nor ReportLab's invariant 2000-01-01).
    assert str(info["/CreationDate"]) == "D:20260320093000+00'00'"
    assert str(info["/ModDate"]) == str(info["/CreationDate"])


def test_each_page_has_its_number_of_the_total_and_the_generation_date() -> None:
    data = render(many_events(300))
    pages = pages_text(data)
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Generated 2026-03-20" in text


def many_events(count: int) -> Postmortem:
    kinds = [EventKind.EVENT, EventKind.DECISION, EventKind.COMMUNICATION, EventKind.ESCALATION]
    events = [
        TimelineEvent(
            START + timedelta(minutes=i),
            EventKind.TRIGGER if i == 0 else kinds[i % len(kinds)],
            f"Event number {i}: " + "the config push reached another region " * (i % 4),
            source="pager" if i % 3 else None,
        )
        for i in range(count)
    ]
    return Postmortem(title=f"{count} events", status=PostmortemStatus.FINAL, timeline=events)


@pytest.mark.slow
def test_a_five_thousand_event_timeline_is_printed_whole() -> None:
    progress: list[tuple[int, int]] = []
    data = render_pdf(
        contents_of(many_events(5000)), lambda done, total: progress.append((done, total))
    )
    pages = pages_text(data)
    text = "\n".join(pages)
    assert "Event number 0:" in text and "Event number 4999:" in text
    assert len(re.findall(r"Event number \d+:", text)) == 5000
    # The header row is on every page the timeline is on.
    assert all("What happened" in page for page in pages if "Event number" in page)
    total = progress[-1][1]
    assert progress[-1] == (total, total)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert 5000 <= total < 5100
    assert len(progress) < 1000


def test_a_big_cause_tree_is_drawn_and_listed() -> None:
    causes = [Cause("c1", "The root of it all")]
    for i in range(2, 201):
        parent = causes[(i - 2) // 3]
        causes.append(
            Cause(
                f"c{i}",
                f"Cause number {i} explains its parent",
                parent_id=parent.id,
                systemic=i > 120,
            )
        )
    text = flat("\n".join(pages_text(render(Postmortem(title="Tree", causes=causes)))))
    for i in range(2, 201):
        assert f"Cause number {i} explains its parent" in text
    assert "c200 · why 5 · systemic" in text  # the diagram's box


def test_a_chain_too_deep_to_draw_is_listed_with_a_note() -> None:
    causes = [Cause("c1", "Root")]
    for i in range(2, 41):
        causes.append(Cause(f"c{i}", f"Why number {i}", parent_id=causes[-1].id))
    text = flat("\n".join(pages_text(render(Postmortem(title="Chain", causes=causes)))))
    assert "The diagram is left out: its 40 levels" in text
    assert "Why number 40" in text


def test_odd_and_missing_key_moments_are_shown_without_failing() -> None:
    postmortem = Postmortem(
        title="Odd",
        timeline=[
            TimelineEvent(START, EventKind.DETECTION, "Seen first"),
            TimelineEvent(START + timedelta(minutes=2), EventKind.TRIGGER, "Caused later"),
            TimelineEvent(START + timedelta(minutes=2), EventKind.RESOLUTION, "Fixed at once"),
        ],
    )
    text = flat("\n".join(pages_text(render(postmortem))))
    assert "No mitigation on the timeline." in text
    assert "Out of order: detection before trigger." in text


def test_an_empty_postmortem_builds_one_page() -> None:
    pages = pages_text(render(Postmortem(title="")))
    assert len(pages) == 1
    text = flat(pages[0])
    assert "Untitled postmortem" in text
    for empty in ("No summary yet.", "No events yet.", "No causes yet.", "No action items yet."):
        assert empty in text


def test_huge_texts_and_many_actions_are_laid_out() -> None:
    words = "the alert watched latency over fifteen minutes while errors climbed " * 150
    postmortem = Postmortem(
        title="Huge " * 80,
        severity=Severity.SEV1,
        summary="\n\n".join([words] * 3),
        metrics=[ImpactMetric("A metric with a rather long name for its tile", 2**70, "requests")],
        timeline=[TimelineEvent(START, EventKind.TRIGGER, words, source=words)],
        causes=[Cause("c1", words)],
        actions=[
            ActionItem(
                f"a{i}",
                words[: 40 * i],
                owner=words[:200],
                notes=words,
                status=ActionStatus.OPEN,
                priority=Priority.P0,
                due=date(2026, 1, 1),
            )
            for i in range(1, 41)
        ],
    )
    pages = pages_text(render(postmortem))
    text = flat("\n".join(pages))
    for i in range(1, 41):
        assert f"a{i} the alert watched" in text
    assert "A metric with a rather long name for its tile" in text
    assert all(f"of {len(pages)}" in page for page in pages)
    # A cell is cut after 30 lines ("…", which NFKC reads as "..."): no row outgrows a page.
    assert "..." in text


def test_progress_counts_up_to_its_total(fixture_pdf: bytes) -> None:
    progress: list[tuple[int, int]] = []
    data = render_pdf(contents_of(fixture_postmortem()), lambda *step: progress.append(step))
    assert data == fixture_pdf
    totals = {total for _, total in progress}
    assert len(totals) == 1
    (total,) = totals
    assert progress[-1] == (total, total)
    assert all(0 <= done <= total for done, _ in progress)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_the_title_block_names_the_linked_incidents() -> None:
    contents = build_contents(
        fixture_postmortem(),
        Audience.TEAM,
        GENERATED,
        TODAY,
        recurrences=[
            ("Search down after a config push", "2026-01-12"),
            ("Checkout <b>down</b> again", ""),
        ],
        recurred_as=[("Payments 502s after a config push", "2026-04-02")],
    )
    first_page = flat(pages_text(render_pdf(contents))[0])
    assert (
        "Recurrence of Search down after a config push (2026-01-12) "
        "Checkout <b>down</b> again Recurred as Payments 502s after a config push (2026-04-02) "
        "Facilitator"
    ) in first_page
    assert first_page.index("Recurrence of") < first_page.index("Summary")


def test_without_links_the_title_block_is_as_before(fixture_text: str) -> None:
    assert "Recurrence of" not in fixture_text and "Recurred as" not in fixture_text
