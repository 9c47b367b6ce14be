"""The learning review of a library over a period: the numbers of `pmdesk.domain.learning`, read
from a library in one batch of queries (`pmdesk.storage.review_reads`)."""

from __future__ import annotations

from datetime import date

from pmdesk.domain import learning
from pmdesk.domain.learning import Review
from pmdesk.domain.periods import Period
from pmdesk.storage import review_reads
from pmdesk.storage import themes as stored_themes
from pmdesk.storage.library import Library


def learning_review(library: Library, period: Period, today: date) -> Review:
    """The review of `period` as of `today`, over every postmortem and recurrence link of the
    library, with themes spelled as the library's vocabulary spells them."""
    with library.connect() as conn:
        postmortems, links = review_reads.read_for_review(conn)
        names = [theme.name for theme in stored_themes.list_themes(conn)]
    return learning.review(postmortems, period, today, links, names)
