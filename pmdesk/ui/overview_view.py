"""The library overview: what the library holds, in five charts drawn with QPainter.

Incidents and near misses per month, incidents by severity, the median time to detect and the
median time to resolve per month, and the follow-up actions still open. The numbers come from
`pmdesk.services.library_stats`; this module turns them into `ChartData` (kept on the view, so what
each picture shows can be read back without looking at pixels) and paints that.

Every size is a multiple of the application font's height and every colour comes from the current
theme at paint time, so the View menu's zoom and theme apply here as everywhere else.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QWidget,
)

from pmdesk.domain.moments import format_duration
from pmdesk.domain.periods import MONTHS, month_and_year
from pmdesk.services.library_stats import LibraryStats
from pmdesk.ui import widgets
from pmdesk.ui.themes import Colours, Theme, blend, current_colours, current_theme

EMPTY_TITLE = "No postmortems yet"
EMPTY_MESSAGE = (
    "Once the library holds incidents and near misses, this page shows how many happen each "
    "month, how severe they are, how quickly they are detected and resolved, and which "
    "follow-up actions are still open. A near miss takes a few seconds to write down."
)
CALENDAR_STEPS = (1, 2, 3, 4, 6, 12)


class ChartStyle(StrEnum):
    BARS = "bars"  # one bar per series, side by side
    STACKED = "stacked"  # the series piled up in one bar
    LINES = "lines"  # a dot per value, joined where neighbouring months both have one


class Ink(StrEnum):
    """What a series stands for; each theme gives it a colour."""

    INCIDENT = "incident"
    NEAR_MISS = "near-miss"
    DETECT = "detect"
    RESOLVE = "resolve"
    OVERDUE = "overdue"
    NOT_SET = "not-set"


def ink_colour(ink: Ink, colours: Colours) -> QColor:
    # High contrast has one yellow for highlight, muted and warning alike: near misses and the
    # "not set" or "earlier" bars take other colours there, or they would look like their
    # neighbours.
    high_contrast = current_theme() is Theme.HIGH_CONTRAST
    return QColor(
        {
            Ink.INCIDENT: colours.error,
            Ink.NEAR_MISS: colours.link if high_contrast else colours.highlight,
            Ink.DETECT: colours.link,
            Ink.RESOLVE: colours.ok,
            Ink.OVERDUE: colours.warning,
            Ink.NOT_SET: colours.text if high_contrast else colours.muted,
        }[ink]
    )


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None: nothing to show there
    ink: Ink
    bar_inks: tuple[Ink, ...] = ()  # a colour per bar, when the bars of one series differ


@dataclass(frozen=True, slots=True)
class ChartData:
    """What one picture shows: enough to paint it and to check it in a test."""

    title: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    style: ChartStyle
    note: str = ""  # one muted line under the title
    # A second line under some categories (the year under January), "" elsewhere.
    groups: tuple[str, ...] = ()
    # The month of each category, for a time axis (None: a bar that adds up earlier months).
    months: tuple[date | None, ...] = ()
    whole_numbers: bool = True  # counts; False for durations
    empty_text: str = "Nothing to show."

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no value at all, or (for bars) only zeros."""
        if self.style is ChartStyle.LINES:
            return all(v is None for s in self.series for v in s.values)
        return not any(v for s in self.series for v in s.values)

    def value_labels(self) -> list[str]:
        """The number written on each bar (a stack's total on top); empty for lines."""
        if self.style is ChartStyle.LINES:
            return []
        if self.style is ChartStyle.STACKED:
            totals = [
                sum(s.values[i] or 0 for s in self.series) for i in range(len(self.categories))
            ]
            return [_number(t) for t in totals]
        return [_number(v or 0) for s in self.series for v in s.values]


@dataclass(frozen=True, slots=True)
class DurationUnit:
    name: str  # for the axis
    seconds: float

    def of(self, span: timedelta | None) -> float | None:
        return None if span is None else span.total_seconds() / self.seconds


MINUTES = DurationUnit("Minutes", 60)
HOURS = DurationUnit("Hours", 3600)
DAYS = DurationUnit("Days", 86400)


