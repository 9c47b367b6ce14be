"""Participants' names put back in the room: in a report for stakeholders, every name typed into a
text reads as the person's role ("Dana declares SEV2" -> "The incident commander declares SEV2").

A report matches all of its texts with one pattern made from its participants: each full name in
any case, and each part of a name ("Dana", "Okafor") only as a name is written, capitalised, and
never inside another word ("Sam" is not in "Samsung"). Names in scripts written without spaces
between words (Chinese, Japanese, Korean) are found inside the text around them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pmdesk.domain.clauses import person_names
from pmdesk.domain.meeting import Meeting, Role
from pmdesk.domain.model import ActionChange, ActionField, ActionItem, Postmortem, TimelineEvent


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What a person with no role, or a name two people share with different roles, reads as.
NEUTRAL = "engineer"

# Scripts written without spaces between words: Han, kana, Hangul and their punctuation. A name in
# one of them has no word boundary to look for.
_UNSPACED = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A character that continues a word of a spaced script: a name that touches one is part of a
# longer word ("Samsung", "Leeds"). A Han character is no such thing: "由Dana宣布" names Dana.
_WORD = rf"(?:[^\W{_UNSPACED}]|[{_MARKS}])"
_APOSTROPHE = "['\u2019\u02bc]"
_IS_UNSPACED = re.compile(f"[{_UNSPACED}]")
# Read back from a name over these to see whether it begins a sentence: spaces, opening quotes
# and brackets, emphasis and list marks.
_LEADING = frozenset(" \t\"'\u2018\u201c\u201e\u00ab([{*_-\u2022\u2013\u2014")
_SENTENCE_ENDS = frozenset(".!?\u2026\n\r\u3002\uff01\uff1f")
# Words that begin sentences: a name part that is also one of these ("An" Nguyen, "Do") is not
# taken for the person at the start of a sentence, where its capital says nothing.
_FUNCTION_WORDS = _words(
    "a an the and or but if so as at by in of on to up we he she it is be do no not for nor yet "
    "our my me us his her its all any this that then than there they you i"
)
_DETERMINERS = _words("the a an our their my his her")
# Letters a name folds to when typed without its accents ("Jose Alvarez" for "José Álvarez"),
# beyond those Unicode decomposes.
_FOLD = str.maketrans("łŁøØđĐ", "lLoOdD")
# Letters whose names, spelt out in an acronym, begin with a vowel: "an SRE", "an MD".
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")


@dataclass(frozen=True, slots=True)
class _Alias:
    phrase: str  # "the incident commander", "an engineer"
    label: str  # the same without its article, for an owner's cell: "incident commander"
    single: bool  # one part of a name, taken only as written capitalised
    unspaced: bool  # a name in a script without spaces: matched inside the text around it


class Names:
    """The participants of one postmortem and the one pattern that finds their names."""

    def __init__(self, people: Sequence[tuple[str, str | None]]) -> None:
        """`people` as (name, role): persons only, not teams; a role may be empty."""
        roles = [_role(role) for _, role in people]
        holders: dict[str, int] = {}
        for role in roles:
            if role:
                holders[role.casefold()] = holders.get(role.casefold(), 0) + 1
        by_key: dict[str, set[int]] = {}
        forms: dict[str, tuple[str, bool, bool]] = {}  # text -> (key, single, unspaced)
        for person, (name, _) in enumerate(people):
            for text, single, unspaced in _aliases(name):
                key = " ".join(text.split()).casefold()
                by_key.setdefault(key, set()).add(person)
                forms.setdefault(text, (key, single, unspaced))
        self._groups: list[_Alias] = []  # the alias each of the pattern's groups finds
        branches: list[str] = []
        # Longest first: at any place, "Dana Okafor" is tried before "Dana".
        for text in sorted(forms, key=lambda t: (-len(t), t)):
            key, single, unspaced = forms[text]
            owners = {roles[p].casefold(): roles[p] for p in by_key[key]}
            if len(by_key[key]) == 1:
                role = roles[next(iter(by_key[key]))]
                shared = holders.get(role.casefold(), 0) > 1
            else:  # a name two people share reads as their role only where they share it
                role = next(iter(owners.values())) if len(owners) == 1 else ""
                shared = True
            label = role or NEUTRAL
            phrase = f"{article(label)} {label}" if shared or not role else f"the {label}"
            alias = _Alias(phrase, role or phrase, single, unspaced)
            for branch in _branches(text, single, unspaced):
                self._groups.append(alias)
                branches.append(branch)
        self._pattern = (
            re.compile(
                "(?:"
                + "|".join(branches)
                + rf")(?:{_APOSTROPHE}s(?!{_WORD})|(?<=[sS]){_APOSTROPHE}(?!{_WORD}|'))?"
            )
            if branches
            else None
        )

    @classmethod
    def of(cls, postmortem: Postmortem) -> Names:
        """The postmortem's people: its participants that are persons (not "Platform team"),
        and anyone who came to its meeting without being one, by their part in it."""
        persons = set(person_names(tuple(p.name for p in postmortem.participants)))
        people = [
            (" ".join(p.name.split()), p.role)
            for p in postmortem.participants
            if " ".join(p.name.split()) in persons
        ]
        if postmortem.meeting is not None:
            known = {name.casefold() for name, _ in people} | {
                " ".join(p.name.split()).casefold() for p in postmortem.participants
            }
            attendees = tuple(a.name for a in postmortem.meeting.attendees)
            kept = set(person_names(attendees))
            for attendee in postmortem.meeting.attendees:
                name = " ".join(attendee.name.split())
                if name in kept and name.casefold() not in known:
                    known.add(name.casefold())
                    people.append((name, None if attendee.role is Role.ATTENDEE else attendee.role))
        return cls(people)

    def replace(self, text: str) -> str:
        """The text with every name of a person in it replaced by that person's role."""
        if self._pattern is None or not text:
            return text
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        return self._pattern.sub(self._role_for, text)

    def owner(self, owner: str | None) -> str | None:
        """An action's owner: a person's name alone becomes their bare role ("incident
        commander", or "an engineer" without one), as a table cell shows it; any other text has
        the names in it replaced."""
        if not owner or self._pattern is None:
            return owner
        match = self._pattern.fullmatch(unicodedata.normalize("NFC", " ".join(owner.split())))
        if match is not None and match.lastindex is not None:
            return self._groups[match.lastindex - 1].label
        return self.replace(owner)

    def _role_for(self, match: re.Match[str]) -> str:
        group = match.lastindex
        assert group is not None
        alias = self._groups[group - 1]
        text, start, end = match.string, match.start(), match.end()
        begins = _begins_sentence(text, start)
        written = text[start : match.end(group)]
        if alias.single and begins and written.casefold() in _FUNCTION_WORDS:
            return match.group()
        phrase = alias.phrase[0].upper() + alias.phrase[1:] if begins else alias.phrase
        suffix = text[match.end(group) : end]
        if suffix and not (len(suffix) == 1 and start > 0 and text[start - 1] in "'\u2018"):
            phrase += suffix[0] + "s"  # "Chris'" and "Dana's" alike: "the scribe's"
        elif suffix:  # 'Chris' in quotes: the apostrophe closes the quote
            phrase += suffix
        # Set apart from letters it touches, as a name in Chinese text can be.
        if start > 0 and text[start - 1].isalnum():
            phrase = " " + phrase
        if end < len(text) and text[end].isalnum():
            phrase += " "
        return phrase


