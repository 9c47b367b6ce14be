"""Light, dark and high-contrast themes, and the zoom of the whole window.

A theme is a QPalette plus a few style-sheet rules; the zoom scales the application font, so every
widget (and the row heights that follow the font) grows together on a projector.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"

    @property
    def label(self) -> str:
        return {"light": "Light", "dark": "Dark", "high-contrast": "High contrast"}[self.value]


@dataclass(frozen=True, slots=True)
class Colours:
    """A theme's colours. `muted` is secondary text and every placeholder: legible on its own
    (4.5:1 or more against a field, 7:1 in high contrast) yet a clear step of lightness away from
    typed text (2:1 or more), so an empty field never reads as filled. `disabled` is the words and
    edges of a disabled control: well dimmer than text, no brighter than `muted`, and never the
    `highlight`, which marks the selection, the current item and the keyboard's place."""

    window: str
    base: str
    alternate: str
    text: str
    muted: str
    disabled: str
    button: str
    highlight: str
    highlighted_text: str
    link: str
    error: str
    warning: str
    ok: str


COLOURS: dict[Theme, Colours] = {
    Theme.LIGHT: Colours(
        window="#f3f4f6",
        base="#ffffff",
        alternate="#f6f8fa",
        text="#1f2328",
        muted="#59636e",
        disabled="#59636e",
        button="#e9ecef",
        highlight="#1f5fa8",
        highlighted_text="#ffffff",
        link="#1f5fa8",
        error="#b42318",
        warning="#9a6700",
        ok="#1a7f37",
    ),
    Theme.DARK: Colours(
        window="#1e2227",
        base="#16191d",
        alternate="#1c2025",
        text="#e6e8eb",
        muted="#9aa4ae",
        disabled="#7d8590",
        button="#2b3036",
        highlight="#3d7bd6",
        highlighted_text="#ffffff",
        link="#79b0ff",
        error="#ff7b72",
        warning="#e3b341",
        ok="#56d364",
    ),
    Theme.HIGH_CONTRAST: Colours(
        window="#000000",
        base="#000000",
        alternate="#111111",
        text="#ffffff",
        # Grey, not yellow: yellow is as light as white (1.07:1), so a yellow placeholder passed
        # for typed text, and yellow is the highlight, so muted and disabled words looked selected.
        muted="#a6a6a6",
        disabled="#767676",
        button="#000000",
        highlight="#ffff00",
        highlighted_text="#000000",
        link="#00ffff",
        error="#ff7878",  # 7:1 on the alternate rows too
        warning="#ffff00",
        ok="#00ff00",
    ),
}

BASE_POINT_SIZE = 11.0
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)


def palette_for(theme: Theme) -> QPalette:
    c = COLOURS[theme]
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, c.window),
        (roles.WindowText, c.text),
        (roles.Base, c.base),
        (roles.AlternateBase, c.alternate),
        (roles.Text, c.text),
        (roles.Button, c.button),
        (roles.ButtonText, c.text),
        (roles.Highlight, c.highlight),
        (roles.HighlightedText, c.highlighted_text),
        (roles.ToolTipBase, c.base),
        (roles.ToolTipText, c.text),
        (roles.PlaceholderText, c.muted),
        (roles.Link, c.link),
        (roles.BrightText, c.error),
    ):
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.ButtonText, roles.WindowText, roles.PlaceholderText):
        palette.setColor(disabled, role, QColor(c.disabled))
    # A disabled view's selection is drawn dim too: the highlight is for what can be acted on.
    palette.setColor(disabled, roles.Highlight, QColor(c.disabled))
    palette.setColor(disabled, roles.HighlightedText, QColor(c.base))
    return palette


def style_sheet_for(theme: Theme) -> str:
    """Colours and borders only: a font rule here would pin a widget's size against the zoom."""
    c = COLOURS[theme]
    high_contrast = theme is Theme.HIGH_CONTRAST
    border = f"2px solid {c.text}" if high_contrast else f"1px solid {c.button}"
    # In high contrast every field shows its edge, so an empty one is still findable; a disabled
    # one's edge is dim, like its words.
    fields = (
        f"""
        QLineEdit, QPlainTextEdit, QTableView, QListView, QTreeView {{ border: {border}; }}
        QLineEdit:disabled, QPlainTextEdit:disabled, QTableView:disabled, QListView:disabled,
        QTreeView:disabled {{ border-color: {c.disabled}; }}"""
        if high_contrast
        else ""
    )
    # Fusion draws a check box's edge a shade darker than the window, which is lost on a dark
    # one: there, an empty box has a clear edge and a ticked one is filled; a disabled box, ticked
    # or not, is drawn in the disabled colour, never filled with the highlight.
    edge = c.text if high_contrast else c.muted
    boxes = (
        ""
        if theme is Theme.LIGHT
        else f"""
        QCheckBox::indicator, QAbstractItemView::indicator {{
            width: 0.9em; height: 0.9em; border: 2px solid {edge};
            border-radius: 3px; background: {c.base};
        }}
        QCheckBox::indicator:checked, QAbstractItemView::indicator:checked {{
            background: {c.highlight}; border-color: {c.highlight};
        }}
        QCheckBox::indicator:indeterminate, QAbstractItemView::indicator:indeterminate {{
            background: {c.muted};
        }}
        QCheckBox::indicator:disabled, QAbstractItemView::indicator:disabled {{
            border-color: {c.disabled};
        }}
        QCheckBox::indicator:checked:disabled, QAbstractItemView::indicator:checked:disabled,
        QCheckBox::indicator:indeterminate:disabled,
        QAbstractItemView::indicator:indeterminate:disabled {{
            background: {c.disabled}; border-color: {c.disabled};
        }}"""
    )
    return f"""
        {fields}
        {boxes}
        QLabel[role="muted"] {{ color: {c.muted}; }}
        QLabel[role="error"] {{ color: {c.error}; }}
        QLabel[role="warning"] {{ color: {c.warning}; }}
        QFrame[role="card"] {{ background: {c.base}; border: {border}; border-radius: 6px; }}
        QTableView, QTreeView, QListView {{ gridline-color: {c.button}; }}
        QLineEdit, QPlainTextEdit, QComboBox {{ padding: 3px; }}
        *:focus {{ outline: none; }}
        QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QTableView:focus,
        QListView:focus, QTreeView:focus {{ border: 2px solid {c.highlight}; }}
    """


