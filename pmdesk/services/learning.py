"""Learning across a library's incidents: the learning review of a period (the numbers of
`pmdesk.domain.learning`, read in one batch of queries by `pmdesk.storage.review_reads`) and the
patterns of the whole library (`pmdesk.domain.library_patterns`, read by
`pmdesk.storage.pattern_reads`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from pmdesk.domain import learning
from pmdesk.domain.learning import Review
from pmdesk.domain.library_patterns import Patterns, patterns
from pmdesk.domain.model import Postmortem
from pmdesk.domain.periods import Period, parse_period
from pmdesk.report.audience import Audience
from pmdesk.services import postmortems
from pmdesk.services.postmortems import ExportFormatError
from pmdesk.storage import pattern_reads, review_reads
from pmdesk.storage import themes as stored_themes
from pmdesk.storage.library import Library


def learning_review(library: Library, period: Period, today: date) -> Review:
    """The review of `period` as of `today`, over every postmortem and recurrence link of the
    library, with themes spelled as the library's vocabulary spells them."""
    return _review(library, period, today)[0]


def _review(library: Library, period: Period, today: date) -> tuple[Review, list[Postmortem]]:
    """The review, and every postmortem of the library it was made from (for the renderers,
    which name the people of a late action's own postmortem by their roles)."""
    with library.connect() as conn:
        every, links = review_reads.read_for_review(conn)
        names = [theme.name for theme in stored_themes.list_themes(conn)]
    return learning.review(every, period, today, links, names), every


def library_patterns(library: Library, today: date) -> Patterns:
    """Themes across the library by quarter, follow-through by theme, and what came back, as of
    `today`."""
    with library.connect() as conn:
        facts = pattern_reads.read_facts(conn)
    return patterns(facts, today)


REVIEW_FORMATS = ("pdf", "md")


def export_review(
    library: Library,
    start: str,
    end: str,
    path: str | os.PathLike[str],
    audience: Audience | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Path:
    """Write the learning review from `start` to `end` (days, months, quarters or years, as
    `parse_period` reads them) as a PDF or, for a `.md` name, Markdown. As of the day it is
    written: with SOURCE_DATE_EPOCH set, that moment, so the same library gives the same bytes.

    Raises PeriodError for a period that cannot be read, ExportFormatError for another extension.
    """
    period = parse_period(start, end)
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in REVIEW_FORMATS:
        raise ExportFormatError(
            f"A learning review is written as a PDF or as Markdown: name the file “….pdf” or "
            f"“….md”, not “{Path(path).name}”."
        )
    generated = postmortems.generation_time(environ)
    review, every = _review(library, period, generated.astimezone().date())
    chosen = audience or Audience.TEAM
    if suffix == "md":
        from pmdesk.report.review_markdown import render_review_markdown

        text = render_review_markdown(
            review, audience=chosen, generated=generated, library_name=_name(library), library=every
        )
        return postmortems.write_export(path, text.encode("utf-8"))
    from pmdesk.report.review_pdf import render_review_pdf

    data = render_review_pdf(
        review, audience=chosen, generated=generated, library_name=_name(library), library=every
    )
    return postmortems.write_export(path, data)


def _name(library: Library) -> str:
    """What the review calls the library: its file's name, or its database's."""
    if library.path is not None:
        return Path(library.path).stem
    return library.engine.url.database or ""
