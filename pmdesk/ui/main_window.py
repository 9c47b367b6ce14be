"""The main window: the library on the left, the open postmortem in the middle, readiness on the
right; menus for libraries, files, undo, zoom and themes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QFontMetrics,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from pmdesk.domain.kinds import PostmortemKind
from pmdesk.report.audience import Audience
from pmdesk.services.changes import EVERYTHING, Changes, Entity
from pmdesk.ui import window_actions
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.side_panels import SIMILAR_NOTHING_OPEN, PanelNote, ShareSplitter, SideStrip
from pmdesk.ui.themes import BASE_POINT_SIZE, Theme, apply_theme, apply_zoom, next_zoom
from pmdesk.ui.views import View

if TYPE_CHECKING:
    # The window paints its frame before any of these is imported (see `MainWindow`); they come
    # with the library, in `attach`, or when a command first needs them.
    from pmdesk.domain.readiness import Finding
    from pmdesk.services.search import SearchFilters, SearchHit
    from pmdesk.storage.library import Library
    from pmdesk.ui.actions.followup import FollowUpView
    from pmdesk.ui.conflicts import Conflict
    from pmdesk.ui.editor import PostmortemEditor
    from pmdesk.ui.edits import Edits
    from pmdesk.ui.empty_page import NothingOpen
    from pmdesk.ui.help import AboutDialog, ShortcutSheet
    from pmdesk.ui.library_panel import LibraryPanel
    from pmdesk.ui.meeting.mode import MeetingMode
    from pmdesk.ui.near_miss_form import NearMissForm
    from pmdesk.ui.overview_view import OverviewView
    from pmdesk.ui.patterns_view import PatternsView
    from pmdesk.ui.readiness_panel import ReadinessPanel
    from pmdesk.ui.report_export import ReportExporter
    from pmdesk.ui.similar_panel import SimilarPanel
    from pmdesk.ui.timeline.evidence_dialog import EvidenceDialog
    from pmdesk.ui.workspace import Workspace

EXPORT_EXTENSIONS = {
    "Interchange file (*.json)": ".json",
    "Action items for a tracker or spreadsheet (*.csv)": ".csv",
    "Action due dates for a calendar (*.ics)": ".ics",
}
EXPORT_FILTER = ";;".join(EXPORT_EXTENSIONS)
JSON_FILTER = "pmdesk interchange files (*.json);;All files (*)"
LIBRARY_FILTER = "pmdesk libraries (*.pmdesk *.sqlite3 *.db);;All files (*)"
# Below these widths of the window at 100% (and in proportion at other zooms: 2,100 pixels for
# the readiness panel at 150%), a side panel collapses to a strip by itself. The editor needs
# about 800 pixels at 100%: the cause tree half of the Causes tab, and the pane beside it room for
# a sentence; the library list and the readiness panel about 300 each. So all three fit from
# 1,400 on, the list and the editor from 1,100.
COLLAPSE_BELOW = {"library": 1100, "readiness": 1400}


def library_name(library: Library) -> str:
    """A short name for the title bar: the file's name, or the server location."""
    return library.path.name if library.path is not None else library.location


