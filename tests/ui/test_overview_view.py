"""The library overview: what each chart shows, the empty state, and painting at every zoom."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import ActionItem, ActionStatus, Postmortem, PostmortemKind, Severity
from pmdesk.services.library_stats import LibraryStats, compute_stats, library_stats
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from pmdesk.storage.stats import PostmortemMoments
from pmdesk.ui.overview_view import (
    DAYS,
    EMPTY_TITLE,
    HOURS,
    MINUTES,
    ChartData,
    ChartStyle,
    Ink,
    OverviewView,
    Series,
    duration_unit,
    labelled_categories,
    nice_ticks,
)
from pmdesk.ui.themes import COLOURS, Theme, apply_theme, apply_zoom

TODAY = date(2025, 3, 15)


@pytest.fixture
def app() -> Iterator[QApplication]:
    """The application, with its theme and zoom put back for the next test."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    apply_theme(instance, Theme.LIGHT)
    apply_zoom(instance, 1.0)


@pytest.fixture
def view(qtbot: QtBot, app: QApplication) -> OverviewView:
    shown = OverviewView()
    qtbot.addWidget(shown)
    shown.resize(1600, 1000)
    with qtbot.waitExposed(shown):
        shown.show()
    return shown


def moment(
    kind: PostmortemKind,
    severity: Severity | None,
    started: datetime,
    detect_minutes: float | None = None,
    resolve_minutes: float | None = None,
) -> PostmortemMoments:
    def after(minutes: float | None) -> datetime | None:
        return None if minutes is None else started + timedelta(minutes=minutes)

    return PostmortemMoments(
        kind, severity, started, started, after(detect_minutes), after(resolve_minutes), None
    )


def example_stats() -> LibraryStats:
    """Five incidents and two near misses between December and February; four open actions."""
    incident, near_miss = PostmortemKind.INCIDENT, PostmortemKind.NEAR_MISS
    rows = [
        moment(incident, Severity.SEV4, datetime(2024, 12, 5, 9, tzinfo=UTC), 0, 45),
        moment(incident, Severity.SEV1, datetime(2025, 1, 10, 10, tzinfo=UTC), 5, 60),
        moment(incident, Severity.SEV2, datetime(2025, 1, 20, 8, tzinfo=UTC), 15, 120),
        moment(incident, None, datetime(2025, 1, 31, 23, tzinfo=UTC), 20),
        moment(incident, Severity.SEV2, datetime(2025, 2, 3, 12, tzinfo=UTC), -10, 180),
        moment(near_miss, None, datetime(2025, 2, 14, 9, tzinfo=UTC)),
        moment(near_miss, None, datetime(2025, 2, 15, 9, tzinfo=UTC)),
    ]
    due = [(date(2025, 2, 1), 1), (date(2025, 3, 14), 2), (None, 1)]
    return compute_stats(rows, due, TODAY)


def test_each_chart_holds_the_numbers_of_the_library(view: OverviewView) -> None:
    view.show_stats(example_stats())

    assert not view.is_empty_shown
    assert view.summary.text() == (
        "7 postmortems: 5 incidents and 2 near misses. As of 15 March 2025."
    )
    per_month = view.charts["per_month"]
    assert per_month.style is ChartStyle.STACKED and len(per_month.categories) == 12
    assert per_month.categories[-4:] == ("Dec", "Jan", "Feb", "Mar")
    assert [s.values[-4:] for s in per_month.series] == [(1, 3, 1, 0), (0, 0, 2, 0)]
    assert per_month.value_labels()[-4:] == ["1", "3", "3", "0"]
    assert per_month.groups[0] == "2024" and per_month.groups[-3] == "2025"

    severity = view.charts["severity"]
    assert severity.categories == ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5", "Not set")
    assert severity.series[0].values == (1, 2, 0, 1, 0, 1)
    assert severity.value_labels() == ["1", "2", "0", "1", "0", "1"]

    detect = view.charts["detect"]
    assert detect.y_label == "Minutes" and detect.style is ChartStyle.LINES
    # December 0 min; January 5, 15 and 20 → 15; February's detection came before its trigger.
    assert detect.series[0].values[-4:] == (0, 15, None, None)
    assert detect.note == "Monthly median; overall 10 min"
    resolve = view.charts["resolve"]
    assert resolve.y_label == "Hours"
    assert resolve.series[0].values[-4:] == (0.75, 1.5, 3.0, None)

    assert view.follow_up.numbers() == [("4", "open"), ("3", "overdue")]
    overdue = view.charts["overdue"]
    assert overdue.categories == ("Feb", "Mar") and overdue.series[0].values == (1, 2)
    assert "3 overdue" in view.follow_up.accessibleDescription()
    assert "SEV2: 2" in view.severity.accessibleDescription()


def test_the_overview_of_a_real_library(view: OverviewView, library: Library) -> None:
    with library.transaction() as conn:
        repository.insert_postmortem(
            conn,
            Postmortem(
                title="Only a title",
                severity=Severity.SEV3,
                actions=[ActionItem("a1", "Add a canary", status=ActionStatus.OPEN)],
            ),
        )

    view.show_stats(library_stats(library, TODAY))

    assert view.charts["severity"].series[0].values == (0, 0, 1, 0, 0, 0)
    assert view.follow_up.numbers() == [("1", "open"), ("0", "overdue")]
    assert view.charts["detect"].is_empty and view.charts["overdue"].is_empty


