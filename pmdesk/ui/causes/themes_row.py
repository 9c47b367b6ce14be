"""A systemic cause's contributing-factor themes in the cause pane: the ones it carries, as chips
that Delete takes off, the ones its words suggest, each with those words, and any other theme of
the library's vocabulary from a list.

A suggestion is drawn as one (dashed, muted) until it is accepted: it is the pane's guess, not
the room's finding. The row only says what was asked; the section stores it as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from pmdesk.domain.model import Cause
from pmdesk.domain.theme_suggestion import ThemeSuggestion, suggest_themes
from pmdesk.domain.themes import Theme, theme_key
from pmdesk.ui.themes import current_colours
from pmdesk.ui.widgets import heading, muted

ACCEPT_KEY = "Ctrl+Shift+T"
SUGGESTIONS = 2  # more than two guesses is a list to read, not a hint
REMOVE_MARK = "\u2715"  # ✕


class ThemeChip(QPushButton):
    """One theme as a rounded label: solid when the cause carries it (a click or Delete takes it
    off), dashed and muted when it is only suggested (a click accepts it)."""

    removed = Signal(str)

    def __init__(self, theme: str, *, suggested: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.suggested = suggested
        self.setText(f"+ {theme}" if suggested else f"{theme}  {REMOVE_MARK}")
        self.setAccessibleName(
            f"Accept suggested theme {theme}" if suggested else f"Remove theme {theme}"
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _padding(self) -> tuple[int, int]:
        unit = self.fontMetrics().height()
        return max(6, round(unit * 0.6)), max(2, round(unit * 0.2))

    def sizeHint(self) -> QSize:
        across, down = self._padding()
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self.text()) + 2 * across + 2
        return QSize(width, metrics.height() + 2 * down)

    def minimumSizeHint(self) -> QSize:
        # Narrow pane, large type: the name is elided rather than pushed out of the pane.
        hint = self.sizeHint()
        return QSize(min(hint.width(), 6 * self.fontMetrics().averageCharWidth()), hint.height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # the zoom, or the stage's type: as wide as the name needs

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.suggested and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.removed.emit(self.theme)
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = current_colours()
        high_contrast = colours.button == colours.window
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        focused = self.hasFocus()
        width = 2.0 if high_contrast or focused else 1.0
        box = QRectF(self.rect()).adjusted(width / 2, width / 2, -width / 2, -width / 2)
        if focused:
            edge = colours.highlight
        elif self.suggested or high_contrast:
            edge = colours.muted if self.suggested else colours.text
        else:
            edge = colours.muted
        pen = QPen(QColor(edge), width)
        if self.suggested:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush if self.suggested else QColor(colours.base))
        radius = box.height() / 2
        painter.drawRoundedRect(box, radius, radius)
        across, _ = self._padding()
        text_box = self.rect().adjusted(across, 0, -across, 0)
        painter.setPen(QColor(colours.muted if self.suggested else colours.text))
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, text_box.width()
        )
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(text_box, align, shown)
        painter.end()


class _PickList(QComboBox):
    """A list that only picks from its popup: on a closed combo an arrow key would give the
    cause each theme it passes, one undo step each."""

    _MOVES = frozenset(
        {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
        | {Qt.Key.Key_Home, Qt.Key.Key_End}
    )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in self._MOVES:
            self.showPopup()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the pane scrolls; the wheel gives no theme in passing


class ThemesRow(QWidget):
    """The "Themes" part of the cause pane, for one systemic cause."""

    theme_added = Signal(str)
    theme_removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Themes")
        # Where the library's vocabulary is read (the section hands in the library's). It is
        # read once and kept (a cause is shown at every step through the tree), until
        # `forget_vocabulary`, the pane is hidden, or a cause names a theme it does not have.
        self.vocabulary: Callable[[], Sequence[Theme]] = lambda: ()
        self._known: list[Theme] | None = None
        self.suggestions: tuple[ThemeSuggestion, ...] = ()
        self.chips: list[ThemeChip] = []
        self.suggested: list[ThemeChip] = []
        self.reasons: list[QLabel] = []

        self.title = heading("Themes")
        self.none = muted("No theme yet: which condition of the system is this an instance of?")
        self._carried = QVBoxLayout()
        self._carried.setSpacing(4)
        self._suggestions = QVBoxLayout()
        self._suggestions.setSpacing(2)
        self.add = _PickList()
        self.add.setAccessibleName("Add a theme")
        self.add.setToolTip("Give this cause another of the library's themes")
        self.add.activated.connect(self._picked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.none)
        layout.addLayout(self._carried)
        layout.addLayout(self._suggestions)
        layout.addWidget(self.add)

    def forget_vocabulary(self) -> None:
        """Read the vocabulary again the next time a cause is shown: it has changed."""
        self._known = None

    def known_vocabulary(self) -> list[Theme]:
        if self._known is None:
            self._known = list(self.vocabulary())
        return self._known

    def hideEvent(self, event: QHideEvent) -> None:
        # Hidden with the pane (another section, no postmortem, another library): read afresh
        # when next shown. Hidden for a cause that is not systemic, the row keeps what it read.
        if not self.isHidden():
            self.forget_vocabulary()
        super().hideEvent(event)

    def show_cause(self, cause: Cause) -> None:
        carried = {theme_key(name) for name in cause.themes}
        if not carried <= {theme_key(theme.name) for theme in self.known_vocabulary()}:
            self.forget_vocabulary()  # a theme typed on a cause, here or elsewhere, is new
        vocabulary = self.known_vocabulary()
        self.suggestions = tuple(
            s
            for s in suggest_themes(cause.text, vocabulary, limit=SUGGESTIONS + len(carried))
            if theme_key(s.theme) not in carried
        )[:SUGGESTIONS]

        _clear(self._carried)
        self.chips = []
        for name in cause.themes:
            chip = ThemeChip(name, suggested=False)
            chip.setToolTip("Remove this theme (Delete)")
            chip.clicked.connect(lambda _=False, n=name: self.theme_removed.emit(n))
            chip.removed.connect(self._removed_by_key)
            self._carried.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
            self.chips.append(chip)
        self.none.setVisible(not cause.themes and not self.suggestions)

        _clear(self._suggestions)
        self.suggested, self.reasons = [], []
        for index, suggestion in enumerate(self.suggestions):
            key = f" · {ACCEPT_KEY} accepts" if index == 0 else ""
            chip = ThemeChip(suggestion.theme, suggested=True)
            chip.setToolTip(f"Suggested: give this cause the theme {suggestion.theme}{key}")
            chip.clicked.connect(lambda _=False, n=suggestion.theme: self.theme_added.emit(n))
            reason = muted(f"{suggestion.reason}{key}")
            reason.setTextFormat(Qt.TextFormat.PlainText)  # the cause's own words
            self._suggestions.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
            self._suggestions.addWidget(reason)
            self.suggested.append(chip)
            self.reasons.append(reason)

        self.add.clear()
        self.add.addItem("Add a theme…", None)
        for theme in vocabulary:
            if theme_key(theme.name) not in carried:
                self.add.addItem(theme.name, theme.name)
                if theme.description:
                    self.add.setItemData(
                        self.add.count() - 1, theme.description, Qt.ItemDataRole.ToolTipRole
                    )
        self.add.setEnabled(self.add.count() > 1)

    def _removed_by_key(self, name: str) -> None:
        index = next((i for i, chip in enumerate(self.chips) if chip.theme == name), 0)
        self.theme_removed.emit(name)  # stored and shown again by the time this returns
        # The keyboard stays in the row, on the chip that took that place, for the next Delete.
        if self.isVisible():
            if self.chips:
                self.chips[min(index, len(self.chips) - 1)].setFocus()
            else:
                self.add.setFocus()

    def first_suggestion(self) -> str | None:
        return self.suggestions[0].theme if self.suggestions else None

    def _picked(self, index: int) -> None:
        name = self.add.itemData(index)
        self.add.setCurrentIndex(0)
        if isinstance(name, str):
            self.theme_added.emit(name)


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
