"""The Help menu's windows: the keyboard shortcut sheet and About pmdesk."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk import __version__
from pmdesk.ui import window_actions
from pmdesk.ui.resources import app_icon
from pmdesk.ui.widgets import emphasise, flat_table, muted

# The keys that live inside an editor rather than in a menu, as the README lists them.
EDITOR_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Timeline",
        (
            ("Enter (in the line under the table)", "add the typed event: 14:05 …, +5m …, kind: …"),
            ("Ctrl+V", "paste a chat log or CSV, with a preview"),
            ("Delete", "delete the selected events"),
            ("Alt+1 … Alt+8", "change the kind of the selected events"),
            ("F2, double-click", "edit a cell"),
        ),
    ),
    (
        "Causes",
        (
            ("Tab", "ask why: a new cause under the selected one"),
            ("Enter", "add a contributing factor beside it"),
            ("Shift+Tab (while typing)", "one level up"),
            ("Ctrl+Enter (while typing)", "store it as systemic; the next line opens a level up"),
            ("Ctrl+Shift+Enter", "start a new problem statement"),
            ("Ctrl+M", "mark systemic: where the asking stops"),
            ("Ctrl+Shift+A", "add an action for this cause"),
            ("Ctrl+Shift+T", "accept the theme suggested for a systemic cause"),
            ("Delete (on a theme)", "take the theme off the cause"),
            ("Alt+2 / Alt+3 (in its action line)", "add the action in progress / done"),
            ("Alt+Up / Alt+Down", "move among siblings"),
            ("Alt+Right / Alt+Left", "one level deeper / up"),
            ("Ctrl+D", "the diagram; Ctrl+Shift+F fits it"),
            ("Ctrl+Shift+S (in the diagram)", "export it as a PNG or SVG"),
        ),
    ),
    (
        "Action board",
        (
            ("Left / Right", "move between columns"),
            ("Alt+Right / Alt+Left", "move the card to the next / previous status"),
            ("Alt+1 … Alt+4", "move it to Open / In progress / Done / Dropped"),
            ("Alt+2 … Alt+4 (in the new-action line)", "add it in progress / done / dropped"),
            ("F2, double-click", "edit the title in place"),
        ),
    ),
    (
        "Follow-up review",
        (
            ("Ctrl+Return", "mark the action done"),
            ("Ctrl+R", "re-scope it with a new date and a reason"),
            ("Ctrl+Shift+E", "escalate it, with a note"),
            ("Return", "open its postmortem"),
        ),
    ),
    (
        "Patterns",
        (
            ("Arrows, click", "show the postmortems behind a number"),
            ("Return (on a number)", "go to those postmortems"),
            ("Return (on a postmortem, cause or action)", "open it there"),
            ("Tab", "the next table"),
        ),
    ),
    (
        "Library themes",
        (
            ("F2, Return, double-click", "rename the theme (onto another's name: merge them)"),
            ("Delete", "remove it, asking first when causes carry it"),
            ("Alt+Up / Alt+Down", "move it up / down"),
            ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo the dialog's changes"),
        ),
    ),
    (
        "Meeting mode",
        (
            ("Page Down / Page Up, Right / Left", "next / previous step (no editor focused)"),
            ("1 … 7, Ctrl+1 … Ctrl+7", "go to a step"),
            ("Escape", "leave the editor, so the step keys work"),
            ("T, Space, Ctrl+T", "start or pause the timer"),
            ("Ctrl+L", "park an off-topic point"),
            ("Ctrl+Shift+D", "note a decision"),
            ("F2", "show or hide the controls (one screen)"),
            ("F5", "end presenting"),
        ),
    ),
)


def menu_keys() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every window command that has keys, grouped by menu, from the table of commands."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for command in window_actions.commands():
        if command.keys:
            does = command.text.replace("&", "").rstrip("…")
            groups.setdefault(command.menu, []).append((keys_text(command), does))
    return list(groups.items())


def keys_text(command: window_actions.Command) -> str:
    """The command's keys as people type them: "Ctrl+Shift+Z, Ctrl+Y"."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(key.toString(native) for key in window_actions.key_sequences(command))


class ShortcutSheet(QDialog):
    """Every key pmdesk knows, grouped, with a filter: type "undo" or "Ctrl+M"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Find a key or a command")
        self.filter.setAccessibleName("Find a key or a command")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.tree = flat_table("Keyboard shortcuts", ["Does", "Keys"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        for title, rows in [*menu_keys(), *((t, list(r)) for t, r in EDITOR_KEYS)]:
            group = QTreeWidgetItem([title, ""])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for keys, does in rows:
                group.addChild(QTreeWidgetItem([does, keys]))
            self.tree.addTopLevelItem(group)
        self.tree.expandAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(640, 640)

    def apply_filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group is None:
                continue
            group_hit = wanted in group.text(0).casefold()
            shown = 0
            for child in _children(group):
                hit = (
                    not wanted
                    or group_hit
                    or wanted in child.text(0).casefold()
                    or wanted in child.text(1).casefold()
                )
                child.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)

    def visible_rows(self) -> list[tuple[str, str]]:
        rows = []
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group is None or group.isHidden():
                continue
            for child in _children(group):
                if not child.isHidden():
                    rows.append((child.text(0), child.text(1)))
        return rows


def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    rows = (group.child(index) for index in range(group.childCount()))
    return [row for row in rows if row is not None]


class AboutDialog(QDialog):
    def __init__(self, library_location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About pmdesk")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = emphasise(QLabel(f"pmdesk {__version__}"), 1.4)
        tagline = QLabel(
            "Blameless postmortems on your desktop: a timeline of facts, the impact in numbers, "
            "a five-whys tree that stops at a condition of the system, and action items that are "
            "followed through."
        )
        tagline.setWordWrap(True)
        import sqlalchemy  # the About box is the only part of the window that names it

        self.versions = muted(
            f"Python {platform.python_version()} · PySide6 {pyside_version} · "
            f"SQLAlchemy {sqlalchemy.__version__}"
        )
        self.library = muted(f"Library: {library_location}")
        self.library.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        for widget in (self.title, tagline, self.versions, self.library):
            text.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(520, 220)
