"""The report as Markdown, for wikis: the same sections as the PDF, from the same contents.

Every string is printed as written. Text that Markdown would read as formatting (`*bold*`,
`<b>`, `[a](b)`, `| pipes |`, a leading `#`) is escaped with backslashes, which CommonMark and
GitHub-flavoured renderers show as the plain characters; line breaks inside table cells become
`<br>`, the one piece of HTML the report itself writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pmdesk.domain.cause_tree import why_label
from pmdesk.report.contents import (
    NUMBER_LEVELS,
    STATUS_LABELS,
    Audience,
    ReportContents,
    linked_incidents,
)

# Characters with a meaning anywhere in a line of Markdown (CommonMark lets any ASCII
# punctuation be escaped with a backslash).
_INLINE = re.compile(r"([\\`*_\[\]<>|&~!{}])")
# Ones that only mean something at the start of a line: headings, lists, quotes, rules.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """Text that renders exactly as written, whatever characters it holds. Every line break
    Markdown honours (CR LF, a lone CR, LF) starts a line, so each is one here too."""
    escaped = _INLINE.sub(r"\\\1", _lines(text))
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), escaped)


def _escape_start(marker: str) -> str:
    if marker[-1] in ".)":  # "1." starts an ordered list: escape the dot, keep the number
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def cell(text: str) -> str:
    """A table cell: escaped, its line breaks kept as <br>, never empty."""
    lines = [escape(line) for line in text.strip().splitlines()]
    return "<br>".join(lines) or " "


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (split at blank lines), each keeping its own line breaks."""
    blocks = re.split(r"\n\s*\n", _lines(text).strip())
    return [escape(block).replace("\n", "  \n") for block in blocks if block.strip()]


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(contents: ReportContents) -> str:
    pm = contents.postmortem
    out: list[str] = []
    add = out.append
    add(f"# {escape(' '.join(pm.title.split()))}")
    add("")
    if contents.draft:
        add("> **DRAFT**: this postmortem is not final yet.")
        add("")
    facts = [contents.kind, contents.severity, contents.status]
    add(escape(" · ".join(facts)) + "  ")
    if contents.incident_date:
        add(f"Started {escape(contents.incident_date)}  ")
    for label, incident in linked_incidents(contents):
        add(f"{label}: {escape(incident)}  ")
    if contents.facilitator:
        add(f"Facilitator: {escape(contents.facilitator)}  ")
    add(f"Prepared for: {contents.audience.label}  ")
    if pm.tags:
        add("Tags: " + ", ".join(escape(tag) for tag in pm.tags) + "  ")
    add(f"Generated {contents.generated:%Y-%m-%d}")

    for key, heading in contents.sections:
        add("")
        add(f"## {heading}")
        add("")
        if key == "summary":
            out.extend(_between(paragraphs(pm.summary) or ["*No summary yet.*"]))
            if pm.impact_summary.strip():
                add("")
                add("**Impact.** " + "\n\n".join(paragraphs(pm.impact_summary)))
        elif key == "numbers":
            out.extend(
                _table(["", ""], ([escape(n.label), escape(n.value)] for n in contents.numbers))
            )
            moments = contents.moments
            moment_marks = [
                (label, event)
                for label, event in (
                    ("Started", moments.started),
                    ("Detected", moments.detected),
                    ("Mitigated", moments.mitigated),
                    ("Resolved", moments.resolved),
                )
                if event is not None
            ]
            if moment_marks:
                add("")
                add(
                    "Key moments: "
                    + " → ".join(
                        f"{label} {_when(contents, event.id)}" for label, event in moment_marks
                    )
                )
        elif key == "timeline":
            if not contents.timeline:
                add("*No events yet.*")
            else:
                out.extend(
                    _table(
                        [f"When ({escape(contents.zone)})", "Kind", "What happened", "Source"],
                        (
                            [escape(r.when), r.kind, cell(r.event.text), cell(r.event.source or "")]
                            for r in contents.timeline
                        ),
                    )
                )
        elif key == "causes":
            if not contents.causes:
                add("*No causes yet.*")
            for entry in contents.causes:
                # Nested no deeper than a number shows levels: a chain thousands deep would
                # otherwise indent each line by its depth, n squared spaces in all.
                indent = "  " * (min(entry.depth, NUMBER_LEVELS) - 1)
                marks = " **systemic**" if entry.cause.systemic else ""
                addressed = f" → {', '.join(entry.actions)}" if entry.actions else ""
                text = " ".join(entry.cause.text.split())
                add(
                    f"{indent}- {entry.number} *{why_label(entry.depth)}*: "
                    f"{escape(text)}{marks}{addressed}"
                )
        elif key == "actions":
            if not contents.actions:
                add("*No action items yet.*")
            else:
                header = ["Action", "Owner", "Due", "Status", "Priority", "Addresses"]
                team = contents.audience is Audience.TEAM
                if team:
                    header.append("Notes")
                rows = []
                for row in contents.actions:
                    action = row.action
                    due = action.due.isoformat() if action.due else "—"
                    title = f"{action.ref} {cell(action.title)}"
                    if row.reason is not None:  # under the title, for every audience
                        title += f"<br>*{escape(row.reason.label)}:* {cell(row.reason.text)}"
                    cells = [
                        title,
                        cell(action.owner or "—"),
                        f"**{due} overdue**" if row.overdue else due,
                        STATUS_LABELS[action.status],
                        action.priority.value if action.priority else "—",
                        cell(row.cause or "—"),
                    ]
                    if team:
                        cells.append(cell(row.notes))
                    rows.append(cells)
                out.extend(_table(header, rows))
        elif key == "meeting" and contents.meeting is not None:
            meeting = contents.meeting
            add(escape(meeting.facts))
            add("")
            add("### Decisions")
            add("")
            if meeting.decisions:
                out.extend(f"- {cell(text)}" for text in meeting.decisions)
            else:
                add("*No decisions recorded.*")
            if meeting.left_open:
                add("")
                add("### Left open from the meeting")
                add("")
                out.extend(f"- {cell(text)}" for text in meeting.left_open)
        elif key == "lessons":
            for title, texts in contents.lessons:
                add(f"### {title}")
                add("")
                if texts:
                    out.extend(f"- {cell(text)}" for text in texts)
                else:
                    add("*None noted.*")
                add("")
            out.pop()
        elif key == "participants":
            if not contents.participants:
                add("*No participants listed.*")
            out.extend(
                f"- {escape(name)}" + (f" ({escape(role)})" if role else "")
                for name, role in contents.participants
            )
    return "\n".join(out) + "\n"


def _between(blocks: list[str]) -> list[str]:
    """Blocks separated by blank lines."""
    result: list[str] = []
    for block in blocks:
        if result:
            result.append("")
        result.append(block)
    return result


def _when(contents: ReportContents, event_id: str) -> str:
    row = next((r for r in contents.timeline if r.event.id == event_id), None)
    return escape(row.when) if row is not None else ""
