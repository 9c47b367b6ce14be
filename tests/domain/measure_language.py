"""Precision and recall of the language rules over the hand-labelled texts.

Run `python -m tests.domain.measure_language` after changing a rule: it prints the counts and
every misclassified sample, so a change that fixes one sentence and breaks two shows at once.
`tests.domain.test_language` asserts the same numbers stay at or above 0.9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pmdesk.domain.language import find_blame, find_vagueness
from tests.domain import (
    fifth_author_texts,
    fourth_author_texts,
    second_author_texts,
    third_author_texts,
)
from tests.domain.labelled_texts import ACTION_SAMPLES, BLAME_SAMPLES


@dataclass(frozen=True, slots=True)
class Score:
    """How a rule's findings compare with the labels; `misses` and `false_alarms` name texts."""

    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    misses: tuple[str, ...]  # labelled positive, not found
    false_alarms: tuple[str, ...]  # labelled negative, found

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


def score(samples: Iterable[tuple[str, bool]], rule: Callable[[str], bool]) -> Score:
    """Compare `rule` with the labels of `(text, positive)` samples."""
    tp = fp = fn = tn = 0
    misses: list[str] = []
    false_alarms: list[str] = []
    for text, positive in samples:
        found = rule(text)
        if found and positive:
            tp += 1
        elif found:
            fp += 1
            false_alarms.append(text)
        elif positive:
            fn += 1
            misses.append(text)
        else:
            tn += 1
    return Score(tp, fp, fn, tn, tuple(misses), tuple(false_alarms))


def blame_score() -> Score:
    people = {s.text: s.people for s in BLAME_SAMPLES}
    return score(
        ((s.text, s.blame) for s in BLAME_SAMPLES),
        lambda text: find_blame(text, people[text]) is not None,
    )


def vagueness_score() -> Score:
    return score(
        ((s.title, s.vague) for s in ACTION_SAMPLES),
        lambda title: find_vagueness(title) is not None,
    )


Sample = tuple[str, bool] | tuple[str, bool, str]


class AuthorSet(Protocol):
    """A labelled module by another author: its participants, blame texts and action titles.

    A sample is `(text, positive)`, or `(text, positive, class)` in a set written by class."""

    @property
    def PEOPLE(self) -> tuple[str, ...]: ...  # noqa: N802 (a module's constant)

    @property
    def BLAME(self) -> Sequence[Sample]: ...  # noqa: N802

    @property
    def VAGUE(self) -> Sequence[Sample]: ...  # noqa: N802


OTHER_AUTHORS: dict[str, AuthorSet] = {
    "second author": second_author_texts,
    "third author": third_author_texts,
    "fourth author": fourth_author_texts,
    "fifth author": fifth_author_texts,
}


def author_blame_score(labelled: AuthorSet, only: str | None = None) -> Score:
    return score(
        _samples(labelled.BLAME, only), lambda text: find_blame(text, labelled.PEOPLE) is not None
    )


def author_vagueness_score(labelled: AuthorSet, only: str | None = None) -> Score:
    return score(_samples(labelled.VAGUE, only), lambda title: find_vagueness(title) is not None)


def classes(samples: Iterable[Sample]) -> list[str]:
    """The classes a set's samples are written in, in order of first use."""
    return list(dict.fromkeys(sample[2] for sample in samples if len(sample) == 3))


def _samples(samples: Iterable[Sample], only: str | None) -> list[tuple[str, bool]]:
    return [(s[0], s[1]) for s in samples if only is None or (len(s) == 3 and s[2] == only)]


def report(name: str, result: Score) -> str:
    lines = [
        f"{name}: precision {result.precision:.3f}, recall {result.recall:.3f} "
        f"(tp {result.true_positives}, fp {result.false_positives}, "
        f"fn {result.false_negatives}, tn {result.true_negatives})"
    ]
    lines += [f"  missed:      {text}" for text in result.misses]
    lines += [f"  false alarm: {text}" for text in result.false_alarms]
    return "\n".join(lines)


def main() -> None:
    print(report("blame-language", blame_score()))
    print(report("action-vague", vagueness_score()))
    for author, labelled in OTHER_AUTHORS.items():
        print(report(f"blame-language, {author}", author_blame_score(labelled)))
        for kind in classes(labelled.BLAME):
            print(report(f"  class {kind}", author_blame_score(labelled, kind)))
        print(report(f"action-vague, {author}", author_vagueness_score(labelled)))
        for kind in classes(labelled.VAGUE):
            print(report(f"  class {kind}", author_vagueness_score(labelled, kind)))


if __name__ == "__main__":
    main()
