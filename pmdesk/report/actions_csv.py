"""A postmortem's action items as CSV, one row per action in the board's order, for issue
trackers' importers and spreadsheets.

No byte-order mark: trackers' importers and Python's csv module would read it as part of the first
header ("\ufeffpostmortem_id") and then miss that column. LibreOffice, Google Sheets and Numbers
read UTF-8 without one; Excel reads it through Data ▸ From Text/CSV (File origin: UTF-8).

Values are written exactly as typed, even when they start with = + - or @: an importer must get
the title the team wrote, and "-" and "+" often start a plain title. A spreadsheet may take such a
cell for a formula, so open the file there with the columns imported as text.
"""

from __future__ import annotations

import csv
import io

from pmdesk.domain.actions import board_order
from pmdesk.domain.model import ActionItem, Postmortem

HEADER = (
    "postmortem_id",
    "postmortem_title",
    "id",
    "title",
    "owner",
    "due",
    "status",
    "priority",
    "cause",
    "notes",
)


def rows(postmortem: Postmortem) -> list[list[str]]:
    """The header, then one row per action; a missing value is an empty cell."""
    cause_text = {cause.id: cause.text for cause in postmortem.causes}
    return [list(HEADER)] + [
        _row(postmortem, action, cause_text) for action in board_order(postmortem.actions)
    ]


def _row(postmortem: Postmortem, action: ActionItem, cause_text: dict[str, str]) -> list[str]:
    return [
        postmortem.id,
        postmortem.title,
        action.ref,
        action.title,
        action.owner or "",
        action.due.isoformat() if action.due else "",
        action.status.value,
        action.priority.value if action.priority else "",
        cause_text.get(action.cause_id, "") if action.cause_id else "",
        action.notes,
    ]


def dumps(postmortem: Postmortem) -> str:
    """The whole file as text, CRLF after every record as RFC 4180 asks."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows(postmortem))
    return buffer.getvalue()