def without_names(postmortem: Postmortem, names: Names) -> Postmortem:
    """A copy of the postmortem that holds no person's name: every text names people by their
    roles, and the participants are left out. What holds no name is shared with the original,
    not copied."""
    say = names.replace
    meeting = postmortem.meeting
    return replace(
        postmortem,
        participants=[],
        title=say(postmortem.title),
        summary=say(postmortem.summary),
        impact_summary=say(postmortem.impact_summary),
        metrics=[
            replace(m, name=say(m.name), unit=say(m.unit) if m.unit else m.unit)
            for m in postmortem.metrics
        ],
        tags=[say(tag) for tag in postmortem.tags],
        timeline=[_event(event, names) for event in postmortem.timeline],
        causes=[replace(cause, text=say(cause.text)) for cause in postmortem.causes],
        actions=[_action(action, names) for action in postmortem.actions],
        lessons=[replace(lesson, text=say(lesson.text)) for lesson in postmortem.lessons],
        meeting=_meeting(meeting, names) if meeting is not None else None,
    )


def _event(event: TimelineEvent, names: Names) -> TimelineEvent:
    text = names.replace(event.text)
    source = names.replace(event.source) if event.source else event.source
    if text == event.text and source == event.source:
        return event  # most events of a long timeline name nobody
    return replace(event, text=text, source=source)


def _action(action: ActionItem, names: Names) -> ActionItem:
    return replace(
        action,
        title=names.replace(action.title),
        owner=names.owner(action.owner),
        notes=names.replace(action.notes),
        history=[_change(change, names) for change in action.history],
    )


def _change(change: ActionChange, names: Names) -> ActionChange:
    if change.field is ActionField.OWNER:
        return replace(
            change,
            old=names.owner(change.old),
            new=names.owner(change.new),
            note=names.replace(change.note),
        )
    return replace(change, note=names.replace(change.note))


def _meeting(meeting: Meeting, names: Names) -> Meeting:
    return replace(
        meeting,
        # Counted by their part in the meeting, never named.
        attendees=[replace(a, name=names.owner(a.name) or a.name) for a in meeting.attendees],
        decisions=[replace(d, text=names.replace(d.text)) for d in meeting.decisions],
        parking_lot=[replace(p, text=names.replace(p.text)) for p in meeting.parking_lot],
    )


