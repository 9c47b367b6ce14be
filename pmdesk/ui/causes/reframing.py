"""The reframing card: where a cause puts the failure on a person, the questions to ask instead.

A red sentence tells the writer the words are wrong, but not what the room should find out. The
card names the kind of blame, then the one or two questions its class asks ("What made checking
the canary hard to see or do at the time?"), each on a line of its own at the pane's text size,
so a facilitator can read them out; the blameless rewording stays, smaller, under them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pmdesk.domain.blame import BlameHit
from pmdesk.ui.themes import Colours, current_colours
from pmdesk.ui.widgets import emphasise, heading, muted

ASK = "Ask the room:"


def finding_text(hit: BlameHit) -> str:
    return f"“{hit.phrase}” puts the failure on a person."


def questions_text(hit: BlameHit, bullet: str = "") -> str:
    """The questions one to a line, as a tooltip or a plain label shows them."""
    return "\n".join(f"{bullet}{question}" for question in hit.questions)


def accent(colours: Colours) -> str:
    """The card's edge: the warning colour, calmer than the error's red; in high contrast, where
    the warning is the highlight's yellow (which means "selected"), the text's colour."""
    return colours.text if colours.warning == colours.highlight else colours.warning


def _plain(label: QLabel) -> QLabel:
    # The phrase and the deed in the questions are the user's words: never read as markup.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class ReframingCard(QFrame):
    """A calm block beside a blaming cause: its kind, that it puts the failure on a person, the
    questions to ask the room, and how to say it blamelessly, with Reword to type over it."""

    reword_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reframing questions")
        self.kind = _plain(heading(""))
        self.reword = QPushButton("Reword")
        self.reword.setToolTip("Select the blaming words in the text, to type a blameless version")
        self.reword.clicked.connect(self.reword_requested)
        self.finding = _plain(QLabel(""))
        self.ask = heading(ASK)
        self.questions: list[QLabel] = []
        self._questions = QVBoxLayout()
        self._questions.setSpacing(4)
        self.suggestion = _plain(muted(""))
        emphasise(self.suggestion, 0.9, bold=False)

        top = QHBoxLayout()
        top.addWidget(self.kind, 1)
        top.addWidget(self.reword, 0, Qt.AlignmentFlag.AlignTop)
        self._layout = layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.finding)
        layout.addWidget(self.ask)
        layout.addLayout(self._questions)
        layout.addWidget(self.suggestion)
        self._fit_spacing()

    def show_hit(self, hit: BlameHit) -> None:
        self.kind.setText(hit.kind.label)
        self.finding.setText(finding_text(hit))
        while len(self.questions) < len(hit.questions):
            self.questions.append(self._add_question())
        for label, question in zip(self.questions, hit.questions, strict=False):
            label.setText(question)
        for index, label in enumerate(self.questions):
            row = label.parentWidget()
            if row is not None:
                row.setVisible(index < len(hit.questions))
        self.ask.setVisible(bool(hit.questions))
        self.suggestion.setText(hit.suggestion)
        self.suggestion.setVisible(bool(hit.suggestion))

    def _add_question(self) -> QLabel:
        # A bullet hanging beside the question, so that two questions that wrap still read as two.
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        bullet = QLabel("•")
        layout.addWidget(bullet, 0, Qt.AlignmentFlag.AlignTop)
        label = _plain(QLabel(""))
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        self._questions.addWidget(row)
        return label

    def shown_questions(self) -> list[str]:
        return [label.text() for label in self.questions if label.isVisibleTo(self)]

    def questions_end(self) -> int:
        """How far down the card its last question ends (with a margin): what must be in view."""
        shown = [label for label in self.questions if label.isVisibleTo(self)]
        last = shown[-1] if shown else self.finding
        return last.mapTo(self, QPoint(0, last.height())).y() + self._layout.spacing()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_spacing()

    def _fit_spacing(self) -> None:
        # Room inside the edge that grows with the text, so the card stays a card on the stage.
        unit = self.fontMetrics().height()
        edge = max(4, round(unit * 0.3))
        self._layout.setContentsMargins(edge * 2 + 4, edge * 2, edge * 2, edge * 2)
        self._layout.setSpacing(edge)
        self._questions.setContentsMargins(edge * 2, 0, 0, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = current_colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        high_contrast = colours.button == colours.window
        width = 2.0 if high_contrast else 1.0
        box = QRectF(self.rect()).adjusted(width / 2, width / 2, -width / 2, -width / 2)
        painter.setPen(QPen(QColor(colours.text if high_contrast else colours.button), width))
        painter.setBrush(QColor(colours.base))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(accent(colours)))
        painter.drawRoundedRect(QRectF(box.x(), box.y(), 5, box.height()), 2.5, 2.5)
        painter.end()
