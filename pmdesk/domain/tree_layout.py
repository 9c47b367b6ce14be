"""Where each box and line of the five-whys diagram goes, so the screen and the PDF agree.

The diagram reads left to right. Each problem statement (a root) sits in the first column, each
"why" one column further right than the cause it explains, and every systemic cause that ends a
branch sits in the last column, so the places where the asking stopped line up on the right.
Every box has the same width; its height follows its wrapped text.

Vertically it is a tidy tree. Each subtree owns a horizontal band: a leaf's band is its own box,
a parent's band holds its children's bands stacked in sibling order with a gap between them (or
its own box, if that is taller). A parent sits half-way between its first and last child. Bands of
siblings never overlap and problem statements are stacked with a wider gap, so no two boxes do.
Lines are elbows that turn half-way across the gap right of the parent's column.

Text is measured by a function the caller passes (a Qt font metric, a ReportLab string width), so
all sizes are in the caller's units. Coordinates start at the top-left corner, y grows downwards.

Broken data never crashes the layout: a cause whose parent is unknown is drawn as a problem
statement; causes caught in a parent cycle (and anything below them) are left out; of two causes
with the same id only the first is drawn. Nothing recurses, so a chain 5,000 whys deep is fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pmdesk.domain.model import Cause

Measure = Callable[[str], float]  # width of one line of text

ELLIPSIS = "…"
_WORD = re.compile(r"\S+")


def fixed_measure(char_width: float) -> Measure:
    """Every character `char_width` wide: for tests, and for callers without a font."""

    def measure(text: str) -> float:
        return len(text) * char_width

    return measure


@dataclass(frozen=True, slots=True)
class LayoutStyle:
    node_width: float = 230.0  # every box has this width; text area is node_width - 2*padding
    padding: float = 8.0
    line_height: float = 16.0  # height of one text line
    label_height: float = 16.0  # the small label line at the top of each box ("c3 · why 2")
    column_gap: float = 60.0  # horizontal gap between columns
    row_gap: float = 14.0  # vertical gap between sibling subtrees
    root_gap: float = 32.0  # vertical gap between separate problem statements (roots)
    max_lines: int = 6  # longer texts are cut, the last kept line ending with "…"

    def __post_init__(self) -> None:
        if self.max_lines < 1:
            raise ValueError(f"max_lines must be at least 1, not {self.max_lines}")
        sizes = ("node_width", "padding", "line_height", "label_height")
        gaps = ("column_gap", "row_gap", "root_gap")
        for name in sizes + gaps:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def text_width(self) -> float:
        return self.node_width - 2 * self.padding

    def column_x(self, column: int) -> float:
        return column * (self.node_width + self.column_gap)

    def box_height(self, line_count: int) -> float:
        return self.label_height + max(1, line_count) * self.line_height + 2 * self.padding


DEFAULT_STYLE = LayoutStyle()


@dataclass(frozen=True, slots=True)
class NodeBox:
    cause_id: str
    ref: str
    label: str  # "problem" for a root (depth 1), otherwise f"why {depth - 1}"
    lines: tuple[str, ...]  # the wrapped text
    depth: int  # 1 for a root
    column: int  # 0-based column (x = column * (node_width + column_gap))
    systemic: bool
    leaf: bool
    x: float
    y: float
    width: float
    height: float

    @property
    def heading(self) -> str:
        """The label line as drawn at the top of the box, e.g. "c3 · why 2"."""
        return f"{self.ref} · {self.label}" if self.ref else self.label

    @property
    def left(self) -> float:
        return self.x

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Connector:
    """An elbow from the parent's right-middle to the child's left-middle, turning at mid_x."""

    parent_id: str
    child_id: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class TreeLayout:
    nodes: tuple[NodeBox, ...]  # depth-first preorder, roots in list order, siblings in list order
    connectors: tuple[Connector, ...]  # in the order of their child in `nodes`
    width: float  # bounding size of everything (0 x 0 for no causes)
    height: float
    _by_id: dict[str, NodeBox] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {box.cause_id: box for box in self.nodes})

    def node(self, cause_id: str) -> NodeBox | None:
        return self._by_id.get(cause_id)


def wrap_text(text: str, width: float, measure: Measure, max_lines: int) -> tuple[str, ...]:
    """Break `text` into at most `max_lines` lines no wider than `width`, greedily by words.

    Whitespace runs (newlines included) become single spaces. A word wider than a line is broken
    by characters. When the text does not fit, the last line ends with "…". A line always holds at
    least one character, even if that character alone is wider than `width`. Empty text gives one
    empty line. Words after the last line are never looked at, so a huge text costs no more than
    a screenful.
    """
    if max_lines < 1:
        raise ValueError(f"max_lines must be at least 1, not {max_lines}")
    lines: list[str] = []
    line = ""
    cut = False
    for match in _WORD.finditer(text):
        word = match.group()
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
            if len(lines) == max_lines:
                cut = True
                break
        while len(word) > 1 and measure(word) > width:
            head = _longest_fitting_prefix(word, width, measure)
            lines.append(head)
            word = word[len(head) :]
            if len(lines) == max_lines:
                cut = True
                break
        if cut:
            break
        line = word
    if cut:
        lines[-1] = _with_ellipsis(lines[-1], width, measure)
    else:
        lines.append(line)
    return tuple(lines)


def _longest_fitting_prefix(word: str, width: float, measure: Measure) -> str:
    # Measured whole rather than summed per character: kerning makes widths non-additive.
    end = 1
    while end < len(word) and measure(word[: end + 1]) <= width:
        end += 1
    return word[:end]


def _with_ellipsis(line: str, width: float, measure: Measure) -> str:
    kept = line.rstrip()
    while kept and measure(kept + ELLIPSIS) > width:
        kept = kept[:-1].rstrip()
    return kept + ELLIPSIS


def layout_causes(
    causes: Sequence[Cause], measure: Measure, style: LayoutStyle = DEFAULT_STYLE
) -> TreeLayout:
    """Lay out the cause forest; see the module docstring for the rules and for broken data."""
    forest = _Forest(causes)
    order = list(forest.preorder())
    if not order:
        return TreeLayout(nodes=(), connectors=(), width=0.0, height=0.0)

    depth = forest.depth
    children = forest.children
    last_column = max(depth[i] for i in order) - 1
    lines = {
        i: wrap_text(causes[i].text, style.text_width, measure, style.max_lines) for i in order
    }
    height = {i: style.box_height(len(lines[i])) for i in order}

    # Bottom-up (reversed preorder puts children before parents): each subtree's band height,
    # where its children's stack starts in the band, and where its own box sits in the band.
    band: dict[int, float] = {}
    stack_start: dict[int, float] = {}
    box_offset: dict[int, float] = {}
    for i in reversed(order):
        kids = children[i]
        if not kids:
            band[i] = height[i]
            box_offset[i] = 0.0
            continue
        stacked = sum(band[k] for k in kids) + style.row_gap * (len(kids) - 1)
        band[i] = max(height[i], stacked)
        start = (band[i] - stacked) / 2
        first, last = kids[0], kids[-1]
        first_center = start + box_offset[first] + height[first] / 2
        last_center = start + stacked - band[last] + box_offset[last] + height[last] / 2
        top = (first_center + last_center) / 2 - height[i] / 2
        stack_start[i] = start
        box_offset[i] = min(max(top, 0.0), band[i] - height[i])

    # Top-down: absolute band tops, roots first, then each parent hands out its children's.
    band_top: dict[int, float] = {}
    cursor = 0.0
    for root in forest.roots:
        band_top[root] = cursor
        cursor += band[root] + style.root_gap
    boxes: dict[int, NodeBox] = {}
    for i in order:
        kids = children[i]
        if kids:
            top = band_top[i] + stack_start[i]
            for k in kids:
                band_top[k] = top
                top += band[k] + style.row_gap
        cause = causes[i]
        leaf = not kids
        column = last_column if cause.systemic and leaf else depth[i] - 1
        boxes[i] = NodeBox(
            cause_id=cause.id,
            ref=cause.ref,
            label="problem" if depth[i] == 1 else f"why {depth[i] - 1}",
            lines=lines[i],
            depth=depth[i],
            column=column,
            systemic=cause.systemic,
            leaf=leaf,
            x=style.column_x(column),
            y=band_top[i] + box_offset[i],
            width=style.node_width,
            height=height[i],
        )

    connectors = tuple(
        _elbow(boxes[forest.parent[i]], boxes[i], style) for i in order if i in forest.parent
    )
    nodes = tuple(boxes[i] for i in order)
    return TreeLayout(
        nodes=nodes,
        connectors=connectors,
        width=max(box.right for box in nodes),
        height=max(box.bottom for box in nodes),
    )


def _elbow(parent: NodeBox, child: NodeBox, style: LayoutStyle) -> Connector:
    mid_x = parent.right + style.column_gap / 2
    points = (
        (parent.right, parent.center_y),
        (mid_x, parent.center_y),
        (mid_x, child.center_y),
        (child.left, child.center_y),
    )
    return Connector(parent_id=parent.cause_id, child_id=child.cause_id, points=points)


class _Forest:
    """The causes as a forest of list indices: roots, children in list order, parents, depths."""

    def __init__(self, causes: Sequence[Cause]) -> None:
        first_index: dict[str, int] = {}
        for i, cause in enumerate(causes):
            first_index.setdefault(cause.id, i)
        self.roots: list[int] = []
        self.children: list[list[int]] = [[] for _ in causes]
        self.parent: dict[int, int] = {}
        self.depth: dict[int, int] = {}
        for i, cause in enumerate(causes):
            if first_index[cause.id] != i:
                continue
            parent = first_index.get(cause.parent_id) if cause.parent_id is not None else None
            if parent is None:
                self.roots.append(i)
            else:
                self.children[parent].append(i)
                self.parent[i] = parent

    def preorder(self) -> Iterator[int]:
        """Every cause reachable from a root, depth first; also fills in `depth`.

        Each cause has one parent, so a cycle has no root above it and is never reached: the walk
        needs no visited set and ends.
        """
        stack = list(reversed(self.roots))
        for root in self.roots:
            self.depth[root] = 1
        while stack:
            i = stack.pop()
            yield i
            kids = self.children[i]
            for k in kids:
                self.depth[k] = self.depth[i] + 1
            stack.extend(reversed(kids))
