"""Edit ▸ Library themes: the library's vocabulary of contributing-factor themes, to rename,
describe, add, reorder, remove and merge.

Each change is one step on the window's undo stack (`ThemeEdits`), made through the theme
services in one transaction; undoing a removal or a merge puts every cause's link back. The
dialog checks a name before anything is written and says in place what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.themes import Theme, same_theme
from pmdesk.domain.validation import ValidationError
from pmdesk.services import themes
from pmdesk.services.changes import EVERYTHING, Changes, Entity
from pmdesk.storage.library import Library
from pmdesk.ui.causes.themes_row import ThemesRow
from pmdesk.ui.commands import Outcome
from pmdesk.ui.widgets import CommittingTextEdit, muted

if TYPE_CHECKING:
    from pmdesk.ui.main_window import MainWindow
    from pmdesk.ui.workspace import Workspace

TITLE = "Library themes"
NAME, DESCRIPTION, CARRIED = range(3)


def carried_by(causes: int, postmortems: int) -> str:
    """How much of the library carries a theme, for people: "12 causes in 7 postmortems"."""
    if causes == 0:
        return "no cause yet"
    cause_noun = "cause" if causes == 1 else "causes"
    postmortem_noun = "postmortem" if postmortems == 1 else "postmortems"
    return f"{causes} {cause_noun} in {postmortems} {postmortem_noun}"


# ---- the undoable edits --------------------------------------------------------------------


class ThemeEdits:
    """Each edit of the vocabulary as one undo step: a theme service and its inverse."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def _run(self, text: str, edit: Callable[[], Outcome]) -> bool:
        return self.workspace.execute(text, edit)

    @property
    def _library(self) -> Library:
        return self.workspace.library

    def add(self, name: str, description: str = "") -> bool:
        def edit() -> Outcome:
            theme, changes = themes.add_theme(self._library, name, description)
            index = [t.name for t in themes.library_themes(self._library)].index(theme.name)
            return Outcome(
                changes,
                undo=lambda: themes.remove_theme(self._library, theme.name)[1],
                redo=lambda: themes.add_theme(self._library, theme.name, description, index)[1],
            )

        return self._run(f"Add theme “{name.strip()}”", edit)

    def rename(self, name: str, new_name: str) -> bool:
        cleaned = themes.check_theme_name(new_name)

        def edit() -> Outcome:
            old, changes = themes.rename_theme(self._library, name, cleaned)
            return Outcome(
                changes,
                undo=lambda: themes.rename_theme(self._library, cleaned, old)[1],
                redo=lambda: themes.rename_theme(self._library, old, cleaned)[1],
            )

        return self._run(f"Rename theme “{name}” to “{cleaned}”", edit)

    def merge(self, name: str, into: str) -> bool:
        def edit() -> Outcome:
            merged, changes = themes.merge_theme(self._library, name, into)
            again: list[themes.MergedTheme] = [merged]

            def redo() -> Changes:
                again[0], done = themes.merge_theme(self._library, name, into)
                return done

            return Outcome(
                changes, undo=lambda: themes.unmerge_theme(self._library, again[0]), redo=redo
            )

        return self._run(f"Merge theme “{name}” into “{into}”", edit)

    def describe(self, name: str, description: str) -> bool:
        def edit() -> Outcome:
            old, changes = themes.describe_theme(self._library, name, description)
            return Outcome(
                changes,
                undo=lambda: themes.describe_theme(self._library, name, old)[1],
                redo=lambda: themes.describe_theme(self._library, name, description)[1],
            )

        return self._run(f"Describe theme “{name}”", edit)

    def move(self, name: str, index: int) -> bool:
        def edit() -> Outcome:
            old, changes = themes.move_theme(self._library, name, index)
            return Outcome(
                changes,
                undo=lambda: themes.move_theme(self._library, name, old)[1],
                redo=lambda: themes.move_theme(self._library, name, index)[1],
            )

        return self._run(f"Move theme “{name}”", edit)

    def remove(self, name: str) -> bool:
        def edit() -> Outcome:
            removed, changes = themes.remove_theme(self._library, name)
            taken: list[themes.RemovedTheme] = [removed]

            def redo() -> Changes:
                taken[0], done = themes.remove_theme(self._library, name)
                return done

            return Outcome(
                changes, undo=lambda: themes.restore_theme(self._library, taken[0]), redo=redo
            )

        return self._run(f"Remove theme “{name}”", edit)


# ---- the dialog ------------------------------------------------------------------------------


