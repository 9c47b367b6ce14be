"""Benchmark: how many keys a scribe presses, beyond the text itself, to capture a review.

    .venv/bin/python -m tests.bench.capture_keys [--show-keys]

Drives a real main window as a user would: every key goes to the widget that has the keyboard
(`QApplication.focusWidget()`), as a QTest key event, never through a method behind a widget. It
starts from a fresh library in a temporary folder, makes the postmortem with its key (Ctrl+N) and
types the shared example's 8 events, its cause tree (8 causes, 3 of them systemic) and its 5
actions (owners, due dates, priorities, statuses, the cause each addresses, the dropped one's
reason), answering the dialog that asks why an action is dropped by typing into it. Then it reads
the postmortem back from the library and compares it with the example.

Keys are counted in two piles. A printable character typed into a field is *text* (a time, a
kind's label, `@`, `due` and `P1` of an action's line, the reason typed into a dialog); every
other key is a *key*: Enter, Tab, Shift+Tab, arrows, Escape, Ctrl+… and Alt+…. Keys are counted
per item (an event, a cause with its systemic mark, an action with its status and cause), and
per kind: events, causes, actions, and navigation (Ctrl+N and the section keys). Targets: at most
120 keys in all and at most 2 for any item. Exit status 1 when a target is missed or what was
stored differs from the example.

The paths, as the README gives them: each event is one line of the timeline's entry line and
Enter. Times are typed with their UTC offset (`14:05+01:00`), which is text, rather than setting
the postmortem's time zone first (Ctrl+1, four Tabs to the zone, its name and Enter, all of it
navigation). The cause tree is typed depth first into the outline's new-cause line: Tab asks why,
Shift+Tab goes a level up, Enter stores, Ctrl+Enter stores a systemic cause and opens the next
line a level up. Right after a cause, its actions are typed into the cause pane's line
(Ctrl+Shift+A), which links them to it, with Enter, or Alt+2 / Alt+3 for one already in progress
or done; the keyboard then goes back to the new-cause line. An action for no cause is typed into
the Actions tab's line and stored by the key of its status (Enter, Alt+2, Alt+3, or Alt+4 for a
dropped one, which asks why). An event's `source` has no place in the
typed line and is left out of the comparison, as is each action's history (a move adds to it).
The dropped action's reason is compared with the example's notes: the board keeps the reason
given on dropping with the drop, in the action's history, and the notes field stays empty.

Offscreen by default (`QT_QPA_PLATFORM=offscreen` unless set); on a real X display with
`eval "$(../shared/tools/xdesk start)"` (which sets `DISPLAY` and `QT_QPA_PLATFORM=xcb`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __name__ == "__main__":  # before Qt is imported; the tests' conftest sets its own
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QMessageLogContext,
    QSettings,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pmdesk.domain.model import ActionItem
from pmdesk.interchange.json_v1 import parse_datetime, to_document
from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from pmdesk.ui.actions.board import ActionBoard
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from tests.documents import example

TOTAL_TARGET = 120
ITEM_TARGET = 2
KINDS = ("events", "causes", "actions", "navigation")
# The words a scribe types for an event's kind (README: the timeline's key table).
KIND_WORDS = {"communication": "comms"}
NAVIGATION = "navigation"
MODIFIERS = {
    "Ctrl": Qt.KeyboardModifier.ControlModifier,
    "Shift": Qt.KeyboardModifier.ShiftModifier,
    "Alt": Qt.KeyboardModifier.AltModifier,
}


@dataclass
class Tally:
    """What was pressed: text characters, and other keys per item and per kind."""

    text: int = 0
    keys: list[tuple[str, str, str]] = field(default_factory=list)  # kind, item, key's name

    def per_item(self, kind: str) -> dict[str, int]:
        counted: dict[str, int] = {}
        for key_kind, item, _ in self.keys:
            if key_kind == kind:
                counted[item] = counted.get(item, 0) + 1
        return counted

    @property
    def total(self) -> int:
        return len(self.keys)


class Keyboard:
    """Presses keys on whatever widget has the keyboard, and counts them."""

    def __init__(self, tally: Tally, *, echo: bool = False) -> None:
        self.tally = tally
        self.echo = echo
        self.kind = NAVIGATION
        self.item = NAVIGATION
        self.expecting = False  # a dialog: answer_next_dialog answers it
        self.unexpected: list[str] = []  # dialogs that opened unasked, closed unanswered
        self.watch = QTimer()
        self.watch.setInterval(200)
        self.watch.timeout.connect(self._close_unexpected)

    @contextmanager
    def on(self, kind: str, item: str) -> Iterator[None]:
        """Count the keys pressed inside as `item`'s, of `kind`."""
        before = self.kind, self.item
        self.kind, self.item = kind, item
        try:
            yield
        finally:
            self.kind, self.item = before

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        if widget is None:
            raise RuntimeError(f"nothing has the keyboard (while typing {self.item})")
        return widget

    def type(self, text: str) -> None:
        """Type text, one character at a time, into the widget with the keyboard."""
        for character in text:
            printable = " " <= character <= "~"
            key = Qt.Key(ord(character.upper())) if printable else Qt.Key.Key_unknown
            # The character as the event's text: QTest's character keys abort on non-ASCII.
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                self.focused(),
                key,
                character,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.processEvents()  # the screen follows each key, as for a person
        self.tally.text += len(text)

    def press(self, keys: str) -> None:
        """Press one key with its modifiers, written as Qt writes it: "Ctrl+Shift+Return"."""
        *held, name = keys.split("+")
        modifiers = Qt.KeyboardModifier.NoModifier
        for modifier in held:
            modifiers |= MODIFIERS[modifier]
        # Shift+Tab arrives as Backtab, as every platform sends it.
        key = Qt.Key.Key_Backtab if keys == "Shift+Tab" else getattr(Qt.Key, f"Key_{name}")
        widget = self.focused()
        if self.echo:
            print(f"    {self.item}: {keys} on {type(widget).__name__}")
        self.tally.keys.append((self.kind, self.item, keys))
        QTest.keyClick(widget, key, modifiers)
        QApplication.processEvents()

    def answer_next_dialog(self, text: str, keys: str = "Return") -> None:
        """Once a dialog opens (the next key will open it), type `text` into it and press
        `keys`: what a user does when asked."""
        kind, item = self.kind, self.item
        self.expecting = True

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            focused = QApplication.focusWidget()
            if dialog is None or focused is None or focused.window() is not dialog:
                QTimer.singleShot(10, answer)  # not yet on screen with the keyboard
                return
            with self.on(kind, item):
                self.type(text)
                self.press(keys)
            self.expecting = False

        QTimer.singleShot(0, answer)

    def _close_unexpected(self) -> None:
        """A dialog nobody expected would wait for ever: note it, and close it."""
        dialog = QApplication.activeModalWidget()
        if dialog is not None and not self.expecting:
            self.unexpected.append(dialog.windowTitle())
            dialog.close()


