"""Contributing-factor themes: the conditions of a system that keep causing incidents.

A single postmortem asks what let this failure happen; a quarterly review asks which conditions
keep letting failures happen. Themes answer the second question: each systemic cause may carry
zero or more of them, and counting causes by theme across a library shows where the system is
weak, which counting incidents by tag cannot.

A library starts with the themes below and may rename, describe, add or remove its own. A theme
is known by its name, compared without regard to case, as tags are.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Theme:
    """One contributing-factor theme: its name and what it covers, for the people who pick it."""

    name: str
    description: str


DEFAULT_THEMES: tuple[Theme, ...] = (
    Theme(
        "Change management",
        "How changes reach production: review, rollout, canaries, feature flags, rollback, "
        "change freezes.",
    ),
    Theme(
        "Validation and testing",
        "Checks that should have stopped a bad input, config or build: schemas, tests, "
        "staging, dry runs, confirmation prompts.",
    ),
    Theme(
        "Detection and alerting",
        "How quickly the failure was noticed: alerts, thresholds, dashboards, paging, "
        "noise that hid the signal.",
    ),
    Theme(
        "Capacity and limits",
        "Resources that ran out or limits that were hit: quotas, connection pools, disk, "
        "memory, rate limits, load.",
    ),
    Theme(
        "Dependencies and blast radius",
        "How far one failure spread: shared infrastructure, single points of failure, "
        "third parties, missing isolation.",
    ),
    Theme(
        "Knowledge and runbooks",
        "What people needed to know and could not find: runbooks, documentation, ownership, "
        "tribal knowledge, onboarding.",
    ),
    Theme(
        "Time pressure and staffing",
        "The conditions people worked in: deadlines, fatigue, hand-offs, on-call load, "
        "working alone.",
    ),
)


def same_theme(first: str, second: str) -> bool:
    """Whether two theme names name the same theme: case and spacing do not count."""
    return theme_key(first) == theme_key(second)


def theme_key(name: str) -> str:
    """A theme name as it is compared: "Change  management" and "change management" are one."""
    return " ".join(name.split()).casefold()
