"""The key-moments strip: when it started, was detected, mitigated and resolved, and how long
each took."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pmdesk.domain.model import EventKind, Postmortem, TimelineEvent
from pmdesk.domain.moments import KeyMoments, format_duration, key_moments
from pmdesk.ui.timeline import kinds
from pmdesk.ui.timeline.model import zone_or_utc
from pmdesk.ui.widgets import emphasise


class MomentCard(QFrame):
    def __init__(self, title: str, kind: EventKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.kind = kind
        self.title = QLabel(title)
        self.title.setProperty("role", "muted")
        self.when = QLabel("—")
        emphasise(self.when)
        self.span = QLabel("")
        self.span.setProperty("role", "muted")
        self.out_of_order = QLabel("out of order")
        emphasise(self.out_of_order).setProperty("role", "error")
        self.out_of_order.hide()
        self.icon = QLabel()
        self._draw_icon()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.icon)
        top.addWidget(self.title, 1)
        # Wrapped, not cut, when four cards share a narrow window at a large zoom: the strip
        # must not make the window wider than its screen.
        for label in (self.title, self.when, self.span):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.when)
        layout.addWidget(self.span)
        layout.addWidget(self.out_of_order)

    def _draw_icon(self) -> None:
        side = max(14, round(self.fontMetrics().height() * 0.8))
        self.icon.setPixmap(kinds.icon(self.kind).pixmap(side, side))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "icon"):
            self._draw_icon()


class KeyMomentsStrip(QWidget):
    """Updated from the timeline every time it changes; problems are shown where they are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {
            EventKind.TRIGGER: MomentCard("Started", EventKind.TRIGGER),
            EventKind.DETECTION: MomentCard("Detected", EventKind.DETECTION),
            EventKind.MITIGATION: MomentCard("Mitigated", EventKind.MITIGATION),
            EventKind.RESOLUTION: MomentCard("Resolved", EventKind.RESOLUTION),
        }
        self.problem = QLabel("")
        emphasise(self.problem).setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for card in self.cards.values():
            row.addWidget(card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        self.moments: KeyMoments | None = None

    def show_postmortem(self, postmortem: Postmortem) -> None:
        zone = zone_or_utc(postmortem.timezone)
        moments = key_moments(postmortem.timeline)
        self.moments = moments
        spans = {
            EventKind.DETECTION: ("to detect", moments.time_to_detect),
            EventKind.MITIGATION: ("to mitigate", moments.time_to_mitigate),
            EventKind.RESOLUTION: ("to resolve", moments.time_to_resolve),
        }
        firsts: dict[EventKind, TimelineEvent | None] = {
            EventKind.TRIGGER: moments.started,
            EventKind.DETECTION: moments.detected,
            EventKind.MITIGATION: moments.mitigated,
            EventKind.RESOLUTION: moments.resolved,
        }
        out_of_order = {p.later_kind for p in moments.problems}
        for kind, card in self.cards.items():
            event = firsts[kind]
            card.when.setText(
                event.at.astimezone(zone).strftime("%a %d %b, %H:%M") if event else "not marked"
            )
            label, span = spans.get(kind, ("", None))
            card.span.setText(f"{format_duration(span)} {label}" if span is not None else "")
            card.span.setVisible(kind not in out_of_order)
            card.out_of_order.setVisible(kind in out_of_order)
        if moments.problems:
            self.problem.setText(" ".join(p.message for p in moments.problems))
            self.problem.show()
        else:
            self.problem.hide()
