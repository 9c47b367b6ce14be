"""The five-whys diagram layout: columns, tidy vertical placement, elbows, wrapping, bad data."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.domain.model import Cause
from pmdesk.domain.tree_layout import (
    Connector,
    LayoutStyle,
    NodeBox,
    TreeLayout,
    fixed_measure,
    layout_causes,
    wrap_text,
)
from tests.documents import example

STYLE = LayoutStyle()
MEASURE = fixed_measure(7.0)  # 214 / 7: about 30 characters a line with the default style
EPS = 1e-6


def example_causes() -> list[Cause]:
    """The shared example: one problem, three branches, each ending in a systemic cause."""
    return [
        Cause(
            ref=c["id"], text=c["text"], parent_id=c["parent"], systemic=c["systemic"], id=c["id"]
        )
        for c in example()["postmortem"]["causes"]
    ]


def cause(
    cause_id: str, parent: str | None = None, text: str = "", systemic: bool = False
) -> Cause:
    return Cause(
        ref=cause_id,
        text=text or f"cause {cause_id}",
        parent_id=parent,
        systemic=systemic,
        id=cause_id,
    )


def box(layout: TreeLayout, cause_id: str) -> NodeBox:
    found = layout.node(cause_id)
    assert found is not None, cause_id
    return found


def overlap(a: NodeBox, b: NodeBox) -> bool:
    return (
        min(a.right, b.right) - max(a.left, b.left) > EPS
        and min(a.bottom, b.bottom) - max(a.top, b.top) > EPS
    )


def check_connector(layout: TreeLayout, connector: Connector, style: LayoutStyle) -> None:
    """Starts at the parent's right-middle, ends at the child's left-middle, turns once in the
    gap right of the parent's column, and its last leg crosses no other box."""
    parent, child = box(layout, connector.parent_id), box(layout, connector.child_id)
    mid_x = parent.right + style.column_gap / 2
    assert connector.points == (
        (parent.right, parent.center_y),
        (mid_x, parent.center_y),
        (mid_x, child.center_y),
        (child.left, child.center_y),
    )
    for other in layout.nodes:
        if other is child or other is parent:
            continue
        # Only a box's inside counts: with zero gaps, lines may run along edges.
        crosses_row = other.top + EPS < child.center_y < other.bottom - EPS
        crosses_span = other.left < child.left - EPS and other.right > mid_x + EPS
        assert not (crosses_row and crosses_span), (connector, other)
        assert not (other.left + EPS < mid_x < other.right - EPS), (connector, other)


# --- The shared example -------------------------------------------------------------------------


def test_example_columns_put_every_systemic_cause_in_the_last_column() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    columns = {node.cause_id: node.column for node in layout.nodes}
    # c3 is three whys deep; c5 and c7 are only two deep but end their branch as systemic.
    assert columns == {"p1": 0, "c1": 1, "c2": 2, "c3": 3, "c4": 1, "c5": 3, "c6": 1, "c7": 3}
    for node in layout.nodes:
        assert node.x == node.column * (STYLE.node_width + STYLE.column_gap)
        assert node.width == STYLE.node_width
    assert layout.width == 4 * STYLE.node_width + 3 * STYLE.column_gap


def test_example_labels_count_whys_by_depth_not_by_column() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    labels = {node.cause_id: node.label for node in layout.nodes}
    assert labels == {
        "p1": "problem",
        "c1": "why 1",
        "c2": "why 2",
        "c3": "why 3",
        "c4": "why 1",
        "c5": "why 2",
        "c6": "why 1",
        "c7": "why 2",
    }
    assert box(layout, "c5").depth == 3
    assert box(layout, "c5").heading == "c5 · why 2"
    assert box(layout, "p1").heading == "p1 · problem"


def test_example_leaves_and_systemic_flags() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    assert {n.cause_id for n in layout.nodes if n.leaf} == {"c3", "c5", "c7"}
    assert {n.cause_id for n in layout.nodes if n.systemic} == {"c3", "c5", "c7"}


