"""The main window: for now, the library of postmortems with a filter and File ▸ Import."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.services import postmortems
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.library import Library
from pmdesk.ui.library_model import SORT_ROLE, Column, LibraryModel

EMPTY_TEXT = (
    "<h2>No postmortems yet</h2>"
    "<p>Import one with <b>File ▸ Import…</b> (Ctrl+I), or from a terminal:<br>"
    "<code>pmdesk import incident.json</code></p>"
)


def library_name(library: Library) -> str:
    """A short name for the title bar: the file's name, or the server location."""
    return library.path.name if library.path is not None else library.location


class MainWindow(QMainWindow):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self.setWindowTitle(f"pmdesk — {library_name(library)}")
        self.resize(1100, 680)

        self.model = LibraryModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(Column.TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by title")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter postmortems by title")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QTableView()
        self.table.setAccessibleName("Postmortems in this library")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.STARTED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in list(Column)[1:]:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        self._build_menus()
        self.refresh()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.choose_and_import)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        find_action = QAction("&Find", self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.filter_edit.setFocus)
        self.addAction(find_action)

    def refresh(self) -> None:
        self.model.set_summaries(postmortems.list_postmortems(self._library))
        count = self.model.rowCount()
        self.stack.setCurrentWidget(self.table if count else self.empty_label)
        noun = "postmortem" if count == 1 else "postmortems"
        self.statusBar().showMessage(f"{count} {noun} in {self._library.location}")

    def choose_and_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import postmortems", "", "pmdesk interchange files (*.json);;All files (*)"
        )
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> list[str]:
        try:
            report = postmortems.import_files(self._library, paths)
        except (postmortems.ImportRefusedError, LibraryError) as error:
            QMessageBox.warning(self, "Nothing was imported", str(error))
            return []
        self.refresh()
        return report.postmortem_ids
