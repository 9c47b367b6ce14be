"""Evidence from a Slack workspace export: a folder, or its zip, as Slack's export makes it.

The export holds channels.json (and, in bigger plans, groups.json, mpims.json and dms.json),
users.json, and one folder per conversation of daily files named YYYY-MM-DD.json, each a JSON
list of messages. Opening an export reads every day file once, to check it and to count each
channel's messages; reading a channel's messages reads its day files again, one at a time, so
memory holds one day file and the candidates, never the whole export.

Decisions, so that help text and behaviour agree:

* A message's time is its `ts` ("1463155524.000002": seconds and microseconds since 1970 in
  UTC), converted exactly with integers, then shown in the postmortem's zone with that moment's
  fixed UTC offset, as every time on the timeline is. An instant is never in a DST gap, and the
  two passes through a repeated hour keep their own offsets.
* The author leads the text ("Dana: rolling back"); a text that starts by naming its author, as
  Slack's own "<@U1> has joined the channel" does, reads "Dana has joined the channel". People
  are named as users.json names them: real name, else display name, else user name, else id.
* Markup becomes plain text: "<@U1>" is "@Dana", "<#C1|general>" is "#general",
  "<https://x.y|label>" is "label (https://x.y)", "<https://x.y>" is the address, "<!here>" is
  "@here", and "&amp;", "&lt;", "&gt;" are unescaped.
* A bot's message without text of its own (as integrations post) is read from its attachments;
  bots are named by the message, the integration that added them, or users.json.
* A shared file adds its title unless the text already shows it.
* Every message is its own candidate at its own time, thread replies included; a reply's
  source names its thread by the parent's time and first words:
  "slack #incident-42, thread 14:05 Dana: rolling back the…".
* Housekeeping (joins and leaves, topic, purpose and name changes, integrations added or
  removed, pins, reminders, deleted parents, and messages with nothing in them) is marked and
  left out unless asked for; bot messages are evidence, since alerts and deploys post them.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pmdesk.domain.model import EventKind
from pmdesk.interchange.evidence import Candidate, EvidenceError

__all__ = ["HOUSEKEEPING", "SlackChannel", "SlackExport"]

Progress = Callable[[int, int], None]  # (day files read, day files to read)
Message = dict[str, Any]

HOUSEKEEPING = frozenset(
    {
        "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
        "channel_archive", "channel_unarchive", "channel_convert_to_private",
        "channel_convert_to_public", "channel_posting_permissions", "channel_canvas_updated",
        "group_join", "group_leave", "group_topic", "group_purpose", "group_name",
        "group_archive", "group_unarchive", "bot_add", "bot_remove", "bot_enable",
        "bot_disable", "app_conversation_join", "app_conversation_leave", "pinned_item",
        "unpinned_item", "reminder_add", "reminder_delete", "tombstone",
    }
)  # fmt: skip

_EXPORT_FIX = (
    "Choose the folder or .zip file that Slack's workspace export made: it holds channels.json, "
    "users.json and one folder of daily files per channel."
)
_DAY_FIX = "Export the workspace from Slack again, or take this file out of the export."
_CONVERSATION_FILES = ("channels.json", "groups.json", "mpims.json", "dms.json")
_DAY_RE = re.compile(r"(?P<folder>[^/]+)/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})\.json")
_TS_RE = re.compile(r"(?P<seconds>[0-9]{1,11})(?:\.(?P<fraction>[0-9]{1,9}))?")
_MARKUP_RE = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")  # Slack escapes only these three
_ENTITY_RE = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_LABEL_RE = re.compile(r"\|([^<>|]+)>")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SNIPPET_WORDS, _SNIPPET_CHARS = 6, 40


@dataclass(frozen=True, slots=True)
class SlackChannel:
    """A conversation of the export; `first` and `last` are its first and last message (UTC)."""

    id: str
    name: str
    message_count: int  # every message, housekeeping included
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True, slots=True)
class _Conversation:
    id: str
    name: str
    label: str  # as sources show it: "#general", "@Dana"
    days: tuple[tuple[date, str], ...]  # its day files, oldest first, by name in the export


@dataclass(frozen=True, slots=True)
class _Parent:
    at: datetime  # UTC
    author: str
    words: str


class _Files:
    """The export's files by their names inside it ("general/2016-05-13.json")."""

    def __init__(self, path: Path, root: str, zipped: bool) -> None:
        self.path = path
        self.root = root  # the folder holding channels.json: "" or "export/" in a zip
        self.zipped = zipped

    @contextmanager
    def reading(self) -> Iterator[Callable[[str], bytes | None]]:
        """A reader giving a file's bytes, or None if there is no such file."""
        if not self.zipped:
            folder = self.path / self.root

            def read_file(name: str) -> bytes | None:
                target = folder / name
                return target.read_bytes() if target.is_file() else None

            yield read_file
            return
        with zipfile.ZipFile(self.path) as archive:
            members = set(archive.namelist())

            def read_member(name: str) -> bytes | None:
                member = self.root + name
                return archive.read(member) if member in members else None

            yield read_member

    def day_files(self, folder: str, listing: dict[str, list[str]] | None) -> list[str]:
        if listing is not None:
            return listing.get(folder, [])
        directory = self.path / self.root / folder
        if not directory.is_dir():
            return []
        return [f"{folder}/{entry.name}" for entry in directory.iterdir() if entry.is_file()]