def test_example_is_a_tidy_tree() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    p1, c1, c4, c6 = (box(layout, i) for i in ("p1", "c1", "c4", "c6"))
    # Siblings top to bottom in list order, a row gap between their bands; a band here is the
    # tallest box of a straight chain.
    band_bottom = max(box(layout, i).bottom for i in ("c1", "c2", "c3"))
    assert min(box(layout, i).top for i in ("c1", "c2", "c3")) == 0
    assert min(c4.top, box(layout, "c5").top) == pytest.approx(band_bottom + STYLE.row_gap)
    band_bottom = max(c4.bottom, box(layout, "c5").bottom)
    assert min(c6.top, box(layout, "c7").top) == pytest.approx(band_bottom + STYLE.row_gap)
    # The problem sits half-way between its first and last why.
    assert p1.center_y == pytest.approx((c1.center_y + c6.center_y) / 2)
    # A single child lines up with its parent: the chain c1 -> c2 -> c3 is one straight row.
    assert box(layout, "c2").center_y == pytest.approx(c1.center_y)
    assert box(layout, "c3").center_y == pytest.approx(c1.center_y)
    assert box(layout, "c7").center_y == pytest.approx(c6.center_y)
    assert layout.height == pytest.approx(max(c6.bottom, box(layout, "c7").bottom))


def test_example_connectors_join_each_parent_to_each_child() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    pairs = [(c.parent_id, c.child_id) for c in layout.connectors]
    assert pairs == [
        ("p1", "c1"),
        ("c1", "c2"),
        ("c2", "c3"),
        ("p1", "c4"),
        ("c4", "c5"),
        ("p1", "c6"),
        ("c6", "c7"),
    ]
    for connector in layout.connectors:
        check_connector(layout, connector, STYLE)


def test_a_systemic_leaf_gets_a_long_elbow_that_turns_next_to_its_parent() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    (long,) = [c for c in layout.connectors if c.child_id == "c5"]
    c4, c5 = box(layout, "c4"), box(layout, "c5")
    assert long.points[1][0] == c4.right + STYLE.column_gap / 2 == 550.0
    assert long.points[-1] == (c5.left, c5.center_y) == (870.0, c5.center_y)


def test_box_height_follows_the_wrapped_text() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    for node in layout.nodes:
        expected = STYLE.label_height + len(node.lines) * STYLE.line_height + 2 * STYLE.padding
        assert node.height == expected
        assert all(MEASURE(line) <= STYLE.text_width for line in node.lines)
    assert box(layout, "c7").lines == (
        "The only checkout alert",
        "watches latency with a",
        "15-minute window, not errors",
    )


def test_the_same_causes_give_the_same_layout() -> None:
    assert layout_causes(example_causes(), MEASURE) == layout_causes(example_causes(), MEASURE)


# --- Columns, order and placement ---------------------------------------------------------------


def test_preorder_follows_the_list_order_even_when_children_come_first() -> None:
    causes = [
        cause("b2", "b"),
        cause("a1", "a"),
        cause("b", "root"),
        cause("b1", "b"),
        cause("a", "root"),
        cause("other-root"),
        cause("root"),
    ]
    layout = layout_causes(causes, MEASURE)
    assert [n.cause_id for n in layout.nodes] == [
        "other-root",
        "root",
        "b",
        "b2",
        "b1",
        "a",
        "a1",
    ]
    b2, b1 = box(layout, "b2"), box(layout, "b1")
    assert b2.bottom < b1.top


def test_a_systemic_cause_with_children_stays_in_its_own_column() -> None:
    causes = [
        cause("p"),
        cause("w1", "p", systemic=True),
        cause("w2", "w1"),
        cause("w3", "w2"),
        cause("s", "p", systemic=True),
    ]
    layout = layout_causes(causes, MEASURE)
    assert box(layout, "w1").column == 1
    assert box(layout, "w3").column == 3
    assert box(layout, "s").column == 3
    assert not box(layout, "w3").systemic and box(layout, "w3").column == 3


