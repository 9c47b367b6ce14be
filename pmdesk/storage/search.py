"""Full-text search over every postmortem in a library, as plain functions on a Connection.

What is searched: titles, summaries, impact summaries, timeline event texts, cause texts, action
titles and notes, and lesson texts; one "part" each (see PARTS).

How (SQLite): `search_text` holds one row per searched text, and `search_index` is an FTS5 table
over it (external content, tokenizer `unicode61 remove_diacritics 2`). Triggers on the postmortem
tables keep `search_text` current, and triggers on `search_text` keep the FTS5 index current, so
every edit updates the index in its own transaction: a rolled-back edit leaves no trace in it.
A text's rowid says whose it is and what it is: the postmortem's key (`search_postmortems`) in
the high 32 bits, a serial number, and the part in the low 4 bits; ranking then reads nothing but
the index. SQLAlchemy can describe neither a virtual table nor a trigger, so none of this is in
`schema.metadata`; `ensure_index` creates it, for a new library (right after `create_all`) and in
revision 0004. On PostgreSQL the same functions make, search and keep current an index of
PostgreSQL's own text search (tsvector, a GIN index, triggers; see search_postgres.py) with the
same query language, ranking and snippets. On another database there is no index and `search`
scans the texts with LIKE instead (`scan_search`): slower, same query language, no diacritics
folding.

The query language, built here from what a person types (user text never reaches FTS5 as syntax,
so no query can be a syntax error):
- whitespace separates words; every word must occur in the postmortem, in any of its parts (AND
  across the whole postmortem, not within one text: a title word and a timeline word together
  find it);
- "double quotes" make a phrase, matched as consecutive words; an unclosed quote runs to the end;
- a word of two or more letters also matches longer words it starts ("rollb" finds "rollback");
  a one-letter word, and the words of a phrase, match only whole words;
- punctuation separates the pieces of one word, which then match as a phrase ("v41.2" finds
  "v41.2" and "v41 2"); operators (AND, OR, NOT, NEAR, *, :, ^, -, parentheses) are plain text;
- case and Latin diacritics do not matter ("zoe" finds "Zoë");
- the same word twice counts once, and words after the 16th are ignored (MAX_TERMS);
- a query without a single letter or digit finds nothing, whatever the filters.
Known limits of `unicode61`: text without spaces between words (Chinese, Japanese, Thai) is one
token per run, so a word is found only where spaces or punctuation surround it or at the start of
a run (as a prefix), never in the middle of one; Greek accents are not folded.

Ranking is in two steps. First, every postmortem holding all the words is placed by where they
are: per word, the weight of its best part holding it (a title counts four times a timeline
event) plus up to a quarter point for how many of its texts hold it, and the same for a text
holding all the words. That is cheap, since it never reads text lengths. Then the best `limit`
of them are ordered by bm25, weighted by part: each one's best text for any of the words, so a
text holding them all scores best. bm25 run over every text holding a common word costs more
than the rest of the search together; run over the texts of the few chosen, it costs little.
Higher scores are better. The snippet comes from the text holding all the words if there is
one, else from the best text of the best-placed word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from pmdesk.storage.repository import first_trigger_id_of_postmortem
from pmdesk.storage.schema import (
    actions,
    causes,
    lessons,
    postmortems,
    tags,
    timeline_events,
)
from pmdesk.storage.values import join_time

# Around each hit in a snippet; control characters, which are removed from the indexed texts.
HIT_START = "\x02"
HIT_END = "\x03"
# Words of context in a snippet, hits included.
SNIPPET_WORDS = 12
ELLIPSIS = "…"
# More words than this in one query are ignored: each word is one more pass over the index.
MAX_TERMS = 16

KEY_TABLE = "search_postmortems"
TEXT_TABLE = "search_text"
INDEX_TABLE = "search_index"
# The search tables: ours, the FTS5 table, and the shadow tables FTS5 keeps its index in.
SEARCH_TABLES = frozenset(
    {KEY_TABLE, TEXT_TABLE, INDEX_TABLE}
    | {f"{INDEX_TABLE}_{shadow}" for shadow in ("data", "idx", "docsize", "config")}
)

# A text's rowid: (postmortem key << 32) | (serial << 4) | part code.
_KEY_SHIFT = 32
_PART_BITS = 4


@dataclass(frozen=True, slots=True)
class Part:
    """One kind of searched text: which column of which table, how much a hit in it counts, and
    its code in the rowid."""

    name: str
    table: Table
    column: str
    weight: float
    code: int


PARTS = (
    Part("title", postmortems, "title", 4.0, 1),
    Part("summary", postmortems, "summary", 1.5, 2),
    Part("impact", postmortems, "impact_summary", 1.5, 3),
    Part("event", timeline_events, "text", 1.0, 4),
    Part("cause", causes, "text", 2.0, 5),
    Part("action", actions, "title", 2.0, 6),
    Part("action_notes", actions, "notes", 1.0, 7),
    Part("lesson", lessons, "text", 1.5, 8),
)
_WEIGHTS = {part.name: part.weight for part in PARTS}


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Conditions a hit must also meet; None means any.

    `tag` and `owner` (any action's owner) ignore case. `since` and `until` bound the date the
    postmortem started (its first trigger event, as the library list shows it, in the offset it
    was written with), both inclusive; one without a trigger event is then left out.
    """

    tag: str | None = None
    severity: str | None = None
    kind: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None
    owner: str | None = None


