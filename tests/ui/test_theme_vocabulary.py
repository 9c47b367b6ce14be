"""Edit ▸ Library themes, as the user reaches it: the menu entry, the list with the keyboard in
it, F2 and Enter to rename, Delete to remove (asked first when causes carry the theme), a rename
onto another theme's name offered as a merge, the messages for names refused, and Ctrl+Z."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pmdesk.domain.model import Postmortem, PostmortemKind
from pmdesk.domain.themes import DEFAULT_THEMES
from pmdesk.domain.validation import MAX_THEME_NAME_LENGTH
from pmdesk.services import postmortems, themes
from pmdesk.storage.library import Library
from pmdesk.storage.repository import insert_postmortem
from pmdesk.ui import window_actions
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.theme_vocabulary import CARRIED, DESCRIPTION, NAME, ThemeVocabularyDialog
from pmdesk.ui.themes import Theme, apply_theme, apply_zoom
from tests.storage.test_theme_edits import themed
from tests.ui.test_cause_themes import arrow_to, causes_tab, stored
from tests.ui.test_window_commands import choose_from_menu

CHANGE, VALIDATION, DETECTION = (theme.name for theme in DEFAULT_THEMES[:3])
NO = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier

# The dialog is opened from the open Edit menu, which asks to be raised and to grab the keyboard:
# the offscreen platform can do neither.
pytestmark = pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)


@pytest.fixture
def two(library: Library) -> tuple[Postmortem, Postmortem]:
    """Three causes carry Change management, in two postmortems."""
    first = themed("First", [CHANGE, DETECTION], [CHANGE])
    second = themed("Second", [DETECTION, CHANGE], [VALIDATION])
    with library.transaction() as conn:
        insert_postmortem(conn, first)
        insert_postmortem(conn, second)
    return first, second


class Questions(list[tuple[str, str]]):
    """Each question asked (title, text); answered with the next of `replies`, else Yes."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[QMessageBox.StandardButton] = []


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Questions:
    asked = Questions()

    def question(_parent: QWidget, title: str, text: str, *_args: object) -> object:
        asked.append((title, text))
        return asked.replies.pop(0) if asked.replies else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def open_from_menu(qtbot: QtBot, window: MainWindow) -> ThemeVocabularyDialog:
    command = next(c for c in window_actions.commands() if c.name == "edit.library_themes")
    choose_from_menu(window, command)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ThemeVocabularyDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ThemeVocabularyDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    return dialog


@pytest.fixture
def dialog(
    qtbot: QtBot, window: MainWindow, two: tuple[Postmortem, Postmortem]
) -> Iterator[ThemeVocabularyDialog]:
    window.refresh_library()
    opened = open_from_menu(qtbot, window)
    yield opened
    if isValid(opened) and opened.isVisible():
        opened.reject()


def names(library: Library) -> list[str]:
    return [theme.name for theme in themes.library_themes(library)]


def rows(dialog: ThemeVocabularyDialog, column: int = NAME) -> list[str]:
    return [
        dialog.list.topLevelItem(i).text(column)  # type: ignore[union-attr]
        for i in range(dialog.list.topLevelItemCount())
    ]


def carried(library: Library, postmortem: Postmortem) -> list[list[str]]:
    return [c.themes for c in postmortems.get_postmortem(library, postmortem.id).causes]


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NO) -> None:
    QTest.keyClick(widget, key, modifier)


def rename_by_keys(qtbot: QtBot, dialog: ThemeVocabularyDialog, key: Qt.Key, text: str) -> None:
    """F2 (or Enter) on the current theme, its name replaced by `text` (ASCII), Enter."""
    press(dialog.list, key)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.accessibleName() == "Theme name"
    editor.selectAll()
    QTest.keyClicks(editor, text)
    press(editor, Qt.Key.Key_Return)


# ---- opening ---------------------------------------------------------------------------------


def test_the_menu_entry_lists_the_themes_in_order_with_what_carries_them(
    dialog: ThemeVocabularyDialog, library: Library
) -> None:
    assert dialog.windowTitle() == "Library themes"
    assert dialog.list.hasFocus()
    assert dialog.current_name() == CHANGE
    assert rows(dialog) == names(library)
    assert rows(dialog, DESCRIPTION)[0] == DEFAULT_THEMES[0].description
    carried_by = dict(zip(rows(dialog), rows(dialog, CARRIED), strict=True))
    assert carried_by[CHANGE] == "3 causes in 2 postmortems"
    assert carried_by[VALIDATION] == "1 cause in 1 postmortem"
    assert carried_by["Knowledge and runbooks"] == "no cause yet"
    assert dialog.description.toPlainText() == DEFAULT_THEMES[0].description