def duration_unit(longest: timedelta | None) -> DurationUnit:
    """Minutes up to two hours, hours up to three days, days beyond: axis numbers stay small."""
    if longest is None or longest <= timedelta(hours=2):
        return MINUTES
    return HOURS if longest <= timedelta(days=3) else DAYS


def month_label(month: date) -> str:
    return MONTHS[month.month - 1]


def year_marks(months: Sequence[date | None]) -> tuple[str, ...]:
    """The year under the first month of each year shown."""
    marks: list[str] = []
    previous: int | None = None
    for month in months:
        if month is None or month.year == previous:
            marks.append("")
        else:
            marks.append(str(month.year))
            previous = month.year
    return tuple(marks)


def per_month_chart(stats: LibraryStats) -> ChartData:
    counts = stats.counts_shown()
    months = [c.month for c in counts]
    earlier = stats.earlier_than_shown()
    shown = sum(c.total for c in counts)
    note = f"{shown:,} in the last {len(months)} months"
    if earlier:
        note += f" ({earlier:,} earlier not shown)"
    return ChartData(
        title="Incidents and near misses per month",
        x_label="Month started",
        y_label="Postmortems",
        categories=tuple(month_label(m) for m in months),
        groups=year_marks(months),
        months=tuple(months),
        series=(
            Series("Incidents", tuple(float(c.incidents) for c in counts), Ink.INCIDENT),
            Series("Near misses", tuple(float(c.near_misses) for c in counts), Ink.NEAR_MISS),
        ),
        style=ChartStyle.STACKED,
        note=note,
        empty_text="Nothing started in these months.",
    )


def severity_chart(stats: LibraryStats) -> ChartData:
    counts = stats.by_severity
    return ChartData(
        title="Incidents by severity",
        x_label="Severity",
        y_label="Incidents",
        categories=tuple(c.label for c in counts),
        series=(
            Series(
                "Incidents",
                tuple(float(c.count) for c in counts),
                Ink.INCIDENT,
                bar_inks=tuple(
                    Ink.INCIDENT if c.severity is not None else Ink.NOT_SET for c in counts
                ),
            ),
        ),
        style=ChartStyle.BARS,
        note=f"{stats.incidents:,} incident{'s' * (stats.incidents != 1)} in all",
        empty_text="No incidents yet.",
    )


def duration_chart(stats: LibraryStats, *, resolve: bool) -> ChartData:
    shown = stats.durations_shown()
    spans = [d.resolve if resolve else d.detect for d in shown]
    unit = duration_unit(max((s for s in spans if s is not None), default=None))
    overall = stats.median_resolve if resolve else stats.median_detect
    what = "resolve" if resolve else "detect"
    end = "resolution" if resolve else "detection"
    months = [d.month for d in shown]
    return ChartData(
        title=f"Time to {what}",
        x_label="Month the incident started",
        y_label=unit.name,
        categories=tuple(month_label(m) for m in months),
        groups=year_marks(months),
        months=tuple(months),
        series=(
            Series(
                f"Median time to {what}",
                tuple(unit.of(s) for s in spans),
                Ink.RESOLVE if resolve else Ink.DETECT,
            ),
        ),
        style=ChartStyle.LINES,
        note=(
            f"Monthly median; overall {format_duration(overall)}"
            if overall is not None
            else "Monthly median"
        ),
        whole_numbers=False,
        empty_text=f"No incident has both a trigger and a {end} event yet.",
    )


def overdue_chart(stats: LibraryStats) -> ChartData:
    bars = stats.overdue_shown()
    months = [b.month for b in bars]
    first = next((m for m in months if m is not None), None)
    note = ""
    if months and months[0] is None and first is not None:
        note = f"First bar: all due before {month_label(first)} {first.year}"
    return ChartData(
        title="Overdue, by month due",
        x_label="Month due",
        y_label="Actions",
        categories=tuple("Earlier" if m is None else month_label(m) for m in months),
        groups=year_marks(months),
        months=tuple(months),
        series=(
            Series(
                "Overdue",
                tuple(float(b.count) for b in bars),
                Ink.OVERDUE,
                bar_inks=tuple(Ink.NOT_SET if m is None else Ink.OVERDUE for m in months),
            ),
        ),
        style=ChartStyle.BARS,
        note=note,
        empty_text="Nothing is overdue.",
    )