class _Roomy(QStyledItemDelegate):
    """Rows with some air, following the font: readable, and tall enough for the name's editor."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + option.fontMetrics.lineSpacing() // 2)


class _NameDelegate(_Roomy):
    """Renames in place: the typed name goes to the dialog, which checks and stores it; the row
    shows what the library holds once it is stored."""

    typed = Signal(str, str)  # the theme's name, the name typed for it

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, QLineEdit):
            old = str(index.data(Qt.ItemDataRole.UserRole))
            if editor.text() != index.data(Qt.ItemDataRole.DisplayRole):
                self.typed.emit(old, editor.text())

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        editor.setAccessibleName("Theme name")
        return editor


class ThemeList(QTreeWidget):
    """The vocabulary in its order: F2 or Enter renames, Delete removes, Alt+Up/Down moves."""

    rename_requested = Signal()
    remove_requested = Signal()
    move_requested = Signal(int)  # -1 up, +1 down

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        alt = modifiers & Qt.KeyboardModifier.AltModifier
        if self.state() != QTreeWidget.State.EditingState:
            if key in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter) and not alt:
                self.rename_requested.emit()
                return
            if key == Qt.Key.Key_Delete:
                self.remove_requested.emit()
                return
            if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
                return
        super().keyPressEvent(event)


class ThemeVocabularyDialog(QDialog):
    """The library's themes, each with what it covers and how much of the library carries it."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.workspace = workspace
        self.edits = ThemeEdits(workspace)
        self.uses: list[themes.ThemeUse] = []
        # Where the undo stack stood when the dialog opened, and whether a step was made here
        # since: Ctrl+Z and Ctrl+Shift+Z replay only this dialog's steps.
        self._start = workspace.undo_stack.index()
        self._made = False

        intro = muted(
            "The themes a systemic cause can carry, in the order the cause pane offers them. "
            "A change here applies to every postmortem in the library."
        )
        self.list = ThemeList()
        self.list.setAccessibleName("Library themes")
        self.list.setHeaderLabels(["Theme", "Description", "Carried by"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CARRIED, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setItemDelegate(_Roomy(self.list))
        self.delegate = _NameDelegate(self.list)
        # Queued: the rename reloads the list, which must not happen inside the editor's commit.
        self.delegate.typed.connect(self.rename, Qt.ConnectionType.QueuedConnection)
        self.list.setItemDelegateForColumn(NAME, self.delegate)
        self.list.rename_requested.connect(self.start_rename)
        self.list.remove_requested.connect(self.remove_current)
        self.list.move_requested.connect(self.move_current)
        self.list.itemDoubleClicked.connect(lambda *_: self.start_rename())
        self.list.currentItemChanged.connect(lambda *_: self._show_current())

        self.rename_button = self._button("&Rename", "F2", self.start_rename)
        self.up_button = self._button("Move &up", "Alt+Up", lambda: self.move_current(-1))
        self.down_button = self._button("Move do&wn", "Alt+Down", lambda: self.move_current(1))
        self.remove_button = self._button("Re&move", "Delete", self.remove_current)
        side = QVBoxLayout()
        for button in (self.rename_button, self.up_button, self.down_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)

        self.description_label = QLabel("&Description")
        self.description = CommittingTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setPlaceholderText("What this theme covers, for the people who pick it")
        self.description_label.setBuddy(self.description)
        self.description.editing_finished.connect(self._describe)

        self.new_name = QLineEdit()
        self.new_name.setAccessibleName("New theme")
        self.new_name.setPlaceholderText("A new theme's name")
        new_label = QLabel("&New theme")
        new_label.setBuddy(self.new_name)
        self.add_button = QPushButton("&Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.new_name.returnPressed.connect(self.add)

        self.problem = QLabel("")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.done_label = muted("")
        self.done_label.setAccessibleName("Last change")
        self.done_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(side)
        adding = QHBoxLayout()
        adding.addWidget(new_label)
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top, 1)
        # The label above its field: it names the theme, which may be long.
        layout.addWidget(self.description_label)
        layout.addWidget(self.description)
        layout.addSpacing(self.fontMetrics().lineSpacing() // 2)
        layout.addLayout(adding)
        layout.addWidget(self.problem)
        layout.addWidget(self.done_label)
        layout.addWidget(buttons)

        # Undo and redo of this dialog's own steps while it is open (Edit ▸ Undo afterwards);
        # a step made before it opened is not undone from here, out of sight.
        self._key_action(QKeySequence.StandardKey.Undo, self._undo)
        self._key_action(QKeySequence.StandardKey.Redo, self._redo)

        workspace.changed.connect(self._changed)
        workspace.changed_elsewhere.connect(self._changed_elsewhere)
        self.reload()
        self.list.setFocus()
        self._fit()

    def _button(self, text: str, key: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        shown = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text.replace('&', '')} ({shown})")
        button.clicked.connect(lambda _=False: slot())
        return button

    def _key_action(self, key: QKeySequence.StandardKey, slot: Callable[[], object]) -> None:
        action = QAction(self)
        action.setShortcuts(key)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)

    def _fit(self) -> None:
        """Room for the names, the counts and a good part of each description, at any zoom,
        within the screen."""
        unit = self.fontMetrics().averageCharWidth()
        lines = self.fontMetrics().lineSpacing()
        self.description.setFixedHeight(round(4.5 * lines))
        width, height = max(self.sizeHint().width(), 120 * unit), 28 * lines
        screen = self.screen().availableGeometry()
        self.resize(
            min(width, round(screen.width() * 0.9)), min(height, round(screen.height() * 0.9))
        )

    # ---- showing -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the vocabulary as the library holds it, keeping the current theme current."""
        current = self.current_name()
        row = max(self.list.currentIndex().row(), 0)
        self.uses = themes.theme_uses(self.workspace.library)
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for use in self.uses:
            item = QTreeWidgetItem(
                [
                    use.theme.name,
                    use.theme.description,
                    carried_by(use.causes, use.postmortems),
                ]
            )
            item.setData(NAME, Qt.ItemDataRole.UserRole, use.theme.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            if use.theme.description:
                item.setToolTip(DESCRIPTION, use.theme.description)
            item.setToolTip(CARRIED, "Systemic causes that carry this theme")
            self.list.addTopLevelItem(item)
        self.list.blockSignals(blocked)
        found = self._row_of(current) if current is not None else None
        self._go_to(found if found is not None else min(row, len(self.uses) - 1))
        self._show_current()

    def _go_to(self, row: int) -> None:
        if 0 <= row < len(self.uses):
            self.list.setCurrentIndex(self.list.model().index(row, NAME))

    def _row_of(self, name: str) -> int | None:
        return next((i for i, u in enumerate(self.uses) if same_theme(u.theme.name, name)), None)

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(NAME, Qt.ItemDataRole.UserRole))

    def _current_use(self) -> themes.ThemeUse | None:
        row = self.list.currentIndex().row()
        return self.uses[row] if 0 <= row < len(self.uses) else None

    def _show_current(self) -> None:
        use = self._current_use()
        has = use is not None
        for widget in (self.rename_button, self.remove_button, self.description):
            widget.setEnabled(has)
        row = self.list.currentIndex().row()
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self.uses) - 1)
        name = use.theme.name if use is not None else ""
        self.description_label.setText(f"&Description of “{name}”" if has else "&Description")
        # A description being typed is stored when the keyboard leaves it, before this runs.
        self.description.set_committed_text(use.theme.description if use is not None else "")

    def _changed(self, changes: Changes) -> None:
        if changes.entity is Entity.THEME or EVERYTHING in changes.updated:
            self.reload()

    def _changed_elsewhere(self, _changes: Changes) -> None:
        self.reload()  # a teammate's edit may have renamed or removed a theme

    def say(self, problem: str = "", done: str = "") -> None:
        """A problem with what was asked (nothing written), or what the last change did."""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.done_label.setText(done)
        self.done_label.setVisible(bool(done))

    # ---- editing -----------------------------------------------------------------------------

    def start_rename(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item, NAME)

    def rename(self, name: str, typed: str) -> bool:
        """Rename a theme; onto another theme's name, offer to merge the two."""
        try:
            cleaned = themes.check_theme_name(typed)
        except ValidationError as error:
            self.say(f"“{name}” keeps its name: {error}")
            return False
        if cleaned == name:
            return False
        other = next(
            (u for u in self.uses if same_theme(u.theme.name, cleaned) and u.theme.name != name),
            None,
        )
        if other is not None and not same_theme(name, cleaned):
            return self._merge(name, other.theme)
        if not self.edits.rename(name, cleaned):
            return False
        self._select(cleaned)
        self.say(done=f"Renamed “{name}” to “{cleaned}” on every cause that carries it.")
        return True

    def _merge(self, name: str, into: Theme) -> bool:
        causes, postmortems = themes.theme_carriers(self.workspace.library, name)
        moved = (
            f"The {carried_by(causes, postmortems)} that carry “{name}” will carry “{into.name}” "
            "instead, and "
            if causes
            else ""
        )
        answer = QMessageBox.question(
            self,
            "Merge themes",
            f"The library already has the theme “{into.name}”. Merge “{name}” into it?\n\n"
            f"{moved}“{name}” leaves the list. Edit ▸ Undo takes this back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.say(
                f"Nothing was changed: “{name}” keeps its name. Give it a name no other theme "
                f"has, or rename it to “{into.name}” again and choose to merge the two."
            )
            return False
        if not self.edits.merge(name, into.name):
            return False
        self._select(into.name)
        self.say(done=f"Merged “{name}” into “{into.name}”.")
        return True

    def _describe(self, text: str) -> None:
        use = self._current_use()
        if use is None or text.strip() == use.theme.description:
            return
        try:
            themes.check_theme_description(text)
        except ValidationError as error:
            self.say(str(error))
            return
        if self.edits.describe(use.theme.name, text):
            self.say(done=f"Described “{use.theme.name}”.")

    def add(self) -> bool:
        typed = self.new_name.text()
        try:
            cleaned = themes.check_theme_name(typed)
        except ValidationError as error:
            self.say(str(error))
            self.new_name.setFocus()
            return False
        other = next((u.theme for u in self.uses if same_theme(u.theme.name, cleaned)), None)
        if other is not None:
            self.say(themes.already_there(cleaned, other))
            self.new_name.setFocus()
            return False
        if not self.edits.add(cleaned):
            return False
        self.new_name.clear()
        self._select(cleaned)
        self.say(done=f"Added “{cleaned}”. Say what it covers under Description.")
        self.description.setFocus()
        return True

    def move_current(self, step: int) -> bool:
        name, row = self.current_name(), self.list.currentIndex().row()
        target = row + step
        if name is None or not 0 <= target < len(self.uses):
            return False
        if not self.edits.move(name, target):
            return False
        self._select(name)
        self.list.setFocus()
        self.say()
        return True

    def remove_current(self) -> bool:
        use = self._current_use()
        if use is None:
            return False
        name = use.theme.name
        causes, postmortems = themes.theme_carriers(self.workspace.library, name)
        if causes:
            answer = QMessageBox.question(
                self,
                "Remove theme",
                f"Remove “{name}” from {carried_by(causes, postmortems)}?\n\n"
                "The theme leaves the library's list and every cause that carries it. "
                "Edit ▸ Undo brings both back.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.say()
                return False
        if not self.edits.remove(name):
            return False
        self.list.setFocus()
        self.say(done=f"Removed “{name}”. Ctrl+Z brings it back.")
        return True

    def _select(self, name: str) -> None:
        row = self._row_of(name)
        if row is not None:
            self._go_to(row)

    # ---- undo while open ---------------------------------------------------------------------

    def _ours(self) -> tuple[bool, bool]:
        """Whether undo and redo would replay a step made in this dialog."""
        stack = self.workspace.undo_stack
        self._made = self._made or stack.index() > self._start
        # A step pushed here dropped whatever could be redone before: what is left is ours.
        return (
            stack.canUndo() and stack.index() > self._start,
            self._made and stack.canRedo() and stack.index() >= self._start,
        )

    def _undo(self) -> None:
        if self._ours()[0]:
            self.workspace.undo_stack.undo()
            self.say()

    def _redo(self) -> None:
        if self._ours()[1]:
            self.workspace.undo_stack.redo()
            self.say()

    def done(self, result: int) -> None:
        self.description.commit()  # typed but not yet left: stored before the dialog goes
        self.workspace.changed.disconnect(self._changed)
        self.workspace.changed_elsewhere.disconnect(self._changed_elsewhere)
        super().done(result)


def edit_themes(window: MainWindow) -> ThemeVocabularyDialog | None:
    """Open the library's themes over the window; the window's views reload after each edit."""
    if not window.attached:
        return None
    watch_vocabulary(window)
    dialog = ThemeVocabularyDialog(window.workspace, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class _VocabularyWatch(QObject):
    """Tells the window's theme rows to read the vocabulary again after it changed."""

    def __init__(self, window: MainWindow, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._window = window
        workspace.changed.connect(self._changed)
        workspace.changed_elsewhere.connect(lambda _changes: self.forget())

    def _changed(self, changes: Changes) -> None:
        if changes.entity is Entity.THEME or EVERYTHING in changes.updated:
            self.forget()

    def forget(self) -> None:
        for row in self._window.findChildren(ThemesRow):
            row.forget_vocabulary()


def watch_vocabulary(window: MainWindow) -> None:
    """Once per library the window opens: its theme rows hear of changes to the vocabulary."""
    if window.workspace.findChild(_VocabularyWatch) is None:
        _VocabularyWatch(window, window.workspace)
