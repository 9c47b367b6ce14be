"""Similar past incidents for the open postmortem, and the incidents it is linked to as a
recurrence, in both directions.

Ranking the whole library takes about 0.6 s with 2,000 postmortems, so it runs in a worker thread.
The list already shown stays there until the new one arrives. The postmortem is ranked again only
when what similarity reads of it (tags, summaries, cause texts) has changed, or on `refresh()`.
The recurrence links take one query and are read on the window's thread.

Linking and unlinking are undoable steps through the workspace. Double-clicking an incident in
either list asks for it to be opened (`open_requested`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import Postmortem
from pmdesk.domain.moments import key_moments
from pmdesk.domain.similarity import Match
from pmdesk.services import recurrences
from pmdesk.services.changes import Changes
from pmdesk.services.postmortems import NotFoundError
from pmdesk.services.recurrences import Recurrence, RecurrenceLink
from pmdesk.services.similar import similar_postmortems
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.library import Library
from pmdesk.ui.commands import Outcome
from pmdesk.ui.edits import Edits
from pmdesk.ui.side_panels import SIMILAR_NOTHING_OPEN
from pmdesk.ui.themes import Theme, current_colours, current_theme
from pmdesk.ui.widgets import heading, muted

Index = QModelIndex | QPersistentModelIndex

LIMIT = 10
ROW = Qt.ItemDataRole.UserRole + 1  # a _Row: what the delegate paints
BAR_WIDTH = 56
BAR_HEIGHT = 8
LINE_GAP = 3
LINKED = "linked as a recurrence"
NOTHING_OPEN = SIMILAR_NOTHING_OPEN
NOTHING_SIMILAR = (
    "No similar incidents in this library yet: no other postmortem shares a tag or a telling "
    "word with this one."
)
NOT_LINKED = "Not linked to any other incident yet."


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    title: str
    details: tuple[str, ...]  # quiet lines under the title
    score: float | None  # drawn as a bar; None for a recurrence link
    linked: bool = False  # a similar incident already linked, either way round

    @property
    def lines(self) -> int:
        return 1 + len(self.details)


def reasons(match: Match) -> str:
    """ "shares tags config, checkout · words canary, schema": why the match is called similar."""
    parts = []
    if match.shared_tags:
        parts.append("tags " + ", ".join(match.shared_tags))
    if match.shared_words:
        parts.append("words " + ", ".join(match.shared_words))
    return "shares " + " · ".join(parts) if parts else ""


def _day(started: datetime | None) -> str:
    return recurrences.started_text(started)


class _RowDelegate(QStyledItemDelegate):
    """Title in bold with the score bar at its right; the details quietly below, a line each."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        row = index.data(ROW)
        lines = row.lines if isinstance(row, _Row) else 2
        bold = QFont(option.font)
        bold.setBold(True)
        line = max(QFontMetrics(bold).lineSpacing(), QFontMetrics(option.font).lineSpacing())
        return QSize(200, line * lines + LINE_GAP * (lines - 1) + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW)
        if not isinstance(row, _Row):
            super().paint(painter, option, index)
            return
        colours = current_colours()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        widget = option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        if style is not None:  # the background: selection, alternate rows, as the theme has them
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        text = QColor(colours.highlighted_text if selected else colours.text)
        quiet = QColor(colours.highlighted_text if selected else colours.muted)
        rect = option.rect.adjusted(8, 6, -8, -6)
        bold = QFont(option.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        metrics = QFontMetrics(option.font)
        line = max(bold_metrics.lineSpacing(), metrics.lineSpacing())

        title_width = rect.width()
        if row.score is not None:
            title_width -= BAR_WIDTH + 10
            self._bar(painter, rect, line, row.score, selected)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRect(rect.left(), rect.top(), title_width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            bold_metrics.elidedText(row.title, Qt.TextElideMode.ElideRight, title_width),
        )

        painter.setFont(option.font)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        top = rect.top()
        for number, detail in enumerate(row.details, start=1):
            top += line + LINE_GAP
            detail_rect = QRect(rect.left(), top, rect.width(), line)
            shown = metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rect.width())
            painter.setPen(quiet)
            painter.drawText(detail_rect, left, shown)
            if row.linked and number == len(row.details):
                # After the last line's text (a date), in the colour of something done.
                mark = f"{' · ' if detail else ''}{LINKED}"
                detail_rect.setLeft(detail_rect.left() + metrics.horizontalAdvance(shown))
                painter.setPen(QColor(colours.highlighted_text if selected else colours.ok))
                painter.drawText(
                    detail_rect,
                    left,
                    metrics.elidedText(mark, Qt.TextElideMode.ElideRight, detail_rect.width()),
                )
        painter.restore()

    def _bar(self, painter: QPainter, rect: QRect, line: int, score: float, selected: bool) -> None:
        colours = current_colours()
        bar = QRect(
            rect.right() - BAR_WIDTH, rect.top() + (line - BAR_HEIGHT) // 2, BAR_WIDTH, BAR_HEIGHT
        )
        fill = QColor(colours.highlighted_text if selected else colours.highlight)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if current_theme() is Theme.HIGH_CONTRAST or selected:
            # The track's colour would vanish into the background: outline it instead.
            painter.setPen(QPen(fill, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours.button))
        painter.drawRoundedRect(bar.adjusted(0, 0, -1, -1), 3, 3)
        filled = QRect(bar)
        filled.setWidth(max(round(BAR_WIDTH * min(max(score, 0.0), 1.0)), 3))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(filled.adjusted(0, 0, -1, -1), 3, 3)