NO_FILTERS = SearchFilters()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One postmortem found. `snippet` has HIT_START and HIT_END around the words that matched
    (see `snippet_parts` and `snippet_text`); it comes from the text named by `part` and `item_id`
    (the event, cause, action or lesson id, or the postmortem id for its own texts).
    """

    postmortem_id: str
    title: str
    snippet: str
    score: float
    kind: str
    severity: str | None
    status: str
    started: datetime | None
    part: str
    item_id: str


# --- the query language -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase of a query: as typed (for LIKE) and as an FTS5 phrase."""

    text: str
    fts: str


# unicode61's word characters are letters and numbers; everything else separates words.
_WORD_PIECE = re.compile(r"[^\W_]+")
# Control, format and surrogate characters: never part of a word, and a NUL or a lone surrogate
# would not survive the trip to SQLite.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn"})


def parse_query(query: str) -> list[Term]:
    """The terms of what a person typed; an empty list when there is nothing to search for."""
    cleaned = "".join(" " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in query)
    # Composed form, so that "e" + combining acute reads as one letter like the index's "é".
    cleaned = unicodedata.normalize("NFC", cleaned)
    terms: list[Term] = []
    # Even pieces are outside quotes, odd ones inside; an unclosed quote runs to the end.
    for i, piece in enumerate(cleaned.split('"')):
        if i % 2:
            words = piece.split()
            if any(_WORD_PIECE.search(word) for word in words):
                phrase = " ".join(words)
                terms.append(Term(phrase, f'"{phrase}"'))
            continue
        for word in piece.split():
            pieces = _WORD_PIECE.findall(word)
            if pieces:
                prefix = "*" if len(pieces[-1]) >= 2 else ""
                terms.append(Term(word, f'"{word}"{prefix}'))
    unique = list({term.fts: term for term in terms}.values())
    return unique[:MAX_TERMS]


def match_expression(query: str) -> str:
    """The FTS5 expression of all of `query` (its terms joined by AND); "" for none."""
    return _all_of(parse_query(query))


def _all_of(terms: Sequence[Term]) -> str:
    return " AND ".join(term.fts for term in terms)


# --- snippets -----------------------------------------------------------------------------------


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """The snippet as (text, is_hit) pieces, in order, for a view that styles the hits."""
    pieces: list[tuple[str, bool]] = []
    in_hit = False
    for piece in re.split(f"([{HIT_START}{HIT_END}])", snippet):
        if piece == HIT_START:
            in_hit = True
        elif piece == HIT_END:
            in_hit = False
        elif piece:
            if pieces and pieces[-1][1] == in_hit:
                pieces[-1] = (pieces[-1][0] + piece, in_hit)
            else:
                pieces.append((piece, in_hit))
    return pieces


def snippet_text(snippet: str, open: str = "«", close: str = "»") -> str:
    """The snippet as plain text, each hit between `open` and `close` (for a terminal)."""
    return snippet.replace(HIT_START, open).replace(HIT_END, close)


# --- searching ----------------------------------------------------------------------------------


def search(
    conn: Connection, query: str, *, filters: SearchFilters = NO_FILTERS, limit: int = 50
) -> list[SearchHit]:
    """The postmortems matching `query` and `filters`, best first, at most `limit` of them.

    Uses the full-text index where the library has one, else `scan_search`.
    """
    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    if has_index(conn):
        if conn.dialect.name == "postgresql":
            from pmdesk.storage import search_postgres  # it imports this module

            return search_postgres.search_index(conn, terms, filters, limit)
        return _search_index(conn, terms, filters, limit)
    return _scan(conn, terms, filters, limit)


