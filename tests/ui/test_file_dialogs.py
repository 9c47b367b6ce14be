"""Every file dialog pmdesk shows lists a folder without opening the files in it, so the open
library keeps SQLite's lock (pmdesk/ui/file_dialogs.py says why that matters)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QFileInfo, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileIconProvider, QFileSystemModel
from pytestqt.qtbot import QtBot

from pmdesk.report.contents import Audience
from pmdesk.storage.held_files import holds_shared_lock
from pmdesk.ui import file_dialogs
from pmdesk.ui.causes.section import DIAGRAM_FILTER
from pmdesk.ui.file_dialogs import NameOnlyIconProvider, type_from_name
from pmdesk.ui.main_window import EXPORT_FILTER, JSON_FILTER, LIBRARY_FILTER, MainWindow
from pmdesk.ui.settings import UiSettings

FileMode = QFileDialog.FileMode
ALL_FILES = "All files (*)"
needs_proc_locks = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock checks read Linux's /proc/locks"
)


def holds_library_lock_here(path: Path) -> bool:
    """Whether this process holds SQLite's READ lock on the database file at `path`."""
    return holds_shared_lock(path) is True


@pytest.fixture
def snapshot(tmp_path: Path) -> Iterator[Path]:
    """An SQLite file with no extension to go by, held open in WAL mode by this process."""
    path = tmp_path / "snapshot"
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE kept (x)")
        conn.commit()
        conn.execute("SELECT count(*) FROM kept").fetchall()
        yield path
    finally:
        conn.close()


# ---- types from names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("library.pmdesk", "pmdesk library"),
        ("Team Library.PMDESK", "pmdesk library"),
        ("library.pmdesk-wal", "pmdesk library log"),
        ("library.pmdesk-shm", "pmdesk library log index"),
        ("library.pmdesk-journal", "pmdesk library journal"),
        ("old.sqlite3-wal", "SQLite log"),
        ("old.sqlite3", "SQLite3 database"),
        ("postmortem.json", "JSON document"),
        ("report.pdf", "PDF document"),
        ("snapshot", "File"),
        ("notes-wal", "File"),
    ],
)
def test_a_type_comes_from_the_name_alone(name: str, expected: str) -> None:
    assert type_from_name(name) == expected


@needs_proc_locks
def test_the_provider_never_opens_what_it_names(
    qtbot: QtBot, tmp_path: Path, snapshot: Path
) -> None:
    library = tmp_path / "library.pmdesk"
    conn = sqlite3.connect(library)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE kept (x)")
        conn.commit()
        conn.execute("SELECT count(*) FROM kept").fetchall()
        assert holds_library_lock_here(library)
        assert holds_library_lock_here(snapshot)
        provider = NameOnlyIconProvider()
        named = {p.name: provider.type(QFileInfo(str(p))) for p in tmp_path.iterdir()}
        for path in tmp_path.iterdir():
            assert not provider.icon(QFileInfo(str(path))).isNull()
        assert holds_library_lock_here(library)
        assert holds_library_lock_here(snapshot)
    finally:
        conn.close()
    assert named["library.pmdesk"] == "pmdesk library"
    assert named["snapshot"] == "File"
    assert named["library.pmdesk-wal"] == "pmdesk library log"


@needs_proc_locks
def test_qts_own_provider_drops_the_lock(qtbot: QtBot, tmp_path: Path, snapshot: Path) -> None:
    """Why pmdesk has a provider of its own: Qt's reads the first bytes to name the type (here
    "SQLite3 database"), and closing that descriptor drops this process's lock. If this fails,
    Qt stopped reading files to name them."""
    assert holds_library_lock_here(snapshot)
    named = QFileIconProvider().type(QFileInfo(str(snapshot)))
    assert named == "SQLite3 database"
    assert not holds_library_lock_here(snapshot)


# ---- every dialog of the window ------------------------------------------------------------


@dataclass(frozen=True)
class Dialog:
    title: str
    open: Callable[[MainWindow], object]
    mode: QFileDialog.FileMode
    saves: bool
    filters: str