def test_escape_closes_the_dialog(qtbot: QtBot, dialog: ThemeVocabularyDialog) -> None:
    press(dialog.list, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


# ---- renaming and merging --------------------------------------------------------------------


def test_f2_renames_on_every_cause_and_ctrl_z_takes_it_back(
    qtbot: QtBot,
    dialog: ThemeVocabularyDialog,
    library: Library,
    two: tuple[Postmortem, Postmortem],
) -> None:
    first, _ = two
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, "Rollouts  and  flags")
    qtbot.waitUntil(lambda: names(library)[0] == "Rollouts and flags")
    assert carried(library, first)[1:] == [
        ["Rollouts and flags", DETECTION],
        ["Rollouts and flags"],
    ]
    assert rows(dialog)[0] == "Rollouts and flags"
    assert dialog.current_name() == "Rollouts and flags"
    assert "Renamed" in dialog.done_label.text()

    press(dialog.list, Qt.Key.Key_Z, CTRL)
    assert names(library)[0] == CHANGE
    assert carried(library, first)[1:] == [[CHANGE, DETECTION], [CHANGE]]
    assert rows(dialog)[0] == CHANGE
    press(dialog.list, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert names(library)[0] == "Rollouts and flags"


def test_a_rename_that_touches_one_postmortem_leaves_the_window_where_it_was(
    qtbot: QtBot, window: MainWindow, dialog: ThemeVocabularyDialog, library: Library
) -> None:
    """Validation and testing is carried in one postmortem only: its rename changes that
    postmortem, but the window opens nothing behind the dialog, as it would after an undo."""
    assert window.current_id() is None
    shown = window.center.currentWidget()
    press(dialog.list, Qt.Key.Key_Down)
    assert dialog.current_name() == VALIDATION
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, "Checks before release")
    qtbot.waitUntil(lambda: "Checks before release" in names(library))
    assert window.current_id() is None
    assert window.center.currentWidget() is shown


def test_enter_renames_too_and_a_new_case_is_the_same_theme(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, library: Library, answers: Questions
) -> None:
    rename_by_keys(qtbot, dialog, Qt.Key.Key_Return, CHANGE.upper())
    qtbot.waitUntil(lambda: names(library)[0] == CHANGE.upper())
    assert answers == []  # its own name in other letters: no merge to ask about


def test_a_rename_onto_another_theme_asks_to_merge_and_merges(
    qtbot: QtBot,
    dialog: ThemeVocabularyDialog,
    window: MainWindow,
    library: Library,
    two: tuple[Postmortem, Postmortem],
    answers: Questions,
) -> None:
    first, second = two
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, "detection AND alerting")
    qtbot.waitUntil(lambda: CHANGE not in names(library))
    ((title, text),) = answers
    assert title == "Merge themes"
    assert f"already has the theme “{DETECTION}”. Merge “{CHANGE}” into it?" in text
    assert "3 causes in 2 postmortems that carry “Change management”" in text
    assert carried(library, first)[1:] == [[DETECTION], [DETECTION]]
    assert carried(library, second)[1:] == [[DETECTION], [VALIDATION]]
    assert dialog.current_name() == DETECTION

    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.undo_group.undo()  # Edit ▸ Undo, after the dialog closed
    assert names(library)[:3] == [CHANGE, VALIDATION, DETECTION]
    assert carried(library, first)[1:] == [[CHANGE, DETECTION], [CHANGE]]
    assert carried(library, second)[1:] == [[DETECTION, CHANGE], [VALIDATION]]


def test_a_merge_refused_writes_nothing_and_says_what_to_do(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, library: Library, answers: Questions
) -> None:
    answers.replies.append(QMessageBox.StandardButton.Cancel)
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, DETECTION.lower())
    qtbot.waitUntil(lambda: len(answers) == 1)
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]
    assert dialog.problem.isVisible()
    assert "Nothing was changed" in dialog.problem.text()
    assert "choose to merge" in dialog.problem.text()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("   ", "needs a name"),
        ("x" * (MAX_THEME_NAME_LENGTH + 1), f"at most {MAX_THEME_NAME_LENGTH}"),
    ],
)
def test_a_name_refused_in_a_rename_is_said_in_the_dialog(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, library: Library, typed: str, said: str
) -> None:
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, typed)
    qtbot.waitUntil(dialog.problem.isVisible)
    assert said in dialog.problem.text() and "keeps its name" in dialog.problem.text()
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]
    assert rows(dialog)[0] == CHANGE


# ---- adding and describing -------------------------------------------------------------------