# ---- painting ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Pens:
    """Fonts and colours for one paint, from the application font and the current theme."""

    font: QFont
    colours: Colours
    title_font: QFont = field(init=False)
    metrics: QFontMetricsF = field(init=False)
    title_metrics: QFontMetricsF = field(init=False)
    em: float = field(init=False)

    def __post_init__(self) -> None:
        self.title_font = _scaled(self.font, 1.2, bold=True)
        self.metrics = QFontMetricsF(self.font)
        self.title_metrics = QFontMetricsF(self.title_font)
        self.em = self.metrics.height()

    def colour(self, name: str) -> QColor:
        return QColor(getattr(self.colours, name))

    def mix(self, amount: float) -> QColor:
        """`amount` of the text colour over the card's background: for grid lines and axes."""
        return blend(QColor(self.colours.base), QColor(self.colours.text), amount)


def _scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    else:
        scaled.setPixelSize(max(1, round(font.pixelSize() * factor)))
    scaled.setBold(bold)
    return scaled


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"


def nice_ticks(top: float, count: int, *, whole: bool) -> list[float]:
    """Axis values from 0 to at least `top` (and at least 1), about `count` steps of 1, 2, 2.5 or
    5 times a power of ten (whole numbers only for counts)."""
    top = max(top, 1.0)
    raw = top / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * magnitude
        if candidate >= raw and not (whole and candidate != round(candidate)):
            step = candidate
            break
    if whole:
        step = max(1.0, step)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def paint_card(painter: QPainter, rect: QRectF, pens: Pens, high_contrast: bool) -> None:
    border = QPen(QColor("#ffffff") if high_contrast else pens.colour("button"))
    border.setWidthF(2.0 if high_contrast else 1.0)
    painter.setPen(border)
    painter.setBrush(pens.colour("base"))
    radius = pens.em * 0.4
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)


def paint_chart(painter: QPainter, rect: QRectF, chart: ChartData, pens: Pens) -> None:
    """The whole chart inside `rect`: title, note, legend, axes, and the bars or lines."""
    em = pens.em
    fm = pens.metrics
    top = rect.top()
    painter.setFont(pens.title_font)
    painter.setPen(pens.colour("text"))
    title_height = pens.title_metrics.height()
    painter.drawText(
        QRectF(rect.left(), top, rect.width(), title_height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        pens.title_metrics.elidedText(chart.title, Qt.TextElideMode.ElideRight, rect.width()),
    )
    top += title_height + em * 0.15
    painter.setFont(pens.font)
    if chart.note:
        painter.setPen(pens.colour("muted"))
        painter.drawText(
            QRectF(rect.left(), top, rect.width(), em),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(chart.note, Qt.TextElideMode.ElideRight, rect.width()),
        )
        top += em
    if len(chart.series) > 1:
        top += em * 0.2
        _paint_legend(painter, QPointF(rect.left(), top), chart.series, pens)
        top += em
    top += em * 0.6

    # Room under the axis for the labels: a month and its year, or a category on two lines.
    bottom_space = em * (1.25 + 1.0 + 1.2)
    if chart.is_empty:
        plot = QRectF(rect.left(), top, rect.width(), max(0.0, rect.bottom() - bottom_space - top))
        painter.setPen(pens.colour("muted"))
        painter.drawText(
            plot, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), chart.empty_text
        )
        return

    values = [v for s in chart.series for v in s.values if v is not None]
    if chart.style is ChartStyle.STACKED:
        values = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
    plot_height = rect.bottom() - bottom_space - top
    # Headroom above the tallest bar for the number written on it.
    headroom = 1.0 if chart.style is ChartStyle.LINES else 1.1
    ticks = nice_ticks(
        max(values, default=0) * headroom,
        max(1, min(6, int(plot_height / (em * 1.8)))),
        whole=chart.whole_numbers,
    )
    tick_labels = [_number(t) for t in ticks]
    y_title_width = em * 1.3
    left = (
        rect.left() + y_title_width + max(fm.horizontalAdvance(t) for t in tick_labels) + em * 0.4
    )
    plot = QRectF(left, top, rect.right() - left, max(em, plot_height))
    axis_top = ticks[-1]

    def y_of(value: float) -> float:
        return plot.bottom() - plot.height() * value / axis_top

    # Grid and tick labels.
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        painter.setPen(QPen(pens.mix(0.55 if tick == 0 else 0.14), 1.0))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(pens.colour("muted"))
        painter.drawText(
            QRectF(
                rect.left() + y_title_width,
                y - em / 2,
                left - rect.left() - y_title_width - em * 0.4,
                em,
            ),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            label,
        )

    # Axis titles.
    painter.setPen(pens.colour("text"))
    painter.save()
    painter.translate(rect.left(), plot.center().y())
    painter.rotate(-90)
    painter.drawText(
        QRectF(-plot.height() / 2, 0, plot.height(), y_title_width),
        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
        fm.elidedText(chart.y_label, Qt.TextElideMode.ElideRight, plot.height()),
    )
    painter.restore()
    painter.drawText(
        QRectF(plot.left(), rect.bottom() - em * 1.2, plot.width(), em * 1.2),
        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
        chart.x_label,
    )

    slot = plot.width() / max(1, len(chart.categories))
    _paint_category_labels(painter, plot, slot, chart, pens)
    if chart.style is ChartStyle.LINES:
        _paint_lines(painter, plot, slot, chart, pens, y_of)
    else:
        _paint_bars(painter, plot, slot, chart, pens, y_of)


