"""Blame language: words that put a failure on a person instead of a condition of the system.

A blameless postmortem asks what let a failure happen, because people will always slip and only
the system can be changed to catch the slip. Text that says "human error" or "Dana forgot to
renew the certificate" stops the why-chain at a person, so the review never finds the missing
reminder or check.

Three kinds of wording are judged:

- Judgements of people are blame wherever they appear ("human error", "careless", "negligent",
  "Lee's fault"), unless negated ("This was not human error").
- Slips and omissions are blame only when a person did them: "failed to", "should have",
  "ignored", "forgot", "by mistake" read the subject of their clause. "The on-call engineer
  ignored the page" is blame; "The pipeline ignored the failing lint step" describes the system.
  A clause with no subject at all ("Forgot to renew the certificate") can only mean a person.
- A participant's mistake named by possession ("Sam's typo", "Priya's mistake").

Who the subject of a clause is comes from pmdesk.domain.clauses, a heuristic over words that is
good enough for the short sentences postmortems are written in. Nothing here raises on any input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pmdesk.domain.clauses import (
    IRREGULAR_PAST,
    PERSON,
    Clause,
    Reader,
    names_pattern,
    normalise,
    person_names,
)
from pmdesk.domain.clauses import words as _words
from pmdesk.domain.patterns import LazyPattern


@dataclass(frozen=True, slots=True)
class BlameHit:
    """Where a text puts the failure on a person, and a blameless way to say it instead."""

    phrase: str  # the words as they appear in the text
    start: int  # text[start:end] == phrase
    end: int
    suggestion: str


# Judgements of people: blame in any clause, whoever the subject.
_ERROR = (
    r"(?:human|operator|user|pilot|personnel|manual|engineer|developer|admin|administrator"
    r"|staff|employee)\s+(?:errors?|mistakes?|slip-?ups?)"
    r"(?!\s+(?:rates?|counts?|budgets?|ratios?|percentages?|spikes?|metrics?|messages?|pages?"
    r"|logs?|codes?|handling|reporting|responses?|dialogs?|screens?|banners?|paths?|states?))"
    r"|pebkac|pebcak|id10t|layer[- ]8 (?:issue|problem|error)"
)
_CHARACTER = (
    r"careless(?:ly|ness)?|sloppy|sloppily|sloppiness|neglig(?:ent|ently|ence)"
    r"|reckless(?:ly|ness)?|incompeten(?:t|ce|tly)|irresponsib(?:le|ly|ility)|inattenti(?:ve|on)"
    r"|laziness|lazy(?![\s-]*(?:load|eval|init|import|iterat|sequence|stream|delet|migrat|replicat"
    r"|fetch|bind|propert|val\b|list|mode|compil|expan|quantifier|match|regex|comput|copy))"
    r"|complacen(?:t|cy)|unprofessional(?:ly)?|thoughtless(?:ly|ness)?|clueless|stupid(?:ity)?"
    r"|idiot(?:ic|s)?|dumb|rookie mistakes?|fat[- ]?finger(?:ed|ing|s)?|dropped the ball"
    r"|asleep at the wheel|cut(?:ting)? corners|(?:not|n't|never)\s+(?:\w+\s+)?(?:paying|pay"
    r"|paid)\s+(?:\w+\s+)?attention|lack of (?:attention|care|diligence|discipline)"
    r"|knew better|should(?:'ve| have) known better|rubber-?stamp(?:ed|ing|s)?|panick(?:ed|ing)"
    r"|(?:be|being|get|getting)\s+more\s+(?:careful|attentive|diligent|vigilant|thorough"
    r"|disciplined|responsible)|take\s+(?:[\w-]+\s+){0,3}more\s+seriously"
    r"|had\s+(?:been\s+paying|paid)\s+(?:\w+\s+)?attention"
    r"|rushed|rushing|(?:poor|bad|questionable)\s+judge?ment|lapse\s+(?:in|of)\s+judge?ment"
    r"|typo'?d|typoed"
    r"|despite\s+being\s+(?:told|asked|warned|reminded)|against\s+(?:explicit\s+)?(?:the\s+)?"
    r"(?:instructions|advice|policy)"
    r"|(?:didn'?t|did not|never|nobody|no one|couldn't be|could not be|wasn't|weren't"
    r"|not)\s+(?:even\s+|really\s+)?bother(?:ed|ing)?"
)
_FAULT = (
    r"(?!(?:nobody|no-one|no one|noone)'s)(?:[^\W\d_][\w-]*(?:'s|s')|his|her|their|my|our|your)"
    r"\s+fault(?![\w-])"
    r"|at fault|fault (?:lies|lay|lays|is|was) with|the fault of|whose fault"
    r"|blam(?:e|ed|es|ing)(?![\w-])|held (?:\w+ )?accountable|hold (?:\w+ ){1,3}accountable"
)
# Counterfactuals about a person: "If she had looked at the graphs", "Had the developer bothered".
_PERSON_REF = (
    r"(?:he|she|they|we|i|you|someone|somebody|anyone|anybody|(?:the|our|an?)\s+(?:[\w-]+\s+)?"
    r"(?:engineer|developer|operator|on-?call|reviewer|deployer|intern|sre|admin|dba|person"
    r"|team|manager|author)s?)"
)
_COUNTERFACTUAL = (
    rf"(?:\bif|^had|[,;:.]\s*had)\s+{_PERSON_REF}\s+(?:had\s+|only\s+|just\s+|actually\s+)*"
    r"(?:bothered|looked|checked|read|followed|tested|paid|noticed|waited|asked|listened"
    r"|double-checked|reviewed|been\s+(?:paying|more|careful|watching))"
)
_JUDGEMENT = LazyPattern(
    rf"\b(?:(?P<error>{_ERROR})|(?P<character>{_CHARACTER})|(?P<fault>{_FAULT}))"
    rf"|(?P<hindsight>{_COUNTERFACTUAL})",
    re.IGNORECASE,
)
# "This was not human error", "no blame", "without blaming anyone": the writer rules blame out.
_NEGATED_BEFORE = LazyPattern(
    r"(?:\b(?:not|no|never|nor|without|rather than|instead of|free of|avoid|avoiding|isn't"
    r"|wasn't|aren't|weren't|don't|doesn't|didn't|won't|nobody)\b"
    r"\W+(?:\w+\W+){0,2})$",
    re.IGNORECASE,
)

# Slips and omissions: blame only with a person (or nobody) as the subject of the clause.
_HINDSIGHT = (
    r"should(?:n't|\s+not|\s+never)?\s+have|should've|shouldn't've"
    r"|(?:just\s+|only\s+)?(?:needed|had)\s+to\s+(?:follow|read|check|look|test|wait|ask|run)\b"
    r"|ought(?:n't)?\s+(?:not\s+)?to\s+have|could(?:'ve|\s+have)\s+(?:avoided|prevented)"
)
_OMISSION = (
    r"(?:failed|fails|failing)\s+to|neglect(?:ed|s|ing)?(?:\s+to)?|omitted\s+to"
    r"|(?:didn'?t|did\s+not|never|wasn't|was\s+not|weren't|were\s+not)(?=\s+\w)"
)
_FORGET = r"forg(?:ot|otten|ets?|etting)"
_IGNORE = (
    r"ignored|ignores|ignoring|disregarded|overlooked|overlooking|missed|skipped|skipping"
    r"|bypassed|brushed off"
)
_SLIP = (
    r"by mistake|by accident|mistakenly|accidentally|inadvertently|erroneously|unintentionally"
    r"|thinking\s+(?:that\s+)?(?:it|this|that|they)\s+(?:was|were)"
    r"|made\s+(?:an?\s+|the\s+|one\s+|two\s+|several\s+|some\s+)?(?:\w+\s+)?(?:mistakes?|errors?"
    r"|typos?|blunders?|oversights?|slip|bad call|wrong call|poor (?:decision|choice|call))"
    r"|misconfigured|mistyped|misread|misjudged|mishandled|misunderstood|misinterpreted|botched"
    r"|bungled|messed up|screwed up|broke|fumbled|caused\s+(?:the|this|an?)\s+(?:\w+\s+)?"
    r"(?:outage|incident|failure|downtime|breakage|disruption)|responsible for (?:the|this|causing)"
    r"\s+(?:\w+\s+)?(?:outage|incident|failure|downtime|breakage|mistake|error)"
)
_WITHOUT = (
    r"without\s+(?:first\s+|even\s+|properly\s+|actually\s+)?(?!(?:anything|nothing|something"
    r"|everything|being|having|during|warning|missing|pending|morning)\b)\w+ing\b"
    r"|without\s+(?:a\s+|any\s+)?(?:review|approval|sign-?off|permission|a test)\b"
)
_WRONG = (
    r"(?:select|choos|pick|us|typ|enter|deploy|push|edit|delet|appl|target|restart|merg"
    r"|configur|updat|reboot|kill|dropp|remov|chang|copi|past|click|approv|promot|scal)"
    r"(?:ed|es|s|ied|ies)?\s+(?:the|a|an)\s+(?:wrong|incorrect|bad|broken|buggy|untested)"
    r"|(?:chose|ran|set|put|hit|sent|made|wrote)\s+(?:the|a|an)\s+(?:wrong|incorrect|bad|broken"
    r"|buggy|untested)"
    r"|(?:on|against|in|into|to|from)\s+the\s+(?:wrong|incorrect)|instead\s+of"
)
_SLIP_TRIGGER = LazyPattern(
    rf"\b(?:(?P<hindsight>{_HINDSIGHT})|(?P<omission>{_OMISSION})|(?P<forget>{_FORGET})"
    rf"|(?P<ignore>{_IGNORE})|(?P<slip>{_SLIP})|(?P<without>{_WITHOUT})|(?P<wrong>{_WRONG}))\b",
    re.IGNORECASE,
)
_KINDS = ("hindsight", "omission", "forget", "ignore", "slip", "without", "wrong")
# "the developer not following the checklist": bare "not" + -ing, right after a person.
_NOT_DOING = LazyPattern(r"\bnot\s+(?P<verb>\w+ing)\b", re.IGNORECASE)
# "should have a canary stage" is about having something, not hindsight about a person.
_HAVE_NOUN = LazyPattern(
    r"\s+(?:a|an|the|some|any|no|more|less|one|two|its|their|our|enough|access|had)\b",
    re.IGNORECASE,
)
# After "didn't", "never": verbs about knowing or receiving are conditions, not omissions.
_STATE_VERBS = _words("""
    know knew known have has had need needed receive received get got gotten see saw seen hear
    heard expect expected exist existed realize realized realise realised understand understood
    want wanted mean meant seem seemed appear appeared happen happened matter mattered be been
    being exist work worked affect affected include included contain contained require required
    support supported show showed shown fire fired trigger triggered reach reached load loaded
    apply applied match matched change changed return returned hold held come came go went
    anticipate anticipated foresee foresaw occur occurred do done during nothing anything
    something everything morning evening thing string longer only just yet always
    """)
# "Failed to connect" with no subject is a log line about the system, not about a person.
_SYSTEM_VERBS = _words("""
    connect start boot load bind parse compile allocate mount resolve reach respond reconnect
    authenticate acquire complete converge recover restart drain elect sync replicate scale
    serve deliver fire trigger open close read write return propagate apply launch initialize
    initialise register deploy build download upload fetch execute run
    """)
# "Sam's typo", "Priya's mistake": a person's slip named by possession.
_SLIP_NOUNS = (
    r"mistakes?|errors?|typos?|fault|oversights?|slip(?:-up)?s?|blunders?|carelessness"
    r"|negligence|screw-?ups?|misconfiguration|fat-finger"
    r"|decision\s+to\s+(?:bypass|skip|ignore|override|disable|circumvent|overrule)"
)

_SUGGESTIONS: dict[str, str] = {
    "error": "Name the step that let the action through unchecked, e.g. “The console accepts a "
    "production target with no confirmation prompt”.",
    "character": "Describe what happened and the conditions that allowed it rather than judging "
    "people, e.g. “The rotation runbook has no step that retires the old key”.",
    "fault": "Say which conditions made the outcome possible, e.g. “The rollback needs a manual "
    "approval that nobody on call could give”.",
    "hindsight": "Hindsight judges people; say what was known at the time and which check or "
    "signal was missing, e.g. “The failover runbook has no step that checks replication lag”.",
    "omission": "Say what made the step easy to skip, e.g. “Merging does not require the "
    "integration tests to pass”.",
    "forget": "Nothing reminded anyone or checked that it was done; name that missing reminder "
    "or check, e.g. “No alert fires when a certificate is 14 days from expiry”.",
    "ignore": "Say why the signal did not lead to action, e.g. “The page arrived among 30 "
    "low-priority alerts and looked like noise”.",
    "slip": "Say what made the slip possible and let it through unnoticed, e.g. “The cleanup "
    "script runs against production with no confirmation prompt”.",
    "without": "Say why the step was optional, e.g. “The pipeline lets a change reach "
    "production with no test run”.",
    "wrong": "Say what made the wrong choice easy to make, e.g. “The CLI keeps the last-used "
    "Kubernetes context and does not ask before acting on production”.",
    "possession": "Say what let the slip through, e.g. “Feature flag names are not checked "
    "against existing flags before deploy”.",
}
_ROLE_ADVICE = "Refer to the role (“the engineer making the change”), not the person's name. "


def find_blame(text: str, people: Sequence[str] = ()) -> BlameHit | None:
    """The first place where `text` puts the failure on a person, or None when it does not.

    `people` are the postmortem's participants; person-like names among them (not teams) are
    recognised as subjects ("Dana", "Okafor", "Dana Okafor") and owners ("Sam's typo").
    """
    return _find_blame(text, tuple(people))


# Readiness is checked again after every edit, on every text of the postmortem: remembering the
# answers keeps a 5,000-event timeline responsive while one event changes at a time.
@lru_cache(maxsize=16384)
def _find_blame(text: str, people: tuple[str, ...]) -> BlameHit | None:
    if not text.strip():
        return None
    names = person_names(people)
    if not _has_trigger(normalise(text), names_pattern(names)):
        return None  # most texts: no word that could blame anyone, so no clause to read
    reader = Reader(text, names)
    judgements = list(_judgement_hits(reader))
    hits = sorted(
        [*judgements, *_slip_hits(reader), *_possession_hits(reader)],
        key=lambda hit: (hit.start, -hit.end),
    )
    if not hits:
        return None
    return _merge(reader, hits[0], hits, judgements)


def _merge(reader: Reader, first: _Hit, hits: list[_Hit], judgements: list[_Hit]) -> BlameHit:
    """One hit for overlapping findings ("The operator was" + "not paying attention").

    A judgement's advice wins over a slip's, being the more specific of the two.
    """
    overlapping = [h for h in hits if h.start < first.end]
    end = max(h.end for h in overlapping)
    kind = next((h.kind for h in judgements if h.start < end and first.start < h.end), first.kind)
    advice = _SUGGESTIONS[kind]
    if any(h.named for h in overlapping) or reader.names_in(first.start, end):
        advice = _ROLE_ADVICE + advice
    return BlameHit(reader.original[first.start : end], first.start, end, advice)


def _judgement_hits(reader: Reader) -> Iterator[_Hit]:
    for match in _JUDGEMENT.finditer(reader.text):
        if _NEGATED_BEFORE.search(reader.text[max(0, match.start() - 40) : match.start()]):
            continue
        kind = next(k for k in ("error", "character", "fault", "hindsight") if match.group(k))
        yield _hit(reader, match.start(), match.end(), kind, named=False)


def _slip_hits(reader: Reader) -> Iterator[_Hit]:
    text = reader.text
    for match in _SLIP_TRIGGER.finditer(text):
        kind = next(k for k in _KINDS if match.group(k))
        if not _trigger_applies(text, match, kind):
            continue
        clause = reader.clause(match.start(), match.end())
        if _is_blame(clause, kind, text[match.end() :]):
            start = clause.subject_start if clause.subject_start is not None else match.start()
            if not 0 <= match.start() - start <= 40:  # an agent after the verb, or far away
                start = match.start()
            end = _extend(text, match.end(), kind)
            yield _hit(reader, start, end, kind, named=clause.named)
    for match in _NOT_DOING.finditer(text):
        if match.group("verb").lower() in _STATE_VERBS:
            continue
        clause = reader.clause(match.start(), match.end())
        if clause.subject is PERSON and clause.adjacent:
            start = clause.subject_start if clause.subject_start is not None else match.start()
            yield _hit(reader, start, match.end(), "omission", named=clause.named)


def _trigger_applies(text: str, match: re.Match[str], kind: str) -> bool:
    """Whether the trigger words carry their blaming sense here at all."""
    after = text[match.end() :]
    word = _next_word(after)
    if kind == "hindsight":
        if not match.group("hindsight").lower().endswith(("have", "'ve")):
            return True  # "just needed to follow the checklist"
        return not _HAVE_NOUN.match(after) and bool(word)
    if kind == "forget":
        before = text[max(0, match.start() - 12) : match.start()].lower()
        return not re.search(r"(?:don't|do not|never|not)\s+$", before)  # advice
    if kind == "omission":
        lead = match.group("omission").lower()
        if lead.startswith(("didn", "did")):
            return word not in _STATE_VERBS
        if lead == "never":
            return word not in _STATE_VERBS and (word.endswith("ed") or word in IRREGULAR_PAST)
        if lead.startswith(("wasn", "was", "weren", "were")):
            return word.endswith("ing") and word not in _STATE_VERBS
    return True


def _is_blame(clause: Clause, kind: str, after: str) -> bool:
    if clause.subject is PERSON:
        return True
    if clause.subject is not None:  # a system noun phrase, or a passive with no person agent
        return False
    # "Failed to connect to the database" with no subject is a log line, not a person's omission.
    return not (kind == "omission" and _next_word(after) in _SYSTEM_VERBS)


# The same patterns without IGNORECASE, for lower-cased text: Python's regex engine runs them
# about three times faster, which matters when every text of a 5,000-event timeline is checked.
# (Their literals are all lower case; the only capital is the P of "(?P<name>".)
_JUDGEMENT_LOWER = LazyPattern(_JUDGEMENT.pattern)
_SLIP_TRIGGER_LOWER = LazyPattern(_SLIP_TRIGGER.pattern)
_NOT_DOING_LOWER = LazyPattern(_NOT_DOING.pattern)


def _has_trigger(text: str, owners: str) -> bool:
    """Whether any rule could fire: every hit starts from one of these matches."""
    lowered = text.lower()
    return bool(
        _JUDGEMENT_LOWER.search(lowered)
        or _SLIP_TRIGGER_LOWER.search(lowered)
        or _NOT_DOING_LOWER.search(lowered)
        or _possession_pattern(owners).search(text)
    )


def _possession_hits(reader: Reader) -> Iterator[_Hit]:
    for match in _possession_pattern(reader.names_pattern).finditer(reader.text):
        yield _hit(reader, match.start(), match.end(), "possession", named=False)


@lru_cache(maxsize=64)
def _possession_pattern(owners: str) -> re.Pattern[str]:
    """ "Sam's typo", "his mistake", "caused by the on-call": built once per set of names."""
    role = (
        r"(?i:(?:the\s+|an?\s+|our\s+|one\s+of\s+(?:the|our)\s+)?(?:on-?call|engineer|developer"
        r"|operator|reviewer|deployer|intern|sre|admin|dba|release\s+manager)s?)"
    )
    who = rf"(?:{owners}|{role})" if owners else role
    owner = rf"{who}(?:'s|s')"
    return re.compile(
        rf"(?<![\w])(?:{owner}|(?i:\b(?:his|her|their|my|our)\b))\s+(?:\w+\s+)?"
        rf"(?i:{_SLIP_NOUNS})\b|(?i:\b(?:{_SLIP_NOUNS})\s+(?:made\s+)?by\s+){who}\b"
        rf"|(?i:\b(?:caused|triggered|introduced|broken)\s+by\s+){who}\b"
    )


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str
    named: bool


def _hit(reader: Reader, start: int, end: int, kind: str, *, named: bool) -> _Hit:
    while end > start and reader.text[end - 1].isspace():
        end -= 1
    return _Hit(start, end, kind, named)


def _extend(text: str, end: int, kind: str) -> int:
    """Include the verb after "failed to", "should have", "didn't": "forgot to renew"."""
    if kind not in {"hindsight", "omission", "forget", "wrong"}:
        return end
    word = re.match(r"\s+(?:to\s+)?[\w'-]+", text[end:])
    return end + word.end() if word else end


def _next_word(after: str) -> str:
    word = re.match(r"\s+(?:to\s+)?([\w'-]+)", after)
    return word.group(1).lower() if word else ""
