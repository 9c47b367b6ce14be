"""The five-whys tree as an index over a postmortem's flat list of causes.

A postmortem stores its causes as a list in which each cause names its parent; siblings keep the
order of the list. `CauseTree` answers the questions the editor, the readiness checks and the
services ask over and over (children in order, depth, subtree, would this move make a loop) in
constant or linear time, without recursion, since an imported chain of whys may be thousands deep.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pmdesk.domain.model import ActionItem, ActionStatus, Cause


class CauseTree:
    """A read-only view of one list of causes. Build a new one after the list changes."""

    __slots__ = ("_by_id", "_children", "_depth")

    def __init__(self, causes: Sequence[Cause]) -> None:
        self._by_id = {cause.id: cause for cause in causes}
        self._children: dict[str | None, list[Cause]] = {}
        for cause in causes:
            parent = cause.parent_id if cause.parent_id in self._by_id else None
            self._children.setdefault(parent, []).append(cause)
        self._depth: dict[str, int] = {}
        for cause, depth in self._walk():
            self._depth[cause.id] = depth

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, cause_id: object) -> bool:
        return cause_id in self._by_id

    def get(self, cause_id: str) -> Cause | None:
        return self._by_id.get(cause_id)

    @property
    def roots(self) -> list[Cause]:
        """The problem statements, in list order."""
        return list(self._children.get(None, []))

    def children(self, cause_id: str | None) -> list[Cause]:
        """The answers to "why?" for this cause (or the roots for None), in list order."""
        return list(self._children.get(cause_id, []))

    def parent(self, cause_id: str) -> Cause | None:
        cause = self._by_id.get(cause_id)
        if cause is None or cause.parent_id is None:
            return None
        return self._by_id.get(cause.parent_id)

    def depth(self, cause_id: str) -> int:
        """1 for a problem statement, 2 for its first why, and so on (0 for an unknown id)."""
        return self._depth.get(cause_id, 0)

    def is_leaf(self, cause_id: str) -> bool:
        return not self._children.get(cause_id)

    def index_among_siblings(self, cause_id: str) -> int:
        cause = self._by_id[cause_id]
        parent = cause.parent_id if cause.parent_id in self._by_id else None
        return next(i for i, c in enumerate(self._children[parent]) if c.id == cause_id)

    def preorder(self) -> list[Cause]:
        """Every cause reachable from a problem statement, parents before their children."""
        return [cause for cause, _ in self._walk()]

    def subtree(self, cause_id: str) -> list[Cause]:
        """The cause and everything below it, in preorder."""
        start = self._by_id.get(cause_id)
        return [] if start is None else [cause for cause, _ in self._walk([start])]

    def would_loop(self, cause_id: str, new_parent_id: str | None) -> bool:
        """True if hanging the cause under `new_parent_id` would put it below itself."""
        current = new_parent_id
        for _ in range(len(self._by_id) + 1):
            if current is None:
                return False
            if current == cause_id:
                return True
            parent = self._by_id.get(current)
            current = parent.parent_id if parent is not None else None
        return True  # already a loop above the new parent: refuse rather than make it worse

    def _walk(self, starts: Sequence[Cause] | None = None) -> Iterator[tuple[Cause, int]]:
        first_depth = 1 if starts is None else self._depth.get(starts[0].id, 1)
        stack = [(cause, first_depth) for cause in reversed(starts or self.roots)]
        seen: set[str] = set()
        while stack:
            cause, depth = stack.pop()
            if cause.id in seen:
                continue  # a loop in a damaged list: show each cause once, never spin
            seen.add(cause.id)
            yield cause, depth
            stack.extend((child, depth + 1) for child in reversed(self._children.get(cause.id, [])))


def actions_by_cause(actions: Sequence[ActionItem]) -> dict[str, list[ActionItem]]:
    """The actions that address each cause, in list order."""
    found: dict[str, list[ActionItem]] = {}
    for action in actions:
        if action.cause_id is not None:
            found.setdefault(action.cause_id, []).append(action)
    return found


def addressed(actions: Sequence[ActionItem]) -> set[str]:
    """The ids of causes that an action still in play (anything but dropped) addresses."""
    return {
        a.cause_id
        for a in actions
        if a.cause_id is not None and a.status is not ActionStatus.DROPPED
    }


def why_label(depth: int) -> str:
    """What a cause at this depth is called in the meeting: "problem", "why 1", "why 2", …"""
    return "problem" if depth <= 1 else f"why {depth - 1}"
