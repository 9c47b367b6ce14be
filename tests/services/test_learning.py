"""The learning review read from a library agrees with the review of the same postmortems loaded
one by one, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pmdesk.domain import learning
from pmdesk.domain.periods import parse_period
from pmdesk.services import learning as learning_service
from pmdesk.services import postmortems, recurrences
from pmdesk.storage.library import Library
from tests.conftest import FIXTURES

TODAY = date(2026, 12, 8)
FILES = [
    FIXTURES / "checkout-config-push.json",
    FIXTURES / "database-outage-2017.json",
    *sorted((FIXTURES / "published").glob("*.json")),
]


def with_themes(tmp_path: Path) -> Path:
    """The checkout example with a theme on each systemic cause, two on the first."""
    document = json.loads((FIXTURES / "checkout-config-push.json").read_text(encoding="utf-8"))
    systemic = [c for c in document["postmortem"]["causes"] if c["systemic"]]
    for cause in systemic:
        cause["themes"] = ["Change management"]
    systemic[0]["themes"].append("Validation and testing")
    target = tmp_path / "themed.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_the_library_review_is_the_review_of_its_postmortems(
    library: Library, tmp_path: Path
) -> None:
    ids = postmortems.import_files(library, [with_themes(tmp_path), *FILES[1:]]).postmortem_ids
    recurrences.link(library, ids[0], ids[1])
    period = parse_period("2010", "2026")

    read = learning_service.learning_review(library, period, TODAY)
    one_by_one = learning.review(
        [postmortems.get_postmortem(library, i) for i in ids],
        period,
        TODAY,
        links=[(ids[0], ids[1])],
    )

    assert [pm.id for pm in read.postmortems] == [pm.id for pm in one_by_one.postmortems]
    assert len(read.postmortems) == len(FILES)
    assert read.now == one_by_one.now
    assert read.impact == one_by_one.impact
    assert read.actions == one_by_one.actions
    assert [(g.owner, len(g.actions)) for g in read.overdue_by_owner] == [
        (g.owner, len(g.actions)) for g in one_by_one.overdue_by_owner
    ]
    assert [(r.later.id, r.earlier.id) for r in read.recurrences] == [(ids[0], ids[1])]
    themes = [(f.theme, len(f.causes)) for f in read.themes]
    assert themes == [(f.theme, len(f.causes)) for f in one_by_one.themes]
    assert themes == [("Change management", 3), ("Validation and testing", 1)]
    # every action of the period is counted once, in one of the four states
    counts = read.actions
    assert counts.done + counts.dropped + counts.overdue + counts.owed == counts.agreed > 0


def test_an_empty_library_reviews_to_zeros(library: Library) -> None:
    review = learning_service.learning_review(library, parse_period("2026-Q1", "2026-Q1"), TODAY)
    assert (review.now.incidents, review.actions.agreed, review.themes) == (0, 0, ())


def test_the_library_patterns_count_what_the_review_of_all_time_counts(
    library: Library, tmp_path: Path
) -> None:
    """The patterns' narrow read against the review's whole postmortems: the same themes, the
    same causes and the same action counts over a period that holds every postmortem."""
    ids = postmortems.import_files(library, [with_themes(tmp_path), *FILES[1:]]).postmortem_ids
    recurrences.link(library, ids[0], ids[1])
    review = learning_service.learning_review(library, parse_period("2010", "2026"), TODAY)

    found = learning_service.library_patterns(library, TODAY)

    assert [(t.theme, len(t.causes), t.counts) for t in found.themes] == [
        (f.theme, len(f.causes), f.actions) for f in review.themes
    ]
    assert [c.id for c in found.themes[0].causes] == [c.id for _, c in review.themes[0].causes]
    assert {pm.id: pm.title for pm in review.postmortems}.items() <= {
        case.id: case.title for case in found.postmortems.values()
    }.items()
    days = {pm.id: learning.started_on(pm) for pm in review.postmortems}
    assert all(found.postmortems[i].day == day for i, day in days.items())
    came_back = [(e.later.id, e.earlier.id if e.earlier else None) for e in found.came_back]
    recurred = [r for r in review.recurrences if r.came_back]
    assert recurred  # the checkout example recurs one whose actions were late
    assert [(later, earlier) for later, earlier in came_back if earlier is not None] == [
        (r.later.id, r.earlier.id) for r in recurred
    ]


def test_an_empty_library_has_no_patterns(library: Library) -> None:
    found = learning_service.library_patterns(library, TODAY)
    assert found.is_empty
    assert found.quarters == ()
