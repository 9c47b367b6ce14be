"""The report as an A4 PDF: the document a director forwards, laid out from `ReportContents`.

What the report says, and what each audience may see, is decided in contents.py; this module only
decides how it looks. It builds the story (the title block, then each section under its heading,
in the order contents.py gives), the pages it flows onto and the PDF's metadata and outline. Its
tables are pdf_table.py's `Grid`s, its tiles, key-moments strip and cause diagram are drawn by
pdf_drawings.py, and the colours and sizes they share are in pdf_style.py.

Every user string reaches the page through `fonts.markup` (Paragraphs) or `fonts.draw_string`
(the canvas), so markup in a title is printed rather than obeyed and each script is drawn in a
font that has it. Prose is broken into lines by `fonts.wrap` before it becomes a Paragraph,
because right-to-left text is put in visual order one line at a time.

"Page X of Y" needs the page count, so the canvas keeps each finished page and draws the footers,
and the outline entries (whose page is only known then), when the document is saved. The output
is byte-identical for the same contents: ReportLab runs in invariant mode and the PDF's dates are
`contents.generated`, never the clock.
"""

from __future__ import annotations

import contextlib
import gc
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
)

from pmdesk.domain.model import ActionStatus, EventKind, Priority
from pmdesk.report import fonts
from pmdesk.report.contents import (
    STATUS_LABELS,
    ActionRow,
    Audience,
    CauseEntry,
    ReportContents,
    linked_incidents,
)
from pmdesk.report.pdf_drawings import (
    CauseDiagram,
    MomentStrip,
    cause_diagram,
    tile_rows,
)
from pmdesk.report.pdf_style import (
    ACCENT,
    BODY_SIZE,
    ERROR,
    FAINT,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEADING_SIZE,
    INK,
    KIND_COLOURS,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    OK,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    SMALL_SIZE,
    SUBHEADING_SIZE,
    SUBTITLE_SIZE,
    TITLE_SIZES,
    WATERMARK,
    fit,
)
from pmdesk.report.pdf_table import CELL_PAD_X, Cell, Column, Grid, Row, Run, text_cell

Progress = Callable[[int, int], None]

FOOTER_BASELINE = 36.0
FOOTER_GAP = "   ·   "

KEY_KINDS = frozenset(
    {EventKind.TRIGGER, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION}
)

MAX_NOTE_LINES = 20
PROSE_CHUNK_LINES = 24  # the most lines in one Paragraph of a user's text (see prose)
SLACK = 0.5  # prose is wrapped this much narrower than its Paragraph, so it is never re-wrapped


