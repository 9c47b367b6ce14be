"""Benchmark: the cause tree grows linearly.

    .venv/bin/python -m tests.bench.cause_tree [--runs 7]

Builds, for a tree of 100 causes and one of 1,000, side by side:
1. the outline (the tree view's rows, each cause's text read for blame afresh),
2. the diagram layout (pure Python, with the window font's text measure),
3. the drawn diagram (layout plus one graphics item per box and connector),
and also times expanding everything and scrolling the 1,000-cause outline from top to bottom.
Target: 1,000 causes cost at most 12x what 100 cost, for each of 1-3. Runs alternate between
the sizes, so load on the machine hits both alike; medians are compared. Exit status 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from pmdesk.domain import blame
from pmdesk.domain.model import ActionItem, Cause, Postmortem, new_id
from pmdesk.domain.tree_layout import layout_causes
from pmdesk.ui.causes.diagram import CauseDiagram
from pmdesk.ui.causes.tree import CauseTreeView

TARGET = 12.0
WORDS = [
    "config",
    "canary",
    "schema",
    "alert",
    "latency",
    "rollout",
    "region",
    "deploy",
    "pipeline",
    "review",
    "window",
]


def forest(size: int, seed: int = 7) -> Postmortem:
    """A tree shaped like a big review's: a few problems, bushy whys, systemic leaves."""
    rng = random.Random(seed)
    causes: list[Cause] = []
    for n in range(size):
        parent = None if n < 3 else causes[rng.randrange(max(0, n - 40), n)].id
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        causes.append(Cause(f"c{n + 1}", text.capitalize(), parent, id=new_id()))
    parents = {c.parent_id for c in causes}
    for cause in causes:
        cause.systemic = cause.id not in parents and rng.random() < 0.6
    actions = [
        ActionItem(f"a{i + 1}", f"Fix {c.text.lower()}", cause_id=c.id)
        for i, c in enumerate(c for c in causes if c.systemic and rng.random() < 0.5)
    ]
    return Postmortem(title=f"{size} causes", causes=causes, actions=actions)


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    measure = QFontMetricsF(app.font()).horizontalAdvance  # type: ignore[attr-defined]
    small, big = forest(100), forest(1000)

    def outline(pm: Postmortem) -> float:
        blame._find_blame.cache_clear()  # as on first opening: every text read for blame
        view = CauseTreeView()
        view.resize(900, 700)
        took = timed(lambda: view.show_postmortem(pm))
        view.deleteLater()
        return took

    def layout(pm: Postmortem) -> float:
        return timed(lambda: layout_causes(pm.causes, measure))

    def diagram(pm: Postmortem) -> float:
        view = CauseDiagram()
        took = timed(lambda: view.show_postmortem(pm))
        view.deleteLater()
        return took

    missed = False
    for label, work in (("outline", outline), ("layout", layout), ("diagram", diagram)):
        work(small), work(big)  # warm caches (fonts, blame patterns) before timing
        pairs = [(work(small), work(big)) for _ in range(args.runs)]
        a = statistics.median(p[0] for p in pairs)
        b = statistics.median(p[1] for p in pairs)
        ratio = b / a
        verdict = "ok" if ratio <= TARGET else "MISSED"
        missed |= ratio > TARGET
        print(
            f"{label}: 100 causes {a * 1000:.1f} ms, 1,000 causes {b * 1000:.1f} ms = "
            f"{ratio:.2f}x (target ≤ {TARGET:.0f}x) {verdict}"
        )
        QApplication.processEvents()

    view = CauseTreeView()
    view.resize(900, 700)
    view.show()
    view.show_postmortem(big)
    view.collapseAll()
    expand = timed(view.expandAll)
    bar = view.verticalScrollBar()

    def scroll() -> None:
        for value in range(0, bar.maximum() + 1, max(1, bar.pageStep())):
            bar.setValue(value)
            view.viewport().repaint()

    pages = bar.maximum() // max(1, bar.pageStep()) + 1
    took = timed(scroll)
    print(
        f"1,000 causes: expand all {expand * 1000:.1f} ms; scroll and paint {pages} pages in "
        f"{took * 1000:.1f} ms ({took * 1000 / pages:.1f} ms a page)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
