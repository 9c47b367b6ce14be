"""Regular expressions compiled when first used, not when their module is imported.

The language rules (blame, vagueness, clauses) and the pasted-timeline reader hold large
patterns; compiling them all costs more than the rest of the domain package takes to import, and
most commands (`pmdesk list`, an export) never match a single one. A `LazyPattern` is written where
`re.compile` would be, and used the same way: the first match compiles it, once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any


class LazyPattern:
    """`re.compile(pattern, flags)`, deferred: the methods of `re.Pattern` that pmdesk uses."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern  # readable without compiling, to build other patterns from
        self._flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        # After the first use this is a plain attribute of the instance: no lookup cost beyond
        # that of a module-level pattern but one call.
        return re.compile(self.pattern, self._flags)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags!r})"
