"""A pane that scrolls only where its contents do not fit, at the least height they need."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget


class PageScroller(QScrollArea):
    """A page's contents at the page's width and at its height, or, where the page is too
    short for them (large type on a small screen), at the least height they need, scrolled.
    (Qt's own resizable scroll area gives wrapped text its preferred height, not its least, so
    lists that could fit would make the page scroll.)"""

    def __init__(self, contents: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(contents)
        contents.installEventFilter(self)
        self.viewport().installEventFilter(self)
        # The keyboard's place stays in view, however it got there (a shortcut, a click on a
        # row elsewhere), not only when Tab moves it as Qt's scroll area already sees to.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self.fit()
        # The scroll area's own filter sets the scroll bars' range when the contents resize.
        return super().eventFilter(watched, event)

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        contents = self.widget()
        if now is not None and contents is not None and contents.isAncestorOf(now):
            self.ensureWidgetVisible(now)

    def fit(self) -> None:
        contents, room = self.widget(), self.viewport().size()
        layout = contents.layout() if contents is not None else None
        if contents is None or layout is None:
            return
        width = room.width()
        if layout.hasHeightForWidth():
            least = layout.totalMinimumHeightForWidth(width)
        else:
            least = layout.totalMinimumSize().height()
        size = QSize(width, max(room.height(), least))
        if contents.size() != size:
            contents.resize(size)
