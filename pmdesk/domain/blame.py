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
    PARTICIPLES,
    PERSON,
    Clause,
    Reader,
    names_pattern,
    normalise,
    person_names,
)
from pmdesk.domain.clauses import words as _words
from pmdesk.domain.patterns import LazyPattern
from pmdesk.domain.reframing import BlameClass, deed, questions, thing


@dataclass(frozen=True, slots=True)
class BlameHit:
    """Where a text puts the failure on a person, and a blameless way to say it instead."""

    phrase: str  # the words as they appear in the text
    start: int  # text[start:end] == phrase
    end: int
    suggestion: str
    kind: BlameClass = BlameClass.SLIP
    # what the facilitator can ask the room instead: "What made checking the lag hard to see?"
    questions: tuple[str, ...] = ()


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

# Judgements of speed, skill and choice: verdicts on a person, but plain facts about a system
# ("the failover was too slow", "the pipeline skipped the canary"), so the subject decides.
_SPEED = (
    r"(?:far\s+|way\s+|much\s+)?too\s+slow(?:ly)?|(?:very\s+|really\s+|painfully\s+)?slow\s+"
    r"(?:to|in)\s+\w+|took\s+(?:far\s+|way\s+|much\s+)?(?:too\s+long|forever|ages"
    r"|(?:so|too)\s+much\s+time)|dragged\s+(?:his|her|their|our|my|your)\s+feet|dawdled"
    r"|sat\s+on\s+(?:it|the\s+\w+)|waited\s+(?:far\s+|way\s+)?too\s+long|too\s+late\s+to\s+\w+"
)
_SKILL = (
    r"junior|inexperienced|rookie|novice|untrained|unqualified|under-?qualified|unskilled"
    r"|out\s+of\s+(?:his|her|their|my|our|your)\s+depth"
    r"|(?:not|\w+n't)\s+up\s+to\s+(?:the\s+)?(?:task|job)"
    r"|(?:not|\w+n't)\s+(?:yet\s+|really\s+|quite\s+)?(?:competent|experienced|skilled|qualified"
    r"|senior|good|ready)\s+enough"
    r"|lack(?:ed|s|ing)?\s+(?:the\s+)?(?:necessary\s+|required\s+|relevant\s+)?(?:experience"
    r"|skills?|expertise|competence|seniority)"
    r"|should\s+know\s+(?:better|by\s+now)|(?:did\s+not|didn't|does\s+not|doesn't)\s+know\s+what"
    r"\s+(?:he|she|they|i|we|you)\s+(?:was|were|are|is|am)\s+doing|(?:too|very)\s+(?:new|green)"
)
_CHOICE = (
    r"(?:chose|choose|chooses|choosing|decided|decides|deciding|opted|opts|elected|preferred)"
    r"\s+(?:not\s+to\s+\w+|to\s+(?:skip|ignore|bypass|override|disable|circumvent|forgo|forego"
    r"|defer|postpone|silence|mute|suppress|cut|force|overrule|turn\s+off|risk|gamble)|against"
    r"\s+\w+)|opted\s+out\s+of|went\s+ahead\s+(?:and\s+\w+\s+)?(?:anyway|regardless)"
    r"|(?:anyway|regardless)(?=\s*(?:[.!;,]|$))|overrul(?:ed|es|ing)|overrode"
    r"|on\s+a\s+(?:hunch|whim|gut\s+feeling)|took\s+(?:a|the)\s+shortcut"
    r"|even\s+though\b[^.;]{0,60}?\b(?:said|told|asked|warned)\s+(?:\w+\s+)?not\s+to"
    r"|despite\s+(?:the\s+|a\s+|an\s+|repeated\s+|clear\s+|explicit\s+)*(?:change\s+)?(?:freeze"
    r"|warnings?|advice|polic(?:y|ies)|instructions|objections?)"
)
_JUDGED = LazyPattern(
    rf"\b(?:(?P<speed>{_SPEED})|(?P<skill>{_SKILL})|(?P<choice>{_CHOICE}))\b", re.IGNORECASE
)
# Skill words name a person wherever they modify one: "a junior engineer ran the script".
_SKILL_ADJECTIVES = _words("junior inexperienced rookie novice untrained unqualified unskilled")
# Nobody on X bothered: the judgement of a whole group.
_NOBODY_BOTHERED = LazyPattern(
    r"\b(?:nobody|no\s+one)\b(?:\s+[\w-]+){1,5}?\s+(?:even\s+|really\s+)?bothered\b",
    re.IGNORECASE,
)