def test_a_lone_systemic_problem_statement_is_in_the_first_column() -> None:
    layout = layout_causes([cause("p", systemic=True)], MEASURE)
    (only,) = layout.nodes
    assert (only.column, only.x, only.y, only.label, only.leaf) == (0, 0.0, 0.0, "problem", True)
    assert (layout.width, layout.height) == (STYLE.node_width, only.height)
    assert layout.connectors == ()


def test_problem_statements_are_stacked_with_the_root_gap() -> None:
    layout = layout_causes([cause("p"), cause("q"), cause("q1", "q"), cause("q2", "q")], MEASURE)
    p, q1, q2 = box(layout, "p"), box(layout, "q1"), box(layout, "q2")
    assert p.top == 0
    assert q1.top == pytest.approx(p.bottom + STYLE.root_gap)
    assert q2.top == pytest.approx(q1.bottom + STYLE.row_gap)
    assert layout.height == pytest.approx(q2.bottom)


def test_a_parent_taller_than_its_children_keeps_them_centred_beside_it() -> None:
    long_text = " ".join(["word"] * 200)
    layout = layout_causes([cause("p", text=long_text), cause("a", "p"), cause("b", "p")], MEASURE)
    p, a, b = box(layout, "p"), box(layout, "a"), box(layout, "b")
    assert len(p.lines) == STYLE.max_lines and p.lines[-1].endswith("…")
    assert p.top == 0 and layout.height == p.bottom
    assert a.top > p.top and b.bottom < p.bottom
    assert (a.center_y + b.center_y) / 2 == pytest.approx(p.center_y)


def test_a_parent_is_moved_back_into_its_band_rather_than_stick_out() -> None:
    style = LayoutStyle(node_width=12, padding=1)  # ten characters a line
    causes = [
        cause("p", text="x " * 200),
        cause("a", "p", text="a"),
        cause("b", "p", text="b"),
        cause("c", "b", text="cccccccccc dd"),
    ]
    layout = layout_causes(causes, fixed_measure(1), style)
    p, a, b, c = (box(layout, i) for i in ("p", "a", "b", "c"))
    assert (len(p.lines), len(a.lines), len(b.lines), len(c.lines)) == (6, 1, 1, 2)
    # Centred between a and b, p would start above its band (and above the picture).
    assert (a.center_y + b.center_y) / 2 - p.height / 2 < 0
    assert p.top == 0 and layout.height == p.bottom
    assert a.top > 0 and c.bottom < p.bottom


def test_an_uneven_subtree_pushes_its_later_siblings_down() -> None:
    causes = [cause("p"), cause("a", "p"), cause("b", "p")]
    causes += [cause(f"a{i}", "a") for i in range(4)]
    layout = layout_causes(causes, MEASURE)
    a3, b = box(layout, "a3"), box(layout, "b")
    assert b.top == pytest.approx(a3.bottom + STYLE.row_gap)
    a = box(layout, "a")
    assert a.center_y == pytest.approx((box(layout, "a0").center_y + a3.center_y) / 2)


def test_lookup_by_id() -> None:
    layout = layout_causes(example_causes(), MEASURE)
    assert box(layout, "c3") is layout.nodes[3]
    assert layout.node("nope") is None


def test_an_empty_list_gives_an_empty_layout() -> None:
    layout = layout_causes([], MEASURE)
    assert layout == TreeLayout(nodes=(), connectors=(), width=0.0, height=0.0)
    assert layout.node("anything") is None


def test_the_style_is_checked() -> None:
    with pytest.raises(ValueError, match="max_lines"):
        LayoutStyle(max_lines=0)
    with pytest.raises(ValueError, match="row_gap"):
        LayoutStyle(row_gap=-1)


def test_the_text_area_is_the_box_less_its_padding() -> None:
    style = LayoutStyle(node_width=30, padding=5)
    layout = layout_causes(
        [cause("p", text="aaaa bbbb cccc dddd eeee ffff gggg")], fixed_measure(1), style
    )
    assert box(layout, "p").lines == ("aaaa bbbb cccc dddd", "eeee ffff gggg")


