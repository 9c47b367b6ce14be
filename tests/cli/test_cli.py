"""The command line as a script would use it: stdout, stderr and exit codes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pmdesk.cli import run
from tests import documents
from tests.conftest import REPO

ID_RE = re.compile(r"[0-9a-f]{32}")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def pmdesk(*args: str | Path) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out, err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "library.pmdesk"


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def imported(db: Path, file: Path) -> str:
    result = pmdesk("--db", db, "import", file)
    assert result.code == 0, result.err
    return result.out.strip()


def test_import_prints_only_the_ids(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    second = write(tmp_path / "second.json", documents.rich())
    result = pmdesk("--db", db, "import", fixture_file, second)
    assert result.code == 0 and result.err == ""
    ids = result.out.splitlines()
    assert len(ids) == 2 and all(ID_RE.fullmatch(i) for i in ids) and ids[0] != ids[1]


def test_importing_the_same_file_twice_gives_two_postmortems(db: Path, fixture_file: Path) -> None:
    first, second = imported(db, fixture_file), imported(db, fixture_file)
    assert first != second
    assert len(pmdesk("--db", db, "list", "--json").json()) == 2


def test_list_json(db: Path, fixture_file: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    rows = pmdesk("--db", db, "list", "--json").json()
    assert rows == [
        {
            "id": postmortem_id,
            "title": "Checkout errors after an unvalidated config push",
            "kind": "incident",
            "severity": "SEV2",
            "status": "review",
            "started": "2026-03-02T14:05:00+01:00",
            "open_actions": 3,
        }
    ]


def test_list_as_a_table(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    empty = pmdesk("--db", db, "list")
    assert empty.code == 0 and empty.out == "" and "library is empty" in empty.err
    near_miss = documents.example()
    near_miss["postmortem"].update(kind="near-miss", severity=None, timeline=[])
    near_miss["postmortem"]["causes"] = []
    for action in near_miss["postmortem"]["actions"]:
        action["cause"] = None
    first = imported(db, fixture_file)
    second = imported(db, write(tmp_path / "nm.json", near_miss))
    lines = pmdesk("--db", db, "list").out.splitlines()
    assert lines[0].split() == [
        "ID",
        "TITLE",
        "KIND",
        "SEVERITY",
        "STATUS",
        "STARTED",
        "OPEN",
        "ACTIONS",
    ]
    by_id = {line.split()[0]: line for line in lines[1:]}
    assert by_id[first].split()[-5:] == [
        "incident",
        "SEV2",
        "review",
        "2026-03-02T14:05:00+01:00",
        "3",
    ]
    assert by_id[second].split()[-5:] == ["near-miss", "-", "review", "-", "3"]


def test_export_gives_back_the_imported_file(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "out" / "again.json"
    target.parent.mkdir()
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert (result.code, result.out, result.err) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8")) == documents.example()


def test_export_of_hard_strings_through_the_library(db: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "rich.json", documents.rich())
    postmortem_id = imported(db, source)
    target = tmp_path / "rich-again.json"
    assert pmdesk("--db", db, "export", postmortem_id[:8], "--to", target).code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == documents.rich()


def test_export_format_flag_and_extension(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    no_extension = tmp_path / "plain"
    refused = pmdesk("--db", db, "export", postmortem_id, "--to", no_extension)
    assert refused.code == 2 and "--format" in refused.err and not no_extension.exists()
    ok = pmdesk("--db", db, "export", postmortem_id, "--to", no_extension, "--format", "json")
    assert ok.code == 0 and json.loads(no_extension.read_text(encoding="utf-8"))["version"] == 1
    unknown = pmdesk("--db", db, "export", postmortem_id, "--to", tmp_path / "x.docx")
    assert unknown.code == 2 and "cannot export “docx”" in unknown.err


@pytest.mark.parametrize("typed", ["0000", "zzzzzzzz", "ab"])
def test_export_of_an_unknown_id(db: Path, fixture_file: Path, tmp_path: Path, typed: str) -> None:
    imported(db, fixture_file)
    result = pmdesk("--db", db, "export", typed, "--to", tmp_path / "x.json")
    assert result.code == 2 and "pmdesk list" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.json").exists()


def test_export_into_a_missing_folder(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    result = pmdesk("--db", db, "export", postmortem_id, "--to", tmp_path / "no" / "x.json")
    assert result.code == 2 and "cannot write" in result.err


def test_a_bad_file_is_refused_and_nothing_is_written(
    db: Path, fixture_file: Path, tmp_path: Path
) -> None:
    imported(db, fixture_file)
    before = pmdesk("--db", db, "list", "--json").json()
    broken = documents.example()
    broken["postmortem"]["causes"][3]["parent"] = "nope"
    bad = write(tmp_path / "bad.json", broken)
    good = write(tmp_path / "good.json", documents.rich())
    result = pmdesk("--db", db, "import", good, bad)
    assert result.code == 2 and result.out == ""
    assert f"Cannot read {bad}:" in result.err
    assert "postmortem.causes[3].parent" in result.err and "Traceback" not in result.err
    assert pmdesk("--db", db, "list", "--json").json() == before


def test_warnings_go_to_stderr(db: Path, tmp_path: Path) -> None:
    document = documents.example()
    document["postmortem"]["owner_team"] = "checkout"
    result = pmdesk("--db", db, "import", write(tmp_path / "w.json", document))
    assert result.code == 0 and ID_RE.fullmatch(result.out.strip())
    assert "warning" in result.err and "postmortem.owner_team" in result.err


def test_check_a_file_without_touching_any_library(fixture_file: Path, tmp_path: Path) -> None:
    never = tmp_path / "never" / "library.pmdesk"
    result = pmdesk("--db", never, "check", fixture_file, "--json", "--today", "2026-03-21")
    assert result.code == 0
    report = result.json()
    assert report["ready"] is True
    assert [(f["rule"], f["severity"], f["target"], f["id"]) for f in report["findings"]] == [
        ("action-overdue", "warning", "action", "a1"),
        ("action-overdue", "warning", "action", "a4"),
    ]
    assert not never.parent.exists()


def test_check_ids_are_interchange_ids(tmp_path: Path) -> None:
    document = documents.example()
    pm = document["postmortem"]
    pm["timeline"][2]["text"] = "The on-call engineer ignored the page"  # index 2 in time order
    pm["lessons"][1]["text"] = "Human error by the deployer"
    pm["summary"] = "It was Sam's fault."
    pm["causes"][7]["systemic"] = False  # c7 becomes a leaf that stops early
    pm["actions"][4]["notes"] = ""  # a5 dropped silently
    result = pmdesk(
        "check", write(tmp_path / "f.json", document), "--json", "--today", "2026-03-01"
    )
    assert result.code == 1
    report = result.json()
    found = {(f["rule"], f["target"], f["id"]) for f in report["findings"]}
    assert found == {
        ("blame-language", "postmortem", None),
        ("blame-language", "timeline", 2),
        ("blame-language", "lesson", 1),
        ("why-stops-early", "cause", "c7"),
        ("dropped-without-reason", "action", "a5"),
    }
    assert report["ready"] is False
    assert all(
        set(f) == {"rule", "severity", "target", "id", "message"} for f in report["findings"]
    )


def test_check_a_library_postmortem(db: Path, tmp_path: Path) -> None:
    document = documents.example()
    document["postmortem"]["actions"][0]["title"] = "Improve monitoring"
    postmortem_id = imported(db, write(tmp_path / "v.json", document))
    result = pmdesk("--db", db, "check", postmortem_id, "--today", "2026-03-01")
    assert result.code == 1
    assert "not ready (1 error, 0 warnings)" in result.out
    assert "action-vague" in result.out and "action a1" in result.out
    as_json = pmdesk("--db", db, "check", postmortem_id, "--json", "--today", "2026-03-01")
    assert as_json.json()["findings"][0]["id"] == "a1"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.json"],
        ["check", "0123abcd"],
        ["check", "x.json", "--today", "2026-13-01"],
        ["export", "abcd"],
        ["frobnicate"],
    ],
)
def test_bad_input_exits_2_without_a_traceback(db: Path, args: list[str]) -> None:
    result = pmdesk("--db", db, *args)
    assert result.code == 2 and result.err and "Traceback" not in result.err


def test_a_bad_check_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = pmdesk("check", bad, "--json")
    assert result.code == 2 and result.out == "" and "is not valid JSON" in result.err


def test_a_library_that_is_not_a_library(tmp_path: Path, fixture_file: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_text("shopping list\n" * 200, encoding="utf-8")
    before = garbage.read_bytes()
    result = pmdesk("--db", garbage, "import", fixture_file)
    assert result.code == 2 and result.out == "" and "not a pmdesk library" in result.err
    assert garbage.read_bytes() == before


def test_db_flag_beats_the_environment(
    tmp_path: Path, fixture_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env, from_flag = tmp_path / "env.pmdesk", tmp_path / "flag.pmdesk"
    monkeypatch.setenv("PMDESK_DB", str(from_env))
    env_id = pmdesk("import", fixture_file).out.strip()
    flag_id = pmdesk("--db", from_flag, "import", fixture_file).out.strip()
    assert [r["id"] for r in pmdesk("list", "--json").json()] == [env_id]
    assert [r["id"] for r in pmdesk("--db", from_flag, "list", "--json").json()] == [flag_id]


def test_the_default_library_is_in_the_user_data_folder(fixture_file: Path, tmp_path: Path) -> None:
    from pmdesk.storage.default_location import default_library_path

    postmortem_id = pmdesk("import", fixture_file).out.strip()
    assert default_library_path().exists()
    assert "xdg_data_home" in str(default_library_path())  # conftest points it at tmp
    assert [r["id"] for r in pmdesk("list", "--json").json()] == [postmortem_id]


@pytest.mark.parametrize("command", [[], ["import"], ["export"], ["list"], ["check"]])
def test_help_for_each_command(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", *command, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("usage: pmdesk")


def test_the_installed_command_and_main_py_agree(tmp_path: Path, fixture_file: Path) -> None:
    db = tmp_path / "lib.pmdesk"
    entry = Path(sys.executable).parent / "pmdesk"
    ids = subprocess.run(
        [str(entry), "--db", str(db), "import", str(fixture_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    listed = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "list", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [row["id"] for row in json.loads(listed)] == ids
