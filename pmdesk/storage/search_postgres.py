"""Full-text search on PostgreSQL: the same query language, ranking and snippets as search.py's
FTS5 index, built from PostgreSQL's own text search.

How: `search_text` holds one row per searched text, as on SQLite, and a generated column `vector`
holds its tsvector, under a GIN index (`search_index`). Triggers on the postmortem tables keep
`search_text` current in the edit's own transaction, so a rolled-back edit leaves no trace.

The words are not PostgreSQL's parser's: its token types (host names, file paths, version numbers,
hyphenated words) and its idea of a letter (which follows the database's locale) would split texts
unlike FTS5's unicode61 tokenizer does and unlike the query's words are split here. Instead
`pmdesk_search_vector(text)` folds the text (lower case, Latin diacritics removed, by a table
generated here from Python's Unicode data) and splits it at every character that is not a letter
or a digit (the same test as the query's `[^\\W_]`), numbering the words; the tsvector is cast from
those words. Its tsquery is built the same way from the query: a word is its pieces as a phrase
(`'v41' <-> '2'`), prefix-matched from two letters (`'rollb':*`); a quoted phrase matches whole
words. Nothing is stemmed (no "simple" or "english" configuration runs), so a prefix is never cut
short and every language is treated alike. Only built-in functions are called, so the generated
column survives a dump and restore whatever the restoring session's search_path.

Limits, beyond those of unicode61 (see search.py): a text is indexed up to its first 100,000
characters, a word of 2,048 bytes or more is not indexed, and phrase positions stop at 16,383
words (PostgreSQL's tsvector limits); the server needs PostgreSQL 12 or later and a UTF8 database.

Ranking is search.py's two steps: first by where the words are (the part weights), then the chosen
few by `ts_rank` (length-normalised, weighted by part) where SQLite uses bm25. Snippets are made
here, from the text the ranking chose, by the same words as the query.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    String,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.types import UserDefinedType

from pmdesk.storage.schema import postmortems
from pmdesk.storage.search import (
    _CHUNK,
    _HITS_CAP,
    _WORD_PIECE,
    ELLIPSIS,
    HIT_END,
    HIT_START,
    INDEX_TABLE,
    PARTS,
    SNIPPET_WORDS,
    TEXT_TABLE,
    Part,
    SearchFilters,
    SearchHit,
    Term,
    _filter_values,
    _finish,
    _Ranked,
    _Shown,
    ranked,
)

VECTOR_FUNCTION = "pmdesk_search_vector"
# What the index indexes of one text, and the longest word it can hold (PostgreSQL's limits).
MAX_INDEXED_CHARS = 100_000
MAX_WORD_BYTES = 2047
_MAX_POSITION = 16383


# --- folding and words, shared by the index (as SQL) and the queries (in Python) ---------------


@lru_cache(maxsize=1)
def folding() -> dict[int, str]:
    """For str.translate: each character that folds, to its lower-case form without Latin
    diacritics ("É" to "e", "Ж" to "ж"), and the combining diacritical marks to nothing."""
    table: dict[int, str] = {cp: chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)}
    decomposition = unicodedata.decomposition
    for cp in range(0x80, 0x20000):  # no cased or decomposable Latin letter lies beyond
        ch = chr(cp)
        if ch.lower() == ch and not decomposition(ch):
            continue
        folded = _fold(ch)
        if folded != ch:
            table[cp] = folded
    for cp in range(0x300, 0x370):  # "e" + U+0301 is "é" written in two characters
        table[cp] = ""
    return table


def _fold(ch: str) -> str:
    low = ch.lower()
    parts = unicodedata.normalize("NFD", low)
    base, marks = parts[0], parts[1:]
    if marks and all(unicodedata.combining(m) for m in marks) and _is_latin(base):
        return base
    return low if len(low) == 1 else ch


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN ")


@lru_cache(maxsize=1)
def _word_ranges() -> list[tuple[int, int]]:
    """The code points of word characters (letters and digits: `str.isalnum`), as ranges."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x110000):
        if chr(cp).isalnum():
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ranges