# --- Broken data and size -----------------------------------------------------------------------


def test_a_cause_with_an_unknown_parent_is_a_problem_statement() -> None:
    layout = layout_causes([cause("p"), cause("orphan", "gone"), cause("o1", "orphan")], MEASURE)
    assert [n.cause_id for n in layout.nodes] == ["p", "orphan", "o1"]
    orphan = box(layout, "orphan")
    assert (orphan.depth, orphan.column, orphan.label) == (1, 0, "problem")
    assert orphan.top == pytest.approx(box(layout, "p").bottom + STYLE.root_gap)


def test_causes_in_a_cycle_and_below_it_are_left_out() -> None:
    causes = [
        cause("r"),
        cause("r1", "r"),
        cause("a", "b"),
        cause("b", "a"),
        cause("under-the-cycle", "a"),
        cause("self", "self"),
    ]
    layout = layout_causes(causes, MEASURE)
    assert [n.cause_id for n in layout.nodes] == ["r", "r1"]
    assert [(c.parent_id, c.child_id) for c in layout.connectors] == [("r", "r1")]
    assert layout_causes(causes[2:], MEASURE) == layout_causes([], MEASURE)


def test_of_two_causes_with_one_id_only_the_first_is_drawn() -> None:
    causes = [cause("p"), cause("x", "p", text="first"), cause("x", "p", text="second")]
    layout = layout_causes(causes, MEASURE)
    assert [n.cause_id for n in layout.nodes] == ["p", "x"]
    assert box(layout, "x").lines == ("first",)
    assert len(layout.connectors) == 1


@pytest.mark.parametrize("children_first", [False, True])
def test_a_chain_five_thousand_whys_deep(children_first: bool) -> None:
    depth = 5000
    causes = [cause("c0")] + [cause(f"c{i}", f"c{i - 1}") for i in range(1, depth)]
    causes[-1].systemic = True
    if children_first:
        causes.reverse()
    layout = layout_causes(causes, MEASURE)
    assert len(layout.nodes) == depth and len(layout.connectors) == depth - 1
    last = layout.nodes[-1]
    assert (last.cause_id, last.depth, last.column, last.label) == ("c4999", 5000, 4999, "why 4999")
    assert {n.y for n in layout.nodes} == {0.0}
    assert layout.width == depth * STYLE.node_width + (depth - 1) * STYLE.column_gap


# --- Random forests -----------------------------------------------------------------------------


@st.composite
def forests(draw: st.DrawFn) -> list[Cause]:
    """Up to 40 causes whose parents point anywhere: back, forward, to themselves, or nowhere."""
    count = draw(st.integers(min_value=0, max_value=40))
    rng = random.Random(draw(st.integers(0, 2**32)))  # texts need no shrinking, only variety
    causes = []
    for i in range(count):
        choice = draw(st.integers(min_value=-3, max_value=max(count - 1, 0)))
        if choice == -3:
            parent = "missing"
        elif choice < 0 or count == 0:
            parent = None
        else:
            parent = f"c{choice}"
        text = " ".join("w" * rng.randint(1, 12) for _ in range(rng.randint(0, 40)))
        causes.append(cause(f"c{i}", parent, text=text, systemic=draw(st.booleans())))
    # Mostly trees: pointing parents back makes cycles rare, so the layout has something to draw.
    if draw(st.booleans()):
        for i, c in enumerate(causes):
            if c.parent_id is not None and c.parent_id != "missing" and int(c.parent_id[1:]) >= i:
                c.parent_id = None
    return causes


styles = st.builds(
    LayoutStyle,
    node_width=st.integers(60, 300).map(float),
    padding=st.integers(0, 12).map(float),
    line_height=st.integers(8, 20).map(float),
    label_height=st.integers(0, 20).map(float),
    column_gap=st.integers(0, 80).map(float),
    row_gap=st.integers(0, 30).map(float),
    root_gap=st.integers(0, 40).map(float),
    max_lines=st.integers(1, 8),
)