class SlackExport:
    """An opened export: its channels, and each channel's messages as candidates."""

    def __init__(
        self,
        files: _Files,
        conversations: list[_Conversation],
        channels: list[SlackChannel],
        renderer: _Renderer,
    ) -> None:
        self._files = files
        self._conversations = conversations
        self.channels = channels  # by name
        self._renderer = renderer

    @classmethod
    def open(cls, path: Path, progress: Progress | None = None) -> SlackExport:
        """Check the export at `path` and count its messages; EvidenceError names the file
        that is not as Slack writes it. `progress` is told after every day file."""
        files, listing = _locate(path)
        with files.reading() as read:
            loaded = [_load_json(read, name, path) for name in _CONVERSATION_FILES]
            users_json = _load_json(read, "users.json", path)
        if loaded[0] is None:
            raise EvidenceError(path.name, "there is no channels.json in it.", _EXPORT_FIX)
        renderer = _Renderer(_user_names(users_json, path))
        conversations: list[_Conversation] = []
        for name, data in zip(_CONVERSATION_FILES, loaded, strict=True):
            if data is not None:
                conversations += _conversations(data, name, path, files, listing, renderer)
        conversations.sort(key=lambda c: (c.name.casefold(), c.id))
        renderer.channels = {c.id: c.name for c in conversations}
        channels = cls._scan(files, conversations, renderer, path, progress)
        return cls(files, conversations, channels, renderer)

    @staticmethod
    def _scan(
        files: _Files,
        conversations: list[_Conversation],
        renderer: _Renderer,
        path: Path,
        progress: Progress | None,
    ) -> list[SlackChannel]:
        total = sum(len(c.days) for c in conversations)
        done = 0
        _tell(progress, done, total)
        channels = []
        with files.reading() as read:
            for conversation in conversations:
                count, first, last = 0, None, None
                for _, name in conversation.days:
                    for _, at, message in _day_messages(read, name, path):
                        count += 1
                        first = at if first is None or at < first else first
                        last = at if last is None or at > last else last
                        renderer.learn_bot(message)
                    done += 1
                    _tell(progress, done, total)
                channels.append(
                    SlackChannel(conversation.id, conversation.name, count, first, last)
                )
        return channels

    def messages(
        self,
        channel: str,
        since: datetime | None = None,
        until: datetime | None = None,
        zone: str = "UTC",
        include_housekeeping: bool = False,
        progress: Progress | None = None,
    ) -> list[Candidate]:
        """The channel's messages (by id, name or "#name") from `since` (inclusive) to `until`
        (exclusive), in time order, with times in `zone`; naive bounds are wall-clock times
        in `zone`. `progress` is told after every day file."""
        conversation = self._conversation(channel)
        tz = ZoneInfo(zone)
        start, end = _bound(since, tz), _bound(until, tz)
        days = conversation.days
        if end is not None:
            # A day file is named by a date in some zone; no zone is a day away from UTC.
            latest = end.astimezone(UTC).date() + timedelta(days=1)
            days = tuple(day for day in days if day[0] <= latest)
        reader = _ChannelReader(conversation, self._renderer, _Clock(tz), include_housekeeping)
        _tell(progress, 0, len(days))
        with self._files.reading() as read:
            for done, (_, name) in enumerate(days, 1):
                reader.read_day(_day_messages(read, name, self._files.path), name, start, end)
                _tell(progress, done, len(days))
        reader.candidates.sort(key=lambda candidate: candidate.at)
        return reader.candidates

    def _conversation(self, channel: str) -> _Conversation:
        wanted = channel.removeprefix("#")
        for conversation in self._conversations:
            if wanted in (conversation.id, conversation.name):
                return conversation
        names = ", ".join(c.label for c in self._conversations) or "none"
        raise EvidenceError(
            self._files.path.name,
            f"there is no channel “{channel}” in it; it has {names}.",
            "Choose one of those channels.",
        )


