"""Every theme is legible: placeholder text is told from typed text, a disabled control looks
disabled (and never like a selection), a warning has its colour, and high contrast keeps all text
at 7:1 or more against what it is drawn on.

The figures are WCAG 2 contrast ratios, measured both on the palette and on what Qt draws: a grab
of the widget, whose "ink" is the pixel that stands out most from its background.

- A placeholder is at least 4.5:1 against the field (it carries the syntax of a line, so it must
  be read like text) and at least 2:1 against typed text (a step of lightness, not only of hue:
  yellow and white differ by 1.07:1, and look alike to many eyes).
- A disabled control is drawn differently from an enabled one, its label at most two thirds of the
  enabled label's contrast, and without a pixel of the selection colour.
- In high contrast, body text is at least 7:1 (WCAG AAA), and so is every colour a word is drawn
  in (muted, placeholder, error, warning, ok, link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pmdesk.ui.themes import COLOURS, Theme, apply_theme, apply_zoom, palette_for

PLACEHOLDER_AGAINST_FIELD = 4.5
PLACEHOLDER_AGAINST_TEXT = 2.0
DISABLED_SHARE_OF_ENABLED = 2 / 3
HIGH_CONTRAST_TEXT = 7.0
# Big enough that a letter's stems are wider than a pixel, so the grab holds the text's own colour
# and not only its anti-aliased edges.
TEXT_POINTS = 28.0


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_contrast_ratio_is_wcags() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#ffff00", "#ffffff") == pytest.approx(1.07, abs=0.01)


@pytest.fixture
def app() -> Iterator[QApplication]:
    """The application, with its theme and zoom put back for the next test."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    apply_zoom(instance, 1.0)
    yield instance
    apply_theme(instance, Theme.LIGHT)
    apply_zoom(instance, 1.0)


def shown(qtbot: QtBot, widget: QWidget, width: int = 360) -> QWidget:
    font = QFont(QApplication.font())
    font.setPointSizeF(TEXT_POINTS)
    widget.setFont(font)
    qtbot.addWidget(widget)
    widget.resize(width, widget.sizeHint().height())
    widget.show()
    qtbot.waitUntil(widget.isVisible)
    return widget


def grab(widget: QWidget, inset: int = 6) -> QImage:
    """The widget as drawn, without its outer `inset` pixels (a field's border, a focus frame)."""
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    image.setDevicePixelRatio(1.0)
    edge = round(inset * ratio)
    return image.copy(QRect(edge, edge, image.width() - 2 * edge, image.height() - 2 * edge))


def pixels(image: QImage) -> list[QColor]:
    return [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]


def rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()


