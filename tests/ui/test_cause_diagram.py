"""The cause tree as a diagram: boxes, warnings, zoom, selection and export, without a window."""

from __future__ import annotations

import math
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import ActionItem, ActionStatus, Cause, Postmortem
from pmdesk.ui.causes.diagram import (
    EMPTY_MESSAGE,
    KEEP_ASKING,
    NO_ACTION,
    CauseBox,
    CauseDiagram,
)
from pmdesk.ui.themes import COLOURS, Theme, apply_theme, apply_zoom

SVG = "{http://www.w3.org/2000/svg}"


def example() -> Postmortem:
    """One problem, three whys; the systemic ends have a live, a dropped and a done action."""
    causes = [
        Cause(ref="c1", text="Checkout failed in all regions for 47 minutes", id="c1id"),
        Cause(
            ref="c2",
            text="A config value pointed checkout at a host that does not exist",
            parent_id="c1id",
            evidence=["e1", "e2"],
            id="c2id",
        ),
        Cause(
            ref="c3",
            text="The config pipeline has no schema and no validation step",
            parent_id="c2id",
            systemic=True,
            id="c3id",
        ),
        Cause(
            ref="c4",
            text="Config pushes have no canary stage",
            parent_id="c1id",
            systemic=True,
            evidence=["e3"],
            id="c4id",
        ),
        Cause(ref="c5", text="Nobody knew for 15 minutes", parent_id="c1id", id="c5id"),
        Cause(
            ref="c6",
            text="The only alert watches latency, not errors",
            parent_id="c1id",
            systemic=True,
            id="c6id",
        ),
    ]
    actions = [
        ActionItem(ref="a1", title="Validate config", cause_id="c3id"),
        ActionItem(ref="a2", title="Canary", cause_id="c4id", status=ActionStatus.DROPPED),
        ActionItem(ref="a3", title="Error alert", cause_id="c6id", status=ActionStatus.DONE),
        ActionItem(ref="a4", title="Improve monitoring"),
    ]
    return Postmortem(title="Checkout outage", causes=causes, actions=actions)