def words(text_: str) -> list[str]:
    """The words of a text as the index holds them: folded, split at all but letters and digits."""
    return _WORD_PIECE.findall(text_.translate(folding()))


def term_query(term: Term) -> str | None:
    """The tsquery of one term; None for a term no indexed word can match (one too long)."""
    pieces = words(term.text)
    if not pieces or any(len(p.encode("utf-8")) > MAX_WORD_BYTES for p in pieces):
        return None
    prefix = ":*" if term.fts.endswith("*") else ""
    return "(" + " <-> ".join(f"'{piece}'" for piece in pieces) + prefix + ")"


# --- searching ----------------------------------------------------------------------------------

_texts = table(
    TEXT_TABLE,
    column("id"),
    column("postmortem_id"),
    column("part"),
    column("item_id"),
    column("text"),
    column("vector"),
)


class _TsQuery(UserDefinedType[str]):
    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "tsquery"


def _matches(expression: ColumnElement[Any]) -> ColumnElement[bool]:
    return _texts.c.vector.op("@@")(cast(expression, _TsQuery()))


def _weight() -> ColumnElement[float]:
    whens = {p.name: literal(p.weight) for p in PARTS}
    return case(whens, value=_texts.c.part, else_=literal(1.0))


def search_index(
    conn: Connection, terms: Sequence[Term], filters: SearchFilters, limit: int
) -> list[SearchHit]:
    queries = [term_query(term) for term in terms]
    if any(q is None for q in queries):
        return []
    expressions = [q for q in queries if q is not None]
    values = _filter_values(filters)
    dated = filters.since is not None or filters.until is not None
    query = _ranking(len(terms), frozenset(values), limited=not dated)
    params: dict[str, Any] = {f"term{i}": q for i, q in enumerate(expressions)}
    params.update(values, all=" & ".join(expressions), limit=limit)
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
    return _order_by_rank(conn, " | ".join(expressions), hits)


@lru_cache(maxsize=128)
def _ranking(terms: int, filtered: frozenset[str], limited: bool) -> Select[Any]:
    """As search._ranking: postmortems with every term, best first: id, score, then score and
    id of each term's best text, and (for several terms) of the best text holding all of them."""
    return ranked(postmortems, postmortems.c.id, _best_texts, terms, filtered, limited)


def _best_texts(name: str) -> Subquery:
    """Per postmortem, its text that best matches the tsquery in parameter `name`: key (the
    postmortem's id), score (the best part's weight, plus up to a quarter point for how many
    texts match), rid."""
    rows = (
        select(_texts.c.id, _texts.c.postmortem_id, _weight().label("weight"))
        .where(_matches(bindparam(name, type_=String)))
        .subquery(f"{name}_texts")
    )
    score = func.max(rows.c.weight) + func.least(func.count(), _HITS_CAP) * (0.25 / _HITS_CAP)
    ordered = aggregate_order_by(rows.c.id, rows.c.weight.desc(), rows.c.id)
    rid = type_coerce(func.array_agg(ordered), ARRAY(BigInteger))[1]
    return (
        select(rows.c.postmortem_id.label("key"), score.label("score"), rid.label("rid"))
        .group_by(rows.c.postmortem_id)
        .subquery(f"{name}_best")
    )


