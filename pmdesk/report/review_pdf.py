"""The learning review as an A4 PDF, for leadership: what a period of postmortems says about the
system and about the follow-through on what was agreed, laid out from `ReviewContents`.

It looks like the postmortem report and is made the same way (pdf.py): the same styles, tiles,
tables, footer and outline, every user string escaped by `fonts`, and the same bytes for the same
review (invariant mode, the PDF dated `generated`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    PageTemplate,
)

from pmdesk.domain.learning import Review
from pmdesk.domain.model import Postmortem
from pmdesk.report import fonts
from pmdesk.report.audience import Audience
from pmdesk.report.contents import KeyNumber
from pmdesk.report.pdf import (
    Footer,
    Heading,
    ReportCanvas,
    Rule,
    Styles,
    body_frame,
    column_head,
    facts_grid,
    flowable_height,
    lead_height,
    no_cycle_collection,
    one_line,
    plain,
    prose,
    title_style,
)
from pmdesk.report.pdf_drawings import tile_rows
from pmdesk.report.pdf_style import (
    ACCENT,
    BODY_SIZE,
    ERROR,
    FRAME_HEIGHT,
    HEADER_FILL,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    TABLE_SIZE,
    fit,
)
from pmdesk.report.pdf_table import Cell, Column, Grid, Row, text_cell
from pmdesk.report.review_contents import (
    EMPTY,
    SECTIONS,
    SHOWN_CAUSES,
    SHOWN_OVERDUE,
    Change,
    ReviewContents,
    ThemeView,
    build_review_contents,
    days,
    follow_through,
    more_causes,
)

CHART_THEMES = 8  # the themes the bar chart shows; the list under it has them all


def render_review_pdf(
    review: Review,
    *,
    audience: Audience,
    generated: datetime,
    library_name: str = "",
    library: Iterable[Postmortem] = (),
) -> bytes:
    """The review as PDF bytes, the same bytes every time for the same review.

    `library` is what the review was made from: for stakeholders, the names in an overdue action
    of a postmortem outside the period are replaced by that postmortem's own participants' roles;
    without it, such an action shows its ref only.
    """
    contents = build_review_contents(review, audience, generated, library_name, library)
    with no_cycle_collection():
        return _render(contents)


def _render(contents: ReviewContents) -> bytes:
    fonts.register()
    styles = Styles()
    story = _story(contents, styles)
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=contents.title,
        subject=f"Learning review, prepared for {contents.audience.label}",
        author="pmdesk",
        creator="pmdesk",
        invariant=1,
        initialFontName=fonts.REGULAR,
        initialFontSize=BODY_SIZE,
        lang="en",
    )
    document.addPageTemplates([PageTemplate("page", [body_frame()])])
    footer = Footer.titled(_footer_title(contents), contents.generated)

    def canvas_maker(*args: Any, **kwargs: Any) -> ReportCanvas:
        return ReportCanvas(*args, footer=footer, **kwargs)

    document.build(story, canvasmaker=canvas_maker)
    return buffer.getvalue()


def _footer_title(contents: ReviewContents) -> str:
    if contents.library_name:
        return f"{contents.title} · {contents.library_name}"
    return contents.title


def _story(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    story = _title_block(contents, styles)
    sections: dict[str, Callable[[ReviewContents, Styles], list[Flowable]]] = {
        "numbers": _numbers,
        "themes": _themes,
        "actions": _actions,
        "recurrences": _recurrences,
        "overdue": _overdue,
        "postmortems": _postmortems,
    }
    for key, heading in SECTIONS:
        head = Heading(key, heading, styles.heading)
        body = sections[key](contents, styles)
        # The heading kept with the start of its section, as in the postmortem report.
        room = flowable_height(head) + lead_height(body)
        story.append(CondPageBreak(min(room, FRAME_HEIGHT / 2)))
        story.append(head)
        story.extend(body)
    return story


def _title_block(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [plain("LEARNING REVIEW", styles.kicker)]
    story += prose(contents.title, title_style(contents.title, styles), bold=True)
    story.append(plain(contents.dates, styles.subtitle))
    review = contents.review
    count = len(review.postmortems)
    facts = [
        ("Period", f"{review.period.label}: {contents.dates}"),
        ("Compared with", contents.previous),
        ("Postmortems", f"{count} started in the period"),
    ]
    if contents.library_name:
        facts.append(("Library", contents.library_name))
    facts.append(("Prepared for", contents.audience.label))
    story.append(facts_grid(facts))
    story.append(Rule(space_above=12))
    return story


def _subheading(text: str, styles: Styles) -> list[Flowable]:
    """A subheading kept with the start of the table under it (the style's keepWithNext would
    move it with the whole table)."""
    heading = ParagraphStyle("review-subheading", parent=styles.subheading, keepWithNext=0)
    return [CondPageBreak(72), plain(text, heading)]


def _numbers(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        plain(f"Against the period before, {contents.previous}.", styles.caption, lead=True)
    ]
    story.append(_Tiles(contents.numbers))
    story += _subheading("Impact", styles)
    if not contents.impact:
        story.append(plain(EMPTY["impact"], styles.empty))
        return story
    columns = [Column(column_head("Measure"), 0), Column(column_head("Total"), 190)]
    rows = [Row((text_cell(n.label), text_cell(n.value))) for n in contents.impact]
    story.append(Grid(columns, rows))
    return story


class _Tiles(Flowable):  # type: ignore[misc]
    """Rows of key-number tiles that stay together on one page."""

    def __init__(self, numbers: Sequence[Change]) -> None:
        super().__init__()
        self._rows = tile_rows([KeyNumber(n.label, n.value) for n in numbers])
        self._heights: list[float] = []
        self.lead = True  # its section's heading waits for room for all of it

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._heights = [
            float(row.wrap(available_width, available_height)[1]) + row.getSpaceAfter()
            for row in self._rows
        ]
        self.width, self.height = available_width, sum(self._heights)
        return self.width, self.height

    def draw(self) -> None:
        top = self.height
        for row, height in zip(self._rows, self._heights, strict=True):
            top -= height
            row.drawOn(self.canv, 0, top + row.getSpaceAfter())


def _themes(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    if not contents.themes:
        return [plain(EMPTY["themes"], styles.empty)]
    shown = contents.themes[:CHART_THEMES]
    more = len(contents.themes) - len(shown)
    caption = "Systemic causes of the period's postmortems, by the theme they carry"
    caption += f"; the {len(shown)} most frequent of {len(contents.themes)} drawn." if more else "."
    story: list[Flowable] = [plain(caption, styles.caption, lead=True), ThemeBars(shown)]
    for theme in contents.themes:
        story += _subheading(theme.theme, styles)
        causes = len(theme.causes)
        story.append(
            plain(
                f"{causes} cause{'s' if causes != 1 else ''} in "
                f"{theme.postmortems} postmortem{'s' if theme.postmortems != 1 else ''}; "
                f"{theme.actions.agreed} action{'s' if theme.actions.agreed != 1 else ''} on "
                f"them, follow-through {follow_through(theme.actions)}",
                styles.caption,
            )
        )
        columns = [Column(column_head("Cause"), 0), Column(column_head("Postmortem"), 170)]
        rows = [
            Row(
                (
                    text_cell(c.cause, max_lines=8),
                    text_cell(c.postmortem, color=MUTED, max_lines=2),
                )
            )
            for c in theme.causes[:SHOWN_CAUSES]
        ]
        story.append(Grid(columns, rows, min_rows=min(len(rows), 3)))
        if causes > SHOWN_CAUSES:
            story.append(plain(more_causes(theme), styles.caption))
    return story


class ThemeBars(Flowable):  # type: ignore[misc]
    """A horizontal bar per theme, as long as its count of causes."""

    BAR = 10.0
    GAP = 6.0
    LABEL_WIDTH = 150.0

    def __init__(self, themes: Sequence[ThemeView]) -> None:
        super().__init__()
        self._themes = tuple(themes)

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self._themes) * (self.BAR + self.GAP) + 8
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        most = max(len(t.causes) for t in self._themes)
        room = self.width - self.LABEL_WIDTH - 40
        y = self.height - self.BAR - 4
        for theme in self._themes:
            canvas.setFillColor(MUTED)
            label = fit(one_line(theme.theme), self.LABEL_WIDTH - 8, TABLE_SIZE)
            fonts.draw_string(canvas, self.LABEL_WIDTH - 8, y + 2, label, TABLE_SIZE, anchor="end")
            length = room * len(theme.causes) / most
            canvas.setFillColor(HEADER_FILL)
            canvas.rect(self.LABEL_WIDTH, y, room, self.BAR, stroke=0, fill=1)
            canvas.setFillColor(ACCENT)
            canvas.rect(self.LABEL_WIDTH, y, length, self.BAR, stroke=0, fill=1)
            canvas.setFillColor(MUTED)
            fonts.draw_string(
                canvas, self.LABEL_WIDTH + room + 6, y + 2, str(len(theme.causes)), TABLE_SIZE
            )
            y -= self.BAR + self.GAP


def _actions(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    counts = contents.review.actions
    if not counts.agreed:
        return [plain(EMPTY["actions"], styles.empty)]
    story: list[Flowable] = [
        plain(
            "The actions of the period's postmortems. Follow-through is done out of done, dropped "
            f"and overdue; {counts.owed} still open and not yet due count in none of them.",
            styles.caption,
            lead=True,
        )
    ]
    story.append(_Tiles(contents.actions))
    if contents.themes:
        story += _subheading("By theme", styles)
        columns = [
            Column(column_head("Theme"), 0),
            Column(column_head("Agreed"), 44),
            Column(column_head("Done"), 38),
            Column(column_head("Dropped"), 50),
            Column(column_head("Overdue"), 50),
            Column(column_head("Follow-through"), 76),
            Column(column_head("Median days to done"), 84),
        ]
        rows = [
            Row(
                (
                    text_cell(t.theme),
                    text_cell(str(t.actions.agreed)),
                    text_cell(str(t.actions.done)),
                    text_cell(str(t.actions.dropped)),
                    text_cell(str(t.actions.overdue), color=ERROR if t.actions.overdue else MUTED),
                    text_cell(follow_through(t.actions)),
                    text_cell(days(t.actions.days_to_done)),
                )
            )
            for t in contents.themes
        ]
        story.append(Grid(columns, rows, min_rows=min(len(rows), 3)))
    return story


def _recurrences(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    if not contents.recurrences:
        return [plain(EMPTY["recurrences"], styles.empty)]
    came_back = sum(1 for r in contents.recurrences if r.came_back_after)
    count = len(contents.recurrences)
    story: list[Flowable] = [
        plain(
            f"{count} recurrence{'s' if count != 1 else ''} linked; {came_back} came back after "
            "an action on the earlier incident was dropped or left late.",
            styles.caption,
            lead=True,
        )
    ]
    columns = [
        Column(column_head("Postmortem"), 0),
        Column(column_head("Recurrence of"), 0),
        Column(column_head("Came back after"), 0),
    ]
    rows = [
        Row(
            (
                text_cell(r.later),
                text_cell(r.earlier, color=MUTED),
                text_cell("\n".join(f"• {a}" for a in r.came_back_after), color=ERROR)
                if r.came_back_after
                else text_cell("no dropped or late action", color=MUTED),
            )
        )
        for r in contents.recurrences
    ]
    story.append(Grid(columns, rows))
    return story


def _overdue(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    if not contents.overdue:
        return [plain(EMPTY["overdue"], styles.empty)]
    count = sum(len(group.actions) for group in contents.review.overdue_by_owner)
    story: list[Flowable] = [
        plain(
            f"{count} action{'s' if count != 1 else ''} open past the due date"
            f"{'s' if count != 1 else ''} across the whole library, as of the day the review "
            f"was prepared; who owes the most first, at most {SHOWN_OVERDUE} of each listed.",
            styles.caption,
            lead=True,
        )
    ]
    columns = [
        Column(column_head("Owner"), 96),
        Column(column_head("Action"), 0),
        Column(column_head("Postmortem"), 150),
        Column(column_head("Days late"), 48),
    ]
    rows: list[Row] = []
    for group in contents.overdue:
        shown = ""
        for number, row in enumerate(group.rows):
            rows.append(
                Row(
                    (
                        text_cell("" if row.owner == shown else row.owner, bold=True),
                        text_cell(row.action),
                        text_cell(row.postmortem, color=MUTED, max_lines=2),
                        text_cell(str(row.days_late), color=ERROR),
                    ),
                    space_above=6.0 if number == 0 and rows else 0.0,
                )
            )
            shown = row.owner
        if group.more:
            rows.append(Row((Cell(), text_cell(group.more, color=MUTED), Cell(), Cell())))
    story.append(Grid(columns, rows, zebra=False))
    return story


def _postmortems(contents: ReviewContents, styles: Styles) -> list[Flowable]:
    if not contents.postmortems:
        return [plain(EMPTY["postmortems"], styles.empty)]
    columns = [
        Column(column_head("Started"), 62),
        Column(column_head("Postmortem"), 0),
        Column(column_head("Kind"), 60),
        Column(column_head("Severity"), 54),
    ]
    rows = [
        Row(
            (
                text_cell(pm.day, color=MUTED),
                text_cell(pm.title),
                text_cell(pm.kind),
                text_cell(pm.severity),
            )
        )
        for pm in contents.postmortems
    ]
    return [Grid(columns, rows)]