def test_a_new_theme_is_added_and_described(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, library: Library
) -> None:
    dialog.new_name.setFocus()
    QTest.keyClicks(dialog.new_name, "Vendor risk")
    press(dialog.new_name, Qt.Key.Key_Return)
    assert names(library)[-1] == "Vendor risk"
    assert dialog.current_name() == "Vendor risk"
    assert dialog.new_name.text() == ""
    assert dialog.description.hasFocus()  # where its description is typed next
    QTest.keyClicks(dialog.description, "Third parties we lean on")
    press(dialog.description, Qt.Key.Key_Tab)  # leaving the field stores it
    assert themes.library_themes(library)[-1].description == "Third parties we lean on"
    assert rows(dialog, DESCRIPTION)[-1] == "Third parties we lean on"


def test_a_description_typed_is_stored_when_the_dialog_closes(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, library: Library
) -> None:
    dialog.description.setFocus()
    dialog.description.setPlainText("Rollouts, canaries — and rollbacks")
    press(dialog.description, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert themes.library_themes(library)[0].description == "Rollouts, canaries — and rollbacks"


def test_a_name_in_any_script_is_kept_as_typed(
    qtbot: QtBot,
    dialog: ThemeVocabularyDialog,
    library: Library,
    two: tuple[Postmortem, Postmortem],
) -> None:
    press(dialog.list, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.setText("Änderungen: Rollouts & Flags 変更")
    press(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: names(library)[0] == "Änderungen: Rollouts & Flags 変更")
    assert carried(library, two[0])[2] == ["Änderungen: Rollouts & Flags 変更"]


def test_a_description_too_long_is_said_and_not_stored(
    dialog: ThemeVocabularyDialog, library: Library
) -> None:
    dialog.description.setFocus()
    dialog.description.setPlainText("x" * (themes.MAX_THEME_DESCRIPTION_LENGTH + 1))
    press(dialog.description, Qt.Key.Key_Tab)
    assert dialog.problem.isVisible() and "at most 500" in dialog.problem.text()
    assert themes.library_themes(library)[0] == DEFAULT_THEMES[0]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "needs a name"),
        ("change  MANAGEMENT", "differs only in case or spacing from the library's theme"),
        ("y" * (MAX_THEME_NAME_LENGTH + 5), f"at most {MAX_THEME_NAME_LENGTH}"),
    ],
)
def test_a_new_name_refused_is_said_and_nothing_is_written(
    dialog: ThemeVocabularyDialog, library: Library, typed: str, said: str
) -> None:
    dialog.new_name.setFocus()
    QTest.keyClicks(dialog.new_name, typed)
    press(dialog.new_name, Qt.Key.Key_Return)
    assert dialog.problem.isVisible() and said in dialog.problem.text()
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]
    assert dialog.new_name.hasFocus() and dialog.new_name.text() == typed


# ---- moving and removing ---------------------------------------------------------------------


def test_alt_down_and_alt_up_move_the_current_theme(
    dialog: ThemeVocabularyDialog, library: Library
) -> None:
    assert not dialog.up_button.isEnabled()
    press(dialog.list, Qt.Key.Key_Down, ALT)
    assert names(library)[:2] == [VALIDATION, CHANGE]
    assert dialog.current_name() == CHANGE and dialog.list.hasFocus()
    press(dialog.list, Qt.Key.Key_Down, ALT)
    press(dialog.list, Qt.Key.Key_Up, ALT)
    assert names(library)[:3] == [VALIDATION, CHANGE, DETECTION]
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]
    press(dialog.list, Qt.Key.Key_Z, CTRL)  # only this dialog's steps: nothing more to undo
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]


