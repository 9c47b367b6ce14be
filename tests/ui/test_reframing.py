"""The questions that reframe a blaming cause, where the scribe and the room read them: the cause
pane and the tree's tooltip, and in the meeting the stage's five whys and the controls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.meeting import Step
from pmdesk.domain.model import Postmortem
from pmdesk.services import postmortems
from pmdesk.ui.causes.detail import CauseDetail
from pmdesk.ui.causes.reframing import ReframingCard, accent
from pmdesk.ui.causes.tree import CauseTreeView
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.meeting.mode import MeetingMode
from pmdesk.ui.themes import COLOURS, Theme
from tests.ui.conftest import show_active

BLAMING = "If the on-call had checked the canary, the push would have stopped"
QUESTIONS = [
    "What made checking the canary hard to see or do at the time?",
    "What did the people involved know at that moment, and what else needed them?",
]
BLAMELESS = "The canary stage did not stop the push on errors"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def fixture_file(fixture_file: Path) -> Path:
    """The example, with c4 written as a room might say it first: hindsight about the on-call."""
    document = json.loads(fixture_file.read_text(encoding="utf-8"))
    (c4,) = [c for c in document["postmortem"]["causes"] if c["id"] == "c4"]
    c4["text"] = BLAMING
    fixture_file.write_text(json.dumps(document), encoding="utf-8")
    return fixture_file


def stored(window: MainWindow) -> Postmortem:
    assert window.editor.postmortem is not None
    return postmortems.get_postmortem(window.library, window.editor.postmortem.id)


def cause_id(window: MainWindow, ref: str) -> str:
    return next(c.id for c in stored(window).causes if c.ref == ref)


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(widget, key, modifier)
    QApplication.processEvents()


def arrow_to(tree: CauseTreeView, target: str) -> None:
    """Down (or Up) the outline, a key at a time, until the cause `target` is selected."""
    ids = [tree.current_id()]
    for _ in range(30):
        if tree.current_id() == target:
            return
        press(tree, Qt.Key.Key_Down)
        ids.append(tree.current_id())
    raise AssertionError(f"{target} not reached by Down: {ids}")


def edit_in_place(tree: CauseTreeView, text: str) -> None:
    """F2 on the selected cause, the whole text typed over, Enter."""
    press(tree, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not tree
    press(editor, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(editor, text)
    press(editor, Qt.Key.Key_Return)


def shown(card: ReframingCard, pane: QWidget) -> bool:
    return card.isVisibleTo(pane)


def unsqueezed(labels: list[QLabel]) -> None:
    """Every label as tall as its words need at its width: nothing clipped."""
    for label in labels:
        assert label.height() >= label.heightForWidth(label.width()), label.text()


def card_labels(card: ReframingCard) -> list[QLabel]:
    labels = [card.kind, card.finding, card.ask, card.suggestion]
    return [*labels, *(label for label in card.questions if label.isVisibleTo(card))]


def questions_in_view(detail: CauseDetail) -> bool:
    """The card's questions inside the pane's visible part (it scrolls in large type)."""
    viewport = detail.scroller.viewport()
    for label in detail.reframing.questions:
        if not label.isVisible():
            continue
        top = label.mapTo(viewport, QPoint(0, 0)).y()
        if top < 0 or top + label.height() > viewport.height():
            return False
    return True


def test_the_cause_pane_asks_the_room_about_a_blaming_cause(
    qtbot: QtBot, opened: MainWindow
) -> None:
    press(opened, Qt.Key.Key_4, CTRL)  # the Causes tab, the keyboard on the tree
    causes = opened.editor.causes
    tree, detail = causes.tree, causes.detail
    card = detail.reframing
    assert tree.hasFocus()
    c4 = cause_id(opened, "c4")
    arrow_to(tree, c4)

    assert shown(card, detail)
    assert card.kind.text() == "Hindsight about a person"
    assert card.finding.text() == "“If the on-call had checked” puts the failure on a person."
    assert card.ask.text() == "Ask the room:"
    assert card.shown_questions() == QUESTIONS
    assert card.suggestion.text().startswith("Hindsight judges people")
    # The questions are read, not skimmed: the pane's own size, not a hint's.
    question_size = QFontInfo(card.questions[0].font()).pointSizeF()
    assert question_size == pytest.approx(QFontInfo(detail.text.font()).pointSizeF())
    assert QFontInfo(card.suggestion.font()).pointSizeF() < question_size
    unsqueezed(card_labels(card))
    # The row's tooltip asks them too.
    item = tree.item_for(c4)
    assert item is not None
    tip = item.toolTip(0)
    assert "Ask the room:" in tip and all(question in tip for question in QUESTIONS)
    # Reword still selects the blaming words.
    card.reword.click()
    assert detail.text.textCursor().selectedText() == "If the on-call had checked"

    # A cause that blames no one has no card, and its tooltip no questions.
    tree.setFocus()
    press(tree, Qt.Key.Key_Up)  # a1, the action under c3: the pane shows c3
    assert tree.current_id() == cause_id(opened, "c3")
    assert not shown(card, detail)
    c3_item = tree.item_for(cause_id(opened, "c3"))
    assert c3_item is not None and "Ask the room" not in c3_item.toolTip(0)

    # Put blamelessly, the card goes; Ctrl+Z brings the words and their questions back.
    arrow_to(tree, c4)
    edit_in_place(tree, BLAMELESS)
    assert next(c for c in stored(opened).causes if c.id == c4).text == BLAMELESS
    assert tree.current_id() == c4 and not shown(card, detail)
    press(tree, Qt.Key.Key_Z, CTRL)
    assert shown(card, detail) and card.shown_questions() == QUESTIONS


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_the_card_is_drawn_in_the_themes_colours_and_scrolls_at_a_large_zoom(
    qtbot: QtBot, opened: MainWindow, theme: Theme
) -> None:
    opened.set_theme(theme)
    press(opened, Qt.Key.Key_4, CTRL)
    causes = opened.editor.causes
    arrow_to(causes.tree, cause_id(opened, "c4"))
    card = causes.detail.reframing
    image = card.grab().toImage()
    colours = COLOURS[theme]
    middle = image.height() // 2
    assert image.pixelColor(2, middle) == QColor(accent(colours))  # the calm edge, not red
    assert image.pixelColor(image.width() - 4, middle) == QColor(colours.base)
    assert QColor(accent(colours)) != QColor(colours.error)
    for label in card_labels(card):  # the theme's text colours, none of them the error's
        assert label.palette().color(label.foregroundRole()) != QColor(colours.error)

    # Twice the type: the pane scrolls rather than squeeze the card's words.
    opened.set_zoom(2.0)
    causes.tree.setFocus()
    press(causes.tree, Qt.Key.Key_Up)
    arrow_to(causes.tree, cause_id(opened, "c4"))
    unsqueezed(card_labels(card))
    qtbot.waitUntil(lambda: questions_in_view(causes.detail))
    # A key that puts the keyboard lower in the pane scrolls it there.
    press(causes.tree, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    line = causes.detail.new_action
    assert line.hasFocus()
    viewport = causes.detail.scroller.viewport()
    bottom = line.mapTo(viewport, QPoint(0, line.height())).y()
    assert line.mapTo(viewport, QPoint(0, 0)).y() >= 0 and bottom <= viewport.height()


@pytest.fixture
def presenting(qtbot: QtBot, opened: MainWindow) -> Iterator[MeetingMode]:
    press(opened, Qt.Key.Key_F5)  # View ▸ Meeting mode
    mode = opened.meeting
    assert mode is not None
    show_active(qtbot, mode.stage)
    yield mode
    if opened.meeting is not None:
        opened.meeting.leave()


def test_the_stage_and_the_controls_ask_the_room_about_the_cause_on_stage(
    qtbot: QtBot, opened: MainWindow, presenting: MeetingMode
) -> None:
    stage, controls = presenting.stage, presenting.controls
    tree, detail = presenting.causes.tree, presenting.causes.detail
    card = detail.reframing
    press(stage, Qt.Key.Key_4)
    assert presenting.step is Step.FIVE_WHYS
    assert not controls.reframing.isVisibleTo(controls)  # no cause on stage yet
    press(stage, Qt.Key.Key_Tab)  # into the five whys: the tree, on its first cause
    assert tree.hasFocus()
    c4 = cause_id(opened, "c4")
    arrow_to(tree, c4)

    assert shown(card, detail) and card.shown_questions() == QUESTIONS
    for label in (card.ask, *card.questions):  # read across the room
        assert QFontInfo(label.font()).pointSizeF() >= 20, label.text()
    unsqueezed(card_labels(card))
    qtbot.waitUntil(lambda: questions_in_view(detail))
    # The facilitator's notes name the cause and the same questions (F2: the controls, beside
    # the stage on one screen).
    press(stage, Qt.Key.Key_F2)
    assert controls.isVisible()
    notes = controls.reframing
    assert notes.isVisibleTo(controls)
    assert notes.text().startswith("c4: “If the on-call had checked” is hindsight about a person.")
    assert all(f"•  {question}" in notes.text() for question in QUESTIONS)
    unsqueezed([controls.guide, notes])

    # Another step: the notes are that step's; back at the five whys, the questions again.
    press(stage, Qt.Key.Key_5, CTRL)
    assert not notes.isVisibleTo(controls)
    press(stage, Qt.Key.Key_4, CTRL)
    assert notes.isVisibleTo(controls) and shown(card, detail)

    # A cause that blames no one: no card, no questions in the notes.
    tree.setFocus()
    press(tree, Qt.Key.Key_Up)
    assert tree.current_id() == cause_id(opened, "c3")
    assert not shown(card, detail) and not notes.isVisibleTo(controls)

    # Reworded in the pane on the stage (F2 is the controls' key there), the questions go from
    # both once the field is left with Escape.
    arrow_to(tree, c4)
    assert notes.isVisibleTo(controls)
    detail.scroller.ensureWidgetVisible(detail.text)  # the wheel, up from the questions
    QTest.mouseClick(detail.text.viewport(), Qt.MouseButton.LeftButton)
    assert detail.text.hasFocus()
    press(detail.text, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(detail.text, BLAMELESS)
    press(detail.text, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is stage
    assert next(c for c in stored(opened).causes if c.id == c4).text == BLAMELESS
    assert tree.current_id() == c4
    assert not shown(card, detail) and not notes.isVisibleTo(controls)
