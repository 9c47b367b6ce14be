"""Who a report is for; its own module so that naming an audience loads nothing else."""

from __future__ import annotations

from enum import StrEnum


class Audience(StrEnum):
    TEAM = "team"  # everything
    # no participant or attendee names (one typed into any text reads as the person's role, see
    # names.py), no action notes, no parked points left open; an action's reason (why it was
    # dropped, why its date moved) is shown: it explains, it is no private note
    STAKEHOLDERS = "stakeholders"

    @property
    def label(self) -> str:
        return "Team" if self is Audience.TEAM else "Stakeholders"