def test_an_empty_library_gets_a_friendly_page(view: OverviewView, library: Library) -> None:
    view.show_stats(library_stats(library, TODAY))

    assert view.is_empty_shown and view.charts == {}
    assert view.empty_title.isVisible() and view.empty_title.text() == EMPTY_TITLE
    assert not view.per_month.isVisible()

    view.show_stats(example_stats())
    assert not view.is_empty_shown and view.per_month.isVisible()


def pixel_share(image: QImage, colour: str) -> float:
    """The share of sampled pixels that are exactly `colour`."""
    wanted = QColor(colour).rgb()
    samples = [
        image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
    ]
    return sum(1 for p in samples if p == wanted) / len(samples)


@pytest.mark.parametrize("zoom", [0.8, 1.0, 2.0])
@pytest.mark.parametrize("theme", list(Theme))
def test_paints_in_every_theme_at_every_zoom(
    view: OverviewView, app: QApplication, qtbot: QtBot, zoom: float, theme: Theme
) -> None:
    apply_theme(app, theme)
    apply_zoom(app, zoom)
    view.show_stats(example_stats())
    # Zoomed in, the charts need more room: two columns instead of three (at 1600 pixels).
    qtbot.waitUntil(lambda: view.columns == (3 if zoom < 2 else 2))

    image = view.grab().toImage()

    colours = COLOURS[theme]
    assert pixel_share(image, colours.base) > 0.2  # the cards
    assert pixel_share(image, colours.error) > 0.001  # the incident bars


def test_the_charts_follow_a_theme_change(view: OverviewView, app: QApplication) -> None:
    view.show_stats(example_stats())
    before = view.grab().toImage()
    assert pixel_share(before, COLOURS[Theme.LIGHT].base) > 0.2

    apply_theme(app, Theme.DARK)
    QApplication.processEvents()

    after = view.grab().toImage()
    assert pixel_share(after, COLOURS[Theme.DARK].base) > 0.2
    assert pixel_share(after, COLOURS[Theme.LIGHT].base) == 0


def test_a_narrow_view_puts_the_charts_in_one_column(view: OverviewView, qtbot: QtBot) -> None:
    view.show_stats(example_stats())
    view.resize(420, 900)
    qtbot.waitUntil(lambda: view.columns == 1)

    view.resize(1600, 1000)
    qtbot.waitUntil(lambda: view.columns == 3)


def test_durations_are_told_in_minutes_hours_or_days() -> None:
    assert duration_unit(None) is MINUTES
    assert duration_unit(timedelta(minutes=120)) is MINUTES
    assert duration_unit(timedelta(minutes=121)) is HOURS
    assert duration_unit(timedelta(days=3)) is HOURS
    assert duration_unit(timedelta(days=3, seconds=1)) is DAYS
    assert HOURS.of(timedelta(minutes=90)) == 1.5


def test_axis_ticks_are_round_numbers_that_reach_the_top() -> None:
    assert nice_ticks(18, 4, whole=True) == [0, 5, 10, 15, 20]
    assert nice_ticks(85 * 1.1, 5, whole=True) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 5, whole=True) == [0, 1]
    assert nice_ticks(3, 6, whole=True) == [0, 1, 2, 3]  # never half an incident
    assert nice_ticks(1.6, 4, whole=False) == [0, 0.5, 1.0, 1.5, 2.0]


def months_chart(months: list[date]) -> ChartData:
    return ChartData(
        title="t",
        x_label="x",
        y_label="y",
        categories=tuple(f"{m:%b}" for m in months),
        series=(Series("s", tuple(1.0 for _ in months), Ink.INCIDENT),),
        style=ChartStyle.BARS,
        months=tuple(months),
    )


def test_crowded_month_labels_keep_january_and_never_touch() -> None:
    months = [date(2023 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(24)]
    chart = months_chart(months)

    def advance(text: str) -> float:
        return 30.0

    assert labelled_categories(chart, 40, advance, 6) == list(range(24))
    crowded = labelled_categories(chart, 12, advance, 6)
    assert [months[i].month for i in crowded] == [7, 10, 1, 4, 7, 10, 1, 4]
    assert all((b - a) * 12 >= 36 for a, b in itertools.pairwise(crowded))


def test_a_line_at_zero_is_a_line_but_bars_of_zero_are_nothing() -> None:
    chart = months_chart([date(2025, 1, 1), date(2025, 2, 1)])
    zero_bars = replace(chart, series=(Series("s", (0.0, 0.0), Ink.OVERDUE),))
    zero_line = replace(
        chart, style=ChartStyle.LINES, series=(Series("s", (0.0, None), Ink.DETECT),)
    )
    no_line = replace(zero_line, series=(Series("s", (None, None), Ink.DETECT),))

    assert zero_bars.is_empty and not zero_line.is_empty and no_line.is_empty