def _paint_legend(painter: QPainter, at: QPointF, series: Sequence[Series], pens: Pens) -> None:
    em = pens.em
    x = at.x()
    for s in series:
        swatch = QRectF(x, at.y() + em * 0.2, em * 0.6, em * 0.6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink_colour(s.ink, pens.colours))
        painter.drawRect(swatch)
        painter.setPen(pens.colour("text"))
        text_x = swatch.right() + em * 0.3
        width = pens.metrics.horizontalAdvance(s.name)
        painter.drawText(
            QRectF(text_x, at.y(), width + 1, em),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            s.name,
        )
        x = text_x + width + em


def labelled_categories(
    chart: ChartData, slot: float, advance: Callable[[str], float], gap: float
) -> list[int]:
    """Which categories get their label under the axis, when not all fit: for months, every
    first, second, third, fourth, sixth or twelfth month of the year (so January always has one),
    else every n-th counted back from the last; never two labels closer than `gap`.
    """
    if not chart.categories or slot <= 0:
        return []
    needed = (max(advance(c) for c in chart.categories) + gap) / slot
    if chart.months:
        step = next((s for s in CALENDAR_STEPS if s >= needed), CALENDAR_STEPS[-1])
        wanted = [i for i, m in enumerate(chart.months) if m is None or (m.month - 1) % step == 0]
    else:
        step = max(1, math.ceil(needed))
        last = len(chart.categories) - 1
        wanted = [i for i in range(last + 1) if (last - i) % step == 0]
    kept: list[int] = []
    right_edge = -math.inf
    for i in wanted:
        width = advance(chart.categories[i])
        left = slot * (i + 0.5) - width / 2
        if left >= right_edge + gap:
            kept.append(i)
            right_edge = left + width
    return kept


def _paint_category_labels(
    painter: QPainter, plot: QRectF, slot: float, chart: ChartData, pens: Pens
) -> None:
    fm = pens.metrics
    em = pens.em
    painter.setPen(pens.colour("muted"))
    if not chart.months:
        # A category that is not a month names its bar: every one is written, on two lines and
        # a little smaller if need be.
        words = [w for c in chart.categories for w in c.split()]
        widest = max((fm.horizontalAdvance(w) for w in words), default=0.0)
        scale = max(0.6, min(1.0, slot * 0.92 / widest)) if widest else 1.0
        painter.setFont(_scaled(pens.font, scale))
        for i, text in enumerate(chart.categories):
            painter.drawText(
                QRectF(plot.left() + slot * i, plot.bottom() + em * 0.15, slot, em * 2),
                int(
                    Qt.AlignmentFlag.AlignHCenter
                    | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap
                ),
                text,
            )
        painter.setFont(pens.font)
        return
    for i in labelled_categories(chart, slot, fm.horizontalAdvance, em * 0.4):
        text = chart.categories[i]
        width = fm.horizontalAdvance(text)
        centre = plot.left() + slot * (i + 0.5)
        painter.drawText(
            QRectF(centre - width, plot.bottom() + em * 0.15, width * 2, em),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            text,
        )
    painter.setPen(pens.colour("text"))
    right_edge = -math.inf
    for i, group in enumerate(chart.groups):
        if not group:
            continue
        width = fm.horizontalAdvance(group)
        left = max(plot.left(), plot.left() + slot * (i + 0.5) - width / 2)
        if left < right_edge + em * 0.5:
            continue
        painter.drawText(
            QRectF(left, plot.bottom() + em * 1.15, width + 1, em),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            group,
        )
        right_edge = left + width