# Counterfactuals: "If Priya had checked …", "Had Nowak waited …", "Were the reviewer more
# careful …". Hindsight about a person is blame; about the system ("If the alert had fired at
# 80%") it is the start of an action.
_IF = LazyPattern(r"\b(?:if(?:\s+only)?|unless)\s+", re.IGNORECASE)
_CLAUSE_START = LazyPattern(
    r"(?:^|[,;:.!?()\u2013\u2014]\s*|\s-\s+|\b\d{1,2}:\d{2}\s+|\b(?:and|but|lesson)\s+)"
    r"(?P<aux>had|were)\s+",
    re.IGNORECASE,
)
_AUX = LazyPattern(
    r"(?P<aux>had(?:n't|\s+not|\s+never)?|'d|(?:would|could)(?:n't|\s+not)?\s+have"
    r"|(?:would|could)(?:n't|\s+not)?'ve|were(?:n't|\s+not)?|was(?:n't|\s+not)?"
    r"|did(?:n't|\s+not))\s+(?P<verb>[\w'-]+)(?:\s+(?P<then>[\w'-]+))?",
    re.IGNORECASE,
)
# Knowing is not doing: "If we had known about the limit" asks where the knowledge was.
_KNOWING = _words("known realised realized understood heard had been got gotten received told seen")
_HEDGES = _words("a little bit much far just slightly somewhat only")
# After "were" and "had been": the manner a person is judged by ("more careful", "watching").
_MANNER = _words("""
    more less quicker faster slower sooner earlier better closer careful attentive around there
    awake available present paying watching looking checking listening following reading
    """)
