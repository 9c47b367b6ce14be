"""The PDF report's drawn pieces: the key-number tiles, the key-moments strip and the cause
diagram. Each is a Flowable that draws on the canvas; pdf.py places them in the story.

The tiles show each key number in a box, its value as large as still fits on one line. The strip
puts the incident on a time axis from its first to its last event and marks when it started, was
detected, mitigated and resolved, labels that would collide stacked in lanes below the axis.

The cause diagram is the app's layout (`layout_causes`), scaled to the text width but never below
MIN_DIAGRAM_SCALE, and sliced between boxes when it is taller than the rest of the page, the
elbows running on across the break. A tree too deep to fit the width at that scale, or taller than
MAX_DIAGRAM_PAGES pages, is not drawn: `cause_diagram` says why instead, and the numbered list
under it always has every cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.colors import white
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.domain.moments import format_duration
from pmdesk.domain.tree_layout import LayoutStyle, NodeBox, TreeLayout, layout_causes
from pmdesk.report import fonts
from pmdesk.report.contents import CauseEntry, KeyNumber, ReportContents
from pmdesk.report.pdf_style import (
    FAINT,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    INK,
    KIND_COLOURS,
    MUTED,
    OK,
    RULE,
    SMALL_SIZE,
    SYSTEMIC_FILL,
    TABLE_SIZE,
    WARNING,
    ZEBRA,
    fit,
)

# ---------------------------------------------------------------------------------------------
# Key numbers and key moments

TILES_PER_ROW = 4
TILE_GAP = 8.0
TILE_PAD = 8.0
TILE_LABEL_SIZE = 7.5
TILE_VALUE_SIZES = (15.0, 13.0, 11.5, 10.0)
NOT_KNOWN = "not known"  # what contents.py says for a duration it cannot work out


class TileRow(Flowable):  # type: ignore[misc]
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


def tile_rows(numbers: Sequence[KeyNumber]) -> list[TileRow]:
    """The key numbers as rows of tiles, TILES_PER_ROW to a row."""
    return [TileRow(numbers[i : i + TILES_PER_ROW]) for i in range(0, len(numbers), TILES_PER_ROW)]


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


class MomentStrip(Flowable):  # type: ignore[misc]
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
    def of(cls, contents: ReportContents) -> MomentStrip | None:
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

MIN_DIAGRAM_SCALE = 0.5
MAX_DIAGRAM_PAGES = 12
DIAGRAM_TEXT_SIZE = 7.5
DIAGRAM_LABEL_SIZE = 6.5
MIN_DIAGRAM_SLICE = 90.0  # less room than this at a page's foot: the diagram starts overleaf


def cause_diagram(causes: Sequence[CauseEntry]) -> CauseDiagram | str | None:
    """The causes (at least one) drawn as a tree; or, when it cannot be printed legibly, a
    sentence saying why; None when the layout has nothing to draw."""
    columns = max(entry.depth for entry in causes)
    gap = 22.0
    node_width = min(max((FRAME_WIDTH - gap * (columns - 1)) / columns, 104.0), 160.0)
    if (node_width + gap) * columns - gap > FRAME_WIDTH / MIN_DIAGRAM_SCALE:
        return (
            f"The diagram is left out: its {columns} levels of “why” are too deep "
            "to print legibly. The list below has every cause."
        )
    count = len(causes)
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
        [entry.cause for entry in causes],
        lambda text: fonts.string_width(text, DIAGRAM_TEXT_SIZE),
        style,
    )
    if not layout.nodes:
        return None
    scale = min(1.0, FRAME_WIDTH / layout.width)
    if layout.height * scale > MAX_DIAGRAM_PAGES * FRAME_HEIGHT:
        return (
            f"The diagram is left out: its {count} causes would take more than "
            f"{MAX_DIAGRAM_PAGES} pages. The list below has every cause."
        )
    return CauseDiagram(layout, style, scale, 0.0, layout.height + 1)


class CauseDiagram(Flowable):  # type: ignore[misc]
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
        return [CauseDiagram(self._layout, self._style, self._scale, a, b) for a, b in parts]

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
            fit(heading, style.text_width, DIAGRAM_LABEL_SIZE, bold=box.systemic),
            DIAGRAM_LABEL_SIZE,
            bold=box.systemic,
        )
        canvas.setFillColor(INK)
        y = box.top + style.padding + style.label_height
        for line in box.lines:
            fonts.draw_string(canvas, x, top - (y + DIAGRAM_TEXT_SIZE), line, DIAGRAM_TEXT_SIZE)
            y += style.line_height