# ---- the example, as a scribe types it ------------------------------------------------------


def event_lines(document: dict[str, Any]) -> list[str]:
    """Each event as typed into the timeline's line: the first with its date, each with its
    offset (the new postmortem's zone is UTC), its kind's label unless it is a plain event."""
    lines = []
    for number, event in enumerate(document["postmortem"]["timeline"]):
        at = datetime.fromisoformat(event["at"])
        clock = at.strftime("%H:%M:%S" if at.second else "%H:%M")
        offset = at.strftime("%z")
        stamp = f"{clock}{offset[:3]}:{offset[3:]}"
        if number == 0:
            stamp = f"{at.date().isoformat()} {stamp}"
        kind = event["kind"]
        label = "" if kind == "event" else f"{KIND_WORDS.get(kind, kind)}: "
        lines.append(f"{stamp} {label}{event['text']}")
    return lines


def action_line(action: dict[str, Any]) -> str:
    """An action's one line: TITLE @OWNER due DATE P1, with the fields it has."""
    parts = [action["title"]]
    if action["owner"]:
        parts.append(f"@{action['owner']}")
    if action["due"]:
        parts.append(f"due {action['due']}")
    if action["priority"]:
        parts.append(action["priority"])
    return " ".join(parts)


def depths(causes: list[dict[str, Any]]) -> dict[str, int]:
    by_id = {c["id"]: c for c in causes}
    found: dict[str, int] = {}
    for cause in causes:
        depth, parent = 0, cause["parent"]
        while parent is not None:
            depth, parent = depth + 1, by_id[parent]["parent"]
        found[cause["id"]] = depth
    return found


