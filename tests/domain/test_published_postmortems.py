"""Published postmortems are written blamelessly, so the blame-language check finds nothing in them.

The files in tests/fixtures/published/ retell real, public incident reports in the interchange
format, in our own words (tests/fixtures/README.md lists them with their sources); GitLab's 2017
database outage is the older retelling beside them. A finding here means the check reads blame
into wording that the report's own authors used for a system, not a person.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pmdesk.domain import readiness
from pmdesk.interchange import json_v1
from tests.conftest import FIXTURES

PUBLISHED = sorted((FIXTURES / "published").glob("*.json"))
RETOLD = [*PUBLISHED, FIXTURES / "database-outage-2017.json"]
BLAME = "blame-language"
# Blame does not depend on the day; any fixed day keeps the run repeatable.
TODAY = date(2026, 1, 1)
URL = re.compile(r"https?://\S+")


def test_there_are_at_least_six_published_reports() -> None:
    assert len(PUBLISHED) >= 6, [path.name for path in PUBLISHED]


def test_the_rule_this_file_asserts_on_exists() -> None:
    assert BLAME in readiness.RULES


@pytest.mark.parametrize("path", RETOLD, ids=lambda path: path.name)
def test_a_published_postmortem_has_no_blame_language(path: Path) -> None:
    imported = json_v1.read_file(path)
    assert imported.warnings == [], imported.warnings
    findings = readiness.check(imported.postmortem, TODAY)
    flagged = [finding for finding in findings if finding.rule == BLAME]
    assert not flagged, f"{path.name}: blame found in\n" + "\n".join(
        f"- {finding.target.value} {finding.target_id or ''}: {finding.what!r} ({finding.advice})"
        for finding in flagged
    )


@pytest.mark.parametrize("path", RETOLD, ids=lambda path: path.name)
def test_a_published_postmortem_names_its_source(path: Path) -> None:
    summary = json_v1.read_file(path).postmortem.summary
    assert URL.search(summary), f"{path.name}: the summary gives no source URL"