def apply_theme(app: QApplication, theme: Theme) -> None:
    # Re-styling repolishes every widget: skip it when nothing would change.
    if app.property("pmdesk_theme") == theme.value:
        return
    app.setPalette(palette_for(theme))
    app.setStyleSheet(style_sheet_for(theme))
    app.setProperty("pmdesk_theme", theme.value)


# Widgets whose font is bold and scaled from the application font carry their scale here;
# Qt stops passing font changes to a widget once its font is set, so the zoom sets them again.
EMPHASIS = "pmdesk_emphasis"
# A window drawn larger than the rest (the meeting's stage) carries its scale here: it and every
# widget inside it, emphasised ones included, are that many times the application's text size.
STAGE = "pmdesk_stage_scale"


PLAIN = "pmdesk_plain"


def emphasise(widget: QWidget, scale: float = 1.0, *, bold: bool = True) -> None:
    """Bold (or plain, if not `bold`), `scale` times the window's text size, at every zoom."""
    widget.setProperty(EMPHASIS, float(scale))
    widget.setProperty(PLAIN, not bold)
    widget.setFont(_emphasised_font(widget, float(scale)))


def stage_scale(widget: QWidget | None) -> float:
    """How many times the application's text size `widget` is drawn: its stage's scale, or 1."""
    while widget is not None:
        scale = widget.property(STAGE)
        if isinstance(scale, float):
            return scale
        widget = widget.parentWidget()
    return 1.0


def set_stage_scale(root: QWidget, scale: float) -> None:
    """Draw `root` and everything in it `scale` times larger, following the zoom from now on."""
    root.setProperty(STAGE, float(scale))
    refresh_fonts([root, *root.findChildren(QWidget)])


# With an application style sheet Qt hands no font from a parent to its children (the sheet's
# style marks every widget as styled, and styled widgets take the application's font). So a
# widget on a stage is given the stage's font outright, and marked, so that a later zoom can tell
# it from a widget that chose its own font.
STAGE_FONT = "pmdesk_stage_font"


def _emphasised_font(widget: QWidget, scale: float) -> QFont:
    font = QFont(QApplication.font())
    font.setBold(widget.property(PLAIN) is not True)
    font.setPointSizeF(font.pointSizeF() * stage_scale(widget) * scale)
    return font


def _stage_font(scale: float) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    return font


def apply_zoom(app: QApplication, zoom: float) -> None:
    size = BASE_POINT_SIZE * zoom
    if app.font().pointSizeF() == size:
        return
    font = QFont(app.font())
    font.setPointSizeF(size)
    app.setFont(font)
    refresh_fonts(app.allWidgets())


def refresh_fonts(widgets: list[QWidget]) -> None:
    """Give `widgets` the text size they should have now.

    Qt does not pass a new application font on to widgets that exist either: each widget with no
    font of its own is handed an empty font (it then takes the application's) or, on a stage, the
    stage's; emphasised widgets get theirs again.
    """
    for widget in sorted(widgets, key=_depth):
        fit_font(widget)


def fit_font(widget: QWidget) -> None:
    """The font `widget` should have where it is: its own, an emphasis, or its stage's."""
    own_stage = widget.property(STAGE)
    emphasis = widget.property(EMPHASIS)
    if isinstance(own_stage, float):
        widget.setFont(_stage_font(own_stage))
    elif isinstance(emphasis, float):
        widget.setFont(_emphasised_font(widget, emphasis))
    elif widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) and not widget.property(STAGE_FONT):
        return  # a font the widget chose itself
    elif (scale := stage_scale(widget)) != 1.0:
        widget.setFont(_stage_font(scale))
        widget.setProperty(STAGE_FONT, True)
    else:
        widget.setFont(QFont())
        widget.setProperty(STAGE_FONT, False)


class StageFonts(QObject):
    """Gives each widget made later on a stage (an editor opened in a cell, a draft row) the
    stage's size, as it is polished, just before it is first shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Polish
            and isinstance(watched, QWidget)
            and stage_scale(watched) != 1.0
        ):
            fit_font(watched)
        return False


def _depth(widget: QWidget) -> int:
    depth, parent = 0, widget.parentWidget()
    while parent is not None:
        depth, parent = depth + 1, parent.parentWidget()
    return depth


def next_zoom(current: float, step: int) -> float:
    """The zoom one step in or out from `current` (clamped to the steps we offer)."""
    nearest = min(range(len(ZOOM_STEPS)), key=lambda i: abs(ZOOM_STEPS[i] - current))
    return ZOOM_STEPS[max(0, min(len(ZOOM_STEPS) - 1, nearest + step))]


def blend(a: QColor, b: QColor, amount: float) -> QColor:
    """`amount` of `b` over `a`: 0 is `a`, 1 is `b`."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def current_theme() -> Theme:
    app = QApplication.instance()
    name = app.property("pmdesk_theme") if app is not None else None
    return Theme(name) if name in {t.value for t in Theme} else Theme.LIGHT


def current_colours() -> Colours:
    """The colours of the theme the application shows now (light before any is applied)."""
    return COLOURS[current_theme()]