# ---- the drive ------------------------------------------------------------------------------


def show_active(window: QWidget) -> None:
    """Shown and with the keyboard, as a window manager leaves a window that opens (Xvfb has
    none: ask for it)."""
    window.show()
    if not QTest.qWaitForWindowExposed(window, 5000):
        raise RuntimeError("the window was never shown")
    window.activateWindow()
    deadline = time.monotonic() + 5
    while not window.isActiveWindow():
        if time.monotonic() > deadline:
            raise RuntimeError("the window never got the keyboard")
        QTest.qWait(10)


def capture(keyboard: Keyboard, window: MainWindow, document: dict[str, Any]) -> str:
    """Type the whole example into `window`; returns the new postmortem's id."""
    press = keyboard.press
    press("Ctrl+N")
    postmortem_id = window.current_id()
    if postmortem_id is None:
        raise RuntimeError("Ctrl+N opened no postmortem")

    press("Ctrl+3")
    for number, line in enumerate(event_lines(document), 1):
        with keyboard.on("events", f"e{number}"):
            keyboard.type(line)
            press("Return")

    scribe = Scribe(keyboard, window, document)
    press("Ctrl+4")
    scribe.causes_and_their_actions()
    press("Ctrl+5")
    scribe.the_rest_of_the_actions()
    return postmortem_id


# The key that stores an action typed into the cause pane's line, by the status it starts in.
STORING_KEYS = {"open": "Return", "in_progress": "Alt+2", "done": "Alt+3"}
# The key that stores an action typed into the Actions tab's line: a dropped one asks why.
LINE_KEYS = {"open": "Return", "in_progress": "Alt+2", "done": "Alt+3", "dropped": "Alt+4"}
# The key that moves the selected card straight to a column.
COLUMN_KEYS = {"open": "Alt+1", "in_progress": "Alt+2", "done": "Alt+3", "dropped": "Alt+4"}


