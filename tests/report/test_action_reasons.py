"""Why an action was dropped, and why its due date last moved, printed beside it in the PDF and
the Markdown, for the team and for stakeholders; the action's own notes stay the team's."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt

from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    ActionStatus,
    EventKind,
    Participant,
    Postmortem,
    TimelineEvent,
)
from pmdesk.interchange import json_v1
from pmdesk.report.contents import Audience, ReportContents, build_contents
from pmdesk.report.markdown import render_markdown
from tests.conftest import FIXTURE
from tests.report.test_pdf import flat, pages_text, render

GENERATED = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 20)
START = datetime(2026, 3, 2, 13, 5, tzinfo=UTC)

DROP_REASON = "Replaced by a1: the schema check stops the push before it pages anyone"
OLD_RESCOPE = "Waiting on the schema library release"
NEW_RESCOPE = "The vendor's fix slipped a sprint; the check needs it"
PRIVATE = ("Budget from the Q2 reliability line", "Dana thinks this one is moot")


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, 0, tzinfo=UTC)


def drop(day: int, note: str, old: str = "open") -> ActionChange:
    return ActionChange(at(day), ActionField.STATUS, old, "dropped", note)


def move(day: int, old: str | None, new: str | None, note: str) -> ActionChange:
    return ActionChange(at(day), ActionField.DUE, old, new, note)


def reasons_postmortem() -> Postmortem:
    """a1 re-scoped twice, a2 dropped with a reason, a3 dropped with no history (as an imported
    action may be), a4 given its first date; a1 and a2 carry private notes."""
    return Postmortem(
        title="Checkout config push",
        participants=[Participant("Dana Okafor", "facilitator")],
        timeline=[TimelineEvent(START, EventKind.TRIGGER, "A config push broke checkout")],
        actions=[
            ActionItem(
                "a1",
                "Add a schema check to the config pipeline",
                owner="Platform team",
                due=date(2026, 4, 10),
                notes=PRIVATE[0],
                history=[
                    move(5, "2026-03-13", "2026-03-27", OLD_RESCOPE),
                    move(18, "2026-03-27", "2026-04-10", NEW_RESCOPE),
                ],
            ),
            ActionItem(
                "a2",
                "Page the on-call engineer on checkout errors",
                owner="Dana Okafor",
                status=ActionStatus.DROPPED,
                notes=PRIVATE[1],
                history=[drop(10, DROP_REASON)],
            ),
            ActionItem("a3", "Clean up the old runbook", status=ActionStatus.DROPPED),
            ActionItem(
                "a4",
                "Canary every config push",
                due=date(2026, 3, 30),
                history=[move(4, None, "2026-03-30", "")],  # a first date is no re-scope
            ),
        ],
    )


def contents_of(postmortem: Postmortem, audience: Audience) -> ReportContents:
    return build_contents(postmortem, audience, GENERATED, TODAY)


def pdf_rows(postmortem: Postmortem, audience: Audience) -> dict[str, str]:
    """Each action's row in the PDF as read back, from its ref up to the next row's ref."""
    text = flat("\n".join(pages_text(render(postmortem, audience))))
    text = text[text.index("Action Owner Due Status") :]
    refs = [row.action.ref for row in contents_of(postmortem, audience).actions]
    starts = [text.index(f"{ref} {postmortem_title(postmortem, ref)[:20]}") for ref in refs]
    ends = [*starts[1:], len(text)]
    return {ref: text[s:e] for ref, s, e in zip(refs, starts, ends, strict=True)}


def postmortem_title(postmortem: Postmortem, ref: str) -> str:
    return next(a.title for a in postmortem.actions if a.ref == ref)


def markdown_rows(postmortem: Postmortem, audience: Audience) -> dict[str, str]:
    """Each action's table row as a reader sees it once rendered, its cells joined by " | "."""
    markdown = render_markdown(contents_of(postmortem, audience))
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    start = rendered.index("<th>Action</th>")
    table = rendered[start : rendered.index("</table>", start)]
    rows: dict[str, str] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL):
        cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
        texts = [html.unescape(re.sub(r"<[^>]+>", " ", c)) for c in cells]
        line = " | ".join(" ".join(t.split()) for t in texts)
        rows[line.split()[0]] = line
    return rows


@pytest.mark.parametrize("audience", list(Audience))
def test_the_pdf_shows_the_reason_beside_a_dropped_and_a_re_scoped_action(
    audience: Audience,
) -> None:
    rows = pdf_rows(reasons_postmortem(), audience)
    assert f"Why dropped {DROP_REASON}" in rows["a2"]
    assert f"Re-scoped from 2026-03-27 {NEW_RESCOPE}" in rows["a1"]
    for ref in ("a3", "a4"):
        assert "Why dropped" not in rows[ref] and "Re-scoped" not in rows[ref]


@pytest.mark.parametrize("audience", list(Audience))
def test_the_markdown_shows_the_reason_beside_a_dropped_and_a_re_scoped_action(
    audience: Audience,
) -> None:
    rows = markdown_rows(reasons_postmortem(), audience)
    assert rows["a2"].startswith(
        f"a2 Page the on-call engineer on checkout errors Why dropped: {DROP_REASON} | "
    )
    assert rows["a1"].startswith(
        f"a1 Add a schema check to the config pipeline Re-scoped from 2026-03-27: {NEW_RESCOPE} | "
    )
    for ref in ("a3", "a4"):
        assert "Why dropped" not in rows[ref] and "Re-scoped" not in rows[ref]


