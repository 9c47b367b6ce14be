"""Interchange documents for tests, built in code so each test can bend one rule."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.conftest import FIXTURE


def example() -> dict[str, Any]:
    """The shared example postmortem, as parsed JSON (a fresh copy each call)."""
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return document


def rich() -> dict[str, Any]:
    """Every field, hard strings, offsets of all kinds, equal times, evidence, a meeting."""
    return copy.deepcopy(
        {
            "format": "pmdesk",
            "version": 1,
            "postmortem": {
                "title": "Ünïcode <b>&amp;</b> 🔥 عنوان 标题",
                "kind": "near-miss",
                "severity": None,
                "status": "final",
                "timezone": "America/St_Johns",
                "summary": 'Line one\n\nLine <two> & "three" \u200f\u05e9\u05dc\u05d5\u05dd\t',
                "impact": {
                    "summary": "  leading and trailing space  ",
                    "metrics": [
                        {"name": "Requests", "value": 12400, "unit": "requests"},
                        {"name": "Ratio", "value": 0.1, "unit": None},
                        {"name": "Big", "value": 9007199254740993, "unit": "bytes"},
                        {"name": "Negative", "value": -2.5e-7, "unit": "°C"},
                    ],
                },
                "participants": [
                    {"name": "Zoë 🙂", "role": None},
                    {"name": "李雷", "role": "scribe"},
                ],
                "tags": ["Config", "données", "🔥"],
                "timeline": [
                    {
                        "at": "2026-03-02T13:05:00Z",
                        "kind": "trigger",
                        "text": "First at 13:05Z",
                        "source": None,
                    },
                    {
                        "at": "2026-03-02T14:05:00+01:00",
                        "kind": "event",
                        "text": "Same instant, written later",
                        "source": "chat",
                    },
                    {
                        "at": "2026-03-02T06:35:30.250000-07:30",
                        "kind": "detection",
                        "text": "Fractional seconds, odd offset",
                        "source": "pager",
                    },
                    {
                        "at": "2026-03-02T20:00:00+05:45",
                        "kind": "mitigation",
                        "text": "Mitigated (Nepal time)",
                        "source": "",
                    },
                    {
                        "at": "2026-03-03T00:00:00Z",
                        "kind": "resolution",
                        "text": "Resolved next day",
                        "source": "deploy log",
                    },
                ],
                "causes": [
                    {"id": "root", "parent": None, "text": "Problem", "systemic": False},
                    {
                        "id": "z-first",
                        "parent": "root",
                        "text": "Why 1 <a>",
                        "systemic": False,
                        "evidence": [2, 0],
                    },
                    {"id": "a-second", "parent": "root", "text": "Factor 2", "systemic": True},
                    {
                        "id": "deep",
                        "parent": "z-first",
                        "text": "Why 2 & more",
                        "systemic": True,
                        "evidence": [4],
                    },
                ],
                "actions": [
                    {
                        "id": "x9",
                        "title": "Add a canary stage to config pushes",
                        "owner": "Zoë",
                        "due": "2026-04-01",
                        "status": "in_progress",
                        "priority": "P0",
                        "cause": "deep",
                        "notes": "multi\nline",
                        "history": [
                            {
                                "at": "2026-03-03T09:00:00+01:00",
                                "field": "status",
                                "from": "open",
                                "to": "in_progress",
                                "note": "",
                            },
                            {
                                "at": "2026-03-20T17:30:00Z",
                                "field": "due",
                                "from": "2026-03-20",
                                "to": "2026-04-01",
                                "note": "Vendor patch slipped; «re-scoped»",
                            },
                            {
                                "at": "2026-03-21T08:00:00-05:00",
                                "field": "owner",
                                "from": None,
                                "to": "Zoë",
                                "note": "",
                            },
                        ],
                    },
                    {
                        "id": "x1",
                        "title": "Cap config fan-out at one region per 10 minutes",
                        "owner": None,
                        "due": None,
                        "status": "dropped",
                        "priority": None,
                        "cause": None,
                        "notes": "Replaced by x9",
                    },
                ],
                "lessons": [
                    {"kind": "lucky", "text": "🍀"},
                    {"kind": "went_wrong", "text": "RTL: \u0645\u0631\u062d\u0628\u0627"},
                ],
                "meeting": {
                    "started": "2026-03-05T10:00:00+01:00",
                    "ended": "2026-03-05T09:58:30Z",
                    "agenda": [
                        {"step": "ground_rules", "minutes": 5, "spent_seconds": 312},
                        {"step": "timeline", "minutes": 12, "spent_seconds": 760},
                        {"step": "impact", "minutes": 1, "spent_seconds": 95},
                        {"step": "five_whys", "minutes": 180, "spent_seconds": 1200},
                        {"step": "actions", "minutes": 10, "spent_seconds": 0},
                        {"step": "follow_up", "minutes": 5, "spent_seconds": 0},
                        {"step": "wrap_up", "minutes": 10, "spent_seconds": 0},
                    ],
                    "attendance": [
                        {"name": "Zoë 🙂", "role": "facilitator"},
                        {"name": "李雷", "role": "scribe"},
                        {"name": "Dana Q.", "role": "attendee"},
                    ],
                    "parking_lot": [
                        {"text": "Staging has no config parity", "action": "x9"},
                        {"text": "<b>Pager</b> & \u05e9\u05dc\u05d5\u05dd noise", "action": None},
                    ],
                    "decisions": [{"text": "Config pushes go through the canary from now on"}],
                },
            },
        }
    )


def deep_chain(depth: int) -> dict[str, Any]:
    """The example with one chain of whys `depth` causes deep: p1 ← c1 ← c2 ← … ← c{depth-1}.

    The last cause is systemic and the example's first action addresses it.
    """
    document = example()
    pm = document["postmortem"]
    pm["causes"] = [
        {
            "id": "p1" if n == 0 else f"c{n}",
            "parent": None if n == 0 else "p1" if n == 1 else f"c{n - 1}",
            "text": f"Answer {n} to why the one before it happened",
            "systemic": n == depth - 1,
        }
        for n in range(depth)
    ]
    last = pm["causes"][-1]["id"]
    for action in pm["actions"]:
        action["cause"] = last if action["id"] == "a1" else None
    return document