def test_ctrl_z_in_the_dialog_replays_only_the_dialogs_own_steps(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    kept = window.edits.create_postmortem(PostmortemKind.INCIDENT)
    gone = window.edits.create_postmortem(PostmortemKind.INCIDENT)
    window.undo_group.undo()  # one step to undo, and one to redo, from before the dialog
    dialog = open_from_menu(qtbot, window)
    press(dialog.list, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    assert [s.id for s in postmortems.list_postmortems(library)] == [kept]

    press(dialog.list, Qt.Key.Key_Down, ALT)
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    press(dialog.list, Qt.Key.Key_Z, CTRL)
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]
    assert [s.id for s in postmortems.list_postmortems(library)] == [kept]
    press(dialog.list, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    press(dialog.list, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert names(library)[:2] == [VALIDATION, CHANGE]
    assert gone not in [s.id for s in postmortems.list_postmortems(library)]
    dialog.reject()


def test_delete_asks_before_taking_a_theme_off_its_causes_and_undo_brings_them_back(
    qtbot: QtBot,
    dialog: ThemeVocabularyDialog,
    library: Library,
    two: tuple[Postmortem, Postmortem],
    answers: Questions,
) -> None:
    first, second = two
    answers.replies.append(QMessageBox.StandardButton.Cancel)
    press(dialog.list, Qt.Key.Key_Delete)
    assert answers == [
        (
            "Remove theme",
            "Remove “Change management” from 3 causes in 2 postmortems?\n\n"
            "The theme leaves the library's list and every cause that carries it. "
            "Edit ▸ Undo brings both back.",
        )
    ]
    assert names(library)[0] == CHANGE  # cancelled

    press(dialog.list, Qt.Key.Key_Delete)  # and now Yes
    assert CHANGE not in names(library) and CHANGE not in rows(dialog)
    assert carried(library, first)[1:] == [[DETECTION], []]
    assert dialog.current_name() == VALIDATION and dialog.list.hasFocus()

    press(dialog.list, Qt.Key.Key_Z, CTRL)
    assert names(library)[0] == CHANGE
    assert carried(library, first)[1:] == [[CHANGE, DETECTION], [CHANGE]]
    assert carried(library, second)[1:] == [[DETECTION, CHANGE], [VALIDATION]]


def test_a_theme_nothing_carries_is_removed_without_a_question(
    dialog: ThemeVocabularyDialog, library: Library, answers: Questions
) -> None:
    dialog.list.setCurrentIndex(
        dialog.list.model().index(rows(dialog).index("Knowledge and runbooks"), 0)
    )
    press(dialog.list, Qt.Key.Key_Delete)
    assert answers == []
    assert "Knowledge and runbooks" not in names(library)


# ---- the cause pane's list of themes ---------------------------------------------------------


def test_the_cause_pane_reads_the_vocabulary_once_and_again_after_it_changes(
    qtbot: QtBot, opened: MainWindow, library: Library
) -> None:
    causes = causes_tab(opened, "c5")
    row = causes.detail.themes
    reads: list[int] = []
    source = row.vocabulary

    def counted() -> list[object]:
        reads.append(1)
        return list(source())

    row.vocabulary = counted  # type: ignore[assignment]
    row.forget_vocabulary()
    # Down the whole tree, systemic causes and others: the vocabulary is read once.
    press(causes.tree, Qt.Key.Key_Home)
    systemic = 0
    for _ in range(12):
        press(causes.tree, Qt.Key.Key_Down)
        systemic += row.isVisibleTo(causes.detail)
    assert systemic >= 3 and len(reads) == 1

    # Another section and back: read again, once.
    press(causes.tree, Qt.Key.Key_1, CTRL)
    causes_tab(opened, "c5")
    assert len(reads) == 2

    # Renamed in the dialog: the pane offers the new name without being left.
    dialog = open_from_menu(qtbot, opened)
    rename_by_keys(qtbot, dialog, Qt.Key.Key_F2, "Rollouts")
    qtbot.waitUntil(lambda: names(library)[0] == "Rollouts")
    dialog.reject()
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible())
    arrow_to(causes.tree, stored(opened, "c7").id)
    offered = [row.add.itemText(i) for i in range(1, row.add.count())]
    assert "Rollouts" in offered and CHANGE not in offered
    assert len(reads) == 3


# ---- looks -----------------------------------------------------------------------------------


SHOTS = Path("/tmp/pmdesk-vocabulary-shots")


@pytest.mark.parametrize(
    ("theme", "zoom"), [(Theme.LIGHT, 1.0), (Theme.DARK, 1.0), (Theme.LIGHT, 1.5)]
)
def test_the_dialog_fits_its_text_in_each_theme_and_zoom(
    qtbot: QtBot, dialog: ThemeVocabularyDialog, theme: Theme, zoom: float
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    apply_zoom(app, zoom)
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    parent = dialog.parentWidget()
    assert isinstance(parent, MainWindow)
    again = open_from_menu(qtbot, parent)
    header = again.list.header()
    # The names and the counts are whole; the description takes what is left.
    metrics = again.list.fontMetrics()
    assert header.sectionSize(NAME) >= max(metrics.horizontalAdvance(n) for n in rows(again))
    assert header.sectionSize(CARRIED) >= metrics.horizontalAdvance("3 causes in 2 postmortems")
    assert header.sectionSize(DESCRIPTION) >= 20 * metrics.averageCharWidth()
    SHOTS.mkdir(exist_ok=True)
    again.grab().save(str(SHOTS / f"vocab-{theme.value}-{zoom}.png"))
    again.reject()