def _order_by_rank(conn: Connection, expression: str, hits: list[SearchHit]) -> list[SearchHit]:
    """The chosen postmortems by the best ts_rank of their texts for any of the words, weighted
    by part; as bm25 does on SQLite, a text holding more of the words ranks higher, and a
    shorter text higher than a longer one with the same words."""
    if not hits:
        return hits
    ids = [hit.postmortem_id for hit in hits]
    scores: dict[str, float] = dict.fromkeys(ids, 0.0)
    rank = func.ts_rank(_texts.c.vector, cast(bindparam("expression"), _TsQuery()), 1)
    query = (
        select(_texts.c.postmortem_id, func.max(rank * _weight()))
        .where(_texts.c.postmortem_id.in_(bindparam("ids", expanding=True)))
        .where(_matches(bindparam("expression", type_=String)))
        .group_by(_texts.c.postmortem_id)
    )
    for postmortem_id, best in conn.execute(query, {"expression": expression, "ids": ids}):
        scores[postmortem_id] = float(best)
    ordered = sorted(hits, key=lambda h: (-scores[h.postmortem_id], h.title, h.postmortem_id))
    return [replace(hit, score=round(scores[hit.postmortem_id], 6)) for hit in ordered]


_SHOWN = text(f"SELECT id, part, item_id, text FROM {TEXT_TABLE} WHERE id IN :row_ids").bindparams(
    bindparam("row_ids", expanding=True)
)


def _snippets(conn: Connection, terms: Sequence[Term], row_ids: list[int]) -> dict[int, _Shown]:
    found: dict[int, _Shown] = {}
    for at in range(0, len(row_ids), _CHUNK):
        rows = conn.execute(_SHOWN, {"row_ids": row_ids[at : at + _CHUNK]})
        found.update(
            (int(rid), _Shown(part, item_id, snippet(source, terms)))
            for rid, part, item_id, source in rows
        )
    return found


# --- snippets -----------------------------------------------------------------------------------


def snippet(source: str, terms: Sequence[Term]) -> str:
    """Like FTS5's snippet(): SNIPPET_WORDS words of `source` around the most terms, each match
    between HIT_START and HIT_END, "…" where the text goes on."""
    source = source.replace(HIT_START, "").replace(HIT_END, "")
    tokens = _tokens(source)
    if not tokens:
        return source
    folded = [word for _, _, word in tokens]
    matches: list[tuple[int, int, int]] = []  # first token, last token, term
    for number, term in enumerate(terms):
        pieces = words(term.text)
        if not pieces:
            continue
        prefix = term.fts.endswith("*")
        *whole, final = pieces
        for at in range(len(folded) - len(pieces) + 1):
            if folded[at : at + len(whole)] != whole:
                continue
            word = folded[at + len(whole)]
            if word == final or (prefix and word.startswith(final)):
                matches.append((at, at + len(pieces) - 1, number))
    begin = _window(matches, len(tokens))
    end = min(len(tokens), begin + SNIPPET_WORDS)
    window_start = tokens[begin][0] if begin > 0 else 0
    window_end = tokens[end - 1][1] if end < len(tokens) else len(source)
    out = [ELLIPSIS] if begin > 0 else []
    position = window_start
    for first, last, _ in sorted(matches):
        first, last = max(first, begin), min(last, end - 1)
        hit_start, hit_end = max(tokens[first][0], position), tokens[last][1]
        if first > last or hit_start >= hit_end:
            continue
        out += [source[position:hit_start], HIT_START, source[hit_start:hit_end], HIT_END]
        position = hit_end
    out.append(source[position:window_end])
    if end < len(tokens):
        out.append(ELLIPSIS)
    return "".join(out)


def _window(matches: list[tuple[int, int, int]], count: int) -> int:
    """The first token of the window showing the most terms (then the most matches), starting
    a little before its first match."""
    if not matches:
        return 0
    best, best_rank = 0, (-1, -1, 0)
    for first, _, _ in matches:
        begin = max(0, min(first - 2, count - SNIPPET_WORDS))
        inside = [m for m in matches if begin <= m[0] and m[1] < begin + SNIPPET_WORDS]
        rank = (len({m[2] for m in inside}), len(inside), -begin)
        if rank > best_rank:
            best, best_rank = begin, rank
    return best