def article(words: str) -> str:
    """ "a" or "an" before `words`, by their first sound: "an engineer", "a user", "an SRE",
    "an hour", "a one-off", "an on-call engineer"."""
    first = re.split(r"[\s-]", words, maxsplit=1)[0]
    if len(first) > 1 and first.isupper():  # an acronym, spelt out
        return "an" if first[0] in _VOWEL_LETTERS else "a"
    low = first.lower()
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    if low.startswith(("uni", "use", "usu", "uti", "ura", "uro", "eu", "ewe", "one", "once")):
        return "a"
    return "an" if low[:1] in set("aeiou") else "a"


def _role(role: str | None) -> str:
    """A participant's role as a report names it, without an article of its own."""
    words = (role or "").split()
    if len(words) > 1 and words[0].casefold() in _DETERMINERS:
        words = words[1:]
    text = " ".join(words)
    if text[1:] == text[1:].lower():  # "Incident commander" mid-sentence; "SRE", "VP" kept
        text = text[:1].lower() + text[1:]
    return text


def _aliases(name: str) -> Iterable[tuple[str, bool, bool]]:
    """Every way a text may name the person: (text, single part?, unspaced script?)."""
    name = unicodedata.normalize("NFC", name)
    if sum(c.isalpha() for c in name) < 2:
        return
    unspaced = _IS_UNSPACED.search(name) is not None
    parts = name.split()
    if len(parts) == 1 and unspaced:  # "王伟": the whole name, found inside the text
        yield from _variants(name, False, unspaced)
        return
    if len(parts) > 1:
        yield from _variants(name, False, unspaced)
    if len(parts) > 2:  # "Mary Ann" and "Ann Smith" of "Mary Ann Smith", "van Beethoven"
        yield from _variants(" ".join(parts[:-1]), False, unspaced)
        yield from _variants(" ".join(parts[1:]), False, unspaced)
    # A name typed all in one case says nothing about which parts are names ("de", "van" are
    # not): each part then counts as written capitalised.
    one_case = name == name.lower() or name == name.upper()
    for part in parts:
        if one_case and part[:1].isalpha():
            part = part[0].upper() + part[1:].lower()
        if _usable(part):
            yield from _variants(part, True, unspaced)
            if part.isupper() and len(part) > 1:  # "OKAFOR" of "Dana OKAFOR" written "Okafor"
                yield from _variants(part[0] + part[1:].lower(), True, unspaced)


def _usable(part: str) -> bool:
    """A part of a name can stand alone for the person if it is a word of two letters or more,
    written with a capital (or in a script without capitals)."""
    if sum(c.isalpha() for c in part) < 2 or not part[0].isalpha():
        return False
    if not all(c.isalpha() or c in "'\u2019\u02bc-." or unicodedata.combining(c) for c in part):
        return False
    return part[0].isupper() or part[0].lower() == part[0].upper()


def _variants(text: str, single: bool, unspaced: bool) -> Iterable[tuple[str, bool, bool]]:
    yield text, single, unspaced
    folded = _fold(text)
    if folded != text:
        yield folded, single, unspaced


def _fold(text: str) -> str:
    """Latin and Greek letters without their accents, and Cyrillic ё without its dots; other
    letters as they are (й is another letter than и, a kana's marks are part of the letter)."""
    out = []
    for char in text.translate(_FOLD):
        if ord(char) < 0x250 or 0x370 <= ord(char) < 0x400 or char in "ёЁ":
            char = unicodedata.normalize("NFD", char)[0]
        out.append(char)
    return "".join(out)


def _branches(text: str, single: bool, unspaced: bool) -> list[str]:
    """The pattern's branches for one way of naming a person, each with one group.

    Every branch begins with a plain character, so that the compiled pattern skips ahead to the
    characters a name can begin with instead of trying each name at every place of a text: a
    full name, found in any case, has a branch for each case of its first letter. The test that
    no letter comes before the name follows that character, where it looks back over two.
    """
    first, rest = text[0], text[1:]
    gap = r"\s*" if unspaced else r"\s+"
    body = "".join(
        gap if char == " " else _APOSTROPHE if char in "'\u2019\u02bc" else re.escape(char)
        for char in rest
    )
    if not single:
        body = f"(?i:{body})"  # a full name in any case: "dana okafor", "DANA OKAFOR"
    starts = [first] if single else sorted({first.upper(), first.lower()} | {first})
    if unspaced:
        return [f"{re.escape(start)}({body})" for start in starts]
    return [f"{re.escape(start)}(?<!{_WORD}(?s:.))({body})(?!{_WORD})" for start in starts]


def _begins_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in _LEADING:
        index -= 1
    return index < 0 or text[index] in _SENTENCE_ENDS
