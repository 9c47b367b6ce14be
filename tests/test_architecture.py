"""The layers of ARCHITECTURE.md, kept by reading every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "pmdesk"

# Which pmdesk packages each layer may import (besides itself). Imports only point down.
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "storage": {"domain"},
    "interchange": {"domain"},
    "report": {"domain"},
    "services": {"domain", "storage", "interchange", "report"},
    "cli": {"domain", "storage", "interchange", "services"},
    "ui": {"domain", "storage", "interchange", "services", "report"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in ALLOWED)


def test_every_layer_is_known() -> None:
    layers = {layer_of(p) for p in PACKAGE.rglob("*.py")}
    assert layers <= set(ALLOWED) | {"__init__", "__main__"}, layers


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_down(module: Path) -> None:
    layer = layer_of(module)
    for name in imported_modules(module):
        parts = name.split(".")
        if parts[0] == "PySide6":
            assert layer == "ui", f"{module.name} imports Qt ({name}); only pmdesk/ui may"
        if parts[0] == "pmdesk" and len(parts) > 1 and parts[1] in ALLOWED:
            used = parts[1]
            assert used == layer or used in ALLOWED[layer], (
                f"{module.relative_to(REPO)} ({layer}) imports {name}"
            )


def test_the_command_line_never_loads_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pmdesk.__main__ import main\n"
        "rc = main(['--db', sys.argv[1], 'list', '--json'])\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)\n"
        "print('rc', rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "library.pmdesk")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "rc 0" in result.stdout
