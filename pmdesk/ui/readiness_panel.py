"""The readiness panel: the checks' findings, live, each leading to what it is about.

Each finding is a compact row: what it is about and where, then one short line of advice; the
whole advice shows under the list for the finding selected. Collapsed, the panel is a strip that
still shows how many findings there are.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import Postmortem
from pmdesk.ui.side_panels import SideStrip
from pmdesk.ui.themes import current_colours
from pmdesk.ui.widgets import emphasise

if TYPE_CHECKING:
    # The rules load with the first postmortem shown, not to list the library.
    from pmdesk.domain import readiness
    from pmdesk.domain.readiness import Finding


def _is_finding(value: object) -> bool:
    from pmdesk.domain.readiness import Finding

    return isinstance(value, Finding)


FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
WHERE_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def severity_colour(severity: readiness.FindingSeverity) -> QColor:
    from pmdesk.domain import readiness

    colours = current_colours()
    return QColor(colours.error if severity is readiness.ERROR else colours.warning)


def severity_icon(severity: readiness.FindingSeverity, size: int = 14) -> QIcon:
    """A round mark for an error, a square one for a warning: told apart by shape as well."""
    from pmdesk.domain import readiness

    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(severity_colour(severity))
    if severity is readiness.ERROR:
        painter.drawEllipse(1, 1, size - 2, size - 2)
    else:
        painter.drawRect(2, 2, size - 4, size - 4)
    painter.end()
    return QIcon(pixmap)


def where(finding: Finding, postmortem: Postmortem) -> tuple[str, str]:
    """Where a finding's target is, in the words of the editor: the section, and the ref of a
    cause or an action (`c3`, `a1`) or the time of an event ("" for the section as a whole)."""
    from pmdesk.domain.readiness import Target
    from pmdesk.ui.timeline.model import zone_or_utc

    target, target_id = finding.target, finding.target_id
    if target is Target.POSTMORTEM:
        return ("Impact" if finding.rule == "impact-not-quantified" else "Overview"), ""
    if target is Target.CAUSE:
        return "Causes", next((c.ref for c in postmortem.causes if c.id == target_id), "")
    if target is Target.ACTION:
        return "Actions", next((a.ref for a in postmortem.actions if a.id == target_id), "")
    if target is Target.TIMELINE:
        event = next((e for e in postmortem.timeline if e.id == target_id), None)
        if event is None:
            return "Timeline", ""
        return "Timeline", f"{event.at.astimezone(zone_or_utc(postmortem.timezone)):%H:%M}"
    return "Lessons", ""


class FindingDelegate(QStyledItemDelegate):
    """A finding in two parts: its mark, what it is about (one line, cut short if need be) and
    where, on the right; under them the short advice, wrapped rather than cut."""

    PAD = 6

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view

    def _width(self, option: QStyleOptionViewItem) -> int:
        return max(option.rect.width(), self.view.viewport().width(), 80)

    @staticmethod
    def _indent(option: QStyleOptionViewItem) -> int:
        return QFontMetrics(option.font).height() + 2 * FindingDelegate.PAD

    def _advice_height(self, option: QStyleOptionViewItem, advice: str, width: int) -> int:
        metrics = QFontMetrics(option.font)
        room = max(10, width - self._indent(option) - self.PAD)
        return metrics.boundingRect(
            QRect(0, 0, room, 10_000), int(Qt.TextFlag.TextWordWrap), advice
        ).height()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        from pmdesk.domain.readiness import Finding

        finding = index.data(FINDING_ROLE)
        if not isinstance(finding, Finding):
            return super().sizeHint(option, index)
        width = self._width(option)
        line = QFontMetrics(option.font).height()
        advice = self._advice_height(option, finding.advice, width)
        return QSize(width, self.PAD + line + 2 + advice + self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        from pmdesk.domain import readiness
        from pmdesk.domain.readiness import Finding

        finding = index.data(FINDING_ROLE)
        if not isinstance(finding, Finding):
            super().paint(painter, option, index)
            return
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        quiet = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        line = QFontMetrics(option.font).height()
        mark = line - 4
        place_mark = QRect(rect.left(), rect.top() + 2, mark, mark)
        severity_icon(finding.severity, mark).paint(painter, place_mark)
        if selected:
            # Its edge in the selection's text colour: in high contrast a warning's yellow is
            # the selection's too.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(text)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if finding.severity is readiness.ERROR:
                painter.drawEllipse(place_mark.adjusted(1, 1, -1, -1))
            else:
                painter.drawRect(place_mark.adjusted(2, 2, -2, -2))
        indent = self._indent(option) - self.PAD
        # Where, on the right, in the quiet colour; what it is about takes the rest of the line.
        small = QFontMetrics(option.font)
        section, ref = index.data(WHERE_ROLE) or ("", "")
        place = ref or section  # the row's own words say which section a ref is in
        place_width = small.horizontalAdvance(place)
        painter.setFont(option.font)
        painter.setPen(quiet)
        painter.drawText(
            QRect(rect.right() - place_width, rect.top(), place_width, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            place,
        )
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        room = rect.width() - indent - place_width - self.PAD
        what = " ".join(finding.what.split())
        painter.drawText(
            QRect(rect.left() + indent, rect.top(), max(0, room), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(what, Qt.TextElideMode.ElideRight, max(0, room)),
        )
        painter.setFont(option.font)
        painter.setPen(text)
        painter.drawText(
            QRect(rect.left() + indent, rect.top() + line + 2, rect.width() - indent, 10_000),
            int(Qt.TextFlag.TextWordWrap),
            finding.advice,
        )
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
                )
            )
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
        painter.restore()


class ReadinessStrip(SideStrip):
    """The collapsed readiness panel: its name, and how many findings are still open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Readiness", Qt.Edge.RightEdge, parent)
        self.setAccessibleName("Readiness")

    def show_counts(self, errors: int | None, warnings: int = 0) -> None:
        """The findings' counts by severity; None when no postmortem is open."""
        if errors is None:
            self.set_badges([])
            self.summary = "no postmortem open"
        elif errors or warnings:
            from pmdesk.domain import readiness

            badges: list[tuple[QIcon | None, str]] = []
            if errors:
                badges.append((severity_icon(readiness.ERROR, 64), str(errors)))
            if warnings:
                badges.append((severity_icon(readiness.WARNING, 64), str(warnings)))
            self.set_badges(badges)
            self.summary = f"{errors} to fix, {warnings} to consider"
        else:
            self.set_badges([(None, "✓")])
            self.summary = "ready to share"
        self.setAccessibleDescription(self.summary)


