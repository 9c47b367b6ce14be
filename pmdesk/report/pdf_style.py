"""The PDF report's look, shared by its parts: the page and its text frame, the palette, the type
sizes, and cutting a line of text to a width.

pdf.py (the document), pdf_table.py (its tables) and pdf_drawings.py (its drawn pieces) all take
these from here, so none of them has to import another for a colour or a size.
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4

from pmdesk.domain.model import EventKind
from pmdesk.report import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 58.0
MARGIN_TOP = 56.0
MARGIN_BOTTOM = 64.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# The app's light palette (pmdesk/ui/themes.py), so the report and the screen agree.
INK = HexColor("#1f2328")
MUTED = HexColor("#59636e")
FAINT = HexColor("#8c959f")
RULE = HexColor("#d0d7de")
ZEBRA = HexColor("#f6f8fa")
HEADER_FILL = HexColor("#eaeef2")
ACCENT = HexColor("#1f5fa8")
OK = HexColor("#1a7f37")
SYSTEMIC_FILL = HexColor("#e4f0e7")  # OK at 12 % over white, as the app's diagram
ERROR = HexColor("#b42318")
WARNING = HexColor("#9a6700")
WATERMARK = HexColor("#f7e7e5")

KIND_COLOURS = {
    EventKind.TRIGGER: ERROR,
    EventKind.DETECTION: WARNING,
    EventKind.MITIGATION: ACCENT,
    EventKind.RESOLUTION: OK,
    EventKind.ESCALATION: HexColor("#8250df"),
    EventKind.DECISION: HexColor("#0a6d7e"),
    EventKind.COMMUNICATION: MUTED,
    EventKind.EVENT: MUTED,
}

TITLE_SIZES = (22.0, 18.0, 15.0)
SUBTITLE_SIZE = 11.0
HEADING_SIZE = 14.0
SUBHEADING_SIZE = 10.5
BODY_SIZE = 9.5
TABLE_SIZE = 8.0
SMALL_SIZE = 7.0

ELLIPSIS = "…"


def fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """`text` on one line, cut with "…" to fit `width`."""
    if fonts.string_width(text, size, bold=bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fonts.string_width(text[:middle].rstrip() + ELLIPSIS, size, bold=bold) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
