"""The report as an A4 PDF: the document a director forwards, laid out from `ReportContents`.

What the report says, and what each audience may see, is decided in contents.py; this module only
decides how it looks. Every user string reaches the page through `fonts.markup` (Paragraphs) or
`fonts.draw_string` (the canvas), so markup in a title is printed rather than obeyed and each
script is drawn in a font that has it. Prose is broken into lines by `fonts.wrap` before it becomes
a Paragraph, because right-to-left text is put in visual order one line at a time.

Tables (timeline, action items, cause list) are `_Grid`s rather than ReportLab Tables: a Table
measures its Paragraph cells several times and re-measures what is left of it at every page
break, which made 5,000 events take many seconds. A `_Grid` wraps each row once, splits at the
page foot by a binary search over its row heights, and draws its header row on every page, so a
long timeline costs time in proportion to its length and never shows a header in mid-page.

The cause diagram is the app's layout (`layout_causes`), scaled to the text width but never below
MIN_DIAGRAM_SCALE, and sliced between boxes when it is taller than the rest of the page, the
elbows running on across the break. A tree too deep to fit the width at that scale, or taller than
MAX_DIAGRAM_PAGES pages, is replaced by a note: the numbered list under it always has every cause.

"Page X of Y" needs the page count, so the canvas keeps each finished page and draws the footers,
and the outline entries (whose page is only known then), when the document is saved. The output
is byte-identical for the same contents: ReportLab runs in invariant mode and the PDF's dates are
`contents.generated`, never the clock.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reportlab.lib.colors import HexColor, white
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

from pmdesk.domain.model import ActionStatus, EventKind, Priority, TimelineEvent
from pmdesk.domain.moments import format_duration
from pmdesk.domain.tree_layout import LayoutStyle, NodeBox, TreeLayout, layout_causes
from pmdesk.report import fonts
from pmdesk.report.contents import (
    STATUS_LABELS,
    ActionRow,
    Audience,
    CauseEntry,
    KeyNumber,
    ReportContents,
)

Progress = Callable[[int, int], None]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 58.0
MARGIN_TOP = 56.0
MARGIN_BOTTOM = 64.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
FOOTER_BASELINE = 36.0
FOOTER_GAP = "   ·   "

# The app's light palette (pmdesk/ui/themes.py), so the report and the screen agree.
INK = HexColor("#1f2328")
MUTED = HexColor("#59636e")
FAINT = HexColor("#8c959f")
RULE = HexColor("#d0d7de")
ZEBRA = HexColor("#f6f8fa")
HEADER_FILL = HexColor("#eaeef2")
ACCENT = HexColor("#1f5fa8")
OK = HexColor("#1a7f37")
SYSTEMIC_FILL = HexColor("#e4f0e7")  # OK at 12 % over white, as the app's diagram
ERROR = HexColor("#b42318")
WARNING = HexColor("#9a6700")
WATERMARK = HexColor("#f7e7e5")

KIND_COLOURS = {
    EventKind.TRIGGER: ERROR,
    EventKind.DETECTION: WARNING,
    EventKind.MITIGATION: ACCENT,
    EventKind.RESOLUTION: OK,
    EventKind.ESCALATION: HexColor("#8250df"),
    EventKind.DECISION: HexColor("#0a6d7e"),
    EventKind.COMMUNICATION: MUTED,
    EventKind.EVENT: MUTED,
}
KEY_KINDS = frozenset(
    {EventKind.TRIGGER, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION}
)

TITLE_SIZES = (22.0, 18.0, 15.0)
SUBTITLE_SIZE = 11.0
HEADING_SIZE = 14.0
SUBHEADING_SIZE = 10.5
BODY_SIZE = 9.5
TABLE_SIZE = 8.0
SMALL_SIZE = 7.0
LINE_FACTOR = 1.32  # line height of table text, in ems
CELL_PAD_X = 4.0
CELL_PAD_Y = 3.5
# A cell is cut (ending in "…") after this many lines, so that no row is taller than a page.
MAX_CELL_LINES = 30
MAX_NOTE_LINES = 20
SLACK = 0.5  # prose is wrapped this much narrower than its Paragraph, so it is never re-wrapped

MIN_DIAGRAM_SCALE = 0.5
MAX_DIAGRAM_PAGES = 12
DIAGRAM_TEXT_SIZE = 7.5
DIAGRAM_LABEL_SIZE = 6.5
MIN_DIAGRAM_SLICE = 90.0  # less room than this at a page's foot: the diagram starts overleaf

NOT_KNOWN = "not known"  # what contents.py says for a duration it cannot work out
ELLIPSIS = "…"


def render_pdf(contents: ReportContents, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes, the same bytes every time for the same contents.

    `progress(done, total)` is called as the document is laid out, a few hundred times at most
    for the largest postmortems, and once with done == total at the end.
    """
    fonts.register()
    styles = _Styles()
    story = _story(contents, styles)
    total = sum(_units(flowable) for flowable in story)
    buffer = io.BytesIO()
    document = _Document(buffer, contents, progress, total)
    footer = _Footer.of(contents)

    def canvas_maker(*args: Any, **kwargs: Any) -> _ReportCanvas:
        return _ReportCanvas(*args, footer=footer, **kwargs)

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
        title = _one_line(contents.postmortem.title) or "Untitled postmortem"
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
            keywords=[_one_line(tag) for tag in contents.postmortem.tags],
            invariant=1,
            initialFontName=fonts.REGULAR,
            initialFontSize=BODY_SIZE,
            lang="en",
        )
        frame = Frame(
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
        on_page = _draw_watermark if contents.draft else _draw_nothing
        self.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
        self._progress = progress
        self._total = total
        self._done = 0

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (ReportLab's hook)
        if self._progress is not None:
            self._done += _units(flowable)
            self._progress(min(self._done, self._total), self._total)


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
class _Footer:
    title: str
    generated: str
    pdf_date: str

    @classmethod
    def of(cls, contents: ReportContents) -> _Footer:
        title = _one_line(contents.postmortem.title) or "Untitled postmortem"
        # Room for the right-hand side at its widest, "Generated …  ·  Page 999 of 999".
        right = fonts.string_width(f"Generated 2026-01-01{FOOTER_GAP}Page 999 of 999", SMALL_SIZE)
        return cls(
            title=_fit(title, FRAME_WIDTH - right - 24, SMALL_SIZE),
            generated=f"Generated {contents.generated:%Y-%m-%d}",
            pdf_date=_pdf_date(contents.generated),
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


class _ReportCanvas(Canvas):  # type: ignore[misc]
    """Keeps every finished page until the document is saved, then draws each page's footer
    ("Page X of Y") and outline entries and writes it: the usual NumberedCanvas pattern."""

    def __init__(self, *args: Any, footer: _Footer, **kwargs: Any) -> None:
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


class _Styles:
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """`text` on one line, cut with "…" to fit `width`."""
    if fonts.string_width(text, size, bold=bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fonts.string_width(text[:middle].rstrip() + ELLIPSIS, size, bold=bold) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _prose(
    text: str, style: ParagraphStyle, *, bold: bool = False, width: float = FRAME_WIDTH
) -> list[Flowable]:
    """A user's text as Paragraphs, one per block between blank lines, its line breaks kept."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    line_width = width - style.leftIndent - style.rightIndent - SLACK
    return [
        Paragraph(fonts.markup("\n".join(lines), bold=bold), style)
        for block in re.split(r"\n[ \t]*\n\s*", normal)
        if (lines := fonts.wrap(block, line_width, style.fontSize, bold=bold))
    ]


def _plain(text: str, style: ParagraphStyle, *, lead: bool = False) -> Paragraph:
    """One of the report's own sentences as a Paragraph (escaped all the same: a caption may name
    the postmortem's zone). A `lead` (a section's caption) counts towards the room its section
    needs to begin on a page."""
    paragraph = Paragraph(fonts.markup(text, bold=style.fontName == fonts.BOLD), style)
    paragraph.lead = lead
    return paragraph


class _Heading(Paragraph):  # type: ignore[misc]
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
# Grids: the report's tables


@dataclass(frozen=True, slots=True)
class _Run:
    """Text wrapped within a cell, in one size, weight and colour."""

    text: str
    size: float = TABLE_SIZE
    bold: bool = False
    color: Any = INK
    max_lines: int = MAX_CELL_LINES


@dataclass(frozen=True, slots=True)
class _Cell:
    runs: tuple[_Run, ...] = ()
    prefix: _Run | None = None  # drawn left of the first line; the runs hang to its right


@dataclass(frozen=True, slots=True)
class _Row:
    cells: tuple[_Cell, ...]
    note: _Cell | None = None  # across the whole row, under its cells (an action's notes)
    indent: float = 0.0  # moves the row's cells right (the cause list's depth)
    space_above: float = 0.0


@dataclass(frozen=True, slots=True)
class _Column:
    heading: _Cell
    width: float  # 0: whatever the other columns leave


@dataclass(frozen=True, slots=True)
class _Line:
    x: float  # from the grid's left edge
    baseline: float  # down from the row's top
    text: str
    run: _Run


@dataclass(frozen=True, slots=True)
class _GridLayout:
    width: float
    header: tuple[_Line, ...]
    header_height: float
    rows: tuple[tuple[_Line, ...], ...]
    tops: list[float]  # tops[i]: row i's top below the first row's; tops[-1]: all rows' height


def _text(text: str, **style: Any) -> _Cell:
    return _Cell((_Run(text, **style),))


def _lay_cell(cell: _Cell, left: float, width: float, top: float) -> tuple[list[_Line], float]:
    """The cell's lines, at most `width` wide from `left`, the first line's top at `top`; and
    the height they take."""
    lines: list[_Line] = []
    hang = 0.0
    prefix = cell.prefix
    if prefix is not None and prefix.text:
        hang = fonts.string_width(prefix.text, prefix.size, bold=prefix.bold) + 5
    y = top
    for run in cell.runs:
        step = run.size * LINE_FACTOR
        for text in fonts.wrap(
            run.text, max(width - hang, 1.0), run.size, bold=run.bold, max_lines=run.max_lines
        ):
            if not lines and prefix is not None and prefix.text:
                lines.append(_Line(left, y + run.size, prefix.text, prefix))
            lines.append(_Line(left + hang, y + run.size, text, run))
            y += step
    if not lines and prefix is not None and prefix.text:
        lines.append(_Line(left, top + prefix.size, prefix.text, prefix))
        y += prefix.size * LINE_FACTOR
    return lines, y - top


class _Grid(Flowable):  # type: ignore[misc]
    """A table drawn on the canvas, split between rows, its header row on every page."""

    def __init__(
        self,
        columns: Sequence[_Column],
        rows: Sequence[_Row],
        *,
        header: bool = True,
        zebra: bool = True,
        min_rows: int = 2,
    ) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows = tuple(rows)
        self._header = header
        self._zebra = zebra
        self._min_rows = min_rows
        self._layout: _GridLayout | None = None
        self._first = 0
        self._stop = len(rows)

    @property
    def progress_units(self) -> int:
        return self._stop - self._first

    def head_room(self, width: float) -> float:
        """The height of the header row and the fewest rows the grid starts a page with."""
        layout = self._laid(width)
        rows = min(self._min_rows, self._stop - self._first)
        return layout.header_height + layout.tops[self._first + rows] - layout.tops[self._first]

    def _laid(self, width: float) -> _GridLayout:
        # The frame's width comes out of a subtraction, a hair off FRAME_WIDTH.
        if self._layout is None or abs(self._layout.width - width) > 0.01:
            self._layout = self._lay_out(width)
        return self._layout

    def _lay_out(self, width: float) -> _GridLayout:
        fixed = sum(column.width for column in self._columns)
        flexible = sum(1 for column in self._columns if not column.width)
        share = max(width - fixed, 0.0) / flexible if flexible else 0.0
        widths = [column.width or share for column in self._columns]
        header: list[_Line] = []
        header_height = 0.0
        if self._header:
            left = 0.0
            for column, column_width in zip(self._columns, widths, strict=True):
                lines, height = _lay_cell(
                    column.heading, left + CELL_PAD_X, column_width - 2 * CELL_PAD_X, CELL_PAD_Y
                )
                header.extend(lines)
                header_height = max(header_height, height)
                left += column_width
            header_height += 2 * CELL_PAD_Y
        rows: list[tuple[_Line, ...]] = []
        tops = [0.0]
        for row in self._rows:
            laid: list[_Line] = []
            height = 0.0
            left = row.indent
            top = row.space_above + CELL_PAD_Y
            for index, (cell, column_width) in enumerate(zip(row.cells, widths, strict=True)):
                cell_width = column_width - (row.indent if index == len(widths) - 1 else 0)
                lines, cell_height = _lay_cell(
                    cell, left + CELL_PAD_X, cell_width - 2 * CELL_PAD_X, top
                )
                laid.extend(lines)
                height = max(height, cell_height)
                left += column_width
            if row.note is not None:
                lines, note_height = _lay_cell(
                    row.note,
                    row.indent + CELL_PAD_X,
                    width - row.indent - 2 * CELL_PAD_X,
                    top + height + 1.5,
                )
                laid.extend(lines)
                height += note_height + 1.5
            rows.append(tuple(laid))
            tops.append(tops[-1] + row.space_above + height + 2 * CELL_PAD_Y)
        return _GridLayout(width, tuple(header), header_height, tuple(rows), tops)

    def _piece(self, first: int, stop: int) -> _Grid:
        piece = _Grid(
            self._columns,
            self._rows,
            header=self._header,
            zebra=self._zebra,
            min_rows=self._min_rows,
        )
        piece._layout = self._layout
        piece._first, piece._stop = first, stop
        return piece

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        layout = self._laid(available_width)
        self.width = available_width
        self.height = layout.header_height + layout.tops[self._stop] - layout.tops[self._first]
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        layout = self._laid(available_width)
        tops = layout.tops
        limit = tops[self._first] + available_height - layout.header_height
        # Called only when the whole grid is too tall, so at least its last row goes on.
        stop = bisect.bisect_right(tops, limit, self._first, self._stop) - 1
        rows, left = stop - self._first, self._stop - self._first
        roomy = available_height >= FRAME_HEIGHT / 2  # so tall rows are no reason to move
        if rows <= 0 or (rows < min(self._min_rows, left) and not roomy):
            return []  # too little room: the grid goes on (or starts) on the next page
        if self._stop - stop == 1 and rows > self._min_rows:
            stop -= 1  # never leave one row alone on the next page
        return [self._piece(self._first, stop), self._piece(stop, self._stop)]

    def draw(self) -> None:
        layout = self._laid(self.width)
        canvas = self.canv
        top = self.height
        if self._header:
            canvas.setFillColor(HEADER_FILL)
            canvas.rect(
                0, top - layout.header_height, self.width, layout.header_height, stroke=0, fill=1
            )
            _draw_lines(canvas, layout.header, top)
            top -= layout.header_height
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(0, top, self.width, top)
        origin = layout.tops[self._first]
        for index in range(self._first, self._stop):
            row_top = top - (layout.tops[index] - origin)
            height = layout.tops[index + 1] - layout.tops[index]
            if self._zebra and index % 2:
                canvas.setFillColor(ZEBRA)
                canvas.rect(0, row_top - height, self.width, height, stroke=0, fill=1)
            _draw_lines(canvas, layout.rows[index], row_top)
        if self._header:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(0, 0, self.width, 0)


def _draw_lines(canvas: Canvas, lines: Sequence[_Line], top: float) -> None:
    colour = None
    for line in lines:
        if line.run.color is not colour:
            colour = line.run.color
            canvas.setFillColor(colour)
        fonts.draw_string(
            canvas, line.x, top - line.baseline, line.text, line.run.size, bold=line.run.bold
        )


# ---------------------------------------------------------------------------------------------
# The story


def _story(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    story = _title_block(contents, styles)
    sections: dict[str, Callable[[ReportContents, _Styles], list[Flowable]]] = {
        "summary": _summary,
        "numbers": _numbers,
        "timeline": _timeline,
        "causes": _causes,
        "actions": _actions,
        "lessons": _lessons,
        "participants": _participants,
    }
    for key, heading in contents.sections:
        head = _Heading(key, heading, styles.heading)
        body = sections[key](contents, styles)
        # Platypus's keepWithNext would move a heading and a 200-page table to a fresh page
        # together; this keeps the heading with the start of what follows it, and no more.
        room = _height(head) + _lead_height(body)
        story.append(CondPageBreak(min(room, FRAME_HEIGHT / 2)))
        story.append(head)
        story.extend(body)
    return story


def _height(flowable: Flowable) -> float:
    _, height = flowable.wrap(FRAME_WIDTH, FRAME_HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _lead_height(body: Sequence[Flowable]) -> float:
    """The height of a section's captions and of enough of its content to start it."""
    total = 0.0
    for flowable in body:
        if isinstance(flowable, _Grid):
            return total + flowable.head_room(FRAME_WIDTH)
        if isinstance(flowable, _CauseDiagram):
            return total + min(_height(flowable), MIN_DIAGRAM_SLICE)
        height = _height(flowable)
        if not getattr(flowable, "lead", False):
            return total + min(height, 72.0)
        total += height
    return total


def _title_block(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    pm = contents.postmortem
    title = pm.title if pm.title.strip() else "Untitled postmortem"
    story: list[Flowable] = [_plain("POSTMORTEM REPORT", styles.kicker)]
    story += _prose(title, _title_style(title, styles), bold=True)
    story.append(
        _plain(" · ".join((contents.kind, contents.severity, contents.status)), styles.subtitle)
    )
    facts = [("Incident began", contents.incident_date or "Not known: no timeline yet")]
    if contents.facilitator:
        facts.append(("Facilitator", contents.facilitator))
    facts.append(("Prepared for", contents.audience.label))
    if pm.tags:
        facts.append(("Tags", "  ·  ".join(_one_line(tag) for tag in pm.tags)))
    rows = [
        _Row((_text(label, size=8.5, color=MUTED), _text(value, size=9.5, max_lines=6)))
        for label, value in facts
    ]
    story.append(
        _Grid(
            [_Column(_Cell(), 92), _Column(_Cell(), 0)],
            rows,
            header=False,
            zebra=False,
            min_rows=len(rows),
        )
    )
    story.append(_Rule(space_above=12))
    return story


def _title_style(title: str, styles: _Styles) -> ParagraphStyle:
    """The title's style at the largest size that keeps it to three lines (or the smallest)."""
    for size in TITLE_SIZES:
        lines = fonts.wrap(title, FRAME_WIDTH - SLACK, size, bold=True, max_lines=4)
        if len(lines) <= 3:
            break
    return ParagraphStyle("title-fitted", parent=styles.title, fontSize=size, leading=size * 1.2)


class _Rule(Flowable):  # type: ignore[misc]
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


def _summary(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    pm = contents.postmortem
    story = _prose(pm.summary, styles.body) or [_plain("No summary yet.", styles.empty)]
    impact = _prose(pm.impact_summary, styles.body)
    if impact:
        story.append(_plain("Impact", styles.subheading))
        story += impact
    return story


def _numbers(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    numbers = list(contents.numbers)
    story: list[Flowable] = [
        _TileRow(numbers[i : i + TILES_PER_ROW]) for i in range(0, len(numbers), TILES_PER_ROW)
    ]
    strip = _MomentStrip.of(contents)
    if strip is not None:
        story.append(_plain("Key moments", styles.subheading))
        story.append(strip)
    return story


def _timeline(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    if not contents.timeline:
        return [_plain("No events yet.", styles.empty)]
    count = len(contents.timeline)
    caption = f"{count} event{'s' if count != 1 else ''}, times in {contents.zone}"
    if contents.spans_days:
        caption += "; the incident spans more than one day"
    when_width = 86 if contents.spans_days else 62
    zone = _break_after_slashes(f"({contents.zone})", when_width - 2 * CELL_PAD_X, 6.5)
    columns = [
        _Column(
            _Cell(
                (_Run("When", bold=True, size=7.5, color=MUTED), _Run(zone, size=6.5, color=MUTED))
            ),
            when_width,
        ),
        _Column(_text("Kind", bold=True, size=7.5, color=MUTED), 74),
        _Column(_text("What happened", bold=True, size=7.5, color=MUTED), 0),
        _Column(_text("Source", bold=True, size=7.5, color=MUTED), 84),
    ]
    rows = [
        _Row(
            (
                _text(row.when, color=MUTED),
                _text(
                    row.kind, color=KIND_COLOURS[row.event.kind], bold=row.event.kind in KEY_KINDS
                ),
                _text(row.event.text),
                _text(row.event.source or "", color=MUTED),
            )
        )
        for row in contents.timeline
    ]
    return [_plain(caption, styles.caption, lead=True), _Grid(columns, rows)]


def _break_after_slashes(text: str, width: float, size: float) -> str:
    """A zone name too long for its column broken after slashes ("America/Argentina/" and
    "Buenos_Aires"), rather than between any two characters."""
    lines = [""]
    for part in re.findall(r"[^/]*/|[^/]+$", text):
        if lines[-1] and fonts.string_width(lines[-1] + part, size) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def _causes(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    if not contents.causes:
        return [_plain("No causes yet.", styles.empty)]
    story: list[Flowable] = [
        _plain(
            "Read left to right: each box answers “why?” for the box before it. Causes in "
            "green boxes are systemic: fixing them prevents more than this incident.",
            styles.caption,
            lead=True,
        )
    ]
    story += _diagram(contents, styles)
    story.append(Spacer(1, 10))
    story.append(_cause_list(contents.causes))
    return story


def _cause_list(entries: Sequence[CauseEntry]) -> _Grid:
    rows: list[_Row] = []
    for entry in entries:
        cause = entry.cause
        about = [f"{cause.ref} · {entry.label}" if cause.ref else entry.label]
        if cause.systemic:
            about.append("systemic")
        if entry.actions:
            about.append("→ " + ", ".join(entry.actions))
        text = _Cell(
            (
                _Run(cause.text, size=8.5),
                _Run(
                    " · ".join(about),
                    size=7,
                    bold=cause.systemic,
                    color=OK if cause.systemic else MUTED,
                ),
            ),
            prefix=_Run(_short_number(entry.number), size=8.5, bold=True),
        )
        rows.append(
            _Row(
                (text,),
                indent=14.0 * min(entry.depth - 1, 6),
                space_above=5.0 if entry.depth == 1 and rows else 0.0,
            )
        )
    return _Grid([_Column(_Cell(), 0)], rows, header=False, zebra=False, min_rows=2)


def _short_number(number: str) -> str:
    """A place in the tree, its middle left out when the chain is very deep: "1.1…1.3.2"."""
    parts = number.split(".")
    return number if len(parts) <= 7 else ".".join(parts[:2]) + ELLIPSIS + ".".join(parts[-3:])


def _actions(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    if not contents.actions:
        return [_plain("No action items yet.", styles.empty)]
    active = sum(1 for row in contents.actions if row.action.status.is_active)
    overdue = sum(1 for row in contents.actions if row.overdue)
    count = len(contents.actions)
    caption = f"{count} action item{'s' if count != 1 else ''}, {active} still open"
    if overdue:
        caption += f", {overdue} overdue"

    def head(text: str) -> _Cell:
        return _text(text, bold=True, size=7.5, color=MUTED)

    columns = [
        _Column(head("Action"), 0),
        _Column(head("Owner"), 66),
        _Column(head("Due"), 56),
        _Column(head("Status"), 54),
        _Column(head("Priority"), 42),
        _Column(head("Addresses"), 104),
    ]
    rows = [_action_row(row, contents.audience) for row in contents.actions]
    return [_plain(caption, styles.caption, lead=True), _Grid(columns, rows)]


def _action_row(row: ActionRow, audience: Audience) -> _Row:
    action = row.action
    title = _Cell((_Run(action.title),), prefix=_Run(action.ref, bold=True, color=ACCENT))
    owner = _text(action.owner) if action.owner else _text("—", color=FAINT)
    if action.due is None:
        due = _text("—", color=FAINT)
    elif row.overdue:
        due = _Cell(
            (
                _Run(action.due.isoformat(), color=ERROR),
                _Run("overdue", bold=True, color=ERROR, size=7),
            )
        )
    else:
        due = _text(action.due.isoformat())
    status_colour = {ActionStatus.DONE: OK, ActionStatus.DROPPED: FAINT}.get(action.status, INK)
    status = _text(STATUS_LABELS[action.status], color=status_colour)
    if action.priority is None:
        priority = _text("—", color=FAINT)
    else:
        urgent = action.priority is Priority.P0
        priority = _text(action.priority.value, bold=urgent, color=ERROR if urgent else INK)
    cause_ref, cause_text = _split_cause(row.cause)
    addresses = (
        _Cell(
            (_Run(cause_text, color=MUTED, max_lines=4),),
            prefix=_Run(cause_ref, bold=True, color=MUTED) if cause_ref else None,
        )
        if row.cause
        else _text("—", color=FAINT)
    )
    note = None
    if audience is Audience.TEAM and row.notes.strip():
        note = _Cell(
            (_Run(row.notes, size=7.5, color=MUTED, max_lines=MAX_NOTE_LINES),),
            prefix=_Run("Notes", size=7.5, bold=True, color=MUTED),
        )
    return _Row((title, owner, due, status, priority, addresses), note=note)


def _split_cause(cause: str) -> tuple[str, str]:
    """contents.py's "c3 The config pipeline …" as ("c3", "The config pipeline …")."""
    ref, _, text = cause.partition(" ")
    return (ref, text) if text else ("", cause)


def _lessons(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for title, texts in contents.lessons:
        story.append(_plain(title, styles.subheading))
        items: list[Flowable] = []
        for text in texts:
            for number, paragraph in enumerate(_prose(text, styles.bullet)):
                if number == 0:
                    paragraph.bulletText = "•"
                items.append(paragraph)
        story += items or [_plain("None noted.", styles.empty)]
    return story


def _participants(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    if not contents.participants:
        return [_plain("No participants listed.", styles.empty)]
    columns = [
        _Column(_text("Name", bold=True, size=7.5, color=MUTED), 190),
        _Column(_text("Role", bold=True, size=7.5, color=MUTED), 0),
    ]
    rows = [
        _Row((_text(name, size=9), _text(role, size=9, color=MUTED)))
        for name, role in contents.participants
    ]
    # A short list is kept on one page; a long one fills the page and goes on overleaf.
    return [_Grid(columns, rows, min_rows=min(len(rows), 12))]


# ---------------------------------------------------------------------------------------------
# Key numbers and key moments

TILES_PER_ROW = 4
TILE_GAP = 8.0
TILE_PAD = 8.0
TILE_LABEL_SIZE = 7.5
TILE_VALUE_SIZES = (15.0, 13.0, 11.5, 10.0)


class _TileRow(Flowable):  # type: ignore[misc]
    """A row of key-number tiles: the label small and muted, the value large."""

    def __init__(self, numbers: Sequence[KeyNumber]) -> None:
        super().__init__()
        self._numbers = tuple(numbers)
        self._tiles: list[tuple[list[str], list[str], float]] = []
        self._tile_width = 0.0

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self._tile_width = (available_width - TILE_GAP * (TILES_PER_ROW - 1)) / TILES_PER_ROW
        inner = self._tile_width - 2 * TILE_PAD
        self._tiles = []
        for number in self._numbers:
            label = fonts.wrap(number.label, inner, TILE_LABEL_SIZE, max_lines=2)
            # The largest size that keeps the value on one line; a very long one wraps small.
            size = next(
                (
                    size
                    for size in TILE_VALUE_SIZES
                    if fonts.string_width(number.value, size, bold=True) <= inner
                ),
                TILE_VALUE_SIZES[-1],
            )
            value = fonts.wrap(number.value, inner, size, bold=True, max_lines=3)
            self._tiles.append((label, value, size))
        label_lines = max(len(label) for label, _, _ in self._tiles)
        value_height = max(len(value) * size * 1.15 for _, value, size in self._tiles)
        self._label_height = max(label_lines, 1) * TILE_LABEL_SIZE * 1.3
        self.width = available_width
        self.height = 2 * TILE_PAD + self._label_height + 4 + value_height + TILE_GAP
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        tile_height = self.height - TILE_GAP
        for index, (label, value, size) in enumerate(self._tiles):
            x = index * (self._tile_width + TILE_GAP)
            canvas.setFillColor(ZEBRA)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.roundRect(x, TILE_GAP, self._tile_width, tile_height, 4, stroke=1, fill=1)
            y = self.height - TILE_PAD - TILE_LABEL_SIZE
            canvas.setFillColor(MUTED)
            for line in label:
                fonts.draw_string(canvas, x + TILE_PAD, y, line, TILE_LABEL_SIZE)
                y -= TILE_LABEL_SIZE * 1.3
            y = self.height - TILE_PAD - self._label_height - 4 - size * 0.95
            unknown = self._numbers[index].value == NOT_KNOWN
            canvas.setFillColor(FAINT if unknown else INK)
            for line in value:
                fonts.draw_string(canvas, x + TILE_PAD, y, line, size, bold=not unknown)
                y -= size * 1.15


_MOMENT_LABELS = ("Started", "Detected", "Mitigated", "Resolved")  # as in the Markdown report
_MOMENT_KINDS = (EventKind.TRIGGER, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION)
_LANE_HEIGHT = 24.0
_AXIS_TOP = 16.0  # room above the axis for the first and last times


@dataclass(frozen=True, slots=True)
class _Moment:
    label: str
    detail: str  # "14:19 · +14 min"
    kind: EventKind
    at: datetime

    @property
    def width(self) -> float:
        return max(
            fonts.string_width(self.label, TABLE_SIZE, bold=True),
            fonts.string_width(self.detail, SMALL_SIZE),
        )


class _MomentStrip(Flowable):  # type: ignore[misc]
    """The incident on a time axis from its first to its last event, the key moments marked."""

    def __init__(
        self,
        moments: list[_Moment],
        first: tuple[datetime, str],
        last: tuple[datetime, str],
        notes: list[str],
    ) -> None:
        super().__init__()
        self._moments = moments
        self._first, self._last = first, last
        self._notes = notes
        self._placed: list[tuple[_Moment, float, float, int]] = []  # moment, x, label x, lane
        self._lanes = 1

    @classmethod
    def of(cls, contents: ReportContents) -> _MomentStrip | None:
        key = contents.moments
        events = [key.started, key.detected, key.mitigated, key.resolved]
        if not contents.timeline or not any(events):
            return None
        when = {row.event.id: row.when for row in contents.timeline}
        moments = []
        for label, event in zip(_MOMENT_LABELS, events, strict=True):
            if event is None:
                continue
            detail = when.get(event.id, "")
            start = key.started
            if start is not None and event is not start and event.at > start.at:
                detail += f" · +{format_duration(event.at - start.at)}"
            moments.append(_Moment(label, detail, event.kind, event.at))
        ordered: list[TimelineEvent] = sorted(
            (row.event for row in contents.timeline), key=lambda e: e.at
        )
        notes = []
        missing = [
            kind.value for kind, event in zip(_MOMENT_KINDS, events, strict=True) if event is None
        ]
        if missing:
            listed = (
                ", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0]
            )
            notes.append(f"No {listed} on the timeline.")
        if key.problems:
            notes.append(
                "Out of order: "
                + "; ".join(
                    f"{p.later_kind.value} before {p.earlier_kind.value}" for p in key.problems
                )
                + "."
            )
        return cls(
            moments,
            (ordered[0].at, when.get(ordered[0].id, "")),
            (ordered[-1].at, when.get(ordered[-1].id, "")),
            notes,
        )

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        left, right = 6.0, available_width - 6.0
        span = (self._last[0] - self._first[0]).total_seconds()
        lanes: list[float] = []  # the right end of the last label in each lane
        self._placed = []
        for moment in sorted(self._moments, key=lambda m: m.at):
            offset = (moment.at - self._first[0]).total_seconds()
            x = left + (right - left) * (offset / span if span > 0 else 0.0)
            label_width = moment.width
            label_x = min(max(x - 3, 0.0), available_width - label_width)
            lane = next((i for i, end in enumerate(lanes) if end + 10 <= label_x), len(lanes))
            if lane == len(lanes):
                lanes.append(0.0)
            lanes[lane] = label_x + label_width
            self._placed.append((moment, x, label_x, lane))
        self._lanes = max(len(lanes), 1)
        self.height = _AXIS_TOP + 8 + self._lanes * _LANE_HEIGHT + 12 * len(self._notes) + 6
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        axis = self.height - _AXIS_TOP
        left, right = 6.0, self.width - 6.0
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(1.2)
        canvas.line(left, axis, right, axis)
        for x in (left, right):
            canvas.line(x, axis - 3, x, axis + 3)
        canvas.setFillColor(MUTED)
        fonts.draw_string(canvas, left, axis + 6, self._first[1], SMALL_SIZE)
        if self._last[0] > self._first[0]:
            fonts.draw_string(canvas, right, axis + 6, self._last[1], SMALL_SIZE, anchor="end")
        canvas.setLineWidth(0.6)
        for moment, x, _, lane in self._placed:
            canvas.setStrokeColor(KIND_COLOURS[moment.kind])
            canvas.line(x, axis, x, axis - 9 - lane * _LANE_HEIGHT)
        for moment, x, label_x, lane in self._placed:
            colour = KIND_COLOURS[moment.kind]
            label_top = axis - 8 - lane * _LANE_HEIGHT
            canvas.setFillColor(colour)
            canvas.setStrokeColor(white)
            canvas.circle(x, axis, 3.6, stroke=1, fill=1)
            # A white ground under each label hides the leader lines of lower lanes behind it.
            canvas.setFillColor(white)
            canvas.rect(label_x - 1, label_top - 20, moment.width + 2, 20, stroke=0, fill=1)
            canvas.setFillColor(colour)
            fonts.draw_string(
                canvas, label_x, label_top - TABLE_SIZE, moment.label, TABLE_SIZE, bold=True
            )
            canvas.setFillColor(MUTED)
            fonts.draw_string(
                canvas, label_x, label_top - TABLE_SIZE - 9, moment.detail, SMALL_SIZE
            )
        y = axis - 8 - self._lanes * _LANE_HEIGHT - 4
        canvas.setFillColor(WARNING)
        for note in self._notes:
            fonts.draw_string(canvas, left, y, note, SMALL_SIZE)
            y -= 12


# ---------------------------------------------------------------------------------------------
# The cause diagram


def _diagram(contents: ReportContents, styles: _Styles) -> list[Flowable]:
    columns = max(entry.depth for entry in contents.causes)
    gap = 22.0
    node_width = min(max((FRAME_WIDTH - gap * (columns - 1)) / columns, 104.0), 160.0)
    if (node_width + gap) * columns - gap > FRAME_WIDTH / MIN_DIAGRAM_SCALE:
        return [
            _plain(
                f"The diagram is left out: its {columns} levels of “why” are too deep "
                "to print legibly. The list below has every cause.",
                styles.caption,
            )
        ]
    count = len(contents.causes)
    style = LayoutStyle(
        node_width=node_width,
        padding=5.0,
        line_height=DIAGRAM_TEXT_SIZE * 1.3,
        label_height=11.0,
        column_gap=gap,
        row_gap=7.0,
        root_gap=16.0,
        # A big tree keeps its shape on fewer pages; the list below has the full texts.
        max_lines=5 if count <= 40 else 3 if count <= 150 else 2,
    )
    layout = layout_causes(
        [entry.cause for entry in contents.causes],
        lambda text: fonts.string_width(text, DIAGRAM_TEXT_SIZE),
        style,
    )
    if not layout.nodes:
        return []
    scale = min(1.0, FRAME_WIDTH / layout.width)
    if layout.height * scale > MAX_DIAGRAM_PAGES * FRAME_HEIGHT:
        return [
            _plain(
                f"The diagram is left out: its {count} causes would take more than "
                f"{MAX_DIAGRAM_PAGES} pages. The list below has every cause.",
                styles.caption,
            )
        ]
    return [_CauseDiagram(layout, style, scale, 0.0, layout.height + 1)]


class _CauseDiagram(Flowable):  # type: ignore[misc]
    """The diagram from `top` to `bottom` of its layout (y down), scaled; split between boxes."""

    def __init__(
        self, layout: TreeLayout, style: LayoutStyle, scale: float, top: float, bottom: float
    ) -> None:
        super().__init__()
        self._layout = layout
        self._style = style
        self._scale = scale
        self._top = top
        self._bottom = bottom
        self.progress_units = 1 if top == 0 else 0
        self._by_top = sorted(layout.nodes, key=lambda box: box.top)

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = self._layout.width * self._scale
        self.height = (self._bottom - self._top) * self._scale
        return self.width, self.height

    def split(self, _available_width: float, available_height: float) -> list[Flowable]:
        limit = self._top + available_height / self._scale
        if limit >= self._bottom:
            return [self]
        if available_height < MIN_DIAGRAM_SLICE:
            return []
        cut = self._cut_above(limit)
        if cut is None:
            return []
        parts = (self._top, cut), (cut, self._bottom)
        return [_CauseDiagram(self._layout, self._style, self._scale, a, b) for a, b in parts]

    def _cut_above(self, limit: float) -> float | None:
        """The lowest y above `limit`, below the slice's top, that crosses no box: half-way
        down a gap between boxes, or at `limit` if that is inside such a gap."""
        best = None
        reach = self._top  # the lowest bottom of the boxes seen so far
        for box in self._by_top:
            if box.top > limit and reach > limit:
                break
            if box.top > reach > self._top + 1:
                best = min((reach + box.top) / 2, limit)
            if box.top > limit:
                break
            reach = max(reach, box.bottom)
        return best

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(-2, 0, self.width + 4, self.height)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.translate(0, self.height)
        canvas.scale(self._scale, self._scale)
        top, bottom = self._top, self._bottom
        canvas.setStrokeColor(FAINT)
        canvas.setLineWidth(0.7)
        for connector in self._layout.connectors:
            ys = [y for _, y in connector.points]
            if max(ys) < top or min(ys) > bottom:
                continue
            path = canvas.beginPath()
            (x0, y0), *rest = connector.points
            path.moveTo(x0, top - y0)
            for x, y in rest:
                path.lineTo(x, top - y)
            canvas.drawPath(path, stroke=1, fill=0)
        for box in self._layout.nodes:
            if box.bottom >= top and box.top <= bottom:
                self._draw_box(canvas, box, top)
        canvas.restoreState()

    def _draw_box(self, canvas: Canvas, box: NodeBox, top: float) -> None:
        style = self._style
        canvas.setFillColor(SYSTEMIC_FILL if box.systemic else ZEBRA)
        canvas.setStrokeColor(OK if box.systemic else RULE)
        canvas.setLineWidth(1.6 if box.systemic else 0.7)
        canvas.roundRect(box.x, top - box.bottom, box.width, box.height, 3, stroke=1, fill=1)
        heading = box.heading + (" · systemic" if box.systemic else "")
        x = box.x + style.padding
        canvas.setFillColor(OK if box.systemic else MUTED)
        fonts.draw_string(
            canvas,
            x,
            top - (box.top + style.padding + DIAGRAM_LABEL_SIZE),
            _fit(heading, style.text_width, DIAGRAM_LABEL_SIZE, bold=box.systemic),
            DIAGRAM_LABEL_SIZE,
            bold=box.systemic,
        )
        canvas.setFillColor(INK)
        y = box.top + style.padding + style.label_height
        for line in box.lines:
            fonts.draw_string(canvas, x, top - (y + DIAGRAM_TEXT_SIZE), line, DIAGRAM_TEXT_SIZE)
            y += style.line_height