def _tokens(source: str) -> list[tuple[int, int, str]]:
    """The words of `source` as (start, end, folded word), the offsets in `source`."""
    table = folding()
    folded: list[str] = []
    origin: list[int] = []
    for at, ch in enumerate(source):
        for piece in table.get(ord(ch), ch):
            folded.append(piece)
            origin.append(at)
    found = []
    for match in _WORD_PIECE.finditer("".join(folded)):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        while end < len(source) and table.get(ord(source[end])) == "":
            end += 1  # a combining mark after the word's last letter belongs to it
        found.append((start, end, match.group()))
    return found


# --- the index ----------------------------------------------------------------------------------


def has_index(conn: Connection) -> bool:
    found = conn.exec_driver_sql(f"SELECT to_regclass('{TEXT_TABLE}') IS NOT NULL").scalar_one()
    return bool(found)


def source_tables() -> list[Any]:
    return list(dict.fromkeys(part.table for part in PARTS))


def trigger_names() -> list[str]:
    return [
        f"{TEXT_TABLE}_{source.name}_{event}"
        for source in source_tables()
        for event in ("insert", "update", "delete")
    ]


_PRESENT = text(
    f"SELECT to_regclass('{TEXT_TABLE}') IS NOT NULL AND to_regclass('{INDEX_TABLE}') IS NOT NULL "
    f"AND to_regprocedure('{VECTOR_FUNCTION}(text)') IS NOT NULL AND (SELECT count(*) "
    "FROM pg_trigger WHERE NOT tgisinternal AND pg_table_is_visible(tgrelid) "
    "AND tgname = ANY(:names)) = :count"
)


def is_complete(conn: Connection) -> bool:
    """Whether the table, its index, the function and every trigger are there."""
    names = trigger_names()
    return bool(conn.execute(_PRESENT, {"names": names, "count": len(names)}).scalar_one())


def rebuild_index(conn: Connection) -> None:
    drop_index(conn)
    for statement in create_statements():
        conn.exec_driver_sql(statement)


def drop_index(conn: Connection) -> None:
    # Each trigger function takes its triggers with it; the table takes its indexes.
    for source in source_tables():
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {TEXT_TABLE}_{source.name}() CASCADE")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TEXT_TABLE}")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {VECTOR_FUNCTION}(text)")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def vector_function() -> str:
    """CREATE FUNCTION for the tsvector of a text: folded, split at all but letters and digits,
    each word numbered (see the module's docstring)."""
    mapping = folding()
    ascii_from = "".join(chr(cp) for cp in range(ord("A"), ord("Z") + 1))
    kept = [(cp, to) for cp, to in mapping.items() if to]
    removed = [cp for cp, to in mapping.items() if not to]
    all_from = "".join(chr(cp) for cp, _ in kept) + "".join(chr(cp) for cp in removed)
    all_to = "".join(to for _, to in kept)
    word_class = "".join(
        chr(first) if first == last else f"{chr(first)}-{chr(last)}"
        for first, last in _word_ranges()
    )
    folded = (
        "CASE WHEN source ~ '[^\\x01-\\x7f]' "
        f"THEN translate(left(source, {MAX_INDEXED_CHARS}), {_literal(all_from)}, "
        f"{_literal(all_to)}) "
        f"ELSE translate(left(source, {MAX_INDEXED_CHARS}), {_literal(ascii_from)}, "
        f"{_literal(ascii_from.lower())}) END"
    )
    # PL/pgSQL keeps the query's plan for the session; an SQL function would plan it every call.
    return (
        f"CREATE FUNCTION {VECTOR_FUNCTION}(source text) RETURNS tsvector "
        "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $function$ BEGIN RETURN ("
        "SELECT coalesce(string_agg('''' || word || ''':' || "
        f"least(n, {_MAX_POSITION}), ' ')::tsvector, ''::tsvector) "
        f"FROM regexp_split_to_table({folded}, {_literal('[^' + word_class + ']+')}) "
        "WITH ORDINALITY AS token(word, n) "
        f"WHERE word <> '' AND octet_length(word) <= {MAX_WORD_BYTES}"
        "); END $function$"
    )