class _FittedList(QListWidget):
    """A list as tall as its rows, up to `max_rows`, so a few links take little room."""

    def __init__(self, max_rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max_rows = max_rows
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        shown = range(min(self.count(), self._max_rows))
        height = sum(self.sizeHintForRow(row) for row in shown) or 40
        return QSize(hint.width(), height + 2 * self.frameWidth())


class _Ranker(QThread):
    """Ranks the library for one postmortem, off the window's thread."""

    def __init__(self, library: Library, postmortem_id: str) -> None:
        # Owned by the application, not the panel: a panel closed mid-ranking never destroys a
        # running thread. It deletes itself once finished.
        super().__init__(QCoreApplication.instance())
        self.library, self.postmortem_id = library, postmortem_id
        self.matches: list[Match] = []
        self.started_dates: dict[str, datetime | None] = {}
        self.error: str | None = None
        self.thread_id: int | None = None

    def run(self) -> None:
        self.thread_id = threading.get_ident()
        try:
            self.matches = similar_postmortems(self.library, self.postmortem_id, LIMIT)
            ids = [match.id for match in self.matches]
            self.started_dates = recurrences.started_dates(self.library, ids)
        except NotFoundError:
            self.matches = []  # deleted meanwhile: whoever deleted it shows something else
        except LibraryError as error:
            self.error = str(error)


def _similarity_signature(postmortem: Postmortem) -> tuple[object, ...]:
    """What ranking reads of the postmortem itself (see storage/documents.py)."""
    return (
        postmortem.id,
        tuple(postmortem.tags),
        postmortem.summary,
        postmortem.impact_summary,
        tuple(cause.text for cause in postmortem.causes),
    )


class SimilarPanel(QWidget):
    open_requested = Signal(str)  # postmortem id

    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self.postmortem: Postmortem | None = None
        self.matches: list[Match] = []
        self.recurrences: list[Recurrence] = []
        self.last_thread_id: int | None = None  # for tests: where the last ranking ran
        self._started_dates: dict[str, datetime | None] = {}
        self._ranker: _Ranker | None = None
        self._rank_again = False
        self._ranked_for: tuple[Library, tuple[object, ...]] | None = None

        delegate = _RowDelegate(self)
        self.recurrence_heading = heading("Recurrences")
        self.recurrence_note = muted(NOT_LINKED)
        self.recurrence_list = _FittedList(4)
        self.recurrence_list.setAccessibleName("Incidents linked as recurrences")
        self.remove_button = QPushButton("Remove recurrence link")
        self.remove_button.setToolTip("Remove the selected link; Edit ▸ Undo puts it back.")
        self.remove_button.clicked.connect(self.remove_selected_link)

        self.similar_heading = heading("Similar past incidents")
        self.similar_note = muted(NOTHING_OPEN)
        self.similar_list = QListWidget()
        self.similar_list.setAccessibleName("Similar past incidents")
        self.mark_button = QPushButton("Mark as a recurrence")
        self.mark_button.clicked.connect(self.mark_selected_as_recurrence)

        for view in (self.recurrence_list, self.similar_list):
            view.setItemDelegate(delegate)
            view.setAlternatingRowColors(True)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.itemActivated.connect(self._activated)
            view.itemSelectionChanged.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.recurrence_heading)
        layout.addWidget(self.recurrence_note)
        layout.addWidget(self.recurrence_list)
        layout.addLayout(_left(self.remove_button))
        layout.addSpacing(10)
        layout.addWidget(self.similar_heading)
        layout.addWidget(self.similar_note)
        layout.addWidget(self.similar_list, 1)
        layout.addLayout(_left(self.mark_button))
        # Takes the height the hidden list leaves, so that the empty states sit at the top; with
        # the list shown, its stretch factor takes it all.
        layout.addStretch(0)
        self.show_postmortem(None)

    # ---- what is shown ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Ranking in the background."""
        return self._ranker is not None

    def show_postmortem(self, postmortem: Postmortem | None) -> None:
        """Show what is linked to and similar to this postmortem (nothing for None)."""
        switched = (
            postmortem is None or self.postmortem is None or postmortem.id != self.postmortem.id
        )
        self.postmortem = postmortem
        if postmortem is None:
            self._ranked_for = None
            self.matches, self.recurrences, self._started_dates = [], [], {}
            self._rank_again = False
            self._fill_recurrences()
            self._fill_similar()
            return
        if switched:  # the old list would be about another postmortem: clear it while ranking
            self.matches, self._started_dates = [], {}
        self._read_recurrences()
        library, signature = self._edits.workspace.library, _similarity_signature(postmortem)
        ranked = self._ranked_for
        if ranked is None or ranked[0] is not library or ranked[1] != signature:
            self._rank()
        self._fill_similar()

    def refresh(self) -> None:
        """Read the links and rank the library again (other postmortems may have changed)."""
        if self.postmortem is None:
            return
        self._read_recurrences()
        self._rank()
        self._fill_similar()

    def wait(self) -> None:
        """Let a running ranking finish and be shown (the window is closing, or a test)."""
        while self._ranker is not None:
            ranker = self._ranker
            ranker.wait()
            self._ranked()

    def _read_recurrences(self) -> None:
        assert self.postmortem is not None
        try:
            self.recurrences = recurrences.recurrences_of(
                self._edits.workspace.library, self.postmortem.id
            )
        except NotFoundError:
            self.recurrences = []
        except LibraryError as error:
            self.recurrences = []
            self._fill_recurrences(f"The links could not be read: {error}")
            return
        self._fill_recurrences()

    def _fill_recurrences(self, problem: str | None = None) -> None:
        kept = self._selected_id(self.recurrence_list)
        self.recurrence_list.clear()
        for found in self.recurrences:
            direction = (
                "this one is a recurrence of it" if found.earlier else "a recurrence of this one"
            )
            first = " · ".join(part for part in (_day(found.started), direction) if part)
            note = " ".join(found.link.note.split())
            details = (first, note) if note else (first,)
            self._add(self.recurrence_list, _Row(found.other_id, found.title, details, None))
        shown = self.postmortem is not None
        has_links = bool(self.recurrences)
        self.recurrence_heading.setVisible(shown)
        self.recurrence_note.setText(problem or NOT_LINKED)
        self.recurrence_note.setVisible(shown and not has_links)
        self.recurrence_list.setVisible(shown and has_links)
        self.remove_button.setVisible(shown and has_links)
        self.recurrence_list.updateGeometry()
        self._select(self.recurrence_list, kept)
        self._fill_marks()
        self._update_buttons()

    def _fill_similar(self, problem: str | None = None) -> None:
        kept = self._selected_id(self.similar_list)
        self.similar_list.clear()
        linked = {found.other_id for found in self.recurrences}
        for match in self.matches:
            when = _day(self._started_dates.get(match.id))
            details = (reasons(match), f"started {when}" if when else "start not known")
            row = _Row(match.id, match.title, details, match.score, match.id in linked)
            self._add(self.similar_list, row)
        if self.postmortem is None:
            note = NOTHING_OPEN
        elif problem is not None:
            note = problem
        elif not self.matches:
            note = "Looking for similar incidents…" if self.busy else NOTHING_SIMILAR
        else:
            note = ""
        self.similar_heading.setVisible(self.postmortem is not None)
        self.similar_note.setText(note)
        self.similar_note.setVisible(bool(note))
        self.similar_list.setVisible(bool(self.matches))
        self.mark_button.setVisible(bool(self.matches))
        self._select(self.similar_list, kept)
        self._update_buttons()

    def _fill_marks(self) -> None:
        """Mark the similar incidents that are linked now, keeping the list and its selection."""
        linked = {found.other_id for found in self.recurrences}
        for i in range(self.similar_list.count()):
            item = self.similar_list.item(i)
            row = item.data(ROW)
            if isinstance(row, _Row) and row.linked != (row.id in linked):
                self._describe(item, replace(row, linked=not row.linked))

    def _add(self, view: QListWidget, row: _Row) -> None:
        item = QListWidgetItem()
        self._describe(item, row)
        view.addItem(item)

    @staticmethod
    def _describe(item: QListWidgetItem, row: _Row) -> None:
        item.setData(ROW, row)
        # What a screen reader says, and the tooltip: the painted row, in words.
        parts = [row.title]
        if row.score is not None:
            parts.append(f"similarity {row.score:.2f} of 1")
        if row.linked:
            parts.append(LINKED)
        parts += row.details
        text = ". ".join(parts)
        item.setText(text)
        item.setToolTip(text + ".\nDouble-click to open it.")

    # ---- ranking ---------------------------------------------------------------------------

    def _rank(self) -> None:
        if self._ranker is not None:
            self._rank_again = True  # once this one is done, for what is shown by then
            return
        assert self.postmortem is not None
        library = self._edits.workspace.library
        self._ranked_for = (library, _similarity_signature(self.postmortem))
        ranker = _Ranker(library, self.postmortem.id)
        ranker.finished.connect(self._ranked)
        ranker.finished.connect(ranker.deleteLater)
        self._ranker = ranker
        ranker.start()

    def _ranked(self) -> None:
        ranker = self._ranker
        if ranker is None or self.sender() not in (None, ranker):
            return  # a ranking `wait` has taken already
        self._ranker = None
        ranker.wait()
        self.last_thread_id = ranker.thread_id
        if self._rank_again and self.postmortem is not None:
            self._rank_again = False
            self._rank()
            return
        current = self.postmortem
        if current is None or current.id != ranker.postmortem_id:
            return
        self.matches, self._started_dates = ranker.matches, ranker.started_dates
        problem = None
        if ranker.error is not None:
            problem = f"Similar incidents could not be found: {ranker.error}"
            self._ranked_for = None  # try again next time
        self._fill_similar(problem)

    # ---- selection and edits ------------------------------------------------------------------

    def selected_match(self) -> Match | None:
        chosen = self._selected_id(self.similar_list)
        return next((m for m in self.matches if m.id == chosen), None)

    def selected_recurrence(self) -> Recurrence | None:
        row = self.recurrence_list.currentRow()
        if not self.recurrence_list.selectedItems() or not 0 <= row < len(self.recurrences):
            return None
        return self.recurrences[row]

    def _update_buttons(self) -> None:
        match = self.selected_match()
        linked = {found.other_id for found in self.recurrences}
        can_mark = match is not None and match.id not in linked
        self.mark_button.setEnabled(can_mark)
        if match is None:
            self.mark_button.setToolTip("Select a similar incident first.")
        elif not can_mark:
            self.mark_button.setToolTip("The selected incident is linked already (see above).")
        else:
            later, _ = self._direction(match.id)
            self.mark_button.setToolTip(
                "Record that this incident is a recurrence of the selected one."
                if later == self.postmortem_id
                else "Record that the selected incident, which started later, is a recurrence of "
                "this one."
            )
        self.remove_button.setEnabled(self.selected_recurrence() is not None)

    @property
    def postmortem_id(self) -> str | None:
        return self.postmortem.id if self.postmortem is not None else None

    def _direction(self, other_id: str) -> tuple[str, str]:
        """(later, earlier): the one that started later is the recurrence; if either start is
        not known, the open postmortem is taken to be the later one."""
        assert self.postmortem is not None
        first = key_moments(self.postmortem.timeline).started
        mine = first.at if first is not None else None
        theirs = self._started_dates.get(other_id)
        if mine is not None and theirs is not None and theirs > mine:
            return other_id, self.postmortem.id
        return self.postmortem.id, other_id

    def mark_selected_as_recurrence(self) -> bool:
        """Link the selected similar incident as a recurrence, in one undoable step."""
        match = self.selected_match()
        if match is None or self.postmortem is None:
            return False
        later, earlier = self._direction(match.id)
        library = self._edits.workspace.library

        def edit() -> Outcome:
            changes = recurrences.link(library, later, earlier)
            taken: list[RecurrenceLink] = []

            def undo() -> Changes:
                removed, undone = recurrences.unlink(library, later, earlier)
                taken[:] = [removed]
                return undone

            return Outcome(changes, undo=undo, redo=lambda: recurrences.restore(library, taken[0]))

        return self._after(self._edits.workspace.execute("Mark as a recurrence", edit))

    def remove_selected_link(self) -> bool:
        """Remove the selected recurrence link, in one undoable step."""
        found = self.selected_recurrence()
        if found is None:
            return False
        library = self._edits.workspace.library
        later, earlier = found.link.postmortem_id, found.link.earlier_id

        def edit() -> Outcome:
            removed, changes = recurrences.unlink(library, later, earlier)
            return Outcome(
                changes,
                undo=lambda: recurrences.restore(library, removed),
                redo=lambda: recurrences.unlink(library, later, earlier)[1],
            )

        return self._after(self._edits.workspace.execute("Remove recurrence link", edit))

    def _after(self, done: bool) -> bool:
        if done and self.postmortem is not None:
            self._read_recurrences()
        return done

    def _activated(self, item: QListWidgetItem) -> None:
        row = item.data(ROW)
        if isinstance(row, _Row):
            self.open_requested.emit(row.id)

    @staticmethod
    def _selected_id(view: QListWidget) -> str | None:
        items = view.selectedItems()
        row = items[0].data(ROW) if items else None
        return row.id if isinstance(row, _Row) else None

    @staticmethod
    def _select(view: QListWidget, wanted: str | None) -> None:
        if wanted is None:
            return
        for i in range(view.count()):
            row = view.item(i).data(ROW)
            if isinstance(row, _Row) and row.id == wanted:
                view.setCurrentRow(i)
                return


def _left(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    return row


def shown_rows(view: QListWidget) -> Sequence[tuple[str, ...]]:
    """The title and detail lines of each row of a list, as painted: for tests."""
    rows = []
    for i in range(view.count()):
        row = view.item(i).data(ROW)
        if isinstance(row, _Row):
            rows.append((row.title, *row.details))
    return rows
