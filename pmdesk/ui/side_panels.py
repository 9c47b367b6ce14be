"""The window's side panels: the splitter that shares the width out, and the strip a collapsed
panel leaves along the window's edge.

In a module of their own, with few of Qt's classes, because the window's frame uses them before
its first paint (see MainWindow): PySide makes each Qt class it is asked for, with all its enums,
the first time it is named, and the other shared widgets name many.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QAbstractButton, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

# What the Similar panel says with no postmortem open; also its place's, before it is made.
SIMILAR_NOTHING_OPEN = "Open a postmortem to see similar past incidents."


class PanelNote(QWidget):
    """A side panel's place before the panel is made: a quiet line of what it will show (or,
    `centred` lower down, what is happening: the library opening)."""

    def __init__(self, text: str, *, centred: bool = False) -> None:
        super().__init__()
        self.label = QLabel(text)
        self.label.setProperty("role", "muted")
        self.label.setWordWrap(True)
        across = Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
        self.label.setAlignment(across | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        if centred:
            layout.setContentsMargins(12, 24, 12, 12)
        layout.addWidget(self.label)
        layout.addStretch(1)


class ShareSplitter(QSplitter):
    """A splitter that divides its length by shares at every size: when it is first shown, when
    it is resized (the window, a panel beside it collapsing or coming back) and when the zoom
    changes the size of the text. Dragging a handle sets new shares, kept from then on.

    A pane may be held to a least and a most length (`narrowest`, `widest`), in average
    character widths of the splitter's text, so that it keeps room for its words at every zoom
    and a wide window does not make a pane of short lines wider still. What a held pane does not
    take goes to the first pane with no limits. Once the user has dragged a handle, the `widest`
    limits give way to the user's shares.
    """

    def __init__(
        self,
        shares: Sequence[float],
        parent: QWidget | None = None,
        *,
        narrowest: Sequence[float | None] = (),
        widest: Sequence[float | None] = (),
    ) -> None:
        super().__init__(parent)
        self._shares = list(shares)
        self._narrowest = list(narrowest)
        self._widest = list(widest)
        self._dragged = False
        self._fitting = False
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._dragged_to)

    def shares(self) -> list[float]:
        return list(self._shares)

    def fit(self) -> None:
        """Divide the splitter's length among its shown panes by their shares and limits."""
        shown = [i for i in range(self.count()) if self._shown(i)]
        length = self.width() if self.orientation() == Qt.Orientation.Horizontal else self.height()
        if not shown or length <= 0 or self._fitting:
            return
        room = length - self.handleWidth() * (len(shown) - 1)
        char = max(1, QFontMetrics(self.font()).averageCharWidth())
        total = sum(self._share(i) for i in shown) or 1.0
        sizes = dict.fromkeys(range(self.count()), 0)
        free = next((i for i in shown if not self._limited(i)), shown[0])
        for i in shown:
            size = room * self._share(i) / total
            widest = self._limit(self._widest, i)
            if widest is not None and not self._dragged:
                size = min(size, widest * char)
            narrowest = self._limit(self._narrowest, i)
            if narrowest is not None:
                size = max(size, narrowest * char)
            sizes[i] = round(size)
        sizes[free] = max(0, room - sum(size for i, size in sizes.items() if i != free))
        self._fitting = True
        try:
            self.setSizes([sizes[i] for i in range(self.count())])
        finally:
            self._fitting = False

    def _shown(self, index: int) -> bool:
        pane = self.widget(index)
        return pane is not None and not pane.isHidden()

    def _share(self, index: int) -> float:
        return self._shares[index] if index < len(self._shares) else 0.0

    @staticmethod
    def _limit(limits: list[float | None], index: int) -> float | None:
        return limits[index] if index < len(limits) else None

    def _limited(self, index: int) -> bool:
        return (
            self._limit(self._narrowest, index) is not None
            or self._limit(self._widest, index) is not None
        )

    def _dragged_to(self, _position: int, _index: int) -> None:
        sizes = self.sizes()
        total = sum(sizes)
        if total > 0:
            shown = [self._shown(i) for i in range(self.count())]
            # A hidden pane keeps its share, for when it comes back.
            self._shares = [
                size / total if visible else self._share(i)
                for i, (size, visible) in enumerate(zip(sizes, shown, strict=True))
            ]
            self._dragged = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # A pane shown or hidden, or a new text size (the zoom): divide again, once the
        # splitter has laid its panes out its own way.
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.FontChange):
            self.fit()
        return handled


class SideStrip(QAbstractButton):
    """A side panel collapsed to a narrow strip along the window's edge: the panel's name runs
    along it, under what the panel has to say at a glance (`set_badges`: a mark and a count); a
    click brings the panel back."""

    PAD = 6

    def __init__(self, text: str, edge: Qt.Edge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.edge = edge
        self.badges: list[tuple[QIcon | None, str]] = []
        self.summary = ""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its keys bring the panel back
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def set_badges(self, badges: list[tuple[QIcon | None, str]]) -> None:
        self.badges = badges
        self.updateGeometry()
        self.update()

    def _line(self) -> int:
        return QFontMetrics(self.font()).height()

    def sizeHint(self) -> QSize:
        line = self._line()
        length = QFontMetrics(self.font()).horizontalAdvance(self.text())
        badges = len(self.badges) * (2 * line + self.PAD)
        return QSize(line + 2 * self.PAD, badges + length + 3 * self.PAD)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._line() + 2 * self.PAD, self._line())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Button))
        if self.underMouse():
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlpha(40)
            painter.fillRect(self.rect(), hover)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        inner = 0 if self.edge is Qt.Edge.RightEdge else self.width() - 1
        painter.drawLine(inner, 0, inner, self.height())
        line = self._line()
        top = self.PAD
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
        for icon, count in self.badges:
            if icon is not None:
                mark = line - 4
                icon.paint(painter, QRect((self.width() - mark) // 2, top + 2, mark, mark))
                top += line
            painter.setFont(bold)
            painter.drawText(QRect(0, top, self.width(), line), Qt.AlignmentFlag.AlignCenter, count)
            top += line + self.PAD
        # The name along the strip, from the top: read downwards on the right edge, upwards on
        # the left (as the panel's own edge would turn).
        painter.setFont(self.font())
        length = QFontMetrics(self.font()).horizontalAdvance(self.text())
        painter.save()
        if self.edge is Qt.Edge.RightEdge:
            painter.translate(self.width() / 2 + line / 2, top + self.PAD)
            painter.rotate(90)
        else:
            painter.translate(self.width() / 2 - line / 2, top + self.PAD + length)
            painter.rotate(-90)
        painter.drawText(QRect(0, 0, length, line), Qt.AlignmentFlag.AlignLeft, self.text())
        painter.restore()
        painter.end()
