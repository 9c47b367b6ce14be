"""The cause diagram on paper: one drawing per problem statement, never cut by a page's foot.

A drawing that does not fit the room left on a page is shrunk to fit it (never below 6 pt text),
goes overleaf whole, or, when no page can hold it, is drawn in parts that each repeat the causes
above them ("Continued from the previous page") and say where they go on ("Continues on the next
page"). Every line joins two boxes on one page, and every box holds its cause's whole text.

The pages are read back with pypdf: each box is a rounded rectangle, each connecting line a
four-point elbow in the diagram's faint grey, both in page coordinates.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream
from reportlab.platypus import PageBreak

from pmdesk.domain.model import Cause, Postmortem
from pmdesk.report.contents import CauseEntry
from pmdesk.report.pdf_drawings import (
    CONTINUED,
    CONTINUES,
    PAGE_ROOM,
    READABLE_SCALE,
    CauseDiagram,
    cause_diagram,
)
from pmdesk.report.pdf_style import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
)
from tests.report.test_pdf import contents_of, flat, pages_text, render

FAINT = (0.549, 0.584, 0.624)  # pdf_style.FAINT, the colour of the connecting lines
SENTENCE = (
    "the deploy pipeline pushed the new configuration to every region at once because the "
    "staged rollout flag had been turned off during last quarter's migration and nobody owned "
    "turning it back on so the canary stage that would have caught the bad value never ran "
    "while the health checks looked only at process liveness rather than at whether checkout "
    "requests succeeded end to end"
)
WORDS = SENTENCE.split()


def text(ref: str, count: int) -> str:
    """`count` words, starting with the cause's ref so that each text is its own."""
    start = sum(map(ord, ref))
    return " ".join([f"{ref}:"] + [WORDS[(start + i) % len(WORDS)] for i in range(count - 1)])


@dataclass
class Tree:
    causes: list[Cause] = field(default_factory=list)

    def add(self, words: int, parent: str | None = None, *, systemic: bool = False) -> str:
        ref = f"c{len(self.causes) + 1}"
        self.causes.append(Cause(ref, text(ref, words), parent_id=parent, systemic=systemic))
        return self.causes[-1].id


def three_problems() -> list[Cause]:
    """30 causes under three problem statements, chains three to six deep, many texts 40 to 80
    words long."""
    tree = Tree()
    problem = tree.add(12)
    a = tree.add(45, problem)
    b = tree.add(12, a)
    c = tree.add(70, b)
    d = tree.add(20, c)
    tree.add(55, d, systemic=True)
    e = tree.add(30, a)
    tree.add(80, e, systemic=True)
    f = tree.add(15, problem)
    tree.add(40, f)
    problem = tree.add(12)
    g = tree.add(60, problem)
    h = tree.add(25, g)
    i = tree.add(50, h)
    tree.add(75, i, systemic=True)
    j = tree.add(18, problem)
    tree.add(65, j)
    for words in (35, 50, 28):
        tree.add(words + 20, tree.add(words, problem))
    problem = tree.add(14)
    k = tree.add(44, problem)
    m = tree.add(33, k)
    n = tree.add(58, m)
    o = tree.add(41, n)
    tree.add(77, o, systemic=True)
    tree.add(22, problem)
    return tree.causes


def one_tall_problem() -> list[Cause]:
    """25 causes, 21 of them under one problem statement too tall for any page, even shrunk."""
    tree = Tree()
    problem = tree.add(12)
    for k in range(5):
        why = tree.add(30 + 10 * k, problem)
        for m in range(2):
            deeper = tree.add(45 + 7 * m, why)
            if (k + m) % 2:
                tree.add(60 + 5 * k, deeper, systemic=True)
    problem = tree.add(12)
    tree.add(70, tree.add(25, tree.add(60, problem)), systemic=True)
    return tree.causes


def report(causes: list[Cause], summary_words: int = 0) -> bytes:
    """The report of `causes`, its summary `summary_words` long: the longer it is, the lower on
    its page the diagram begins."""
    summary = " ".join(["Checkout failed for a while and customers noticed."] * summary_words)
    return render(Postmortem(title="Causes on paper", summary=summary, causes=causes))


