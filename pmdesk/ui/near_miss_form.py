"""Quick capture of a near miss: three short answers become a postmortem in one undoable step.

What happened, what could have happened, and what caught it. The first sentence of what happened
becomes the title; the three answers become the summary; what could have happened is the impact;
what caught it becomes a detection event at the moment of writing and a "lucky" lesson, since a
near miss is a failure that a defence (or luck) stopped, and the point of writing it down is to
know which defence that was.
"""

from __future__ import annotations

import html
import re
import zoneinfo
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain import validation
from pmdesk.domain.language import find_blame
from pmdesk.domain.model import (
    EventKind,
    Lesson,
    LessonKind,
    Postmortem,
    PostmortemKind,
    TimelineEvent,
)
from pmdesk.ui import widgets
from pmdesk.ui.edits import Edits
from pmdesk.ui.themes import current_colours

MAX_TITLE_LENGTH = 80
WHAT_HAPPENED = "What happened"
COULD_HAVE_HAPPENED = "What could have happened"
CAUGHT_BY = "What caught it"
EMPTY_WHAT_HAPPENED = (
    "Say what happened, in a sentence or two: its first sentence becomes the title. "
    "Nothing was saved."
)
TITLE_HINT = "The first sentence of what happened becomes the title."

# A sentence ends at ".", "!" or "?" followed by a space or the end; "v2.3" and "1.5x" go on.
_SENTENCE = re.compile(r"^(.*?[.!?])(?=\s|$)")