class Scribe:
    """Types the cause tree and the actions, looking at the screen as a person does: which
    card is selected decides which key comes next; the key goes where the keyboard is."""

    def __init__(self, keyboard: Keyboard, window: MainWindow, document: dict[str, Any]) -> None:
        self.keyboard = keyboard
        self.window = window
        self.pm = document["postmortem"]
        self.depth = depths(self.pm["causes"])

    def press_until(self, key: str, done: Callable[[], bool], limit: int = 40) -> None:
        for _ in range(limit):
            if done():
                return
            self.keyboard.press(key)
        raise RuntimeError(f"{key} {limit} times did not get there")

    # ---- the cause tree -----------------------------------------------------------------

    def causes_and_their_actions(self) -> None:
        """Depth first, as the outline reads, in the new-cause line: Tab asks why of the cause
        above, Shift+Tab goes a level up, Enter stores the line and opens the next one beside
        it, Ctrl+Enter stores a systemic cause and opens the next line a level up. Right after
        a cause, its actions are typed into the cause pane's line (Ctrl+Shift+A), which links
        them to it and gives the keyboard back to the new-cause line; Alt+2 or Alt+3 instead
        of Enter stores one already in progress or done."""
        line: int | None = None  # the depth of the open line
        for cause in self.pm["causes"]:
            ref, depth = cause["id"], self.depth[cause["id"]]
            leaf = all(c["parent"] != ref for c in self.pm["causes"])
            with self.keyboard.on("causes", ref):
                if line is None:
                    self.keyboard.press("Tab")  # an empty outline: a line for a problem statement
                    line = 0
                while line < depth:
                    self.keyboard.press("Tab")
                    line += 1
                while line > depth:
                    self.keyboard.press("Shift+Tab")
                    line -= 1
                self.keyboard.type(cause["text"])
                if cause["systemic"] and leaf:
                    self.keyboard.press("Ctrl+Return")
                    line -= 1 if depth > 1 else 0
                else:
                    self.keyboard.press("Return")
                    if cause["systemic"]:
                        self.keyboard.press("Ctrl+M")  # the cause just typed
            for action in self.pm["actions"]:
                if action["cause"] == ref:
                    with self.keyboard.on("actions", action["id"]):
                        self.keyboard.press("Ctrl+Shift+A")
                        self.keyboard.type(action_line(action))
                        self.keyboard.press(STORING_KEYS.get(action["status"], "Return"))

    # ---- the board ------------------------------------------------------------------------

    def the_rest_of_the_actions(self) -> None:
        """Actions that address no cause are typed into the Actions tab's line, stored in their
        status by its key (Alt+4 for a dropped one asks why, answered in its dialog). A card
        not in its column (none, as typed) would be reached on the board (Tab from the line,
        Left/Right, Up/Down) and moved there with Alt+1 … Alt+4."""
        for action in self.pm["actions"]:
            if action["cause"] is None:
                with self.keyboard.on("actions", action["id"]):
                    self.keyboard.type(action_line(action))
                    if action["status"] == "dropped":
                        self.keyboard.answer_next_dialog(action["notes"])
                    self.keyboard.press(LINE_KEYS[action["status"]])
        for action in self.pm["actions"]:
            stored = self.stored_action(action["title"])
            if stored.status.value == action["status"]:
                continue
            with self.keyboard.on("actions", action["id"]):
                self.to_card(action["title"])
                if action["status"] == "dropped":
                    self.keyboard.answer_next_dialog(action["notes"])
                self.keyboard.press(COLUMN_KEYS[action["status"]])

    def board(self) -> ActionBoard:
        return self.window.editor.action_items.board

    def stored_action(self, title: str) -> ActionItem:
        postmortem = self.window.editor.postmortem
        assert postmortem is not None
        return next(a for a in postmortem.actions if a.title == title)

    def card_column(self) -> int | None:
        focused = QApplication.focusWidget()
        columns = list(self.board().columns.values())
        return columns.index(focused) if focused in columns else None

    def card_title(self) -> str | None:
        action = self.board().current_action() if self.card_column() is not None else None
        return action.title if action is not None else None

    def to_card(self, title: str) -> None:
        """Tab to the board; Left or Right to the card's column; Up or Down to the card."""
        self.press_until("Tab", lambda: self.card_column() is not None, limit=10)
        status = self.stored_action(title).status
        column = list(self.board().columns).index(status)
        while (at := self.card_column()) is not None and at != column:
            self.keyboard.press("Left" if at > column else "Right")
        if self.card_title() == title:
            return
        cards = self.board().columns[status]
        row = next(r for r in range(cards.count()) if cards.item(r).text() == title)
        key = "Down" if cards.currentRow() < row else "Up"
        self.press_until(key, lambda: cards.currentRow() == row)
        if self.card_title() != title:
            # The card has the focus frame but is not selected, and the keys move only a
            # selected card: Space selects it.
            self.keyboard.press("Space")
        if self.card_title() != title:
            raise RuntimeError(f"the card “{title}” could not be selected")


# ---- what was stored ------------------------------------------------------------------------


def instant(text: str) -> datetime:
    moment = parse_datetime(text)
    assert moment is not None
    return moment.astimezone(ZoneInfo("UTC"))


# The new postmortem's own fields, which the drive never types into: a key gone astray (into
# the summary, say) shows here.
UNTOUCHED = {
    "title": "Untitled incident",
    "summary": "",
    "impact": {"summary": "", "metrics": []},
    "participants": [],
    "tags": [],
    "lessons": [],
}