# ---------------------------------------------------------------------------------------------
# Reading the drawing back from the PDF

Box = tuple[float, float, float, float]  # left, bottom, right, top, in page coordinates
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]


@dataclass
class Page:
    boxes: list[Box] = field(default_factory=list)
    lines: list[list[Point]] = field(default_factory=list)


def drawn_pages(data: bytes) -> list[Page]:
    """Each page's rounded boxes and connecting lines, through every `cm` and `q`/`Q`."""
    reader = PdfReader(io.BytesIO(data))
    return [_page(page, reader) for page in reader.pages]


def _page(page: PageObject, reader: PdfReader) -> Page:
    result = Page()
    matrix: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    saved: list[tuple[Matrix, tuple[float, ...]]] = []
    stroke: tuple[float, ...] = ()
    path: list[Point] = []
    curved = False

    def at(x: float, y: float) -> Point:
        a, b, c, d, e, f = matrix
        return a * x + c * y + e, b * x + d * y + f

    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        numbers = [float(x) for x in operands if isinstance(x, int | float)]
        if operator == b"q":
            saved.append((matrix, stroke))
        elif operator == b"Q":
            matrix, stroke = saved.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = numbers
            a0, b0, c0, d0, e0, f0 = matrix
            matrix = (
                a * a0 + b * c0,
                a * b0 + b * d0,
                c * a0 + d * c0,
                c * b0 + d * d0,
                e * a0 + f * c0 + e0,
                e * b0 + f * d0 + f0,
            )
        elif operator == b"RG":
            stroke = tuple(round(x, 3) for x in numbers)
        elif operator in (b"m", b"l"):
            path.append(at(*numbers))
        elif operator == b"c":
            path += [at(*numbers[i : i + 2]) for i in (0, 2, 4)]
            curved = True
        elif operator in (b"S", b"s", b"f", b"f*", b"B", b"B*", b"b", b"b*", b"n"):
            if curved and operator != b"n":
                xs, ys = [x for x, _ in path], [y for _, y in path]
                result.boxes.append((min(xs), min(ys), max(xs), max(ys)))
            elif operator == b"S" and stroke == FAINT and len(path) == 4:
                result.lines.append(path)
            path, curved = [], False
    return result


def on_edge(point: Point, boxes: list[Box], side: str) -> bool:
    x, y = point
    return any(
        abs(x - (left if side == "left" else right)) < 0.01 and bottom <= y <= top
        for left, bottom, right, top in boxes
    )


def within_frame(x: float, y: float) -> bool:
    return bool(
        MARGIN_X - 1 <= x <= PAGE_WIDTH - MARGIN_X + 1
        and MARGIN_BOTTOM - 1 <= y <= PAGE_HEIGHT - MARGIN_TOP + 1
    )


def heading(entry: CauseEntry) -> str:
    """A box's first line, as the diagram draws it."""
    systemic = " · systemic" if entry.cause.systemic else ""
    return f"{entry.cause.ref} · {entry.label}{systemic}"


def entries(causes: list[Cause]) -> tuple[CauseEntry, ...]:
    return contents_of(Postmortem(title="Causes", causes=causes)).causes


# ---------------------------------------------------------------------------------------------
# Tests

# Summaries that make the diagram begin near the top, the middle and the foot of a page: the old
# diagram was sliced at each page's foot with its lines running off the page.
PLACES = (0, 40, 85)


@pytest.mark.parametrize("summary_words", PLACES)
@pytest.mark.parametrize("causes", [three_problems, one_tall_problem])
def test_every_line_joins_two_boxes_on_its_own_page(
    causes: Callable[[], list[Cause]], summary_words: int
) -> None:
    pages = drawn_pages(report(causes(), summary_words))
    lines = 0
    for page in pages:
        for line in page.lines:
            assert all(within_frame(*point) for point in line), line
            assert on_edge(line[0], page.boxes, "right"), line  # from a parent's right side
            assert on_edge(line[-1], page.boxes, "left"), line  # to a child's left side
            lines += 1
        for left, bottom, right, top in page.boxes:
            assert within_frame(left + 1, bottom + 1) and within_frame(right - 1, top - 1)
    assert lines >= 21  # each why's line, and the parts' lines to their notes