def scan_search(
    conn: Connection, query: str, *, filters: SearchFilters = NO_FILTERS, limit: int = 50
) -> list[SearchHit]:
    """`search` without the index: a LIKE scan of every text, for databases without FTS5.

    A word matches anywhere inside a word, not only at its start, and only ASCII letters ignore
    case on SQLite (PostgreSQL's ILIKE folds all); diacritics count.
    """
    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    return _scan(conn, terms, filters, limit)


@dataclass(frozen=True, slots=True)
class _Ranked:
    postmortem_id: str
    score: float


@dataclass(frozen=True, slots=True)
class _Shown:
    """The text a hit's snippet comes from, and the snippet."""

    part: str
    item_id: str
    snippet: str


_index = table(INDEX_TABLE, column("rowid"))
_keys = table(KEY_TABLE, column("key"), column("postmortem_id"))

# Ids per statement, well under the 999 parameters older SQLite versions allow.
_CHUNK = 500


def _search_index(
    conn: Connection, terms: Sequence[Term], filters: SearchFilters, limit: int
) -> list[SearchHit]:
    values = _filter_values(filters)
    dated = filters.since is not None or filters.until is not None
    query = _ranking(len(terms), frozenset(values), limited=not dated)
    params: dict[str, Any] = {f"term{i}": term.fts for i, term in enumerate(terms)}
    params.update(values, all=_all_of(terms), limit=limit)
    ranked, row_ids = [], {}
    for postmortem_id, total, *columns in conn.execute(query, params):
        per_text = [(columns[at], columns[at + 1]) for at in range(0, len(columns), 2)]
        if len(terms) > 1 and per_text[-1][0] is not None:
            shown = per_text[-1]  # the text holding every word shows them all
        else:
            shown = max(per_text[: len(terms)], key=lambda scored: float(scored[0]))
        ranked.append(_Ranked(postmortem_id, float(total)))
        row_ids[postmortem_id] = int(shown[1])

    def shown_texts(chosen: list[_Ranked]) -> dict[str, _Shown]:
        by_row = _snippets(conn, terms, [row_ids[r.postmortem_id] for r in chosen])
        return {r.postmortem_id: by_row[row_ids[r.postmortem_id]] for r in chosen}

    hits = _finish(conn, ranked, filters, limit, shown_texts)
    return _order_by_bm25(conn, terms, hits)


def _order_by_bm25(
    conn: Connection, terms: Sequence[Term], hits: list[SearchHit]
) -> list[SearchHit]:
    """The chosen postmortems in bm25 order, each scored by the best weighted bm25 of its texts
    for the query's words.

    bm25 reads each matching text's length, too slow to run over every text holding a common
    word in a big library; the filter on the postmortem keys runs it only for the texts of the
    few postmortems chosen. One pass with any of the words: a text's bm25 sums what each word
    it holds adds, so the text holding them all scores best, as it should.
    """
    if not hits:
        return hits
    ids = [hit.postmortem_id for hit in hits]
    keys = dict(
        conn.execute(
            select(_keys.c.key, _keys.c.postmortem_id).where(_keys.c.postmortem_id.in_(ids))
        ).all()
    )
    expression = " OR ".join(term.fts for term in terms)
    scores: dict[str, float] = dict.fromkeys(ids, 0.0)
    for key, best in conn.execute(_BM25, {"expression": expression, "keys": list(keys)}):
        scores[keys[key]] = float(best)
    ordered = sorted(hits, key=lambda h: (-scores[h.postmortem_id], h.title, h.postmortem_id))
    return [replace(hit, score=round(scores[hit.postmortem_id], 6)) for hit in ordered]


# Built once per shape: building the statement costs more than running it for a rare word.
@lru_cache(maxsize=128)
def _ranking(terms: int, filtered: frozenset[str], limited: bool) -> Select[Any]:
    """Postmortems with every term, best first: id, score, then score and rowid of each term's
    best text, and (for several terms) of the best text holding all of them."""
    source = postmortems.join(_keys, _keys.c.postmortem_id == postmortems.c.id)
    return ranked(source, _keys.c.key, _best_texts, terms, filtered, limited)


