"""What the interchange reader says when a file breaks the spec."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: where in the file (a field path such as `postmortem.causes[3].parent`)
    and which rule, phrased so that a person knows what to change."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}" if self.path else f"the file {self.rule}"


class InterchangeError(Exception):
    """A file that cannot be imported; nothing from it was written anywhere."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [f"Cannot read {self.source}:"]
        lines += [f"  {problem}" for problem in self.problems]
        lines.append("Nothing was imported. Fix the file and try again.")
        return "\n".join(lines)
