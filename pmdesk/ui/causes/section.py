"""The Causes tab: the five-whys tree (as an outline or a diagram) and the selected cause.

Every change goes through `Edits` as one undoable step; the tree and the diagram are redrawn from
the library afterwards, so what is shown is always what is stored.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QMenu,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.action_entry import ActionEntry
from pmdesk.domain.model import ActionStatus, Cause, Postmortem
from pmdesk.services.themes import library_themes
from pmdesk.ui.causes.detail import CauseDetail, event_label
from pmdesk.ui.causes.diagram import CauseDiagram
from pmdesk.ui.causes.themes_row import ACCEPT_KEY
from pmdesk.ui.causes.tree import CauseTreeView, Draft
from pmdesk.ui.edits import Edits
from pmdesk.ui.file_dialogs import FolderMemory, save_file_name
from pmdesk.ui.side_panels import ShareSplitter
from pmdesk.ui.widgets import elide_choices, muted

DIAGRAM_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


class CausesSection(QWidget):
    event_requested = Signal(str)  # a cited timeline event to show
    cause_shown = Signal(object)  # the CauseRow now in the pane beside the tree, or None
    action_requested = Signal(str)  # an action to show on the board
    export_failed = Signal(str, str)  # title, message

    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Where the diagram export's dialog opens (the window hands in its settings).
        self.folders: FolderMemory | None = None
        self._edits = edits
        self.postmortem: Postmortem | None = None

        self.tree = CauseTreeView()
        self.tree.move_requested.connect(self.move_cause)
        self.tree.text_edited.connect(self.set_text)
        self.tree.draft_submitted.connect(self._store_draft)
        self.tree.ask_why_requested.connect(self.ask_why)
        self.tree.add_factor_requested.connect(self.add_factor)
        self.tree.action_activated.connect(self.action_requested)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.diagram = CauseDiagram()
        self.diagram.cause_activated.connect(self._diagram_activated)
        self.views = QStackedWidget()
        self.views.addWidget(self.tree)
        self.views.addWidget(self.diagram)

        self.detail = CauseDetail()
        self.detail.new_action.known_owners = edits.known_owners
        self.detail.text_changed.connect(self.set_text)
        self.detail.systemic_changed.connect(self.set_systemic)
        self.detail.evidence_changed.connect(self.set_evidence)
        self.detail.themes_changed.connect(self.set_themes)
        self.detail.themes.vocabulary = lambda: library_themes(edits.workspace.library)
        self.detail.action_added.connect(self.add_action)
        self.detail.event_requested.connect(self.event_requested)
        self.detail.action_requested.connect(self.action_requested)
        self.detail.ask_why_requested.connect(self.ask_why)

        self.toolbar = QToolBar("Causes")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_problem_action = self._action("New problem", self.new_problem, "Ctrl+Shift+Return")
        self.ask_why_action = self._action("Ask why", self.ask_why, None, "Tab")
        self.add_factor_action = self._action("Add factor", self.add_factor, None, "Enter")
        self.add_factor_action.setToolTip("Add a contributing factor beside this cause (Enter)")
        self.systemic_action = self._action("Systemic", self.toggle_systemic, "Ctrl+M")
        self.add_action_action = self._action(
            "Add action", self.detail.focus_new_action, "Ctrl+Shift+A"
        )
        # Not on the toolbar: the key is said on the suggestion itself, where it applies.
        self.accept_theme_action = QAction("Accept suggested theme", self)
        self.accept_theme_action.setShortcut(QKeySequence(ACCEPT_KEY))
        self.accept_theme_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.accept_theme_action.triggered.connect(self.accept_theme)
        self.addAction(self.accept_theme_action)
        self.delete_action = self._action("Delete", self.delete_current, None, "Del")
        # The platform's Delete keys but Ctrl+D, which X11 counts as one: here Ctrl+D is the
        # diagram, and on Linux it used to delete the selected cause's branch instead.
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Delete)
        delete = QShortcut(self.tree)
        delete.setKeys([key for key in keys if key != QKeySequence("Ctrl+D")])
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_current)
        self.expand_action = QAction("Expand all", self)
        self.expand_action.triggered.connect(self.tree.expandAll)
        self.collapse_action = QAction("Collapse all", self)
        self.collapse_action.triggered.connect(self.tree.collapseAll)
        self.toolbar.addSeparator()
        self.diagram_action = self._action("Diagram", self.toggle_diagram, "Ctrl+D")
        self.diagram_action.setCheckable(True)
        self.fit_action = self._action("Fit", self.diagram.fit, "Ctrl+Shift+F")
        # A key as well as the button: the toolbar's buttons take no keyboard focus.
        self.export_diagram_action = self._action(
            "Export diagram…", self.choose_and_export, "Ctrl+Shift+S"
        )

        # The tree gets the room, at least half of it; the pane beside it keeps room for its
        # text at every zoom, without growing into long lines on a wide screen.
        self.splitter = splitter = ShareSplitter(
            [0.6, 0.4], narrowest=[None, 30], widest=[None, 56]
        )
        splitter.addWidget(self.views)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        elide_choices(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "The five whys: type a cause and press Enter for the next one; Tab asks why of "
                "the one above. Keep asking until the answer is a condition of the system."
            )
        )
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        self._sync_actions()

    def _action(
        self, text: str, slot: object, shortcut: str | None = None, key_hint: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        hint = key_hint or (QKeySequence(shortcut).toString() if shortcut else None)
        action.setToolTip(f"{text} ({hint})" if hint else text)
        action.triggered.connect(slot)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    # ---- showing ---------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        if self.postmortem is not None and self.postmortem.id != postmortem.id:
            self.tree.close_draft(keep_selection=True)
        self.postmortem = postmortem
        self.tree.show_postmortem(postmortem)
        if self.views.currentWidget() is self.diagram:
            self.diagram.show_postmortem(postmortem)
        self._show_detail()

    def _show_detail(self) -> None:
        cause_id = self.tree.current_id()
        row = self.tree.rows.get(cause_id) if cause_id else None
        self.detail.show_cause(self.postmortem, row)
        self._sync_actions()
        self.cause_shown.emit(row)

    def _sync_actions(self) -> None:
        has_cause = self.tree.current_id() is not None
        for action in (
            self.ask_why_action,
            self.add_factor_action,
            self.systemic_action,
            self.add_action_action,
            self.delete_action,
        ):
            action.setEnabled(has_cause)
        diagram = self.views.currentWidget() is self.diagram
        self.fit_action.setVisible(diagram)
        self.export_diagram_action.setVisible(diagram)

    def ensure_current(self) -> None:
        """A cause to be on when the keyboard comes to the tree: the selected one, else the
        first problem statement."""
        item = self.tree.currentItem() or self.tree.topLevelItem(0)
        if item is not None:
            self.tree.setCurrentItem(item)
            item.setSelected(True)  # shown as selected, since Tab and Enter act on it

    def select_cause(self, cause_id: str) -> None:
        self.show_tree()
        self.tree.select(cause_id)

    def current_cause(self) -> Cause | None:
        cause_id = self.tree.current_id()
        return self.tree.tree.get(cause_id) if cause_id else None

    def context_menu(self) -> QMenu:
        """The selected cause's menu: what the toolbar offers, and its cited events."""
        menu = QMenu(self)
        for action in (
            self.ask_why_action,
            self.add_factor_action,
            self.systemic_action,
            self.add_action_action,
        ):
            menu.addAction(action)
        cause = self.current_cause()
        if cause is not None and self.postmortem is not None and cause.evidence:
            cited = menu.addMenu("Go to evidence")
            events = {e.id: e for e in self.postmortem.timeline}
            for event_id in cause.evidence:
                if event_id in events:
                    go = cited.addAction(event_label(events[event_id], self.postmortem))
                    go.triggered.connect(lambda _=False, e=event_id: self.event_requested.emit(e))
        menu.addSeparator()
        menu.addAction(self.expand_action)
        menu.addAction(self.collapse_action)
        menu.addSeparator()
        menu.addAction(self.new_problem_action)
        menu.addAction(self.delete_action)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.context_menu().exec(self.tree.viewport().mapToGlobal(position))

    # ---- tree and diagram ------------------------------------------------------------------

    def show_tree(self) -> None:
        self.views.setCurrentWidget(self.tree)
        self.diagram_action.setChecked(False)
        self._sync_actions()

    def show_diagram(self) -> None:
        if self.postmortem is not None:
            self.diagram.show_postmortem(self.postmortem)
        self.views.setCurrentWidget(self.diagram)
        self.diagram_action.setChecked(True)
        self.diagram.fit()
        cause_id = self.tree.current_id()
        if cause_id is not None:
            self.diagram.select_cause(cause_id)
        self.diagram.setFocus()
        self._sync_actions()

    def toggle_diagram(self) -> None:
        if self.views.currentWidget() is self.diagram:
            self.show_tree()
            self.tree.setFocus()
        else:
            self.show_diagram()

    def _diagram_activated(self, cause_id: str) -> None:
        self.select_cause(cause_id)

    def choose_and_export(self) -> None:
        name = (self.postmortem.title if self.postmortem else "causes")[:60]
        path, chosen = save_file_name(
            self,
            "Export the cause diagram",
            f"{name} - causes.png",
            DIAGRAM_FILTER,
            kind="diagram",
            folders=self.folders,
        )
        if path:
            self.export_diagram(path, svg="svg" in chosen.lower() or path.lower().endswith(".svg"))

    def export_diagram(self, path: str, *, svg: bool) -> bool:
        if self.postmortem is not None:
            self.diagram.show_postmortem(self.postmortem)
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".svg" if svg else ".png")
        try:
            if target.suffix.lower() == ".svg":
                self.diagram.export_svg(target)
            else:
                self.diagram.export_png(target)
        except OSError as error:
            self.export_failed.emit("The diagram was not exported", str(error))
            return False
        return True

    # ---- edits -----------------------------------------------------------------------------

    def new_problem(self) -> None:
        self.show_tree()
        self.tree.open_draft(Draft(None, None))

    def ask_why(self) -> None:
        """Open a draft row for a new answer to "why?" of the selected cause."""
        cause_id = self.tree.current_id()
        if cause_id is None:
            self.new_problem()
            return
        self.show_tree()
        self.tree.open_draft(Draft(cause_id, None))

    def add_factor(self) -> None:
        """Open a draft row for another cause beside the selected one (a contributing factor)."""
        cause = self.current_cause()
        if cause is None:
            self.new_problem()
            return
        self.show_tree()
        parent = cause.parent_id if cause.parent_id in self.tree.tree else None
        self.tree.open_draft(Draft(parent, self.tree.tree.index_among_siblings(cause.id) + 1))

    def _store_draft(self, draft: Draft) -> None:
        if self.postmortem is None:
            return
        words = " ".join(draft.text.split())
        kind = "systemic cause" if draft.systemic else "cause"
        text = f"Add {kind} “{words if len(words) <= 40 else words[:39] + '…'}”"
        self.tree.draft = None  # the redraw after the edit must not bring this one back
        cause = Cause("", draft.text.strip(), draft.parent_id, systemic=draft.systemic)
        new_id = self._edits.add_cause(self.postmortem.id, cause, draft.index, text)
        if new_id is None:
            self.tree.open_draft(replace(draft, systemic=False))  # refused: keep what was typed
            return
        self.tree.select(new_id, focus=False)
        tree = self.tree.tree
        parent = tree.get(draft.parent_id) if draft.parent_id else None
        if draft.systemic and parent is not None and parent.parent_id in tree:
            # The asking stops at a systemic cause: the next line opens beside the cause it
            # answers, for another answer to the why before (still under the problem statement).
            at = Draft(parent.parent_id, tree.index_among_siblings(parent.id) + 1, after=new_id)
        else:
            # Right below, so a scribe keeps listing contributing factors.
            at = Draft(draft.parent_id, tree.index_among_siblings(new_id) + 1, after=new_id)
        self.tree.open_draft(at)

    def set_text(self, cause_id: str, text: str) -> None:
        cause = self.tree.tree.get(cause_id)
        if self.postmortem is None or cause is None or text == cause.text:
            return
        if not self._edits.update_cause(
            self.postmortem.id, cause, replace(cause, text=text), "Edit cause"
        ):
            self.tree.show_postmortem(self.postmortem)  # refused: show what is stored
            self._show_detail()

    def toggle_systemic(self) -> None:
        """Ctrl+M: the selected cause, or while causes are typed the one just typed, is
        systemic or no longer; the typing goes on."""
        cause = self.current_cause()
        if cause is None:
            return
        typing = self.tree.draft_editor is not None and self.tree.draft_editor.hasFocus()
        self.set_systemic(cause.id, not cause.systemic)
        if typing:
            self._back_to_typing()

    def _back_to_typing(self) -> bool:
        """The keyboard back in the new-cause line, if one is open (an edit's refresh puts it
        on the outline)."""
        editor = self.tree.draft_editor
        if editor is not None:
            editor.setFocus()
        return editor is not None

    def set_systemic(self, cause_id: str, systemic: bool) -> None:
        cause = self.tree.tree.get(cause_id)
        if self.postmortem is None or cause is None or cause.systemic == systemic:
            return
        text = "Mark cause systemic" if systemic else "Unmark systemic cause"
        if not self._edits.update_cause(
            self.postmortem.id, cause, replace(cause, systemic=systemic), text
        ):
            self._show_detail()

    def set_evidence(self, cause_id: str, event_ids: list[str]) -> None:
        cause = self.tree.tree.get(cause_id)
        if self.postmortem is None or cause is None:
            return
        text = "Cite evidence" if len(event_ids) > len(cause.evidence) else "Remove evidence"
        self._edits.update_cause(
            self.postmortem.id, cause, replace(cause, evidence=event_ids), text
        )
        self._show_detail()

    def accept_theme(self) -> None:
        """Ctrl+Shift+T: the first theme suggested for the cause in the pane (while causes are
        typed, the one just typed) is given to it; the typing goes on."""
        typing = self.tree.draft_editor is not None and self.tree.draft_editor.hasFocus()
        if self.detail.accept_suggestion() and typing:
            self._back_to_typing()

    def set_themes(self, cause_id: str, names: list[str]) -> None:
        cause = self.tree.tree.get(cause_id)
        if self.postmortem is None or cause is None or names == cause.themes:
            return
        added = [n for n in names if n not in cause.themes]
        gone = [n for n in cause.themes if n not in names]
        text = f"Add theme “{added[0]}”" if added else f"Remove theme “{gone[0] if gone else ''}”"
        if not self._edits.update_cause(
            self.postmortem.id, cause, replace(cause, themes=names), text
        ):
            self._show_detail()

    def move_cause(self, cause_id: str, parent_id: str | None, index: int | None) -> None:
        if self.postmortem is not None and self._edits.move_cause(
            self.postmortem.id, cause_id, parent_id, index
        ):
            self.tree.select(cause_id)

    def delete_current(self) -> None:
        if self.tree.current_action_id() is not None:
            return  # actions are deleted on the board, where their history is
        cause = self.current_cause()
        if self.postmortem is None or cause is None:
            return
        siblings = self.tree.tree.children(
            cause.parent_id if cause.parent_id in self.tree.tree else None
        )
        index = next(i for i, c in enumerate(siblings) if c.id == cause.id)
        after = (
            siblings[index + 1]
            if index + 1 < len(siblings)
            else (siblings[index - 1] if index else None)
        )
        if self._edits.delete_causes(self.postmortem.id, [cause.id], self.postmortem.causes):
            following = after.id if after is not None else cause.parent_id
            if following is not None:
                self.tree.select(following)

    def add_action(
        self, cause_id: str, entry: ActionEntry, status: ActionStatus = ActionStatus.OPEN
    ) -> None:
        """Store the typed line as one action for the cause, in the status its key gave (Enter
        open, Alt+2 in progress, Alt+3 done): one undo step, all its fields."""
        if self.postmortem is None:
            return
        new = entry.action(status=status, cause_id=cause_id)
        if self._edits.add_action(self.postmortem.id, new) is not None:
            self.detail.new_action.clear_entry()  # no typing left for Ctrl+Z to undo
            self._show_detail()
            if not self._back_to_typing():  # back to the causes being typed, for the next one
                self.tree.select(cause_id)  # the keyboard back on that cause, for the next why