def ranked(
    source: Any,
    key: ColumnElement[Any],
    best_texts: Callable[[str], Subquery],
    terms: int,
    filtered: frozenset[str],
    limited: bool,
) -> Select[Any]:
    """The ranking query of either back end. `source` holds the postmortems and `key`, which
    each subquery of `best_texts(parameter name)` (columns key, score, rid) is joined on."""
    pm = postmortems
    # The best text holding all the terms adds to the score: words together beat words apart.
    best = [best_texts(f"term{i}") for i in range(terms)]
    together = [best_texts("all")] if terms > 1 else []
    score: ColumnElement[float] = literal(0.0)
    for sub in best:
        source = source.join(sub, sub.c.key == key)
        score = score + sub.c.score
    for sub in together:
        source = source.outerjoin(sub, sub.c.key == key)
        score = score + func.coalesce(sub.c.score, 0.0)
    query = (
        select(
            pm.c.id,
            score.label("score"),
            *(sub.c[name] for sub in (*best, *together) for name in ("score", "rid")),
        )
        .select_from(source)
        .where(*_conditions(filtered))
        .order_by(score.desc(), pm.c.title, pm.c.id)
    )
    # Without the limit when dates are to be applied later: only then is it known which are best.
    return query.limit(bindparam("limit", type_=Integer)) if limited else query


def _best_texts(name: str) -> Subquery:
    """Per postmortem key, its text that best matches the expression in parameter `name`: key,
    score, rid."""
    part_code = _index.c.rowid.op("&")((1 << _PART_BITS) - 1)
    weight = case({p.code: p.weight for p in PARTS}, value=part_code, else_=1.0)
    rows = (
        select(_index.c.rowid.label("rid"), weight.label("weight"))
        .where(literal_column(INDEX_TABLE).match(bindparam(name, type_=String)))
        .subquery(f"{name}_texts")
    )
    # An INTEGER, as the key it is joined to, or SQLite would not index it for that join.
    key = cast(rows.c.rid.op(">>")(literal_column(str(_KEY_SHIFT))), Integer)
    # Scored by where the words are, not by bm25: bm25 reads every matching text's length, which
    # for a word in half the library costs more than the rest of the search together. A text's
    # part weighs most (a title beats a summary beats a timeline event); how many texts hold the
    # word adds at most a quarter point, which orders postmortems whose best texts are alike.
    hits = func.count()
    score = func.max(rows.c.weight) + func.min(hits, _HITS_CAP) * (0.25 / _HITS_CAP)
    # SQLite gives the bare columns of a max() query the values of the row with the max.
    return (
        select(key.label("key"), score.label("score"), rows.c.rid)
        .group_by(key)
        .subquery(f"{name}_best")
    )


_HITS_CAP = 20


# bm25 is negative, more so for a better match; each text weighs by its part. The LIMIT keeps
# SQLite from moving bm25() into the GROUP BY's sorter, where FTS5 is no longer on the row.
_BM25 = text(
    f"SELECT rid >> {_KEY_SHIFT} AS key, max(score) FROM ("
    f"SELECT rowid AS rid, -bm25({INDEX_TABLE}) * (CASE rowid & {(1 << _PART_BITS) - 1} "
    + " ".join(f"WHEN {p.code} THEN {p.weight}" for p in PARTS)
    + f" ELSE 1.0 END) AS score FROM {INDEX_TABLE} "
    f"WHERE {INDEX_TABLE} MATCH :expression AND (rowid >> {_KEY_SHIFT}) IN :keys LIMIT -1"
    ") GROUP BY key"
).bindparams(bindparam("keys", expanding=True))


# "+rowid": FTS5 would otherwise look each id up on its own, reading the terms' whole lists of
# matches every time; one pass over them is far cheaper.
_SNIPPETS = text(
    f"SELECT rowid, part, item_id, snippet({INDEX_TABLE}, 3, :start, :end, :ellipsis, :words) "
    f"FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :expression AND +rowid IN :row_ids"
).bindparams(bindparam("row_ids", expanding=True))


def _snippets(conn: Connection, terms: Sequence[Term], row_ids: list[int]) -> dict[int, _Shown]:
    found: dict[int, _Shown] = {}
    for at in range(0, len(row_ids), _CHUNK):
        rows = conn.execute(
            _SNIPPETS,
            {
                "start": HIT_START,
                "end": HIT_END,
                "ellipsis": ELLIPSIS,
                "words": SNIPPET_WORDS,
                # Any term: the row is the best for one of them, and shows every one it holds.
                "expression": " OR ".join(term.fts for term in terms),
                "row_ids": row_ids[at : at + _CHUNK],
            },
        )
        found.update((int(rid), _Shown(part, item, snippet)) for rid, part, item, snippet in rows)
    return found


