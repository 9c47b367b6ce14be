"""A chain of whys thousands deep is numbered and printed in time and memory linear in its
length: a cause's number shows at most seven levels, however deep it sits."""

from __future__ import annotations

import random

from pmdesk.domain.model import Cause, Postmortem
from pmdesk.report.contents import NUMBER_LEVELS, CauseEntry
from pmdesk.report.markdown import render_markdown
from tests.report.test_pdf import contents_of, flat, pages_text, render


def chain(depth: int) -> Postmortem:
    causes = [Cause("p1", "The problem")]
    for n in range(1, depth):
        causes.append(Cause(f"c{n}", f"Why number {n}", parent_id=causes[-1].id))
    return Postmortem(title="Deep", causes=causes)


def full_numbers(postmortem: Postmortem) -> dict[str, list[int]]:
    """Each cause's place, every level of it: the answer a deep chain cannot afford."""
    places: dict[str, list[int]] = {}
    counts: dict[str | None, int] = {}
    for cause in postmortem.causes:  # parents come before their children in these tests
        counts[cause.parent_id] = counts.get(cause.parent_id, 0) + 1
        above = places[cause.parent_id] if cause.parent_id is not None else []
        places[cause.id] = [*above, counts[cause.parent_id]]
    return places


def shown(place: list[int]) -> str:
    if len(place) <= NUMBER_LEVELS:
        return ".".join(map(str, place))
    return ".".join(map(str, place[:2])) + "…" + ".".join(map(str, place[-3:]))


def test_numbers_show_every_level_down_to_seven_then_leave_the_middle_out() -> None:
    rng = random.Random(19)
    causes: list[Cause] = []
    for n in range(400):
        # Mostly one level below one of the latest causes: branches twelve and more levels deep.
        parent = rng.choice(causes[-3:]).id if causes and rng.random() < 0.9 else None
        causes.append(Cause(f"c{n}", f"Cause {n}", parent_id=parent))
    postmortem = Postmortem(title="Branches", causes=causes)
    places = full_numbers(postmortem)
    entries = contents_of(postmortem).causes
    assert max(e.depth for e in entries) > NUMBER_LEVELS + 3
    assert {e.cause.id: e.number for e in entries} == {
        cause_id: shown(place) for cause_id, place in places.items()
    }


def test_a_number_stays_short_however_deep_its_cause() -> None:
    entries: tuple[CauseEntry, ...] = contents_of(chain(3000)).causes
    assert [e.number for e in entries[:8]] == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.1.1",
        "1.1.1.1.1",
        "1.1.1.1.1.1",
        "1.1.1.1.1.1.1",
        "1.1…1.1.1",
    ]
    assert {e.number for e in entries[7:]} == {"1.1…1.1.1"}
    assert entries[-1].depth == 3000 and entries[-1].label == "why 2999"


def test_a_chain_3000_deep_is_printed_whole() -> None:
    pages = pages_text(render(chain(3000)))
    text = flat("\n".join(pages))
    assert "The diagram is left out: its 3000 levels" in text
    assert "1.1...1.1.1 Why number 2999 c2999 · why 2999" in text  # "…", NFKC-normalised
    for n in range(1, 3000):
        assert f"Why number {n} c{n} · why {n}" in text


def test_the_markdown_of_a_chain_3000_deep_grows_linearly() -> None:
    # Indenting each cause by its depth would write 3000 * 3000 spaces: nine megabytes.
    text = render_markdown(contents_of(chain(3000)))
    lines = [line for line in text.splitlines() if "*why " in line or "*problem*" in line]
    assert len(lines) == 3000
    assert lines[6] == " " * 12 + "- 1.1.1.1.1.1.1 *why 6*: Why number 6"
    assert lines[-1] == " " * 12 + "- 1.1…1.1.1 *why 2999*: Why number 2999"
    assert len(text) < 200_000
