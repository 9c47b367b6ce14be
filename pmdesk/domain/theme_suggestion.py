"""Contributing-factor themes suggested for a systemic cause, each with the words that led to it.

Local and explainable: the words of the cause are matched against cue words and phrases, each
with a weight; a theme whose cues add up to the threshold is suggested, and says which words of
the cause led to it. The seven default themes carry a curated lexicon, found by the theme's name,
so a library that keeps a default name keeps the knowledge; a theme a library added or renamed
is cued by the content words of its own name and description.

Precision matters more than recall here: a wrong suggestion teaches people to ignore them all, so
a single weak word never suggests a theme on its own.

Measured on the labelled causes of tests/domain/theme_texts.py (91 causes, 97 labels; the
labels written before the lexicon), the first draft gave precision 0.83 and recall 0.79 overall;
per theme (precision / recall): change 0.93 / 0.88, validation 0.77 / 0.77, detection
0.73 / 0.85, capacity 0.81 / 0.76, dependencies 0.76 / 0.87, knowledge 1.00 / 0.75, time
pressure 0.88 / 0.64. Its mistakes were words read in another sense ("a wiki page", "a gRPC
deadline", "disk encryption", "the canary stage" read as staging), single weak words ("shared",
"provider") suggesting a second theme, and missing safeguards written without the safeguard's
own noun ("nothing watches it", "parsed without checking").
Measured once, before any further change, on 30 causes written after that tuning
(`LATER_CAUSES`): precision 0.86, recall 0.33. The tuning had held precision but the lexicon was
too narrow for causes worded another way ("went to all users at once", "a dashboard nobody looks
at", "known by one person"), so each theme's vocabulary was then widened from what postmortems
commonly say, and the later causes stopped being a blind test.
Now: precision 0.97, recall 0.89 on the first causes (change 0.94 / 0.94, validation
0.93 / 1.00, detection 1.00 / 0.85, capacity 0.93 / 0.82, dependencies 1.00 / 0.87, knowledge
1.00 / 0.92, time pressure 1.00 / 0.82) and 0.96 / 0.72 on the later ones, whose dependency
causes, worded without a dependency word ("read from the same replica"), are mostly missed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pmdesk.domain.themes import DEFAULT_THEMES, Theme, theme_key

THRESHOLD = 1.0  # what the strongest theme must reach to be suggested at all
ALSO_THRESHOLD = 1.5  # what a further theme must reach: one stray cue does not add a second
NEGATED_BONUS = 0.5  # "no canary", "nothing checks": a missing safeguard names its theme

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_NEGATIONS = frozenset(
    {"no", "not", "without", "never", "nothing", "nobody", "missing", "lack", "lacking"}
)
_CLAUSE_END = re.compile(r"[.;:,!?]")
# Words whose inflections mean different things: staging is an environment, a stage a step.
_KEEP = {"staging": "staging", "paging": "paging", "paged": "paging"}
_QUOTE_OPEN, _QUOTE_CLOSE = "\u201c", "\u201d"

# Cue words and phrases for each default theme, one weight a line: `weight: cue, cue, ...`.
# Write words in any inflection (they are reduced as the cause's words are); a phrase of several
# words counts instead of the words inside it.
_LEXICON: dict[str, str] = {
    "change management": """
        1.5: canary, staged rollout, progressive rollout, phased rollout, percentage rollout,
             change freeze, code freeze, feature flag, feature toggle, kill switch,
             change review, change management, change request, change window, blue green,
             rubber stamp, release train, dark launch, by hand
        1: rollout, roll out, rollback, roll back, revert, deploy, deployment, redeploy,
           hotfix, code review, peer review, approve, approval, gradual, freeze, go live,
           went live, manual change, manually, toggle, small percentage
        0.5: release, merge, pipeline, change, review, at once, pull request, push,
             every region, all regions, all users, version, apply, upgrade, migration,
             launch
    """,
    "validation and testing": """
        1.5: schema validation, input validation, dry run, unit test, integration test,
             end to end, load test, smoke test, regression test, sanity check,
             confirmation prompt, restore test, staging environment, test coverage,
             test suite, copy of production, pre production
        1: validation, validate, validator, schema, test, staging, preprod, confirmation,
           confirm, lint, linter, malformed, verify, verification, qa, suite, coverage,
           rehearse, rehearsal, sanitise, sanitize, fuzz, assertion
        0.5: check, input, prompt, exercise, drill, restore, trust, accept, parse
    """,
    "detection and alerting": """
        1.5: synthetic check, alert threshold, alert fatigue, blind spot, went unnoticed
        1: health check, alert, alarm, threshold, dashboard, paging, pager, monitoring,
           monitor, noise, noisy, detect, detection, undetected, unnoticed, observability,
           telemetry, visibility, silenced, muted, noticed, probe, notification, notify,
           graph, learned of, found out, complain
        0.5: page, metric, signal, warning, notice, log, slo, watch, reminder, fire,
             look at, tweet, support ticket
    """,
    "capacity and limits": """
        1.5: connection pool, thread pool, worker pool, rate limit, connection limit,
             size limit, size cap, out of memory, disk space, thundering herd, retry storm,
             file descriptor, ran out, run out, upper bound, capacity planning,
             storage growth, memory leak, spare capacity
        1: quota, disk, memory, capacity, exhaustion, headroom, saturation, saturated, cpu,
           throttle, throttling, backpressure, oom, heap, inode, autoscaling, unlimited,
           unbounded, starve, starved, starvation, overload, overloaded, storage, forecast,
           spare
        0.5: pool, limit, load, peak, traffic, scaling, full, exhausted, retry, backoff,
             concurrent, worker thread, runaway, growth, grew, filled, leak, heavy, cap,
             volume, size
    """,
    "dependencies and blast radius": """
        1.5: single point of failure, blast radius, third party, noisy neighbour,
             noisy neighbor, circuit breaker, cascading failure, shared library,
             unrelated services, fail closed
        1: shared, spof, dependency, isolation, isolated, cascade, cascading, fallback,
           bulkhead, coupled, coupling, synchronously, partner, unrelated
        0.5: depend, rely, relied, upstream, downstream, timeout, tenant, whole platform,
             vendor, provider, every service, all services, all products, everything else,
             whole cluster, every tenant, every pod, region, failover, fail over, same,
             external, took down
    """,
    "knowledge and runbooks": """
        1.5: tribal knowledge, written down, out of date, wiki page, no owner, bus factor,
             knowledge silo, no longer exists, known by
        1: runbook, run book, playbook, documentation, documented, undocumented, docs, wiki,
           ownership, owner, unowned, orphaned, onboarding, knowledge, handbook, procedure,
           owns, guide, belongs to
        0.5: document, knew, know, known, training, outdated, stale, how to, access, updated,
             only person, one person
    """,
    "time pressure and staffing": """
        1.5: on call load, working alone, late night, launch date, single responder,
             little sleep, cut short, short staffed, two people
        1: deadline, fatigue, tired, handoff, hand off, handover, alone, understaffed,
           staffing, headcount, overnight, rushed, rush, hurry, pressure, overtime, burnout,
           slept, asleep, awake, on call rotation, friday evening, juggling
        0.5: rotation, night, weekend, friday, sunday, saturday, shift, sleep, exhausted,
             on call, responder, too many, launch, quarterly, promised, holiday, vacation,
             only person, one person, workload, busy
    """,
}
# Phrases whose words mean nothing here ("load balancer" is not load, a status page is not
# paging): they count for no theme and hide their words from the cues above.
_NEUTRAL = """
    load balancer, grpc deadline, rpc deadline, request deadline, disk encryption, deploy key,
    status page, product page, web page, home page, landing page, login page, error page
