"""Hostile interchange files, built by Hypothesis: mutations of valid documents, deep and wide
cause trees, every JSON type in every field, odd strings (lone surrogates, NUL, bidi controls,
combining marks, emoji, long runs) and broken bytes.

Whatever the file, `import` and `check` give an exit status (0 or 2, and 1 from `check` for a
postmortem not ready), never a traceback, within a time bound; both commands agree on which files
are refused; a refused file leaves the library as it was; an accepted one comes back from the
library exactly as it was read; and the library passes SQLite's `integrity_check` after each.

CI runs a fixed number of examples from a fixed seed, so a run is repeatable. For a longer hunt
on your own machine, with fresh random examples each time:

    PMDESK_FUZZ_EXAMPLES=5000 scripts/test tests/interchange/test_fuzz.py

Hypothesis keeps any failing example in `.hypothesis/` and tries it first next time.
"""

from __future__ import annotations

import copy
import io
import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pmdesk.cli import run
from pmdesk.interchange import json_v1
from pmdesk.interchange.errors import InterchangeError
from pmdesk.storage.sqlite_file import integrity_check
from tests import documents

EXAMPLES = int(os.environ.get("PMDESK_FUZZ_EXAMPLES", "0")) or None
# Generous: a file of this size takes milliseconds; a hang or a blow-up takes far longer.
TIME_BOUND_S = 20

FUZZ = settings(
    max_examples=EXAMPLES or 100,
    derandomize=EXAMPLES is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------------------------------------
# Odd values

ODD_CHARACTERS = [
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\x00",
    "\x1b[31m",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200f",  # right-to-left mark
    "\u0301",  # combining acute accent, alone
    "e\u0301\u0302\u0303",  # stacked combining marks
    "\ufeff",
    "\u2028",  # line separator
    "\r",
    "\r\n",
    "\t",
    "🔥",
    "👩🏽\u200d💻",  # a ZWJ sequence
    "🇩🇪",
    "עברית",
    "العربية",
    "数据库",
    "<b>",
    "&amp;",
    "<img src='/etc/passwd'/>",
    "\\",
    '"',
    "# ",
    "---",
    "0",
    "2026-03-02T13:05:00Z",
]

odd_text = st.one_of(
    st.text(max_size=12),
    st.lists(st.sampled_from(ODD_CHARACTERS) | st.text(max_size=3), max_size=8).map("".join),
    st.tuples(
        st.sampled_from(ODD_CHARACTERS) | st.text(min_size=1, max_size=4), st.integers(1, 4_000)
    ).map(lambda pair: pair[0] * pair[1]),
)

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)

json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)


def deep_marker(depth: int) -> str:
    """A string that `encoded` writes as JSON arrays and objects nested `depth` deep (too deep for
    Python's own recursion to build or walk)."""
    return f"<nested {depth} deep>"


def nested_text(depth: int) -> str:
    return '{"a": [' * (depth // 2) + '"bottom"' + "]}" * (depth // 2)


# ---------------------------------------------------------------------------------------------
# Documents


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value, the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def mutate(document: dict[str, Any], data: st.DataObject) -> None:
    """One change at one place of `document`, in place."""
    places = [path for path in paths(document) if path]
    path = data.draw(st.sampled_from(places), label="place")
    parent, key = at(document, path[:-1]), path[-1]
    change = data.draw(
        st.sampled_from(["replace", "delete", "duplicate", "add key", "nest", "deep"]),
        label="change",
    )
    if change == "replace":
        parent[key] = data.draw(json_values, label="value")
    elif change == "delete":
        del parent[key]
    elif change == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif change == "add key" and isinstance(parent[key], dict):
        parent[key][data.draw(odd_text, label="new key")] = data.draw(json_values, label="value")
    elif change == "nest":
        parent[key] = data.draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
    elif change == "deep":
        parent[key] = deep_marker(data.draw(st.sampled_from([50, 900, 5_000]), label="depth"))


@st.composite
def cause_trees(draw: st.DrawFn) -> dict[str, Any]:
    """The example with its causes replaced by a deep, wide or tangled tree of whys."""
    document = documents.example()
    pm = document["postmortem"]
    count = draw(st.integers(1, 400), label="causes")
    shape = draw(st.sampled_from(["chain", "wide", "random", "cycle"]), label="shape")
    causes = []
    for n in range(count):
        if shape == "chain":
            parent = f"c{n - 1}" if n else None
        elif shape == "wide":
            parent = "c0" if n else None
        else:
            parent_index = draw(st.integers(-1, n - 1), label="parent")
            parent = f"c{parent_index}" if parent_index >= 0 else None
        causes.append(
            {"id": f"c{n}", "parent": parent, "text": f"Why {n}?", "systemic": n % 7 == 6}
        )
    if shape == "cycle" and count > 1:
        causes[0]["parent"] = f"c{draw(st.integers(1, count - 1), label='cycle')}"
    pm["causes"] = causes
    for action in pm["actions"]:
        action["cause"] = f"c{draw(st.integers(0, count - 1), label='action cause')}"
    return document


class HostileFile:
    """A file's bytes and how they were made; shown shortened for a failing example."""

    def __init__(self, raw: bytes, how: str) -> None:
        self.raw, self.how = raw, how

    def __repr__(self) -> str:
        more = f"… ({len(self.raw):,} bytes)" if len(self.raw) > 300 else ""
        return f"HostileFile({self.how}: {self.raw[:300]!r}{more})"


def encoded(document: Any, data: st.DataObject) -> HostileFile:
    """`document` as file bytes: UTF-8 or ASCII escapes, now and then with its bytes damaged."""
    ascii_only = data.draw(st.booleans(), label="ascii")
    text = json.dumps(document, ensure_ascii=ascii_only)
    for depth in (50, 900, 5_000):
        text = text.replace(json.dumps(deep_marker(depth)), nested_text(depth))
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8
    damage = data.draw(st.sampled_from(["none"] * 6 + ["cut", "byte", "bom"]), label="damage")
    if damage == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)), label="cut at")]
    elif damage == "byte":
        where = data.draw(st.integers(0, len(raw)), label="at")
        raw = raw[:where] + bytes([data.draw(st.integers(0, 255), label="byte")]) + raw[where:]
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    return HostileFile(raw, f"{'ascii' if ascii_only else 'utf-8'}, damage: {damage}")


