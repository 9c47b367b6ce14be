"""Reading who did something: the subject of the clause a word stands in.

Blame depends on it: "the on-call engineer ignored the page" puts a failure on a person, "the
pipeline ignored the failing lint step" describes the system. This is a heuristic over words, not a
parser: it knows pronouns, person roles ("engineer", "on-call"), the participants' names, and the
shape of an English clause well enough for the short sentences postmortems are written in.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from pmdesk.domain.patterns import LazyPattern


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_words = words

# Curly apostrophes read as straight ones; one character for one, so spans stay true.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

# Past forms that "never" takes in "we never tested it"; present forms read as advice.
IRREGULAR_PAST = _words(
    "ran read wrote took told sent made did put set kept left brought thought gave built chose "
    "forgot went came knew saw got found held caught paid spent lost began broke drove stood "
    "understood"
)


# Participles not made with "-ed": "had run", "had read", "had taken".
PARTICIPLES = IRREGULAR_PAST | _words("""
    run written taken given done seen gone chosen begun held heard caught found spent hit shut
    cut let paid stood understood forgotten gotten known shown driven
    """)


class Subject(Enum):
    PERSON = "person"
    SYSTEM = "system"


PERSON = Subject.PERSON
SYSTEM = Subject.SYSTEM

_PRONOUNS = _words(
    "he she they we i you someone somebody nobody everyone everybody anyone anybody whoever one"
)
_PERSON_WORDS = _words("""
    engineer developer dev operator on-call oncall on-caller sre intern reviewer approver deployer
    admin administrator sysadmin dba manager lead responder commander author committer
    contractor employee staff user customer human person people team colleague teammate member
    shift analyst technician owner maintainer folks guy newcomer hire requester releaser
    rep representative
    """)
# "the Postgres operator" is software; "the night-shift operator" is a person.
_PERSON_ADJECTIVES = _words(
    "the a an our their that this on-call oncall human night shift senior junior new lead "
    "second first experienced inexperienced tired same other"
)
_SYSTEM_HEADS = _words("""
    page pages pager rotation rotations schedule channel dashboard tool tools tooling script
    scripts runbook runbooks alert alerts phone queue laptop laptops account accounts key keys
    config change changes process error errors rate rates service services pipeline job jobs
    session sessions terminal shell command access checklist workflow bot bots policy ticket
    tickets calendar docs notes guide review reviews system systems handbook interface portal
    """)
_DETERMINERS = _words(
    "the a an our their his her my your its this that these those some every each another no"
)
_STOP = _words("""
    was were is are be been being has have had do does did should would could will can may might
    must shall not never also just then who whom whose which that what where of for in on at to
    from with by during after before into onto over under through without about against between
    as than via per until since because and but or so while when if once although though yet
    """)
_QUANTIFIERS = _words("one some each all none both many most several two three few any either")
_COPULA_HEADS = _words("cause reason problem issue culprit trigger it this that what")
_SKIPPABLE = _words(
    "then later also unfortunately meanwhile finally again subsequently eventually first next "
    "still however instead utc cet cest gmt pst pdt est edt z am pm"
)
_PASSIVE_BEFORE = _words("was were is are be been being get got gets getting")
_SOFT_WORDS = _words(
    "and but because so since while when whenever after before although though until if once "
    "or then whereas yet"
)
_SOFT_MARKS = frozenset(",()/-\u2013\u2014")
_HARD_MARKS = frozenset(".!?;:")
_REPORTING = _words(
    "found saw knew said thought showed shows means meant realized realised noticed notices "
    "confirmed confirms learned learnt discovered turned out is was so such"
)
# Common first names, for people the participant list does not name ("Kevin forgot to …"). Names
# that are also words of the trade or of ordinary prose (Max, Chase, Grace, Jenkins, Will, May,
# Mark, Bill, Rose, Ruby, Jasmine, Hunter, Victor, Art, Sage) are left out: a capitalised word in
# a postmortem is far more often a product than a person.
_FIRST_NAMES = _words("""
    aaron abdul adam adrian ahmed aisha alan albert alejandro alex alexander alexandra alice
    alicia alison amanda amber amelia amir amit amy ana andrea andreas andrew andy angela anil
    anita ann anna anne annie anthony antonio anya arjun arun ashley barbara ben benjamin beth
    brandon brenda brian bruno carl carla carlos carmen carol caroline catherine chen chloe chris
    christian christina christine christopher claire claudia colin connor craig cynthia dan
    daniel daniela danielle david deborah deepak denise dennis diana diego dimitri dmitri
    dominic donald donna doug douglas dylan ed eduardo elena elizabeth ella emily emma eric erik
    ethan eva evan fatima felix fernando fiona francesca francesco frank fred gabriel gareth gary
    george gina giulia greg gregory hannah hans harry heather helen henry hiroshi hugo ian igor
    ines irene isabel isabella ivan jack jacob jake james jamie jan jane janet jason javier jeff
    jeffrey jen jennifer jeremy jessica jim jimmy joan joe joel johan john jon jonathan jorge
    jose josh joshua juan julia julian julie justin karen karl kate katherine kathy katie kenji
    kevin kim kyle lars laura lauren leo leon liam linda lisa liz lucas lucy luis luke lukas
    maria marie marina mario marta martin mary matt matthew megan mehmet melissa michael michelle
    miguel mike mohammed monica nadia nancy natalie nathan neil nicholas nick nicole nikhil
    nina noah olga oliver olivia omar oscar pablo paolo patricia paul paula pedro peter philip
    pierre priya rachel rahul raj rajesh ramon raul rebecca richard rick rob robert roberto
    ryan sam samantha samuel sandra sara sarah scott sean sergei sergey shane sharon simon sofia
    sophie stefan stephanie stephen steve steven susan suresh tanya thomas tim timothy tom
    tomas tony tyler valentina vanessa vijay vikram vincent wei william xavier yuki yusuf zach
    zoe dave davey bob bobby pete phil ken kenny ron don tony nick jon jenny becky beth meg
    maggie ollie charlie freddie archie alfie harvey theo toby ravi sanjay arjun priyanka
    oluwaseun seun chidi ngozi kwame kofi ama abena tunde emeka yaw lerato thabo sipho mei ling
    jia hao jun yan hiro takeshi haruto sakura minh linh anh duc ngoc sung min jae hyun seo
    ji-woo mateo santiago valentina camila lucia sofia joaquin ignacio mariana gabriela
    """)
_TITLES = _words("mr mrs ms mx dr prof")
# Role titles written capitalised ("the Release Manager"): a capitalised person word after any
# other capitalised word names a product instead ("Feature Flag Manager", "Cluster Operator").
_GROUPS = _words("team squad crew group rotation staff")
_ROLE_MODIFIERS = _words("""
    release engineering product program programme project incident duty shift account general
    delivery operations support on-call oncall site reliability security network database
    platform infrastructure senior junior lead principal staff chief technical qa test
    """)
_NAME_START = LazyPattern(
    r"(?<![\w'.])(?:(?P<title>(?:Mr|Mrs|Ms|Mx|Dr|Prof)\.?)\s+)?(?P<first>[A-Z][a-z]+)"
    r"(?:\s+(?P<second>[A-Z][\w'-]*))?(?:\s+(?P<third>[A-Z][\w'-]*))?"
)
_TOKEN = LazyPattern(r"\w(?:[\w'.-]*\w)?|[^\w\s]")
_TEAM = LazyPattern(
    r"\b(?:team|squad|crew|group|guild|department|dept|org|organi[sz]ation|sres?|ops|devops"
    r"|on-?call|rotation|platform|infra|infrastructure|support|engineering|security|payments?"
    r"|checkout|billing|database|dba|network|networking|staff|committee|board|vendor|inc|ltd"
    r"|llc|gmbh|corp|company|service|services|bot)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    low: str
    is_name: bool
    in_product: bool = False  # a capitalised person word in a product's name: "Flag Manager"

    @property
    def possessive(self) -> bool:
        return self.low.endswith(("'s", "s'"))

    @property
    def bare(self) -> str:
        """The word without a possessive ending or plural s: "engineers" -> "engineer"."""
        word = re.sub(r"(?:'s|')$", "", self.low)
        return word[:-1] if word.endswith("s") and word[:-1] in _PERSON_WORDS else word


@dataclass(frozen=True, slots=True)
class Clause:
    """Who or what a trigger word is said of: a person, the system, or nobody (None)."""

    subject: Subject | None
    subject_start: int | None = None
    named: bool = False  # the subject is a participant's name
    adjacent: bool = False  # the subject ends right before the trigger


@lru_cache(maxsize=64)
def person_names(people: tuple[str, ...]) -> tuple[str, ...]:
    """Person-like participants only: "Platform team" is the subject of neutral facts.

    Cached: a postmortem's texts are all judged with the same participants.
    """
    return tuple(" ".join(p.split()) for p in people if p.strip() and not _TEAM.search(p))


@lru_cache(maxsize=64)
def _names_regex(pattern: str) -> re.Pattern[str] | None:
    return re.compile(rf"(?<![\w])(?:{pattern})(?![\w])") if pattern else None


class Reader:
    """One text, tokenised once, with the participants' names marked."""

    def __init__(self, text: str, names: tuple[str, ...]) -> None:
        self.original = text
        self.text = normalise(text)
        lowered = self.text.lower()
        # the rules' patterns run about three times faster on lower case, where offsets hold
        self.lower: str | None = lowered if len(lowered) == len(self.text) else None
        self.names_pattern = names_pattern(names)
        self._name_spans: list[tuple[int, int]] = []
        regex = _names_regex(self.names_pattern)
        if regex is not None:
            self._name_spans = [m.span() for m in regex.finditer(self.text)]
        self._name_spans += [span for span in _unlisted_names(self.text)]
        self.tokens = [
            Token(m.start(), m.end(), m.group().lower(), self.names_in(m.start(), m.end()))
            for m in _TOKEN.finditer(self.text)
        ]
        for i, token in enumerate(self.tokens):
            capitalised = self.text[token.start].isupper()
            if capitalised and token.bare in _PERSON_WORDS and _in_product_name(self, i):
                self.tokens[i] = dataclasses.replace(token, in_product=True)

    def names_in(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._name_spans)

    def phrase(self, start: int, end: int) -> Clause:
        """Who or what the noun phrase in text[start:end] is: "the on-call", "Priya's pages"."""
        tokens = [t for t in self.tokens if start <= t.start and t.end <= end]
        return _classify(_noun_phrase(tokens))

    def owner(self, start: int, end: int) -> bool:
        """Whether the possessive word in text[start:end] names a person: "Priya's", "the
        intern's", "his"; not "the scheduler's", "Kubernetes'" or "the Feature Flag Manager's"."""
        index = next((i for i, t in enumerate(self.tokens) if t.start >= start), None)
        if index is None or self.tokens[index].start >= end:
            return False
        token = self.tokens[index]
        if token.is_name:
            return True
        previous = self.tokens[index - 1] if index else None
        bare = token.bare
        if bare not in _STAFF or token.in_product:
            return False
        return bare != "operator" or (previous is not None and previous.low in _PERSON_ADJECTIVES)

    def clause(self, start: int, end: int, *, passive: bool = True) -> Clause:
        """The subject of the clause in which text[start:end] stands.

        With `passive`, a clause whose verb is passive ("the page was ignored") is said of its
        agent ("by the on-call"); without it, "was" leads a predicate ("was too slow")."""
        first = next((i for i, t in enumerate(self.tokens) if t.start >= start), len(self.tokens))
        last = next((i for i, t in enumerate(self.tokens) if t.start >= end), len(self.tokens))
        clauses = self._clauses_before(first)
        if passive and _is_passive(clauses[-1] if clauses else []):
            return self._agent(last)
        for index in range(len(clauses) - 1, -1, -1):
            tokens = clauses[index]
            if index < len(clauses) - 1 and tokens and tokens[0].low in _STOP | {"which"}:
                continue  # a relative clause between subject and verb: "..., who was new, ..."
            if index and tokens and tokens[0].low.endswith("ing") and not tokens[0].is_name:
                continue  # "Tomas, acting as release manager, forgot": the subject is before
            phrase = _noun_phrase(tokens)
            found = _classify(phrase)
            if found.subject is PERSON and _refers_back(phrase, clauses[:index]):
                return Clause(SYSTEM)  # "The replicas fell behind and they failed to catch up"
            if found.subject is not None:
                adjacent = index == len(clauses) - 1 and _ends_at(tokens, found)
                return Clause(found.subject, found.subject_start, found.named, adjacent)
        return Clause(None)

    def _clauses_before(self, first: int) -> list[list[Token]]:
        """The tokens of the sentence before `first`, split into clauses (the last one holds it)."""
        clauses: list[list[Token]] = [[]]
        for i in range(first - 1, -1, -1):
            token = self.tokens[i]
            if token.low in _HARD_MARKS and self._ends_sentence(i):
                break
            if "\n" in self.text[token.end : self.tokens[i + 1].start if i + 1 < first else 0]:
                break
            previous = self.tokens[i - 1].low if i > 0 else ""
            if (
                token.low in _SOFT_MARKS
                or token.low in _SOFT_WORDS
                or (token.low == "that" and (previous in _REPORTING or previous.endswith("ed")))
            ):
                clauses.insert(0, [])
                continue
            clauses[0].insert(0, token)
        return clauses

    def _ends_sentence(self, i: int) -> bool:
        end = self.tokens[i].end
        if (
            i
            and self.tokens[i - 1].low in _TITLES
            and self.tokens[i - 1].end == self.tokens[i].start
        ):
            return False  # "Ms. Lindqvist"
        return end >= len(self.text) or self.text[end].isspace()

    def _agent(self, last: int) -> Clause:
        """A passive clause is blame only when its "by" names a person: "ignored by the on-call"."""
        for i in range(last, min(last + 12, len(self.tokens))):
            token = self.tokens[i]
            if token.low in _HARD_MARKS or token.low in _SOFT_MARKS:
                break
            if token.low == "by":
                found = _classify(_noun_phrase(self.tokens[i + 1 : i + 6]))
                if found.subject is PERSON:
                    return found
                break
        return Clause(SYSTEM)


