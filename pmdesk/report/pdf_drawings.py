"""The PDF report's drawn pieces: the key-number tiles, the key-moments strip and the cause
diagram. Each is a Flowable that draws on the canvas; pdf.py places them in the story.

The tiles show each key number in a box, its value as large as still fits on one line. The strip
puts the incident on a time axis from its first to its last event and marks when it started, was
detected, mitigated and resolved, labels that would collide stacked in lanes below the axis.

The cause diagram is the app's layout (`layout_causes`), one drawing per problem statement, each
box as tall as its whole text, scaled to the text width but never below MIN_DIAGRAM_SCALE. No
drawing is ever cut by a page's foot, nor any line with it: one that does not fit the room left
is shrunk to fit (to 6 pt text at the least) or goes overleaf; one no page can hold is drawn in
parts, each a tree of whole subtrees with the causes above them, in dashed boxes saying
"Continued from the previous page" where drawn before, and a dashed box saying "Continues on the
next page" where more whys follow. A tree too deep to fit the width at that scale, or taller than
MAX_DIAGRAM_PAGES pages, is not drawn: `cause_diagram` says why instead, and the numbered list
under it always has every cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from reportlab.lib.colors import white
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from pmdesk.domain.model import Cause, EventKind, TimelineEvent
from pmdesk.domain.moments import format_duration
from pmdesk.domain.tree_layout import LayoutStyle, NodeBox, TreeLayout, layout_causes, wrap_text
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

MIN_DIAGRAM_SCALE = 0.5  # a tree too deep to fit the text width at this scale is not drawn
READABLE_SCALE = 0.8  # 6 pt text: the most a drawing is shrunk to fit the room it has
MAX_DIAGRAM_PAGES = 12
MAX_BOX_LINES = 40  # a longer text is cut with "…" in its box; the list has it whole
DIAGRAM_TEXT_SIZE = 7.5
DIAGRAM_LABEL_SIZE = 6.5
MIN_DIAGRAM_SLICE = 120.0  # less room than this at a page's foot: no drawing is begun there
DRAWING_GAP = 14.0  # between the drawings of two problem statements
PAGE_ROOM = FRAME_HEIGHT - 1.0  # the most a drawing may take: a whole page, rounding aside
CONTINUED = "Continued from the previous page"
CONTINUES = "Continues on the next page"
_MORE = "more"  # the id of the box that says a cause's later whys continue overleaf


def cause_diagram(causes: Sequence[CauseEntry]) -> list[CauseDiagram] | str | None:
    """The causes (at least one, in the report's order) drawn as one tree per problem statement;
    or, when they cannot be printed legibly, a sentence saying why; None when the layout has
    nothing to draw."""
    columns = max(entry.depth for entry in causes)
    gap = 22.0
    node_width = min(max((FRAME_WIDTH - gap * (columns - 1)) / columns, 104.0), 160.0)
    if (node_width + gap) * columns - gap > FRAME_WIDTH / MIN_DIAGRAM_SCALE:
        return (
            f"The diagram is left out: its {columns} levels of “why” are too deep "
            "to print legibly. The list below has every cause."
        )
    style = LayoutStyle(
        node_width=node_width,
        padding=5.0,
        line_height=DIAGRAM_TEXT_SIZE * 1.3,
        label_height=11.0,
        column_gap=gap,
        row_gap=7.0,
        root_gap=16.0,
        max_lines=MAX_BOX_LINES,
    )
    tree = _Tree.of(causes, style, columns)
    if tree is None:
        return None
    roots = [i for i, parent in enumerate(tree.parent) if parent < 0]
    height = sum(tree.band[i] for i in roots) * tree.scale + DRAWING_GAP * (len(roots) - 1)
    if height > MAX_DIAGRAM_PAGES * FRAME_HEIGHT:
        return (
            f"The diagram is left out: its {len(causes)} causes would take more than "
            f"{MAX_DIAGRAM_PAGES} pages. The list below has every cause."
        )
    return [
        CauseDiagram(tree, _Part((root,)), first=number == 0) for number, root in enumerate(roots)
    ]


def _measure(text: str) -> float:
    return fonts.string_width(text, DIAGRAM_TEXT_SIZE)


@dataclass(frozen=True, slots=True)
class _Tree:
    """The causes as the diagram sees them: indices in the report's order (depth first), each
    cause's parent and children, and the height of each box and of each subtree as laid out."""

    causes: tuple[Cause, ...]
    parent: tuple[int, ...]  # -1 for a problem statement
    children: tuple[tuple[int, ...], ...]
    size: tuple[int, ...]  # causes in each subtree, itself included: indices i to i + size - 1
    box: tuple[float, ...]  # each box's height
    band: tuple[float, ...]  # each subtree's height: from its highest box to its lowest
    style: LayoutStyle
    last_column: int  # every drawing has as many columns, so systemic causes line up
    width: float  # of every drawing, unscaled
    scale: float  # what fits that width to the page's
    note_height: float  # of a box that says "continued" or "continues"

    @classmethod
    def of(cls, entries: Sequence[CauseEntry], style: LayoutStyle, columns: int) -> _Tree | None:
        parent: list[int] = []
        open_causes: list[int] = []  # the cause last seen at each depth above this one
        for i, entry in enumerate(entries):
            del open_causes[entry.depth - 1 :]
            parent.append(open_causes[-1] if open_causes else -1)
            open_causes.append(i)
        causes = tuple(entry.cause for entry in entries)
        layout = layout_causes(_copies(causes, parent, range(len(causes))), _measure, style)
        if len(layout.nodes) != len(causes):
            return None
        children: list[list[int]] = [[] for _ in causes]
        size = [1] * len(causes)
        boxes = [layout.node(str(i)) for i in range(len(causes))]
        top = [box.top for box in boxes if box is not None]
        bottom = [box.bottom for box in boxes if box is not None]
        heights = tuple(b - t for t, b in zip(top, bottom, strict=True))
        for i in reversed(range(len(causes))):
            above = parent[i]
            if above >= 0:
                children[above].append(i)
                size[above] += size[i]
                top[above] = min(top[above], top[i])
                bottom[above] = max(bottom[above], bottom[i])
        last_column = columns - 1
        width = style.column_x(last_column) + style.node_width
        note_lines = max(
            len(wrap_text(text, style.text_width, _measure, MAX_BOX_LINES))
            for text in (CONTINUED, CONTINUES)
        )
        return cls(
            causes=causes,
            parent=tuple(parent),
            children=tuple(tuple(reversed(kids)) for kids in children),
            size=tuple(size),
            box=heights,
            band=tuple(b - t for t, b in zip(top, bottom, strict=True)),
            style=style,
            last_column=last_column,
            width=width,
            scale=min(1.0, FRAME_WIDTH / width),
            note_height=style.box_height(note_lines),
        )

    @property
    def floor(self) -> float:
        """The smallest scale a drawing is shrunk to, to fit the room it has."""
        return min(self.scale, READABLE_SCALE)


def _copies(causes: Sequence[Cause], parent: Sequence[int], indices: Iterable[int]) -> list[Cause]:
    """Causes as the layout takes them, named by their index, so odd or repeated ids are no
    matter: the diagram draws what the report lists."""
    return [
        Cause(
            ref=causes[i].ref,
            text=causes[i].text,
            parent_id=str(parent[i]) if parent[i] >= 0 else None,
            systemic=causes[i].systemic,
            id=str(i),
        )
        for i in indices
    ]


@dataclass(frozen=True, slots=True)
class _Part:
    """What one drawing shows: whole subtrees (`items`, in the report's order) and the causes
    above them up to their problem statement (a problem statement drawn whole is the one item).
    A cause above drawn on an earlier page is a box saying so (`ghosts`); `more` is the cause
    whose later whys continue on the next page."""

    items: tuple[int, ...]
    ghosts: frozenset[int] = frozenset()
    more: int | None = None


def _above(tree: _Tree, cause: int) -> list[int]:
    """The causes above `cause`, its problem statement first."""
    chain = []
    while tree.parent[cause] >= 0:
        cause = tree.parent[cause]
        chain.append(cause)
    return chain[::-1]


class _Stack:
    """The causes above the last item of a part being filled, each with the height of what is
    finished below it, so the part's height is known after each item without laying it out: a
    cause's band is the taller of its box and its children's bands stacked with gaps."""

    def __init__(self, tree: _Tree, shown: set[int]) -> None:
        self._tree = tree
        self._shown = shown
        self._open: list[tuple[int, float, int]] = []  # cause, height of its children, count

    def _box(self, cause: int) -> float:
        if cause < 0:  # above a problem statement: no box
            return 0.0
        tree = self._tree
        return tree.note_height if cause in self._shown else tree.box[cause]

    def _band(self, cause: int, below: float, count: int) -> float:
        return max(self._box(cause), below + self._tree.style.row_gap * (count - 1))

    def with_item(self, item: int) -> _Stack:
        """A copy with `item` added below the causes above it."""
        chain = _above(self._tree, item) or [-1]
        stack = _Stack(self._tree, self._shown)
        opened = self._open[:]
        same = 0
        while same < min(len(opened), len(chain)) and opened[same][0] == chain[same]:
            same += 1
        while len(opened) > same:  # finish the branches the item is not on
            cause, below, count = opened.pop()
            band = self._band(cause, below, count)
            parent, above, siblings = opened[-1]
            opened[-1] = parent, above + band, siblings + 1
        opened += [(cause, 0.0, 0) for cause in chain[same:]]
        cause, below, count = opened[-1]
        opened[-1] = cause, below + self._tree.band[item], count + 1
        stack._open = opened
        return stack

    @property
    def height(self) -> float:
        height = 0.0
        nested = 0
        for cause, below, count in reversed(self._open):
            height = self._band(cause, below + height, count + nested)
            nested = 1
        return height


def _parts(tree: _Tree, root: int, first_room: float, room: float) -> list[_Part] | None:
    """A problem statement's tree cut into parts, none cutting a line: the first at most
    `first_room` tall, the others at most `room` (unscaled). A subtree that fits a page is kept
    whole, unless the part it would follow is less than two-thirds full: then it is cut to fill
    that part. Each part repeats the causes above its subtrees. None when the first part would
    hold nothing."""
    reserve = tree.style.row_gap + tree.note_height  # for the box "continues on the next page"
    cut: list[list[int]] = []
    items: list[int] = []
    shown: set[int] = set()  # the causes above the items of the parts so far
    stack = _Stack(tree, shown)
    todo = list(reversed(tree.children[root])) or [root]
    while todo:
        cause = todo.pop()
        kids = tree.children[cause]
        if kids and tree.band[cause] + reserve > room:  # too tall for any page
            todo += reversed(kids)
            continue
        limit = room if cut else first_room
        trial = stack.with_item(cause)
        if trial.height + reserve <= limit:
            items.append(cause)
            stack = trial
            continue
        if kids and (stack.height if items else 0.0) + reserve < limit * 2 / 3:
            todo += reversed(kids)  # cut it, to fill the part
            continue
        if not items:
            return None
        cut.append(items)
        shown.update(i for item in items for i in _above(tree, item))
        items = [cause]
        stack = _Stack(tree, shown).with_item(cause)
    cut.append(items)
    parts = []
    seen: set[int] = set()
    for number, items in enumerate(cut):
        mine = {i for item in items for i in _above(tree, item)}
        more = None
        if number + 1 < len(cut):
            for cause in _above(tree, cut[number + 1][0]):
                if cause in mine:
                    more = cause
        parts.append(_Part(tuple(items), frozenset(mine & seen), more))
        seen |= mine
    return parts


def _laid_out(tree: _Tree, part: _Part) -> TreeLayout:
    """The part laid out as the app lays out a tree, its systemic leaves in the last column of
    the whole diagram."""
    causes = []
    drawn: set[int] = set()
    for item in part.items:
        for i in _above(tree, item):
            if i in drawn:
                continue
            drawn.add(i)
            if i in part.ghosts:
                cause, parent = tree.causes[i], tree.parent[i]
                causes.append(
                    Cause(
                        ref=cause.ref,
                        text=CONTINUED,
                        parent_id=str(parent) if parent >= 0 else None,
                        id=str(i),
                    )
                )
            else:
                causes += _copies(tree.causes, tree.parent, (i,))
        causes += _copies(tree.causes, tree.parent, range(item, item + tree.size[item]))
    if part.more is not None:
        causes.append(Cause(ref="", text=CONTINUES, parent_id=str(part.more), id=_MORE))
    layout = layout_causes(causes, _measure, tree.style)
    x = tree.style.column_x(tree.last_column)
    moved = {
        box.cause_id: replace(box, column=tree.last_column, x=x)
        for box in layout.nodes
        if box.systemic and box.leaf and box.column != tree.last_column
    }
    if not moved:
        return layout
    connectors = []
    for connector in layout.connectors:
        child = moved.get(connector.child_id)
        if child is not None:
            *points, (_, y) = connector.points
            connector = replace(connector, points=(*points, (child.left, y)))
        connectors.append(connector)
    return TreeLayout(
        nodes=tuple(moved.get(box.cause_id, box) for box in layout.nodes),
        connectors=tuple(connectors),
        width=tree.width,
        height=layout.height,
    )


class CauseDiagram(Flowable):  # type: ignore[misc]
    """One problem statement's tree of whys, or one part of it, at a scale; never cut by a page.

    A whole tree is drawn at the scale that fits the text width, or smaller to fit a page, though
    never below the floor (6 pt text, or the width's scale if that is smaller). One that does not
    fit the room left on a page is shrunk to fit it, down to the floor, or goes overleaf whole;
    one that no page holds at the floor is cut into parts (see `_parts`), the first filling the
    room left and each of the others a page of its own.
    """

    def __init__(
        self,
        tree: _Tree,
        part: _Part,
        scale: float | None = None,
        *,
        first: bool = False,
        whole: bool = True,
        progress_units: int = 1,
    ) -> None:
        super().__init__()
        self._tree = tree
        self._part = part
        self._whole = whole
        self.progress_units = progress_units
        self._first = first
        # Set on a section's first drawing when it cannot fit under its heading on any page:
        # it then begins right under the heading, in parts, rather than leave it alone.
        self.begins_under_heading = False
        self.spaceBefore = 0.0 if first else DRAWING_GAP
        if scale is None:
            natural = self._natural
            scale = tree.scale
            if natural * scale > PAGE_ROOM and natural * tree.floor <= PAGE_ROOM:
                scale = PAGE_ROOM / natural
        self._scale = scale
        self._layout: TreeLayout | None = None

    @property
    def _natural(self) -> float:
        """The height of the whole tree, unscaled."""
        (root,) = self._part.items
        return self._tree.band[root]

    @property
    def layout(self) -> TreeLayout:
        if self._layout is None:
            self._layout = _laid_out(self._tree, self._part)
        return self._layout

    def lead_height(self) -> float:
        """The least room a page must have for this drawing to begin on it."""
        smallest = self._natural * self._tree.floor
        return smallest if smallest <= PAGE_ROOM else MIN_DIAGRAM_SLICE

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = self._tree.width * self._scale
        self.height = self.layout.height * self._scale
        return self.width, self.height

    def split(self, _available_width: float, available_height: float) -> list[Flowable]:
        tree = self._tree
        if not self._whole:
            return []
        natural = self._natural
        here = min(tree.scale, available_height / natural)
        if here >= tree.floor:
            return [CauseDiagram(tree, self._part, here, first=self._first, whole=False)]
        fits_a_page = natural * tree.floor <= PAGE_ROOM and not self.begins_under_heading
        if fits_a_page or available_height < MIN_DIAGRAM_SLICE:
            return []  # overleaf, whole
        (root,) = self._part.items
        parts = _parts(tree, root, available_height / tree.scale, PAGE_ROOM / tree.scale)
        if not parts:
            return []
        story: list[Flowable] = []
        for number, part in enumerate(parts):
            if number:
                page_break = PageBreak()
                page_break.progress_units = 0
                story.append(page_break)
            story.append(
                CauseDiagram(
                    tree,
                    part,
                    tree.scale,
                    first=self._first,
                    whole=False,
                    progress_units=self.progress_units if number == 0 else 0,
                )
            )
        return story

    def draw(self) -> None:
        canvas = self.canv
        layout = self.layout
        canvas.saveState()
        canvas.translate(0, self.height)
        canvas.scale(self._scale, self._scale)
        canvas.setStrokeColor(FAINT)
        canvas.setLineWidth(0.7)
        for connector in layout.connectors:
            path = canvas.beginPath()
            (x0, y0), *rest = connector.points
            path.moveTo(x0, -y0)
            for x, y in rest:
                path.lineTo(x, -y)
            canvas.drawPath(path, stroke=1, fill=0)
        for box in layout.nodes:
            note = box.cause_id == _MORE or int(box.cause_id) in self._part.ghosts
            self._draw_box(canvas, box, note=note)
        canvas.restoreState()

    def _draw_box(self, canvas: Canvas, box: NodeBox, *, note: bool) -> None:
        style = self._tree.style
        canvas.saveState()
        if note:  # a box standing for others, drawn on another page
            canvas.setFillColor(white)
            canvas.setStrokeColor(FAINT)
            canvas.setLineWidth(0.7)
            canvas.setDash(2, 2)
        else:
            canvas.setFillColor(SYSTEMIC_FILL if box.systemic else ZEBRA)
            canvas.setStrokeColor(OK if box.systemic else RULE)
            canvas.setLineWidth(1.6 if box.systemic else 0.7)
        canvas.roundRect(box.x, -box.bottom, box.width, box.height, 3, stroke=1, fill=1)
        canvas.restoreState()
        heading = box.heading + (" · systemic" if box.systemic else "")
        x = box.x + style.padding
        canvas.setFillColor(OK if box.systemic else MUTED)
        fonts.draw_string(
            canvas,
            x,
            -(box.top + style.padding + DIAGRAM_LABEL_SIZE),
            fit(heading, style.text_width, DIAGRAM_LABEL_SIZE, bold=box.systemic),
            DIAGRAM_LABEL_SIZE,
            bold=box.systemic,
        )
        canvas.setFillColor(MUTED if note else INK)
        y = box.top + style.padding + style.label_height
        for line in box.lines:
            fonts.draw_string(canvas, x, -(y + DIAGRAM_TEXT_SIZE), line, DIAGRAM_TEXT_SIZE)
            y += style.line_height
