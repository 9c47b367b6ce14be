"""Precision and recall of the theme suggester over the labelled systemic causes.

Run `python -m tests.domain.measure_themes` after changing the lexicon: it prints the numbers
overall and per theme and every mistake, so a cue that fixes one cause and breaks two shows at
once. `tests.domain.test_themes` asserts the overall numbers stay up.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from pmdesk.domain.theme_suggestion import suggest_themes
from pmdesk.domain.themes import DEFAULT_THEMES
from tests.domain.theme_texts import CAUSES, LATER_CAUSES


@dataclass(slots=True)
class Tally:
    """Suggestions compared with labels: right, wrong (suggested, not labelled), missed."""

    right: int = 0
    wrong: int = 0
    missed: int = 0

    @property
    def precision(self) -> float:
        made = self.right + self.wrong
        return self.right / made if made else 1.0

    @property
    def recall(self) -> float:
        labelled = self.right + self.missed
        return self.right / labelled if labelled else 1.0


@dataclass(slots=True)
class Measurement:
    overall: Tally = field(default_factory=Tally)
    by_theme: dict[str, Tally] = field(
        default_factory=lambda: {theme.name: Tally() for theme in DEFAULT_THEMES}
    )
    mistakes: list[str] = field(default_factory=list)


def measure(causes: Iterable[tuple[str, frozenset[str]]] = CAUSES) -> Measurement:
    result = Measurement()
    for text, labels in causes:
        suggested = {s.theme: s.words for s in suggest_themes(text)}
        for theme in suggested.keys() | labels:
            tally = result.by_theme[theme]
            if theme in suggested and theme in labels:
                tally.right += 1
                result.overall.right += 1
            elif theme in suggested:
                tally.wrong += 1
                result.overall.wrong += 1
                words = ", ".join(suggested[theme])
                result.mistakes.append(f"wrong  {theme} ({words}): {text}")
            else:
                tally.missed += 1
                result.overall.missed += 1
                result.mistakes.append(f"missed {theme}: {text}")
    return result


def microseconds_per_cause(rounds: int = 20) -> float:
    texts = [text for text, _ in CAUSES]
    suggest_themes(texts[0])
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            suggest_themes(text)
    return (time.perf_counter() - start) / (rounds * len(texts)) * 1e6


def main() -> None:
    for title, causes in (("causes", CAUSES), ("later causes", LATER_CAUSES)):
        report(title, causes)
    print(f"{microseconds_per_cause():.1f} µs per cause")


def report(title: str, causes: tuple[tuple[str, frozenset[str]], ...]) -> None:
    result = measure(causes)
    labels = sum(len(labels) for _, labels in causes)
    print(f"{title}: {len(causes)}, with {labels} labels")
    for name, tally in (("overall", result.overall), *result.by_theme.items()):
        print(f"{name:32} precision {tally.precision:.2f}  recall {tally.recall:.2f}")
    for mistake in sorted(result.mistakes):
        print(mistake)


if __name__ == "__main__":
    main()