def render_pdf(contents: ReportContents, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes, the same bytes every time for the same contents.

    `progress(done, total)` is called as the document is laid out, a few hundred times at most
    for the largest postmortems, and once with done == total at the end.
    """
    with no_cycle_collection():
        return _render(contents, progress)


def column_head(text: str) -> Cell:
    """A table's column heading: small, bold and muted, as every table of a report has them."""
    return text_cell(text, bold=True, size=7.5, color=MUTED)


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the report is laid out: its full passes walk every
    object alive, and a long report makes hundreds of thousands that live to its end (a third of
    the export of 5,000 events went there), with next to no cycles among them. Where it was
    paused already (the window collects on its own schedule), it stays so."""
    paused = not gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not paused:
            gc.enable()


def _render(contents: ReportContents, progress: Progress | None) -> bytes:
    fonts.register()
    styles = Styles()
    story = _story(contents, styles)
    total = sum(_units(flowable) for flowable in story)
    buffer = io.BytesIO()
    document = _Document(buffer, contents, progress, total)
    footer = Footer.of(contents)

    def canvas_maker(*args: Any, **kwargs: Any) -> ReportCanvas:
        return ReportCanvas(*args, footer=footer, **kwargs)

    document.build(story, canvasmaker=canvas_maker)
    if progress is not None:
        progress(total, total)
    return buffer.getvalue()


def _units(flowable: Any) -> int:
    """How much of the progress bar a flowable is worth: a grid its rows, anything else 1."""
    return int(getattr(flowable, "progress_units", 1))


# ---------------------------------------------------------------------------------------------
# Document, pages, footer, outline


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(
        self,
        buffer: io.BytesIO,
        contents: ReportContents,
        progress: Progress | None,
        total: int,
    ) -> None:
        title = one_line(contents.postmortem.title) or "Untitled postmortem"
        facts = " · ".join((contents.kind, contents.severity, contents.status))
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            subject=f"Postmortem: {facts}, prepared for {contents.audience.label}",
            author="pmdesk",
            creator="pmdesk",
            keywords=[one_line(tag) for tag in contents.postmortem.tags],
            invariant=1,
            initialFontName=fonts.REGULAR,
            initialFontSize=BODY_SIZE,
            lang="en",
        )
        on_page = _draw_watermark if contents.draft else _draw_nothing
        self.addPageTemplates([PageTemplate("page", [body_frame()], onPage=on_page)])
        self._progress = progress
        self._total = total
        self._done = 0

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (ReportLab's hook)
        if self._progress is not None:
            self._done += _units(flowable)
            self._progress(min(self._done, self._total), self._total)


def body_frame() -> Frame:
    """The page's one frame, inside the margins, without padding of its own."""
    return Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def _draw_watermark(canvas: Canvas, _document: Any) -> None:
    # Drawn when the page begins, so it lies behind everything else on the page.
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(55)
    fonts.draw_string(canvas, 0, -50, "DRAFT", 150, bold=True, anchor="middle")
    canvas.restoreState()


def _draw_nothing(_canvas: Canvas, _document: Any) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Footer:
    title: str
    generated: str
    pdf_date: str

    @classmethod
    def of(cls, contents: ReportContents) -> Footer:
        title = one_line(contents.postmortem.title) or "Untitled postmortem"
        return cls.titled(title, contents.generated)

    @classmethod
    def titled(cls, title: str, generated: datetime) -> Footer:
        # Room for the right-hand side at its widest, "Generated …  ·  Page 999 of 999".
        right = fonts.string_width(f"Generated 2026-01-01{FOOTER_GAP}Page 999 of 999", SMALL_SIZE)
        return cls(
            title=fit(title, FRAME_WIDTH - right - 24, SMALL_SIZE),
            generated=f"Generated {generated:%Y-%m-%d}",
            pdf_date=_pdf_date(generated),
        )

    def draw(self, canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        rule_y = FOOTER_BASELINE + 12
        canvas.line(MARGIN_X, rule_y, PAGE_WIDTH - MARGIN_X, rule_y)
        canvas.setFillColor(MUTED)
        fonts.draw_string(canvas, MARGIN_X, FOOTER_BASELINE, self.title, SMALL_SIZE)
        right = f"{self.generated}{FOOTER_GAP}Page {number} of {total}"
        fonts.draw_string(
            canvas, PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE, right, SMALL_SIZE, anchor="end"
        )
        canvas.restoreState()


def _pdf_date(moment: datetime) -> str:
    """A PDF date string ("D:20260302140500+01'00'"); a naive time is taken as UTC."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{minutes:02d}'"


class ReportCanvas(Canvas):  # type: ignore[misc]
    """Keeps every finished page until the document is saved, then draws each page's footer
    ("Page X of Y") and outline entries and writes it: the usual NumberedCanvas pattern."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._finished: list[dict[str, Any]] = []
        self._sections: list[tuple[str, str, float]] = []
        date = footer.pdf_date
        # In invariant mode ReportLab dates every PDF 2000-01-01; the report's own date is truer.
        self.setDateFormatter(lambda *_: date)

    def mark_section(self, key: str, title: str, top: float) -> None:
        self._sections.append((key, title, top))

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._finished.append(dict(self.__dict__))
        self._sections = []
        self._startPage()

    def save(self) -> None:
        total = len(self._finished)
        for number, state in enumerate(self._finished, start=1):
            self.__dict__.update(state)
            for key, title, top in self._sections:
                self.bookmarkHorizontalAbsolute(key, top)
                self.addOutlineEntry(title, key, level=0)
            self._footer.draw(self, number, total)
            super().showPage()
        self.showOutline()
        super().save()


# ---------------------------------------------------------------------------------------------
# Text helpers


class Styles:
    def __init__(self) -> None:
        def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
            extra.setdefault("fontName", fonts.REGULAR)
            extra.setdefault("textColor", INK)
            # Paragraph's defaults are Helvetica; a bullet or a style left unset would add it.
            return ParagraphStyle(
                name,
                fontSize=size,
                leading=leading,
                bulletFontName=fonts.REGULAR,
                bulletFontSize=size,
                **extra,
            )

        self.kicker = style("kicker", 8.5, 11, textColor=ACCENT, fontName=fonts.BOLD, spaceAfter=6)
        self.title = style(
            "title", TITLE_SIZES[0], TITLE_SIZES[0] * 1.2, fontName=fonts.BOLD, spaceAfter=5
        )
        self.subtitle = style("subtitle", SUBTITLE_SIZE, 15, textColor=MUTED, spaceAfter=12)
        self.heading = style(
            "heading", HEADING_SIZE, 18, fontName=fonts.BOLD, spaceBefore=20, spaceAfter=6
        )
        self.subheading = style(
            "subheading",
            SUBHEADING_SIZE,
            14,
            fontName=fonts.BOLD,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.body = style("body", BODY_SIZE, 14, spaceAfter=6)
        self.bullet = style("bullet", BODY_SIZE, 14, leftIndent=13, bulletIndent=2, spaceAfter=3)
        self.caption = style("caption", 8, 11, textColor=MUTED, spaceAfter=8)
        self.empty = style("empty", BODY_SIZE, 14, textColor=MUTED, spaceAfter=6)


def one_line(text: str) -> str:
    return " ".join(text.split())


def prose(
    text: str, style: ParagraphStyle, *, bold: bool = False, width: float = FRAME_WIDTH
) -> list[Flowable]:
    """A user's text as Paragraphs, one per block between blank lines, its line breaks kept.

    A long block is set as several Paragraphs of at most `PROSE_CHUNK_LINES` lines each, with no
    space between them, so it reads as one. ReportLab splits a Paragraph at a page's foot by
    breaking all of its remaining text again, so one block of n lines would cost n² (40,000 words:
    43 s); chunks keep a report's time linear in its text.
    """
    normal = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    line_width = width - style.leftIndent - style.rightIndent - SLACK
    story: list[Flowable] = []
    for block in re.split(r"\n[ \t]*\n\s*", normal):
        lines = fonts.wrap(block, line_width, style.fontSize, bold=bold)
        starts = range(0, len(lines), PROSE_CHUNK_LINES)
        for start in starts:
            chunk = "\n".join(lines[start : start + PROSE_CHUNK_LINES])
            joined = _joined_style(style, first=start == 0, last=start == starts[-1])
            story.append(Paragraph(fonts.markup(chunk, bold=bold), joined))
    return story


def _joined_style(style: ParagraphStyle, *, first: bool, last: bool) -> ParagraphStyle:
    """`style` for one chunk of a block: space above only the first, below only the last."""
    if first and last:
        return style
    return ParagraphStyle(
        f"{style.name}-chunk",
        parent=style,
        spaceBefore=style.spaceBefore if first else 0,
        spaceAfter=style.spaceAfter if last else 0,
    )


def plain(text: str, style: ParagraphStyle, *, lead: bool = False) -> Paragraph:
    """One of the report's own sentences as a Paragraph (escaped all the same: a caption may name
    the postmortem's zone). A `lead` (a section's caption) counts towards the room its section
    needs to begin on a page."""
    paragraph = Paragraph(fonts.markup(text, bold=style.fontName == fonts.BOLD), style)
    paragraph.lead = lead
    return paragraph


class Heading(Paragraph):  # type: ignore[misc]
    """A section heading that gets an entry in the PDF's outline."""

    def __init__(self, key: str, title: str, style: ParagraphStyle) -> None:
        super().__init__(fonts.markup(title, bold=True), style)
        self.outline = (key, title)

    def draw(self) -> None:
        super().draw()
        mark = getattr(self.canv, "mark_section", None)
        if mark is not None:
            _, top = self.canv.absolutePosition(0, self.height + 4)
            mark(*self.outline, top)


# ---------------------------------------------------------------------------------------------
# The story


def _story(contents: ReportContents, styles: Styles) -> list[Flowable]:
    story = _title_block(contents, styles)
    sections: dict[str, Callable[[ReportContents, Styles], list[Flowable]]] = {
        "summary": _summary,
        "numbers": _numbers,
        "timeline": _timeline,
        "causes": _causes,
        "actions": _actions,
        "meeting": _meeting,
        "lessons": _lessons,
        "participants": _participants,
    }
    for key, heading in contents.sections:
        head = Heading(key, heading, styles.heading)
        body = sections[key](contents, styles)
        # Platypus's keepWithNext would move a heading and a 200-page table to a fresh page
        # together; this keeps the heading with the start of what follows it, and no more.
        room = flowable_height(head) + lead_height(body)
        drawing = _first_drawing(body)
        if drawing is not None and room > FRAME_HEIGHT:
            # No page holds the heading and the whole drawing, and a drawing that went
            # overleaf would leave the heading alone at a page's foot: it begins under it.
            drawing.begins_under_heading = True
        story.append(CondPageBreak(min(room, FRAME_HEIGHT / 2)))
        story.append(head)
        story.extend(body)
    return story


def flowable_height(flowable: Flowable) -> float:
    _, height = flowable.wrap(FRAME_WIDTH, FRAME_HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _first_drawing(body: Sequence[Flowable]) -> CauseDiagram | None:
    """The cause diagram right after a section's captions, if that is what comes first."""
    first = next((f for f in body if not getattr(f, "lead", False)), None)
    return first if isinstance(first, CauseDiagram) else None


def lead_height(body: Sequence[Flowable]) -> float:
    """The height of a section's captions and of enough of its content to start it."""
    total = 0.0
    for flowable in body:
        if isinstance(flowable, Grid):
            return total + flowable.head_room(FRAME_WIDTH)
        if isinstance(flowable, CauseDiagram):
            return total + flowable.lead_height()
        height = flowable_height(flowable)
        if not getattr(flowable, "lead", False):
            return total + min(height, 72.0)
        total += height
    return total


def _title_block(contents: ReportContents, styles: Styles) -> list[Flowable]:
    pm = contents.postmortem
    title = pm.title if pm.title.strip() else "Untitled postmortem"
    story: list[Flowable] = [plain("POSTMORTEM REPORT", styles.kicker)]
    story += prose(title, title_style(title, styles), bold=True)
    story.append(
        plain(" · ".join((contents.kind, contents.severity, contents.status)), styles.subtitle)
    )
    facts = [("Incident began", contents.incident_date or "Not known: no timeline yet")]
    # A row per linked incident, so that a title wrapped over two lines still reads as one; the
    # label only on the first of each direction.
    shown = ""
    for label, incident in linked_incidents(contents):
        facts.append(("" if label == shown else label, incident))
        shown = label
    if contents.facilitator:
        facts.append(("Facilitator", contents.facilitator))
    facts.append(("Prepared for", contents.audience.label))
    if pm.tags:
        facts.append(("Tags", "  ·  ".join(one_line(tag) for tag in pm.tags)))
    story.append(facts_grid(facts))
    story.append(Rule(space_above=12))
    return story


def facts_grid(facts: Sequence[tuple[str, str]]) -> Grid:
    """The title block's facts, a muted label left of each, kept on one page."""
    rows = [
        Row((text_cell(label, size=8.5, color=MUTED), text_cell(value, size=9.5, max_lines=6)))
        for label, value in facts
    ]
    return Grid(
        [Column(Cell(), 92), Column(Cell(), 0)],
        rows,
        header=False,
        zebra=False,
        min_rows=len(rows),
    )


def title_style(title: str, styles: Styles) -> ParagraphStyle:
    """The title's style at the largest size that keeps it to three lines (or the smallest)."""
    for size in TITLE_SIZES:
        lines = fonts.wrap(title, FRAME_WIDTH - SLACK, size, bold=True, max_lines=4)
        if len(lines) <= 3:
            break
    return ParagraphStyle("title-fitted", parent=styles.title, fontSize=size, leading=size * 1.2)


class Rule(Flowable):  # type: ignore[misc]
    def __init__(self, space_above: float = 0.0) -> None:
        super().__init__()
        self._space_above = space_above

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self._space_above + 1
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.8)
        self.canv.line(0, 0.5, self.width, 0.5)


def _summary(contents: ReportContents, styles: Styles) -> list[Flowable]:
    pm = contents.postmortem
    story = prose(pm.summary, styles.body) or [plain("No summary yet.", styles.empty)]
    impact = prose(pm.impact_summary, styles.body)
    if impact:
        story.append(plain("Impact", styles.subheading))
        story += impact
    return story


def _numbers(contents: ReportContents, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [*tile_rows(contents.numbers)]
    strip = MomentStrip.of(contents)
    if strip is not None:
        story.append(plain("Key moments", styles.subheading))
        story.append(strip)
    return story


def _timeline(contents: ReportContents, styles: Styles) -> list[Flowable]:
    if not contents.timeline:
        return [plain("No events yet.", styles.empty)]
    count = len(contents.timeline)
    caption = f"{count} event{'s' if count != 1 else ''}, times in {contents.zone}"
    if contents.spans_days:
        caption += "; the incident spans more than one day"
    when_width = 86 if contents.spans_days else 62
    zone = _break_after_slashes(f"({contents.zone})", when_width - 2 * CELL_PAD_X, 6.5)
    columns = [
        Column(
            Cell((Run("When", bold=True, size=7.5, color=MUTED), Run(zone, size=6.5, color=MUTED))),
            when_width,
        ),
        Column(column_head("Kind"), 74),
        Column(column_head("What happened"), 0),
        Column(column_head("Source"), 84),
    ]
    rows = [
        Row(
            (
                text_cell(row.when, color=MUTED),
                text_cell(
                    row.kind, color=KIND_COLOURS[row.event.kind], bold=row.event.kind in KEY_KINDS
                ),
                text_cell(row.event.text),
                text_cell(row.event.source or "", color=MUTED),
            )
        )
        for row in contents.timeline
    ]
    return [plain(caption, styles.caption, lead=True), Grid(columns, rows)]


def _break_after_slashes(text: str, width: float, size: float) -> str:
    """A zone name too long for its column broken after slashes ("America/Argentina/" and
    "Buenos_Aires"), rather than between any two characters."""
    lines = [""]
    for part in re.findall(r"[^/]*/|[^/]+$", text):
        if lines[-1] and fonts.string_width(lines[-1] + part, size) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def _causes(contents: ReportContents, styles: Styles) -> list[Flowable]:
    if not contents.causes:
        return [plain("No causes yet.", styles.empty)]
    story: list[Flowable] = [
        plain(
            "Read left to right: each box answers “why?” for the box before it. Causes in "
            "green boxes are systemic: fixing them prevents more than this incident.",
            styles.caption,
            lead=True,
        )
    ]
    diagram = cause_diagram(contents.causes)
    if isinstance(diagram, str):
        story.append(plain(diagram, styles.caption))
    elif diagram is not None:
        story += diagram  # one drawing per problem statement, none cut by a page's foot
    story.append(Spacer(1, 10))
    story.append(_cause_list(contents.causes))
    return story


def _cause_list(entries: Sequence[CauseEntry]) -> Grid:
    rows: list[Row] = []
    for entry in entries:
        cause = entry.cause
        about = [f"{cause.ref} · {entry.label}" if cause.ref else entry.label]
        if cause.systemic:
            about.append("systemic")
        if entry.actions:
            about.append("→ " + ", ".join(entry.actions))
        text = Cell(
            (
                Run(cause.text, size=8.5),
                Run(
                    " · ".join(about),
                    size=7,
                    bold=cause.systemic,
                    color=OK if cause.systemic else MUTED,
                ),
            ),
            prefix=Run(entry.number, size=8.5, bold=True),
        )
        rows.append(
            Row(
                (text,),
                indent=14.0 * min(entry.depth - 1, 6),
                space_above=5.0 if entry.depth == 1 and rows else 0.0,
            )
        )
    return Grid([Column(Cell(), 0)], rows, header=False, zebra=False, min_rows=2)


def _actions(contents: ReportContents, styles: Styles) -> list[Flowable]:
    if not contents.actions:
        return [plain("No action items yet.", styles.empty)]
    active = sum(1 for row in contents.actions if row.action.status.is_active)
    overdue = sum(1 for row in contents.actions if row.overdue)
    count = len(contents.actions)
    caption = f"{count} action item{'s' if count != 1 else ''}, {active} still open"
    if overdue:
        caption += f", {overdue} overdue"

    columns = [
        Column(column_head("Action"), 0),
        Column(column_head("Owner"), 66),
        Column(column_head("Due"), 56),
        Column(column_head("Status"), 54),
        Column(column_head("Priority"), 42),
        Column(column_head("Addresses"), 104),
    ]
    rows = [_action_row(row, contents.audience) for row in contents.actions]
    return [plain(caption, styles.caption, lead=True), Grid(columns, rows)]


def _action_row(row: ActionRow, audience: Audience) -> Row:
    action = row.action
    title = Cell((Run(action.title),), prefix=Run(action.ref, bold=True, color=ACCENT))
    owner = text_cell(action.owner) if action.owner else text_cell("—", color=FAINT)
    if action.due is None:
        due = text_cell("—", color=FAINT)
    elif row.overdue:
        due = Cell(
            (
                Run(action.due.isoformat(), color=ERROR),
                Run("overdue", bold=True, color=ERROR, size=7),
            )
        )
    else:
        due = text_cell(action.due.isoformat())
    status_colour = {ActionStatus.DONE: OK, ActionStatus.DROPPED: FAINT}.get(action.status, INK)
    status = text_cell(STATUS_LABELS[action.status], color=status_colour)
    if action.priority is None:
        priority = text_cell("—", color=FAINT)
    else:
        urgent = action.priority is Priority.P0
        priority = text_cell(action.priority.value, bold=urgent, color=ERROR if urgent else INK)
    cause_ref, cause_text = _split_cause(row.cause)
    addresses = (
        Cell(
            (Run(cause_text, color=MUTED, max_lines=4),),
            prefix=Run(cause_ref, bold=True, color=MUTED) if cause_ref else None,
        )
        if row.cause
        else text_cell("—", color=FAINT)
    )
    notes = []
    if row.reason is not None:  # every audience: why it was dropped, or why its date moved
        notes.append(_note_cell(row.reason.label, row.reason.text))
    if audience is Audience.TEAM and row.notes.strip():
        notes.append(_note_cell("Notes", row.notes))
    return Row((title, owner, due, status, priority, addresses), notes=tuple(notes))


def _note_cell(label: str, text: str) -> Cell:
    """A line under an action's row: its label in bold, the text hanging to its right."""
    return Cell(
        (Run(text, size=7.5, color=MUTED, max_lines=MAX_NOTE_LINES),),
        prefix=Run(label, size=7.5, bold=True, color=MUTED),
    )


def _split_cause(cause: str) -> tuple[str, str]:
    """contents.py's "c3 The config pipeline …" as ("c3", "The config pipeline …")."""
    ref, _, text = cause.partition(" ")
    return (ref, text) if text else ("", cause)


def _meeting(contents: ReportContents, styles: Styles) -> list[Flowable]:
    meeting = contents.meeting
    if meeting is None:
        return []
    story: list[Flowable] = prose(meeting.facts, styles.body)
    story.append(plain("Decisions", styles.subheading))
    story += _bullets(meeting.decisions, styles) or [plain("No decisions recorded.", styles.empty)]
    if meeting.left_open:
        story.append(plain("Left open from the meeting", styles.subheading))
        story += _bullets(meeting.left_open, styles)
    return story


def _lessons(contents: ReportContents, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for title, texts in contents.lessons:
        story.append(plain(title, styles.subheading))
        story += _bullets(texts, styles) or [plain("None noted.", styles.empty)]
    return story


def _bullets(texts: Sequence[str], styles: Styles) -> list[Flowable]:
    """Each text as a bulleted item, its paragraphs and line breaks kept."""
    items: list[Flowable] = []
    for text in texts:
        for number, paragraph in enumerate(prose(text, styles.bullet)):
            if number == 0:
                paragraph.bulletText = "•"
            items.append(paragraph)
    return items


def _participants(contents: ReportContents, styles: Styles) -> list[Flowable]:
    if not contents.participants:
        return [plain("No participants listed.", styles.empty)]
    columns = [
        Column(column_head("Name"), 190),
        Column(column_head("Role"), 0),
    ]
    rows = [
        Row((text_cell(name, size=9), text_cell(role, size=9, color=MUTED)))
        for name, role in contents.participants
    ]
    # A short list is kept on one page; a long one fills the page and goes on overleaf.
    return [Grid(columns, rows, min_rows=min(len(rows), 12))]