DIALOGS = {
    "open library": Dialog(
        "Open library", MainWindow.choose_library, FileMode.ExistingFile, False, LIBRARY_FILTER
    ),
    "new library": Dialog(
        "New library", MainWindow.choose_new_library, FileMode.AnyFile, True, LIBRARY_FILTER
    ),
    "import": Dialog(
        "Import postmortems",
        MainWindow.choose_and_import,
        FileMode.ExistingFiles,
        False,
        JSON_FILTER,
    ),
    "export": Dialog(
        "Export postmortem", MainWindow.choose_and_export, FileMode.AnyFile, True, EXPORT_FILTER
    ),
    "report": Dialog(
        "Export report",
        lambda w: w.choose_and_export_report(Audience.TEAM),
        FileMode.AnyFile,
        True,
        "PDF report (*.pdf);;Markdown report (*.md)",
    ),
    "report for stakeholders": Dialog(
        "Export report",
        lambda w: w.choose_and_export_report(Audience.STAKEHOLDERS),
        FileMode.AnyFile,
        True,
        "PDF report (*.pdf);;Markdown report (*.md)",
    ),
    "evidence file": Dialog(
        "Add evidence to the timeline",
        MainWindow.choose_evidence_file,
        FileMode.ExistingFile,
        False,
        "CSV files and Slack exports (*.csv *.zip);;All files (*)",
    ),
    "evidence folder": Dialog(
        "Choose a Slack export folder",
        MainWindow.choose_evidence_folder,
        FileMode.Directory,
        False,
        "",
    ),
    "cause diagram": Dialog(
        "Export the cause diagram",
        lambda w: w.editor.causes.choose_and_export(),
        FileMode.AnyFile,
        True,
        DIAGRAM_FILTER,
    ),
}


def answer(qtbot: QtBot, handle: Callable[[QFileDialog], None]) -> list[QFileDialog]:
    """Hand the next modal file dialog to `handle`, then cancel it (whatever `handle` does)."""
    seen: list[QFileDialog] = []
    tries = iter(range(500))  # five seconds, then the test fails saying no dialog came

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or not dialog.isVisible():
            if next(tries, None) is not None:
                QTimer.singleShot(10, look)
            return
        seen.append(dialog)
        try:
            handle(dialog)
        finally:
            dialog.reject()

    QTimer.singleShot(0, look)
    return seen


def listed_types(qtbot: QtBot, dialog: QFileDialog, folder: Path) -> dict[str, str]:
    """Show everything in `folder` and wait until the dialog has typed each file."""
    dialog.setDirectory(str(folder))
    if dialog.fileMode() != FileMode.Directory:
        dialog.setNameFilter(ALL_FILES)
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    folders = {p.name for p in folder.iterdir() if p.is_dir()}
    files = {p.name for p in folder.iterdir() if p.is_file()}
    names = folders if dialog.fileMode() == FileMode.Directory else folders | files
    types: dict[str, str] = {}

    def typed() -> bool:
        root = model.index(str(folder))
        types.clear()
        for row in range(model.rowCount(root)):
            name = str(model.data(model.index(row, 0, root)))
            types[name] = str(model.data(model.index(row, 2, root)))
        return names <= {n for n, t in types.items() if t}

    qtbot.waitUntil(typed, timeout=5000)
    qtbot.wait(300)  # anything still to come (a second batch, icons) would come now
    return types