def test_stakeholders_see_the_reasons_but_never_the_private_notes() -> None:
    postmortem = reasons_postmortem()
    pdf = "".join(pdf_rows(postmortem, Audience.STAKEHOLDERS).values())
    markdown = render_markdown(contents_of(postmortem, Audience.STAKEHOLDERS))
    for shown in (pdf, markdown):
        assert DROP_REASON in shown and NEW_RESCOPE in shown
        assert not any(note in shown for note in PRIVATE)
    team = "".join(pdf_rows(postmortem, Audience.TEAM).values())
    assert all(f"Notes {note}" in team for note in PRIVATE)  # the team keeps both lines
    for row in contents_of(postmortem, Audience.STAKEHOLDERS).actions:
        assert row.notes == ""


def test_the_newest_of_two_re_scope_notes_is_the_one_shown() -> None:
    postmortem = reasons_postmortem()
    for audience in Audience:
        pdf = pdf_rows(postmortem, audience)["a1"]
        markdown = markdown_rows(postmortem, audience)["a1"]
        for shown in (pdf, markdown):
            assert NEW_RESCOPE in shown
            assert OLD_RESCOPE not in shown and "2026-03-13" not in shown


def test_an_action_dropped_without_history_gets_no_made_up_reason() -> None:
    # In one report with an action dropped with a reason, only that one says why.
    postmortem = reasons_postmortem()
    text = flat("\n".join(pages_text(render(postmortem, Audience.TEAM))))
    assert text.count("Why dropped") == 1
    assert render_markdown(contents_of(postmortem, Audience.TEAM)).count("Why dropped") == 1
    # The shared interchange fixture has a dropped action with no history, as a file may.
    imported = json_v1.read_file(FIXTURE).postmortem
    dropped = [a for a in imported.actions if a.status is ActionStatus.DROPPED]
    assert dropped and not any(a.history for a in dropped)
    for audience in Audience:
        contents = contents_of(imported, audience)
        assert [row.reason for row in contents.actions] == [None] * len(contents.actions)
        text = flat("\n".join(pages_text(render(imported, audience))))
        markdown = render_markdown(contents)
        for shown in (text, markdown):
            assert "Why dropped" not in shown and "Re-scoped" not in shown


def test_the_reason_comes_through_an_interchange_file() -> None:
    original = reasons_postmortem()
    imported = json_v1.read_bytes(json_v1.dumps(original).encode()).postmortem
    for audience in Audience:
        rows = markdown_rows(imported, audience)
        assert f"Why dropped: {DROP_REASON}" in rows["a2"]
        assert f"Re-scoped from 2026-03-27: {NEW_RESCOPE}" in rows["a1"]


def test_a_dropped_action_shows_its_latest_drop_reason_only() -> None:
    postmortem = reasons_postmortem()
    action = postmortem.actions[1]
    action.history = [
        move(3, "2026-03-10", "2026-03-20", "Moved behind the freeze"),
        drop(4, "Not needed after all"),
        ActionChange(at(6), ActionField.STATUS, "dropped", "open", ""),
        drop(12, DROP_REASON, old="open"),
    ]
    # Reopened and dropped again with no reason (as an old file may have it): none is shown,
    # rather than the first drop's, which no longer holds.
    silent = reasons_postmortem()
    silent.actions[1].history = [drop(4, "Not needed after all"), drop(12, "  ")]
    for audience in Audience:
        row = pdf_rows(postmortem, audience)["a2"]
        assert f"Why dropped {DROP_REASON}" in row
        assert "Not needed after all" not in row and "freeze" not in row
        assert "Re-scoped" not in row  # its date no longer matters: it was dropped
        reasons = [r.reason for r in contents_of(silent, audience).actions]
        assert reasons[1] is None


@pytest.mark.parametrize("reason", ["<b>x</b>", "# heading", "*not emphasis* | a | pipe |"])
def test_a_reason_that_looks_like_markup_prints_as_typed(reason: str) -> None:
    postmortem = reasons_postmortem()
    postmortem.actions[1].history = [drop(10, reason)]
    postmortem.actions[0].history = [move(18, "2026-03-27", "2026-04-10", reason)]
    for audience in Audience:
        pdf = pdf_rows(postmortem, audience)
        assert f"Why dropped {reason}" in pdf["a2"]
        assert f"Re-scoped from 2026-03-27 {reason}" in pdf["a1"]
        markdown = markdown_rows(postmortem, audience)
        assert f"Why dropped: {reason}" in markdown["a2"]
        assert f"Re-scoped from 2026-03-27: {reason}" in markdown["a1"]
        rendered = (
            MarkdownIt("commonmark")
            .enable("table")
            .render(render_markdown(contents_of(postmortem, audience)))
        )
        assert "<b>" not in rendered and "<em>not" not in rendered
        assert rendered.count("<h1>") == 1  # the report's title, and no other
