"""One long paragraph in the PDF: printed whole and in order, as one paragraph, in work linear in
its length (ReportLab breaks a split Paragraph's remaining text again at every page's foot)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from reportlab.platypus import Paragraph

from pmdesk.domain.model import Lesson, LessonKind, Postmortem
from pmdesk.report import pdf
from pmdesk.report.pdf import PROSE_CHUNK_LINES
from tests.report.test_pdf import flat, pages_text, render


def numbered_words(count: int, start: int = 0) -> str:
    """`count` words that each say where they stand: w0 w1 w2 …"""
    return " ".join(f"w{n}" for n in range(start, start + count))


@pytest.fixture
def fragments_broken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A running total of the fragments (about a word each) ReportLab's line breaking went
    through."""
    total = [0]
    original = Paragraph.breakLines

    def counting(self: Paragraph, width: Any) -> Any:
        total[0] += len(self.frags)
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    return total


def breaking_work(words: int, fragments_broken: list[int]) -> float:
    """How many fragments were broken into lines for each word of a summary `words` long."""
    fragments_broken[0] = 0
    render(Postmortem(title="Long", summary=numbered_words(words)))
    return fragments_broken[0] / words


def test_a_long_summary_is_broken_into_lines_a_bounded_number_of_times(
    fragments_broken: list[int],
) -> None:
    # 8,000 words fill 13 pages. Before, the one Paragraph was broken again at each page's foot:
    # 2.3 fragments a word at 1,000 words, 13 at 8,000, and ever more as the text grows.
    short = breaking_work(1_000, fragments_broken)
    long = breaking_work(8_000, fragments_broken)
    assert long < 2
    assert long < short * 1.5


def test_a_long_summary_is_printed_whole_and_in_order() -> None:
    summary = numbered_words(6_000)
    pages = pages_text(render(Postmortem(title="Long", summary=summary)))
    assert len(pages) > 5
    printed = [int(n) for n in re.findall(r"\bw(\d+)\b", flat(" ".join(pages)))]
    assert printed == list(range(6_000))


def test_the_chunks_of_one_block_read_as_one_paragraph() -> None:
    # Two blocks, each longer than a chunk: the space between paragraphs (6 pt after a body
    # paragraph) is found once, between the blocks, and never between chunks of one block.
    styles = pdf.Styles()
    block = "\n".join(f"line {n}" for n in range(PROSE_CHUNK_LINES * 3 + 5))
    story = pdf.prose(f"{block}\n\n{block}", styles.body)
    assert len(story) == 8
    spaces = [(p.getSpaceBefore(), p.getSpaceAfter()) for p in story]
    assert spaces == [(0, 0)] * 3 + [(0, 6)] + [(0, 0)] * 3 + [(0, 6)]
    assert all(len(p.text.split("<br/>")) <= PROSE_CHUNK_LINES for p in story)


def test_a_long_lesson_keeps_one_bullet() -> None:
    text = numbered_words(3_000)
    postmortem = Postmortem(title="Lessons", lessons=[Lesson(LessonKind.WENT_WELL, text)])
    joined = flat(" ".join(pages_text(render(postmortem))))
    assert joined.count("•") == 1
    assert [int(n) for n in re.findall(r"\bw(\d+)\b", joined)] == list(range(3_000))