def near_miss_title(what_happened: str) -> str:
    """The first sentence (or first line) of `what_happened`, at most 80 characters, "" if none."""
    lines = [line.strip() for line in what_happened.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    found = _SENTENCE.match(lines[0])
    sentence = found.group(1) if found else lines[0]
    sentence = " ".join(sentence.split())
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    if len(sentence) <= MAX_TITLE_LENGTH:
        return sentence
    cut = sentence[: MAX_TITLE_LENGTH - 1]
    if " " in cut[MAX_TITLE_LENGTH // 2 :]:  # end at a word, unless that throws away half
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def near_miss_summary(what_happened: str, could_have_happened: str, caught_by: str) -> str:
    parts = [
        (WHAT_HAPPENED, what_happened),
        (COULD_HAVE_HAPPENED, could_have_happened),
        (CAUGHT_BY, caught_by),
    ]
    return "\n\n".join(f"{name}: {text.strip()}" for name, text in parts if text.strip())


def near_miss_postmortem(
    what_happened: str, could_have_happened: str, caught_by: str, at: datetime, timezone: str
) -> Postmortem:
    """The postmortem the three answers make; `at` (timezone-aware) is when it was caught."""
    caught = caught_by.strip()
    return Postmortem(
        title=near_miss_title(what_happened),
        kind=PostmortemKind.NEAR_MISS,
        timezone=timezone,
        summary=near_miss_summary(what_happened, could_have_happened, caught_by),
        impact_summary=could_have_happened.strip(),
        timeline=[TimelineEvent(at, EventKind.DETECTION, caught)] if caught else [],
        lessons=[Lesson(LessonKind.LUCKY, f"Caught by: {caught}")] if caught else [],
    )


def _breakable(text: str) -> str:
    """`text` with a place to break every 20 characters of a long unbroken run (a URL, a hash),
    so that a word-wrapped label shows all of it."""
    return re.sub(r"\S{20}(?=\S)", lambda m: m.group(0) + "\u200b", text)


def _answer_field(name: str, placeholder: str) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setTabChangesFocus(True)
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    return field


def _nudge_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.hide()
    return label


class NearMissForm(QDialog):
    """Three answers and Save (or Ctrl+Return). `save` makes the postmortem and closes."""

    saved = Signal(str)  # the new postmortem's id

    def __init__(
        self,
        edits: Edits,
        parent: QWidget | None = None,
        *,
        timezone: str = "UTC",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._edits = edits
        self._timezone = validation.check_timezone(timezone)
        zone = zoneinfo.ZoneInfo(self._timezone)
        self._clock = clock or (lambda: datetime.now(zone).replace(microsecond=0))
        self.saved_id: str | None = None
        self.setWindowTitle("New near miss")

        self.what_happened = _answer_field(
            WHAT_HAPPENED, "e.g. A config change for all regions went out without its canary stage."
        )
        self.could_have_happened = _answer_field(
            COULD_HAVE_HAPPENED, "e.g. Checkout down in every region at once."
        )
        self.caught_by = _answer_field(
            CAUGHT_BY, "e.g. The deploy bot's diff summary showed 14 regions instead of 1."
        )
        self.fields = {
            WHAT_HAPPENED: self.what_happened,
            COULD_HAVE_HAPPENED: self.could_have_happened,
            CAUGHT_BY: self.caught_by,
        }
        self.title_preview = widgets.muted(TITLE_HINT)
        self.title_preview.setAccessibleName("Title")
        self.error = _nudge_label()
        self.error.setProperty("role", "error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.blame = {name: _nudge_label() for name in self.fields}

        layout = QVBoxLayout(self)
        layout.addWidget(
            widgets.muted(
                "Something nearly went wrong. Three short answers are enough; the rest can "
                "wait for the review."
            )
        )
        for i, (name, field) in enumerate(self.fields.items()):
            if i:
                layout.addSpacing(self.fontMetrics().height() // 2)
            label = widgets.heading(f"{name}?")
            label.setBuddy(field)
            layout.addWidget(label)
            layout.addWidget(field, 1)
            if field is self.what_happened:
                layout.addWidget(self.error)
                layout.addWidget(self.title_preview)
            layout.addWidget(self.blame[name])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(
            "Save near miss", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setToolTip("Save (Ctrl+Return)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)

        for field in self.fields.values():
            field.textChanged.connect(self._refresh)
        self._refresh()
        self.what_happened.setFocus()
        em = self.fontMetrics().height()
        self.resize(em * 34, em * 30)

    def title(self) -> str:
        return near_miss_title(self.what_happened.toPlainText())

    def save(self) -> str | None:
        """Make the near miss as one undoable step and close; None (and a message) if refused."""
        if not self.title():  # blank, or nothing but a full stop
            self.error.setText(EMPTY_WHAT_HAPPENED)
            self.error.show()
            self.what_happened.setFocus()
            return None
        postmortem = near_miss_postmortem(
            self.what_happened.toPlainText(),
            self.could_have_happened.toPlainText(),
            self.caught_by.toPlainText(),
            self._clock(),
            self._timezone,
        )
        if not self._edits.add_postmortem(postmortem, f"New near miss “{postmortem.title}”"):
            return None
        self.saved_id = postmortem.id
        self.saved.emit(postmortem.id)
        self.accept()
        return postmortem.id

    def _refresh(self) -> None:
        title = self.title()
        self.title_preview.setText(f"Title: “{_breakable(title)}”" if title else TITLE_HINT)
        if title:
            self.error.hide()
        for name, field in self.fields.items():
            hit = find_blame(field.toPlainText())
            label = self.blame[name]
            label.setVisible(hit is not None)
            if hit is not None:
                message = f"“{hit.phrase}” puts the failure on a person. {hit.suggestion}"
                label.setText(f"<b>Sounds like blame:</b> {html.escape(message)}")
        self._colour_nudges()

    def _colour_nudges(self) -> None:
        # A nudge, not an error: the theme's warning colour, set again when the theme changes.
        style = f"color: {current_colours().warning};"
        for label in self.blame.values():
            if label.styleSheet() != style:
                label.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # The palette changes before the theme's name does (themes.apply_theme): look once
            # this change is over.
            QTimer.singleShot(0, self, self._colour_nudges)
