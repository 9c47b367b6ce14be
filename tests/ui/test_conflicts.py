"""What the question after a refused edit shows of the user's own change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pmdesk.domain.model import ActionItem, ActionStatus, ImpactMetric
from pmdesk.ui.conflicts import describe_changes, describe_fields, describe_list


def test_only_the_fields_the_user_changed_are_listed_in_words() -> None:
    before = ActionItem("a1", "Add a canary", cause_id="c" * 32, version=3)
    mine = replace(
        before,
        title="Add a canary stage to the deploy",
        due=date(2026, 12, 15),
        status=ActionStatus.IN_PROGRESS,
        cause_id=None,
        version=9,  # a version is never the user's change
    )
    assert describe_changes([before], [mine]) == (
        "Title: Add a canary stage to the deploy\n"
        "Due: 2026-12-15\n"
        "Status: in_progress\n"
        "Addresses cause: (none)"
    )


def test_fields_and_lists_are_described_whole() -> None:
    assert describe_fields({"impact_summary": "", "title": "Checkout down"}) == (
        "Impact summary: (empty)\nTitle: Checkout down"
    )
    assert describe_list([ImpactMetric("Errors", 12400, "requests")]) == (
        "• Errors, 12400, requests"
    )
    assert describe_list([]) == "(an empty list)"