def _scan(
    conn: Connection, terms: Sequence[Term], filters: SearchFilters, limit: int
) -> list[SearchHit]:
    texts = union_all(
        *(
            select(
                (postmortems.c.id if p.table is postmortems else p.table.c.postmortem_id).label(
                    "postmortem_id"
                ),
                literal(p.name).label("part"),
                p.table.c.id.label("item_id"),
                p.table.c[p.column].label("text"),
            )
            for p in PARTS
        )
    ).subquery("texts")
    contains = [_contains(conn, texts.c.text, term.text) for term in terms]
    values = _filter_values(filters)
    allowed = select(postmortems.c.id).where(*_conditions(frozenset(values)))
    query = select(
        texts.c.postmortem_id,
        texts.c.part,
        texts.c.item_id,
        texts.c.text,
        *(flag.label(f"has{i}") for i, flag in enumerate(contains)),
    ).where(or_(*contains), texts.c.postmortem_id.in_(allowed))

    # Scored like the index, by where the words are: per postmortem, the weight of
    # each term's best text, plus that of the best text holding every term.
    term_weights: defaultdict[str, list[float]] = defaultdict(lambda: [0.0] * (len(terms) + 1))
    best_row: dict[str, tuple[tuple[int, float], str, str, str]] = {}
    for row in conn.execute(query, values):
        weight = _WEIGHTS[row.part]
        held = [i for i in range(len(terms)) if row._mapping[f"has{i}"]]
        weights = term_weights[row.postmortem_id]
        for i in held:
            weights[i] = max(weights[i], weight)
        if len(terms) > 1 and len(held) == len(terms):
            weights[-1] = max(weights[-1], weight * len(terms))
        rank = (len(held), weight)
        current = best_row.get(row.postmortem_id)
        if current is None or rank > current[0]:
            best_row[row.postmortem_id] = (rank, row.part, row.item_id, row.text)
    ranked = [
        _Ranked(pid, sum(weights))
        for pid, weights in term_weights.items()
        if all(weights[: len(terms)])
    ]

    def shown_texts(chosen: list[_Ranked]) -> dict[str, _Shown]:
        needles = [term.text for term in terms]
        shown = {}
        for r in chosen:
            _, part, item_id, source = best_row[r.postmortem_id]
            shown[r.postmortem_id] = _Shown(part, item_id, _scan_snippet(source, needles))
        return shown

    return _finish(conn, ranked, filters, limit, shown_texts)


def _contains(conn: Connection, value: Any, needle: str) -> ColumnElement[bool]:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if conn.dialect.name == "sqlite":
        # SQLite's LIKE already ignores ASCII case; the lower() that ilike adds costs a third.
        return value.like(pattern, escape="\\")  # type: ignore[no-any-return]
    return value.ilike(pattern, escape="\\")  # type: ignore[no-any-return]


def _scan_snippet(source: str, needles: Sequence[str]) -> str:
    """Like FTS5's snippet(): about SNIPPET_WORDS words around the first hit, hits marked."""
    source = source.replace(HIT_START, "").replace(HIT_END, "")
    # Lower case letter by letter, so that offsets in `folded` are offsets in `source`.
    folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in source)
    hits: list[tuple[int, int]] = []
    for needle in {n.lower() for n in needles}:
        start = folded.find(needle)
        while start >= 0:
            hits.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    hits.sort()
    words = [m.span() for m in re.finditer(r"\S+", source)]
    if not words:
        return source
    first = hits[0][0] if hits else 0
    at = next((i for i, (_, end) in enumerate(words) if end > first), 0)
    # A little of what comes before the first hit, as FTS5's snippet gives.
    begin = max(0, min(at - 2, len(words) - SNIPPET_WORDS))
    end = min(len(words), begin + SNIPPET_WORDS)
    window_start, window_end = words[begin][0], words[end - 1][1]
    out = [ELLIPSIS] if begin > 0 else []
    position = window_start
    for hit_start, hit_end in hits:
        hit_start, hit_end = max(hit_start, position), min(hit_end, window_end)
        if hit_start >= hit_end:
            continue
        out += [source[position:hit_start], HIT_START, source[hit_start:hit_end], HIT_END]
        position = hit_end
    out.append(source[position:window_end])
    if end < len(words):
        out.append(ELLIPSIS)
    return "".join(out)


_FILTERED = ("kind", "severity", "status", "tag", "owner")


def _filter_values(filters: SearchFilters) -> dict[str, str]:
    """The filters that SQL applies, by name, as the parameters `_conditions` takes."""
    values = {}
    for name in _FILTERED:
        value = getattr(filters, name)
        if value is not None:
            values[name] = str(value).strip()
    return values


