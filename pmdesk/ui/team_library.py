"""File ▸ Open team library: the address of a library on a PostgreSQL server, and a password
used for this connection only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.services.locations import SERVER_EXAMPLE, LocationError, check_server_url, with_password
from pmdesk.ui.widgets import muted

HINT = (
    "pmdesk never stores the password. Leave it empty when your ~/.pgpass file or the PGPASSWORD "
    "variable has it, as psql would; whatever you type here is used for this connection only. "
    "The server needs the driver: pip install 'pmdesk[postgres]'."
)


class TeamLibraryDialog(QDialog):
    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open team library")
        self.address = QLineEdit()
        self.address.setPlaceholderText(SERVER_EXAMPLE)
        self.address.setAccessibleName("Server address")
        servers = [location for location in recent if "://" in location]
        if servers:
            self.address.setText(servers[0])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password, for this connection only")
        self.problem = QLabel("")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Address", self.address)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(muted(HINT))
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        # As tall as the wrapped hint needs at this width: a height from the size hint alone
        # squashed the fields and cut the hint.
        width = 560
        self.resize(width, max(layout.totalHeightForWidth(width), self.sizeHint().height()))
        self.location = ""

    def _open(self) -> None:
        try:
            url = check_server_url(self.address.text())
        except LocationError as error:
            self.problem.setText(str(error))
            self.problem.show()
            self.address.setFocus()
            return
        self.location = with_password(url, self.password.text())
        self.accept()
