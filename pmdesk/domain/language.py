"""The language rules of a blameless postmortem: blame in texts, vagueness in action titles.

`readiness` asks two questions of the words people write: does a text put the failure on a
person (`find_blame`), and does an action title name a deliverable (`find_vagueness`)? Each rule
lives in its own module because each reads English in its own way; this module is the one place
the rest of pmdesk imports them from.
"""

from __future__ import annotations

from pmdesk.domain.blame import BlameHit, find_blame
from pmdesk.domain.vagueness import Vagueness, find_vagueness

__all__ = ["BlameHit", "Vagueness", "find_blame", "find_vagueness"]
