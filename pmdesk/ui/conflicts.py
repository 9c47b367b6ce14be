"""An edit refused because someone else changed the item first, and the user's way back to it.

The workspace reloads what is stored, then shows a `Conflict`: which item, what the user had
changed (so that nothing they typed is lost), and `apply`, which makes the same change again on
top of the other person's version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from pmdesk.domain.merge import changed_fields
from pmdesk.services.editing import StaleError

GONE = (
    "What you changed has been deleted by someone else in the meantime, so there is nothing to "
    "apply it to. Your change is shown in the previous message's details."
)

LABELS = {
    "at": "Time",
    "cause_id": "Addresses cause",
    "impact_summary": "Impact summary",
    "timezone": "Time zone",
}


@dataclass(frozen=True, slots=True)
class Conflict:
    text: str  # the edit, as the undo stack names it ("Edit action title")
    error: StaleError
    yours: str  # the user's change, field by field, to show and to copy
    apply: Callable[[], bool]  # make the change again on what is stored now

    @property
    def message(self) -> str:
        # A step's name may quote an item already ("Re-scope “Alert per region”").
        named = self.text if "“" in self.text else f"“{self.text}”"
        return (
            f"Someone else changed {self.error.item} while you were editing it, so your change "
            f"({named}) was not saved. pmdesk now shows their version."
        )


def ask_apply_again(parent: QWidget, conflict: Conflict) -> bool:
    """Their version is on screen; ask whether to make the user's change again on top of it.
    The user's change is in the details, to read or copy whichever they choose."""
    box = conflict_box(parent, conflict)
    box.exec()
    return box.clickedButton() is box.defaultButton()


def conflict_box(parent: QWidget, conflict: Conflict) -> QMessageBox:
    """The question `ask_apply_again` asks; its default button applies the change again."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Someone else changed it first")
    box.setText(conflict.message)
    box.setInformativeText(
        "Apply your change again on top of theirs? Fields you did not change keep their values."
    )
    if conflict.yours:
        box.setDetailedText(f"Your change:\n\n{conflict.yours}")
    apply = box.addButton("Apply Mine Again", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep Theirs", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(apply)
    box.setEscapeButton(keep)
    for button in box.buttons():  # the details open: what the user typed is in plain view
        if box.buttonRole(button) is QMessageBox.ButtonRole.ActionRole:
            button.click()
    return box


def describe_changes(before: Sequence[object], mine: Sequence[object]) -> str:
    """The user's change as lines of "Field: value", one block per item."""
    blocks = []
    for old, new in zip(before, mine, strict=True):
        lines = [
            f"{_label(name)}: {_value(value) if not name.endswith('_id') else _linked(value)}"
            for name, value in _changes(old, new).items()
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(block for block in blocks if block)


def describe_fields(values: Mapping[str, object]) -> str:
    return "\n".join(f"{_label(name)}: {_value(value)}" for name, value in values.items())


def describe_list(items: Sequence[object]) -> str:
    return "\n".join(f"• {_value(item)}" for item in items) or "(an empty list)"


def _changes(old: object, new: object) -> dict[str, object]:
    found = changed_fields(old, new)
    found.pop("history", None)  # written by pmdesk, never typed
    return found


def _linked(value: object) -> str:
    # An id means nothing to a person: say whether a link was made or taken away.
    return "(none)" if value is None else "another one"


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _value(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{len(value)} item{'s' * (len(value) != 1)}"
    if is_dataclass(value):
        parts = (getattr(value, f.name) for f in fields(value))
        return ", ".join(_value(part) for part in parts if part not in (None, ""))
    return str(value)