def _clean(value: str) -> str:
    """SQL for the text as indexed: without the characters that mark hits in snippets."""
    return f"replace(replace({value}, chr(2), ''), chr(3), '')"


def create_statements() -> list[str]:
    fill = " UNION ALL ".join(
        f"SELECT {'id' if p.table is postmortems else 'postmortem_id'}, '{p.name}', id, "
        f"{_clean(p.column)} FROM {p.table.name}"
        for p in PARTS
    )
    statements = [
        vector_function(),
        f"CREATE TABLE {TEXT_TABLE} ("
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "postmortem_id varchar(32) NOT NULL, part varchar(20) NOT NULL, "
        "item_id varchar(32) NOT NULL, text text NOT NULL, "
        f"vector tsvector GENERATED ALWAYS AS ({VECTOR_FUNCTION}(text)) STORED, "
        f"CONSTRAINT {TEXT_TABLE}_part_item_id UNIQUE (part, item_id))",
        f"CREATE INDEX {TEXT_TABLE}_postmortem_id ON {TEXT_TABLE} (postmortem_id)",
        f"INSERT INTO {TEXT_TABLE} (postmortem_id, part, item_id, text) {fill}",
        # After the texts are in: one build is faster than growing the index row by row.
        f"CREATE INDEX {INDEX_TABLE} ON {TEXT_TABLE} USING gin (vector)",
    ]
    for source in source_tables():
        statements += _source_triggers(source, [p for p in PARTS if p.table is source])
    return statements


def _source_triggers(source: Any, parts: list[Part]) -> list[str]:
    name, function = source.name, f"{TEXT_TABLE}_{source.name}"
    own = source is postmortems
    owner = "id" if own else "postmortem_id"
    values = ", ".join(
        f"(NEW.{owner}, '{p.name}', NEW.id, {_clean('NEW.' + p.column)})" for p in parts
    )
    updates = " ".join(
        f"UPDATE {TEXT_TABLE} SET postmortem_id = NEW.{owner}, item_id = NEW.id, "
        f"text = {_clean('NEW.' + p.column)} WHERE part = '{p.name}' AND item_id = OLD.id AND "
        f"(text IS DISTINCT FROM {_clean('NEW.' + p.column)} OR item_id IS DISTINCT FROM NEW.id "
        f"OR postmortem_id IS DISTINCT FROM NEW.{owner});"
        for p in parts
    )
    names = ", ".join(f"'{p.name}'" for p in parts)
    if own:
        # The postmortem's other texts follow a change of its id; deleting it forgets them all.
        updates = (
            f"UPDATE {TEXT_TABLE} SET postmortem_id = NEW.id "
            "WHERE postmortem_id = OLD.id AND NEW.id IS DISTINCT FROM OLD.id; " + updates
        )
        forget = f"DELETE FROM {TEXT_TABLE} WHERE postmortem_id = OLD.id;"
    else:
        forget = f"DELETE FROM {TEXT_TABLE} WHERE part IN ({names}) AND item_id = OLD.id;"
    watched = list(dict.fromkeys(["id", owner, *(p.column for p in parts)]))
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
    return [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN INSERT INTO {TEXT_TABLE} (postmortem_id, part, item_id, text) "
        f"VALUES {values}; ELSIF TG_OP = 'UPDATE' THEN {updates} ELSE {forget} END IF; "
        "RETURN NULL; END $function$",
        f"CREATE TRIGGER {function}_insert AFTER INSERT ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        # Only what changed: every edit rewrites whole rows, mostly with the same texts.
        f"CREATE TRIGGER {function}_update AFTER UPDATE OF {', '.join(watched)} ON {name} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {function}_delete AFTER DELETE ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