@needs_proc_locks
@pytest.mark.parametrize("which", list(DIALOGS))
def test_a_dialog_lists_the_librarys_folder_and_the_library_keeps_its_lock(
    qtbot: QtBot,
    opened: MainWindow,
    tmp_path: Path,
    snapshot: Path,
    which: str,
) -> None:
    expected = DIALOGS[which]
    library = opened.library.path
    assert library is not None and library.parent == tmp_path
    assert holds_library_lock_here(library)
    (tmp_path / "slack-export").mkdir()
    found: dict[str, object] = {}

    def inspect(dialog: QFileDialog) -> None:
        found["parent"] = dialog.parentWidget()
        found["title"] = dialog.windowTitle()
        found["mode"] = dialog.fileMode()
        found["saves"] = dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        found["filters"] = ";;".join(dialog.nameFilters()) if expected.filters else ""
        found["own dialog"] = dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        found["provider"] = type(dialog.iconProvider())
        found["modality"] = dialog.windowModality()
        found["types"] = listed_types(qtbot, dialog, tmp_path)
        found["library locked"] = holds_library_lock_here(library)
        found["snapshot locked"] = holds_library_lock_here(snapshot)

    seen = answer(qtbot, inspect)
    expected.open(opened)
    assert len(seen) == 1, "no file dialog was shown"
    types = found.pop("types")
    assert found == {
        "parent": opened if which != "cause diagram" else opened.editor.causes,
        "title": expected.title,
        "mode": expected.mode,
        "saves": expected.saves,
        "filters": expected.filters,
        "own dialog": sys.platform != "win32",
        "provider": NameOnlyIconProvider,
        "modality": Qt.WindowModality.WindowModal,
        "library locked": True,
        "snapshot locked": True,
    }
    assert isinstance(types, dict)
    if expected.mode == FileMode.Directory:
        assert types == {"slack-export": "Folder"}
    else:
        assert types["library.pmdesk"] == "pmdesk library"
        assert types["snapshot"] == "File"
        assert types["slack-export"] == "Folder"
    # Cancelled: nothing chosen, nothing done.
    assert opened.library.path == library
    assert opened.reported == []  # type: ignore[attr-defined]


# ---- what the dialogs answer ---------------------------------------------------------------


def choose(qtbot: QtBot, path: Path, filter_: str | None = None) -> None:
    """Pick `path` in the next file dialog and accept it, as a user would."""

    tries = iter(range(500))

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(10, look)
            return
        if filter_ is not None:
            dialog.selectNameFilter(filter_)
        dialog.setDirectory(str(path.parent))
        dialog.selectFile(path.name)
        dialog.accept()

    QTimer.singleShot(0, look)


def test_an_accepted_dialog_gives_the_path_and_the_filter(qtbot: QtBot, tmp_path: Path) -> None:
    chosen = tmp_path / "out.svg"
    choose(qtbot, chosen, "SVG drawing (*.svg)")
    assert file_dialogs.save_file_name(None, "Save", "x.png", DIAGRAM_FILTER) == (
        str(chosen),
        "SVG drawing (*.svg)",
    )
    existing = tmp_path / "in.json"
    existing.write_text("{}", encoding="utf-8")
    choose(qtbot, existing)
    assert file_dialogs.open_file_names(None, "Import", "", JSON_FILTER) == (
        [str(existing)],
        "pmdesk interchange files (*.json)",
    )
    choose(qtbot, tmp_path)
    assert file_dialogs.existing_directory(None, "Folder") == str(tmp_path)


def test_a_first_dialog_opens_in_the_documents_folder_never_the_working_one(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    dialog = file_dialogs.file_dialog(
        None, "New library", "postmortems.pmdesk", save=True, kind="library", folders=settings
    )
    qtbot.addWidget(dialog)
    shown = Path(dialog.directory().absolutePath())
    assert shown == Path(file_dialogs.documents_folder())
    assert shown != tmp_path
    assert dialog.selectedFiles() == [str(shown / "postmortems.pmdesk")]


def test_each_kind_of_file_opens_where_the_last_one_was_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    reports = tmp_path / "reports"
    reports.mkdir()

    def choose(dialog: QFileDialog) -> None:
        dialog.selectFile(str(reports / "review.pdf"))
        dialog.accept()

    QTimer.singleShot(50, lambda: choose(_the_modal_dialog()))
    path, _ = file_dialogs.save_file_name(
        None, "Export report", "review.pdf", "PDF report (*.pdf)", kind="report", folders=settings
    )
    assert path == str(reports / "review.pdf")
    again = file_dialogs.file_dialog(
        None, "Export report", "x.pdf", kind="report", folders=settings
    )
    qtbot.addWidget(again)
    assert Path(again.directory().absolutePath()) == reports
    other = file_dialogs.file_dialog(None, "Import", "", kind="interchange", folders=settings)
    qtbot.addWidget(other)
    assert Path(other.directory().absolutePath()) == Path(file_dialogs.documents_folder())


def _the_modal_dialog() -> QFileDialog:
    modal = QApplication.activeModalWidget()
    assert isinstance(modal, QFileDialog)
    return modal