def _conditions(filtered: frozenset[str]) -> list[ColumnElement[bool]]:
    """SQL for the named filters, their values left as parameters of the same names. The dates
    are applied afterwards (see `_finish`)."""
    pm = postmortems
    conditions: list[ColumnElement[bool]] = [
        pm.c[name] == bindparam(name, type_=String)
        for name in ("kind", "severity", "status")
        if name in filtered
    ]
    if "tag" in filtered:
        conditions.append(
            exists().where(
                tags.c.postmortem_id == pm.c.id,
                func.lower(tags.c.tag) == func.lower(bindparam("tag", type_=String)),
            )
        )
    if "owner" in filtered:
        conditions.append(
            exists().where(
                actions.c.postmortem_id == pm.c.id,
                func.lower(actions.c.owner) == func.lower(bindparam("owner", type_=String)),
            )
        )
    return conditions


def _finish(
    conn: Connection,
    ranked: list[_Ranked],
    filters: SearchFilters,
    limit: int,
    shown_texts: Callable[[list[_Ranked]], dict[str, _Shown]],
) -> list[SearchHit]:
    """The best `limit` of the ranked postmortems within the filters' dates, as hits.

    The dates are applied here, in Python, because the start is a time in its own offset whose
    local date SQL would compute differently on every database.
    """
    described = _describe(conn, [r.postmortem_id for r in ranked])
    since, until = filters.since or date.min, filters.until or date.max
    dated = filters.since is not None or filters.until is not None
    kept: list[tuple[_Ranked, Any, datetime | None]] = []
    for r in ranked:
        row = described[r.postmortem_id]
        started = join_time(row.at_utc, row.utc_offset) if row.at_utc is not None else None
        if dated and (started is None or not since <= started.date() <= until):
            continue
        kept.append((r, row, started))
    kept.sort(key=lambda k: (-k[0].score, k[1].title, k[1].id))
    kept = kept[:limit]
    shown = shown_texts([r for r, _, _ in kept])
    return [
        SearchHit(
            postmortem_id=r.postmortem_id,
            title=row.title,
            snippet=shown[r.postmortem_id].snippet,
            score=r.score,
            kind=row.kind,
            severity=row.severity,
            status=row.status,
            started=started,
            part=shown[r.postmortem_id].part,
            item_id=shown[r.postmortem_id].item_id,
        )
        for r, row, started in kept
    ]


def _describe(conn: Connection, postmortem_ids: Sequence[str]) -> dict[str, Any]:
    """By id, each postmortem's row with what a hit shows: title, kind, severity, status, and
    its first trigger event's time (at_utc, utc_offset), as the library list has it."""
    described: dict[str, Any] = {}
    for at in range(0, len(postmortem_ids), _CHUNK):
        chunk = list(postmortem_ids[at : at + _CHUNK])
        described.update((row.id, row) for row in conn.execute(_describing(), {"ids": chunk}))
    return described


@lru_cache(maxsize=1)
def _describing() -> Select[Any]:
    pm, events = postmortems, timeline_events
    first_trigger_id = first_trigger_id_of_postmortem()
    trigger = events.alias("first_trigger")
    return (
        select(
            pm.c.id,
            pm.c.title,
            pm.c.kind,
            pm.c.severity,
            pm.c.status,
            trigger.c.at_utc,
            trigger.c.utc_offset,
        )
        .select_from(pm.outerjoin(trigger, trigger.c.id == first_trigger_id))
        .where(pm.c.id.in_(bindparam("ids", expanding=True)))
    )


# --- the index ----------------------------------------------------------------------------------


def has_index(conn: Connection) -> bool:
    """Whether the library has the full-text index (SQLite with FTS5 or PostgreSQL, revision 0004
    or later)."""
    if conn.dialect.name == "postgresql":
        from pmdesk.storage import search_postgres  # it imports this module

        return bool(search_postgres.has_index(conn))
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
        (KEY_TABLE, TEXT_TABLE, INDEX_TABLE),
    ).scalar_one()
    return int(found) == 3


