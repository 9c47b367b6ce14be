"""The file dialogs pmdesk shows, built so that listing a folder never opens a file in it.

Closing any descriptor of a file drops every POSIX lock the process holds on it, and SQLite keeps
the open library's lock that way. Qt's file dialog finds a file's type and icon by reading its
first bytes (and a platform theme such as GTK's does the same through GIO), so one look at the
library's folder used to release the lock: another program that then opened and closed the
library believed it was the last, checkpointed, and deleted the -wal and -shm this window still
wrote to, and every later edit was lost on a crash. Here types come from file names alone and
icons from the style's standard set, and the dialog is Qt's own (not the desktop's, which runs in
this process too and sniffs) wherever locks are POSIX locks. Windows locks per handle: its native
dialog stays.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QDir,
    QFileInfo,
    QLocale,
    QMimeDatabase,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QStyle, QTreeView, QWidget

from pmdesk.ui.resources import app_icon

LIBRARY_SUFFIX = ".pmdesk"
# The files SQLite keeps beside a database, and what each is to a person looking at the folder.
COMPANIONS = {"-wal": "log", "-shm": "log index", "-journal": "journal"}
SQLITE_SUFFIXES = (LIBRARY_SUFFIX, ".sqlite3", ".sqlite", ".db")

IconType = QAbstractFileIconProvider.IconType
_STANDARD_ICONS = {
    IconType.Computer: QStyle.StandardPixmap.SP_ComputerIcon,
    IconType.Desktop: QStyle.StandardPixmap.SP_DesktopIcon,
    IconType.Trashcan: QStyle.StandardPixmap.SP_TrashIcon,
    IconType.Network: QStyle.StandardPixmap.SP_DriveNetIcon,
    IconType.Drive: QStyle.StandardPixmap.SP_DriveHDIcon,
    IconType.Folder: QStyle.StandardPixmap.SP_DirIcon,
    IconType.File: QStyle.StandardPixmap.SP_FileIcon,
}


def _tr(text: str) -> str:
    # Qt's own words for these, so a translated Qt says them in the user's language.
    return QCoreApplication.translate("QAbstractFileIconProvider", text)


def type_from_name(name: str) -> str:
    """What a file is, judged by its name alone: "pmdesk library", "JSON document", "File"."""
    lowered = name.lower()
    if lowered.endswith(LIBRARY_SUFFIX):
        return "pmdesk library"
    for suffix, what in COMPANIONS.items():
        if lowered.endswith(suffix) and lowered[: -len(suffix)].endswith(SQLITE_SUFFIXES):
            owner = (
                "pmdesk library" if lowered[: -len(suffix)].endswith(LIBRARY_SUFFIX) else "SQLite"
            )
            return f"{owner} {what}"
    # The string overload with MatchExtension reads neither the file nor its metadata.
    mime = QMimeDatabase().mimeTypeForFile(name, QMimeDatabase.MatchMode.MatchExtension)
    if mime.isDefault():
        return _tr("File")
    return mime.comment() or mime.name()


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Types and icons for a file dialog's list that never open the files listed."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        self._icons = {kind: style.standardIcon(pixmap) for kind, pixmap in _STANDARD_ICONS.items()}
        library = app_icon()
        self._library_icon = self._icons[IconType.File] if library.isNull() else library

    def icon(self, what: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        if not isinstance(what, QFileInfo):
            return self._icons.get(what, self._icons[IconType.File])
        if what.isRoot():
            return self._icons[IconType.Drive]
        if what.isDir():
            return self._icons[IconType.Folder]
        if what.fileName().lower().endswith(LIBRARY_SUFFIX):
            return self._library_icon
        return self._icons[IconType.File]

    def type(self, info: QFileInfo) -> str:
        if info.isRoot():
            return _tr("Drive")
        if info.isDir():
            return _tr("Folder")
        if info.isFile():
            return type_from_name(info.fileName())
        if info.isSymLink():  # one that points nowhere
            return _tr("Shortcut")
        return _tr("Unknown")


_provider: NameOnlyIconProvider | None = None


def icon_provider() -> NameOnlyIconProvider:
    """The one provider every dialog shares; it lives as long as the application."""
    global _provider
    if _provider is None:
        _provider = NameOnlyIconProvider()
    return _provider


class FolderMemory(Protocol):
    """Where the last file of each kind was chosen (`UiSettings` keeps it between runs)."""

    def folder_for(self, kind: str) -> str | None: ...

    def remember_folder(self, kind: str, folder: str) -> None: ...


def documents_folder() -> str:
    """The user's documents folder, else their home: where a first dialog opens, never the
    folder pmdesk happened to be started in."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and QFileInfo(documents).isDir() else QDir.homePath()


def uses_own_dialog() -> bool:
    """Whether pmdesk shows Qt's dialog rather than the desktop's: wherever locks are POSIX."""
    return sys.platform != "win32"