def big_tree(n: int) -> Postmortem:
    """A ternary tree of `n` causes whose leaves are systemic every other time."""
    causes = [
        Cause(
            ref=f"c{i + 1}",
            text=f"Cause number {i} with a few words of text to wrap over lines",
            parent_id=None if i == 0 else f"id{(i - 1) // 3}",
            id=f"id{i}",
        )
        for i in range(n)
    ]
    for cause in causes[(n - 1) // 3 + 1 :: 2]:
        cause.systemic = True
    return Postmortem(title="Big", causes=causes)


@pytest.fixture
def view(qtbot: QtBot) -> CauseDiagram:
    diagram = CauseDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(900, 600)
    with qtbot.waitExposed(diagram):
        diagram.show()
    return diagram


@pytest.fixture
def app() -> Iterator[QApplication]:
    """The application, with its theme and zoom put back for the next test."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    apply_theme(instance, Theme.LIGHT)
    apply_zoom(instance, 1.0)


def box_centre(view: CauseDiagram, cause_id: str) -> QPoint:
    item = view.item_for(cause_id)
    assert item is not None
    box = item.box
    return view.mapFromScene(QPointF(box.x + box.width / 2, box.center_y))


def visible_scene_rect(view: CauseDiagram) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect()


def test_every_cause_and_every_link_is_drawn(view: CauseDiagram) -> None:
    postmortem = example()
    view.show_postmortem(postmortem)
    layout = view.tree_layout
    assert layout is not None and len(layout.nodes) == 6
    for cause in postmortem.causes:
        item = view.item_for(cause.id)
        assert item is not None and item.scene() is view.scene()
        assert item.pos() == QPointF(item.box.x, item.box.y)
    links = {(c.parent_id, c.child_id) for c in view.connector_items}
    assert links == {(c.parent_id, c.id) for c in postmortem.causes if c.parent_id}
    assert all(c.scene() is view.scene() for c in view.connector_items)
    assert view.empty_message is None
    assert view.item_for("unknown") is None


def test_labels_say_which_why_and_which_causes_are_systemic(view: CauseDiagram) -> None:
    view.show_postmortem(example())
    assert [_item(view, cid).label_text for cid in ("c1id", "c2id", "c3id")] == [
        "c1 · problem",
        "c2 · why 1",
        "c3 · why 2 · systemic",
    ]
    systemic = {c.id for c in example().causes if _item(view, c.id).systemic}
    assert systemic == {"c3id", "c4id", "c6id"}


def _item(view: CauseDiagram, cause_id: str) -> CauseBox:
    item = view.item_for(cause_id)
    assert item is not None
    return item


def test_a_systemic_cause_without_a_live_action_is_flagged(view: CauseDiagram) -> None:
    view.show_postmortem(example())
    assert _item(view, "c3id").badge_text is None  # an open action
    assert _item(view, "c4id").badge_text == NO_ACTION  # its only action was dropped
    assert _item(view, "c6id").badge_text is None  # a done action still addresses it
    assert _item(view, "c5id").badge_text is None  # not systemic: no action expected yet
    assert _item(view, "c1id").badge_text is None


def test_a_branch_that_stops_short_of_a_systemic_cause_asks_for_more(view: CauseDiagram) -> None:
    view.show_postmortem(example())
    assert _item(view, "c5id").hint_text == KEEP_ASKING
    for cause_id in ("c1id", "c2id", "c3id", "c4id", "c6id"):
        assert _item(view, cause_id).hint_text is None, cause_id


def test_evidence_is_counted(view: CauseDiagram) -> None:
    view.show_postmortem(example())
    assert _item(view, "c2id").evidence_text == "2 events"
    assert _item(view, "c4id").evidence_text == "1 event"
    assert _item(view, "c1id").evidence_text is None
    # The badge and the count sit on the box's top edge, side by side, not on top of each other.
    first, second = _item(view, "c4id").chips
    assert first.text == NO_ACTION and not first.rect.intersects(second.rect)


def test_an_empty_tree_says_how_to_start(view: CauseDiagram) -> None:
    view.show_postmortem(example())
    view.show_postmortem(Postmortem(title="Nothing yet"))
    assert view.empty_message == EMPTY_MESSAGE
    assert view.tree_layout is None and view.item_for("c1id") is None
    assert view.connector_items == ()
    (message,) = view.scene().items()
    assert isinstance(message, QGraphicsSimpleTextItem) and message.text() == EMPTY_MESSAGE
    centre = view.mapFromScene(message.sceneBoundingRect().center())
    middle = view.viewport().rect().center()
    assert abs(centre.x() - middle.x()) <= 2 and abs(centre.y() - middle.y()) <= 2

    # Causes caught in a parent cycle cannot be drawn: the view says there is nothing to show.
    looped = [
        Cause(ref="c1", text="One", parent_id="c2id", id="c1id"),
        Cause(ref="c2", text="Two", parent_id="c1id", id="c2id"),
    ]
    view.show_postmortem(Postmortem(title="Broken", causes=looped))
    assert view.empty_message == EMPTY_MESSAGE and view.tree_layout is None


def test_fit_shows_the_whole_diagram(view: CauseDiagram) -> None:
    view.show_postmortem(big_tree(200))
    scene_rect = view.scene().sceneRect()
    assert not visible_scene_rect(view).contains(scene_rect)
    view.fit()
    assert view.zoom < 1
    assert visible_scene_rect(view).adjusted(-1, -1, 1, 1).contains(scene_rect)
    # Aspect kept: one scale for both directions.
    assert view.transform().m11() == pytest.approx(view.transform().m22())


def test_zoom_steps_and_a_new_showing_keeps_zoom_and_scroll(view: CauseDiagram) -> None:
    postmortem = big_tree(200)
    view.show_postmortem(postmortem)
    assert view.zoom == 1.0
    view.zoom_in()
    assert view.zoom == pytest.approx(1.25)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom == pytest.approx(0.8)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() // 2)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)
    scroll = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    assert scroll[0] > 0 and scroll[1] > 0

    postmortem.causes[5].text = "Edited: " + postmortem.causes[5].text
    view.show_postmortem(postmortem)
    assert view.zoom == pytest.approx(0.8)
    assert view.transform().m11() == pytest.approx(0.8)
    assert (view.horizontalScrollBar().value(), view.verticalScrollBar().value()) == scroll
    view.reset_zoom()
    assert view.zoom == 1.0


def test_ctrl_wheel_zooms_around_the_cursor_and_the_plain_wheel_scrolls(
    view: CauseDiagram,
) -> None:
    view.show_postmortem(big_tree(200))
    view.centerOn(view.scene().sceneRect().center())
    cursor = QPoint(300, 200)

    def wheel(modifiers: Qt.KeyboardModifier) -> None:
        event = QWheelEvent(
            QPointF(cursor),
            view.viewport().mapToGlobal(QPointF(cursor)),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            modifiers,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), event)

    under_cursor = view.mapToScene(cursor)
    wheel(Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(1.25)
    after = view.mapToScene(cursor)
    assert abs(after.x() - under_cursor.x()) <= 2 and abs(after.y() - under_cursor.y()) <= 2

    top = view.verticalScrollBar().value()
    wheel(Qt.KeyboardModifier.NoModifier)
    assert view.zoom == pytest.approx(1.25)
    assert view.verticalScrollBar().value() < top


def test_select_cause_highlights_and_centres_it(view: CauseDiagram) -> None:
    postmortem = big_tree(200)
    view.show_postmortem(postmortem)
    assert view.select_cause("id20")
    item = _item(view, "id20")
    assert item.highlighted and view.selected_cause_id == "id20"
    centre = box_centre(view, "id20")
    middle = view.viewport().rect().center()
    assert abs(centre.x() - middle.x()) <= 2 and abs(centre.y() - middle.y()) <= 2

    assert view.select_cause("id3")
    assert not item.highlighted and _item(view, "id3").highlighted
    view.show_postmortem(postmortem)  # an edit elsewhere: the highlight stays
    assert _item(view, "id3").highlighted and view.selected_cause_id == "id3"
    assert not view.select_cause("missing")
    assert view.selected_cause_id == "id3"


def test_double_click_on_a_box_asks_to_edit_that_cause(qtbot: QtBot, view: CauseDiagram) -> None:
    view.show_postmortem(example())
    with qtbot.waitSignal(view.cause_activated, timeout=1000) as blocker:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box_centre(view, "c5id"))
    assert blocker.args == ["c5id"]
    assert view.selected_cause_id == "c5id"

    c1 = _item(view, "c1id").box
    empty = view.mapFromScene(QPointF(c1.x + c1.width / 2, c1.bottom + 40))
    assert view.box_at(empty) is None
    with qtbot.assertNotEmitted(view.cause_activated):
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=empty)


def test_export_png_renders_the_whole_diagram_on_an_opaque_background(
    view: CauseDiagram, tmp_path: Path
) -> None:
    view.show_postmortem(big_tree(60))
    view.select_cause("id10")
    view.zoom_in()  # neither the zoom nor the scroll position changes the picture
    path = tmp_path / "tree.png"
    view.export_png(path, scale=2.0)
    image = QImage(str(path))
    assert not image.isNull() and not image.hasAlphaChannel()
    scene_rect = view.scene().sceneRect()
    assert image.width() == math.ceil(scene_rect.width() * 2)
    assert image.height() == math.ceil(scene_rect.height() * 2)
    assert image.pixelColor(0, 0) == QColor(COLOURS[Theme.LIGHT].base)
    assert _item(view, "id10").highlighted  # only left out of the picture

    view.export_png(tmp_path / "small.png", scale=0.5)
    small = QImage(str(tmp_path / "small.png"))
    assert small.width() / small.height() == pytest.approx(image.width() / image.height(), 0.02)


def test_export_svg_writes_the_cause_texts_as_text(view: CauseDiagram, tmp_path: Path) -> None:
    view.show_postmortem(example())
    path = tmp_path / "tree.svg"
    view.export_svg(path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Cause tree"
    texts = {"".join(element.itertext()) for element in root.iter(f"{SVG}text")}
    wrapped = _item(view, "c5id").box.lines
    assert " ".join(wrapped) == "Nobody knew for 15 minutes" and set(wrapped) <= texts
    assert "c3 · why 2 · systemic" in texts
    assert NO_ACTION in texts
    scene_rect = view.scene().sceneRect()
    assert (
        root.get("viewBox")
        == f"0 0 {math.ceil(scene_rect.width())} {math.ceil(scene_rect.height())}"
    )


def test_an_export_that_cannot_be_written_says_so(view: CauseDiagram, tmp_path: Path) -> None:
    view.show_postmortem(example())
    with pytest.raises(OSError, match="Could not save the diagram"):
        view.export_png(tmp_path / "missing" / "tree.png")
    with pytest.raises(OSError, match="Could not save the diagram"):
        view.export_svg(tmp_path / "missing" / "tree.svg")


def test_a_theme_or_font_change_redraws_in_the_new_look(
    qtbot: QtBot, view: CauseDiagram, app: QApplication
) -> None:
    view.show_postmortem(example())
    width = _item(view, "c1id").box.width
    apply_theme(app, Theme.DARK)
    dark = QColor(COLOURS[Theme.DARK].base)
    qtbot.waitUntil(lambda: view.scene().backgroundBrush().color() == dark)
    apply_zoom(app, 1.5)
    qtbot.waitUntil(lambda: _item(view, "c1id").box.width > width * 1.3)


def test_a_thousand_causes_build_quickly(view: CauseDiagram) -> None:
    postmortem = big_tree(1000)
    start = time.perf_counter()
    view.show_postmortem(postmortem)
    elapsed = time.perf_counter() - start
    assert len(view.connector_items) == 999 and view.item_for("id999") is not None
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    view.fit()
    view.viewport().repaint()  # the far-out overview paints too