def _paint_bars(
    painter: QPainter,
    plot: QRectF,
    slot: float,
    chart: ChartData,
    pens: Pens,
    y_of: Callable[[float], float],
) -> None:
    fm = pens.metrics
    em = pens.em
    stacked = chart.style is ChartStyle.STACKED
    groups = 1 if stacked else len(chart.series)
    group_width = slot * (0.72 if slot > em else 0.85)
    bar_width = group_width / groups
    painter.setPen(Qt.PenStyle.NoPen)
    for i in range(len(chart.categories)):
        base = 0.0
        x0 = plot.left() + slot * i + (slot - group_width) / 2
        for n, s in enumerate(chart.series):
            value = s.values[i] or 0.0
            if value <= 0:
                continue
            ink = s.bar_inks[i] if s.bar_inks else s.ink
            painter.setBrush(ink_colour(ink, pens.colours))
            x = x0 if stacked else x0 + bar_width * n
            top, bottom = y_of(base + value), y_of(base)
            painter.drawRect(QRectF(x, top, bar_width, bottom - top))
            if stacked:
                base += value
        # The number above each bar, where it fits.
        painter.setPen(pens.colour("text"))
        for n, s in enumerate(chart.series[: 1 if stacked else None]):
            value = base if stacked else (s.values[i] or 0.0)
            label = _number(value)
            width = bar_width if not stacked else group_width
            if value <= 0 or fm.horizontalAdvance(label) > max(width, slot * 0.95):
                continue
            x = x0 if stacked else x0 + bar_width * n
            top = y_of(value)
            painter.drawText(
                QRectF(x - em, top - em * 1.05, width + 2 * em, em),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                label,
            )
        painter.setPen(Qt.PenStyle.NoPen)


def _paint_lines(
    painter: QPainter,
    plot: QRectF,
    slot: float,
    chart: ChartData,
    pens: Pens,
    y_of: Callable[[float], float],
) -> None:
    em = pens.em
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for s in chart.series:
        colour = ink_colour(s.ink, pens.colours)
        line = QPen(colour, max(2.0, em * 0.14))
        points = [
            QPointF(plot.left() + slot * (i + 0.5), y_of(v)) if v is not None else None
            for i, v in enumerate(s.values)
        ]
        painter.setPen(line)
        for a, b in itertools.pairwise(points):
            if a is not None and b is not None:
                painter.drawLine(a, b)
        painter.setPen(QPen(pens.colour("base"), max(1.5, em * 0.08)))
        painter.setBrush(colour)
        radius = em * 0.24
        for p in points:
            if p is not None:
                painter.drawEllipse(p, radius, radius)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


# ---- widgets ----------------------------------------------------------------------------------

# The charts draw with the application font, which the View menu's zoom scales (a widget's own
# font does not always follow it once a style sheet is set), and the current theme's colours.
_RESTYLED = (
    QEvent.Type.ApplicationFontChange,
    QEvent.Type.FontChange,
    QEvent.Type.ApplicationPaletteChange,
    QEvent.Type.PaletteChange,
)


