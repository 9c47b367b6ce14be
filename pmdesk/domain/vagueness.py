"""Vague action titles: actions that name no concrete deliverable.

An action item is only worth tracking if someone can tell when it is done. "Improve monitoring"
can never be done; "Alert when the checkout error rate stays above 2% for 2 minutes" can. The
rule reads the title the way a reviewer would: what is the lead verb, and what does it act on?

- Some verbs never produce a change on their own: studying ("investigate", "consider"), wishing
  ("ensure", "make sure"), or asking people to behave differently ("be more careful", "train").
- Some verbs change something but say neither what nor how much ("improve", "increase",
  "harden"): they pass only with a number or a "by doing X" clause that is concrete itself.
- Concrete verbs ("add", "fix", "write") still need a specific object: "add monitoring" or "fix
  the bug" names only a generic noun, and nobody can tell which monitoring or which bug.

Pure functions over plain strings; nothing here raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmdesk.domain.patterns import LazyPattern


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Vagueness:
    """Why an action title is vague, and how to make it concrete (shown to the author)."""

    message: str


# Verbs that start a study, a wish or a conversation: no change comes out of them directly.
_STUDY = (
    "investigate|look into|look at|consider|discuss|explore|evaluate|assess|analy[sz]e|research"
    "|study|think about|figure out|understand|determine|brainstorm|talk about|check on"
    "|review|revisit|re-?evaluate|re-?assess|audit|follow up|try to|try and|see if|see whether"
    "|find out|identify|learn from|reflect on|keep an eye on|be aware|raise awareness"
)
# Verbs that state an outcome or a wish without saying what changes.
_WISH = (
    "ensure|make sure|prevent|avoid|guarantee|eliminate|address|tackle|deal with|mitigate"
    "|work on|focus on|prioriti[sz]e|continue to|strive to|aim to|do better|get better"
)
# Verbs that ask people to behave differently; behaviour fades, the system stays.
_BEHAVIOUR = (
    "be|become|train|educate|remind|tell|ask|encourage|communicate|coordinate|collaborate"
    "|double-?check|triple-?check|pay (?:closer |more |better )?attention|take care|share|spread"
    "|learn|practi[sc]e|re-?train|onboard|work (?:closely )?with|partner with|sync with"
    "|align with|reach out to|talk (?:to|with)|engage with|check in with|meet with"
)
# Plans to talk to someone: a meeting is a way to find the change, not the change.
_TALK = (
    "have (?:a |an )?(?:(?:quick|short|follow-up|proper) )?(?:conversation|chat|talk|discussion"
    "|call|meeting|sync|session)s?(?: with)?|(?:set up|schedule|book|arrange|organi[sz]e|hold)"
    " (?:a |an )?(?:(?:quick|short|follow-up|recurring|regular) )?(?:meeting|call|sync|session"
    "|chat|conversation|discussion|workshop)s?|loop in|touch base|get in touch|connect with"
    "|follow up with|open (?:a |the )?(?:dialogue|conversation|discussion)|start (?:a |the )?"
    "(?:dialogue|conversation|discussion)|raise (?:this|it|the (?:issue|topic|problem)) with"
    "|bring (?:this|it) up with|get together with|circle back with|liaise with|consult(?: with)?"
)
# Promises to watch something harder: attention fades, an alert does not.
_WATCH = (
    "keep (?:a |an )?(?:(?:close|closer|careful|sharp|sharper|better|watchful) )?(?:eye|watch)"
    " (?:on|over)"
    "|keep tabs on|stay on top of|keep (?:watching|monitoring|tracking|an eye out)"
    "|(?:closely|carefully|actively|continuously|regularly) (?:watch|monitor|track|observe"
    "|follow|check)|be (?:more )?(?:vigilant|alert|watchful|attentive|mindful)"
)
# "Monitor lag more closely": a verb of watching with a manner, not a mechanism.
_WATCH_VERB = LazyPattern(r"^(?:watch|monitor|track|observe|follow|check)\b", re.IGNORECASE)
_WATCH_MANNER = LazyPattern(
    r"\b(?:more\s+(?:closely|carefully|often|frequently|regularly|attentively|aggressively"
    r"|diligently)|closely|carefully|harder|better|going\s+forward|from\s+now\s+on)\b",
    re.IGNORECASE,
)
# Training is concrete when it says who is trained, on what, and by when.
_TRAINING = LazyPattern(
    r"^(?:train|re-?train|educate|onboard|teach|coach|drill|walk)\b", re.IGNORECASE
)
_DEADLINE = LazyPattern(
    r"\b(?:by|before|on|until|no later than|due|in)\s+(?:\d|(?:the\s+)?end\s+of|eo[mqy]\b"
    r"|q[1-4]\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|mon|tue|wed|thu|fri"
    r"|next\s+(?:week|month|quarter|sprint))",
    re.IGNORECASE,
)
_TRAINEES = LazyPattern(
    r"\b(?:all|every|each|the|our|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:engineers?|on-?calls?|sres?|developers?|operators?|responders?"
    r"|hires?|members?|rotation|shift|team|dbas?|staff|reviewers?)\b",
    re.IGNORECASE,
)
_ASKED = LazyPattern(
    r"^(?:ask|tell|remind|encourage)\s+(?:[\w'.-]+\s+){1,4}?to\s+(?=\w)", re.IGNORECASE
)
_TRAINED_ON = LazyPattern(r"\b(?:on|in|through|about|with)\s+(?P<what>.+)$", re.IGNORECASE)
# Verbs that change something by some amount: concrete only with a target or a method.
_MEASURE = (
    "improve|enhance|optimi[sz]e|increase|decrease|reduce|lower|raise|boost|harden|strengthen"
    "|tighten|streamline|simplify|refine|expand|extend|grow|maximi[sz]e|minimi[sz]e|speed up"
    "|scale up|beef up|level up|step up|modernize|modernise|upgrade|refactor|rework|clean up"
    "|tidy up|update|revise|polish|standardi[sz]e|formali[sz]e|stabili[sz]e"
)

# "We need to ...", "Let's ...", "TODO: ...": the lead verb comes after these.
_PREFIX = LazyPattern(
    r"^(?:(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:we|team|you|everyone|engineers?|devs?|developers?|sres?"
    r"|ops|on-?calls?|owners?|rotation)\s+(?:should|must|need to|needs to|will|shall|have to"
    r"|has to|to|are going to|is going to)\s+|(?:let'?s|please|need to|must|should|todo:?"
    r"|action:?)\s+)+",
    re.IGNORECASE,
)
_LEAD = LazyPattern(
    rf"^(?P<verb>(?P<talk>{_TALK})|(?P<watch>{_WATCH})|(?P<study>{_STUDY})|(?P<wish>{_WISH})"
    rf"|(?P<behaviour>{_BEHAVIOUR})|(?P<measure>{_MEASURE}))\b",
    re.IGNORECASE,
)
# "make deployments safer", "make the alerts more useful": an adjective instead of a change.
_MAKE_COMPARATIVE = LazyPattern(
    r"^make\b.*\b(?:\w+er|more\s+\w+|less\s+\w+|better|safer|robust|reliable|resilient|stable"
    r"|secure|visible|clear|easier|faster)$",
    re.IGNORECASE,
)
# A noun-phrase title led by a comparative: "Better communication during incidents".
_COMPARATIVE_LEAD = LazyPattern(
    r"^(?:better|more|less|fewer|improved|increased|enhanced|stronger|clearer|faster|greater"
    r"|proper|additional|extra|further|general|overall)\b",
    re.IGNORECASE,
)
# "Reach out to the vendor re: rate limits": the topic, not a second part of the title.
_REGARDING = LazyPattern(r"\s+re:\s*", re.IGNORECASE)
_CADENCE = LazyPattern(
    r"\b(?:daily|weekly|bi-?weekly|fortnightly|monthly|quarterly|yearly|annually|every|each)\b",
    re.IGNORECASE,
)
# A number is what makes "improve" or "reduce" checkable: "to 60 seconds", "at 80%".
_NUMBER = LazyPattern(r"\d")
# "Improve alerting by adding a p99 alert ...": the method after "by" is the real deliverable.
_BY_CLAUSE = LazyPattern(r"\b(?:by|via|through)\s+(?P<how>\w+ing\b.*)$", re.IGNORECASE)
# "... : add X" or "... - add X" or "... and add X": a second, possibly concrete, part.
_PART_SPLIT = LazyPattern(
    r"\s*(?:[:;(]|\s[-\u2013\u2014]\s|\band then\b|\band\b|\bthen\b)\s*", re.IGNORECASE
)
_WORDS = LazyPattern(r"[^\W_](?:[\w'\u2019./#*-]*\w)?")
_GERUND_TO_BASE = LazyPattern(r"^(\w+?)(?:ing)$", re.IGNORECASE)

# Nouns too general to say which thing changes: "add monitoring", "fix the bug".
_GENERIC_NOUNS = _words("""
    monitoring monitor monitors alerting alert alerts test tests testing coverage process
    processes procedure procedures documentation docs doc issue issues bug bugs problem problems
    thing things stuff runbook runbooks playbook playbooks check checks checking observability
    reliability logging logs metrics dashboard dashboards safeguard safeguards guardrail
    guardrails validation tooling tool tools infrastructure infra system systems code codebase
    config configs configuration configurations communication communications error errors
    handling resilience redundancy security performance capacity automation training review
    reviews quality visibility stability incident incidents outage outages root cause causes
    everything deployment deployments deploy deploys database databases service services
    server servers platform failures failure mistakes mistake gaps gap risk risks response
    on-call oncall practices practice workflow workflows policy policies standards hygiene
    setup architecture environment environments team teams engineers everyone people rollout
    rollouts release releases change changes plan planning strategy approach situation area
    areas components improvements measures steps step actions follow-ups fix fixes solution
    solutions health status lessons learnings knowledge awareness ownership culture
    collaboration coordination escalation escalations handoff handoffs it this that these
    those them way ways tests. visibility insight insights detection recovery backups backup
    test-coverage operations ops tech debt site app application applications flow flows
    pipeline pipelines cluster clusters retro retros retrospective meeting meetings session
    sessions workshop discussion sync learned learnt
    """)
# Words that carry no content of their own in an object phrase.
_FILLER = _words("""
    the a an our your their its my all any some more better much many few fewer less proper
    additional extra new further appropriate sufficient relevant necessary related overall
    general existing current good robust comprehensive improved adequate various other same
    such stronger clearer faster safer enough again earlier future going forward next time
    possible where needed if as asap soon around of for to in on with about across and or
    so this these those that it whole entire every each up out closely carefully regularly
    frequently often continuously actively
    """)

_EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        r"monitor|alert|observab|visib|detect|dashboard|page|metric",
        "Add a latency alert to the checkout service with a 5-second threshold",
    ),
    (
        r"test|coverage|qa\b",
        "Write an integration test that fails when the config has duplicate keys",
    ),
    (r"doc|runbook|playbook|wiki", "Document the database failover steps in the checkout runbook"),
    (
        r"deploy|release|rollout|config|push|canary|change",
        "Push config changes to one region as a 10-minute canary before the rest",
    ),
    (
        r"database|\bdb\b|backup|restore|replica",
        "Page the database on-call when replication lag exceeds 30 seconds",
    ),
    (
        r"communicat|status|stakeholder|incident|channel",
        "Post to #incidents when a deploy targets more than one region",
    ),
    (r"review|process|approv|careful|check", "Require two approvals on changes to payments-config"),
    (
        r"bug|issue|error|fix|problem",
        "Reject empty region lists in the deploy tool's argument parser",
    ),
)
_DEFAULT_EXAMPLE = "Add a latency alert to the checkout service with a 5-second threshold"


def find_vagueness(title: str) -> Vagueness | None:
    """Why `title` names no concrete deliverable, or None when it says what changes on what."""
    written = " ".join(title.split()).rstrip(".!?")
    text = _REGARDING.sub(" regarding ", _PREFIX.sub("", written))
    if not text or not _WORDS.search(text):
        return None
    reason = _vague_reason(text)
    if reason is None:
        return None
    return Vagueness(_message(written, reason))


def _vague_reason(text: str) -> str | None:
    """Which kind of vagueness the title has ("study", "wish", ...), or None when concrete.

    A title with several parts ("Investigate the timeouts and add a retry with backoff") is
    concrete when any part is: one real deliverable is enough to follow up on.
    """
    parts = [p for p in _PART_SPLIT.split(text) if p and _WORDS.search(p)]
    reasons = [_part_reason(part) for part in parts] or [_part_reason(text)]
    if any(reason is None for reason in reasons):
        return None
    return reasons[0]


def _part_reason(part: str) -> str | None:
    lead = _LEAD.match(part)
    if lead is not None:
        kind = next(
            k for k in ("talk", "watch", "study", "wish", "behaviour", "measure") if lead.group(k)
        )
        rest = part[lead.end() :]
        if kind in {"talk", "watch"}:
            return kind
        if kind == "behaviour" and _specific_training(part):
            return None
        asked = _ASKED.match(part)
        if kind == "behaviour" and asked is not None:
            # "Ask Stripe support to confirm the retry schedule in writing": what they are asked
            # to do is the deliverable, and it is judged as a title of its own.
            return _part_reason(part[asked.end() :])
        if kind == "study":
            # "Review burn-rate alerts weekly in the ops meeting" is a standing routine.
            recurring = lead.group("verb").lower() in {"review", "audit"} and _CADENCE.search(rest)
            return None if recurring else kind
        if _has_concrete_method(rest):
            return None
        if kind in {"measure", "wish"} and _NUMBER.search(rest):
            return None
        if (
            kind == "measure"
            and not _is_generic(rest)
            and lead.group("verb").lower() in {"upgrade", "update", "extend"}
        ):
            # "Upgrade the Postgres operator" names the thing that changes; "Refactor the retry
            # logic" or "Clean up the pipeline" does not say into what.
            return None
        return kind
    if _WATCH_VERB.match(part) and _WATCH_MANNER.search(part):
        return "watch"
    if _MAKE_COMPARATIVE.match(part):
        return "comparative"
    if _COMPARATIVE_LEAD.match(part):
        return "comparative"
    words = _WORDS.findall(part)
    if len(words) >= 1 and _is_generic(" ".join(words[1:])):
        return "generic"
    return None


def _specific_training(part: str) -> bool:
    """ "Walk all five checkout on-call engineers through the rollback runbook before 15 March":
    who is trained, on what, and by when, so anyone can tell whether it happened."""
    if not _TRAINING.match(part) or not _DEADLINE.search(part) or not _TRAINEES.search(part):
        return False
    on = _TRAINED_ON.search(part)
    subject = _DEADLINE.split(on.group("what"))[0] if on else ""
    return bool(subject.strip()) and not _is_generic(subject)


def _has_concrete_method(rest: str) -> bool:
    """Whether "... by adding X" follows, with X concrete on its own."""
    by = _BY_CLAUSE.search(rest)
    if by is None:
        return False
    how = by.group("how")
    base = _GERUND_TO_BASE.sub(r"\1", how.split(maxsplit=1)[0])
    return _part_reason(" ".join([base, *how.split()[1:]])) is None and not _is_generic(
        " ".join(how.split()[1:])
    )


def _is_generic(phrase: str) -> bool:
    """True when the phrase has no word beyond generic nouns and filler ("more tests")."""
    content = [w.lower() for w in _WORDS.findall(phrase) if w.lower() not in _FILLER]
    return all(w.rstrip(".") in _GENERIC_NOUNS for w in content)


def _message(text: str, reason: str) -> str:
    quoted = f"“{_clip(text)}”"
    example = f"e.g. “{_example_for(text)}”."
    if reason == "study":
        return (
            f"{quoted} is a study, not a change: once it is understood, say what changes on "
            f"which thing, {example}"
        )
    if reason == "wish":
        return (
            f"{quoted} states a wish, not a deliverable: name the change to the system that "
            f"makes it true, on which thing, {example}"
        )
    if reason == "talk":
        return (
            f"{quoted} plans a conversation, not a change: say what the conversation must "
            f"produce, on which thing, {example}"
        )
    if reason == "watch":
        return (
            f"{quoted} promises to watch harder, and attention fades after a few weeks: "
            f"say which alert or check does the watching, with its threshold, {example}"
        )
    if reason == "behaviour":
        return (
            f"{quoted} asks people to behave differently, which fades after a few weeks: "
            f"change the system instead, say what changes on which thing, {example}"
        )
    if reason == "measure":
        return (
            f"{quoted} names no deliverable: say what changes on which thing, with a target or "
            f"a method (“to 60 seconds”, “by adding …”), {example}"
        )
    if reason == "comparative":
        return (
            f"{quoted} describes a better state, not how to reach it: say what changes on "
            f"which thing, {example}"
        )
    noun = _generic_noun(text)
    return (
        f"{quoted} names only a generic {noun}, so nobody can tell when it is done: say which "
        f"one changes, where, and how, {example}"
    )


def _generic_noun(text: str) -> str:
    """The generic word the title leans on ("tests" in "Add more tests"), for the message."""
    words = [w.lower() for w in _WORDS.findall(text)[1:]]
    nouns = [w for w in words if w in _GENERIC_NOUNS and w not in _FILLER]
    return f"“{nouns[-1]}”" if nouns else "thing"


def _example_for(text: str) -> str:
    """A concrete action on the same topic as the vague one, as a model to follow."""
    lowered = text.lower()
    for pattern, example in _EXAMPLES:
        if re.search(pattern, lowered):
            return example
    return _DEFAULT_EXAMPLE


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