def reachable_depths(causes: list[Cause]) -> dict[str, int]:
    """The naive answer: walk up from each cause; a walk longer than the list is a cycle."""
    by_id = {c.id: c for c in causes}
    depths = {}
    for c in causes:
        depth, current = 1, c
        while current.parent_id in by_id and depth <= len(causes):
            current = by_id[current.parent_id]
            depth += 1
        if depth <= len(causes):
            depths[c.id] = depth
    return depths


@settings(max_examples=300, deadline=None)
@given(causes=forests(), style=styles, char_width=st.integers(3, 9))
def test_random_forests_never_overlap_and_keep_every_rule(
    causes: list[Cause], style: LayoutStyle, char_width: int
) -> None:
    measure = fixed_measure(char_width)
    layout = layout_causes(causes, measure, style)
    nodes = layout.nodes
    by_id = {c.id: c for c in causes}

    expected = reachable_depths(causes)
    assert {n.cause_id: n.depth for n in nodes} == expected
    assert len(nodes) == len(expected)

    # Preorder: a parent comes first, then its whole subtree as one unbroken run.
    kids_of: dict[str, list[str]] = {}
    for n in nodes:
        parent = by_id[n.cause_id].parent_id
        if n.depth > 1:
            assert parent is not None
            kids_of.setdefault(parent, []).append(n.cause_id)
    subtree: dict[str, list[NodeBox]] = {}
    for i, n in enumerate(nodes):
        end = i + 1
        while end < len(nodes) and nodes[end].depth > n.depth:
            end += 1
        subtree[n.cause_id] = list(nodes[i:end])
        assert [k.cause_id for k in subtree[n.cause_id][1:] if k.depth == n.depth + 1] == (
            kids_of.get(n.cause_id, [])
        )
        assert n.leaf == (n.cause_id not in kids_of)

    last_column = max((n.depth for n in nodes), default=1) - 1
    for n in nodes:
        assert n.label == ("problem" if n.depth == 1 else f"why {n.depth - 1}")
        moved = n.systemic and n.leaf
        assert n.column == (last_column if moved else n.depth - 1)
        assert n.x == n.column * (style.node_width + style.column_gap)
        assert n.height == style.box_height(len(n.lines))
        assert n.top >= 0 and n.bottom <= layout.height + EPS
        assert n.left >= 0 and n.right <= layout.width + EPS

    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert not overlap(a, b), (a, b)

    children: dict[str, list[NodeBox]] = {}
    for connector in layout.connectors:
        check_connector(layout, connector, style)
        children.setdefault(connector.parent_id, []).append(box(layout, connector.child_id))
    assert len(layout.connectors) == sum(1 for n in nodes if n.depth > 1)
    for parent_id, kids in children.items():
        parent_box = box(layout, parent_id)
        assert not parent_box.leaf
        assert all(a.top < b.top for a, b in itertools.pairwise(kids))
        # Centred between first and last child, unless that would leave the subtree's band.
        centred = (kids[0].center_y + kids[-1].center_y) / 2
        if abs(parent_box.center_y - centred) > EPS:
            band_top = min(k.top for k in subtree[parent_id])
            band_bottom = max(k.bottom for k in subtree[parent_id])
            assert (abs(parent_box.top - band_top) < EPS and centred < parent_box.center_y) or (
                abs(parent_box.bottom - band_bottom) < EPS and centred > parent_box.center_y
            )

    if nodes:
        assert layout.width == max(n.right for n in nodes)
        assert layout.height == max(n.bottom for n in nodes)
        assert min(n.top for n in nodes) == 0.0
    else:
        assert (layout.width, layout.height) == (0.0, 0.0)


# --- Wrapping -----------------------------------------------------------------------------------

ONE = fixed_measure(1.0)


def test_wrapping_is_greedy_by_words() -> None:
    assert wrap_text("the quick brown fox jumps", 10, ONE, 6) == ("the quick", "brown fox", "jumps")