def _unlisted_names(text: str) -> list[tuple[int, int]]:
    """Spans of people the participant list does not name: a common first name, written
    capitalised, with the surname after it ("Kevin", "Mike Duarte"), or a title and a name
    ("Ms. Lindqvist", "Dr. Osei"). A first name that starts a run of three capitalised words, or
    is followed by a capitalised person word, names a product ("Jordan Cloud Gateway")."""
    spans: list[tuple[int, int]] = []
    for match in _NAME_START.finditer(text):
        first, second, third = match.group("first", "second", "third")
        if match.group("title"):
            end = match.end("second") if second and not third else match.end("first")
            spans.append((match.start(), end))
            continue
        if first.lower() not in _FIRST_NAMES or third:
            continue
        if second and second.lower().removesuffix("'s") in _PERSON_WORDS | _SYSTEM_HEADS:
            continue
        spans.append((match.start(), match.end("second") if second else match.end("first")))
    return spans


def _in_product_name(reader: Reader, index: int) -> bool:
    """Whether a person word stands in a capitalised product name: "Feature Flag Manager"
    (unlike the role "Release Manager", "Site Reliability Engineer")."""
    token = reader.tokens[index]
    written = reader.text[token.start : token.end]
    if not written[:1].isupper() or token.bare in _GROUPS:
        return False  # "the Payments Team" is a team of people, however it is written
    before = []
    for i in range(index - 1, -1, -1):
        word = reader.text[reader.tokens[i].start : reader.tokens[i].end]
        if not word[:1].isupper() or reader.tokens[i].low in _DETERMINERS:
            break
        before.append(reader.tokens[i].low)
    return any(low not in _ROLE_MODIFIERS for low in before)