@pytest.mark.parametrize("summary_words", PLACES)
def test_every_box_holds_its_whole_text(summary_words: int) -> None:
    causes = three_problems()
    text = flat(" ".join(pages_text(report(causes, summary_words))))
    assert "..." not in text  # "…", as NFKC reads it: no box is cut short
    for entry in entries(causes):
        # The box (its heading, then its text) and the numbered list (the text, then the ref).
        assert f"{heading(entry)} {flat(entry.cause.text)}" in text
        assert f"{entry.number} {flat(entry.cause.text)} {entry.cause.ref} · " in text


def drawn_on(pages: list[str], entry: CauseEntry) -> list[int]:
    """The pages on which `entry` is drawn as a box (the list has its text before its ref)."""
    box = f"{heading(entry)} {flat(entry.cause.text)}"
    return [number for number, page in enumerate(pages) if box in page]


def subtree(listed: tuple[CauseEntry, ...], top: CauseEntry) -> list[CauseEntry]:
    return [e for e in listed if e is top or e.number.startswith(top.number + ".")]


@pytest.mark.parametrize("summary_words", PLACES)
def test_each_problem_statement_is_drawn_whole_on_one_page(summary_words: int) -> None:
    causes = three_problems()
    pages = [flat(page) for page in pages_text(report(causes, summary_words))]
    listed = entries(causes)
    for problem in [e for e in listed if e.depth == 1]:
        assert len({page for e in subtree(listed, problem) for page in drawn_on(pages, e)}) == 1
    assert CONTINUES not in " ".join(pages)


def test_a_problem_too_tall_for_a_page_is_drawn_in_parts_that_say_so() -> None:
    causes = one_tall_problem()
    pages = [flat(page) for page in pages_text(report(causes))]
    parts = [page for page in pages if "c1 · problem" in page and "1 c1:" not in page]
    assert len(parts) >= 3
    assert all(CONTINUES in page for page in parts[:-1])
    assert all(f"c1 · problem {CONTINUED}" in page for page in parts[1:])
    # Every cause is drawn whole exactly once, and before the list begins.
    everything = " ".join(pages)
    for entry in entries(causes):
        assert everything.count(f"{heading(entry)} {flat(entry.cause.text)}") == 1


def test_a_problem_a_little_taller_than_a_page_is_shrunk_to_fit_it_legibly() -> None:
    tree = Tree()
    tree.add(12)
    problem = tree.add(12)
    for _ in range(6):
        tree.add(70, problem)
    data = report(tree.causes)
    (page,) = [page for page in drawn_pages(data) if page.lines]
    assert len(page.lines) == 6
    joined = [
        box
        for box in page.boxes
        for line in page.lines
        if on_edge(line[0], [box], "right") or on_edge(line[-1], [box], "left")
    ]
    full_width = 160.0  # the widest boxes, as two columns have them
    scale = (joined[0][2] - joined[0][0]) / full_width
    assert READABLE_SCALE <= scale < 0.99
    height = max(box[3] for box in joined) - min(box[1] for box in joined)
    assert height / scale > FRAME_HEIGHT  # at full size it would not have fitted a page
    assert CONTINUES not in flat(" ".join(pages_text(data)))


def test_a_21_cause_report_reads_whole_and_is_the_same_every_time() -> None:
    causes = one_tall_problem()
    data = report(causes, 30)
    assert report(causes, 30) == data
    text = flat(" ".join(pages_text(data)))
    for entry in entries(causes):
        assert f"{heading(entry)} {flat(entry.cause.text)}" in text
        assert f"{entry.number} {flat(entry.cause.text)}" in text
    assert text.index("Causes") < text.index("1 c1:") < text.index("Action items")


# ---------------------------------------------------------------------------------------------
# The drawings as flowables: a part is never split, and always fits its room


