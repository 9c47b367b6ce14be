"""The five-whys tree as a diagram, for the review meeting.

Where every box and line goes is decided by `pmdesk.domain.tree_layout` (pure Python, shared with
the PDF report); this module measures text with the application font, draws the boxes and elbows
in a QGraphicsScene, and zooms, selects and exports the picture.

Every size comes from the application font, so the View menu's zoom grows the diagram with the
rest of the window; the view's own zoom (Ctrl+wheel, `zoom_in`, `fit`) sits on top of that.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QImageWriter,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from pmdesk.domain.model import ActionStatus, Postmortem
from pmdesk.domain.tree_layout import Connector, LayoutStyle, NodeBox, TreeLayout, layout_causes
from pmdesk.services import postmortems
from pmdesk.ui.themes import COLOURS, Colours, Theme

EMPTY_MESSAGE = "No causes yet. Add a problem statement in the tree, then ask why."
KEEP_ASKING = "keep asking why"
NO_ACTION = "no action"

ZOOM_STEP = 1.25
MIN_ZOOM = 0.02  # fit() on a thousand causes goes far below any zoom a person would pick
MAX_ZOOM = 8.0

# Below this many device pixels per scene pixel text is unreadable anyway: draw bars instead,
# which keeps a fitted thousand-cause diagram quick to repaint.
DETAIL_THRESHOLD = 0.35
# Further out still, even bars are specks: each box becomes a solid block of its border colour,
# so the overview of a big tree still shows its shape, the systemic causes and the warnings.
BLOCK_THRESHOLD = 0.12

# An exported PNG never exceeds these, whatever the scale asked for: past them QImage cannot be
# allocated (or eats gigabytes), and a smaller picture beats no picture.
MAX_EXPORT_SIDE = 16_384
MAX_EXPORT_PIXELS = 64_000_000


def current_theme() -> Theme:
    app = QApplication.instance()
    name = app.property("pmdesk_theme") if app is not None else None
    try:
        return Theme(name) if isinstance(name, str) and name else Theme.LIGHT
    except ValueError:
        return Theme.LIGHT


def _blend(a: str, b: str, amount: float) -> QColor:
    """`amount` of colour `b` mixed into colour `a` (0: all a, 1: all b)."""
    ca, cb = QColor(a), QColor(b)
    return QColor.fromRgbF(
        ca.redF() + (cb.redF() - ca.redF()) * amount,
        ca.greenF() + (cb.greenF() - ca.greenF()) * amount,
        ca.blueF() + (cb.blueF() - ca.blueF()) * amount,
    )


def _scaled(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    else:
        scaled.setPixelSize(max(1, round(font.pixelSize() * factor)))
    return scaled


@dataclass(frozen=True, slots=True)
class Fonts:
    text: QFont
    label: QFont
    hint: QFont
    chip: QFont
    text_metrics: QFontMetricsF
    label_metrics: QFontMetricsF
    hint_metrics: QFontMetricsF
    chip_metrics: QFontMetricsF

    @classmethod
    def from_app_font(cls) -> Fonts:
        text = QFont(QApplication.font())
        # Name the font really drawn: an SVG viewer knows "DejaVu Sans", not Qt's "Sans Serif".
        text.setFamilies([QFontInfo(text).family(), *text.families()])
        # Unhinted glyphs keep their measured width at every zoom and in every export, so a line
        # wrapped to fit its box still fits when drawn 3x larger or into an SVG.
        text.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        label = _scaled(text, 0.85)
        label.setBold(True)
        hint = _scaled(text, 0.85)
        hint.setItalic(True)
        chip = _scaled(text, 0.8)
        chip.setBold(True)
        return cls(
            text,
            label,
            hint,
            chip,
            QFontMetricsF(text),
            QFontMetricsF(label),
            QFontMetricsF(hint),
            QFontMetricsF(chip),
        )

    def measure(self, text: str) -> float:
        return self.text_metrics.horizontalAdvance(text)

    @property
    def chip_height(self) -> float:
        return math.ceil(self.chip_metrics.height() + 2)

    def layout_style(self) -> LayoutStyle:
        fm = self.text_metrics
        line = fm.lineSpacing()
        # Chips sit astride a box's top edge: the padding holds their lower half clear of the label.
        padding = math.ceil(max(fm.height() * 0.5, self.chip_height / 2 + 2))
        return LayoutStyle(
            node_width=math.ceil(fm.averageCharWidth() * 26 + 2 * padding),
            padding=padding,
            line_height=line,
            label_height=math.ceil(self.label_metrics.lineSpacing() + padding / 3),
            column_gap=math.ceil(line * 2.6),
            # Room for the chips that stick out above the next box down.
            row_gap=math.ceil(max(line * 0.9, self.chip_height / 2 + padding)),
            root_gap=math.ceil(line * 2.2),
            max_lines=6,
        )


@dataclass(frozen=True, slots=True)
class Look:
    """Everything a box or line needs to paint, made once per `show_postmortem`."""

    theme: Theme
    colours: Colours
    fonts: Fonts
    style: LayoutStyle
    radius: float
    background: QColor
    text_pen: QPen
    label_pen: QPen
    systemic_label_pen: QPen
    hint_pen: QPen
    fill: QBrush
    systemic_fill: QBrush
    border_pen: QPen
    systemic_pen: QPen
    open_leaf_pen: QPen
    highlight_pen: QPen
    halo_pen: QPen
    connector_pen: QPen
    badge_fill: QBrush
    badge_pen: QPen
    chip_fill: QBrush
    chip_border_pen: QPen
    chip_text_pen: QPen
    bar_brush: QBrush
    block_brush: QBrush
    systemic_block_brush: QBrush
    open_leaf_block_brush: QBrush
    hairline_pen: QPen

    @classmethod
    def for_theme(cls, theme: Theme, fonts: Fonts) -> Look:
        c = COLOURS[theme]
        high_contrast = theme is Theme.HIGH_CONTRAST
        style = fonts.layout_style()
        unit = max(1.0, fonts.text_metrics.height() / 16)  # pen widths grow with the font
        quiet = QColor(c.text) if high_contrast else _blend(c.muted, c.base, 0.45)
        highlight = QColor(c.highlight)
        halo = QColor(highlight)
        halo.setAlphaF(0.35)

        def pen(
            colour: QColor | str, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine
        ) -> QPen:
            made = QPen(QColor(colour), width * unit, style)
            made.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            made.setCapStyle(Qt.PenCapStyle.RoundCap)
            return made

        return cls(
            theme=theme,
            colours=c,
            fonts=fonts,
            style=style,
            radius=style.padding * 0.75,
            background=QColor(c.base),
            text_pen=pen(c.text, 1),
            label_pen=pen(c.muted, 1),
            systemic_label_pen=pen(c.ok, 1),
            hint_pen=pen(c.muted, 1),
            fill=QBrush(QColor(c.alternate)),
            systemic_fill=QBrush(_blend(c.base, c.ok, 0.22 if high_contrast else 0.12)),
            border_pen=pen(quiet, 2 if high_contrast else 1.2),
            systemic_pen=pen(c.ok, 3 if high_contrast else 2.5),
            open_leaf_pen=pen(c.muted, 2 if high_contrast else 1.5, Qt.PenStyle.DashLine),
            highlight_pen=pen(highlight, 3),
            halo_pen=pen(halo, 5),
            connector_pen=pen(quiet, 2 if high_contrast else 1.5),
            badge_fill=QBrush(QColor(c.warning)),
            badge_pen=pen(c.base, 1),
            chip_fill=QBrush(QColor(c.base)),
            chip_border_pen=pen(quiet, 1),
            chip_text_pen=pen(c.muted, 1),
            bar_brush=QBrush(_blend(c.text, c.base, 0.6)),
            block_brush=QBrush(quiet),
            systemic_block_brush=QBrush(QColor(c.ok)),
            open_leaf_block_brush=QBrush(QColor(c.muted)),
            hairline_pen=QPen(quiet, 0),  # width 0: one device pixel at any zoom
        )


@dataclass(frozen=True, slots=True)
class Chip:
    """A small rounded tag astride the top edge of a box ("no action", "2 events")."""

    text: str
    rect: QRectF
    warning: bool


class CauseBox(QGraphicsItem):
    """One cause: a rounded box with its label line and wrapped text, painted in one go (a
    thousand of these build and repaint far quicker than a thousand little item trees)."""

    def __init__(
        self,
        box: NodeBox,
        look: Look,
        *,
        badge_text: str | None,
        evidence_text: str | None,
        text: str,
    ) -> None:
        super().__init__()
        self.box = box
        self.cause_id = box.cause_id
        self.systemic = box.systemic
        self.label_text = box.heading + (" · systemic" if box.systemic else "")
        # A branch that stops without reaching a systemic cause has not been asked "why" enough.
        self.hint_text: str | None = KEEP_ASKING if box.leaf and not box.systemic else None
        self.badge_text = badge_text
        self.evidence_text = evidence_text
        self.highlighted = False
        self._look = look
        self.setPos(box.x, box.y)
        self.setToolTip(f"{box.heading}: {text}" if text else box.heading)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view drags and double-clicks

        fonts, padding = look.fonts, look.style.padding
        room = box.width - 2 * padding
        self._label_shown = fonts.label_metrics.elidedText(
            self.label_text, Qt.TextElideMode.ElideRight, room
        )
        self._hint_shown = ""
        if self.hint_text is not None:
            gap = fonts.label_metrics.averageCharWidth() * 2
            left = room - fonts.label_metrics.horizontalAdvance(self._label_shown) - gap
            self._hint_shown = fonts.hint_metrics.elidedText(
                self.hint_text, Qt.TextElideMode.ElideRight, max(0.0, left)
            )
        self._label_baseline = padding + fonts.label_metrics.ascent()
        self._text_top = padding + look.style.label_height
        self.chips = self._place_chips()
        outset = look.halo_pen.widthF() + 2
        top = min([-outset, *(chip.rect.top() - 1 for chip in self.chips)])
        self._bounds = QRectF(-outset, top, box.width + 2 * outset, box.height + outset - top)

    def _place_chips(self) -> tuple[Chip, ...]:
        fonts = self._look.fonts
        height = fonts.chip_height
        inner = fonts.chip_metrics.averageCharWidth()
        right = self.box.width - self._look.radius - self._look.style.padding / 2
        chips: list[Chip] = []
        # Right to left: the warning sits in the corner, where the eye lands.
        for text, warning in ((self.badge_text, True), (self.evidence_text, False)):
            if not text:
                continue
            width = fonts.chip_metrics.horizontalAdvance(text) + 2 * inner
            rect = QRectF(right - width, -height / 2, width, height)
            chips.append(Chip(text, rect, warning))
            right = rect.left() - inner
        return tuple(chips)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        look, box = self._look, self.box
        rect = QRectF(0, 0, box.width, box.height)
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        if detail < BLOCK_THRESHOLD:
            self._paint_block(painter, rect)
            return
        radius = look.radius
        if self.highlighted:
            painter.setPen(look.halo_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            spread = look.halo_pen.widthF() / 2 + look.highlight_pen.widthF() / 2
            painter.drawRoundedRect(
                rect.adjusted(-spread, -spread, spread, spread), radius + spread, radius + spread
            )
        if self.highlighted:
            pen = look.highlight_pen
        elif box.systemic:
            pen = look.systemic_pen
        elif box.leaf:
            pen = look.open_leaf_pen
        else:
            pen = look.border_pen
        inset = pen.widthF() / 2  # the whole stroke stays inside the box the layout gave us
        painter.setPen(pen)
        painter.setBrush(look.systemic_fill if box.systemic else look.fill)
        painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), radius, radius)

        if detail < DETAIL_THRESHOLD:
            self._paint_bars(painter)
        else:
            self._paint_text(painter)
        self._paint_chips(painter, detail >= DETAIL_THRESHOLD)

    def _paint_text(self, painter: QPainter) -> None:
        look, box = self._look, self.box
        padding = look.style.padding
        fonts = look.fonts
        painter.setFont(fonts.label)
        painter.setPen(look.systemic_label_pen if box.systemic else look.label_pen)
        painter.drawText(QPointF(padding, self._label_baseline), self._label_shown)
        if self._hint_shown:
            painter.setFont(fonts.hint)
            painter.setPen(look.hint_pen)
            width = fonts.hint_metrics.horizontalAdvance(self._hint_shown)
            x = box.width - padding - width
            painter.drawText(QPointF(x, self._label_baseline), self._hint_shown)
        painter.setFont(fonts.text)
        painter.setPen(look.text_pen)
        ascent, line_height = fonts.text_metrics.ascent(), look.style.line_height
        for i, line in enumerate(box.lines):
            painter.drawText(QPointF(padding, self._text_top + i * line_height + ascent), line)

    def _paint_block(self, painter: QPainter, rect: QRectF) -> None:
        look, box = self._look, self.box
        painter.setPen(Qt.PenStyle.NoPen)
        if self.highlighted:
            brush = QBrush(look.highlight_pen.color())
        elif box.systemic:
            brush = look.systemic_block_brush
        elif box.leaf:
            brush = look.open_leaf_block_brush
        else:
            brush = look.block_brush
        painter.setBrush(brush)
        painter.drawRect(rect)
        painter.setBrush(look.badge_fill)
        for chip in self.chips:
            if chip.warning:
                painter.drawRect(chip.rect)

    def _paint_bars(self, painter: QPainter) -> None:
        look, box = self._look, self.box
        padding, line_height = look.style.padding, look.style.line_height
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.bar_brush)
        measure = look.fonts.measure
        for i, line in enumerate(box.lines):
            top = self._text_top + i * line_height + line_height * 0.25
            painter.drawRect(QRectF(padding, top, measure(line), line_height * 0.5))

    def _paint_chips(self, painter: QPainter, with_text: bool) -> None:
        look = self._look
        fonts = look.fonts
        painter.setFont(fonts.chip)
        for chip in self.chips:
            painter.setPen(look.badge_pen if chip.warning else look.chip_border_pen)
            painter.setBrush(look.badge_fill if chip.warning else look.chip_fill)
            radius = chip.rect.height() / 2
            painter.drawRoundedRect(chip.rect, radius, radius)
            if with_text:
                painter.setPen(look.badge_pen if chip.warning else look.chip_text_pen)
                painter.drawText(chip.rect, Qt.AlignmentFlag.AlignCenter, chip.text)


class ConnectorItem(QGraphicsPathItem):
    """The elbow from a cause to one of its "why"s."""

    def __init__(self, connector: Connector, look: Look) -> None:
        path = QPainterPath()
        first, *rest = connector.points
        path.moveTo(*first)
        for point in rest:
            path.lineTo(*point)
        super().__init__(path)
        self.parent_id = connector.parent_id
        self.child_id = connector.child_id
        self.setPen(look.connector_pen)
        self.setZValue(-1)  # under the boxes, so a line end never paints over a border
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._hairline = look.hairline_pen

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        # Zoomed far out a scaled line fades to nothing; never draw it thinner than a pixel.
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        if self.pen().widthF() * detail < 1:
            painter.setPen(self._hairline)
            painter.drawPath(self.path())
            return
        super().paint(painter, option, widget)


class CauseDiagram(QGraphicsView):
    """The cause tree of one postmortem as a left-to-right diagram.

    Call `show_postmortem` after every edit: it lays out and draws the tree again but keeps the
    zoom, the scroll position and the highlighted cause. Double-clicking a box emits
    `cause_activated` with the cause's id.
    """

    cause_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Boxes change only when shown again; repainting just what changed is plenty.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.tree_layout: TreeLayout | None = None
        self.empty_message: str | None = None
        self._zoom = 1.0
        self._items: dict[str, CauseBox] = {}
        self._connectors: list[ConnectorItem] = []
        self._postmortem: Postmortem | None = None
        self._drawn_with: tuple[Theme, str] | None = None
        self._highlighted: str | None = None
        self._shown_once = False
        # A theme or font change arrives in several events, and before the theme's name is set:
        # draw again once, after they have all been handled.
        self._restyle = QTimer(self)
        self._restyle.setSingleShot(True)
        self._restyle.setInterval(0)
        self._restyle.timeout.connect(self._restyle_if_needed)

    # --- showing -------------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        """Lay out and draw `postmortem`'s causes, keeping the zoom and scroll position."""
        self._postmortem = postmortem
        horizontal = self.horizontalScrollBar().value()
        vertical = self.verticalScrollBar().value()
        theme = current_theme()
        fonts = Fonts.from_app_font()
        look = Look.for_theme(theme, fonts)
        self._drawn_with = (theme, QApplication.font().toString())
        self._scene.setBackgroundBrush(look.background)
        self._scene.clear()
        self._items = {}
        self._connectors = []

        layout = layout_causes(postmortem.causes, fonts.measure, look.style)
        if layout.nodes:  # none also when every cause is caught in a parent cycle
            self.empty_message = None
            self.tree_layout = layout
            self._draw_tree(postmortem, layout, look)
            margin = max(look.style.line_height, fonts.chip_height)
            rect = QRectF(0, 0, layout.width, layout.height)
            self._scene.setSceneRect(rect.adjusted(-margin, -margin, margin, margin))
        else:
            self.tree_layout = None
            self.empty_message = EMPTY_MESSAGE
            message = QGraphicsSimpleTextItem(EMPTY_MESSAGE)
            message.setFont(fonts.text)
            message.setBrush(QColor(look.colours.muted))
            self._scene.addItem(message)
            # Smaller than the viewport, the scene is centred by the view's alignment.
            margin = fonts.text_metrics.lineSpacing()
            bounds = message.boundingRect().adjusted(-margin, -margin, margin, margin)
            self._scene.setSceneRect(bounds)

        if self._highlighted is not None and self._highlighted in self._items:
            self._items[self._highlighted].highlighted = True
        else:
            self._highlighted = None
        if self._shown_once:
            self.horizontalScrollBar().setValue(horizontal)
            self.verticalScrollBar().setValue(vertical)
        else:
            # First look: the problem statements, top left, are where the story starts.
            self._shown_once = True
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())

    def _draw_tree(self, postmortem: Postmortem, layout: TreeLayout, look: Look) -> None:
        addressed = {
            action.cause_id
            for action in postmortem.actions
            if action.cause_id is not None and action.status is not ActionStatus.DROPPED
        }
        causes = {cause.id: cause for cause in reversed(postmortem.causes)}  # first one wins
        for connector in layout.connectors:
            line = ConnectorItem(connector, look)
            self._scene.addItem(line)
            self._connectors.append(line)
        for box in layout.nodes:
            cause = causes[box.cause_id]
            item = CauseBox(
                box,
                look,
                badge_text=NO_ACTION if cause.systemic and cause.id not in addressed else None,
                evidence_text=_events(len(set(cause.evidence))),
                text=cause.text,
            )
            self._scene.addItem(item)
            self._items[box.cause_id] = item

    def item_for(self, cause_id: str) -> CauseBox | None:
        return self._items.get(cause_id)

    @property
    def connector_items(self) -> tuple[ConnectorItem, ...]:
        return tuple(self._connectors)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle.start()

    def _restyle_if_needed(self) -> None:
        drawn_with = (current_theme(), QApplication.font().toString())
        if self._postmortem is not None and drawn_with != self._drawn_with:
            self.show_postmortem(self._postmortem)

    # --- selecting -----------------------------------------------------------------------------

    @property
    def selected_cause_id(self) -> str | None:
        return self._highlighted

    def select_cause(self, cause_id: str) -> bool:
        """Highlight the box of `cause_id` and scroll it to the middle; False if it is not drawn."""
        item = self._items.get(cause_id)
        if item is None:
            return False
        self._set_highlight(cause_id)
        self.centerOn(item.sceneBoundingRect().center())
        return True

    def _set_highlight(self, cause_id: str | None) -> None:
        if self._highlighted is not None and self._highlighted in self._items:
            old = self._items[self._highlighted]
            old.highlighted = False
            old.update()
        self._highlighted = cause_id
        if cause_id is not None:
            self._items[cause_id].highlighted = True
            self._items[cause_id].update()

    def box_at(self, point: QPoint) -> CauseBox | None:
        """The cause box under a viewport point, if any."""
        for item in self.items(point):
            if isinstance(item, CauseBox):
                return item
        return None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.box_at(event.position().toPoint())
        if item is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            event.accept()  # the diagram is the end of the line for a double-click
            return
        self._set_highlight(item.cause_id)
        event.accept()
        self.cause_activated.emit(item.cause_id)

    # --- zooming -------------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._zoom

    def zoom_in(self) -> None:
        self._set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self._zoom / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self._set_zoom(1.0)

    def fit(self) -> None:
        """Zoom so the whole diagram fits the view, keeping its aspect: the meeting's overview."""
        self.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._zoom = self.transform().m11()

    def _set_zoom(self, zoom: float) -> None:
        # fit() may go below MIN_ZOOM; a step out from there must not jump back in.
        lowest = min(MIN_ZOOM, self._zoom)
        self._zoom = min(MAX_ZOOM, max(lowest, zoom))
        self.setTransform(QTransform.fromScale(self._zoom, self._zoom))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        if steps:
            # Keep the point under the cursor under the cursor, as maps do.
            cursor = event.position().toPoint()
            anchor = self.mapToScene(cursor)
            self._set_zoom(self._zoom * ZOOM_STEP**steps)
            moved = self.mapFromScene(anchor) - cursor
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        event.accept()

    # --- exporting -----------------------------------------------------------------------------

    def export_png(self, path: str | Path, scale: float = 2.0) -> None:
        """Save the whole diagram (not just what is in view) as a PNG, `scale` pixels per pixel
        on screen, on an opaque background. Very large diagrams are scaled down to fit a PNG."""
        source = self._scene.sceneRect()
        scale = self._export_scale(source, scale)
        size = QSize(
            max(1, math.ceil(source.width() * scale)), max(1, math.ceil(source.height() * scale))
        )
        image = QImage(size, QImage.Format.Format_RGB32)
        if image.isNull():
            raise OSError(f"Could not save the diagram to {path}: not enough memory for the image")
        # Fonts are sized in points: draw at the screen's resolution, as the layout measured them.
        dots_per_metre = round(self.logicalDpiY() / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
        image.fill(self._scene.backgroundBrush().color())
        with self._unhighlighted():
            painter = QPainter(image)
            painter.setRenderHints(
                QPainter.RenderHint.Antialiasing
                | QPainter.RenderHint.TextAntialiasing
                | QPainter.RenderHint.SmoothPixmapTransform
            )
            self._scene.render(painter, QRectF(image.rect()), source)
            painter.end()
        # Now say the true resolution, so the picture prints at its size on screen.
        image.setDotsPerMeterX(round(dots_per_metre * scale))
        image.setDotsPerMeterY(round(dots_per_metre * scale))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"png"))
        if not writer.write(image):
            raise OSError(f"Could not save the diagram to {path}: {writer.errorString()}")
        _write(path, bytes(buffer.data().data()))

    def export_svg(self, path: str | Path) -> None:
        """Save the whole diagram as an SVG; Qt writes the cause texts as text."""
        source = self._scene.sceneRect()
        size = QSize(max(1, math.ceil(source.width())), max(1, math.ceil(source.height())))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle("Cause tree")
        if self._postmortem is not None:
            generator.setDescription(self._postmortem.title)
        # Fonts are sized in points: the SVG's resolution must be the one the layout measured at.
        generator.setResolution(round(self.logicalDpiY()))
        with self._unhighlighted():
            painter = QPainter()
            if not painter.begin(generator):
                raise OSError(f"Could not save the diagram to {path}: the SVG could not be started")
            painter.setRenderHints(
                QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
            )
            self._scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
            painter.end()
        _write(path, bytes(buffer.data().data()))

    @staticmethod
    def _export_scale(source: QRectF, scale: float) -> float:
        if scale <= 0 or not math.isfinite(scale):
            raise ValueError(f"the export scale must be a positive number, not {scale}")
        longest = max(source.width(), source.height(), 1.0)
        area = max(source.width() * source.height(), 1.0)
        return min(scale, MAX_EXPORT_SIDE / longest, math.sqrt(MAX_EXPORT_PIXELS / area))

    @contextmanager
    def _unhighlighted(self) -> Iterator[None]:
        """The highlight is where the reader is on screen, not part of an exported picture."""
        item = self._items.get(self._highlighted or "")
        if item is not None:
            item.highlighted = False
        try:
            yield
        finally:
            if item is not None:
                item.highlighted = True


def _events(count: int) -> str | None:
    if count == 0:
        return None
    return "1 event" if count == 1 else f"{count} events"


def _write(path: str | Path, data: bytes) -> None:
    try:
        # As every export: atomically, and never over the open library or its files.
        postmortems.write_export(path, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise OSError(error.errno, f"Could not save the diagram to {path}: {reason}") from error