def background(image: QImage) -> QColor:
    """The colour most of the image is (the mean of the commonest shades, for a gradient)."""
    shades: dict[tuple[int, ...], list[QColor]] = {}
    for colour in pixels(image):
        shades.setdefault(tuple(channel // 16 for channel in rgb(colour)), []).append(colour)
    commonest = max(shades.values(), key=len)
    return QColor(*(round(sum(rgb(c)[i] for c in commonest) / len(commonest)) for i in range(3)))


def ink(image: QImage) -> QColor:
    """The colour that stands out most from the background: the text's, in a grab of text."""
    ground = background(image)
    return max(pixels(image), key=lambda colour: contrast(colour, ground))


def near(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(rgb(a), rgb(b), strict=True))


# --- placeholder text ---------------------------------------------------------------------------


@pytest.mark.parametrize("theme", list(Theme))
def test_the_palette_sets_placeholder_text_apart_from_typed_text(theme: Theme) -> None:
    palette = palette_for(theme)
    roles = QPalette.ColorRole
    placeholder, text = palette.color(roles.PlaceholderText), palette.color(roles.Text)
    field = palette.color(roles.Base)
    assert contrast(placeholder, field) >= PLACEHOLDER_AGAINST_FIELD
    assert contrast(placeholder, text) >= PLACEHOLDER_AGAINST_TEXT, (
        placeholder.name(),
        text.name(),
    )


@pytest.mark.parametrize("theme", list(Theme))
def test_a_placeholder_is_drawn_legible_and_unlike_typed_text(
    qtbot: QtBot, app: QApplication, theme: Theme
) -> None:
    apply_theme(app, theme)
    empty = QLineEdit()
    empty.setPlaceholderText("Hillside")
    typed = QLineEdit("Hillside")
    empty_image, typed_image = grab(shown(qtbot, empty)), grab(shown(qtbot, typed))

    field = background(empty_image)
    assert field == background(typed_image)
    hint, text = ink(empty_image), ink(typed_image)
    # What is drawn is the palette's colours, not something close to them.
    palette = empty.palette()
    assert near(text, palette.color(QPalette.ColorRole.Text), 8)
    assert near(hint, palette.color(QPalette.ColorRole.PlaceholderText), 8)
    assert contrast(hint, field) >= PLACEHOLDER_AGAINST_FIELD, (hint.name(), field.name())
    assert contrast(hint, text) >= PLACEHOLDER_AGAINST_TEXT, (hint.name(), text.name())


# --- disabled controls --------------------------------------------------------------------------


def button() -> QWidget:
    return QPushButton("Remove")


def ticked_box() -> QWidget:
    box = QCheckBox("Due")
    box.setChecked(True)
    return box


def empty_box() -> QWidget:
    return QCheckBox("Due")


def combo_box() -> QWidget:
    combo = QComboBox()
    combo.addItems(["P1 high", "P2"])
    return combo


def date_field() -> QWidget:
    return QLineEdit("2026-12-07")


CONTROLS = {
    "button": button,
    "ticked check box": ticked_box,
    "empty check box": empty_box,
    "combo box": combo_box,
    "field": date_field,
}


@pytest.mark.parametrize("make", list(CONTROLS.values()), ids=list(CONTROLS))
@pytest.mark.parametrize("theme", list(Theme))
def test_a_disabled_control_looks_disabled_and_not_selected(
    qtbot: QtBot, app: QApplication, theme: Theme, make: Callable[[], QWidget]
) -> None:
    apply_theme(app, theme)
    enabled, disabled = make(), make()
    disabled.setEnabled(False)
    on, off = grab(shown(qtbot, enabled), 2), grab(shown(qtbot, disabled), 2)

    assert on != off
    # Its words (or its tick) are dimmer than an enabled control's, against the same ground.
    ground = background(on)
    assert contrast(ink(off), ground) <= DISABLED_SHARE_OF_ENABLED * contrast(ink(on), ground), (
        ink(off).name(),
        ink(on).name(),
        ground.name(),
    )
    # Nothing of it is drawn in the colour of a selection, the current item or the focus.
    highlight = QColor(COLOURS[theme].highlight)
    lit = [c.name() for c in pixels(off) if near(c, highlight)]
    assert lit == [], f"{len(lit)} pixels like the highlight {highlight.name()}: {set(lit)}"


@pytest.mark.parametrize("theme", list(Theme))
def test_the_disabled_palette_has_no_highlight_colour(theme: Theme) -> None:
    palette = palette_for(theme)
    disabled, roles = QPalette.ColorGroup.Disabled, QPalette.ColorRole
    highlight = palette.color(QPalette.ColorGroup.Active, roles.Highlight)
    for role in (
        roles.Text,
        roles.WindowText,
        roles.ButtonText,
        roles.PlaceholderText,
        roles.Highlight,
    ):
        assert palette.color(disabled, role) != highlight, role
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        assert palette.color(disabled, role) != palette.color(QPalette.ColorGroup.Active, role)


# --- the warning role ---------------------------------------------------------------------------


@pytest.mark.parametrize("theme", list(Theme))
def test_a_label_with_the_warning_role_is_drawn_in_the_warning_colour(
    qtbot: QtBot, app: QApplication, theme: Theme
) -> None:
    apply_theme(app, theme)
    label = QLabel("Hillside")
    label.setProperty("role", "warning")
    drawn = ink(grab(shown(qtbot, label), 0))
    assert near(drawn, QColor(COLOURS[theme].warning), 8), drawn.name()


# --- high contrast ------------------------------------------------------------------------------


def test_high_contrast_body_text_is_at_least_seven_to_one() -> None:
    palette = palette_for(Theme.HIGH_CONTRAST)
    roles = QPalette.ColorRole
    for text, ground in (
        (roles.Text, roles.Base),
        (roles.Text, roles.AlternateBase),
        (roles.WindowText, roles.Window),
        (roles.ButtonText, roles.Button),
        (roles.HighlightedText, roles.Highlight),
        (roles.ToolTipText, roles.ToolTipBase),
        (roles.PlaceholderText, roles.Base),
    ):
        ratio = contrast(palette.color(text), palette.color(ground))
        assert ratio >= HIGH_CONTRAST_TEXT, (text, ground, ratio)


def test_high_contrast_words_of_every_colour_are_at_least_seven_to_one() -> None:
    c = COLOURS[Theme.HIGH_CONTRAST]
    for name in ("text", "muted", "error", "warning", "ok", "link"):
        for ground in (c.window, c.base, c.alternate):
            ratio = contrast(getattr(c, name), ground)
            assert ratio >= HIGH_CONTRAST_TEXT, (name, ground, ratio)


@pytest.mark.parametrize("role", ["", "muted", "error", "warning"])
def test_high_contrast_labels_are_drawn_at_least_seven_to_one(
    qtbot: QtBot, app: QApplication, role: str
) -> None:
    apply_theme(app, Theme.HIGH_CONTRAST)
    label = QLabel("Hillside")
    if role:
        label.setProperty("role", role)
    image = grab(shown(qtbot, label), 0)
    assert contrast(ink(image), background(image)) >= HIGH_CONTRAST_TEXT
