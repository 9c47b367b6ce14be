"""Files made from a postmortem for other programs: its action items as CSV and as iCalendar."""
