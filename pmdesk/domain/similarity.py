"""Similar past incidents: which other postmortems of the library look most like this one.

Two signals, both computed locally and explainable in a sentence:
- shared tags (Jaccard overlap of the tag sets, tags compared without case);
- the words of the summaries and causes, compared by TF-IDF cosine similarity, so that words every
  postmortem uses ("the", "service", "error") count for little and rarer shared words ("canary",
  "schema") for much.
The score is a weighted sum in [0, 1]; each match says which tags and which telling words it
shares, because a facilitator should see why an incident is called similar, not just a number.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words too common in postmortems to tell two apart, beyond what IDF already discounts.
_STOP_WORDS = """
    the and for that with was were are this from not but have has had its they their them our
    all any can could would should into onto than then there when which while who whom what why
    how been being also only very more most some such each other about after before because
    once every still just over under again same did does done got went came reached started
    began minutes minute hours hour seconds time times first last one two three
"""
_STOP = frozenset(_STOP_WORDS.split())
TAG_WEIGHT = 0.4
TEXT_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class Document:
    """What similarity looks at in one postmortem."""

    id: str
    title: str
    tags: tuple[str, ...]
    text: str  # its summary and cause texts


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    title: str
    score: float  # 0 … 1, higher is more alike
    shared_tags: tuple[str, ...]
    shared_words: tuple[str, ...]  # the shared words that weigh most, best first


def words(text: str) -> list[str]:
    return [w for w in (m.group().casefold() for m in _WORD.finditer(text)) if w not in _STOP]


def similar(target: Document, others: Sequence[Document], limit: int = 10) -> list[Match]:
    """The other documents most like `target`, best first; those sharing nothing are left out."""
    library = [target, *(d for d in others if d.id != target.id)]
    counts = [Counter(words(d.text)) for d in library]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    total = len(library)
    idf = {word: math.log((1 + total) / (1 + n)) + 1 for word, n in frequency.items()}
    vectors = [{w: c * idf[w] for w, c in count.items()} for count in counts]
    norms = [math.sqrt(sum(v * v for v in vector.values())) or 1.0 for vector in vectors]
    mine, my_norm = vectors[0], norms[0]
    my_tags = {t.casefold(): t for t in target.tags}
    found = []
    for other, vector, norm in zip(library[1:], vectors[1:], norms[1:], strict=True):
        common = mine.keys() & vector.keys()
        cosine = sum(mine[w] * vector[w] for w in common) / (my_norm * norm)
        their_tags = {t.casefold() for t in other.tags}
        union = set(my_tags) | their_tags
        shared = sorted(my_tags[t] for t in set(my_tags) & their_tags)
        jaccard = len(shared) / len(union) if union else 0.0
        score = TAG_WEIGHT * jaccard + TEXT_WEIGHT * cosine
        if score <= 0:
            continue
        telling = sorted(common, key=lambda w: (-(mine[w] * vector[w]), w))[:5]
        found.append(Match(other.id, other.title, round(score, 4), tuple(shared), tuple(telling)))
    found.sort(key=lambda m: (-m.score, m.title, m.id))
    return found[:limit]