def ensure_index(conn: Connection) -> None:
    """Create the index, its tables and triggers, and fill it, unless all of it is there.

    A no-op where it cannot exist: on other databases, or an SQLite without FTS5.
    """
    if not _can_index(conn):
        return
    if conn.dialect.name == "postgresql":
        from pmdesk.storage import search_postgres  # it imports this module

        if not search_postgres.is_complete(conn):
            rebuild_index(conn)
        return
    present = {
        str(name)
        for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    if not _objects() <= present:
        rebuild_index(conn)


def rebuild_index(conn: Connection) -> None:
    """Drop the index and build it again from the postmortems' texts."""
    if not _can_index(conn):
        return
    if conn.dialect.name == "postgresql":
        from pmdesk.storage import search_postgres  # it imports this module

        search_postgres.rebuild_index(conn)
        return
    drop_index(conn)
    for statement in _create_statements():
        conn.exec_driver_sql(statement)


def drop_index(conn: Connection) -> None:
    """Remove the index, its tables and its triggers (if there are any)."""
    if conn.dialect.name == "postgresql":
        from pmdesk.storage import search_postgres  # it imports this module

        search_postgres.drop_index(conn)
        return
    if conn.dialect.name != "sqlite":
        return
    for trigger in _trigger_names():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    for name in (INDEX_TABLE, TEXT_TABLE, KEY_TABLE):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def _can_index(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return True
    if conn.dialect.name != "sqlite":
        return False
    compiled = conn.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
    return bool(compiled.scalar_one())


def _objects() -> set[str]:
    return {KEY_TABLE, TEXT_TABLE, INDEX_TABLE, *_trigger_names()}


def _source_tables() -> list[Table]:
    return list(dict.fromkeys(part.table for part in PARTS))


def _trigger_names() -> list[str]:
    names = [f"{TEXT_TABLE}_{event}" for event in ("insert", "update", "delete")]
    for source in _source_tables():
        names += [f"{TEXT_TABLE}_{source.name}_{event}" for event in ("insert", "update", "delete")]
    return names


def _clean(value: str) -> str:
    """SQL for the text as indexed: without the characters that mark hits in snippets."""
    return f"replace(replace({value}, char(2), ''), char(3), '')"


def _owner(source: Table, row: str) -> str:
    """SQL for the id of the postmortem a row of `source` belongs to (`row`: "new.", "old.")."""
    return f"{row}id" if source is postmortems else f"{row}postmortem_id"


def _codes(parts: Sequence[Part]) -> str:
    """SQL for a table of the parts' codes and names, to insert all of a row's texts at once."""
    return " UNION ALL ".join(f"SELECT {p.code} AS code, '{p.name}' AS part" for p in parts)


def _text_of(parts: Sequence[Part], row: str) -> str:
    """SQL for the (cleaned) text of part `code` of a source row."""
    whens = " ".join(f"WHEN {p.code} THEN {_clean(row + p.column)}" for p in parts)
    return f"CASE code {whens} END"


def _create_statements() -> list[str]:
    part_bits, key_shift = _PART_BITS, _KEY_SHIFT
    serial_shift = key_shift - part_bits
    own = [p for p in PARTS if p.table is postmortems]
    statements = [
        # Never reused while in use, since a postmortem's texts go with it; a plain INTEGER
        # PRIMARY KEY is enough.
        f"CREATE TABLE {KEY_TABLE} (key INTEGER PRIMARY KEY, postmortem_id TEXT NOT NULL UNIQUE)",
        f"CREATE TABLE {TEXT_TABLE} ("
        "id INTEGER PRIMARY KEY, postmortem_id TEXT NOT NULL, part TEXT NOT NULL, "
        "item_id TEXT NOT NULL, text TEXT NOT NULL, UNIQUE (part, item_id))",
        f"INSERT INTO {KEY_TABLE} (postmortem_id) SELECT id FROM postmortems ORDER BY rowid",
        # A postmortem's own texts have serial 0, the others 1, 2, 3, … in no particular order.
        f"INSERT INTO {TEXT_TABLE} (id, postmortem_id, part, item_id, text) "
        f"SELECT (k.key << {key_shift}) | code, pm.id, part, pm.id, {_text_of(own, 'pm.')} "
        f"FROM postmortems AS pm JOIN {KEY_TABLE} AS k ON k.postmortem_id = pm.id, "
        f"({_codes(own)})",
        f"INSERT INTO {TEXT_TABLE} (id, postmortem_id, part, item_id, text) "
        f"SELECT (((k.key << {serial_shift}) + row_number() OVER "
        f"(PARTITION BY t.postmortem_id ORDER BY t.code, t.item_id)) << {part_bits}) | t.code, "
        "t.postmortem_id, t.part, t.item_id, t.text FROM ("
        + " UNION ALL ".join(
            f"SELECT postmortem_id, {p.code} AS code, '{p.name}' AS part, id AS item_id, "
            f"{_clean(p.column)} AS text FROM {p.table.name}"
            for p in PARTS
            if p.table is not postmortems
        )
        + f") AS t JOIN {KEY_TABLE} AS k ON k.postmortem_id = t.postmortem_id",
        # External content: the texts are stored once, in search_text; FTS5 keeps only the index.
        f"CREATE VIRTUAL TABLE {INDEX_TABLE} USING fts5("
        "postmortem_id UNINDEXED, part UNINDEXED, item_id UNINDEXED, text, "
        f"content='{TEXT_TABLE}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}) VALUES ('rebuild')",
    ]
    columns = "postmortem_id, part, item_id, text"
    # An external-content index is told what to forget, with exactly the values it indexed.
    forget = (
        f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}, rowid, {columns}) "
        "VALUES ('delete', old.id, old.postmortem_id, old.part, old.item_id, old.text);"
    )
    remember = (
        f"INSERT INTO {INDEX_TABLE} (rowid, {columns}) "
        "VALUES (new.id, new.postmortem_id, new.part, new.item_id, new.text);"
    )
    statements += [
        f"CREATE TRIGGER {TEXT_TABLE}_insert AFTER INSERT ON {TEXT_TABLE} BEGIN {remember} END",
        f"CREATE TRIGGER {TEXT_TABLE}_delete AFTER DELETE ON {TEXT_TABLE} BEGIN {forget} END",
        f"CREATE TRIGGER {TEXT_TABLE}_update AFTER UPDATE ON {TEXT_TABLE} "
        f"BEGIN {forget} {remember} END",
    ]
    for source in _source_tables():
        statements += _source_triggers(source, [p for p in PARTS if p.table is source])
    return statements


