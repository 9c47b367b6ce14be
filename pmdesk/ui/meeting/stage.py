"""The meeting's stage: one agenda step at a time, in type readable from the back of the room.

The stage is a window of its own, so it can fill a projector while the controls stay on the
laptop. It only shows and asks: every key it handles becomes a signal the meeting mode acts on.
Keys that move between steps work whenever no editor has focus; the Ctrl forms work always.
Up and Down scroll a step whose page is taller than the stage (the ground rules or the wrap-up in
large type on a small screen).
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.meeting import Step, Timebox, countdown_text
from pmdesk.ui.themes import StageFonts, current_colours
from pmdesk.ui.widgets import emphasise, muted, tint

STEPS = list(Step)
# Twice the window's text size: 22 pt at the default zoom, readable across a meeting room.
STAGE_SCALE = 2.0

NEXT_KEYS = {Qt.Key.Key_PageDown, Qt.Key.Key_Right}
PREVIOUS_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left}
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{step.number}"): step for step in Step}


def facilitator_hint(label: QLabel) -> None:
    """A hint for the facilitator, not for the room: smaller than the stage's text."""
    emphasise(label, 0.6, bold=False)


class AgendaStrip(QWidget):
    """The agenda as a bar: one segment per step, as wide as its timebox, the current one lit and
    filling as its time goes; steps that ran over are edged in the warning colour."""

    step_clicked = Signal(object)  # Step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._agenda: list[Timebox] = []
        self._current = Step.GROUND_RULES
        self._elapsed: dict[Step, float] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Agenda")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_state(self, agenda: list[Timebox], current: Step, elapsed: dict[Step, float]) -> None:
        self._agenda, self._current, self._elapsed = agenda, current, elapsed
        self.setToolTip(
            "\n".join(f"{box.step.number}. {box.step.label}: {box.minutes} min" for box in agenda)
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, round(self.fontMetrics().height() * 1.3))

    def _segments(self) -> list[tuple[Step, QRectF]]:
        total = sum(box.minutes for box in self._agenda) or 1
        gap = 4.0
        width = self.width() - gap * (len(self._agenda) - 1)
        x, segments = 0.0, []
        for box in self._agenda:
            w = width * box.minutes / total
            segments.append((box.step, QRectF(x, 0, w, self.height())))
            x += w + gap
        return segments

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = current_colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        minutes = {box.step: box.minutes for box in self._agenda}
        for step, rect in self._segments():
            current = step is self._current
            spent = self._elapsed.get(step, 0.0)
            over = spent > minutes[step] * 60
            base = QColor(colours.button)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(base)
            painter.drawRoundedRect(rect, 4, 4)
            if spent > 0:
                share = min(1.0, spent / (minutes[step] * 60))
                fill = QRectF(rect.x(), rect.y(), rect.width() * share, rect.height())
                done = QColor(colours.highlight if current else colours.muted)
                done.setAlpha(255 if current else 110)
                painter.setBrush(done)
                painter.drawRoundedRect(fill, 4, 4)
            # Where the segments' fill does not stand out (high contrast), each gets an edge.
            plain_edge = colours.text if colours.button == colours.window else None
            edge = colours.warning if over else (colours.highlight if current else plain_edge)
            if edge is not None:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor(edge), 3 if current else 1.5))
                painter.drawRoundedRect(rect.adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)
            painter.setPen(QColor(colours.text))
            font = painter.font()
            font.setBold(current)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(step.number))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for step, rect in self._segments():
            if rect.contains(event.position()):
                self.step_clicked.emit(step)
                return
        super().mousePressEvent(event)


