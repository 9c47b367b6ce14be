"""How each kind of timeline event looks: a colour, a small icon, and a label."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from pmdesk.domain.model import EventKind

Index = QModelIndex | QPersistentModelIndex

COLOURS: dict[EventKind, str] = {
    EventKind.EVENT: "#8c959f",
    EventKind.TRIGGER: "#d1242f",
    EventKind.DETECTION: "#e16f24",
    EventKind.ESCALATION: "#8250df",
    EventKind.COMMUNICATION: "#0969da",
    EventKind.DECISION: "#1b7c83",
    EventKind.MITIGATION: "#2da44e",
    EventKind.RESOLUTION: "#116329",
}

LABELS: dict[EventKind, str] = {kind: kind.value.capitalize() for kind in EventKind}


def colour(kind: EventKind) -> QColor:
    return QColor(COLOURS[kind])


# Drawn at each of these sizes, so the shape stays crisp in large type (a projector, the stage).
ICON_SIZES = (16, 24, 32, 48)


@cache
def icon(kind: EventKind) -> QIcon:
    """A shape per kind, so the kinds differ for people who cannot tell the colours apart."""
    shapes = QIcon()
    for size in ICON_SIZES:
        shapes.addPixmap(_shape(kind, size))
    return shapes


def _shape(kind: EventKind, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour(kind).darker(130), max(1.0, size / 16)))
    painter.setBrush(QBrush(colour(kind)))
    margin = size / 8
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    if kind is EventKind.TRIGGER:  # a triangle: something set it off
        painter.drawPolygon(
            QPolygonF([QPointF(box.center().x(), box.top()), box.bottomRight(), box.bottomLeft()])
        )
    elif kind in (EventKind.MITIGATION, EventKind.RESOLUTION):  # a square: it is stable
        painter.drawRoundedRect(box, 2, 2)
    elif kind is EventKind.DETECTION:  # a diamond: a signal
        c = box.center()
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(c.x(), box.top()),
                    QPointF(box.right(), c.y()),
                    QPointF(c.x(), box.bottom()),
                    QPointF(box.left(), c.y()),
                ]
            )
        )
    elif kind is EventKind.DECISION:  # a hexagon-ish stop sign: a choice was made
        path = QPainterPath()
        path.addRoundedRect(box, size / 3, size / 3)
        painter.drawPath(path)
    else:
        painter.drawEllipse(box.adjusted(1, 1, -1, -1))
    painter.end()
    return pixmap


class KindDelegate(QStyledItemDelegate):
    """Edits a kind with a list of the kinds, each with its colour and shape."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for kind in EventKind:
            combo.addItem(icon(kind), LABELS[kind], kind.value)
        combo.activated.connect(lambda _: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def kind_actions(
    parent: QObject, widget: QWidget, mark: Callable[[EventKind], object]
) -> dict[EventKind, QAction]:
    """Alt+1 … Alt+8 on `widget`, one per kind in the order of the kind list, each calling
    `mark` with its kind."""
    found: dict[EventKind, QAction] = {}
    for number, kind in enumerate(EventKind, start=1):
        action = QAction(icon(kind), f"Mark as {LABELS[kind].lower()}", parent)
        action.setShortcut(QKeySequence(f"Alt+{number}"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _=False, k=kind: mark(k))
        widget.addAction(action)
        found[kind] = action
    return found
