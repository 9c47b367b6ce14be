"""What a use case changed, so that each view can refresh only what is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# An id that stands for "reload it all", after something changed that no Changes value describes.
EVERYTHING = "*"


class Entity(StrEnum):
    POSTMORTEM = "postmortem"
    TIMELINE = "timeline"
    CAUSE = "cause"
    ACTION = "action"
    LESSON = "lesson"
    MEETING = "meeting"
    THEME = "theme"  # the library's vocabulary of themes (ids are theme names)


@dataclass(frozen=True, slots=True)
class Changes:
    """One user action's effect: which kind of thing changed, which ids, in which postmortems."""

    entity: Entity
    added: frozenset[str] = field(default_factory=frozenset)
    updated: frozenset[str] = field(default_factory=frozenset)
    removed: frozenset[str] = field(default_factory=frozenset)
    postmortem_ids: frozenset[str] = field(default_factory=frozenset)
