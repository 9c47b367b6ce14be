"""The preview shown before pasted lines become events: what will be added, what was skipped."""

from __future__ import annotations

import zoneinfo

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.quick_entry import PastePreview
from pmdesk.ui.timeline import kinds


def nothing_to_paste_message(preview: PastePreview) -> str:
    lines = ["None of the pasted lines has a time pmdesk can read."]
    lines += [f"Line {s.number}: {s.reason}" for s in preview.skipped[:5]]
    lines.append("Lines like “14:05 Config pushed” or “[14:05] oncall: rolling back” work.")
    return "\n".join(lines)


class PastePreviewDialog(QDialog):
    def __init__(
        self, preview: PastePreview, zone: zoneinfo.ZoneInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        count = len(preview.events)
        self.setWindowTitle("Paste events")
        intro = QLabel(
            f"{count} event{'s' * (count != 1)} will be added to the timeline, in one step you "
            "can undo."
        )
        table = QTableWidget(count, 3)
        table.setAccessibleName("Events to add")
        table.setHorizontalHeaderLabels([f"Time ({zone.key})", "Kind", "What happened"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(preview.events):
            local = entry.at.astimezone(zone)
            table.setItem(row, 0, QTableWidgetItem(local.strftime("%Y-%m-%d %H:%M:%S")))
            table.setItem(
                row, 1, QTableWidgetItem(kinds.icon(entry.kind), kinds.LABELS[entry.kind])
            )
            table.setItem(row, 2, QTableWidgetItem(entry.text))
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(table, 1)
        if preview.skipped:
            skipped = QLabel(
                "Skipped:\n"
                + "\n".join(f"  line {s.number}: {s.reason}" for s in preview.skipped[:8])
                + (f"\n  … and {len(preview.skipped) - 8} more" if len(preview.skipped) > 8 else "")
            )
            skipped.setProperty("role", "muted")
            skipped.setWordWrap(True)
            layout.addWidget(skipped)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Add {count} event{'s' * (count != 1)}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)
