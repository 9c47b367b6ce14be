"""View ▸ Patterns: what the whole library says about the system and about follow-through.

Three tables, each a picture as much as a table:
- **Themes by quarter**, a heat map: how many postmortems had a systemic cause on each theme in
  each quarter, darker for more, with a mark where the theme came back;
- **Actions by theme**: agreed, done, dropped, overdue and still owed, the completion and drop
  rates and the median days to done, with a bar of the four states;
- **Came back**: each failure that returned while an action agreed after an earlier one was
  dropped or overdue.

Every number is a cell the keyboard or the mouse can reach. The one chosen shows, on the right,
the postmortems behind it with the causes or actions that count; Enter (or a double click) there
opens the postmortem at that cause or action. The numbers come from
`pmdesk.domain.library_patterns`; `Behind` is what a number stands for, kept so a test can read
it without looking at pixels.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.learning import ActionState
from pmdesk.domain.library_patterns import (
    ActionRef,
    CameBack,
    CaseRef,
    Patterns,
    ThemedCause,
    ThemePattern,
)
from pmdesk.domain.periods import Quarter, short_date
from pmdesk.ui import widgets
from pmdesk.ui.themes import Colours, blend, current_colours

Index = QModelIndex | QPersistentModelIndex

EMPTY_TITLE = "No themes on any cause yet"
EMPTY_MESSAGE = (
    "Patterns appear once systemic causes carry themes: open a postmortem's causes (Ctrl+4), "
    "choose a systemic cause and accept the suggested theme with Ctrl+Shift+T, or pick one "
    "from “Add a theme…”. This page then shows which conditions keep causing incidents, "
    "quarter by quarter, how well the actions on each were followed through, and which "
    "failures came back."
)

STATE_WORDS = {
    ActionState.DONE: "done",
    ActionState.DROPPED: "dropped",
    ActionState.OVERDUE: "overdue",
    ActionState.OWED: "open",
}
# The bar's order and each state's colour.
BAR_STATES = (ActionState.DONE, ActionState.DROPPED, ActionState.OVERDUE, ActionState.OWED)

ACTION_HEADERS = (
    "Theme",
    "Agreed",
    "Done",
    "Dropped",
    "Overdue",
    "Open",
    "Completion",
    "Drop\nrate",
    "Days to\ndone",
    "",  # the bar: the legend above says what its colours are
)
CAME_BACK_HEADERS = ("Started", "Came back in", "Theme", "After", "Unkept")

# The summary's links.
THEMED = "themed"
CAME_BACK = "came-back"

HEAT_ROLE = Qt.ItemDataRole.UserRole + 1  # a cell's share of the largest count, 0 to 1
CAME_BACK_ROLE = Qt.ItemDataRole.UserRole + 2  # how many came back in that cell
BAR_ROLE = Qt.ItemDataRole.UserRole + 3  # the four states' counts, for the bar


# ---- what a number stands for -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BehindEntry:
    """A postmortem behind a number, with the causes or actions of it that count."""

    case: CaseRef
    causes: tuple[ThemedCause, ...] = ()
    actions: tuple[tuple[ActionRef, str], ...] = ()  # with what became of each


@dataclass(frozen=True, slots=True)
class Behind:
    title: str
    entries: tuple[BehindEntry, ...]

    @property
    def postmortem_ids(self) -> list[str]:
        return [entry.case.id for entry in self.entries]


def causes_behind(
    title: str, causes: Iterable[ThemedCause], cases: dict[str, CaseRef] | Patterns
) -> Behind:
    lookup = cases.postmortems if isinstance(cases, Patterns) else cases
    grouped: dict[str, list[ThemedCause]] = {}
    for cause in causes:
        grouped.setdefault(cause.postmortem_id, []).append(cause)
    return Behind(
        title, tuple(BehindEntry(lookup[pm], causes=tuple(cs)) for pm, cs in grouped.items())
    )


def actions_behind(
    title: str, actions: Iterable[tuple[ActionRef, str]], patterns: Patterns
) -> Behind:
    grouped: dict[str, list[tuple[ActionRef, str]]] = {}
    for action, word in actions:
        grouped.setdefault(action.postmortem_id, []).append((action, word))
    return Behind(
        title,
        tuple(
            BehindEntry(patterns.postmortems[pm], actions=tuple(found))
            for pm, found in grouped.items()
        ),
    )


def came_back_behind(event: CameBack) -> Behind:
    what = f"“{event.theme}”" if event.theme else "A recurrence"
    title = f"{what} came back in {event.later.title}, {_day(event.later.day)}"
    if event.unkept > len(event.after):
        title += f": the {len(event.after)} latest of {event.unkept} unkept actions"
    entries = [BehindEntry(event.later)]
    by_case: dict[str, list[tuple[ActionRef, str]]] = {}
    cases: dict[str, CaseRef] = {}
    for action, case in event.after:
        by_case.setdefault(case.id, []).append((action, _unkept_word(action, event.later.day)))
        cases[case.id] = case
    if event.earlier is not None and event.earlier.id not in cases:
        entries.append(BehindEntry(event.earlier))
    entries += [BehindEntry(cases[pm], actions=tuple(found)) for pm, found in by_case.items()]
    return Behind(title, tuple(entries))


def _unkept_word(action: ActionRef, day: date | None) -> str:
    if action.status.value == "dropped":
        return "dropped"
    return f"overdue then (due {_day(action.due)})"


def _day(day: date | None) -> str:
    return short_date(day) if day is not None else "no date"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _days(days: float | None) -> str:
    if days is None:
        return "—"
    return f"{days:.0f}" if days == round(days) else f"{days:.1f}"


def quarter_heading(quarter: Quarter) -> str:
    return f"Q{quarter.number}\n{quarter.year}"


# ---- painting ----------------------------------------------------------------------------------


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def readable_on(fill: QColor, colours: Colours) -> QColor:
    """The text or the base colour, whichever reads better on `fill`."""
    text, base = QColor(colours.text), QColor(colours.base)
    lum = _luminance(fill)

    def contrast(other: QColor) -> float:
        a, b = sorted((lum, _luminance(other)))
        return (b + 0.05) / (a + 0.05)

    return text if contrast(text) >= contrast(base) else base


def heat_fill(share: float, colours: Colours) -> QColor:
    """A heat map cell's colour: the link colour, stronger for a larger share of the largest."""
    return blend(QColor(colours.base), QColor(colours.link), 0.15 + 0.75 * share)


