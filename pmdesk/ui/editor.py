"""The editor area for one postmortem: its sections as tabs, each refreshed from the library."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from pmdesk.domain.model import Postmortem, PostmortemKind
from pmdesk.ui.edits import Edits
from pmdesk.ui.views import View as View
from pmdesk.ui.widgets import emphasise

if TYPE_CHECKING:
    from pmdesk.domain.readiness import Finding
    from pmdesk.ui.actions.section import ActionsSection
    from pmdesk.ui.causes.section import CausesSection
    from pmdesk.ui.sections.impact import ImpactSection
    from pmdesk.ui.sections.lessons import LessonsSection
    from pmdesk.ui.sections.overview import OverviewSection
    from pmdesk.ui.settings import UiSettings
    from pmdesk.ui.timeline.section import TimelineSection

SectionT = TypeVar("SectionT", bound=QWidget)


class PostmortemEditor(QWidget):
    """The open postmortem's heading and its six sections as tabs.

    A section is made the first time it is shown or asked for (each pulls in its own code: the
    cause tree, the action board, the timeline's model), and from then on is kept up to date.
    """

    # A section was made: the editor's least size may have grown with it.
    section_made = Signal(View)

    def __init__(
        self, edits: Edits, parent: QWidget | None = None, *, folders: UiSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.postmortem: Postmortem | None = None
        self._edits = edits
        self._folders = folders  # where the cause diagram was last exported
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        emphasise(self.heading, 1.5)
        self.subheading = QLabel("")
        self.subheading.setProperty("role", "muted")

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # A page per tab, which its section fills when it is made.
        self._pages: dict[View, QWidget] = {}
        self._sections: dict[View, QWidget] = {}
        for number, view in enumerate(View, start=1):
            page = QWidget()
            page.setObjectName(f"{view.value}Page")
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[view] = page
            # Ctrl+number (the window's View menu) switches tabs; Alt+number marks event kinds.
            self.tabs.addTab(page, f"{number}  {view.value.capitalize()}")
        # However a section is reached (its key, a click on its tab), the keyboard goes where
        # the next thing in it is typed.
        self.tabs.currentChanged.connect(self.focus_entry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.tabs, 1)

    # ---- the sections, each made when first needed ------------------------------------------

    @property
    def overview(self) -> OverviewSection:
        from pmdesk.ui.sections.overview import OverviewSection

        return self._section(View.OVERVIEW, OverviewSection)

    @property
    def impact(self) -> ImpactSection:
        from pmdesk.ui.sections.impact import ImpactSection

        return self._section(View.IMPACT, ImpactSection)

    @property
    def timeline(self) -> TimelineSection:
        from pmdesk.ui.timeline.section import TimelineSection

        return self._section(View.TIMELINE, TimelineSection)

    @property
    def causes(self) -> CausesSection:
        from pmdesk.ui.causes.section import CausesSection

        return self._section(View.CAUSES, CausesSection)

    @property
    def action_items(self) -> ActionsSection:
        from pmdesk.ui.actions.section import ActionsSection

        return self._section(View.ACTIONS, ActionsSection)

    @property
    def lessons(self) -> LessonsSection:
        from pmdesk.ui.sections.lessons import LessonsSection

        return self._section(View.LESSONS, LessonsSection)

    def _section(self, view: View, kind: type[SectionT]) -> SectionT:
        section = self._sections.get(view)
        if section is None:
            section = self._make(view, kind)
        assert isinstance(section, kind)
        return section

    def _make(self, view: View, kind: type[SectionT]) -> SectionT:
        section = kind(self._edits)  # type: ignore[arg-type]  # every section takes the edits
        self._sections[view] = section
        if view is View.CAUSES:
            section.folders = self._folders  # type: ignore[attr-defined]
            section.event_requested.connect(self._show_event)  # type: ignore[attr-defined]
            section.action_requested.connect(self._show_action)  # type: ignore[attr-defined]
        page = self._pages[view]
        layout = page.layout()
        assert layout is not None
        layout.addWidget(section)
        if self.postmortem is not None:
            section.show_postmortem(self.postmortem)  # type: ignore[attr-defined]
        self.section_made.emit(view)
        return section

    def let_go(self) -> None:
        """As the window closes: take the cause tree apart leaf first (see CauseTreeView)."""
        if View.CAUSES in self._sections:
            self.causes.tree.let_go()

    # ---- the postmortem ---------------------------------------------------------------------

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
        for section in self._sections.values():
            section.show_postmortem(postmortem)  # type: ignore[attr-defined]
        # The section on show is made now, if it was not yet, with the postmortem in it.
        self.section(self.current_view())

    def section(self, view: View) -> QWidget:
        """The section of a view, made if it was not yet."""
        sections: dict[View, Callable[[], QWidget]] = {
            View.OVERVIEW: lambda: self.overview,
            View.IMPACT: lambda: self.impact,
            View.TIMELINE: lambda: self.timeline,
            View.CAUSES: lambda: self.causes,
            View.ACTIONS: lambda: self.action_items,
            View.LESSONS: lambda: self.lessons,
        }
        return sections[view]()

    def show_view(self, view: View) -> None:
        self.section(view)
        self.tabs.setCurrentWidget(self._pages[view])

    def entry(self, view: View) -> QWidget:
        """Where the next thing is typed in a section: the title, the impact in words, the
        timeline's entry line, the cause tree, the new-action line, the new-lesson line."""
        entries: dict[View, Callable[[], QWidget]] = {
            View.OVERVIEW: lambda: self.overview.title,
            View.IMPACT: lambda: self.impact.summary,
            View.TIMELINE: lambda: self.timeline.quick_add,
            View.CAUSES: lambda: self.causes.tree,
            View.ACTIONS: lambda: self.action_items.new_action,
            View.LESSONS: lambda: next(iter(self.lessons.columns.values())).add,
        }
        return entries[view]()

    def focus_entry(self) -> None:
        """Put the keyboard in the current section's entry (in the tree, on a cause)."""
        view = self.current_view()
        if view is View.CAUSES:
            self.causes.ensure_current()
        self.entry(view).setFocus(Qt.FocusReason.OtherFocusReason)

    def current_view(self) -> View:
        widget = self.tabs.currentWidget()
        return next(v for v, page in self._pages.items() if page is widget)

    def _show_event(self, event_id: str) -> None:
        self.show_view(View.TIMELINE)
        self.timeline.select_event(event_id)

    def _show_action(self, action_id: str) -> None:
        self.show_view(View.ACTIONS)
        self.action_items.select_action(action_id)

    def show_finding(self, finding: Finding) -> None:
        """Go to what a finding is about, and select it."""
        from pmdesk.domain.readiness import Target

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