class _Clock:
    """UTC instants as wall-clock times in a zone with fixed offsets, one offset object each."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.offsets: dict[timedelta, timezone] = {}

    def local(self, instant: datetime) -> datetime:
        moment = instant.astimezone(self.zone)
        offset = moment.utcoffset() or timedelta(0)
        fixed = self.offsets.get(offset)
        if fixed is None:
            fixed = self.offsets[offset] = timezone(offset)
        return moment.replace(tzinfo=fixed, fold=0)


class _ChannelReader:
    """Turns one channel's day files, oldest first, into candidates."""

    def __init__(
        self,
        conversation: _Conversation,
        renderer: _Renderer,
        clock: _Clock,
        include_housekeeping: bool,
    ) -> None:
        self.conversation = conversation
        self.renderer = renderer
        self.clock = clock
        self.include_housekeeping = include_housekeeping
        self.source = f"slack {conversation.label}"
        self.parents: dict[str, _Parent] = {}  # thread parents seen so far, by ts
        self.candidates: list[Candidate] = []

    def read_day(
        self,
        messages: list[tuple[str, datetime, Message]],
        name: str,
        start: datetime | None,
        end: datetime | None,
    ) -> None:
        wanted = []
        for ts, at, message in messages:
            inside = (start is None or at >= start) and (end is None or at < end)
            parent = _starts_thread(ts, message)
            if not (inside or parent):
                continue
            author, body = self.renderer.author(message), self.renderer.body(message)
            if parent:
                self.parents[ts] = _Parent(at, author, _first_words(body))
            if inside:
                wanted.append((ts, at, message, author, body))
        # Parents first: a reply may come before its parent in a day file's list.
        for ts, at, message, author, body in wanted:
            housekeeping = not body or message.get("subtype") in HOUSEKEEPING
            if housekeeping and not self.include_housekeeping:
                continue
            local = self.clock.local(at)
            self.candidates.append(
                Candidate(
                    at=local,
                    text=_lead(author, body or "(empty message)"),
                    kind=EventKind.EVENT,
                    source=self.thread_source(ts, message, local),
                    key=f"slack:{self.conversation.id}:{ts}",
                    housekeeping=housekeeping,
                    origin=name,
                )
            )

    def thread_source(self, ts: str, message: Message, local: datetime) -> str:
        thread = message.get("thread_ts")
        if not isinstance(thread, str) or thread == ts:
            return self.source
        parent = self.parents.get(thread)
        started = parent.at if parent else _instant(thread)
        if started is None:
            return self.source
        when = self.clock.local(started)
        clock = when.strftime("%H:%M" if when.date() == local.date() else "%Y-%m-%d %H:%M")
        if parent is None:
            return f"{self.source}, thread {clock}"
        said = f"{parent.author}: {parent.words}" if parent.words else parent.author
        return f"{self.source}, thread {clock} {said}"


