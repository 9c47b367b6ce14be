"""Reframing questions: what a facilitator asks the room when a text puts a failure on a person.

A red line under "If she had looked at the graphs" tells the writer the sentence is wrong, but not
what to find out instead. The seed of a blameless review is the question "what let this happen",
asked about the particular thing the text judges: for a counterfactual, what made the step hard to
see or do at the time; for a judgement of speed, what slowed the response down. Each class of
blame finding has one or two such questions, filled in with the deed the text names when it
names one ("What made checking the replication lag hard to see or do at the time?").

Pure functions over plain strings; nothing here raises on any input.
"""

from __future__ import annotations

import re
from enum import StrEnum


class BlameClass(StrEnum):
    """What kind of blame a finding is, which decides the questions that reframe it."""

    COUNTERFACTUAL = "counterfactual"  # "If Dana had checked…", "should have waited"
    SPEED = "speed"  # "was too slow", "took too long to respond"
    SKILL = "skill"  # "junior", "inexperienced", "didn't know what they were doing"
    CHOICE = "choice"  # "chose to skip the canary", "decided not to wait"
    ATTENTION = "attention"  # "careless", "not paying attention", "didn't bother"
    OMISSION = "omission"  # "forgot to renew", "failed to run", "didn't test"
    SIGNAL = "signal"  # "ignored the page", "missed the alert"
    SLIP = "slip"  # "human error", "by mistake", "the wrong cluster", "Sam's typo"
    AGENT = "agent"  # "Priya's change broke checkout": a person's work as what failed
    SHORTCUT = "shortcut"  # "without testing", "without review"
    FAULT = "fault"  # "Lee's fault", "to blame"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[BlameClass, str] = {
    BlameClass.COUNTERFACTUAL: "Hindsight about a person",
    BlameClass.SPEED: "A judgement of speed",
    BlameClass.SKILL: "A judgement of skill",
    BlameClass.CHOICE: "A judgement of a choice",
    BlameClass.ATTENTION: "A judgement of attention",
    BlameClass.OMISSION: "A step left undone, put on a person",
    BlameClass.SIGNAL: "A missed signal, put on a person",
    BlameClass.SLIP: "A slip, put on a person",
    BlameClass.AGENT: "A person's work named as the cause",
    BlameClass.SHORTCUT: "A skipped step, put on a person",
    BlameClass.FAULT: "Fault given to a person",
}

# {doing}: the deed the text names, as a gerund phrase ("checking the replication lag"), or for a
# person's work named as the cause, that work ("the cleanup script").
# Each class has its questions with the deed, and without it for texts that name none.
_QUESTIONS: dict[BlameClass, tuple[tuple[str, ...], tuple[str, ...]]] = {
    BlameClass.COUNTERFACTUAL: (
        (
            "What made {doing} hard to see or do at the time?",
            "What did the people involved know at that moment, and what else needed them?",
        ),
        (
            "What made the right step hard to see or do at the time?",
            "What did the people involved know at that moment, and what else needed them?",
        ),
    ),
    BlameClass.SPEED: (
        (
            "What slowed the response down?",
            "What would have brought the problem to someone sooner?",
        ),
        (
            "What slowed the response down?",
            "What would have brought the problem to someone sooner?",
        ),
    ),
    BlameClass.SKILL: (
        (
            "What would anyone new to this system need to know here, and where would they find it?",
            "Which safeguard relies on experience instead of a check?",
        ),
        (
            "What would anyone new to this system need to know here, and where would they find it?",
            "Which safeguard relies on experience instead of a check?",
        ),
    ),
    BlameClass.CHOICE: (
        (
            "What made {doing} look like the right call at the time?",
            "What were the schedule, the tooling and the team rewarding that day?",
        ),
        (
            "What made that choice look like the right call at the time?",
            "What were the schedule, the tooling and the team rewarding that day?",
        ),
    ),
    BlameClass.ATTENTION: (
        (
            "What was competing for attention at that moment?",
            "What would have made the problem stand out?",
        ),
        (
            "What was competing for attention at that moment?",
            "What would have made the problem stand out?",
        ),
    ),
    BlameClass.OMISSION: (
        (
            "What would have reminded someone of {doing}, or checked that it was done?",
            "What made the step easy to leave out?",
        ),
        (
            "What would have reminded someone of the step, or checked that it was done?",
            "What made the step easy to leave out?",
        ),
    ),
    BlameClass.SIGNAL: (
        (
            "What made the signal look safe to set aside at the time?",
            "What else was arriving around it, and how did it stand out from the rest?",
        ),
        (
            "What made the signal look safe to set aside at the time?",
            "What else was arriving around it, and how did it stand out from the rest?",
        ),
    ),
    BlameClass.SLIP: (
        (
            "What let the slip through unchecked?",
            "What made the mistake easy to make and hard to notice?",
        ),
        (
            "What let the slip through unchecked?",
            "What made the mistake easy to make and hard to notice?",
        ),
    ),
    BlameClass.AGENT: (
        (
            "What let {doing} through unchecked?",
            "Which check would have stopped it before it reached production?",
        ),
        (
            "What let the change through unchecked?",
            "Which check would have stopped it before it reached production?",
        ),
    ),
    BlameClass.SHORTCUT: (
        (
            "What made {doing} optional?",
            "What did the shortcut save that day, and who was waiting for it?",
        ),
        (
            "What made the step optional?",
            "What did the shortcut save that day, and who was waiting for it?",
        ),
    ),
    BlameClass.FAULT: (
        (
            "What conditions made this outcome possible?",
            "Which check would have caught it, and why was it not there?",
        ),
        (
            "What conditions made this outcome possible?",
            "Which check would have caught it, and why was it not there?",
        ),
    ),
}


