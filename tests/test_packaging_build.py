"""The one-folder app's spec (packaging/pmdesk.spec, with its lists in packaging/bundle.py) leaves
nothing out that pmdesk looks for at run time. packaging/build makes the app and runs it; this is
the fast part, with no PyInstaller."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from types import ModuleType

import pytest

from pmdesk.report import fonts
from pmdesk.storage import migrator
from tests.conftest import REPO

PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "pmdesk.spec"
RESOURCES = REPO / "resources"


def load_bundle() -> ModuleType:
    # packaging/ is not a package (its name is PyPI's `packaging`), so bundle.py loads by path.
    spec = importlib.util.spec_from_file_location("pmdesk_bundle", PACKAGING / "bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = load_bundle()


def bundled() -> dict[str, str]:
    """Each bundled file's place in the bundle (posix) by its path in the checkout (posix)."""
    places: dict[str, str] = {}
    for source, folder in bundle.datas():
        path = Path(source)
        assert path.is_absolute() and path.is_file(), source
        places[path.relative_to(REPO).as_posix()] = f"{folder}/{path.name}"
    return places


def shipped(folder: Path, pattern: str = "*") -> list[Path]:
    return [
        path
        for path in folder.rglob(pattern)
        if path.is_file()
        and not any(p.startswith(".") or p == "__pycache__" for p in path.relative_to(REPO).parts)
    ]


def test_every_folder_under_resources_is_bundled() -> None:
    places = bundled()
    tops = {
        path.relative_to(RESOURCES).parts[0]
        for path in shipped(RESOURCES)
        if len(path.relative_to(RESOURCES).parts) > 1
    }
    assert {"fonts", "icons"} <= tops
    for top in tops:
        assert any(place.startswith(f"resources/{top}/") for place in places.values()), top


def test_every_resource_file_keeps_its_place() -> None:
    places = bundled()
    for path in shipped(RESOURCES):
        relative = path.relative_to(REPO).as_posix()
        assert places.get(relative) == relative, f"{relative} is not bundled at its own path"


def test_the_fonts_and_their_licences_are_bundled() -> None:
    places = set(bundled().values())
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "wqy-microhei.ttc", "Symbola.ttf"):
        assert f"resources/fonts/{name}" in places
    licences = [place for place in places if PurePosixPath(place).name.startswith("LICENSE")]
    assert len(licences) >= 3, licences


def test_every_migration_is_bundled_where_the_migrator_looks() -> None:
    places = bundled()
    # migrator.MIGRATIONS is found beside migrator's __file__, which a bundle keeps at the
    # package's own path under sys._MEIPASS.
    folder = migrator.MIGRATIONS.relative_to(REPO).as_posix()
    scripts = shipped(migrator.MIGRATIONS, "*.py")
    assert len(scripts) >= 7  # env.py and the versions
    for path in scripts:
        relative = path.relative_to(REPO).as_posix()
        assert relative.startswith(f"{folder}/")
        assert places.get(relative) == relative, f"{relative} is not bundled"
    revisions = {path.stem.split("_")[0] for path in scripts if path.parent.name == "versions"}
    assert len(revisions) == len(migrator.known_revisions())


def test_the_modules_the_migrations_import_are_hidden_imports() -> None:
    hidden = set(bundle.hidden_imports())
    assert {"alembic.op", "alembic.context", "pmdesk.storage.schema", "sqlalchemy"} <= hidden
    # Every one is a module PyInstaller can find; names inside modules are left out.
    for name in hidden:
        assert importlib.util.find_spec(name) is not None, name
    assert "sqlalchemy.engine.Connection" not in hidden


def test_the_resource_lookups_find_the_bundled_layout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pmdesk.ui import resources

    places = set(bundled().values())
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    icon = resources.resources_dir() / "icons" / "pmdesk.svg"
    assert icon.relative_to(tmp_path).as_posix() in places
    font = fonts._fonts_dir() / "DejaVuSans.ttf"
    assert font.relative_to(tmp_path).as_posix() in places