class _Renderer:
    """Slack's markup as plain text, with people, channels and bots by name."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.channels: dict[str, str] = {}
        self.bots: dict[str, str] = {}

    def learn_bot(self, message: Message) -> None:
        """Integrations are named where they were added: "added an integration to this
        channel: <https://….slack.com/services/B1|github>"."""
        bot = message.get("bot_id")
        if isinstance(bot, str) and bot not in self.bots:
            profile = message.get("bot_profile")
            name = profile.get("name") if isinstance(profile, dict) else None
            if not name and message.get("subtype") == "bot_add":
                labels = _LABEL_RE.findall(_text(message.get("text")))
                name = labels[-1] if labels else None
            if isinstance(name, str) and name.strip():
                self.bots[bot] = _unescape(name.strip())

    def author(self, message: Message) -> str:
        user, bot = message.get("user"), message.get("bot_id")
        if user is None:  # an old export's file comment names its author in the comment
            user = _field(message.get("comment"), "user")
        if isinstance(user, str) and user in self.users:
            return self.users[user]
        profile = message.get("user_profile")
        if isinstance(profile, dict) and (name := _person(profile)):
            return name
        for given in (message.get("username"), _field(message.get("bot_profile"), "name")):
            if isinstance(given, str) and given.strip():
                return given.strip()
        if isinstance(bot, str) and bot in self.bots:
            return self.bots[bot]
        for anyone in (user, bot):
            if isinstance(anyone, str) and anyone:
                return anyone
        return "someone"

    def body(self, message: Message) -> str:
        """What the message says, without its author."""
        text = self.render(_text(message.get("text")))
        is_bot = message.get("subtype") == "bot_message" or bool(message.get("bot_id"))
        attachments = message.get("attachments")
        if (is_bot or not text) and isinstance(attachments, list):
            parts = [text] if text else []
            for attachment in attachments:
                if isinstance(attachment, dict) and not (text and attachment.get("from_url")):
                    parts += self.attachment(attachment)
            text = "\n".join(part for part in parts if part)
        titles = [title for title in _file_titles(message) if title not in text]
        if titles:
            quoted = ", ".join(f"“{title}”" for title in titles)
            noun = "file" if len(titles) == 1 else "files"
            text = f"{text} ({noun} {quoted})" if text else f"shared the {noun} {quoted}"
        return text.strip()

    def attachment(self, attachment: Message) -> list[str]:
        parts = [self.render(_text(attachment.get(part))) for part in ("pretext", "title", "text")]
        fields = attachment.get("fields")
        for item in fields if isinstance(fields, list) else []:
            if isinstance(item, dict):
                title = self.render(_text(item.get("title")))
                value = self.render(_text(item.get("value")))
                parts.append(f"{title}: {value}" if title and value else title or value)
        parts = [part for part in parts if part]
        return parts or [self.render(_text(attachment.get("fallback")))]

    def render(self, text: str) -> str:
        if "<" not in text and "&" not in text:
            return text.strip()
        return _MARKUP_RE.sub(self.replace, text).strip()

    def replace(self, markup: re.Match[str]) -> str:
        token = markup.group(1)
        return _ENTITIES[markup.group(2)] if token is None else self.token(token)

    def token(self, inner: str) -> str:
        target, _, label = inner.partition("|")
        label = _unescape(label)
        if target.startswith("@"):
            return "@" + (self.users.get(target[1:]) or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or self.channels.get(target[1:]) or target[1:])
        if target.startswith("!"):
            if label:
                return label
            return "@" + target[1:].split("^", 1)[0]
        url = _unescape(target)
        if not label or label == url or url.split(":", 1)[-1].lstrip("/") == label:
            return label or url
        return f"{label} ({url})"


def _locate(path: Path) -> tuple[_Files, dict[str, list[str]] | None]:
    """Where the export's files are; for a zip, also its day files by folder."""
    if path.is_dir():
        if (path / "channels.json").is_file():
            return _Files(path, "", zipped=False), None
        inner = [d for d in path.iterdir() if d.is_dir() and (d / "channels.json").is_file()]
        if len(inner) == 1:
            return _Files(path, inner[0].name + "/", zipped=False), None
        raise EvidenceError(path.name, "this folder has no channels.json.", _EXPORT_FIX)
    if not path.exists():
        raise EvidenceError(path.name, "there is no such file or folder.", _EXPORT_FIX)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        raise EvidenceError(
            path.name, "this is neither a folder nor a zip file.", _EXPORT_FIX
        ) from None
    except OSError as exc:
        raise EvidenceError(
            path.name, f"the file cannot be read ({exc.strerror or exc}).", _EXPORT_FIX
        ) from None
    roots = sorted(
        name.removesuffix("channels.json")
        for name in names
        if name == "channels.json" or re.fullmatch(r"[^/]+/channels\.json", name)
    )
    if not roots:
        raise EvidenceError(path.name, "there is no channels.json in it.", _EXPORT_FIX)
    root = roots[0]
    listing: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(root) and (day := _DAY_RE.fullmatch(name[len(root) :])):
            listing.setdefault(day["folder"], []).append(day.string)
    return _Files(path, root, zipped=True), listing


def _load_json(read: Callable[[str], bytes | None], name: str, export: Path) -> Any:
    """The parsed file, or None if the export has no such file."""
    try:
        raw = read(name)
    except OSError as exc:
        raise EvidenceError(
            f"{export.name} ({name})", f"the file cannot be read ({exc.strerror or exc}).", _DAY_FIX
        ) from None
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EvidenceError(
            f"{export.name} ({name}, line {exc.lineno})",
            f"this is not valid JSON: {exc.msg} at column {exc.colno}.",
            _DAY_FIX,
        ) from None
    except UnicodeDecodeError:
        raise EvidenceError(
            f"{export.name} ({name})", "this is not UTF-8 text.", _DAY_FIX
        ) from None