def normalise(text: str) -> str:
    """The text as the rules read it: curly apostrophes straight, every character in place."""
    return text.translate(_APOSTROPHES)


@lru_cache(maxsize=64)
def names_pattern(names: tuple[str, ...]) -> str:
    """Full names in any case; single parts ("Dana", "Okafor") only as written, capitalised."""
    full = [r"(?i:" + r"\s+".join(map(re.escape, n.split())) + ")" for n in names]
    parts = {re.escape(part) for name in names for part in name.split() if _usable_part(part)}
    return "|".join(sorted(full, key=len, reverse=True) + sorted(parts, key=len, reverse=True))


def _usable_part(part: str) -> bool:
    """A first or last name alone can stand for the person, unless it reads as a common word."""
    if len(part) < 2 or part.lower() in _STOP | _PRONOUNS | _PERSON_WORDS | _SKIPPABLE:
        return False
    initial = part[:1]
    return initial.isupper() or (initial.isalpha() and initial.lower() == initial.upper())


def _is_passive(tokens: list[Token]) -> bool:
    """ "was ignored", "are skipped", "a misconfigured host": the thing acted on is the subject."""
    words = [t for t in tokens if not t.low.endswith("ly") and t.low not in {"also", "just"}]
    return bool(words) and (words[-1].low in _PASSIVE_BEFORE or words[-1].low in _DETERMINERS)