@st.composite
def hostile_files(draw: st.DrawFn) -> HostileFile:
    data = draw(st.data())
    base = draw(st.sampled_from(["example", "rich", "cause tree"]), label="base")
    if base == "cause tree":
        document = draw(cause_trees())
    else:
        document = documents.example() if base == "example" else documents.rich()
    for _ in range(draw(st.integers(0, 3), label="mutations")):
        mutate(document, data)
    return encoded(document, data)


# ---------------------------------------------------------------------------------------------
# Running pmdesk as a user does


@contextmanager
def time_bound(seconds: int, what: str) -> Iterator[None]:
    def too_long(_signal: int, _frame: Any) -> None:
        raise TimeoutError(f"{what} took more than {seconds} s")

    if not hasattr(signal, "SIGALRM"):  # Windows: no alarm; a hang shows as a stuck run
        yield
        return
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def pmdesk(*args: str | Path) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    with time_bound(TIME_BOUND_S, f"pmdesk {args[-2]} {args[-1]}"):
        code = run([str(a) for a in args], out, err)
    return Outcome(code, out.getvalue(), err.getvalue())


def postmortem_count(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        (count,) = conn.execute("SELECT count(*) FROM postmortems").fetchone()
    return int(count)


def assert_intact(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn:
        assert integrity_check(conn) is None


def canonical(raw: bytes) -> dict[str, Any] | None:
    """What the reader makes of `raw`, written back; None when it refuses the file."""
    try:
        return json_v1.to_document(json_v1.read_bytes(raw, "fuzz.json").postmortem)
    except InterchangeError:
        return None


class Libraries:
    """A library that has taken a few files, then a fresh one: files pile up in one library,
    as a user's do, but a long hunt does not spend its time checking an ever bigger file."""

    KEEP = 40  # postmortems before the next library

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made = 0
        self.db = self._fresh()

    def _fresh(self) -> Path:
        self.made += 1
        db = self.folder / f"library-{self.made}.pmdesk"
        assert pmdesk("--db", db, "list").code == 0
        return db

    def current(self) -> Path:
        if postmortem_count(self.db) >= self.KEEP:
            self.db = self._fresh()
        return self.db


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> Libraries:
    return Libraries(tmp_path_factory.mktemp("fuzz"))


@FUZZ
@given(file=hostile_files())
def test_import_and_check_refuse_or_keep_a_hostile_file_exactly(
    file: HostileFile, libraries: Libraries, tmp_path_factory: pytest.TempPathFactory
) -> None:
    library = libraries.current()
    folder = tmp_path_factory.mktemp("file")
    source = folder / "hostile.json"
    source.write_bytes(file.raw)
    before = postmortem_count(library)

    checked = pmdesk("check", source)
    imported = pmdesk("--db", library, "import", source)

    event(f"import: exit {imported.code}; {file.how}")
    assert checked.code in (0, 1, 2), checked
    assert imported.code in (0, 2), imported
    assert (checked.code == 2) == (imported.code == 2), (checked, imported)
    assert_intact(library)
    if imported.code == 2:
        assert imported.err.strip() and "Traceback" not in imported.err
        assert "Nothing was imported" in imported.err
        assert postmortem_count(library) == before
        return
    assert postmortem_count(library) == before + 1
    exported = folder / "again.json"
    assert pmdesk("--db", library, "export", imported.out.strip(), "--to", exported).code == 0
    again = json.loads(exported.read_text(encoding="utf-8"))
    assert again == canonical(file.raw)
    assert canonical(exported.read_bytes()) == again


# ---------------------------------------------------------------------------------------------
# Every JSON type in every field of the rich example, exhaustively

ONE_OF_EACH_TYPE: list[Any] = [
    None,
    True,
    0,
    -1,
    2**64,
    1.5,
    "",
    "x",
    "\ud800",
    [],
    {},
    [None],
    {"x": 1},
]


def every_field_with_every_type() -> Iterator[tuple[tuple[Any, ...], Any]]:
    document = documents.rich()
    for path in paths(document):
        if path:
            for value in ONE_OF_EACH_TYPE:
                yield path, value


def test_every_json_type_in_every_field_is_read_or_refused(tmp_path: Path) -> None:
    """The reader decides on each; the library then takes what the reader accepted."""
    db = tmp_path / "library.pmdesk"
    accepted = refused = 0
    for path, value in every_field_with_every_type():
        document = documents.rich()
        at(document, path[:-1])[path[-1]] = copy.deepcopy(value)
        raw = json.dumps(document).encode("ascii")
        if canonical(raw) is None:
            refused += 1
            continue
        accepted += 1
        source = tmp_path / "one.json"
        source.write_bytes(raw)
        imported = pmdesk("--db", db, "import", source)
        assert imported.code == 0, (path, value, imported.err)
        exported = tmp_path / "again.json"
        assert pmdesk("--db", db, "export", imported.out.strip(), "--to", exported).code == 0
        assert json.loads(exported.read_text(encoding="utf-8")) == canonical(raw), (path, value)
    assert_intact(db)
    # Both branches ran: most values break the contract, some are allowed (a null severity, an
    # empty summary, an unknown key's value).
    assert refused > accepted > 0