def random_causes(rng: random.Random, count: int) -> list[Cause]:
    """`count` causes, mostly answering one of the latest, at most `deepest` levels deep."""
    deepest = rng.randint(2, 7)
    causes: list[Cause] = []
    depth: dict[str | None, int] = {None: 0}
    for n in range(count):
        parent = None
        if causes and rng.random() < 0.93:
            parent = rng.choice([c.id for c in causes[-8:] if depth[c.id] < deepest] or [None])
        causes.append(Cause(f"c{n + 1}", text(f"c{n + 1}", rng.randint(3, 70)), parent_id=parent))
        depth[causes[-1].id] = depth[parent] + 1
        if parent is None or rng.random() < 0.2:
            causes[-1].systemic = rng.random() < 0.5
    return causes


def pieces(diagram: CauseDiagram, room: float) -> Iterator[tuple[CauseDiagram, float]]:
    """The drawings `diagram` becomes in `room`, each with the room it has."""
    _, height = diagram.wrap(FRAME_WIDTH, room)
    if height <= room:
        yield diagram, room
        return
    split = diagram.split(FRAME_WIDTH, room)
    if not split:  # overleaf, onto a page of its own
        assert room < FRAME_HEIGHT, "a page of its own must hold it"
        yield from pieces(diagram, FRAME_HEIGHT)
        return
    for number, piece in enumerate(split):
        assert isinstance(piece, PageBreak) == (number % 2 == 1)
        if isinstance(piece, CauseDiagram):
            yield piece, room if number == 0 else FRAME_HEIGHT


@pytest.mark.parametrize("seed", range(16))
def test_random_trees_are_cut_only_between_whole_parts_that_fit(seed: int) -> None:
    rng = random.Random(seed)
    causes = random_causes(rng, rng.choice((20, 45, 80)))
    listed = entries(causes)
    diagrams = cause_diagram(listed)
    if isinstance(diagrams, str) or diagrams is None:
        pytest.skip(diagrams or "nothing to draw")
    drawn: list[int] = []
    for diagram in diagrams:
        room = rng.uniform(0, FRAME_HEIGHT)
        for piece, piece_room in pieces(diagram, room):
            width, height = piece.wrap(FRAME_WIDTH, piece_room)
            assert width <= FRAME_WIDTH + 0.01 and height <= min(piece_room, PAGE_ROOM) + 0.01
            if piece is not diagram:
                assert piece.split(FRAME_WIDTH, piece_room) == []  # never cut again
                assert piece.split(FRAME_WIDTH, piece_room / 2) == []
            for box in piece.layout.nodes:
                said = " ".join(box.lines)
                if said in (CONTINUED, CONTINUES):  # a note standing for boxes on another page
                    continue
                entry = listed[int(box.cause_id)]
                assert said == flat(entry.cause.text)
                assert box.heading == f"{entry.cause.ref} · {entry.label}"
                drawn.append(int(box.cause_id))
    # Every cause drawn whole exactly once, in the report's order.
    assert drawn == list(range(len(listed)))


def one_page_problem() -> list[Cause]:
    """A problem statement and six long whys: a page's height at 6 pt, more than a page's room
    under the section's heading."""
    tree = Tree()
    problem = tree.add(12)
    for _ in range(6):
        tree.add(70, problem)
    return tree.causes


@pytest.mark.parametrize("causes", [one_page_problem, three_problems, one_tall_problem])
@pytest.mark.parametrize("summary_words", [0, 30, 60, 100])
def test_the_causes_heading_is_never_left_alone_on_its_page(
    causes: Callable[[], list[Cause]], summary_words: int
) -> None:
    # A drawing that fits a page but not the room under its heading went overleaf whole,
    # leaving the heading and its caption alone; it begins under the heading, in parts.
    data = report(causes(), summary_words)
    (page,) = [n for n, text in enumerate(pages_text(data)) if "\nCauses\n" in f"\n{text}\n"]
    assert drawn_pages(data)[page].boxes, f"the heading is alone on page {page + 1}"