def _noun_phrase(tokens: Sequence[Token]) -> list[Token]:
    """The subject noun phrase at the start of a clause, determiner included."""
    phrase: list[Token] = []
    for token in tokens:
        low = token.low
        if not phrase or all(t.low in _DETERMINERS for t in phrase):
            if not phrase and (_skippable(token) or (low in _STOP and not token.is_name)):
                continue
        elif low in _STOP and not token.is_name:
            if low == "of" and all(t.low in _QUANTIFIERS for t in phrase):
                phrase = []  # "One of the gateways", "Two of our engineers": the head follows
                continue
            if low in {"was", "is"} and phrase[-1].bare in _COPULA_HEADS:
                phrase = []  # "Root cause was the developer ...": the actor follows
                continue
            break
        elif low in _DETERMINERS or low in _PRONOUNS or (token.is_name and not phrase[-1].is_name):
            phrase = []  # a new phrase with no verb between: the first one was preposed
        elif _verb_like(token, phrase[-1]):
            break
        if not token.low[:1].isalnum() and not token.is_name:
            break
        phrase.append(token)
    return phrase


def _skippable(token: Token) -> bool:
    """Timestamps, bullets and sentence adverbs before the subject: "14:20", "Then"."""
    low = token.low
    return (
        low in _SKIPPABLE
        or not low[:1].isalpha()
        or (low.endswith("ly") and not token.is_name and low not in _PERSON_WORDS)
    )


