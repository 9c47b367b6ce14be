"""A chain of whys thousands deep is read, and checked for loops, in time linear in its length."""

from __future__ import annotations

from typing import Any

import pytest

from pmdesk.domain.cause_tree import CauseTree
from pmdesk.interchange import json_v1
from pmdesk.interchange.errors import InterchangeError
from tests import documents


class CountingParents(dict[str, tuple[str | None, str]]):
    """The reader's map of each cause to its parent, counting every look-up in it."""

    lookups = 0

    def __getitem__(self, key: str) -> tuple[str | None, str]:
        self.lookups += 1
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.lookups += 1
        return super().__contains__(key)


def read_causes(document: dict[str, Any]) -> tuple[json_v1.ImportedFile, CountingParents]:
    """Read the document, then run the loop check again over a counting map of its parents."""
    imported = json_v1.read_document(document, "deep.json")
    causes = imported.postmortem.causes
    parents = CountingParents(
        (item["id"], (item["parent"], f"postmortem.causes[{i}]"))
        for i, item in enumerate(document["postmortem"]["causes"])
    )
    json_v1._check_cycles(json_v1._Checker(), causes, parents)
    return imported, parents


@pytest.mark.parametrize("order", ["problem first", "deepest first"])
def test_the_loop_check_looks_at_each_parent_a_bounded_number_of_times(order: str) -> None:
    # Walking every cause's ancestors afresh looks up 400 * 400 / 2 parents here; each cause's
    # parent must be looked at a few times in all, whatever order the file lists them in.
    document = documents.deep_chain(400)
    if order == "deepest first":
        document["postmortem"]["causes"].reverse()
    imported, parents = read_causes(document)
    assert len(imported.postmortem.causes) == 400
    assert parents.lookups <= 4 * 400


def test_a_chain_3000_deep_is_read_whole() -> None:
    imported = json_v1.read_document(documents.deep_chain(3000), "deep.json")
    causes = imported.postmortem.causes
    tree = CauseTree(causes)
    assert imported.warnings == []
    assert [c.ref for c in tree.preorder()] == ["p1", *(f"c{n}" for n in range(1, 3000))]
    assert tree.depth(causes[-1].id) == 3000


def test_a_loop_3000_long_is_reported_once_at_the_cause_that_leads_into_it() -> None:
    document = documents.deep_chain(3000)
    causes = document["postmortem"]["causes"]
    causes[1]["parent"] = "c2999"  # c1 ← c2 ← … ← c2999 ← c1, and p1 is left on its own
    causes.insert(0, {"id": "t", "parent": "c5", "text": "Below the loop", "systemic": False})
    with pytest.raises(InterchangeError) as caught:
        json_v1.read_document(document, "deep.json")
    (problem,) = [str(p) for p in caught.value.problems]
    # c5 down to c1, then c2999 down to c6, and back to c5: shown by its ends, in one line.
    assert problem == (
        "postmortem.causes[0].parent: makes a cycle of 2,999 causes "
        "(c5 → c4 → c3 → … 2,993 more … → c8 → c7 → c6 → c5); "
        "a cause cannot answer why for itself or its own ancestors"
    )