def questions(kind: BlameClass, deed: str = "") -> tuple[str, ...]:
    """The questions that reframe a finding of `kind`, naming `deed` (a gerund phrase) if any."""
    with_deed, without = _QUESTIONS[kind]
    if not deed.strip():
        return without
    return tuple(q.replace("{doing}", deed.strip()) for q in with_deed)


# ---- the deed a text names, as a gerund phrase ---------------------------------------------

# Verbs whose past forms are not base + "ed": past and participle both map to the base.
_IRREGULAR = {
    "ran": "run",
    "run": "run",
    "read": "read",
    "wrote": "write",
    "written": "write",
    "took": "take",
    "taken": "take",
    "told": "tell",
    "sent": "send",
    "made": "make",
    "did": "do",
    "done": "do",
    "put": "put",
    "set": "set",
    "kept": "keep",
    "left": "leave",
    "brought": "bring",
    "thought": "think",
    "gave": "give",
    "given": "give",
    "built": "build",
    "paid": "pay",
    "saw": "see",
    "seen": "see",
    "knew": "know",
    "known": "know",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "began": "begin",
    "begun": "begin",
    "chose": "choose",
    "chosen": "choose",
    "forgot": "forget",
    "forgotten": "forget",
    "held": "hold",
    "heard": "hear",
    "caught": "catch",
    "found": "find",
    "spent": "spend",
    "hit": "hit",
    "shut": "shut",
    "cut": "cut",
    "let": "let",
    "rolled": "roll",
    "understood": "understand",
    "stood": "stand",
    "became": "become",
    "come": "come",
    "came": "come",
    "been": "be",
    "was": "be",
    "were": "be",
}
_WORD = re.compile(r"[A-Za-z][\w'-]*")
# Where the deed ends: a clause boundary or the outcome that follows it.
_DEED_END = re.compile(
    r"[,;!?()\u2014\u2013]|[.:](?!\d)|\s(?:and|but|so|then|which|because|before|after|when|while|since"
    r"|until|or|the outage|this|none|we|it would|nothing|would|could)\b",
    re.IGNORECASE,
)
_VOWELS = "aeiou"


def deed(words_after: str, *, limit: int = 7) -> str:
    """The deed a text names from its verb on, as a gerund phrase, or "" when none is readable.

    "checked the replication lag, the failover…" -> "checking the replication lag";
    "to skip the canary stage" -> "skipping the canary stage"; "been paying attention" -> "".
    """
    text = words_after.strip()
    text = re.sub(
        r"^(?:(?:to|have|had|not|just|only|even|actually|first|properly|really|ever"
        r"|bothered\s+to)\s+)+",
        "",
        text,
        flags=re.IGNORECASE,
    )
    end = _DEED_END.search(text)
    phrase = text[: end.start()] if end else text
    words = phrase.split()
    if not words or not _WORD.fullmatch(words[0]):
        return ""
    if base_form(words[0]) in {"be", "have", "do", "get", "go"}:
        return ""
    rest = [w.strip('"“”') for w in words[1:limit]]
    return " ".join([gerund_of(words[0]), *rest]).strip()


def thing(words_after: str, *, limit: int = 5) -> str:
    """The noun phrase a verb acts on: "the pre-flight checklist, and …" -> "the pre-flight
    checklist"; "" when none follows."""
    end = _DEED_END.search(words_after)
    words = (words_after[: end.start()] if end else words_after).split()[:limit]
    if not words or words[0].lower() not in {"the", "a", "an", "our", "their", "its"}:
        return ""
    return " ".join(words)


def base_form(word: str) -> str:
    """The base form of an irregular past ("ran" -> "run"); other words lower-cased as they are."""
    low = word.lower()
    return _IRREGULAR.get(low, low)


def gerund_of(word: str) -> str:
    """The -ing form of a verb given bare or in the past: "checked" -> "checking", "noticed" ->
    "noticing", "stopped" -> "stopping", "verified" -> "verifying", "ran" -> "running"."""
    low = word.lower()
    if low.endswith("ing") and len(low) > 5:
        return low  # already one: "testing"
    if low in _IRREGULAR:
        return gerund(_IRREGULAR[low])
    if low.endswith("ied") and len(low) > 4:
        return low[:-3] + "ying"
    if low.endswith("eed") and not low.endswith("eeed") and len(low) > 5 and low[-4] != "e":
        return low[:-1] + "ing"  # "agreed" -> "agreeing"; "proceeded" ends in "ded"
    if low.endswith("ed") and len(low) > 3:
        return low[:-2] + "ing"  # the e a base loses before "ed" it loses before "ing" too
    return gerund(low)


# Verbs of two syllables stressed on the last, which double their consonant like "run".
_DOUBLING = frozenset(
    ("forget", "admit", "commit", "submit", "omit", "permit", "refer", "prefer", "occur")
)


def gerund(verb: str) -> str:
    """ "check" -> "checking", "notice" -> "noticing", "run" -> "running", "die" -> "dying"."""
    if verb in _DOUBLING:
        return verb + verb[-1] + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if _one_syllable_cvc(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _one_syllable_cvc(verb: str) -> bool:
    groups = re.findall(r"[aeiou]+", verb)
    return (
        len(groups) == 1
        and len(verb) >= 3
        and verb[-1] not in _VOWELS + "wxy"
        and verb[-2] in _VOWELS
        and verb[-3] not in _VOWELS
    )