class StepStack(QStackedWidget):
    """The steps' pages, one shown at a time, asking for the room of the page shown only: a
    wide page of another step never makes the stage wider than its screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class CaptureBar(QFrame):
    """One line at the foot of the stage for a parked point or a decision: typed, Return, gone,
    and the step never left."""

    captured = Signal(str, str)  # what ("park" or "decide"), text
    closed = Signal()

    PROMPTS: ClassVar[dict[str, tuple[str, str]]] = {
        "park": ("Park a point", "An off-topic point, for the wrap-up"),
        "decide": ("Decision", "What the room decided"),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.what = "park"
        self.label = emphasise(QLabel(""))
        self.line = QLineEdit()
        self.line.setClearButtonEnabled(True)
        self.line.returnPressed.connect(self._submit)
        self.line.installEventFilter(self)
        self.hint = muted("Return to keep · Esc to cancel")
        self.hint.setWordWrap(False)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.hint)
        self.hide()

    def open(self, what: str) -> None:
        self.what = what
        label, placeholder = self.PROMPTS[what]
        self.label.setText(f"{label}:")
        self.line.setAccessibleName(label)
        self.line.setPlaceholderText(placeholder)
        self.line.clear()
        self.show()
        self.line.setFocus()

    def _submit(self) -> None:
        text = self.line.text().strip()
        if text:
            self.captured.emit(self.what, text)
        self.close_bar()

    def close_bar(self) -> None:
        self.line.clear()
        self.hide()
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.line
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
        ):
            self.close_bar()
            return True
        return super().eventFilter(watched, event)


class MeetingStage(QWidget):
    """The presentation window: a header with the step and its countdown, the step's page, a
    capture line, and a footer that names the keys."""

    next_requested = Signal()
    previous_requested = Signal()
    step_requested = Signal(object)  # Step
    timer_toggled = Signal()
    leave_requested = Signal()

    def __init__(self, pages: dict[Step, QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("pmdesk meeting")
        # Widgets made on the stage later (cell editors, say) are polished at the stage's size.
        self._fonts = StageFonts(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._fonts)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pages = pages

        self.step_title = emphasise(QLabel(""), 1.3)
        self.step_title.setAccessibleName("Agenda step")
        self.countdown = emphasise(QLabel(""), 1.3)
        self.countdown.setAccessibleName("Time left in this step")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.strip = AgendaStrip()
        self.strip.step_clicked.connect(self.step_requested)
        top = QHBoxLayout()
        top.addWidget(self.step_title, 1)
        top.addWidget(self.countdown)

        self.stack = StepStack()
        for page in pages.values():
            self.stack.addWidget(page)

        self.capture = CaptureBar()
        self.capture.closed.connect(self._capture_closed)
        self.notice = muted("")
        self.notice.setWordWrap(False)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(4000)
        self._notice_timer.timeout.connect(lambda: self.notice.setText(""))
        self.keys = muted(
            "PgDn / PgUp: next, back · 1 to 7: go to step · T: timer · Ctrl+L: park a point · "
            "Ctrl+Shift+D: decision · Esc: leave an editor · F5: end presenting"
        )
        self.keys.setWordWrap(True)
        facilitator_hint(self.keys)
        facilitator_hint(self.notice)

        self.body = QVBoxLayout()
        self.body.addLayout(top)
        self.body.addWidget(self.strip)
        self.body.addWidget(self.stack, 1)
        self.body.addWidget(self.capture)
        foot = QHBoxLayout()
        foot.addWidget(self.notice)
        foot.addStretch(1)
        self.body.addLayout(foot)
        self.body.addWidget(self.keys)
        # The controls sit beside the stage when there is no second screen for them.
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(18, 12, 18, 12)
        self.row.addLayout(self.body, 1)
        self._return_focus: QWidget | None = None

    def show_step(self, step: Step) -> None:
        self.stack.setCurrentWidget(self.pages[step])
        self.step_title.setText(f"{step.number}  {step.label}")

    def show_time(self, remaining: float, running: bool) -> None:
        colours = current_colours()
        text = countdown_text(remaining)
        if remaining <= -1:
            # Over time: said plainly, in the warning colour, no flashing and no sound.
            self.countdown.setText(f"{text} over")
            colour = colours.warning
        else:
            self.countdown.setText(text if running else f"{text}  paused")
            colour = colours.text if running else colours.muted
        tint(self.countdown, colour)

    def say(self, text: str) -> None:
        """A short confirmation at the foot of the stage, gone after a few seconds."""
        self.notice.setText(text)
        self._notice_timer.start()

    def open_capture(self, what: str) -> None:
        focus = self.focusWidget()
        self._return_focus = focus if focus is not self.capture.line else None
        self.capture.open(what)

    def _capture_closed(self) -> None:
        target = self._return_focus
        self._return_focus = None
        (target if target is not None and target.isVisible() else self).setFocus()

    def _scrolled(self, key: Qt.Key) -> bool:
        """Scroll the step's page two lines up or down, if it is taller than the stage."""
        page = self.stack.currentWidget()
        for area in page.findChildren(QScrollArea) if page is not None else []:
            bar = area.verticalScrollBar()
            if bar.maximum() > 0 and area.isVisible():
                lines = 2 * area.fontMetrics().lineSpacing()
                bar.setValue(bar.value() + (lines if key == Qt.Key.Key_Down else -lines))
                return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed by the window manager (Alt+F4, say): the meeting ends the same way as with F5.
        self.leave_requested.emit()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys no editor took: a focused table or text field keeps its own keys, so the steps
        move only when the facilitator is not typing."""
        key = Qt.Key(event.key())
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and key in NEXT_KEYS:
            self.next_requested.emit()
        elif plain and key in PREVIOUS_KEYS:
            self.previous_requested.emit()
        elif plain and key in DIGIT_KEYS:
            self.step_requested.emit(DIGIT_KEYS[key])
        elif plain and key in (Qt.Key.Key_T, Qt.Key.Key_Space):
            self.timer_toggled.emit()
        elif plain and key == Qt.Key.Key_Escape:
            self.setFocus()  # out of whatever had focus, so the keys above work again
        elif plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self._scrolled(key):
            pass
        else:
            super().keyPressEvent(event)
            return
        event.accept()