def test_the_spec_passes_the_lists_of_bundle_py() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), str(SPEC))
    calls = {
        node.func.id: node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    analysis = {keyword.arg: ast.unparse(keyword.value) for keyword in calls["Analysis"].keywords}
    assert analysis["datas"] == "bundle.datas()"
    assert analysis["hiddenimports"] == "bundle.hidden_imports()"
    assert analysis["excludes"] == "list(bundle.EXCLUDES)"
    assert {"EXE", "COLLECT", "PYZ"} <= calls.keys()
    assert "a.binaries, a.datas = bundle.trimmed(a.binaries, a.datas, _linked)" in ast.unparse(tree)


def qt_modules_pmdesk_imports() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "pmdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("PySide6.")}


def test_no_module_pmdesk_imports_is_excluded() -> None:
    used = qt_modules_pmdesk_imports()
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"} <= used
    excluded = set(bundle.EXCLUDES)
    assert not used & excluded
    assert {"PySide6.QtTest", "PySide6.QtQml", "PySide6.QtWebEngineCore", "pytest"} <= excluded
    runtime = {"pmdesk", "sqlalchemy", "alembic", "reportlab", "PIL", "bidi", "arabic_reshaper"}
    assert not {name.split(".")[0] for name in excluded if "." not in name} & runtime


def test_unused_plugins_leave_with_the_libraries_only_they_needed() -> None:
    plugins = "PySide6/Qt/plugins"
    binaries = [
        (f"{plugins}/platformthemes/libqgtk3.so", "/q/libqgtk3.so", "BINARY"),
        (f"{plugins}/platforms/libqxcb.so", "/q/libqxcb.so", "BINARY"),
        (f"{plugins}/platforms/libqvnc.so", "/q/libqvnc.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/q/libQt6Network.so.6", "BINARY"),
        ("libpango-1.0.so.0", "/s/libpango-1.0.so.0", "BINARY"),
        ("libglib-2.0.so.0", "/s/libglib-2.0.so.0", "BINARY"),
        ("libX11.so.6", "/s/libX11.so.6", "BINARY"),
        ("PIL/_imaging.so", "/p/_imaging.so", "EXTENSION"),
    ]
    datas = [
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("PySide6/Qt/translations/qtbase_de.qm", "/q/qtbase_de.qm", "DATA"),
        ("resources/fonts/DejaVuSans.ttf", "/r/DejaVuSans.ttf", "DATA"),
    ]
    links = {
        "/q/libqgtk3.so": ["libpango-1.0.so.0", "libX11.so.6", "libgtk-3.so.0"],
        "/s/libpango-1.0.so.0": ["libglib-2.0.so.0"],
        "/q/libqxcb.so": ["libX11.so.6"],
        "/q/libqvnc.so": ["libQt6Network.so.6"],
        "/p/_imaging.so": ["libglib-2.0.so.0"],
    }
    kept, kept_datas = bundle.trimmed(binaries, datas, lambda source: links.get(source, []))
    assert [name for name, _, _ in kept] == [
        f"{plugins}/platforms/libqxcb.so",
        "libglib-2.0.so.0",  # _imaging needs it too
        "libX11.so.6",  # and libqxcb this
        "PIL/_imaging.so",
    ]
    # The link to QtNetwork and Qt's translations are gone too.
    assert kept_datas == datas[2:]
    assert bundle.trimmed(kept, kept_datas, lambda source: []) == (kept, kept_datas)


def test_the_icon_suits_each_system() -> None:
    assert bundle.icon("linux") is None
    for platform, suffix in (("win32", ".ico"), ("darwin", ".icns")):
        icon = bundle.icon(platform)
        if icon is not None:
            assert Path(icon).suffix in (suffix, ".png") and Path(icon).is_file()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_build_script_parses() -> None:
    script = PACKAGING / "build"
    assert script.stat().st_mode & 0o111, "packaging/build is not executable"
    result = subprocess.run(
        ["bash", "-n", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