def compare(stored: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """What differs between the stored postmortem and the example, in words."""
    got, want = stored["postmortem"], expected["postmortem"]
    problems = [
        f"{name} is {got[name]!r}: a key went astray"
        for name, value in UNTOUCHED.items()
        if got[name] != value
    ]

    def event(e: dict[str, Any]) -> tuple[datetime, str, str]:
        return instant(e["at"]), e["kind"], e["text"]

    got_events = [event(e) for e in got["timeline"]]
    want_events = [event(e) for e in want["timeline"]]
    if got_events != want_events:
        for number, (g, w) in enumerate(zip(got_events, want_events, strict=False), 1):
            if g != w:
                problems.append(f"event {number}: stored {g}, expected {w}")
        if len(got_events) != len(want_events):
            problems.append(f"{len(got_events)} events stored, {len(want_events)} expected")

    def cause_path(causes: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
        """Each cause by its chain of texts from the problem statement: the tree's shape."""
        by_id = {c["id"]: c for c in causes}
        paths: dict[str, tuple[str, ...]] = {}
        for cause in causes:
            chain: list[str] = []
            at: dict[str, Any] | None = cause
            while at is not None:
                chain.append(at["text"])
                at = by_id.get(at["parent"]) if at["parent"] else None
            paths[cause["id"]] = tuple(reversed(chain))
        return paths

    got_paths, want_paths = cause_path(got["causes"]), cause_path(want["causes"])
    got_tree = [(got_paths[c["id"]], c["systemic"]) for c in got["causes"]]
    want_tree = [(want_paths[c["id"]], c["systemic"]) for c in want["causes"]]
    for path, systemic in want_tree:
        if (path, systemic) not in got_tree:
            found = next((s for p, s in got_tree if p == path), None)
            what = "missing" if found is None else f"systemic={found}, expected {systemic}"
            problems.append(f"cause “{path[-1]}” under {list(path[:-1])}: {what}")
    for path, _ in got_tree:
        if path not in {p for p, _ in want_tree}:
            problems.append(f"cause “{path[-1]}” under {list(path[:-1])} is not in the example")
    if [p for p, _ in got_tree] != [p for p, _ in want_tree] and not problems:
        problems.append("the causes are stored in another order than the example's")

    def action(a: dict[str, Any], paths: dict[str, tuple[str, ...]]) -> dict[str, Any]:
        reason = a["notes"] or next(
            (h.get("note", "") for h in reversed(a.get("history", [])) if h["to"] == "dropped"),
            "",
        )
        return {
            "title": a["title"],
            "owner": a["owner"],
            "due": a["due"],
            "priority": a["priority"],
            "status": a["status"],
            "cause": paths[a["cause"]][-1] if a["cause"] else None,
            "reason": reason,
        }

    got_actions = [action(a, got_paths) for a in got["actions"]]
    want_actions = [action(a, want_paths) for a in want["actions"]]
    for number, (mine, theirs) in enumerate(zip(got_actions, want_actions, strict=False), 1):
        for name, value in theirs.items():
            if mine[name] != value:
                problems.append(
                    f"action {number} {name}: stored {mine[name]!r}, expected {value!r}"
                )
    if len(got_actions) != len(want_actions):
        problems.append(f"{len(got_actions)} actions stored, {len(want_actions)} expected")
    return problems


# ---- running it -----------------------------------------------------------------------------


@dataclass
class Result:
    tally: Tally
    problems: list[str]
    seconds: float
    platform: str

    def items(self) -> dict[str, int]:
        """Keys per item of the three kinds (navigation is no item)."""
        found: dict[str, int] = {}
        for kind in KINDS:
            if kind != NAVIGATION:
                found.update(self.tally.per_item(kind))
        return found

    def over(self) -> list[str]:
        return [item for item, count in self.items().items() if count > ITEM_TARGET]

    @property
    def met(self) -> bool:
        return self.tally.total <= TOTAL_TARGET and not self.over() and not self.problems


def run(folder: Path, *, echo: bool = False) -> Result:
    """Drive a fresh window on a fresh library in `folder` through the whole example."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    document = example()
    keyboard = Keyboard(Tally(), echo=echo)
    settings = UiSettings(QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
    with open_library(folder / "library.pmdesk") as library:
        window = MainWindow(library, settings)
        said: list[str] = []  # what the window would have said in a message box
        window.report = lambda title, message: said.append(f"{title}: {message}")  # type: ignore[method-assign]
        keyboard.watch.start()
        try:
            show_active(window)
            start = time.perf_counter()
            postmortem_id = capture(keyboard, window, document)
            seconds = time.perf_counter() - start
            stored = to_document(postmortems.get_postmortem(library, postmortem_id))
        finally:
            keyboard.watch.stop()
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    problems = [
        *(f"the window said “{message}”" for message in said),
        *(f"a dialog nobody asked for opened: “{title}”" for title in keyboard.unexpected),
        *compare(stored, document),
    ]
    return Result(keyboard.tally, problems, seconds, QApplication.platformName())


def stored_words(document: dict[str, Any]) -> int:
    """How many of the characters typed are the stored words themselves: the events' and
    causes' texts, the actions' titles and owners, the dropped one's reason."""
    pm = document["postmortem"]
    return (
        sum(len(e["text"]) for e in pm["timeline"])
        + sum(len(c["text"]) for c in pm["causes"])
        + sum(len(a["title"]) + len(a["owner"] or "") + len(a["notes"]) for a in pm["actions"])
    )


def report(result: Result) -> None:
    """The counts against the targets, and what was stored differently from the example."""
    tally = result.tally
    print(f"Capturing the shared example by keyboard, on Qt's {result.platform} platform")
    for kind in KINDS:
        items = tally.per_item(kind)
        counts = list(items.values())
        if kind == NAVIGATION:
            print(f"  {kind}: {sum(counts)} keys (Ctrl+N and the section keys)")
            continue
        print(
            f"  {kind}: {sum(counts)} keys, per item max {max(counts)}, mean "
            f"{statistics.mean(counts):.2f} ({', '.join(f'{i} {n}' for i, n in items.items())})"
        )
    every = list(result.items().values())
    words = stored_words(example())
    print(
        f"  in all: {tally.total} keys beyond the text (target ≤ {TOTAL_TARGET}: "
        f"{'ok' if tally.total <= TOTAL_TARGET else 'MISSED'}); per item max {max(every)}, mean "
        f"{statistics.mean(every):.2f} (target ≤ {ITEM_TARGET}: "
        f"{'ok' if not result.over() else 'MISSED by ' + ', '.join(result.over())})"
    )
    print(
        f"  text: {tally.text} characters typed, {words} of them the stored words and "
        f"{tally.text - words} the times, kinds and the action lines' fields"
    )
    print(f"  time: {result.seconds:.2f} s from Ctrl+N to the last key")
    print(
        "  not compared: each event's source (the typed line has no place for it) and the "
        "actions' history (each move of a card adds to it); the dropped action's reason is "
        "compared with the example's notes, as the board keeps it with the drop in its history"
    )
    if result.problems:
        print("  MISMATCH: what was stored differs from the example:")
        for problem in result.problems:
            print(f"    {problem}")
    else:
        print("  what was stored matches the example: events, cause tree, actions")


def _quiet_platform(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's messages, less the offscreen platform's notes that it cannot raise a popup, grab
    the keyboard or pass on size hints: harmless, and printed at every list of owners."""
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-keys", action="store_true", help="print each key as it is pressed")
    args = parser.parse_args()
    qInstallMessageHandler(_quiet_platform)
    with tempfile.TemporaryDirectory() as name:
        result = run(Path(name), echo=args.show_keys)
    report(result)
    return 0 if result.met else 1


if __name__ == "__main__":
    sys.exit(main())