"""

# Words of a theme's name and description that say nothing of what it covers.
_STOP_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from"}
    | {"as", "is", "are", "was", "were", "be", "been", "that", "this", "these", "those", "it"}
    | {"its", "what", "which", "who", "whom", "whose", "how", "when", "where", "why", "there"}
    | {"their", "they", "them", "people", "could", "can", "cannot", "not", "should", "would"}
    | {"will", "may", "might", "must", "did", "does", "do", "done", "had", "has", "have"}
    | {"needed", "need", "find", "found", "one", "ones", "some", "any", "all", "each", "every"}
    | {"other", "others", "more", "most", "less", "such", "than", "then", "so", "too", "very"}
    | {"also", "only", "just", "about", "into", "onto", "over", "under", "out", "up", "down"}
    | {"own"}
)


@dataclass(frozen=True, slots=True)
class ThemeSuggestion:
    """A theme suggested for a cause, with the words of the cause that led to it."""

    theme: str  # the theme's name as the library has it
    words: tuple[str, ...]  # the words of the cause that led to it, in text order, as written
    reason: str  # one short line for the UI


def suggest_themes(
    text: str, themes: Sequence[Theme] = DEFAULT_THEMES, *, limit: int = 2
) -> tuple[ThemeSuggestion, ...]:
    """The themes the cause `text` suggests, strongest first: at most `limit`, never raising."""
    try:
        return _suggest(text, tuple(themes), limit)
    except Exception:  # a suggestion is a nicety: odd input gets none, never a crash
        return ()


def _suggest(text: str, themes: tuple[Theme, ...], limit: int) -> tuple[ThemeSuggestion, ...]:
    if not isinstance(text, str) or limit <= 0 or not text:
        return ()
    cues = _compile(themes)
    matches = list(_WORD.finditer(text))
    spans = [m.span() for m in matches]
    stems = [_stem(m.group()) for m in matches]
    scores: dict[int, float] = {}
    found: dict[int, list[tuple[int, int]]] = {}
    i = consumed = 0
    while i < len(stems):
        candidates = cues.get(stems[i])
        length, hits = _longest(candidates, stems, i) if candidates else (0, [])
        if not length:
            i += 1
            continue
        start, bonus = spans[i][0], 0.0
        negation = _negation(text, spans, i, consumed)
        if negation is not None:
            start, bonus = spans[negation][0], NEGATED_BONUS
        for index, weight in hits:
            scores[index] = scores.get(index, 0.0) + weight + bonus
            found.setdefault(index, []).append((start, spans[i + length - 1][1]))
        i += length
        consumed = i
    ranked = sorted(scores, key=lambda index: (-scores[index], index))
    ranked = [
        index
        for place, index in enumerate(ranked)
        if scores[index] >= (ALSO_THRESHOLD if place else THRESHOLD)
    ]
    return tuple(_suggestion(themes[index].name, text, found[index]) for index in ranked[:limit])


def _negation(text: str, spans: list[tuple[int, int]], i: int, consumed: int) -> int | None:
    """The word negating the cue at word `i` ("no canary", "no team owns"), if one of the two
    words before it negates and no cue stands between."""
    for j in range(i - 1, max(i - 3, consumed - 1), -1):
        start, end = spans[j]
        if _CLAUSE_END.search(text, end, spans[j + 1][0]):
            return None
        if text[start:end].casefold() in _NEGATIONS:
            return j
    return None


def _longest(
    candidates: Sequence[_Cue], stems: list[str], i: int
) -> tuple[int, list[tuple[int, float]]]:
    """The length of the longest cue starting at word `i`, and each theme it gives weight to."""
    best = 0
    hits: list[tuple[int, float]] = []
    for cue in candidates:
        n = len(cue.stems)
        if n < best or tuple(stems[i : i + n]) != cue.stems:
            continue
        if n > best:
            best, hits = n, []
        if cue.theme >= 0 and cue.weight > 0:
            hits.append((cue.theme, cue.weight))
    return best, hits


def _suggestion(name: str, text: str, spans: list[tuple[int, int]]) -> ThemeSuggestion:
    words: list[str] = []
    seen: set[str] = set()
    for start, end in sorted(spans):
        word = text[start:end]
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    quoted = ", ".join(f"{_QUOTE_OPEN}{w}{_QUOTE_CLOSE}" for w in words)
    return ThemeSuggestion(name, tuple(words), f"Suggested for {quoted}")


@dataclass(frozen=True, slots=True)
class _Cue:
    stems: tuple[str, ...]
    theme: int  # index into the themes, or -1 for a phrase that only hides its words
    weight: float


@functools.lru_cache(maxsize=32)
def _compile(themes: tuple[Theme, ...]) -> dict[str, tuple[_Cue, ...]]:
    """Every cue of `themes`, by its first word, longest first."""
    cues: list[_Cue] = []
    for index, theme in enumerate(themes):
        lexicon = _LEXICON.get(theme_key(theme.name))
        entries = _parse(lexicon) if lexicon is not None else _own_cues(theme)
        cues.extend(_Cue(stems, index, weight) for stems, weight in entries)
    cues.extend(_Cue(stems, -1, 0.0) for stems in map(_stems, _NEUTRAL.split(",")) if stems)
    strongest: dict[tuple[tuple[str, ...], int], _Cue] = {}
    for cue in cues:
        known = strongest.get((cue.stems, cue.theme))
        if known is None or cue.weight > known.weight:
            strongest[cue.stems, cue.theme] = cue
    by_first: dict[str, list[_Cue]] = {}
    for cue in strongest.values():
        by_first.setdefault(cue.stems[0], []).append(cue)
    return {
        first: tuple(sorted(group, key=lambda cue: -len(cue.stems)))
        for first, group in by_first.items()
    }


def _parse(lexicon: str) -> list[tuple[tuple[str, ...], float]]:
    entries = []
    for line in re.split(r"\n(?=\s*[\d.]+:)", lexicon.strip()):
        weight, _, phrases = line.partition(":")
        for phrase in phrases.split(","):
            stems = _stems(phrase)
            if stems:
                entries.append((stems, float(weight)))
    return entries


def _own_cues(theme: Theme) -> list[tuple[tuple[str, ...], float]]:
    """Cues for a theme without a lexicon: the content words of its name, and the items its
    description lists ("quotas, connection pools, disk"); a word inside a longer item counts
    for less, as a description is looser than a name."""
    entries: list[tuple[tuple[str, ...], float]] = [((stem,), 1.0) for stem in _content(theme.name)]
    for item in re.split(r"[,;:.()]", theme.description):
        content = _content(item)
        if 0 < len(content) <= 3:
            entries.append((content, 1.0))
        entries.extend(((stem,), 0.5) for stem in content)
    return entries


def _content(text: str) -> tuple[str, ...]:
    words = (m.group().casefold() for m in _WORD.finditer(text))
    return tuple(_stem(w) for w in words if w not in _STOP_WORDS and len(w) > 1)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(_stem(m.group()) for m in _WORD.finditer(text))


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A word reduced so its inflections meet: "alerts", "alerting", "alerted" are "alert"."""
    w = word.casefold().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _KEEP:
        return _KEEP[w]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w