def _day_messages(
    read: Callable[[str], bytes | None], name: str, export: Path
) -> list[tuple[str, datetime, Message]]:
    """A day file's messages with their `ts` and its instant, each checked."""
    data = _load_json(read, name, export)
    if not isinstance(data, list):
        what = "the file is missing" if data is None else "this is not a list of messages"
        raise EvidenceError(f"{export.name} ({name})", f"{what}.", _DAY_FIX)
    messages = []
    for number, message in enumerate(data, 1):
        where = f"{export.name} ({name}, message {number})"
        if not isinstance(message, dict):
            raise EvidenceError(where, "this message is not a JSON object.", _DAY_FIX)
        ts = message.get("ts")
        at = _instant(ts)
        if at is None:
            what = "has no “ts”" if ts is None else f"has a “ts” that is not a time: {ts!r}"
            raise EvidenceError(where, f"this message {what}.", _DAY_FIX)
        messages.append((str(ts), at, message))
    return messages


def _instant(ts: object) -> datetime | None:
    """Slack's "1463155524.000002" as an exact UTC instant, or None if it is not one."""
    if isinstance(ts, bool) or not isinstance(ts, str | int):
        return None
    match = _TS_RE.fullmatch(str(ts))
    if match is None:
        return None
    micro = int((match["fraction"] or "").ljust(6, "0")[:6])
    return _EPOCH + timedelta(seconds=int(match["seconds"]), microseconds=micro)


def _conversations(
    data: Any,
    file: str,
    export: Path,
    files: _Files,
    listing: dict[str, list[str]] | None,
    renderer: _Renderer,
) -> list[_Conversation]:
    if not isinstance(data, list):
        raise EvidenceError(
            f"{export.name} ({file})", "this is not a list of conversations.", _EXPORT_FIX
        )
    conversations = []
    for number, item in enumerate(data, 1):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(ident, str) or not ident:
            raise EvidenceError(
                f"{export.name} ({file}, conversation {number})",
                "this conversation has no “id”.",
                _EXPORT_FIX,
            )
        named = item.get("name")
        if file == "dms.json" or not isinstance(named, str) or not named:
            members = item.get("members")
            people = members if isinstance(members, list) else []
            name = ", ".join(renderer.users.get(m, m) for m in people if isinstance(m, str))
            folder, name = ident, name or ident
            label = f"@{name}"
        else:
            folder, name, label = named, named, f"#{named}"
        days = []
        for relative in files.day_files(folder, listing):
            if (day := _DAY_RE.fullmatch(relative)) and day["folder"] == folder:
                try:
                    days.append((date.fromisoformat(day["day"]), relative))
                except ValueError:
                    continue  # not a day file, whatever else it is
        conversations.append(_Conversation(ident, name, label, tuple(sorted(days))))
    return conversations


def _user_names(data: Any, export: Path) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, list):
        raise EvidenceError(
            f"{export.name} (users.json)", "this is not a list of users.", _EXPORT_FIX
        )
    names = {}
    for user in data:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            names[user["id"]] = _person(user) or user["id"]
    return names


def _person(user: Message) -> str:
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for name in (
        user.get("real_name"),
        profile.get("real_name"),
        profile.get("display_name"),
        user.get("display_name"),
        user.get("name"),
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return ""


def _starts_thread(ts: str, message: Message) -> bool:
    return message.get("thread_ts") == ts or bool(message.get("reply_count"))


def _file_titles(message: Message) -> list[str]:
    shared = message.get("files")
    files = shared if isinstance(shared, list) else [message.get("file")]
    titles = []
    for file in files:
        if isinstance(file, dict):
            title = file.get("title") or file.get("name")
            if isinstance(title, str) and title.strip():
                titles.append(title.strip())
    return titles


def _lead(author: str, body: str) -> str:
    """The author before the text, unless the text starts by naming them."""
    mention = f"@{author}"
    if body.startswith(mention) and body[len(mention) : len(mention) + 1] in ("", " "):
        return author + body[len(mention) :]
    return f"{author}: {body}"


def _first_words(body: str) -> str:
    words = body.split()
    snippet = " ".join(words[:_SNIPPET_WORDS])
    if len(snippet) > _SNIPPET_CHARS:
        return snippet[:_SNIPPET_CHARS].rstrip() + "…"
    return snippet + "…" if len(words) > _SNIPPET_WORDS else snippet


def _bound(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _field(value: object, name: str) -> object:
    return value.get(name) if isinstance(value, dict) else None


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(lambda entity: _ENTITIES[entity.group(1)], text)