def _source_triggers(source: Table, parts: list[Part]) -> list[str]:
    name, prefix = source.name, f"{TEXT_TABLE}_{source.name}"
    part_bits, key_shift = _PART_BITS, _KEY_SHIFT
    serial_shift = key_shift - part_bits
    new_owner, old_owner = _owner(source, "new."), _owner(source, "old.")
    if source is postmortems:
        # Serial 0, after a new key.
        rowid = f"(key << {key_shift}) | code"
        register = f"INSERT INTO {KEY_TABLE} (postmortem_id) VALUES (new.id);"
    else:
        # The next serial after the postmortem's highest: one seek, since rowids sort by key.
        highest = (
            f"(SELECT max(id) FROM {TEXT_TABLE} WHERE id BETWEEN key << {key_shift} "
            f"AND ((key + 1) << {key_shift}) - 1)"
        )
        serial = f"coalesce({highest} >> {part_bits}, key << {serial_shift}) + 1"
        rowid = f"(({serial}) << {part_bits}) | code"
        register = ""
    insert = (
        f"INSERT INTO {TEXT_TABLE} (id, postmortem_id, part, item_id, text) "
        f"SELECT {rowid}, {new_owner}, part, new.id, {_text_of(parts, 'new.')} "
        f"FROM {KEY_TABLE}, ({_codes(parts)}) WHERE postmortem_id = {new_owner}"
    )
    names = ", ".join(f"'{p.name}'" for p in parts)
    if source is postmortems:
        move = (
            f"UPDATE {KEY_TABLE} SET postmortem_id = new.id "
            "WHERE postmortem_id = old.id AND new.id IS NOT old.id;"
        )
        forget = (
            f"DELETE FROM {TEXT_TABLE} WHERE id BETWEEN "
            f"(SELECT key << {key_shift} FROM {KEY_TABLE} WHERE postmortem_id = old.id) AND "
            f"(SELECT ((key + 1) << {key_shift}) - 1 FROM {KEY_TABLE} "
            "WHERE postmortem_id = old.id); "
            f"DELETE FROM {KEY_TABLE} WHERE postmortem_id = old.id;"
        )
    else:
        # The postmortem is in the rowid: a text that changes postmortem is stored anew.
        moved = f"{new_owner} IS NOT {old_owner}"
        move = (
            f"DELETE FROM {TEXT_TABLE} WHERE part IN ({names}) AND item_id = old.id AND {moved}; "
            f"{insert} AND {moved};"
        )
        forget = f"DELETE FROM {TEXT_TABLE} WHERE part IN ({names}) AND item_id = old.id;"
    # Only what changed: every edit rewrites whole rows, mostly with the same texts.
    updates = " ".join(
        f"UPDATE {TEXT_TABLE} SET postmortem_id = {new_owner}, item_id = new.id, "
        f"text = {_clean('new.' + p.column)} WHERE part = '{p.name}' AND item_id = old.id AND "
        f"(text IS NOT {_clean('new.' + p.column)} OR item_id IS NOT new.id "
        f"OR postmortem_id IS NOT {new_owner});"
        for p in parts
    )
    watched = ", ".join(dict.fromkeys(["id", _owner(source, ""), *(p.column for p in parts)]))
    return [
        f"CREATE TRIGGER {prefix}_insert AFTER INSERT ON {name} BEGIN {register} {insert}; END",
        f"CREATE TRIGGER {prefix}_update AFTER UPDATE OF {watched} ON {name} "
        f"BEGIN {move} {updates} END",
        f"CREATE TRIGGER {prefix}_delete AFTER DELETE ON {name} BEGIN {forget} END",
    ]
