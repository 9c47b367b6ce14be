"""The PDF report's tables (timeline, action items, cause list, title facts, participants).

A table here is a `Grid` rather than a ReportLab Table: a Table measures its Paragraph cells
several times and re-measures what is left of it at every page break, which made 5,000 events
take many seconds. A `Grid` wraps each row once, splits at the page foot by a binary search over
its row heights, and draws its header row on every page, so a long timeline costs time in
proportion to its length and never shows a header in mid-page.

A grid is given `Column`s (a heading and a width) and `Row`s of `Cell`s; a cell is one or more
`Run`s of text, each wrapped in its own size, weight and colour, and may hang them to the right
of a prefix (an action's ref, a cause's number). Text is drawn with `fonts.draw_string`, so each
script gets a font that has it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from pmdesk.report import fonts
from pmdesk.report.pdf_style import FRAME_HEIGHT, HEADER_FILL, INK, RULE, TABLE_SIZE, ZEBRA

LINE_FACTOR = 1.32  # line height of table text, in ems
CELL_PAD_X = 4.0
CELL_PAD_Y = 3.5
# A cell is cut (ending in "…") after this many lines, so that no row is taller than a page.
MAX_CELL_LINES = 30


@dataclass(frozen=True, slots=True)
class Run:
    """Text wrapped within a cell, in one size, weight and colour."""

    text: str
    size: float = TABLE_SIZE
    bold: bool = False
    color: Any = INK
    max_lines: int = MAX_CELL_LINES


@dataclass(frozen=True, slots=True)
class Cell:
    runs: tuple[Run, ...] = ()
    prefix: Run | None = None  # drawn left of the first line; the runs hang to its right


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    # Across the whole row, under its cells, one under another (an action's reason and notes).
    notes: tuple[Cell, ...] = ()
    indent: float = 0.0  # moves the row's cells right (the cause list's depth)
    space_above: float = 0.0


@dataclass(frozen=True, slots=True)
class Column:
    heading: Cell
    width: float  # 0: whatever the other columns leave


@dataclass(frozen=True, slots=True)
class _Line:
    x: float  # from the grid's left edge
    baseline: float  # down from the row's top
    text: str
    run: Run


@dataclass(frozen=True, slots=True)
class _GridLayout:
    width: float
    header: tuple[_Line, ...]
    header_height: float
    rows: tuple[tuple[_Line, ...], ...]
    tops: list[float]  # tops[i]: row i's top below the first row's; tops[-1]: all rows' height


def text_cell(text: str, **style: Any) -> Cell:
    return Cell((Run(text, **style),))


def _lay_cell(cell: Cell, left: float, width: float, top: float) -> tuple[list[_Line], float]:
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


class Grid(Flowable):  # type: ignore[misc]
    """A table drawn on the canvas, split between rows, its header row on every page."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Row],
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
            for note in row.notes:
                lines, note_height = _lay_cell(
                    note,
                    row.indent + CELL_PAD_X,
                    width - row.indent - 2 * CELL_PAD_X,
                    top + height + 1.5,
                )
                laid.extend(lines)
                height += note_height + 1.5
            rows.append(tuple(laid))
            tops.append(tops[-1] + row.space_above + height + 2 * CELL_PAD_Y)
        return _GridLayout(width, tuple(header), header_height, tuple(rows), tops)

    def _piece(self, first: int, stop: int) -> Grid:
        piece = Grid(
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
    fonts.draw_lines(
        canvas,
        (
            (line.x, top - line.baseline, line.text, line.run.size, line.run.bold, line.run.color)
            for line in lines
        ),
    )