def state_colour(state: ActionState, colours: Colours) -> QColor:
    return QColor(
        {
            ActionState.DONE: colours.ok,
            ActionState.DROPPED: colours.error,
            ActionState.OVERDUE: colours.warning,
            ActionState.OWED: colours.muted,
        }[state]
    )


class HeatCells(QStyledItemDelegate):
    """A count on a cell coloured by its share of the largest, with a corner mark where the
    theme came back."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        share = index.data(HEAT_ROLE)
        if not isinstance(share, float):
            super().paint(painter, option, index)
            return
        colours = current_colours()
        rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fill = heat_fill(share, colours) if share > 0 else QColor(colours.base)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 3, 3)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.setPen(readable_on(fill, colours) if share > 0 else QColor(colours.muted))
        font = QFont(option.font)
        font.setBold(share > 0)
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(text))
        came_back = index.data(CAME_BACK_ROLE)
        if isinstance(came_back, int) and came_back > 0:
            size = min(rect.height(), rect.width()) * 0.38
            corner = QPainterPath()
            corner.moveTo(rect.right() - size, rect.top())
            corner.lineTo(rect.right(), rect.top())
            corner.lineTo(rect.right(), rect.top() + size)
            corner.closeSubpath()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours.warning))
            painter.drawPath(corner)
        if option.state & QStyle.StateFlag.State_HasFocus:
            pen = QPen(QColor(colours.highlight), 2.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        em = option.fontMetrics.height()
        return QSize(max(size.width(), math.ceil(em * 3.2)), max(size.height(), em + em // 2 + 6))


class StateBars(QStyledItemDelegate):
    """The follow-through column: one bar of done, dropped, overdue and open actions."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        counts = index.data(BAR_ROLE)
        super().paint(painter, option, index)
        if not isinstance(counts, list) or not sum(counts):
            return
        colours = current_colours()
        em = option.fontMetrics.height()
        rect = QRectF(option.rect).adjusted(em * 0.3, em * 0.3, -em * 0.3, -em * 0.3)
        total = sum(counts)
        left = rect.left()
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        for state, count in zip(BAR_STATES, counts, strict=True):
            width = rect.width() * count / total
            painter.setBrush(state_colour(state, colours))
            painter.drawRect(QRectF(left, rect.top(), width, rect.height()))
            left += width
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        em = option.fontMetrics.height()
        return QSize(max(size.width(), math.ceil(em * 6)), max(size.height(), em + em // 2 + 6))


# ---- widgets -----------------------------------------------------------------------------------


def fit_table(
    table: QTableView, most_rows: int = 0, stretch: tuple[int, ...] = (), *, uniform: bool = False
) -> None:
    """Make a table as large as its cells, so that the page scrolls, not each table; one of
    more than `most_rows` rows is that tall and scrolls itself, and its `stretch` columns share
    the width the page gives it. `uniform` rows are one line each, and not measured one by one
    (a long list would take a moment)."""
    header = table.horizontalHeader()
    for column in range(table.model().columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    rows = table.verticalHeader()
    if uniform:
        em = QFontMetricsF(QApplication.font()).height()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(math.ceil(em * 1.5 + 6))
    else:
        table.resizeRowsToContents()
    table.resizeColumnsToContents()
    count = table.model().rowCount()
    shown = count if not most_rows else min(count, most_rows)
    height = sum(table.rowHeight(r) for r in range(shown))
    table.setFixedHeight(height + header.sizeHint().height() + 2 * table.frameWidth())
    width = header.length() + 2 * table.frameWidth()
    if count > shown:
        width += table.verticalScrollBar().sizeHint().width()
    if not stretch:
        table.setFixedWidth(width)
        return
    em = QFontMetricsF(QApplication.font()).height()
    table.setMinimumWidth(min(width, math.ceil(em * 40)))
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def _number_table(table: QTableView, name: str) -> None:
    """A table of numbers to choose from: one cell at a time, arrows within, Tab onwards."""
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab goes on to the next table, arrows move in this one
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)


class NumberTable(QTableWidget):
    """A short table whose cells stand for postmortems: choosing one (a click, the arrows)
    shows them (`chosen`)."""

    chosen = Signal()

    def __init__(self, name: str, headers: Sequence[str]) -> None:
        super().__init__(0, len(headers))
        _number_table(self, name)
        self.setHorizontalHeaderLabels(list(headers))
        self.behind: dict[tuple[int, int], Callable[[], Behind]] = {}
        self.currentCellChanged.connect(lambda *_args: self.chosen.emit())
        self.cellClicked.connect(lambda *_args: self.chosen.emit())

    def fit(self) -> None:
        fit_table(self)

    def behind_current(self) -> Behind | None:
        make = self.behind.get((self.currentRow(), self.currentColumn()))
        return make() if make is not None else None


class CameBackModel(QAbstractTableModel):
    """Every failure that came back, a row each, its words made only when a row is shown: a
    library of thousands of postmortems can have thousands of them."""

    def __init__(self) -> None:
        super().__init__()
        self.events: tuple[CameBack, ...] = ()

    def set_events(self, events: tuple[CameBack, ...]) -> None:
        self.beginResetModel()
        self.events = events
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CAME_BACK_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CAME_BACK_HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.texts(self.events[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def texts(event: CameBack) -> tuple[str, str, str, str, str]:
        first, case = event.after[0]
        after = f"“{first.title}” {_unkept_word(first, event.later.day)} ({case.title})"
        if event.unkept > 1:
            after += f" and {event.unkept - 1} more"
        return (
            _day(event.later.day),
            event.later.title,
            event.theme or "Recurrence",
            after,
            f"{event.unkept:,}",
        )


class CameBackTable(QTableView):
    """What came back, the newest first: as tall as `most_rows` rows and scrolling beyond."""

    chosen = Signal()

    def __init__(self, most_rows: int = 12) -> None:
        super().__init__()
        _number_table(self, "Came back")
        self.rows = CameBackModel()
        self.setModel(self.rows)
        self.most_rows = most_rows
        # Column widths from the first rows, not from thousands.
        self.horizontalHeader().setResizeContentsPrecision(most_rows * 4)
        self.selectionModel().currentChanged.connect(lambda *_args: self.chosen.emit())
        self.clicked.connect(lambda _index: self.chosen.emit())

    def rowCount(self) -> int:
        return self.rows.rowCount()

    def columnCount(self) -> int:
        return self.rows.columnCount()

    def currentRow(self) -> int:
        return self.currentIndex().row()

    def currentColumn(self) -> int:
        return self.currentIndex().column()

    def setCurrentCell(self, row: int, column: int) -> None:
        self.setCurrentIndex(self.rows.index(row, column))

    def fit(self) -> None:
        fit_table(self, self.most_rows, stretch=(1, 3), uniform=True)

    def behind_current(self) -> Behind | None:
        row = self.currentRow()
        if 0 <= row < len(self.rows.events):
            return came_back_behind(self.rows.events[row])
        return None


class BehindPanel(QWidget):
    """The postmortems behind the chosen number; Enter opens one at its cause or action."""

    open_requested = Signal(str, str, str)  # postmortem id, "cause" / "action" / "", item id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.behind: Behind | None = None
        self.title = widgets.emphasise(QLabel("Behind the number"), 1.05)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Postmortems behind the number")
        self.tree.setHeaderLabels(["Postmortem", "Started"])
        # A line a row, however many postmortems a number stands for (a theme's total in a large
        # library is over a thousand): rows of one height need no measuring; tooltips say the rest.
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        self.hint = widgets.muted("Choose a number on the left to see the postmortems behind it.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)

    def show_behind(self, behind: Behind | None) -> None:
        self.behind = behind
        self.tree.clear()
        if behind is None:
            self.title.setText("Behind the number")
            self.hint.setText("Choose a number on the left to see the postmortems behind it.")
            return
        self.title.setText(behind.title)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        tops = []
        for entry in behind.entries:
            top = QTreeWidgetItem([entry.case.title, _day(entry.case.day)])
            top.setData(0, Qt.ItemDataRole.UserRole, (entry.case.id, "", ""))
            top.setToolTip(0, entry.case.title)
            top.setFont(0, bold)
            for cause in entry.causes:
                child = QTreeWidgetItem(top, [cause.text, ""])
                child.setData(0, Qt.ItemDataRole.UserRole, (entry.case.id, "cause", cause.id))
                child.setToolTip(0, cause.text)
            for action, word in entry.actions:
                owner = f" · {action.owner}" if action.owner else ""
                child = QTreeWidgetItem(top, [f"{action.title}{owner}", word])
                child.setData(0, Qt.ItemDataRole.UserRole, (entry.case.id, "action", action.id))
                child.setToolTip(0, action.title)
            tops.append(top)
        self.tree.addTopLevelItems(tops)
        self.tree.expandAll()
        count = len(behind.entries)
        self.hint.setText(
            f"{count} postmortem{'s' * (count != 1)}. Enter or a double click opens one, at the "
            "cause or action chosen."
        )
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        postmortem_id, what, item_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.open_requested.emit(postmortem_id, what, item_id)


def _section(title: str, note: str) -> tuple[QLabel, QLabel]:
    heading = widgets.emphasise(QLabel(title), 1.15)
    return heading, widgets.muted(note)


class PatternsView(QWidget):
    """The library's patterns: a heading, three tables and the postmortems behind a number."""

    open_requested = Signal(str, str, str)  # postmortem id, "cause" / "action" / "", item id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patterns: Patterns | None = None

        self.heading = widgets.emphasise(QLabel("Patterns"), 1.3)
        self.summary = widgets.muted("")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.summary.linkActivated.connect(self._summary_link)

        self.heat = NumberTable("Themes by quarter", ["Theme"])
        self.heat.setItemDelegate(HeatCells(self.heat))
        self.follow_through = NumberTable("Actions by theme", ACTION_HEADERS)
        bars = StateBars(self.follow_through)
        self.follow_through.setItemDelegateForColumn(len(ACTION_HEADERS) - 1, bars)
        self.came_back = CameBackTable(most_rows=12)
        self.tables: tuple[NumberTable | CameBackTable, ...] = (
            self.heat,
            self.follow_through,
            self.came_back,
        )

        self._notes: list[QLabel] = []
        sections = QWidget()
        column = QVBoxLayout(sections)
        column.setContentsMargins(0, 0, 0, 0)
        for title, note, table, extra in (
            (
                "Themes by quarter",
                "Postmortems with a systemic cause on the theme, by the quarter they started. A "
                "corner mark: the theme came back there while an action on it was dropped or "
                "overdue.",
                self.heat,
                None,
            ),
            (
                "Actions by theme",
                "The actions agreed on those causes. Completion is done of agreed, the drop rate "
                "dropped of agreed; days to done is the median, from the day the incident "
                "started to the day the action was marked done.",
                self.follow_through,
                self._legend(),
            ),
            (
                "Came back",
                "A theme or a recurrence that returned while an action agreed after an earlier "
                "postmortem was dropped, or still open past its due day.",
                self.came_back,
                None,
            ),
        ):
            heading, words = _section(title, note)
            self._notes.append(words)
            column.addWidget(heading)
            column.addWidget(words)
            if extra is not None:
                column.addWidget(extra)
            column.addWidget(table)
            column.addSpacing(self._em())
        self.no_came_back = widgets.muted(
            "Nothing came back: no theme or recurrence returned while an action on it was "
            "dropped or overdue."
        )
        column.insertWidget(column.indexOf(self.came_back), self.no_came_back)
        column.addStretch(1)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidget(sections)
        # The notes wrap at the visible width, however wide a table makes the page.
        self._scroll.viewport().installEventFilter(self)

        self.behind = BehindPanel()
        self.behind.open_requested.connect(self.open_requested)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._scroll)
        self.splitter.addWidget(self.behind)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self._split = False  # the first time it is laid out, the panel takes its share

        self.empty = widgets.EmptyNote(EMPTY_TITLE, EMPTY_MESSAGE)
        self.empty_title, self.empty_message = self.empty.title, self.empty.message

        self.pages = widgets.library_page(
            self, self.heading, self.summary, self.splitter, self.empty
        )

        for table in self.tables:
            table.chosen.connect(lambda t=table: self.behind.show_behind(t.behind_current()))
            # Enter on a number goes to the postmortems behind it
            table.activated.connect(lambda _index: self.behind.tree.setFocus())
        for first, second in itertools.pairwise((*self.tables, self.behind.tree)):
            QWidget.setTabOrder(first, second)

    # -- filling ---------------------------------------------------------------------------------

    def show_patterns(self, patterns: Patterns) -> None:
        """Show `patterns`, keeping the chosen cell where it still is."""
        self.patterns = patterns
        if patterns.is_empty:
            self.summary.setText(f"As of {_day(patterns.today)}.")
            self.pages.setCurrentIndex(1)
            self.behind.show_behind(None)
            return
        kept = [(t.currentRow(), t.currentColumn()) for t in self.tables]
        causes = self.themed_causes()
        cases = len({c.postmortem_id for c in causes})
        returns = len(patterns.came_back)
        # Its numbers are links too: to every themed cause, and to what came back.
        self.summary.setText(
            f'<a href="{THEMED}">{len(causes):,} themed cause{"s" * (len(causes) != 1)} in '
            f"{cases:,} postmortem{'s' * (cases != 1)}</a>, {len(patterns.themes)} "
            f"theme{'s' * (len(patterns.themes) != 1)}; failures "
            f'<a href="{CAME_BACK}">came back {returns:,} time{"s" * (returns != 1)}</a>. '
            f"As of {_day(patterns.today)}."
        )
        self._fill_heat(patterns)
        self._fill_actions(patterns)
        self._fill_came_back(patterns)
        self.pages.setCurrentIndex(0)
        self._orient()
        for table, (row, column) in zip(self.tables, kept, strict=True):
            if 0 <= row < table.rowCount() and 0 <= column < table.columnCount():
                table.blockSignals(True)  # one panel to fill, below: not one per table
                table.setCurrentCell(row, column)
                table.blockSignals(False)
        self.behind.show_behind(self._focused_table().behind_current())

    def themed_causes(self) -> list[ThemedCause]:
        """Every systemic cause with a theme, once, in the order of the themes."""
        assert self.patterns is not None
        found = {c.id: c for t in self.patterns.themes for c in t.causes}
        return list(found.values())

    def _summary_link(self, link: str) -> None:
        if link == THEMED:
            causes = self.themed_causes()
            cases = len({c.postmortem_id for c in causes})
            title = f"Every themed cause: {cases} postmortem{'s' * (cases != 1)}"
            self.behind.show_behind(causes_behind(title, causes, self._cases()))
            self.behind.tree.setFocus()
        elif link == CAME_BACK and self.came_back.rowCount():
            if self.came_back.currentRow() < 0:
                self.came_back.setCurrentCell(0, 0)
            self.came_back.setFocus()
            self._scroll.ensureWidgetVisible(self.came_back)
            self.behind.show_behind(self.came_back.behind_current())

    def _focused_table(self) -> NumberTable | CameBackTable:
        for table in self.tables:
            if table.hasFocus():
                return table
        return self.heat

    def _fill_heat(self, patterns: Patterns) -> None:
        table = self.heat
        columns: list[tuple[str, tuple[Quarter, ...]]] = []
        if patterns.earlier:
            first, last = patterns.earlier[0], patterns.earlier[-1]
            columns.append(("Earlier", patterns.earlier))
            earlier_words = f"{first.label} to {last.label}" if first != last else first.label
        columns += [(quarter_heading(q), (q,)) for q in patterns.quarters]
        headers = ["Theme", *(name for name, _ in columns), "All"]
        table.blockSignals(True)
        table.clear()
        table.behind.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(patterns.themes))
        cells = [
            [len({c.postmortem_id for c in theme.causes_in(qs)}) for _, qs in columns]
            for theme in patterns.themes
        ]
        largest = max((n for row in cells for n in row), default=0) or 1
        for row, theme in enumerate(patterns.themes):
            name = QTableWidgetItem(theme.theme)
            name.setToolTip(f"{theme.theme}: every postmortem")
            table.setItem(row, 0, name)
            table.behind[(row, 0)] = self._theme_behind(theme)
            came_back_in = Counter(e.later.quarter for e in theme.came_back)
            for column, ((label, quarters), count) in enumerate(
                zip(columns, cells[row], strict=True), start=1
            ):
                item = QTableWidgetItem(f"{count:,}" if count else "")
                item.setData(HEAT_ROLE, count / largest)
                returned = sum(came_back_in[q] for q in quarters)
                item.setData(CAME_BACK_ROLE, returned)
                when = earlier_words if label == "Earlier" else quarters[0].label
                tip = f"{theme.theme}, {when}: {count} postmortem{'s' * (count != 1)}"
                if returned:
                    tip += f"; came back {returned} time{'s' * (returned != 1)}"
                item.setToolTip(tip + ".")
                table.setItem(row, column, item)
                table.behind[(row, column)] = self._cell_behind(theme, quarters, when)
            total = QTableWidgetItem(f"{len(theme.postmortem_ids):,}")
            total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            bold = QFont(total.font())
            bold.setBold(True)
            total.setFont(bold)
            total.setToolTip(f"{theme.theme}: {len(theme.postmortem_ids)} postmortems in all.")
            table.setItem(row, len(headers) - 1, total)
            table.behind[(row, len(headers) - 1)] = self._theme_behind(theme)
        table.blockSignals(False)
        table.fit()

    def _fill_actions(self, patterns: Patterns) -> None:
        table = self.follow_through
        table.blockSignals(True)
        table.clearContents()
        table.behind.clear()
        table.setRowCount(len(patterns.themes))
        for row, theme in enumerate(patterns.themes):
            counts = theme.counts
            table.setItem(row, 0, QTableWidgetItem(theme.theme))
            table.behind[(row, 0)] = self._actions_behind(theme, BAR_STATES, "agreed")
            values: list[tuple[str, tuple[ActionState, ...], str]] = [
                (f"{counts.agreed:,}", BAR_STATES, "agreed"),
                (f"{counts.done:,}", (ActionState.DONE,), "done"),
                (f"{counts.dropped:,}", (ActionState.DROPPED,), "dropped"),
                (f"{counts.overdue:,}", (ActionState.OVERDUE,), "overdue"),
                (f"{counts.owed:,}", (ActionState.OWED,), "open, not yet due"),
                (_percent(theme.completion), BAR_STATES, "agreed, for the completion rate"),
                (_percent(theme.drop_rate), BAR_STATES, "agreed, for the drop rate"),
                (_days(counts.days_to_done), (ActionState.DONE,), "done, for days to done"),
            ]
            for column, (text, states, words) in enumerate(values, start=1):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, column, item)
                table.behind[(row, column)] = self._actions_behind(theme, states, words)
            bar = QTableWidgetItem("")
            bar.setData(BAR_ROLE, [len(theme.actions_in(s)) for s in BAR_STATES])
            bar.setToolTip(
                ", ".join(f"{len(theme.actions_in(s))} {STATE_WORDS[s]}" for s in BAR_STATES)
            )
            table.setItem(row, len(ACTION_HEADERS) - 1, bar)
            table.behind[(row, len(ACTION_HEADERS) - 1)] = self._actions_behind(
                theme, BAR_STATES, "agreed"
            )
        table.blockSignals(False)
        table.fit()

    def _fill_came_back(self, patterns: Patterns) -> None:
        self.came_back.rows.set_events(patterns.came_back)
        self.no_came_back.setVisible(not patterns.came_back)
        self.came_back.setVisible(bool(patterns.came_back))
        self.came_back.fit()

    def _cell_behind(
        self, theme: ThemePattern, quarters: tuple[Quarter, ...], when: str
    ) -> Callable[[], Behind]:
        def make() -> Behind:
            causes = theme.causes_in(quarters)
            count = len({c.postmortem_id for c in causes})
            title = f"{theme.theme}, {when}: {count} postmortem{'s' * (count != 1)}"
            return causes_behind(title, causes, self._cases())

        return make

    def _theme_behind(self, theme: ThemePattern) -> Callable[[], Behind]:
        def make() -> Behind:
            count = len(theme.postmortem_ids)
            title = f"{theme.theme}: {count} postmortem{'s' * (count != 1)} in all"
            return causes_behind(title, theme.causes, self._cases())

        return make

    def _actions_behind(
        self, theme: ThemePattern, states: tuple[ActionState, ...], words: str
    ) -> Callable[[], Behind]:
        def make() -> Behind:
            found = theme.actions_in(*states)
            title = f"{theme.theme}: {len(found)} action{'s' * (len(found) != 1)} {words}"
            assert self.patterns is not None
            return actions_behind(
                title, ((a, STATE_WORDS[theme.states[a.id]]) for a in found), self.patterns
            )

        return make

    def _cases(self) -> dict[str, CaseRef]:
        assert self.patterns is not None
        return dict(self.patterns.postmortems)

    def _legend(self) -> QWidget:
        legend = QWidget()
        row = QHBoxLayout(legend)
        row.setContentsMargins(0, 0, 0, 0)
        colours = current_colours()
        self._legend_marks: list[tuple[QLabel, ActionState]] = []
        for state in BAR_STATES:
            mark = QLabel("■")
            widgets.tint(mark, state_colour(state, colours).name())
            self._legend_marks.append((mark, state))
            row.addWidget(mark)
            row.addWidget(QLabel(STATE_WORDS[state]))
            row.addSpacing(self._em())
        row.addStretch(1)
        return legend

    # -- keeping the look ------------------------------------------------------------------------

    def _em(self) -> int:
        return math.ceil(QFontMetricsF(QApplication.font()).height())

    def focus_first(self) -> None:
        """The keyboard in the heat map, on the first theme's total."""
        if self.pages.currentIndex() == 0 and self.heat.rowCount():
            if self.heat.currentRow() < 0:
                self.heat.setCurrentCell(0, self.heat.columnCount() - 1)
            self.heat.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            for note in (*self._notes, self.no_came_back):
                note.setMaximumWidth(self._scroll.viewport().width())
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._orient()

    def _orient(self) -> None:
        """The postmortems behind a number beside the tables where both fit, else under them;
        the panel takes its share again whenever the two change places."""
        em = self._em()
        tables = max(table.minimumWidth() for table in self.tables)
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        beside = self.width() >= tables + bar + em * 20
        orientation = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self._split and orientation == self.splitter.orientation():
            return
        self._split = True
        self.splitter.setOrientation(orientation)
        if beside:  # the tables whole, the panel at least 20 lines of text wide
            whole = self.splitter.width()
            first = min(whole - em * 20, max(tables + bar + em, round(whole * 0.6)))
        else:
            whole = self.splitter.height()
            first = round(whole * 0.68)
        self.splitter.setSizes([first, whole - first])

    def event(self, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.ApplicationFontChange,
            QEvent.Type.FontChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.PaletteChange,
        ):
            QTimer.singleShot(0, self, self._restyle)
        return super().event(event)

    def _restyle(self) -> None:
        colours = current_colours()
        for mark, state in getattr(self, "_legend_marks", []):
            widgets.tint(mark, state_colour(state, colours).name())
        self.empty.keep_width()
        for table in self.tables:
            table.fit()
        self._orient()
