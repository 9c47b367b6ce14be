"""What a postmortem can be exported as, and for whom a report is written.

A module of its own, with nothing to import, so that the command line can offer these as choices
without loading the library, the interchange format or the report code.
"""

from __future__ import annotations

from pmdesk.report.audience import Audience as Audience

# json: the whole postmortem (interchange file); csv: its action items; ics: their due dates;
# pdf and md: the report, for stakeholders or for a wiki.
EXPORT_FORMATS = ("json", "csv", "ics", "pdf", "md")
REPORT_FORMATS = ("pdf", "md")
