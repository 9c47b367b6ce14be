"""The learning review as Markdown, for wikis: the same sections as the PDF, from the same
`ReviewContents`, every string escaped as the postmortem report's Markdown escapes it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pmdesk.domain.learning import Review
from pmdesk.domain.model import Postmortem
from pmdesk.report.audience import Audience
from pmdesk.report.markdown import _table, cell, escape
from pmdesk.report.review_contents import (
    EMPTY,
    SECTIONS,
    SHOWN_CAUSES,
    Change,
    ReviewContents,
    build_review_contents,
    days,
    follow_through,
    more_causes,
)


def render_review_markdown(
    review: Review,
    *,
    audience: Audience,
    generated: datetime,
    library_name: str = "",
    library: Iterable[Postmortem] = (),
) -> str:
    """The review as Markdown; `library` as `render_review_pdf` takes it."""
    contents = build_review_contents(review, audience, generated, library_name, library)
    out: list[str] = [f"# {escape(contents.title)}", ""]
    add = out.append
    add(f"{escape(contents.dates)}  ")
    add(f"Compared with: {escape(contents.previous)}  ")
    add(f"Postmortems: {len(review.postmortems)} started in the period  ")
    if contents.library_name:
        add(f"Library: {escape(contents.library_name)}  ")
    add(f"Prepared for: {contents.audience.label}  ")
    add(f"Generated {contents.generated:%Y-%m-%d}")
    writers = {
        "numbers": _numbers,
        "themes": _themes,
        "actions": _actions,
        "recurrences": _recurrences,
        "overdue": _overdue,
        "postmortems": _postmortems,
    }
    for key, heading in SECTIONS:
        out += ["", f"## {heading}", ""]
        out += writers[key](contents)
    return "\n".join(out) + "\n"


def _empty(key: str) -> list[str]:
    return [f"*{escape(EMPTY[key])}*"]


def _changes(changes: Iterable[Change]) -> list[str]:
    return _table(["", ""], ([escape(c.label), cell(c.value)] for c in changes))


def _numbers(contents: ReviewContents) -> list[str]:
    out = [f"Against the period before, {escape(contents.previous)}.", ""]
    out += _changes(contents.numbers)
    out += ["", "### Impact", ""]
    out += _changes(contents.impact) if contents.impact else _empty("impact")
    return out


def _themes(contents: ReviewContents) -> list[str]:
    if not contents.themes:
        return _empty("themes")
    out: list[str] = []
    for theme in contents.themes:
        if out:
            out.append("")
        causes = len(theme.causes)
        out += [
            f"### {escape(theme.theme)}",
            "",
            f"{causes} cause{'s' if causes != 1 else ''} in {theme.postmortems} "
            f"postmortem{'s' if theme.postmortems != 1 else ''}; {theme.actions.agreed} "
            f"action{'s' if theme.actions.agreed != 1 else ''} on them, follow-through "
            f"{follow_through(theme.actions)}",
            "",
        ]
        shown = theme.causes[:SHOWN_CAUSES]
        out += _table(["Cause", "Postmortem"], ([cell(c.cause), cell(c.postmortem)] for c in shown))
        if causes > SHOWN_CAUSES:
            out += ["", escape(more_causes(theme))]
    return out


def _actions(contents: ReviewContents) -> list[str]:
    counts = contents.review.actions
    if not counts.agreed:
        return _empty("actions")
    out = [
        "Follow-through is done out of done, dropped and overdue; "
        f"{counts.owed} still open and not yet due count in none of them.",
        "",
    ]
    out += _changes(contents.actions)
    if contents.themes:
        out += ["", "### By theme", ""]
        out += _table(
            ["Theme", "Agreed", "Done", "Dropped", "Overdue", "Follow-through", "Days to done"],
            (
                [
                    cell(t.theme),
                    str(t.actions.agreed),
                    str(t.actions.done),
                    str(t.actions.dropped),
                    str(t.actions.overdue),
                    follow_through(t.actions),
                    days(t.actions.days_to_done),
                ]
                for t in contents.themes
            ),
        )
    return out


def _recurrences(contents: ReviewContents) -> list[str]:
    if not contents.recurrences:
        return _empty("recurrences")
    return _table(
        ["Postmortem", "Recurrence of", "Came back after"],
        (
            [
                cell(r.later),
                cell(r.earlier),
                cell("\n".join(r.came_back_after) or "no dropped or late action"),
            ]
            for r in contents.recurrences
        ),
    )


def _overdue(contents: ReviewContents) -> list[str]:
    if not contents.overdue:
        return _empty("overdue")
    rows = []
    for group in contents.overdue:
        rows += [
            [cell(r.owner), cell(r.action), cell(r.postmortem), r.due, str(r.days_late)]
            for r in group.rows
        ]
        if group.more:
            rows.append([" ", f"*{escape(group.more)}*", " ", " ", " "])
    return _table(["Owner", "Action", "Postmortem", "Due", "Days late"], rows)


def _postmortems(contents: ReviewContents) -> list[str]:
    if not contents.postmortems:
        return _empty("postmortems")
    return _table(
        ["Started", "Postmortem", "Kind", "Severity"],
        ([pm.day, cell(pm.title), pm.kind, escape(pm.severity)] for pm in contents.postmortems),
    )
