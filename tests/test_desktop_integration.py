"""Linux desktop integration: one reverse-DNS app id for the desktop entry, the AppStream
metainfo, the icons and Qt; packaging/install-linux puts them where desktops look.

The files are checked here everywhere; where desktop-file-validate and appstreamcli are installed
(.ci/run installs desktop-file-utils and appstream) the same tests also run them."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QIcon, QImage
from PySide6.QtWidgets import QApplication

from pmdesk import APP_ID, __version__
from tests.conftest import REPO

PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
INSTALL = PACKAGING / "install-linux"
SOURCE_ICON = REPO / "resources" / "icons" / "pmdesk.svg"
HICOLOR = REPO / "resources" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_FILES = [f"{n}x{n}/apps/{APP_ID}.png" for n in SIZES] + [f"scalable/apps/{APP_ID}.svg"]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def read_desktop_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group, keys as written, values with the string escapes undone."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"], parser.sections()
    unescape = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    return {
        key: re.sub(r"\\(.)", lambda m: unescape.get(m[1], m[0]), value)
        for key, value in parser["Desktop Entry"].items()
    }


def run_validator(tool: str, *args: str | Path) -> str:
    """Run a validator if it is installed: exit 0 and no error or warning. Its output, or ''."""
    found = shutil.which(tool)
    if found is None:
        return ""
    result = subprocess.run(
        [found, *map(str, args)], capture_output=True, text=True, check=False, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"(^E: |: error: |: warning: )", output, re.MULTILINE), output
    return output


def test_the_app_id_is_reverse_dns() -> None:
    assert APP_ID == "org.pmdesk.pmdesk"
    assert re.fullmatch(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2,}", APP_ID)
    assert not (PACKAGING / "pmdesk.desktop").exists(), "the entry is named by the app id now"


def test_the_desktop_entry_launches_pmdesk_by_the_app_id() -> None:
    assert DESKTOP.name == f"{APP_ID}.desktop"
    entry = read_desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "pmdesk"
    assert entry["Comment"] and entry["GenericName"]
    assert shlex.split(entry["Exec"]) == ["pmdesk"]
    assert "pmdesk" in PYPROJECT["project"]["scripts"]  # the command Exec names
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")
    # On X11 Qt sets WM_CLASS to (the executable's name, the application name): the class is
    # what a launcher matches the window to. (Wayland's app id is desktopFileName, below.)
    assert entry["StartupWMClass"] == "pmdesk"
    run_validator("desktop-file-validate", DESKTOP)


def test_the_metainfo_describes_pmdesk_under_the_app_id() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert METAINFO.name == f"{APP_ID}.metainfo.xml"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.findtext("provides/binary") == "pmdesk"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == PYPROJECT["project"]["license"]
    assert root.findtext("name") == read_desktop_entry(DESKTOP)["Name"]
    assert (root.findtext("summary") or "").strip()
    assert len(root.findall("description/p")) >= 1
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"
    categories = [c.text for c in root.findall("categories/category")]
    assert categories == read_desktop_entry(DESKTOP)["Categories"].rstrip(";").split(";")
    releases = root.findall("releases/release")
    assert releases, "a release per version"
    newest = releases[0]
    assert newest.get("version") == __version__ == PYPROJECT["project"]["version"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest.get("date") or "")
    run_validator("appstreamcli", "validate", "--no-net", METAINFO)


@pytest.mark.parametrize("size", SIZES)
def test_every_icon_size_is_rendered_at_its_size(qapp: QApplication, size: int) -> None:
    image = QImage(str(HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # a transparent corner
    assert image.pixelColor(size // 2, size // 8).alpha() == 255  # the blue frame


def test_the_scalable_icon_is_the_source_svg() -> None:
    scalable = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == SOURCE_ICON.read_bytes()
    assert sorted(str(p.relative_to(HICOLOR)) for p in HICOLOR.rglob("*") if p.is_file()) == sorted(
        ICON_FILES
    )


@pytest.mark.slow
def test_the_pngs_are_a_fresh_render_of_the_svg() -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "render_icons.py"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_qt_announces_the_app_id(qapp: QApplication) -> None:
    from pmdesk.ui.app import make_application

    before = (
        qapp.applicationName(),
        qapp.organizationName(),
        qapp.applicationVersion(),
        qapp.desktopFileName(),
        QIcon(qapp.windowIcon()),
    )
    try:
        app = make_application()
        assert app is qapp
        # setDesktopFileName takes the entry's name without ".desktop"; Wayland's app id.
        assert QGuiApplication.desktopFileName() == APP_ID
        assert QGuiApplication.applicationName() == read_desktop_entry(DESKTOP)["StartupWMClass"]
    finally:
        name, organization, version, desktop_file, icon = before
        qapp.setApplicationName(name)
        qapp.setOrganizationName(organization)
        qapp.setApplicationVersion(version)
        qapp.setDesktopFileName(desktop_file)
        qapp.setWindowIcon(icon)


def fake_executable(folder: Path) -> Path:
    folder.mkdir(parents=True)
    executable = folder / "pmdesk"
    executable.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    return executable


def install(*args: str | Path, data_home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if data_home is not None:
        env["XDG_DATA_HOME"] = str(data_home)
    return subprocess.run(
        ["bash", str(INSTALL), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )


def installed_files(share: Path) -> list[Path]:
    return [
        share / "applications" / DESKTOP.name,
        share / "metainfo" / METAINFO.name,
        *(share / "icons" / "hicolor" / name for name in ICON_FILES),
    ]


@pytest.mark.slow
def test_install_linux_installs_into_a_prefix_and_uninstalls(tmp_path: Path) -> None:
    # A folder with a space, as a user might choose: Exec must quote it.
    executable = fake_executable(tmp_path / "opt" / "pm desk")
    prefix = tmp_path / "root" / "usr"
    share = prefix / "share"

    installed = install("--prefix", prefix, executable)
    assert installed.returncode == 0, installed.stderr
    for path in installed_files(share):
        assert path.is_file(), path
    entry = read_desktop_entry(share / "applications" / DESKTOP.name)
    assert shlex.split(entry["Exec"]) == [str(executable)]
    assert entry["TryExec"] == str(executable)
    assert entry["Icon"] == APP_ID
    assert {k: v for k, v in entry.items() if k not in ("Exec", "TryExec")} == {
        k: v for k, v in read_desktop_entry(DESKTOP).items() if k != "Exec"
    }
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for name in ICON_FILES:
        assert (share / "icons" / "hicolor" / name).read_bytes() == (HICOLOR / name).read_bytes()
    run_validator("desktop-file-validate", share / "applications" / DESKTOP.name)
    # The desktop entry, metainfo and icons together, as a software centre would read them.
    run_validator("appstreamcli", "validate-tree", "--no-net", tmp_path / "root")

    again = install("--prefix", prefix, executable)  # installing again just refreshes
    assert again.returncode == 0, again.stderr

    removed = install("--uninstall", "--prefix", prefix)
    assert removed.returncode == 0, removed.stderr
    for path in installed_files(share):
        assert not path.exists(), path


@pytest.mark.slow
def test_install_linux_defaults_to_the_users_data_folder(tmp_path: Path) -> None:
    executable = fake_executable(tmp_path / "opt" / "pmdesk")
    data_home = tmp_path / "data"

    installed = install(executable, data_home=data_home)
    assert installed.returncode == 0, installed.stderr
    for path in installed_files(data_home):
        assert path.is_file(), path
    assert read_desktop_entry(data_home / "applications" / DESKTOP.name)["Exec"] == str(executable)

    removed = install("--uninstall", data_home=data_home)
    assert removed.returncode == 0, removed.stderr
    for path in installed_files(data_home):
        assert not path.exists(), path


def test_install_linux_refuses_what_it_cannot_launch(tmp_path: Path) -> None:
    not_executable = tmp_path / "pmdesk"
    not_executable.write_text("", encoding="utf-8")
    data_home = tmp_path / "data"
    for args in ([], [not_executable], [tmp_path / "missing"], ["--bogus"]):
        refused = install(*args, data_home=data_home)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert refused.stderr.startswith("install-linux: "), refused.stderr
    assert not data_home.exists()