class ReadinessPanel(QWidget):
    finding_activated = Signal(object)  # Finding
    collapse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict = QLabel("")
        emphasise(self.verdict)
        self.verdict.setWordWrap(True)
        self.collapse_button = QToolButton()
        self.collapse_button.setText("»")
        self.collapse_button.setAccessibleName("Collapse the readiness panel")
        self.collapse_button.setAutoRaise(True)
        self.collapse_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.collapse_button.clicked.connect(self.collapse_requested)
        self.list = QListWidget()
        self.list.setAccessibleName("Readiness findings")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setItemDelegate(FindingDelegate(self.list))
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.currentItemChanged.connect(lambda item, _before: self._show_advice(item))
        # The whole advice of the finding selected, under the list.
        self.advice = QLabel("")
        self.advice.setAccessibleName("Advice")
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.advice.hide()
        top = QHBoxLayout()
        top.addWidget(self.verdict, 1)
        top.addWidget(self.collapse_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.advice)
        self.findings: list[Finding] = []
        self.strip = ReadinessStrip()
        self.strip.show_counts(None)

    def show_postmortem(self, postmortem: Postmortem | None, today: date | None = None) -> None:
        current = self.list.currentItem()
        kept = current.data(FINDING_ROLE) if current is not None else None
        blocked = self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(blocked)
        if postmortem is None:
            self.findings = []
            self.verdict.setText("Open a postmortem to see what it still needs.")
            self.strip.show_counts(None)
            self._show_advice(None)
            return
        from pmdesk.domain import readiness
        from pmdesk.domain.readiness import Finding

        self.findings = readiness.check(postmortem, today or date.today())
        errors = sum(f.severity is readiness.ERROR for f in self.findings)
        warnings = len(self.findings) - errors
        if not self.findings:
            self.verdict.setText("Ready to share: every check passes.")
        elif not errors:
            self.verdict.setText(
                f"Ready to share, with {warnings} thing{'s' * (warnings != 1)} worth a look."
            )
        else:
            self.verdict.setText(f"Not ready yet: {errors} to fix, {warnings} to consider.")
        self.strip.show_counts(errors, warnings)
        again = None
        for finding in self.findings:
            place = where(finding, postmortem)
            # What a screen reader says, and what a search of the list finds.
            said = " ".join(part for part in place if part)
            item = QListWidgetItem(f"{finding.what} ({said}): {finding.advice}")
            item.setData(FINDING_ROLE, finding)
            item.setData(WHERE_ROLE, place)
            item.setToolTip(f"{finding.message}\n\n{finding.rule} ({finding.severity.value})")
            self.list.addItem(item)
            if isinstance(kept, Finding) and (finding.rule, finding.target_id) == (
                kept.rule,
                kept.target_id,
            ):
                again = item
        # The finding selected before the change stays selected, if it is still there.
        if again is not None:
            blocked = self.list.blockSignals(True)
            self.list.setCurrentItem(again)
            self.list.blockSignals(blocked)
        self._show_advice(again)

    def _show_advice(self, item: QListWidgetItem | None) -> None:
        finding = item.data(FINDING_ROLE) if item is not None else None
        if finding is None or not _is_finding(finding):
            self.advice.hide()
            self.advice.clear()
            return
        section, ref = item.data(WHERE_ROLE) if item is not None else ("", "")
        place = " · ".join(part for part in (section, ref, finding.severity.value) if part)
        what = html.escape(" ".join(finding.what.split()))
        self.advice.setText(
            f"<p><b>{what}</b><br>{html.escape(place)}</p>"
            f"<p>{html.escape(finding.advice)}. {html.escape(finding.detail)}</p>"
        )
        self.advice.show()

    def _activated(self, item: QListWidgetItem) -> None:
        from pmdesk.domain.readiness import Finding

        finding = item.data(FINDING_ROLE)
        if isinstance(finding, Finding):
            self.finding_activated.emit(finding)
