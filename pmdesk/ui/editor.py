"""The editor area for one postmortem: its sections as tabs, each refreshed from the library."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from pmdesk.domain.model import Postmortem, PostmortemKind
from pmdesk.domain.readiness import Finding, Target
from pmdesk.ui.actions.section import ActionsSection
from pmdesk.ui.causes.section import CausesSection
from pmdesk.ui.edits import Edits
from pmdesk.ui.sections.impact import ImpactSection
from pmdesk.ui.sections.lessons import LessonsSection
from pmdesk.ui.sections.overview import OverviewSection
from pmdesk.ui.timeline.section import TimelineSection
from pmdesk.ui.views import View as View
from pmdesk.ui.widgets import emphasise


class PostmortemEditor(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.postmortem: Postmortem | None = None
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        emphasise(self.heading, 1.5)
        self.subheading = QLabel("")
        self.subheading.setProperty("role", "muted")

        self.overview = OverviewSection(edits)
        self.impact = ImpactSection(edits)
        self.timeline = TimelineSection(edits)
        self.causes = CausesSection(edits)
        self.action_items = ActionsSection(edits)
        self.lessons = LessonsSection(edits)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._views: dict[View, QWidget] = {
            View.OVERVIEW: self.overview,
            View.IMPACT: self.impact,
            View.TIMELINE: self.timeline,
            View.CAUSES: self.causes,
            View.ACTIONS: self.action_items,
            View.LESSONS: self.lessons,
        }
        for number, (view, widget) in enumerate(self._views.items(), start=1):
            # Ctrl+number (the window's View menu) switches tabs; Alt+number marks event kinds.
            self.tabs.addTab(widget, f"{number}  {view.value.capitalize()}")
        # However a section is reached (its key, a click on its tab), the keyboard goes where
        # the next thing in it is typed.
        self.tabs.currentChanged.connect(self.focus_entry)

        self.causes.event_requested.connect(self._show_event)
        self.causes.action_requested.connect(self._show_action)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.tabs, 1)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self.postmortem = postmortem
        self.heading.setText(postmortem.title)
        kind = "Near miss" if postmortem.kind is PostmortemKind.NEAR_MISS else "Incident"
        parts = [
            kind,
            postmortem.severity.value if postmortem.severity else "severity not set",
            postmortem.status.value.capitalize(),
            postmortem.timezone,
        ]
        self.subheading.setText(" · ".join(parts))
        self.overview.show_postmortem(postmortem)
        self.impact.show_postmortem(postmortem)
        self.timeline.show_postmortem(postmortem)
        self.causes.show_postmortem(postmortem)
        self.action_items.show_postmortem(postmortem)
        self.lessons.show_postmortem(postmortem)

    def show_view(self, view: View) -> None:
        self.tabs.setCurrentWidget(self._views[view])

    def entry(self, view: View) -> QWidget:
        """Where the next thing is typed in a section: the title, the impact in words, the
        timeline's entry line, the cause tree, the new-action line, the new-lesson line."""
        entries: dict[View, QWidget] = {
            View.OVERVIEW: self.overview.title,
            View.IMPACT: self.impact.summary,
            View.TIMELINE: self.timeline.quick_add,
            View.CAUSES: self.causes.tree,
            View.ACTIONS: self.action_items.new_action,
            View.LESSONS: next(iter(self.lessons.columns.values())).add,
        }
        return entries[view]

    def focus_entry(self) -> None:
        """Put the keyboard in the current section's entry (in the tree, on a cause)."""
        view = self.current_view()
        if view is View.CAUSES:
            self.causes.ensure_current()
        self.entry(view).setFocus(Qt.FocusReason.OtherFocusReason)

    def current_view(self) -> View:
        widget = self.tabs.currentWidget()
        return next(v for v, w in self._views.items() if w is widget)

    def _show_event(self, event_id: str) -> None:
        self.show_view(View.TIMELINE)
        self.timeline.select_event(event_id)

    def _show_action(self, action_id: str) -> None:
        self.show_view(View.ACTIONS)
        self.action_items.select_action(action_id)

    def show_finding(self, finding: Finding) -> None:
        """Go to what a finding is about, and select it."""
        target, target_id = finding.target, finding.target_id
        if target is Target.POSTMORTEM:
            if finding.rule == "impact-not-quantified":
                self.show_view(View.IMPACT)
                self.impact.metrics.setFocus()
            else:
                self.show_view(View.OVERVIEW)
                self.overview.summary.setFocus()
        elif target is Target.TIMELINE:
            self.show_view(View.TIMELINE)
            if target_id:
                self.timeline.select_event(target_id)
            else:
                self.timeline.quick_add.setFocus()
        elif target is Target.CAUSE:
            self.show_view(View.CAUSES)
            if target_id:
                self.causes.select_cause(target_id)
        elif target is Target.ACTION:
            self.show_view(View.ACTIONS)
            if target_id:
                self.action_items.select_action(target_id)
        elif target is Target.LESSON:
            self.show_view(View.LESSONS)
            if target_id:
                self.lessons.select_lesson(target_id)
