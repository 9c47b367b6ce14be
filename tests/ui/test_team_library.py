"""File ▸ Open team library: the dialog, and what the recent libraries remember."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.team_library import TeamLibraryDialog


def test_the_dialog_refuses_what_is_not_a_server_and_keeps_the_password_out_of_recents(
    qtbot: QtBot,
) -> None:
    dialog = TeamLibraryDialog(["/tmp/a.pmdesk", "postgresql+psycopg://dana@db/pm"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.address.text() == "postgresql+psycopg://dana@db/pm"  # the last server used
    dialog.address.setText("db.example.com")
    dialog.buttons.accepted.emit()
    assert dialog.problem.isVisibleTo(dialog) and "not a server address" in dialog.problem.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.address.setText("postgresql://dana@db/pm")
    dialog.password.setText("s3cret")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.location == "postgresql+psycopg://dana:s3cret@db/pm"


def test_an_unreachable_server_is_reported_and_nothing_is_remembered(window: MainWindow) -> None:
    before = window.library.location
    window.ask_team_location = lambda: "postgresql+psycopg://dana:s3cret@127.0.0.1:9/nowhere"
    window.choose_team_library()
    (title, message) = window.reported[-1]  # type: ignore[attr-defined]
    assert "cannot open" in title
    assert "s3cret" not in message
    assert window.library.location == before
    assert not any("nowhere" in r for r in window.settings.recent_libraries)