class MainWindow(QMainWindow):
    """The window, made in two steps so that it is on screen at once.

    The frame comes first: menus, the side panels' places (the library's saying it is opening),
    the section area, the remembered size, zoom and theme. It needs Qt and nothing of the
    library, so it paints before SQLAlchemy is even imported. `attach(library)` then brings the
    rest: the library list, the editor, readiness, similar and follow-up. `MainWindow(library)`
    does both at once; the app makes the frame, shows it, opens the library off the GUI thread
    and attaches it (pmdesk.ui.app). Until then the commands that need the library are off.
    """

    # The frame's first paint, once: the app starts opening the library after it.
    first_painted = Signal()

    library_panel: LibraryPanel
    placeholder: NothingOpen
    readiness: ReadinessPanel
    reports: ReportExporter
    workspace: Workspace

    def __init__(self, library: Library | None = None, settings: UiSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or UiSettings()
        self.attached = False
        self._edits: Edits | None = None
        self._painted = False
        self.first_painted_at: float | None = None  # on the monotonic clock
        # One undo history per library; the Edit menu follows whichever library is open.
        self.undo_group: QUndoGroup = QUndoGroup(self)
        self.setObjectName("MainWindow")
        self.setWindowTitle("pmdesk")
        self.resize(1280, 800)

        self.opening = PanelNote("Opening the library…", centred=True)
        self.center = QStackedWidget()
        # Pages of the center made the first time they are shown (the follow-up review, the
        # library overview with its charts).
        self._pages: dict[str, QWidget] = {}

        # The library list takes a share of the width that suits its two-line rows; the open
        # postmortem takes the rest.
        self.body_splitter = ShareSplitter([0.22, 0.78], narrowest=[30, None], widest=[40, None])
        self.body_splitter.addWidget(self.opening)
        self.body_splitter.addWidget(self.center)
        self.body_splitter.setStretchFactor(1, 1)

        # Collapsed, each side panel is a strip along its edge of the window.
        body = QWidget()
        self.body_row = QHBoxLayout(body)
        self.body_row.setContentsMargins(0, 0, 0, 0)
        self.body_row.setSpacing(0)
        self.body_row.addWidget(self.body_splitter, 1)
        self.setCentralWidget(body)
        # The panels' strips, in the frame: shown where a panel will be collapsed, so that the
        # window looks as it will once the library is in (the panels bring their own).
        self._frame_strips = (
            SideStrip("Library", Qt.Edge.LeftEdge),
            SideStrip("Readiness", Qt.Edge.RightEdge),
        )
        self.body_row.insertWidget(0, self._frame_strips[0])
        self.body_row.addWidget(self._frame_strips[1])
        self.readiness_dock: QDockWidget = QDockWidget("Readiness", self)
        self.readiness_dock.setObjectName("ReadinessDock")
        # Collapsed rather than closed (View ▸ Readiness, its » button): it always has a strip.
        self.readiness_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.readiness_dock.setWidget(_empty_panel())
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.readiness_dock)
        self.similar_dock: QDockWidget = QDockWidget("Similar", self)
        self.similar_dock.setObjectName("SimilarDock")
        # Until the first postmortem opens: "Similar" before then has nothing to compare.
        self._similar_place = PanelNote(SIMILAR_NOTHING_OPEN)
        self._similar_place.setMinimumWidth(240)
        self.similar_dock.setWidget(self._similar_place)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.similar_dock)
        self.tabifyDockWidget(self.readiness_dock, self.similar_dock)
        self.readiness_dock.raise_()
        self._opened_narrow: set[str] = set()  # panels brought back in a too narrow window
        self._readiness_folded: bool | None = None
        self._panels_ready = False

        self.meeting: MeetingMode | None = None
        self.meeting_clock: Callable[[], float] = time.monotonic  # tests hand in a fake one
        # Asks for a server's address (and a password for this connection); tests answer it.
        self.ask_team_location: Callable[[], str | None] = self._team_location_from_dialog
        # Asks whether to apply a change refused as made on an outdated item again, on top of
        # the other person's version; tests answer it.
        self.ask_apply_again: Callable[[Conflict], bool] = self._apply_again_from_dialog
        self.report_progress = QProgressBar()
        self.report_progress.setMaximumWidth(220)
        self.report_progress.setTextVisible(False)
        self.report_progress.hide()
        self.statusBar().addPermanentWidget(self.report_progress)

        self.theme_actions: dict[Theme, QAction] = {}
        self.recent_menu: QMenu  # File ▸ Recent libraries, made by window_actions.install
        self.commands = window_actions.install(self)
        window_actions.CommandKeys(self).install()
        window_actions.KeyboardBack(self).install()
        self.zoom = 1.0
        self._actual_size: QSize | None = None  # the size at 100%, while zoomed
        self._restore_layout()
        self._fold_frame()
        self._enable_commands()
        if library is not None:
            self.attach(library)

    def show_opening(self, location: str) -> None:
        """Say, in the frame, which library is being opened (never a server's password)."""
        from pmdesk.services.locations import shown

        self.setWindowTitle(f"pmdesk — opening {shown(location)}")
        self.statusBar().showMessage(f"Opening {shown(location)}…")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted_at = time.monotonic()  # said with PMDESK_STARTUP_TIMES
            # After this paint's whole pass (the children paint after their window), not in it;
            # with the window as the timer's context, never after the window is gone.
            QTimer.singleShot(0, self, self.first_painted.emit)

    def attach(self, library: Library) -> None:
        """Bring the library into the frame: its list, the editor and the side panels."""
        from pmdesk.ui.empty_page import NothingOpen
        from pmdesk.ui.library_panel import LibraryPanel
        from pmdesk.ui.readiness_panel import ReadinessPanel
        from pmdesk.ui.report_export import ReportExporter
        from pmdesk.ui.workspace import Workspace

        self.workspace = Workspace(library, self)
        self.undo_group.addStack(self.workspace.undo_stack)
        self.undo_group.setActiveStack(self.workspace.undo_stack)

        self.library_panel = LibraryPanel()
        self.library_panel.opened.connect(self.open_postmortem)
        self.library_panel.new_requested.connect(self.new_postmortem)
        self.library_panel.delete_requested.connect(self.delete_postmortem)
        self.library_panel.searcher = self.search_library
        self.library_panel.setVisible(self.opening.isVisibleTo(self))
        self.body_splitter.replaceWidget(0, self.library_panel)
        self.opening.deleteLater()

        self.placeholder = NothingOpen()
        self.placeholder.sample_requested.connect(self.open_sample)
        self.center.addWidget(self.placeholder)

        self.readiness = ReadinessPanel()
        self.readiness.finding_activated.connect(self.show_finding)
        self.readiness.setMinimumWidth(240)
        self._replace_dock_widget(self.readiness_dock, self.readiness)
        for strip in self._frame_strips:
            self.body_row.removeWidget(strip)
            strip.deleteLater()
        self.body_row.insertWidget(0, self.library_panel.strip)
        self.body_row.addWidget(self.readiness.strip)
        for panel, side in (("library", self.library_panel), ("readiness", self.readiness)):
            side.collapse_requested.connect(partial(self.toggle_panel, panel))
            side.strip.clicked.connect(partial(self.toggle_panel, panel))
            side.strip.hide()  # until `fit_panels` says the panel is collapsed

        self.reports = ReportExporter(self)
        self.reports.progressed.connect(self._report_progressed)
        self.reports.succeeded.connect(self._report_written)
        self.reports.failed.connect(self._report_failed)
        self.attached = True
        self._connect_workspace()
        self._panels_ready = True
        self._label_panel_keys()
        self.fit_panels()
        self.refresh_library()
        self.show_nothing()
        self._enable_commands()

    @property
    def edits(self) -> Edits:
        """Every edit of the window goes through here; made with the first that needs it."""
        from pmdesk.ui.edits import Edits

        if self._edits is None:
            self._edits = Edits(self.workspace)
        return self._edits

    @property
    def similar(self) -> SimilarPanel:
        """What is linked to and like the open postmortem, in its dock; made when the first
        postmortem opens (until then there is nothing to compare)."""
        from pmdesk.ui.similar_panel import SimilarPanel

        panel = self.similar_dock.widget()
        if not isinstance(panel, SimilarPanel):
            panel = SimilarPanel(self.edits)
            panel.open_requested.connect(self.open_postmortem)
            panel.setMinimumWidth(240)
            self._replace_dock_widget(self.similar_dock, panel)
        return panel

    def _similar_made(self) -> bool:
        return self.similar_dock.widget() is not self._similar_place

    @property
    def editor(self) -> PostmortemEditor:
        """The postmortem's sections, made when the first postmortem opens."""
        from pmdesk.ui.editor import PostmortemEditor

        editor = self._pages.get("editor")
        if editor is None:
            editor = PostmortemEditor(self.edits, folders=self.settings)
            # A section made at a large zoom (the lessons' columns, the widest) can widen the
            # window: it stays on its screen all the same.
            editor.section_made.connect(lambda _view: self._keep_on_screen())
            self._add_page("editor", editor)
        assert isinstance(editor, PostmortemEditor)
        return editor

    @property
    def followup(self) -> FollowUpView:
        """Every open action of the library (View ▸ Follow-up review), made when first shown."""
        from pmdesk.ui.actions.followup import FollowUpView

        followup = self._pages.get("followup")
        if followup is None:
            followup = FollowUpView(self.edits)
            followup.open_requested.connect(self.open_action)
            self._add_page("followup", followup)
        assert isinstance(followup, FollowUpView)
        return followup

    @property
    def overview_page(self) -> OverviewView:
        """The library in charts (View ▸ Library overview), made when first shown."""
        from pmdesk.ui.overview_view import OverviewView

        page = self._pages.get("overview")
        if page is None:
            page = OverviewView()
            self._add_page("overview", page)
        assert isinstance(page, OverviewView)
        return page

    @property
    def patterns_page(self) -> PatternsView:
        """Themes across the library (View ▸ Patterns), made when first shown."""
        from pmdesk.ui.patterns_view import PatternsView

        page = self._pages.get("patterns")
        if page is None:
            page = PatternsView()
            page.open_requested.connect(self.open_from_patterns)
            self._add_page("patterns", page)
        assert isinstance(page, PatternsView)
        return page

    def _add_page(self, name: str, page: QWidget) -> None:
        self._pages[name] = page
        self.center.addWidget(page)

    def _showing(self, name: str) -> bool:
        """Whether the center shows that page (without making it, if it was never shown)."""
        page = self._pages.get(name)
        return page is not None and self.center.currentWidget() is page

    def _replace_dock_widget(self, dock: QDockWidget, widget: QWidget) -> None:
        old = dock.widget()
        dock.setWidget(widget)
        if old is not None:
            old.deleteLater()

    def _fold_frame(self) -> None:
        """Before the library comes: the side panels' places as `fit_panels` will leave them, so
        that nothing jumps when it does."""
        library, readiness = self.panel_collapsed("library"), self.panel_collapsed("readiness")
        self.opening.setVisible(not library)
        self._frame_strips[0].setVisible(library)
        self._frame_strips[1].setVisible(readiness)
        if readiness:
            self.readiness_dock.hide()
            self.similar_dock.hide()

    # ---- commands ----------------------------------------------------------------------------

    def command(self, name: str) -> QAction:
        """The action of a command of `window_actions.COMMANDS`, by its name."""
        return self.commands[name]

    def show_shortcuts(self) -> ShortcutSheet:
        """The sheet of every key, beside the window (not modal: keep it open while working)."""
        from pmdesk.ui.help import ShortcutSheet

        sheet = ShortcutSheet(self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.show()
        sheet.activateWindow()
        sheet.filter.setFocus()  # type to find a key at once; Escape closes the sheet
        return sheet

    def show_about(self) -> AboutDialog:
        from pmdesk.ui.help import AboutDialog

        about = AboutDialog(self.library.location, self)
        about.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        about.show()
        about.activateWindow()  # Escape closes it, not the field behind
        return about

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_libraries
        if not recent:
            self.recent_menu.addAction("No recent libraries").setEnabled(False)
        for location in recent:
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _=False, loc=location: self.switch_library(loc))

    # ---- the library ------------------------------------------------------------------------

    @property
    def library(self) -> Library:
        return self.workspace.library

    def _connect_workspace(self) -> None:
        self.workspace.changed.connect(self._changed)
        self.workspace.changed_elsewhere.connect(self._changed_elsewhere)
        self.workspace.failed.connect(self.report)
        self.workspace.conflicted.connect(self._conflicted)
        from pmdesk.ui import theme_vocabulary
        from pmdesk.ui.widgets import is_typing

        # The cause pane's theme rows read the vocabulary again once it changes, here or
        # elsewhere.
        theme_vocabulary.watch_vocabulary(self)

        self.workspace.is_typing = is_typing
        self._update_title()

    def _update_title(self) -> None:
        self.setWindowTitle(f"pmdesk — {library_name(self.library)}")
        self.statusBar().showMessage(self._status_text())

    def _status_text(self) -> str:
        """How many postmortems, and of them how many near misses: they count as much."""
        model = self.library_panel.model
        count = model.rowCount()
        near = sum(model.summary(row).kind is PostmortemKind.NEAR_MISS for row in range(count))
        noun = "postmortem" if count == 1 else "postmortems"
        kinds = f" ({count - near} incident{'s' * (count - near != 1)}, {near} near miss" + (
            "es)" if near != 1 else ")"
        )
        return f"{count} {noun}{kinds if near else ''} in {self.library.location}"

    def refresh_library(self) -> None:
        from pmdesk.services import postmortems

        summaries = postmortems.list_postmortems(self.library)
        self.library_panel.set_summaries(summaries)
        self.placeholder.offer_sample(not summaries)
        self._update_title()

    def switch_library(self, location: str) -> bool:
        from pmdesk.services import locations
        from pmdesk.storage.errors import LibraryError
        from pmdesk.storage.library import open_library
        from pmdesk.ui.workspace import Workspace

        try:
            library = open_library(location)
        except LibraryError as error:
            self.report("pmdesk cannot open that library", str(error))
            return False
        old = self.workspace
        old.stop_watching()
        old.changed.disconnect()
        old.changed_elsewhere.disconnect()
        old.failed.disconnect()
        old.conflicted.disconnect()
        old.library.close()
        self.workspace = Workspace(library, self)
        if self._edits is not None:
            self._edits.workspace = self.workspace
        self.undo_group.addStack(self.workspace.undo_stack)
        self.undo_group.setActiveStack(self.workspace.undo_stack)
        self.undo_group.removeStack(old.undo_stack)
        self._connect_workspace()
        self.settings.remember_library(locations.remembered(location))
        self.refresh_library()
        self.show_nothing()
        old.deleteLater()
        return True

    def choose_library(self) -> None:
        from pmdesk.ui.file_dialogs import open_file_name

        path, _ = open_file_name(
            self, "Open library", "", LIBRARY_FILTER, kind="library", folders=self.settings
        )
        if path:
            self.switch_library(path)

    def choose_team_library(self) -> None:
        location = self.ask_team_location()
        if location:
            self.switch_library(location)

    def _team_location_from_dialog(self) -> str | None:
        from pmdesk.ui.team_library import TeamLibraryDialog

        dialog = TeamLibraryDialog(self.settings.recent_libraries, self)
        return dialog.location if dialog.exec() == QDialog.DialogCode.Accepted else None

    def choose_new_library(self) -> None:
        from pmdesk.ui.file_dialogs import save_file_name

        path, _ = save_file_name(
            self,
            "New library",
            "postmortems.pmdesk",
            LIBRARY_FILTER,
            kind="library",
            folders=self.settings,
        )
        if not path:
            return
        if Path(path).exists() and Path(path).stat().st_size > 0:
            self.report(
                "That file already exists",
                f"“{path}” already exists. Open it with File ▸ Open library, or choose a "
                "new name for the new library.",
            )
            return
        self.switch_library(path)

    def search_library(self, text: str, filters: SearchFilters) -> list[SearchHit]:
        from pmdesk.services import search
        from pmdesk.storage.errors import LibraryError

        try:
            return search.search(self.library, text, filters)
        except LibraryError as error:
            self.report("The library could not be searched", str(error))
            return []

    # ---- postmortems ------------------------------------------------------------------------

    def show_nothing(self) -> None:
        self.center.setCurrentWidget(self.placeholder)
        self.readiness.show_postmortem(None)
        if self._similar_made():
            self.similar.show_postmortem(None)
        self._enable_commands()

    def open_postmortem(self, postmortem_id: str, *, focus: bool = True) -> bool:
        """Show a postmortem; with `focus`, put the keyboard where its next thing is typed. A
        redraw of the one open after an edit leaves the keyboard where the user has it: the
        next field of the card, the line being typed."""
        postmortem = self.workspace.load(postmortem_id)
        if postmortem is None:
            self.refresh_library()
            self.show_nothing()
            return False
        self.editor.show_postmortem(postmortem)
        self.readiness.show_postmortem(postmortem)
        self.similar.show_postmortem(postmortem)
        self.center.setCurrentWidget(self.editor)
        self.library_panel.select(postmortem_id)
        self._enable_commands()
        if focus or QApplication.focusWidget() is None:
            self.editor.focus_entry()  # where the next thing is typed, not the list or search
        return True

    def restore_session(self) -> bool:
        """Open the postmortem and section that were open when this library's window closed."""
        last = self.settings.last_open(self.library.location)
        if last is None or not self.open_postmortem(last[0]):
            return False
        if last[1] in View.__members__.values():
            self.show_section(View(last[1]))
        return True

    def show_section(self, view: View) -> None:
        """One of the open postmortem's sections, with the keyboard in it (Ctrl+1 … Ctrl+6)."""
        if self.current_id() is None:
            return
        self.editor.show_view(view)
        self.editor.focus_entry()

    def _enable_commands(self) -> None:
        """While the library opens, only what needs none of it (quit, zoom, themes, the keys);
        then what needs an open postmortem (export, reports, evidence, delete, meeting mode)
        only while one is."""
        has_postmortem = self.current_id() is not None
        for entry in window_actions.COMMANDS:
            if isinstance(entry, window_actions.Command) and entry.made is not None:
                continue  # Qt keeps these (undo and redo follow the undo stack)
            needs_postmortem = isinstance(entry, window_actions.Command) and entry.needs_postmortem
            enabled = entry.before_library or (
                self.attached and (has_postmortem or not needs_postmortem)
            )
            self.commands[entry.name].setEnabled(enabled)

    def current_id(self) -> str | None:
        if self._showing("editor") and self.editor.postmortem is not None:
            return self.editor.postmortem.id
        return None

    def new_postmortem(self, kind: PostmortemKind) -> str | None:
        """A new incident opens on its overview; a near miss is captured in three questions."""
        if kind is PostmortemKind.NEAR_MISS:
            self.capture_near_miss()
            return None
        created = self.edits.create_postmortem(kind)
        if created is not None:
            self.open_postmortem(created)
            self.editor.show_view(View.OVERVIEW)
            self.editor.overview.title.setFocus()
            self.editor.overview.title.selectAll()
        return created

    def delete_postmortem(self, postmortem_id: str, *, confirm: bool = True) -> bool:
        postmortem = self.workspace.load(postmortem_id)
        if postmortem is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete postmortem",
                f"Delete “{postmortem.title}” with its timeline, causes and actions?\n\n"
                "You can undo this with Edit ▸ Undo.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return self.edits.delete_postmortem(postmortem_id, postmortem.title)

    def delete_current(self) -> None:
        current = self.current_id()
        if current is not None:
            self.delete_postmortem(current)

    def _changed(self, changes: Changes) -> None:
        """Refresh what the change names: the list when postmortems come or go, the editor when
        the open postmortem changed, and the postmortem an undo went back to."""
        everything = EVERYTHING in changes.updated
        if changes.entity is Entity.POSTMORTEM or everything:
            self.refresh_library()
            if self.current_id() not in changes.postmortem_ids and self._similar_made():
                self.similar.refresh()  # another postmortem came, went or changed
        current = self.current_id()
        if current is not None and current in changes.removed:
            self.show_nothing()
            return
        touched = changes.postmortem_ids
        if self._showing("followup"):
            self.followup.refresh()  # its changes touch many postmortems: stay on the review
            return
        if self._showing("overview"):
            self.show_overview()
            return
        if self._showing("patterns"):
            self.show_patterns()
            return
        if current is not None and (current in touched or everything):
            self.open_postmortem(current, focus=False)
        elif (
            changes.entity is not Entity.THEME
            and len(touched) == 1
            and not changes.removed.issuperset(touched)
        ):
            # An undo or redo in another postmortem: show it, so nobody is surprised later. (Not
            # for the library's themes: an edit of them touches postmortems only in passing.)
            self.open_postmortem(next(iter(touched)))

    def _changed_elsewhere(self, changes: Changes) -> None:
        """Someone else's change, seen by the workspace's look: shown in place, never by moving
        to another postmortem the way an undo here does."""
        self.refresh_library()
        if self._similar_made():
            self.similar.refresh()
        current = self.current_id()
        if self._showing("followup"):
            self.followup.refresh()
        elif self._showing("overview"):
            self.show_overview()
        elif self._showing("patterns"):
            self.show_patterns()
        elif current is not None and current in changes.removed:
            self.show_nothing()
            self.report(
                "The postmortem was deleted elsewhere",
                "Someone deleted the postmortem you had open, in another window or on the "
                "server. It is gone from this library; Edit ▸ Undo cannot bring it back here.",
            )
            return
        elif current is not None and current in changes.updated:
            self.open_postmortem(current, focus=False)
        noun = "postmortem" if len(changes.postmortem_ids) == 1 else "postmortems"
        self.statusBar().showMessage(
            f"{len(changes.postmortem_ids)} {noun} changed elsewhere: shown as they are now.", 8000
        )

    def show_follow_up(self) -> None:
        """Every open action of the library, for the team's next meeting."""
        self.followup.refresh()
        self._show_library_page(self.followup)
        self.followup.setFocus()

    def show_overview(self) -> None:
        """The library in pictures: incidents and near misses, severities, times, actions."""
        from pmdesk.services.library_stats import library_stats
        from pmdesk.storage.errors import LibraryError

        try:
            stats = library_stats(self.library, date.today())
        except LibraryError as error:
            self.report("The library could not be read", str(error))
            return
        self.overview_page.show_stats(stats)
        self._show_library_page(self.overview_page)

    def show_patterns(self) -> None:
        """Themes across the library by quarter, follow-through by theme, what came back."""
        from pmdesk.services.learning import library_patterns
        from pmdesk.storage.errors import LibraryError

        showing = self._showing("patterns")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            patterns = library_patterns(self.library, date.today())
        except LibraryError as error:
            self.report("The library could not be read", str(error))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.patterns_page.show_patterns(patterns)
        self._show_library_page(self.patterns_page)
        if not showing:
            self.patterns_page.focus_first()

    def _show_library_page(self, page: QWidget) -> None:
        """One of the whole library's pages in the middle: no postmortem is open meanwhile."""
        self.center.setCurrentWidget(page)
        self.readiness.show_postmortem(None)
        if self._similar_made():
            self.similar.show_postmortem(None)
        self._enable_commands()
        self.library_panel.select(None)

    def open_from_patterns(self, postmortem_id: str, what: str, item_id: str) -> None:
        """A postmortem behind a number of the patterns, at the cause or action chosen."""
        if what == "action":
            self.open_action(postmortem_id, item_id)
        elif self.open_postmortem(postmortem_id) and what == "cause":
            self.editor.show_view(View.CAUSES)
            self.editor.causes.select_cause(item_id)

    def capture_near_miss(self) -> NearMissForm:
        """The near-miss form, over the window; the saved near miss opens."""
        from pmdesk.ui.near_miss_form import NearMissForm

        form = NearMissForm(self.edits, self)
        form.saved.connect(self._open_new)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()
        return form

    def _open_new(self, postmortem_id: str) -> None:
        """A postmortem just made opens on its overview, whatever section was shown before."""
        if self.open_postmortem(postmortem_id):
            self.show_section(View.OVERVIEW)

    # ---- evidence ----------------------------------------------------------------------------

    def choose_evidence_file(self) -> None:
        from pmdesk.ui.file_dialogs import open_file_name

        path, _ = open_file_name(
            self,
            "Add evidence to the timeline",
            "",
            "CSV files and Slack exports (*.csv *.zip);;All files (*)",
            kind="evidence",
            folders=self.settings,
        )
        if path:
            self.add_evidence(Path(path))

    def choose_evidence_folder(self) -> None:
        from pmdesk.ui.file_dialogs import existing_directory

        path = existing_directory(
            self, "Choose a Slack export folder", kind="evidence", folders=self.settings
        )
        if path:
            self.add_evidence(Path(path))

    def add_evidence(self, path: Path) -> EvidenceDialog | None:
        """The preview of what `path` holds for the open postmortem's timeline."""
        current = self.current_id()
        postmortem = self.workspace.load(current) if current else None
        if postmortem is None:
            return None
        from pmdesk.ui.timeline.evidence_dialog import EvidenceDialog

        dialog = EvidenceDialog(self.edits, postmortem, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_action(self, postmortem_id: str, action_id: str) -> None:
        if self.open_postmortem(postmortem_id):
            self.editor.show_view(View.ACTIONS)
            self.editor.action_items.select_action(action_id)

    def show_finding(self, finding: Finding) -> None:
        self.editor.show_finding(finding)

    # ---- files -------------------------------------------------------------------------------

    def choose_and_import(self) -> None:
        from pmdesk.ui.file_dialogs import open_file_names

        paths, _ = open_file_names(
            self, "Import postmortems", "", JSON_FILTER, kind="interchange", folders=self.settings
        )
        if paths:
            self.import_files(paths)

    def open_sample(self) -> str | None:
        """Bring in the sample postmortem that ships with pmdesk, as one undoable import."""
        from pmdesk.ui.empty_page import sample_path

        path = sample_path()
        if not path.is_file():
            self.report(
                "The sample postmortem is missing",
                f"It should be at {path}, but this installation does not have it. Reinstall "
                "pmdesk to get it back, or import a postmortem of your own with File ▸ Import.",
            )
            return None
        ids = self.import_files([str(path)])
        return ids[0] if ids else None

    def import_files(self, paths: list[str]) -> list[str]:
        ids = self.edits.import_files(paths)
        if len(ids) == 1:
            self.open_postmortem(ids[0])
        return ids

    def choose_and_export(self) -> None:
        current = self.current_id()
        if current is None or self.editor.postmortem is None:
            return
        from pmdesk.ui.file_dialogs import save_file_name

        suggested = f"{safe_file_name(self.editor.postmortem.title)}.json"
        path, chosen = save_file_name(
            self,
            "Export postmortem",
            suggested,
            EXPORT_FILTER,
            kind="interchange",
            folders=self.settings,
        )
        if path:
            extension = EXPORT_EXTENSIONS.get(chosen, ".json")
            if not Path(path).suffix:
                path += extension
            self.export_to(current, path)

    def export_to(self, postmortem_id: str, path: str) -> bool:
        from pmdesk.services import postmortems
        from pmdesk.storage.errors import LibraryError

        try:
            postmortems.export_postmortem(self.library, postmortem_id, path)
        except (postmortems.ExportFormatError, postmortems.NotFoundError, LibraryError) as error:
            self.report("Nothing was exported", str(error))
            return False
        except OSError as error:
            self.report("Nothing was exported", f"“{path}” cannot be written: {error.strerror}.")
            return False
        self.statusBar().showMessage(f"Exported to {path}", 5000)
        return True

    # ---- view --------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.settings.theme = theme
        self.theme_actions[theme].setChecked(True)

    def zoom_by(self, step: int) -> None:
        self.set_zoom(next_zoom(self.zoom, step))

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, zoom: float, *, remember: bool = True) -> None:
        """Scale the whole window's type. The window stays within its screen, however large
        its layout grows; back at 100% it takes again the size it had there (without that, a
        window grown at 200% stayed wider than the screen after Ctrl+0)."""
        if self.zoom == 1.0 and zoom != 1.0 and self.isVisible():
            self._actual_size = self.size()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_zoom(app, zoom)
        self.zoom = zoom
        if remember:
            self.settings.zoom = zoom
        self._settle_layout()  # its least size at the new type size, before any resize
        if zoom == 1.0 and self._actual_size is not None:
            self.resize(self._actual_size)
            self._actual_size = None
        self._keep_on_screen()
        self.statusBar().showMessage(f"Zoom {round(zoom * 100)}%", 2000)

    def _settle_layout(self) -> None:
        """Every layout asked to re-measure (by new fonts, a panel shown) does so now, the
        window's own last, so that its least size is the one that holds from here on."""
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        layout = self.layout()
        if layout is not None:
            layout.activate()

    def _keep_on_screen(self) -> None:
        """Lay the window out now, then pull it back within its screen."""
        if not self.isVisible() or self.isFullScreen() or self.isMaximized():
            return
        self._settle_layout()
        room = self.screen().availableGeometry()
        frame = self.frameGeometry()
        extra = frame.size() - self.size()  # the window manager's frame around it
        width = min(self.width(), room.width() - extra.width())
        height = min(self.height(), room.height() - extra.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        frame = self.frameGeometry()
        left = min(max(frame.left(), room.left()), room.right() - frame.width() + 1)
        top = min(max(frame.top(), room.top()), room.bottom() - frame.height() + 1)
        if (left, top) != (frame.left(), frame.top()):
            self.move(max(left, room.left()), max(top, room.top()))

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)
        self.commands["view.full_screen"].setChecked(self.isFullScreen())

    def focus_filter(self) -> None:
        if self.panel_collapsed("library"):
            self.toggle_panel("library")  # finding a postmortem needs the list
        self.library_panel.filter_edit.setFocus()
        self.library_panel.filter_edit.selectAll()

    def _restore_layout(self) -> None:
        geometry = self.settings.geometry("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.geometry("state")
        if state is not None:
            self.restoreState(state)
        zoom = self.settings.zoom
        if QApplication.font().pointSizeF() == BASE_POINT_SIZE * zoom:
            self.zoom = zoom  # the app has the type size already (see run_app): nothing to redo
        else:
            self.set_zoom(zoom)
        self.set_theme(self.settings.theme)

    # ---- side panels -------------------------------------------------------------------------

    def panel_collapsed(self, panel: str) -> bool:
        """Whether a side panel ("library", "readiness") is collapsed to its strip: because the
        user collapsed it, or by itself, the window being too narrow for it at this zoom (unless
        the user brought it back since)."""
        if self.settings.panel_collapsed(panel):
            return True
        return self._too_narrow_for(panel) and panel not in self._opened_narrow

    def _too_narrow_for(self, panel: str) -> bool:
        if panel == "readiness" and self.readiness_dock.isFloating():
            return False  # in a window of its own, it takes nothing from the editor
        zoom = QApplication.font().pointSizeF() / BASE_POINT_SIZE
        return self.width() < COLLAPSE_BELOW[panel] * zoom

    def toggle_panel(self, panel: str) -> None:
        """Collapse a side panel to its strip, or bring it back (its key, its button, its
        strip). A panel the user collapsed stays so, across restarts; one brought back in a
        narrow window stays until the window has been wide enough for it again."""
        collapse = not self.panel_collapsed(panel)
        self.settings.set_panel_collapsed(panel, collapse)
        if collapse:
            self._opened_narrow.discard(panel)
        elif self._too_narrow_for(panel):
            self._opened_narrow.add(panel)
        self.fit_panels()
        self._keep_on_screen()  # a panel brought back may make the window grow

    def fit_panels(self) -> None:
        """Collapse or bring back each side panel, as the user has it and the width allows."""
        if not self._panels_ready:
            return
        for panel in COLLAPSE_BELOW:
            if not self._too_narrow_for(panel):
                self._opened_narrow.discard(panel)
        self._fold_library(self.panel_collapsed("library"))
        self._fold_readiness(self.panel_collapsed("readiness"))

    def _fold_library(self, collapsed: bool) -> None:
        panel = self.library_panel
        if panel.isHidden() != collapsed:
            had_keyboard = _holds_focus(panel)
            panel.setVisible(not collapsed)
            if had_keyboard:
                self._keyboard_to_editor()
        panel.strip.setVisible(collapsed)
        self.command("view.library_list").setChecked(not collapsed)

    def _fold_readiness(self, collapsed: bool) -> None:
        if collapsed and self._readiness_folded is not True:
            had_keyboard = _holds_focus(self.readiness_dock)
            if self.readiness_dock.isVisibleTo(self):
                # Similar shares the right edge: it goes and comes back with readiness.
                self.settings.similar_beside_readiness = self.similar_dock.isVisibleTo(self)
            self.readiness_dock.hide()
            self.similar_dock.hide()
            if had_keyboard:
                self._keyboard_to_editor()
        elif not collapsed and self._readiness_folded is not False:
            self.readiness_dock.show()
            if self.settings.similar_beside_readiness:
                self.similar_dock.show()
            self.readiness_dock.raise_()
            self._size_readiness_dock()
        self._readiness_folded = collapsed
        self.readiness.strip.setVisible(collapsed)
        self.command("view.readiness").setChecked(not collapsed)

    def _size_readiness_dock(self) -> None:
        """A share of the window's width, held to what suits its compact rows at this zoom."""
        char = QFontMetrics(QApplication.font()).averageCharWidth()
        width = min(max(round(self.width() * 0.24), 32 * char), 52 * char)
        self.resizeDocks([self.readiness_dock], [width], Qt.Orientation.Horizontal)

    def _keyboard_to_editor(self) -> None:
        """The keyboard was in a panel that collapsed: to where the next thing is typed."""
        if self.current_id() is not None:
            self.editor.focus_entry()
        elif (page := self.center.currentWidget()) is not None:
            page.setFocus(Qt.FocusReason.OtherFocusReason)

    def _label_panel_keys(self) -> None:
        """The panels' buttons and strips name the keys that do the same."""
        for panel, name, side in (
            ("library", "view.library_list", self.library_panel),
            ("readiness", "view.readiness", self.readiness),
        ):
            keys = self.command(name).shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            what = "the library list" if panel == "library" else "the readiness panel"
            side.collapse_button.setToolTip(f"Collapse {what} ({keys})")
            side.strip.setToolTip(f"Show {what} ({keys})")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_panels()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The zoom: a panel may no longer fit (or fit again), and a shown one takes a width
        # that suits its text at the new size.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.fit_panels()
            if self._readiness_folded is False:
                self._size_readiness_dock()

    # ---- reports -----------------------------------------------------------------------------

    def choose_and_export_report(self, audience: Audience) -> None:
        postmortem = self.editor.postmortem if self.current_id() is not None else None
        if postmortem is None:
            return
        from pmdesk.ui.file_dialogs import save_file_name

        suffix = " (stakeholders)" if audience is Audience.STAKEHOLDERS else ""
        suggested = f"{safe_file_name(postmortem.title)}{suffix}.pdf"
        path, chosen = save_file_name(
            self,
            "Export report",
            suggested,
            "PDF report (*.pdf);;Markdown report (*.md)",
            kind="report",
            folders=self.settings,
        )
        if path:
            if Path(path).suffix.lower() not in (".pdf", ".md"):
                path += ".md" if "*.md" in chosen else ".pdf"
            self.export_report(Path(path), audience)

    def export_report(self, path: Path, audience: Audience) -> bool:
        """Write the open postmortem's report in the background; progress in the status bar."""
        from pmdesk.services import postmortems
        from pmdesk.storage.errors import LibraryError

        current = self.current_id()
        postmortem = self.workspace.load(current) if current else None
        if postmortem is None:
            return False
        try:
            links = postmortems.report_links(self.library, postmortem.id)
        except (LibraryError, postmortems.NotFoundError) as error:
            self.report("The report was not written", str(error))
            return False
        if not self.reports.start(postmortem, path, audience, links):
            self.report(
                "A report is being written",
                "Wait for the report being written now to finish, then export this one.",
            )
            return False
        self.report_progress.setRange(0, 0)  # busy until the first page is counted
        self.report_progress.show()
        self.statusBar().showMessage(f"Writing the report to {path}…")
        return True

    def _report_progressed(self, done: int, total: int) -> None:
        self.report_progress.setRange(0, max(total, 1))
        self.report_progress.setValue(done)

    def _report_written(self, path: str) -> None:
        self.report_progress.hide()
        self.statusBar().showMessage(f"Report written to {path}", 8000)

    def _report_failed(self, message: str) -> None:
        self.report_progress.hide()
        self.statusBar().clearMessage()
        self.report("The report was not written", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.meeting is not None:
            self.meeting.leave()
        if self.attached:
            self.reports.wait()
            if self._similar_made():
                self.similar.wait()
            section = self.editor.current_view().value if "editor" in self._pages else ""
            self.settings.remember_open(self.library.location, self.current_id(), section)
        self.settings.set_geometry("geometry", self.saveGeometry())
        self.settings.set_geometry("state", self.saveState())
        self.settings.sync()
        super().closeEvent(event)
        if event.isAccepted() and "editor" in self._pages:
            self.editor.let_go()

    def _apply_again_from_dialog(self, conflict: Conflict) -> bool:
        from pmdesk.ui.conflicts import ask_apply_again

        return ask_apply_again(self._message_parent(), conflict)

    def report(self, title: str, message: str) -> None:
        QMessageBox.warning(self._message_parent(), title, message)

    def _message_parent(self) -> QWidget:
        # Over the stage while a meeting runs: behind it, nobody in the room would see it.
        return self.meeting.stage if self.meeting is not None else self

    def _conflicted(self, conflict: Conflict) -> None:
        """Someone else changed what the user just edited: their version is shown already; the
        user's change goes on top of it if they say so."""
        if self.ask_apply_again(conflict):
            conflict.apply()
        else:
            self.statusBar().showMessage(f"Kept the other version: {conflict.text} not made.", 8000)

    # ---- meeting mode --------------------------------------------------------------------------

    def start_meeting(self, size: QSize | None = None) -> MeetingMode | None:
        """Present the open postmortem's review; F5 there ends it and comes back here. With a
        `size`, the stage is a window that big instead of a full screen."""
        postmortem = self.editor.postmortem if self.current_id() is not None else None
        if postmortem is None or self.meeting is not None:
            return self.meeting
        from pmdesk.ui.meeting.mode import MeetingMode

        mode = MeetingMode(self.edits, postmortem, now=self.meeting_clock, parent=self)
        mode.finished.connect(self._meeting_finished)
        self.meeting = mode
        mode.start(self.screen(), size=size)
        return mode

    def _meeting_finished(self) -> None:
        mode, self.meeting = self.meeting, None
        if mode is None:
            return
        mode.dispose()
        self.activateWindow()
        current = self.current_id()
        if current is not None:
            self.open_postmortem(current)


def _empty_panel() -> QWidget:
    """A side panel's place in the frame, until the library brings the panel."""
    panel = QWidget()
    panel.setMinimumWidth(240)
    return panel


def _holds_focus(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def safe_file_name(title: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title)
    return "-".join(keep.split())[:80] or "postmortem"