def test_whitespace_runs_collapse() -> None:
    assert wrap_text("  a \n\t b   c  ", 10, ONE, 6) == ("a b c",)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_gives_one_empty_line(text: str) -> None:
    assert wrap_text(text, 10, ONE, 6) == ("",)


def test_a_word_wider_than_the_line_is_broken_by_characters() -> None:
    assert wrap_text("ab abcdefghijkl xy", 5, ONE, 6) == ("ab", "abcde", "fghij", "kl xy")


def test_too_much_text_is_cut_with_an_ellipsis_that_still_fits() -> None:
    assert wrap_text("aaaaa bbbbb ccccc", 5, ONE, 2) == ("aaaaa", "bbbb…")
    assert wrap_text("aa bb cc dd", 5, ONE, 1) == ("aa b…",)
    assert wrap_text("aa bbbbbbbbbbbb", 5, ONE, 2) == ("aa", "bbbb…")
    assert wrap_text("abcdefghijkl", 5, ONE, 1) == ("abcd…",)


def test_the_ellipsis_goes_after_a_short_last_line_without_a_space() -> None:
    assert wrap_text("ab cdefgh", 5, ONE, 1) == ("ab…",)
    assert wrap_text("abc d ef", 5, ONE, 1) == ("abc…",)


def test_text_that_exactly_fills_the_lines_is_not_cut() -> None:
    assert wrap_text("aaaaa bbbbb", 5, ONE, 2) == ("aaaaa", "bbbbb")


def test_a_character_wider_than_the_line_still_gets_a_line() -> None:
    assert wrap_text("ab", 0.5, ONE, 3) == ("a", "b")
    assert wrap_text("abcd", 0.5, ONE, 2) == ("a", "…")


def test_max_lines_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_lines"):
        wrap_text("x", 10, ONE, 0)


def test_fixed_measure_counts_characters() -> None:
    assert fixed_measure(2.5)("abcd") == 10.0
    assert fixed_measure(2.5)("") == 0.0


def test_wrapping_uses_the_measure_it_is_given() -> None:
    def wide_w(text: str) -> float:
        return sum(3.0 if ch == "W" else 1.0 for ch in text)

    assert wrap_text("WW ab WWW", 9, wide_w, 6) == ("WW ab", "WWW")


class CountingMeasure:
    def __init__(self) -> None:
        self.calls = 0
        self.characters = 0

    def __call__(self, text: str) -> float:
        self.calls += 1
        self.characters += len(text)
        return float(len(text))


def test_a_huge_text_costs_no_more_than_its_first_lines() -> None:
    counting = CountingMeasure()
    lines = wrap_text("word " * 1_000_000, 30, counting, 6)
    assert len(lines) == 6 and lines[-1].endswith("…")
    assert counting.calls < 100


def test_wrapping_is_linear_in_the_text_length() -> None:
    text = " ".join("w" * (i % 9 + 1) for i in range(20_000))
    counting = CountingMeasure()
    lines = wrap_text(text, 40, counting, 100_000)
    assert not lines[-1].endswith("…")
    assert counting.calls <= 2 * 20_000
    assert counting.characters <= 40 * len(text)


def normalised(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab c\n\tdéf ghij"), max_size=200),
    width=st.integers(1, 30),
    max_lines=st.integers(1, 8),
)
def test_wrapped_lines_fit_and_keep_the_text_in_order(
    text: str, width: int, max_lines: int
) -> None:
    lines = wrap_text(text, width, ONE, max_lines)
    assert 1 <= len(lines) <= max_lines
    assert all(len(line) <= width for line in lines)
    assert all(line == " ".join(line.split()) for line in lines)
    joined = normalised("".join(lines))
    if lines[-1].endswith("…"):
        assert normalised(text).startswith(joined.removesuffix("…"))
        assert len(lines) == max_lines
    else:
        assert joined == normalised(text)
        if all(len(word) <= width for word in text.split()):
            assert " ".join(lines) == " ".join(text.split())
