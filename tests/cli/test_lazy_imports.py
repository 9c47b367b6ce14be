"""A command loads what it needs and nothing else; starting the window loads no database layer.

Each case runs the real entry point, `pmdesk.__main__.main`, in a fresh interpreter on a real
library file, and reads which modules that interpreter ended up with: what was imported is what
a person waited for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from pmdesk.services import postmortems
from pmdesk.storage.default_location import default_library_path
from pmdesk.storage.library import open_library
from tests import documents
from tests.conftest import REPO

# Runs `pmdesk ARGS...` as `python -m pmdesk` would (main() reads sys.argv), then writes the
# exit code and every imported module's name to REPORT, since stdout is the command's own.
RUN_MAIN = """
import json, sys
report, sys.argv = sys.argv[1], ["pmdesk", *sys.argv[2:]]
from pmdesk.__main__ import main
code = main()
with open(report, "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

# Starts "the window" with a stand-in that asks for the library's location, as the real one
# does, then notes what was imported by then.
START_GUI = """
import json, sys
report, argv = sys.argv[1], sys.argv[2:]
from pmdesk import cli
seen = {}

def start_gui(args):
    seen["location"] = cli.library_location(args)
    seen["modules"] = sorted(sys.modules)
    return 0

code = cli.run(argv, sys.stdout, sys.stderr, start_gui)
with open(report, "w", encoding="utf-8") as out:
    json.dump({"code": code, **seen}, out)
"""

# What no command that neither writes a report nor reads a chat export should load: the PDF
# writer and its fonts, migrations, the PostgreSQL driver, Qt, the Slack reader, copy-library,
# similarity, the library's charts.
HEAVY = (
    "reportlab",
    "arabic_reshaper",
    "bidi",
    "alembic",
    "psycopg",
    "psycopg2",
    "PySide6",
    "pmdesk.ui",
    "pmdesk.report.pdf",
    "pmdesk.report.fonts",
    "pmdesk.storage.migrator",
    "pmdesk.storage.search_postgres",
    "pmdesk.interchange.slack",
    "pmdesk.services.copy_library",
    "pmdesk.services.similar",
    "pmdesk.domain.similarity",
    "pmdesk.services.library_stats",
)
# Listing, or exporting the interchange file, reads no report, runs no readiness rule, and has
# no use for full-text search.
NOT_FOR_LISTING = (
    *HEAVY,
    "pmdesk.report.contents",
    "pmdesk.report.markdown",
    "pmdesk.domain.readiness",
    "pmdesk.domain.language",
    "pmdesk.storage.search",
)
# Before the window takes over, nothing that opens a library may have been imported. The few
# storage and services modules allowed are tiny, with no third-party import (the location of the
# default library, the export formats' names, the server address example).
NOT_BEFORE_THE_WINDOW = ("sqlalchemy", "alembic", "psycopg", "psycopg2", "reportlab", "PySide6")
LIGHT_STORAGE_AND_SERVICES = {
    "pmdesk.storage",
    "pmdesk.storage.default_location",
    "pmdesk.services",
    "pmdesk.services.export_formats",
    "pmdesk.services.locations",
}


def loaded(modules: Iterable[str], packages: Iterable[str]) -> list[str]:
    """The modules that are one of `packages` or inside one."""
    prefixes = tuple(packages)
    return [m for m in modules if m in prefixes or m.startswith(tuple(p + "." for p in prefixes))]


def child(code: str, tmp_path: Path, *args: str | Path) -> dict[str, Any]:
    report = tmp_path / "modules.json"
    report.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", code, str(report), *(str(a) for a in args)],
        cwd=REPO,  # this checkout's pmdesk, however it is installed
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    assert found["code"] == 0, result.stderr
    return found


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A library file holding the example postmortem, at the newest revision; and its id."""
    folder = tmp_path_factory.mktemp("lazy")
    file = folder / "example.json"
    file.write_text(json.dumps(documents.example()), encoding="utf-8")
    path = folder / "library.pmdesk"
    with open_library(path) as opened:
        [postmortem_id] = postmortems.import_files(opened, [file]).postmortem_ids
    return path, postmortem_id


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_listing_loads_no_report_migration_or_reader(
    library: tuple[Path, str], tmp_path: Path, as_json: bool
) -> None:
    path, _ = library
    found = child(RUN_MAIN, tmp_path, "--db", path, "list", *(["--json"] if as_json else []))
    assert loaded(found["modules"], NOT_FOR_LISTING) == []
    assert "pmdesk.storage.library" in found["modules"]  # it did open the library


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_listing_themes_loads_no_report_migration_or_reader(
    library: tuple[Path, str], tmp_path: Path, as_json: bool
) -> None:
    path, _ = library
    found = child(RUN_MAIN, tmp_path, "--db", path, "themes", *(["--json"] if as_json else []))
    assert loaded(found["modules"], NOT_FOR_LISTING) == []
    assert "pmdesk.storage.themes" in found["modules"]


def test_exporting_json_loads_no_report_migration_or_reader(
    library: tuple[Path, str], tmp_path: Path
) -> None:
    path, postmortem_id = library
    target = tmp_path / "x.json"
    found = child(RUN_MAIN, tmp_path, "--db", path, "export", postmortem_id, "--to", target)
    assert loaded(found["modules"], NOT_FOR_LISTING) == []
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["postmortem"]["title"] == documents.example()["postmortem"]["title"]


@pytest.mark.parametrize("fmt", ["md", "csv", "ics"])
def test_exporting_other_than_pdf_loads_no_reportlab(
    library: tuple[Path, str], tmp_path: Path, fmt: str
) -> None:
    path, postmortem_id = library
    target = tmp_path / f"x.{fmt}"
    found = child(RUN_MAIN, tmp_path, "--db", path, "export", postmortem_id, "--to", target)
    assert loaded(found["modules"], HEAVY) == []
    assert target.stat().st_size > 0


def test_exporting_a_pdf_does_load_reportlab(library: tuple[Path, str], tmp_path: Path) -> None:
    """The other side of the tests above: the check does see a heavy import when there is one."""
    path, postmortem_id = library
    target = tmp_path / "x.pdf"
    found = child(RUN_MAIN, tmp_path, "--db", path, "export", postmortem_id, "--to", target)
    assert loaded(found["modules"], ["reportlab"]) != []
    assert {"pmdesk.report.pdf", "pmdesk.report.fonts"} <= set(found["modules"])
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--smoke", "--size", "1366x768", "--zoom", "150"],
        ["--db", "LIBRARY", "--open", "abcd", "--view", "timeline"],
    ],
    ids=["default-library", "smoke", "open"],
)
def test_starting_the_window_loads_no_database_layer(
    library: tuple[Path, str], tmp_path: Path, args: list[str]
) -> None:
    path, _ = library
    argv = [str(path) if a == "LIBRARY" else a for a in args]
    found = child(START_GUI, tmp_path, *argv)
    assert found["location"] == str(path if "--db" in argv else default_library_path())
    modules = found["modules"]
    assert loaded(modules, NOT_BEFORE_THE_WINDOW) == []
    layers = loaded(modules, ["pmdesk.storage", "pmdesk.services"])
    assert set(layers) <= LIGHT_STORAGE_AND_SERVICES, set(layers) - LIGHT_STORAGE_AND_SERVICES
    # Nor the postmortem's dataclasses (the menus name kinds only), nor, with a library given,
    # what finds the user's data folder.
    assert "pmdesk.domain.model" not in modules
    assert ("platformdirs" in modules) == ("--db" not in argv)


@pytest.mark.parametrize("module", sorted(LIGHT_STORAGE_AND_SERVICES))
def test_the_modules_the_window_may_load_first_import_nothing_heavy(
    module: str, tmp_path: Path
) -> None:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "json.dump({'code': 0, 'modules': sorted(sys.modules)}, open(sys.argv[1], 'w'))\n"
    )
    found = child(code, tmp_path)
    assert loaded(found["modules"], NOT_BEFORE_THE_WINDOW) == []
