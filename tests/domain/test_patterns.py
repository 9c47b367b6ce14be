"""LazyPattern: the same answers as re.compile, compiled only when first used."""

from __future__ import annotations

import re
import subprocess
import sys

from pmdesk.domain.patterns import LazyPattern
from tests.conftest import REPO


def test_it_answers_as_the_compiled_pattern_does() -> None:
    source, flags = r"(?P<word>\w+)(?:-(?P<tail>\w+))?", re.IGNORECASE
    lazy, eager = LazyPattern(source, flags), re.compile(source, flags)
    text = "Roll-back the  config-PUSH now"

    def same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
        return (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))

    assert same(lazy.search(text, 5), eager.search(text, 5))
    assert same(lazy.match(text, 0, 4), eager.match(text, 0, 4))
    assert same(lazy.fullmatch("config-PUSH"), eager.fullmatch("config-PUSH"))
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.sub(r"<\g<word>>", text, 2) == eager.sub(r"<\g<word>>", text, 2)
    assert lazy.sub(lambda m: m[0].upper(), text) == eager.sub(lambda m: m[0].upper(), text)
    assert LazyPattern(r"\s+").split(text, 2) == re.split(r"\s+", text, maxsplit=2)
    assert lazy.pattern == source


def test_importing_the_domain_compiles_none_of_them() -> None:
    code = """
import importlib, pkgutil, pmdesk.domain
from pmdesk.domain.patterns import LazyPattern
lazy = compiled = 0
for info in pkgutil.iter_modules(pmdesk.domain.__path__):
    module = importlib.import_module(f"pmdesk.domain.{info.name}")
    for value in vars(module).values():
        if isinstance(value, LazyPattern):
            lazy += 1
            compiled += "compiled" in vars(value)
print(lazy, compiled)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    lazy, compiled = map(int, result.stdout.split())
    assert lazy >= 25 and compiled == 0