# Possessives as the agent of a failure: "Priya's change broke checkout". Only verbs of damage:
# "Dana's change exposed a latent bug" or "… triggered a race" says what the change revealed.
_AGENT_VERBS = (
    r"broke|break|breaks|took\s+(?:down|out|offline)|brought\s+down|knocked\s+(?:out|over)"
    r"|(?:took|brought|knocked)\s+(?:[\w-]+\s+){1,3}?(?:down|offline|out|over)|caused|deleted"
    r"|wiped|dropped|corrupted|crashed|introduced|locked|overwhelmed|overloaded|pointed|disabled"
    r"|let|exhausted|filled|erased|truncated|blocked|froze|stalled|leaked|killed|overwrote"
    r"|destroyed|shut\s+down|flooded|emptied|burn(?:ed|t)\s+through|used\s+up"
)
# Between the work and its verb: "the on-call's restart that corrupted", "the call … is what
# brought the site down", "the merge quietly reverted the fix and let the scraper back in".
_AGENT = LazyPattern(
    r"(?P<owner>(?<![\w'])[^\W\d_][\w-]*(?:'s|(?<=s)')(?![\w])|\b(?:his|her|their|our|my|your)\b)"
    r"(?P<what>(?:\s+[\w./-]+){1,10}?)"
    r"(?:\s+(?:and|that|is\s+what|was\s+what))?"
    rf"\s+(?P<verb>{_AGENT_VERBS})\b",
    re.IGNORECASE,
)
# A person's work aimed wider or elsewhere than meant: "Adeyemi's flush command targeted every
# keyspace, not just the test one", "the intern's cron entry ran every minute instead of …".
_AGENT_SCOPE = LazyPattern(
    r"(?P<owner>(?<![\w'])[^\W\d_][\w-]*(?:'s|(?<=s)')(?![\w])|\b(?:his|her|their|our|my|your)\b)"
    r"(?P<what>(?:\s+[\w./-]+){1,10}?),?"
    r"\s+(?P<verb>instead\s+of|not\s+just|rather\s+than)\b",
    re.IGNORECASE,
)
# A possessive as the named cause: "Root cause: the on-call's manual restart of …".
_CAUSE_LEAD = LazyPattern(
    r"\b(?:root\s+cause(?:\s+(?:was|is))?\s*[:\-\u2013\u2014]?|caused\s+by|due\s+to"
    r"|because\s+of|triggered\s+by|the\s+result\s+of)\s+(?:the\s+)?"
    r"(?P<owner>[^\W\d_][\w-]*(?:'s|(?<=s)')(?![\w])|\b(?:his|her|their|our|my|your)\b)",
    re.IGNORECASE,
)
# The work a possessive names after "Root cause:": "the on-call's manual restart (of …)".
_CAUSE_NOUN = LazyPattern(r"(?:\s+(?!(?:of|in|on|to|at|and|which|that|was|is)\b)[\w-]+){1,3}")
# Nouns that name what a person did, after "their" or "our" (which may stand for systems too).
_DEED_NOUNS = _words("""
    change changes push commit commits typo deploy deployment hotfix fix patch script query
    command edit migration pr config restart rollout approval mistake decision merge update
    cron crontab flush playbook call
""")
# Words that end the noun phrase between a possessive and its verb: a new clause begins.
_PHRASE_BREAKS = _words("""
    and but or which that who was were is are had has have been not so because when while after
    before if then also
""")

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
    "skip": "Say why the step could be skipped, e.g. “The deploy tool lets a hotfix leave out "
    "the canary stage with one flag”.",
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
    "counterfactual": "Hindsight judges people; say what was known at the time and which check "
    "or signal was missing, e.g. “The migration plan is not checked against the replica count”.",
    "speed": "Say what slowed the response, e.g. “The page went to a phone on silent and nothing "
    "escalated it for 20 minutes”.",
    "skill": "Say what the system expected people to know, e.g. “The admin CLI does not show which "
    "environment it is connected to”.",
    "choice": "Say what made the choice look reasonable at the time, e.g. “The canary stage adds "
    "40 minutes and hotfixes are expected within the hour”.",
    "agent": "Name the change and what let it through, not whose it was, e.g. “A config change "
    "that disabled session caching passed review and reached every region at once”.",
}
# Which class of blame each rule finds: the class chooses the questions that reframe it.
_CLASSES: dict[str, BlameClass] = {
    "error": BlameClass.SLIP,
    "character": BlameClass.ATTENTION,
    "fault": BlameClass.FAULT,
    "hindsight": BlameClass.COUNTERFACTUAL,
    "counterfactual": BlameClass.COUNTERFACTUAL,
    "omission": BlameClass.OMISSION,
    "forget": BlameClass.OMISSION,
    "ignore": BlameClass.SIGNAL,
    "skip": BlameClass.SHORTCUT,
    "slip": BlameClass.SLIP,
    "without": BlameClass.SHORTCUT,
    "wrong": BlameClass.SLIP,
    "possession": BlameClass.SLIP,
    "agent": BlameClass.AGENT,
    "speed": BlameClass.SPEED,
    "skill": BlameClass.SKILL,
    "choice": BlameClass.CHOICE,
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
    judgements = [*_judgement_hits(reader), *_judged_hits(reader), *_counterfactual_hits(reader)]
    possessions = list(_possession_hits(reader))
    # "Sam's typo … disabled checkout": the typo is the finding; the verb after it adds nothing.
    agents = [
        hit
        for hit in _agent_hits(reader)
        if not any(p.start < hit.end and hit.start < p.end for p in possessions)
    ]
    hits = sorted(
        [*judgements, *_slip_hits(reader), *possessions, *agents],
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
    chosen = next((h for h in judgements if h.start < end and first.start < h.end), first)
    advice = _SUGGESTIONS[chosen.kind]
    if any(h.named for h in overlapping) or reader.names_in(first.start, end):
        advice = _ROLE_ADVICE + advice
    kind = _CLASSES[chosen.kind]
    done = chosen.deed or next((h.deed for h in overlapping if h.deed), "")
    return BlameHit(
        reader.original[first.start : end],
        first.start,
        end,
        advice,
        kind,
        questions(kind, done),
    )


def _matches(reader: Reader, pattern: LazyPattern, lowered: LazyPattern) -> Iterator[re.Match[str]]:
    """`pattern`'s matches in the text, found by its case-sensitive twin in the lower-cased text
    where lower-casing keeps every offset (it does for all but a few letters, such as "İ")."""
    if reader.lower is not None:
        return lowered.finditer(reader.lower)
    return pattern.finditer(reader.text)


def _judgement_hits(reader: Reader) -> Iterator[_Hit]:
    for match in _matches(reader, _JUDGEMENT, _JUDGEMENT_LOWER):
        if _NEGATED_BEFORE.search(reader.text[max(0, match.start() - 40) : match.start()]):
            continue
        kind = next(k for k in ("error", "character", "fault", "hindsight") if match.group(k))
        yield _hit(reader, match.start(), match.end(), kind, named=False)
    for match in _NOBODY_BOTHERED.finditer(reader.text):
        done = deed(reader.text[match.end() :])
        yield _hit(reader, match.start(), match.end(), "character", named=False, done=done)


def _judged_hits(reader: Reader) -> Iterator[_Hit]:
    """Speed, skill and choice: a verdict when said of a person ("Luis took far too long")."""
    text = reader.text
    for match in _matches(reader, _JUDGED, _JUDGED_LOWER):
        kind = next(k for k in ("speed", "skill", "choice") if match.group(k))
        if _NEGATED_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        word = match.group().lower()
        if kind == "skill" and word in _SKILL_ADJECTIVES and _modifies_person(reader, match.end()):
            yield _hit(
                reader, match.start(), match.end() + _next_len(text, match.end()), kind, named=False
            )
            continue
        clause = reader.clause(match.start(), match.end(), passive=False)
        if clause.subject is not PERSON:
            continue
        start = clause.subject_start if clause.subject_start is not None else match.start()
        if not 0 <= match.start() - start <= 60:
            start = match.start()
        done = ""
        if kind == "choice" and re.match(r"(?:cho|deci|opt|elect|prefer)", word):
            said = text[match.start() : match.end()]
            done = deed(re.sub(r"^\w+\s+(?:not\s+)?", "", said) + text[match.end() :])
            done = _negated(done, bool(re.search(r"\bnot\s+to\b", said, re.IGNORECASE)))
        yield _hit(reader, start, match.end(), kind, named=clause.named, done=done)


def _modifies_person(reader: Reader, end: int) -> bool:
    """Whether the word before `end` modifies a person word: "junior engineer", "new hire"."""
    after = re.match(r"\s+([\w-]+)", reader.text[end:])
    if after is None:
        return False
    return reader.phrase(end, end + after.end()).subject is PERSON


def _next_len(text: str, end: int) -> int:
    after = re.match(r"\s+[\w-]+", text[end:])
    return after.end() if after else 0


def _counterfactual_hits(reader: Reader) -> Iterator[_Hit]:
    """Hindsight about a person: "If Priya had checked …", "Had Nowak waited …"."""
    text = reader.text
    for lead in _IF.finditer(text):
        rest = text[lead.end() :]
        for aux in _AUX.finditer(rest):
            who_end = lead.end() + aux.start()
            if aux.start() == 0 or re.search(r"[,;:.!?]", rest[: aux.start()]):
                break
            hit = _counterfactual(reader, lead.start(), lead.end(), who_end, aux)
            if hit is not None:
                yield hit
            break
    for lead in _CLAUSE_START.finditer(text):
        start = lead.start("aux")
        after = lead.end()
        # The subject ends where a verb the auxiliary takes begins: try each length in turn.
        words = list(re.finditer(r"[\w'-]+", text[after : after + 80]))
        for k in range(1, min(6, len(words))):
            who_end = after + words[k - 1].end()
            if re.search(r"[,;:.!?]", text[after:who_end]):
                break
            verb = words[k].group().lower()
            negated = verb in {"not", "never"} and k + 1 < len(words)
            if negated:  # "Had Tomas not merged on a Friday …"
                k += 1
                verb = words[k].group().lower()
            then = words[k + 1].group().lower() if k + 1 < len(words) else ""
            verb_end = words[k].end()
            if lead.group("aux").lower() == "were":
                # "Were the deployer a little more careful": hedges before the manner word
                manner = [w for w in words[k : k + 5] if w.group().lower() not in _HEDGES]
                if manner:
                    verb, verb_end = manner[0].group().lower(), manner[0].end()
                    if verb in {"more", "less"} and len(manner) > 1:
                        verb_end = manner[1].end()
            if not _takes(lead.group("aux").lower(), verb, then):
                continue
            phrase = reader.phrase(after, who_end)
            if phrase.subject is PERSON:
                done = (
                    ""
                    if lead.group("aux").lower() == "were"
                    else _negated(deed(text[after + words[k].start() :]), negated)
                )
                yield _hit(
                    reader,
                    start,
                    after + verb_end,
                    "counterfactual",
                    named=phrase.named,
                    done=done,
                )
            break


def _counterfactual(
    reader: Reader, start: int, who_start: int, who_end: int, aux: re.Match[str]
) -> _Hit | None:
    text = reader.text
    verb = aux.group("verb").lower()
    then = (aux.group("then") or "").lower()
    word = aux.group("aux").lower()
    if not _takes(word, verb, then):
        return None
    phrase = reader.phrase(who_start, who_end)
    if phrase.subject is not PERSON:
        return None
    # The auxiliary was matched in the text from the subject on: its offsets count from there.
    verb_start, verb_end = who_start + aux.start("verb"), who_start + aux.end("verb")
    negated = bool(re.search(r"n't|\bnot\b|\bnever\b", word))
    done = "" if word.startswith(("were", "was")) else _negated(deed(text[verb_start:]), negated)
    return _hit(reader, start, verb_end, "counterfactual", named=phrase.named, done=done)


def _negated(done: str, negated: bool) -> str:
    """ "If Sam hadn't merged on a Friday": the step the text asks for is not merging."""
    return f"not {done}" if done and negated else done


def _takes(aux: str, verb: str, then: str) -> bool:
    """Whether `verb` (and the word after it) after the auxiliary says what a person did."""
    aux = " ".join(aux.split())
    if aux.startswith(("were", "was")):
        return verb in _MANNER
    if aux.startswith("did"):
        return False  # "If we did not have a canary": a condition, said of the team
    if verb == "been":
        return then in _MANNER or then.endswith("ing")  # "had been more careful", "watching"
    if verb in _KNOWING:
        return False
    return verb.endswith("ed") or verb in PARTICIPLES


def _slip_hits(reader: Reader) -> Iterator[_Hit]:
    text = reader.text
    for match in _matches(reader, _SLIP_TRIGGER, _SLIP_TRIGGER_LOWER):
        kind = next(k for k in _KINDS if match.group(k))
        if not _trigger_applies(text, match, kind):
            continue
        clause = reader.clause(match.start(), match.end())
        if _is_blame(clause, kind, text[match.end() :]):
            start = clause.subject_start if clause.subject_start is not None else match.start()
            if not 0 <= match.start() - start <= 40:  # an agent after the verb, or far away
                start = match.start()
            end = _extend(text, match.end(), kind)
            if kind == "ignore" and match.group().lower().startswith(("skip", "bypass")):
                kind = "skip"
            yield _hit(
                reader, start, end, kind, named=clause.named, done=_slip_deed(text, match, kind)
            )
    for match in _NOT_DOING.finditer(text):
        if match.group("verb").lower() in _STATE_VERBS:
            continue
        clause = reader.clause(match.start(), match.end())
        if clause.subject is PERSON and clause.adjacent:
            start = clause.subject_start if clause.subject_start is not None else match.start()
            yield _hit(reader, start, match.end(), "omission", named=clause.named)


def _slip_deed(text: str, match: re.Match[str], kind: str) -> str:
    """The deed a slip names, for the questions: "forgot to renew X" -> "renewing X"."""
    if kind in {"hindsight", "omission", "forget"}:
        return deed(text[match.end() :])
    if kind == "without":
        return deed(
            re.sub(r"^without\s+", "", text[match.start() : match.end()], flags=re.IGNORECASE)
            + text[match.end() :]
        )
    if kind == "skip":
        return thing(text[match.end() :])  # "What made the pre-flight checklist optional?"
    return ""


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
_JUDGED_LOWER = LazyPattern(_JUDGED.pattern)
_AGENT_LOWER = LazyPattern(
    rf"(?:'s|s'|\b(?:his|her|their|our|my|your))\s[^.;]*?\b(?:{_AGENT_VERBS}|instead\s+of"
    r"|not\s+just|rather\s+than)\b"
    r"|\b(?:root cause|caused by|due to|because of|triggered by|result of)\b[^.;]{0,30}?"
    r"(?:'s|s'|\b(?:his|her|their|our|my|your)\b)"
)
# Every counterfactual has "if" or "unless" before its auxiliary, or starts a clause with "had"
# or "were"; "nobody … bothered" is a judgement with words between.
_COUNTERFACTUAL_LOWER = LazyPattern(
    r"\b(?:if|unless)\s[^.;:!?]*?\b(?:had|hadn't|'d|were|was|wasn't|weren't|would|could"
    r"|did|didn't)\b|(?:^|[,;:.!?()\u2013\u2014]\s*|\s-\s+|\d\s+|\b(?:and|but|lesson)\s+)"
    r"(?:had|were)\s|\b(?:nobody|no\s+one)\b[^.;:!?]*\bbothered\b"
)


def _has_trigger(text: str, owners: str) -> bool:
    """Whether any rule could fire: every hit starts from one of these matches."""
    lowered = text.lower()
    return bool(
        _JUDGEMENT_LOWER.search(lowered)
        or _JUDGED_LOWER.search(lowered)
        or _COUNTERFACTUAL_LOWER.search(lowered)
        or _AGENT_LOWER.search(lowered)
        or _SLIP_TRIGGER_LOWER.search(lowered)
        or _NOT_DOING_LOWER.search(lowered)
        or _possession_pattern(owners).search(text)
    )


def _agent_hits(reader: Reader) -> Iterator[_Hit]:
    """A person's work as the agent of a failure: "Priya's change broke checkout", "the DBA's
    typo took down the orders database", "Root cause: the on-call's manual restart"."""
    text = reader.text
    found = [
        (m.start(), m.end(), m.start("owner"), m.end("owner"), m.group("what"))
        for m in _AGENT.finditer(text)
        if not (_PHRASE_BREAKS & set(m.group("what").lower().split()))
    ]
    found += [
        (m.start(), m.start("verb"), m.start("owner"), m.end("owner"), m.group("what"))
        for m in _AGENT_SCOPE.finditer(text)
        if not (_PHRASE_BREAKS & set(m.group("what").lower().split()))
        and _DEED_NOUNS & {w.strip(".,") for w in m.group("what").lower().split()[:3]}
    ]
    for m in _CAUSE_LEAD.finditer(text):
        noun = _CAUSE_NOUN.match(text, m.end())
        end = noun.end() if noun else m.end()
        found.append((m.start("owner"), end, m.start("owner"), m.end("owner"), text[m.end() : end]))
    for start, end, owner_start, owner_end, what in found:
        owner = text[owner_start:owner_end].lower()
        if owner in {"their", "our", "my", "your"}:
            nouns = {w.strip(".,") for w in what.lower().split()[:3]}
            if not nouns & _DEED_NOUNS:
                continue
        elif owner not in {"his", "her"} and not reader.owner(owner_start, owner_end):
            continue
        start = _with_determiner(text, owner_start)
        work = _work(what)
        named = reader.names_in(owner_start, owner_end)
        yield _hit(reader, start, end, "agent", named=named, done=f"the {work}" if work else "")


def _work(what: str) -> str:
    """The work a possessive names, without what it did: "cleanup script matched every …" ->
    "cleanup script", "decision to push on Friday" -> "decision"."""
    words: list[str] = []
    for word in what.split()[:4]:
        low = word.lower().strip(".,;:")
        if low.endswith(("ed", "ly")) or low in IRREGULAR_PAST or low in _PHRASE_BREAKS:
            break
        if low in {"to", "of", "in", "on", "at", "for", "from", "into", "with"}:
            break
        words.append(low)
    return " ".join(words)


def _with_determiner(text: str, start: int) -> int:
    """Start a possessive's hit at its article: "the intern's script", not "intern's script"."""
    before = re.search(
        r"\b(?:the|a|an|our|one\s+of\s+the)\s+$", text[max(0, start - 16) : start], re.IGNORECASE
    )
    return start - len(before.group()) if before else start


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
    deed: str = ""  # what the person is said to have done or left undone, as a gerund phrase


def _hit(reader: Reader, start: int, end: int, kind: str, *, named: bool, done: str = "") -> _Hit:
    while end > start and (reader.text[end - 1].isspace() or reader.text[end - 1] in ",;:"):
        end -= 1
    return _Hit(start, end, kind, named, done)


def _extend(text: str, end: int, kind: str) -> int:
    """Include the verb after "failed to", "should have", "didn't": "forgot to renew"."""
    if kind not in {"hindsight", "omission", "forget", "wrong"}:
        return end
    word = re.match(r"\s+(?:to\s+)?[\w'-]+", text[end:])
    return end + word.end() if word else end


def _next_word(after: str) -> str:
    word = re.match(r"\s+(?:to\s+)?([\w'-]+)", after)
    return word.group(1).lower() if word else ""