def file_dialog(
    parent: QWidget | None,
    caption: str,
    start: str = "",
    filters: str = "",
    *,
    mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile,
    save: bool = False,
    kind: str = "",
    folders: FolderMemory | None = None,
) -> QFileDialog:
    """A file dialog over `parent` that lists without opening, not yet shown.

    `start` is a folder, a file name to suggest, or both. Without a folder the dialog opens
    where the last file of this `kind` was chosen (`folders` remembers), the first time in the
    documents folder.
    """
    dialog = QFileDialog(parent)
    # Before anything selects a file, which looks it up: the provider must be in place by then.
    # The option comes first: it makes the list (and the model behind it) that takes the provider.
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, uses_own_dialog())
    dialog.setIconProvider(icon_provider())
    dialog.setWindowTitle(caption)
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if filters:
        dialog.setNameFilter(filters)
    folder, name = _folder_and_name(start)
    remembered = folders.folder_for(kind) if folders is not None and kind else None
    dialog.setDirectory(folder or remembered or documents_folder())
    if name:
        dialog.selectFile(name)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    _fit_details(dialog)
    return dialog


def _fit_details(dialog: QFileDialog) -> None:
    """Columns wide enough for a library's size, type and date, and a dialog that shows them:
    Qt sizes the type column for "mp3Folder" and the dialog for a few short names."""
    view = dialog.findChild(QTreeView, "treeView")  # Qt's own dialog only
    if view is None:
        return
    header = view.header()
    metrics = dialog.fontMetrics()
    margin = metrics.horizontalAdvance("MMM")
    newest = QDateTime.currentDateTime()
    samples = {
        1: "1023.99 KiB",
        2: "pmdesk library log index",
        3: QLocale.system().toString(newest, QLocale.FormatType.ShortFormat),
    }
    for column, sample in samples.items():
        wanted = metrics.horizontalAdvance(sample) + margin
        header.resizeSection(column, max(header.sectionSize(column), wanted))
    sidebar = dialog.findChild(QWidget, "sidebar")
    beside = sidebar.sizeHint().width() if sidebar is not None else 0
    listed = header.length() + beside + 2 * margin
    width = max(dialog.sizeHint().width(), listed)
    height = max(dialog.sizeHint().height(), metrics.height() * 30)
    screen = dialog.screen().availableGeometry()
    dialog.resize(min(width, screen.width() * 9 // 10), min(height, screen.height() * 9 // 10))


def _folder_and_name(start: str) -> tuple[str, str]:
    """The folder `start` names (or "") and the file name it suggests (or "")."""
    if not start:
        return "", ""
    info = QFileInfo(start)
    if info.isDir():
        return info.absoluteFilePath(), ""
    if "/" not in start and "\\" not in start:
        return "", start  # a name alone: the folder is the remembered one
    folder = QFileInfo(info.absolutePath())
    return (folder.absoluteFilePath() if folder.isDir() else ""), info.fileName()


def _run(
    dialog: QFileDialog, kind: str = "", folders: FolderMemory | None = None
) -> tuple[list[str], str]:
    """Show `dialog` until it is answered: the chosen paths (none if cancelled) and filter."""
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return [], ""
        chosen = dialog.selectedFiles()
        if chosen and folders is not None and kind:
            first = Path(chosen[0])
            folders.remember_folder(kind, str(first if first.is_dir() else first.parent))
        return chosen, dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()


def open_file_name(
    parent: QWidget | None,
    caption: str,
    start: str = "",
    filters: str = "",
    *,
    kind: str = "",
    folders: FolderMemory | None = None,
) -> tuple[str, str]:
    """One existing file and the filter it was chosen with, or ("", "")."""
    dialog = file_dialog(parent, caption, start, filters, kind=kind, folders=folders)
    paths, chosen = _run(dialog, kind, folders)
    return (paths[0], chosen) if paths else ("", "")


def open_file_names(
    parent: QWidget | None,
    caption: str,
    start: str = "",
    filters: str = "",
    *,
    kind: str = "",
    folders: FolderMemory | None = None,
) -> tuple[list[str], str]:
    """Existing files and the filter they were chosen with, or ([], "")."""
    mode = QFileDialog.FileMode.ExistingFiles
    dialog = file_dialog(parent, caption, start, filters, mode=mode, kind=kind, folders=folders)
    return _run(dialog, kind, folders)


def save_file_name(
    parent: QWidget | None,
    caption: str,
    start: str = "",
    filters: str = "",
    *,
    kind: str = "",
    folders: FolderMemory | None = None,
) -> tuple[str, str]:
    """A file to write (the dialog asks before replacing one) and the filter, or ("", "")."""
    mode = QFileDialog.FileMode.AnyFile
    dialog = file_dialog(
        parent, caption, start, filters, mode=mode, save=True, kind=kind, folders=folders
    )
    paths, chosen = _run(dialog, kind, folders)
    return (paths[0], chosen) if paths else ("", "")


def existing_directory(
    parent: QWidget | None,
    caption: str,
    start: str = "",
    *,
    kind: str = "",
    folders: FolderMemory | None = None,
) -> str:
    """An existing folder, or ""."""
    mode = QFileDialog.FileMode.Directory
    dialog = file_dialog(parent, caption, start, mode=mode, kind=kind, folders=folders)
    paths, _ = _run(dialog, kind, folders)
    return paths[0] if paths else ""