class ChartPanel(QWidget):
    """One chart on a card; it paints whatever `set_chart` last gave it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: ChartData | None = None

    def set_chart(self, chart: ChartData) -> None:
        self.chart = chart
        self.setAccessibleName(chart.title)
        self.setAccessibleDescription(describe(chart))
        self.update()

    def em(self) -> float:
        return QFontMetricsF(QApplication.font()).height()

    def minimumSizeHint(self) -> QSize:
        em = self.em()
        return QSize(math.ceil(em * 17), math.ceil(em * 15))

    def sizeHint(self) -> QSize:
        em = self.em()
        return QSize(math.ceil(em * 26), math.ceil(em * 17))

    def event(self, event: QEvent) -> bool:
        if event.type() in _RESTYLED:
            self.updateGeometry()
            self.update()
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            pens = Pens(QApplication.font(), current_colours())
            card = QRectF(self.rect())
            paint_card(painter, card, pens, current_theme() is Theme.HIGH_CONTRAST)
            self.paint_contents(
                painter, card.adjusted(pens.em, pens.em * 0.8, -pens.em, -pens.em * 0.8), pens
            )
        finally:
            painter.end()

    def paint_contents(self, painter: QPainter, rect: QRectF, pens: Pens) -> None:
        if self.chart is not None:
            paint_chart(painter, rect, self.chart, pens)


class ActionsPanel(ChartPanel):
    """Two big numbers, open and overdue, over a small chart of when the overdue ones were due."""

    TITLE = "Follow-up actions"

    def minimumSizeHint(self) -> QSize:
        em = self.em()
        return QSize(math.ceil(em * 17), math.ceil(em * 19))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_actions = 0
        self.overdue_actions = 0

    def set_numbers(self, open_actions: int, overdue_actions: int, chart: ChartData) -> None:
        self.open_actions = open_actions
        self.overdue_actions = overdue_actions
        self.set_chart(chart)
        numbers = ", ".join(f"{n} {caption}" for n, caption in self.numbers())
        self.setAccessibleName(self.TITLE)
        self.setAccessibleDescription(f"{numbers}. {describe(chart)}")

    def numbers(self) -> list[tuple[str, str]]:
        """The big numbers as drawn, each with its caption."""
        return [
            (f"{self.open_actions:,}", "open"),
            (f"{self.overdue_actions:,}", "overdue"),
        ]

    def paint_contents(self, painter: QPainter, rect: QRectF, pens: Pens) -> None:
        em = pens.em
        painter.setFont(pens.title_font)
        painter.setPen(pens.colour("text"))
        title_height = pens.title_metrics.height()
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), title_height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.TITLE,
        )
        big = _scaled(pens.font, 2.8, bold=True)
        big_height = QFontMetricsF(big).height()
        top = rect.top() + title_height + em * 0.3
        column = rect.width() / 2
        for i, (number, caption) in enumerate(self.numbers()):
            left = rect.left() + column * i
            urgent = caption == "overdue" and self.overdue_actions > 0
            painter.setFont(big)
            painter.setPen(pens.colour("warning" if urgent else "text"))
            painter.drawText(
                QRectF(left, top, column, big_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                number,
            )
            painter.setFont(pens.font)
            painter.setPen(pens.colour("muted"))
            painter.drawText(
                QRectF(left, top + big_height, column, em),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                caption,
            )
        top += big_height + em * 1.8
        painter.setPen(QPen(pens.mix(0.2), 1.0))
        painter.drawLine(
            QPointF(rect.left(), top - em * 0.5), QPointF(rect.right(), top - em * 0.5)
        )
        if self.chart is not None:
            paint_chart(
                painter,
                QRectF(rect.left(), top, rect.width(), rect.bottom() - top),
                self.chart,
                pens,
            )


def describe(chart: ChartData) -> str:
    """The chart in words, for a screen reader: each category with its values."""
    if chart.is_empty:
        return f"{chart.title}: {chart.empty_text}"
    parts = []
    for i, category in enumerate(chart.categories):
        group = chart.groups[i] if chart.groups else ""
        name = f"{category} {group}".strip()
        values = [
            f"{s.name.lower()} {_number(v)}" if len(chart.series) > 1 else _number(v)
            for s in chart.series
            if (v := s.values[i]) is not None
        ]
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    unit = f" ({chart.y_label.lower()})" if not chart.whole_numbers else ""
    return f"{chart.title}{unit}: " + "; ".join(parts) + "."


class OverviewView(QWidget):
    """The library overview: a heading, then five charts, or a friendly word when it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats: LibraryStats | None = None
        self.charts: dict[str, ChartData] = {}

        self.heading = widgets.emphasise(QLabel("Library overview"), 1.3)
        self.summary = widgets.muted("")
        self.per_month = ChartPanel()
        self.severity = ChartPanel()
        self.detect = ChartPanel()
        self.resolve = ChartPanel()
        self.follow_up = ActionsPanel()

        charts = QWidget()
        self._grid = QGridLayout(charts)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.columns = 0
        self._arrange(3)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Narrow or zoomed in, the charts move into fewer columns and scroll down, never sideways.
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(charts)
        self._scroll.installEventFilter(self)

        self.empty = widgets.EmptyNote(EMPTY_TITLE, EMPTY_MESSAGE)
        self.empty_title, self.empty_message = self.empty.title, self.empty.message

        self.pages = widgets.library_page(
            self, self.heading, self.summary, self._scroll, self.empty
        )
        self._space()

    def show_stats(self, stats: LibraryStats) -> None:
        self.stats = stats
        today = f"{stats.today.day} {month_and_year(stats.today)}"
        if stats.is_empty:
            self.charts = {}
            self.summary.setText(f"As of {today}.")
            self.pages.setCurrentIndex(1)
            return
        total = stats.incidents + stats.near_misses
        self.summary.setText(
            f"{total:,} postmortem{'s' * (total != 1)}: {stats.incidents:,} "
            f"incident{'s' * (stats.incidents != 1)} and {stats.near_misses:,} near "
            f"miss{'es' * (stats.near_misses != 1)}. As of {today}."
        )
        self.charts = {
            "per_month": per_month_chart(stats),
            "severity": severity_chart(stats),
            "detect": duration_chart(stats, resolve=False),
            "resolve": duration_chart(stats, resolve=True),
            "overdue": overdue_chart(stats),
        }
        self.per_month.set_chart(self.charts["per_month"])
        self.severity.set_chart(self.charts["severity"])
        self.detect.set_chart(self.charts["detect"])
        self.resolve.set_chart(self.charts["resolve"])
        self.follow_up.set_numbers(
            stats.open_actions, stats.overdue_actions, self.charts["overdue"]
        )
        self.pages.setCurrentIndex(0)

    @property
    def is_empty_shown(self) -> bool:
        return self.pages.currentIndex() == 1

    def _em(self) -> int:
        return math.ceil(QFontMetricsF(QApplication.font()).height())

    def _space(self) -> None:
        em = self._em()
        self._grid.setSpacing(math.ceil(em * 0.8))
        self.empty.keep_width()
        self._fit_columns()

    def _fit_columns(self) -> None:
        # The scroll area's width less a scroll bar's, whether one shows or not: showing one must
        # not change the column count, or the two could take turns.
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        width = self._scroll.width() - bar
        panel = max(p.minimumSizeHint().width() for p in self._panels())
        spacing = self._grid.spacing()
        fitting = [n for n in (3, 2) if n * panel + (n - 1) * spacing <= width]
        self._arrange(fitting[0] if fitting else 1)

    def _panels(self) -> list[ChartPanel]:
        return [self.per_month, self.severity, self.detect, self.resolve, self.follow_up]

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for panel in self._panels():
            self._grid.removeWidget(panel)
        places = {
            3: [(0, 0, 1, 2), (0, 2, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1)],
            2: [(0, 0, 1, 2), (1, 0, 1, 1), (2, 0, 1, 1), (2, 1, 1, 1), (1, 1, 1, 1)],
            1: [(i, 0, 1, 1) for i in range(5)],
        }[columns]
        for panel, (row, column, rows, spans) in zip(self._panels(), places, strict=True):
            self._grid.addWidget(panel, row, column, rows, spans)
        for i in range(5):
            self._grid.setColumnStretch(i, 1 if i < columns else 0)
            self._grid.setRowStretch(i, 1 if i <= max(r for r, *_ in places) else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._scroll and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange):
            # After the zoom has reached every widget: the charts' sizes decide the columns.
            QTimer.singleShot(0, self, self._space)
        return super().event(event)
