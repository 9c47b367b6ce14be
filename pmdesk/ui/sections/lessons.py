"""Lessons: what went well, what went wrong, and where we got lucky."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import Lesson, LessonKind, Postmortem
from pmdesk.ui.edits import Edits
from pmdesk.ui.widgets import heading

TITLES = {
    LessonKind.WENT_WELL: "What went well",
    LessonKind.WENT_WRONG: "What went wrong",
    LessonKind.LUCKY: "Where we got lucky",
}
HINTS = {
    LessonKind.WENT_WELL: "The rollback took two minutes…",
    LessonKind.WENT_WRONG: "The first page came 15 minutes after errors began…",
    LessonKind.LUCKY: "It happened outside the weekend sale…",
}
LESSON_ID = Qt.ItemDataRole.UserRole + 1


class LessonColumn(QWidget):
    def __init__(self, kind: LessonKind, section: LessonsSection) -> None:
        super().__init__(section)
        self.kind = kind
        self._section = section
        self.list = QListWidget()
        self.list.setAccessibleName(TITLES[kind])
        self.list.setWordWrap(True)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.itemChanged.connect(self._edited)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)
        self.add = QLineEdit()
        self.add.setAccessibleName(f"Add to {TITLES[kind]}")
        self.add.setPlaceholderText(HINTS[kind])
        self.add.returnPressed.connect(self._add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(TITLES[kind]))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.add)

    def show_lessons(self, lessons: list[Lesson]) -> None:
        shown = [
            (self.list.item(i).data(LESSON_ID), self.list.item(i).text())
            for i in range(self.list.count())
        ]
        if shown == [(lesson.id, lesson.text) for lesson in lessons]:
            return
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for lesson in lessons:
            item = QListWidgetItem(lesson.text)
            item.setData(LESSON_ID, lesson.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.blockSignals(blocked)

    def select(self, lesson_id: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(LESSON_ID) == lesson_id:
                self.list.setCurrentRow(i)
                self.list.setFocus()
                return True
        return False

    def _add(self) -> None:
        text = self.add.text()
        if text.strip() and self._section.add_lesson(Lesson(self.kind, text.strip())):
            self.add.setText("")  # with no typing left to undo: Ctrl+Z undoes the add

    def _edited(self, item: QListWidgetItem) -> None:
        self._section.edit_lesson(str(item.data(LESSON_ID)), item.text())

    def _delete_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._section.delete_lesson(str(item.data(LESSON_ID)))


class LessonsSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem: Postmortem | None = None
        self.columns = {kind: LessonColumn(kind, self) for kind in LessonKind}
        layout = QHBoxLayout(self)
        for column in self.columns.values():
            layout.addWidget(column, 1)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self._postmortem = postmortem
        for kind, column in self.columns.items():
            column.show_lessons([x for x in postmortem.lessons if x.kind is kind])

    def select_lesson(self, lesson_id: str) -> None:
        for column in self.columns.values():
            if column.select(lesson_id):
                return

    def add_lesson(self, lesson: Lesson) -> bool:
        if self._postmortem is None:
            return False
        return self._edits.add_lesson(self._postmortem.id, lesson)

    def edit_lesson(self, lesson_id: str, text: str) -> None:
        if self._postmortem is None:
            return
        current = next((x for x in self._postmortem.lessons if x.id == lesson_id), None)
        if current is None or current.text == text:
            return
        changed = replace(current, text=text)
        if not self._edits.update_lesson(self._postmortem.id, current, changed):
            self.show_postmortem(self._postmortem)  # refused: show what is stored

    def delete_lesson(self, lesson_id: str) -> None:
        if self._postmortem is None:
            return
        lesson = next((x for x in self._postmortem.lessons if x.id == lesson_id), None)
        if lesson is not None:
            self._edits.delete_lessons(self._postmortem.id, [lesson])