def _verb_like(token: Token, previous: Token) -> bool:
    if token.is_name:
        return False
    low = token.low
    person_before = previous.is_name or previous.bare in _PERSON_WORDS | _PRONOUNS
    return (
        low.endswith("ed")
        or low in IRREGULAR_PAST
        or (person_before and low.endswith("s") and low not in _SYSTEM_HEADS)
    )


def _classify(phrase: list[Token]) -> Clause:
    """PERSON when a person word heads the phrase ("the on-call engineer", "Lee restarts"),
    SYSTEM when a person word only modifies a thing ("the on-call page", "user error rate")."""
    content = [t for t in phrase if t.low not in _DETERMINERS]
    if not content:
        return Clause(None)
    for k, token in enumerate(content):
        if not _is_person(token, content[k - 1] if k else None):
            continue
        following = content[k + 1] if k + 1 < len(content) else None
        if following is None or _is_person(following, token) or _verb_like(following, token):
            return Clause(PERSON, phrase[0].start, token.is_name)
    return Clause(SYSTEM, phrase[0].start)


# People whose possession of a change can be named as its agent: staff, not the customers or
# users a system serves ("a user's query" describes load, "the intern's script" puts it on her).
_STAFF = _PERSON_WORDS - _words("user customer human person people folks guy requester")


def _is_person(token: Token, previous: Token | None) -> bool:
    if token.is_name or token.low in _PRONOUNS:
        return not token.possessive
    if token.bare not in _PERSON_WORDS or token.possessive or token.in_product:
        return False
    if token.bare == "operator" and previous is not None:
        return previous.low in _PERSON_ADJECTIVES
    return True


def _refers_back(phrase: list[Token], earlier: list[list[Token]]) -> bool:
    """Whether "they" stands for a system noun named earlier in the sentence."""
    if [t.low for t in phrase] != ["they"]:
        return False
    return any(_classify(_noun_phrase(tokens)).subject is SYSTEM for tokens in earlier)


def _ends_at(tokens: list[Token], found: Clause) -> bool:
    return bool(tokens) and found.subject_start is not None and tokens[-1].low not in _STOP
