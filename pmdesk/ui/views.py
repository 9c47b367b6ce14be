"""The sections of an open postmortem, as its tabs and the View menu number them."""

from __future__ import annotations

from enum import StrEnum


class View(StrEnum):
    OVERVIEW = "overview"
    IMPACT = "impact"
    TIMELINE = "timeline"
    CAUSES = "causes"
    ACTIONS = "actions"
    LESSONS = "lessons"
