"""The `text` query node: a word search across an object's text, through the database's index.

Leads, contacts and activities (notes, calls, meetings, emails, SMS, WhatsApp messages) have
their words in `text_index`, one row per object kept by triggers (migration 7c2d4e6f8a10):
a lead's name, description and url, a contact's name, title, emails and phones, an
activity's note, title, subject, body or text. SQLite matches them with FTS5 (leads' and
contacts' rows in one table, activities' in another: migration f6a2c8e4b0d3), PostgreSQL with
a tsvector and its GIN index; both split words on punctuation and compare them lowercased,
without stemming. A lead matches when its own words, or those of one of its contacts or
activities, do; every word must be found in one object. Each row's organization is in the index
too (migration b6d2f8a4c1e7), so a search may ask for its own organization's entries alone
(`scoped`).

`text_condition` is the one entry point: the `text` node of Advanced Filtering, and the bare
words of the lead query string. Objects without a row in the index (opportunities, tasks,
custom objects) compare their text column with LIKE.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    FromClause,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import literal as sql_literal
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql import column, table

from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.filters import text_match
from leadbase.db.models import text_index
from leadbase.db.repository import kept_count
from leadbase.db.text_upkeep import segments
from leadbase.search.common import count_up_to, reaches, threshold

_WORD = re.compile(r"\w+")
# A word the index holds whole on both databases: letters and digits only (what PostgreSQL's
# document and FTS5's unicode61 tokenizer both keep together).
PLAIN_WORD = re.compile(r"[a-z0-9]+")
# The FTS5 tables (SQLite only, not in the metadata; migration f6a2c8e4b0d3): the rows of leads
# and contacts in `text_index_fts`, activities' in `activity_text_fts`. Their rowid is
# text_index.id; their columns `body` (the words) and `organization_id`.
_PEOPLE_FTS = table("text_index_fts", column("rowid"), column("text_index_fts"))
_ACTIVITY_FTS = table("activity_text_fts", column("rowid"), column("activity_text_fts"))
_KIND = {"lead": "lead", "contact": "contact"}
# The kinds of `text_index` row a search reads (`_fts_hits`): a lead's text is its own row's,
# its contacts' and its activities'.
PEOPLE = ("lead", "contact")
EVERY_KIND = ("lead", "contact", "activity")


def words(value: str) -> list[str]:
    """The words of a search as the index splits them: letters and digits, lowercased."""
    return _WORD.findall(value.lower())


# Internal mode: the words adjacent, the last one a word start (a phrase cut inside a word).
PHRASE_START = "phrase_start"


def _fts_query(terms: list[str], mode: str) -> str:
    """The FTS5 query of `terms` in `mode`, on the words alone (never the organization column)."""
    if mode == PHRASE_START:
        words_query = '"' + " ".join(terms) + '"*'
    elif mode in ("phrase", "exact_value"):
        words_query = '"' + " ".join(terms) + '"'
    elif mode == "beginning_of_words":
        words_query = " ".join(f'"{t}"*' for t in terms)
    else:
        words_query = " ".join(f'"{t}"' for t in terms)
    return f"body : ({words_query})"


# A search asks the index for its organization's entries alone when the organization holds less
# than SCOPE_SHARE of the database's leads. Then a word common elsewhere (a last name in a
# tenth of a large organization's contacts) no longer costs it a read of every other
# organization's entries (the 100,000-lead organization beside a million-lead one: its count of
# a last name 135 -> 54 ms on SQLite). For an organization holding most of the entries, the
# intersection with its own long list of entries costs more than the few others' entries it
# spares (FTS5 reads the organization's whole list: 34 ms against 8 for the word alone at a
# million leads), so the word's entries are read whole and the rows filtered as before.
SCOPE_SHARE = 0.5
_SCOPED = "fulltext.scoped"


def scoped(ctx: Context) -> bool:
    """Whether this request's searches ask the index for the organization's entries alone
    (SCOPE_SHARE), decided once a request."""
    if _SCOPED not in ctx.memo:
        own = kept_count(ctx, "lead")
        # An estimate may lag (the planner's is as old as the last ANALYZE): never below the
        # organization's own leads.
        database_leads = max(_database_leads(ctx), own)
        ctx.memo[_SCOPED] = own < SCOPE_SHARE * database_leads
    return bool(ctx.memo[_SCOPED])


def _database_leads(ctx: Context) -> float:
    """An estimate of the leads of every organization (0 when unknown): the highest rowid on
    SQLite, the planner's row estimate on PostgreSQL (each a lookup)."""
    query = _PLANNER_ROWS if ctx.conn.dialect.name == "postgresql" else _HIGHEST_LEAD_ROWID
    estimate = ctx.conn.execute(query).scalar()
    return max(float(estimate or 0), 0.0)


_PLANNER_ROWS: Select[Any] = (
    select(literal_column("reltuples"))
    .select_from(table("pg_class"))
    .where(literal_column("oid") == func.to_regclass(sql_literal("lead")))
)
_HIGHEST_LEAD_ROWID: Select[Any] = select(func.max(literal_column("rowid"))).select_from(table("lead"))


def organization_token(organization_id: str) -> str:
    """The word of an organization's id FTS5 holds that tells it from the others: its longest
    (the random part of `orga_...`). Ids with the same token share entries, which the
    organization condition on every row still tells apart."""
    return max(_SEPARATOR.split(organization_id.lower()), key=len)


def organization_lexeme(organization_id: str) -> str:
    """PostgreSQL: the tsquery of the organization's lexeme in `text_index.document`."""
    return "'@" + organization_id.replace("'", "''") + "'"


def _fts_tables(kinds: tuple[str, ...]) -> list[Any]:
    """The FTS5 tables holding the rows of `kinds`."""
    tables = []
    if any(kind in PEOPLE for kind in kinds):
        tables.append(_PEOPLE_FTS)
    if "activity" in kinds:
        tables.append(_ACTIVITY_FTS)
    return tables


def _fts_hits(ctx: Context, fts_query: str, kinds: tuple[str, ...] = EVERY_KIND) -> Select[Any]:
    """The FTS5 rowids (`text_index.id`) of the rows of `kinds` matching `fts_query`: the
    organization's own when `scoped`, every organization's otherwise. Rows of other kinds may be
    among them (leads' beside contacts'): the caller checks the row's kind when it matters."""
    token = organization_token(ctx.organization_id) if scoped(ctx) else ""
    if token:
        fts_query = f'{fts_query} AND organization_id : "{token}"'
    selects = [select(fts.c.rowid).where(fts.c[fts.name].match(fts_query)) for fts in _fts_tables(kinds)]
    if len(selects) == 1:
        return selects[0]
    return select(union_all(*selects).subquery().c.rowid)


def _ts_query(terms: list[str], mode: str) -> str:
    if mode == PHRASE_START:
        return " <-> ".join([*terms[:-1], terms[-1] + ":*"])
    if mode in ("phrase", "exact_value"):
        return " <-> ".join(terms)
    if mode == "beginning_of_words":
        return " & ".join(f"{t}:*" for t in terms)
    return " & ".join(terms)


def matching(
    ctx: Context, value: str, mode: str, kinds: tuple[str, ...] = EVERY_KIND
) -> ColumnElement[bool] | None:
    """The condition on the organization's `text_index` rows whose words match (None: the text
    has no words), among rows of `kinds` (others may match too: see `_fts_hits`)."""
    terms = words(value)
    if not terms:
        return None
    own = text_index.c.organization_id == ctx.organization_id
    if ctx.conn.dialect.name == "postgresql":
        document: ColumnElement[Any] = literal_column("text_index.document")
        query: ColumnElement[Any] = func.to_tsquery("simple", _ts_query(terms, mode))
        # A page's condition keeps the word alone: the planner, estimating the organization's
        # matches from the word's over every organization, walks the page's order and stops
        # early; told the exact few thousand, it lists and sorts them all (the 100,000-lead
        # organization's page of a last name: 149 ms against 70). What reads every match (a
        # count, an export) reads the organization's own.
        if not scoped(ctx) or ctx.first_rows:
            return and_(own, document.op("@@")(query))
        # The lexeme names the organization exactly. The condition on the column beside it
        # would count the organization twice in the planner's estimate (a tenth of the rows
        # found, at 100,000 of 1.1M leads), and have it AND the organization's whole index in.
        lexeme = cast(sql_literal(organization_lexeme(ctx.organization_id)), TSQUERY)
        return document.op("@@")(query.op("&&")(lexeme))
    hits = _fts_hits(ctx, _fts_query(terms, mode), kinds)
    return and_(own, text_index.c.id.in_(hits))


# The fields whose text is in an object's `text_index` row, by object type; and the fields of
# the elements of a JSON list whose text is in their parent's row (a contact's email addresses
# and phone numbers).
INDEXED_FIELDS = {"lead": ("name", "description", "url"), "contact": ("name", "title")}
INDEXED_ELEMENTS = {("contact", "contact_email"): ("email",), ("contact", "contact_phone"): ("phone",)}
_SEPARATOR = re.compile(r"[^a-z0-9]+")
_PRINTABLE = re.compile(r"[ -~]+")


def _index_search(mode: str, value: str) -> tuple[str, str] | None:
    """The words and index mode that every text matching `text_match(mode, value)` has among
    its words, or None when the index cannot vouch for it (see `field_prefilter`)."""
    text = value.lower()
    if mode in ("beginning_of_words", "exact_value"):
        terms = text.split()
        if terms and all(PLAIN_WORD.fullmatch(t) for t in terms):
            return " ".join(terms), "beginning_of_words" if mode == "beginning_of_words" else "full_words"
        if mode == "exact_value" and _PRINTABLE.fullmatch(text):
            # The field is the value: each of its words is a whole word of the field (an email
            # address `ann.lee@acme.test`: `ann`, `lee`, `acme`, `test`).
            words = [t for t in _SEPARATOR.split(text) if t]
            return (" ".join(words), "full_words") if words else None
        return None
    if mode == "phrase":
        phrase = " ".join(text.split())
        if not phrase or not _PRINTABLE.fullmatch(phrase):
            return None
        # A phrase is found anywhere, inside a word too: a word of it starts a word of the text
        # only after a separator (`@acme.com`, or `labs` in `acme labs`); its first, when not
        # after one, may end a longer word (`xacme`) and says nothing. The last may go on
        # (`@acme.co`, `acme la`).
        terms = [t for t in _SEPARATOR.split(phrase) if t]
        if PLAIN_WORD.match(phrase):
            terms = terms[1:]
        if not terms:
            return None
        return " ".join(terms), PHRASE_START if PLAIN_WORD.fullmatch(phrase[-1]) else "phrase"
    return None


# PostgreSQL: fields with a GIN index of their own words (migration f4c1a7e9b3d5), the same
# words `text_index.document` holds for them. A condition on the row itself: no join through
# text_index, whose GIN index mixes every kind of object of every organization.
_WORDS_PATTERN: ColumnElement[str] = literal_column("'[^[:alnum:]]+'")


def _email_values(on: FromClause) -> ColumnElement[Any]:
    return cast(func.jsonb_path_query_array(on.c.emails, literal_column("'$[*].email'")), Text)


WORD_INDEXED: dict[tuple[str, str], Callable[[FromClause], ColumnElement[Any]]] = {
    ("lead", "name"): lambda on: on.c.name,
    ("contact", "name"): lambda on: on.c.name,
    ("contact", "contact_email"): _email_values,
}


def words_of(text: ColumnElement[Any]) -> ColumnElement[Any]:
    """The words of `text` as the word indexes hold them. Constants inline, never parameters:
    the planner matches an index's expression only against the same constants."""
    space: ColumnElement[str] = literal_column("' '")
    everywhere: ColumnElement[str] = literal_column("'g'")
    spaced = func.regexp_replace(func.lower(text), _WORDS_PATTERN, space, everywhere)
    return func.to_tsvector(literal_column("'simple'"), spaced)


# SQLite, a page of leads with a common word (a contact's last name shared by a tenth of them): the
# list of every matching lead costs a lookup per match (0.3 s at a million leads), while checking
# leads one by one in the page's order stops after a few hundred (30 ms). SQLite's planner cannot
# weigh the two, so the search does: the word's index entries (counted up to LIST_CAP) against a
# threshold (COMMON_MIN, and COMMON_SHARE of the organization's kept leads). A rare word keeps the
# list, which a walk would pay for with every lead of the organization.
COMMON_SHARE = 0.04
# With a scoped search the entries counted are the organization's own: 12,000 of a last name in
# a 100,000-lead organization are common enough (a page: 75 ms through the list, 26 walked).
COMMON_MIN = 2_000
# Up to this many entries (`_fts_hits`), a common word's rows are looked up in the
# list of its entries, read once (`_walk_on_sqlite`): 137,000 entries cost 35 ms to read, and
# spared 60 ms of FTS5 lookups to a page at a million leads and 100 ms at 100,000.
LIST_CAP = 300_000
# A field's own words (a lead's name) cost LIKE alone a fraction of a microsecond a row in the
# page's order: leaving the index out pays from a much smaller share.
WALK_SHARE = 0.005
WALK_MIN = 2_000
# A phrase's later words (`field_prefilter`) narrow its rows on SQLite up to this share of the
# organization's leads: each candidate costs a lookup several times a row's LIKE.
INNER_SHARE = 0.02


def _common_on_sqlite(ctx: Context, fts_query: str, kinds: tuple[str, ...], share: float, least: int) -> bool:
    """Whether the FTS5 entries of `fts_query` among rows of `kinds` (`_fts_hits`) reach `least`
    and `share` of the organization's leads."""
    return reaches(ctx, _fts_hits(ctx, fts_query, kinds), share, least)


_WORDS_OF_INDEX = table("text_index_words", column("term"), column("doc"), schema="temp")
# A word start whose words' rows add up to this many times what makes it common is common: the
# sum counts a row once for each word of it starting so, and a row holding four such words on
# average is not seen in text (`acme ace acorn acre` in every row).
PREFIX_MARGIN = 4


# The words' row sums of word starts, per database, kept WORD_SUMS_SECONDS: a sum only chooses
# how a page is read (in order with LIKE, or from the index), never which rows it answers, and
# reading it took ~0.7 ms of a 3.5 ms name search at a million leads (bench/RESULTS.md, "Search
# on 2026-12-05"). A sum a little behind the index's writes chooses as well; at most
# WORD_SUMS_KEPT starts are kept, the oldest going first.
WORD_SUMS_SECONDS = 10.0
WORD_SUMS_KEPT = 4096
_WORD_SUMS: dict[tuple[str, str], tuple[float, int]] = {}
# Requests search on several threads: a read is one dict lookup, a write (and its eviction, which
# finds the oldest key by iterating) holds the lock, as db/orgcache.py's writes do.
_WORD_SUMS_WRITE = threading.Lock()
_monotonic = time.monotonic


def _words_rows(ctx: Context, start: str) -> int:
    """The rows of every word starting with `start` in the index's list of words, summed
    (every organization's), as read at most WORD_SUMS_SECONDS ago."""
    key = (str(ctx.conn.engine.url), start)
    now = _monotonic()
    kept = _WORD_SUMS.get(key)
    if kept is not None and now - kept[0] < WORD_SUMS_SECONDS:
        return kept[1]
    past = start[:-1] + chr(ord(start[-1]) + 1)
    words = _WORDS_OF_INDEX
    rows = select(func.coalesce(func.sum(words.c.doc), 0)).where(words.c.term >= start, words.c.term < past)
    total = int(ctx.conn.execute(rows).scalar_one())
    with _WORD_SUMS_WRITE:
        _WORD_SUMS.pop(key, None)
        if len(_WORD_SUMS) >= WORD_SUMS_KEPT:
            del _WORD_SUMS[next(iter(_WORD_SUMS))]
        _WORD_SUMS[key] = (now, total)
    return total


def forget_word_sums() -> None:
    """Drop the kept sums (tests that write words and read the choice at once)."""
    with _WORD_SUMS_WRITE:
        _WORD_SUMS.clear()


def _common_word_start(ctx: Context, start: str, kinds: tuple[str, ...], share: float, least: int) -> bool:
    """`_common_on_sqlite` for one word start (`ac*`) among leads' and contacts' rows. FTS5 lists
    a word start's entries by merging those of every word starting so before the first is read
    (`ac` at a million leads: 23,000 entries, 2.8 ms, a page found in 1): the rows each such word
    is in, summed from the index's list of words (`text_index_words`, a tenth of that), tell a
    rare start (the sum is at least the rows) and a common one (PREFIX_MARGIN), and the entries
    are counted between the two, or when the organization's own are asked for (`scoped`)."""
    if not scoped(ctx) and PLAIN_WORD.fullmatch(start) and set(kinds) <= set(PEOPLE):
        needed = threshold(ctx, share, least)
        at_most = _words_rows(ctx, start)
        if at_most < needed:
            return False
        if at_most >= PREFIX_MARGIN * needed:
            return True
    return _common_on_sqlite(ctx, _fts_query([start], "beginning_of_words"), kinds, share, least)


def _walk_on_sqlite(
    ctx: Context, fts_query: str, kinds: tuple[str, ...], leads: int | None = None
) -> ColumnElement[bool] | None:
    """For a page whose word is common (COMMON_SHARE): the check of one `text_index` row, for
    leads checked one by one in the page's order; None when the word is rare. `leads`: how many
    of the organization's leads hold the word, when known (`_lead_text_count`), which decides
    instead of the word's entries, counted otherwise.

    Up to LIST_CAP entries (`_fts_hits`), the word's FTS5 rowids are read once into a list
    that each row is looked up in (`id + 0`: a value SQLite cannot take from an index, so it
    tests membership instead of reading the list row by row through the lead's index entries).
    Past it, reading the list would cost more than an FTS5 lookup per row checked (about 30 us
    each), which a word that common needs few of."""
    hits = _fts_hits(ctx, fts_query, kinds)
    needed = threshold(ctx, COMMON_SHARE, COMMON_MIN)
    found = leads if leads is not None else count_up_to(ctx, hits, max(needed, LIST_CAP))
    t = text_index
    if found < needed:
        return None
    if found < LIST_CAP:
        return (t.c.id + literal_column("0")).in_(hits)
    own_entries = [
        exists(select(sql_literal(1)).where(fts.c[fts.name].match(fts_query), fts.c.rowid == t.c.id))
        for fts in _fts_tables(kinds)
    ]
    return or_(*own_entries)


def _loosened(terms: list[str], mode: str) -> tuple[list[str], str]:
    """Words and a mode every match of (terms, mode) meets and an index answers cheaply: a
    phrase's words without their order (checking positions reads every occurrence of a common
    word such as `example` in an email domain), and a phrase's unfinished last word left out
    when whole words come before it (a word start reads many words)."""
    if mode == PHRASE_START and len(terms) > 1:
        return terms[:-1], "full_words"
    if mode == "phrase":
        return terms, "full_words"
    return terms, mode


_PHONE = re.compile(r"\+?(\d+)")


def _phone_words(mode: str, value: str) -> tuple[list[str], str] | None:
    """Phones are kept in E.164 (`+14155550100`): one word of digits in the index. A whole
    number is that word, the start of one (`+1415`, or `1415` as a word start) starts it; a
    part from inside a number (the phrase `555`) is not a word of the index (None)."""
    value = value.strip()
    found = _PHONE.fullmatch(value)
    if found is None:
        return None
    digits = [found.group(1)]
    if mode == "exact_value":
        return digits, "full_words"
    if mode == "beginning_of_words" or (mode == "phrase" and value.startswith("+")):
        return digits, "beginning_of_words"
    return None


def _vouched_words(
    object_type: str, field_name: str, mode: str, value: str, element: str
) -> tuple[list[str], str] | None:
    """The words and index mode that every object whose `field_name` matches `text_match(mode,
    value)` holds in its indexed text (`_index_search`, loosened), or None when the field is not
    in that text or the index cannot vouch for the match."""
    fields = (
        INDEXED_ELEMENTS.get((object_type, element), ()) if element else INDEXED_FIELDS.get(object_type, ())
    )
    if field_name not in fields:
        return None
    if element == "contact_phone":
        return _phone_words(mode, value)
    search = _index_search(mode, value)
    if search is None:
        return None
    return _loosened(search[0].split(), search[1])


def field_prefilter(
    ctx: Context, object_type: str, on: FromClause, field_name: str, mode: str, value: str, element: str = ""
) -> ColumnElement[bool] | None:
    """A condition the index answers that every row matching `text_match(field, mode, value)`
    also meets, or None when the index cannot vouch for it. `element`: the field is one of the
    elements' (`contact_email`) of the rows of `on`.

    `beginning_of_words` (each word starts a word of the field), `exact_value` (the whole
    field) and a `phrase` starting with a separator need their words, whole or as word starts
    (and adjacent, for the phrase), in the object's indexed text, which holds the field: the
    index finds the few candidates, and the LIKE that stays beside it decides (the index also
    holds the object's other fields, and splits words on punctuation where LIKE sees spaces
    only). ASCII letters and digits only: other characters may be split otherwise by each
    side, and are left to LIKE alone.
    """
    vouched = _vouched_words(object_type, field_name, mode, value, element)
    if vouched is None:
        return None
    terms, loose_mode = vouched
    own_words = WORD_INDEXED.get((object_type, element or field_name))
    if own_words is not None and ctx.conn.dialect.name == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), _ts_query(terms, loose_mode))
        return words_of(own_words(on)).op("@@")(query)
    # A page on SQLite: when the words are common, LIKE alone on the rows in the page's order
    # finds a page long before the list of candidates is read (`name:Ac` at a million leads:
    # 2 ms against 30). Rare words keep the index, which spares reading every row.
    sqlite = ctx.conn.dialect.name == "sqlite"
    paging_sqlite = ctx.first_rows and sqlite and not element
    kinds = (object_type,)
    if paging_sqlite:
        if len(terms) == 1 and loose_mode == "beginning_of_words":
            common = _common_word_start(ctx, terms[0], kinds, WALK_SHARE, WALK_MIN)
        else:
            common = _common_on_sqlite(ctx, _fts_query(terms, loose_mode), kinds, WALK_SHARE, WALK_MIN)
        if common:
            return None
    # A phrase vouched for by its later words only (`acme labs`: `labs`), when they are common
    # (a company name's `Labs`, `Health`): the list of candidates costs SQLite more than the
    # LIKE on every row it would spare (a million leads, a tenth of them candidates: 2.9 s
    # against 2.0). A page got here with its words under WALK_SHARE, rarer than INNER_SHARE:
    # it is not counted again.
    inner = mode == "phrase" and PLAIN_WORD.match(value.strip().lower()) is not None
    inner_on_sqlite = sqlite and inner and not paging_sqlite
    inner_query = _fts_query(terms, loose_mode)
    if inner_on_sqlite and _common_on_sqlite(ctx, inner_query, kinds, INNER_SHARE, COMMON_MIN):
        return None
    found = matching(ctx, " ".join(terms), loose_mode, kinds)
    if found is None:
        return None
    t = text_index
    candidates = select(t.c.object_id).where(t.c.kind == object_type, found)
    return on.c.id.in_(candidates)


# SQLite, a page of leads having a contact whose email or name holds a word: when the word's
# rows in the organization are many (at least sqrt(OWNER_WALK_FACTOR * kept leads): 3,200 at a
# million leads), the page's leads are read in order and kept when they own one of the word's
# rows, looked up in the list of their leads read once; only those leads' contacts are checked.
# Listing every such contact, its lead and sorting them costs about 6 us a match (60 ms for
# 8,500 contacts at a million leads), the walk about 0.4 us a lead read.
OWNER_WALK_FACTOR = 10.0


def _owner_walk_threshold(ctx: Context) -> int:
    """The rows of a word a page's walk of its leads needs: sqrt(OWNER_WALK_FACTOR * kept leads)."""
    return math.ceil(math.sqrt(OWNER_WALK_FACTOR * kept_count(ctx, "lead")))


def _through_the_index(matches: Select[Any], name: str) -> CTE:
    """PostgreSQL: `matches` as a MATERIALIZED CTE, for an EXISTS or a count up to a bound over
    a GIN condition. Inside EXISTS or under LIMIT the planner expects the first of thousands of
    matches soon and reads the table in order (680 ms at a million leads for a word no activity
    holds); materialized, it is planned to list every match, so through the index, and is still
    read lazily."""
    return matches.cte(name).prefix_with("MATERIALIZED")


@dataclass(frozen=True)
class Owners:
    """`owners_of_word`'s answer: `walk` is None when the word is too rare for a walk."""

    walk: ColumnElement[bool] | None


def owners_of_word(
    ctx: Context,
    lead_id: ColumnElement[Any],
    object_type: str,
    field_name: str,
    mode: str,
    value: str,
    element: str = "",
) -> Owners | None:
    """SQLite, a page of leads read in an index's order (`Compiler._related`): a condition on
    the page's `lead_id` (not through its index) that every lead owning an object of
    `object_type` matching `text_match(field, mode, value)` meets, when the word's rows are
    common enough for the walk (OWNER_WALK_FACTOR). None when the index cannot vouch for the
    match (see `field_prefilter`)."""
    if ctx.conn.dialect.name != "sqlite":
        return None
    vouched = _vouched_words(object_type, field_name, mode, value, element)
    if vouched is None:
        return None
    hits = _fts_hits(ctx, _fts_query(*vouched), (object_type,))
    t = text_index
    owners = select(t.c.lead_id).where(
        t.c.organization_id == ctx.organization_id,
        t.c.kind == object_type,
        t.c.lead_id.is_not(None),
        t.c.id.in_(hits),
    )
    # The word's entries first (FTS5 alone, cheap), then the organization's own rows of the
    # kind: other tenants' rows of the same word (when not `scoped`) and rows of other kinds
    # would make it look common. Both stop at the threshold.
    needed = _owner_walk_threshold(ctx)
    if count_up_to(ctx, hits, needed) < needed or count_up_to(ctx, owners, needed) < needed:
        return Owners(None)
    # `lead.id || ''`: a value SQLite cannot take from an index, so it walks the page's order and
    # looks each lead up in the list, instead of reading the list's leads one by one.
    return Owners((lead_id + literal_column("''")).in_(owners))


def common_word_of_children(
    ctx: Context, on: FromClause, object_type: str, field_name: str, mode: str, value: str, element: str = ""
) -> bool:
    """PostgreSQL, a page of leads in an index's order having children (`on`, objects of
    `object_type`) whose field matches `text_match(field, mode, value)`: whether the
    organization's children holding the word in the field's own word index (`WORD_INDEXED`)
    reach the walk's threshold, sqrt(OWNER_WALK_FACTOR * kept leads), as on SQLite
    (`owners_of_word`). Counted up to it, through the index (`_through_the_index`)."""
    if ctx.conn.dialect.name != "postgresql":
        return False
    vouched = _vouched_words(object_type, field_name, mode, value, element)
    own_words = WORD_INDEXED.get((object_type, element or field_name))
    if vouched is None or own_words is None:
        return False
    query = func.to_tsquery(literal_column("'simple'"), _ts_query(*vouched))
    holders = select(sql_literal(1)).where(
        on.c.organization_id == ctx.organization_id, words_of(own_words(on)).op("@@")(query)
    )
    needed = _owner_walk_threshold(ctx)
    return count_up_to(ctx, select(_through_the_index(holders, "word_holders")), needed) >= needed


# PostgreSQL, `lead_word` (migration c8e2b4f6a1d9): each word of a lead's index rows of kind
# lead and contact, once per lead, with organizations and leads as numbers (`lead_word_key`).
# Not in the metadata: a copy of `text_index` its trigger keeps, never a tenant's data to dump
# or fork.
LEAD_WORD = table("lead_word", column("word"), column("owner_key"), column("lead_key"))
LEAD_WORD_KEY = table("lead_word_key", column("id"), column("key"))
# A word the document holds as it is written.
_KEPT_WORD = re.compile(r"[a-z0-9]{1,100}")
# The modes in which one word finds the rows holding it.
_ONE_WORD_MODES = ("full_words", "phrase", "exact_value")


def _one_kept_word(value: str, mode: str) -> str | None:
    """The word of a search that finds the rows holding one word as the indexes keep it (letters
    and digits), or None."""
    terms = words(value)
    if len(terms) != 1 or mode not in _ONE_WORD_MODES or not _KEPT_WORD.fullmatch(terms[0]):
        return None
    return terms[0]


def _lead_word_count(ctx: Context, word: str) -> int | None:
    """PostgreSQL: how many of the organization's leads hold `word`, read from `lead_word`; None
    when some activity holds it too, whose leads `lead_word` does not know. Whether an activity
    holds it comes from the GIN index of activities' words alone
    (`ix_text_index_activity_document`), whose predicate the condition states as a constant."""
    w, k = LEAD_WORD, LEAD_WORD_KEY
    owner = select(k.c.key).where(k.c.id == ctx.organization_id).scalar_subquery()
    leads = select(func.count()).where(w.c.word == word, w.c.owner_key == owner).scalar_subquery()
    in_rows = matching(ctx, word, "full_words")
    assert in_rows is not None  # one word
    activity = select(sql_literal(1)).where(text_index.c.kind == literal_column("'activity'"), in_rows)
    held = _through_the_index(activity, "activity_words")
    found = ctx.conn.execute(select(case((exists(select(held)), None), else_=leads))).scalar()
    return None if found is None else int(found)


# SQLite, `lead_text` (migration f6a2c8e4b0d3): one document per lead, its own words and its
# contacts', indexed by `lead_text_fts`; a document's id is its organization's number
# (`lead_text_owner`) shifted left by LEAD_TEXT_SHIFT bits plus the lead's own row's id.
_LEAD_TEXT_FTS = table("lead_text_fts", column("rowid"), column("lead_text_fts"))
_LEAD_TEXT_OWNER = table("lead_text_owner", column("number"), column("organization_id"))
LEAD_TEXT_SHIFT = 40


def _once_a_request(ctx: Context, key: str, compute: Callable[[], int | None]) -> int | None:
    """`compute()`, kept in the request's memo under `key`: asked again, the same answer."""
    key = "fulltext." + key
    if key not in ctx.memo:
        ctx.memo[key] = compute()
    known: int | None = ctx.memo[key]
    return known


def _lead_text_count(ctx: Context, word: str) -> int | None:
    """SQLite: how many of the organization's leads hold `word`, as FTS5's count of their
    documents in `lead_text_fts`, read in the organization's range of ids; None when some
    activity of the organization holds it too (`activity_text_fts`: one lookup of the word when
    none does). Counted once a request: a page's walk and the count of the same search ask."""
    return _once_a_request(ctx, f"lead_text_count:{word}", lambda: _count_lead_texts(ctx, word))


def _lead_text_range(ctx: Context) -> int | None:
    """The first id of the organization's range in `lead_text` (None: it has no number yet)."""

    def first() -> int | None:
        number = ctx.conn.execute(
            select(_LEAD_TEXT_OWNER.c.number).where(_LEAD_TEXT_OWNER.c.organization_id == ctx.organization_id)
        ).scalar()
        return None if number is None else int(number) << LEAD_TEXT_SHIFT

    return _once_a_request(ctx, "lead_text_range", first)


# SQLite, a page of leads in order holding a common word: checking each lead's document
# (`lead_text_fts`, one lookup each) against reading the word's entries into a list
# (`_walk_on_sqlite`). A lookup costs about DOCUMENT_LOOKUP_US plus SEGMENT_US per segment of the
# index (db/text_upkeep.py keeps them few), an entry of the list about LIST_ENTRY_US; the page
# reads about PAGE_LEADS / (the word's share of the organization's leads) leads. At a million
# leads, "okafor" in 12% of them: 6.2 ms one lead at a time on one segment, 33 on 26, the list 22.
DOCUMENT_LOOKUP_US = 6.0
SEGMENT_US = 1.3
LIST_ENTRY_US = 0.16
PAGE_LEADS = 101


def _documents_checked(ctx: Context, on: FromClause, word: str, leads: int) -> ColumnElement[bool] | None:
    """SQLite, a page of leads in order, `leads` of which hold `word` (`_lead_text_count`): the
    check of each lead's own document when that costs less than the list of the word's entries
    (the constants above); None otherwise."""
    first = _lead_text_range(ctx)
    parts = _once_a_request(ctx, "lead_text_segments", lambda: segments(ctx.conn, "lead_text_fts"))
    if first is None or parts is None or not leads:
        return None
    walked = PAGE_LEADS * kept_count(ctx, "lead") / leads
    if walked * (DOCUMENT_LOOKUP_US + SEGMENT_US * parts) >= leads * LIST_ENTRY_US:
        return None
    own = text_index.alias("own_row")
    fts = _LEAD_TEXT_FTS
    return exists(
        select(sql_literal(1)).where(
            own.c.object_id == on.c.id,
            own.c.kind == literal_column("'lead'"),
            fts.c.rowid == literal_column(str(first)) + own.c.id,
            fts.c.lead_text_fts.match(_fts_query([word], "full_words")),
        )
    )


def _count_lead_texts(ctx: Context, word: str) -> int | None:
    t = text_index
    activity_rows = _fts_hits(ctx, _fts_query([word], "full_words"), ("activity",))
    held = select(sql_literal(1)).where(t.c.id.in_(activity_rows), t.c.organization_id == ctx.organization_id)
    if ctx.conn.execute(select(exists(held))).scalar():
        return None
    first = _lead_text_range(ctx)
    if first is None:
        # No lead of the organization ever had a row.
        return 0
    fts = _LEAD_TEXT_FTS
    documents = select(func.count()).where(
        fts.c.lead_text_fts.match(_fts_query([word], "full_words")),
        fts.c.rowid >= first,
        fts.c.rowid < first + (1 << LEAD_TEXT_SHIFT),
    )
    return int(ctx.conn.execute(documents).scalar_one())


def count_leads_with_words(ctx: Context, value: str, mode: str) -> int:
    """How many of the organization's leads `text_condition` finds for `value`: from
    `lead_word` when it knows (`_lead_word_count`), else the distinct leads of the matching
    index rows, without reading a lead. Every row of the index belongs to a lead that exists (a
    row goes with its object, an object with its lead, and a merge moves the rows:
    tests/search/test_full_text.py). Reading the leads cost more than finding the rows:
    "okafor" at a million leads, 124,700 rows of 119,800 leads, 262 -> 160 ms on SQLite, 600 ->
    260 on PostgreSQL; at 100,000 leads 33 -> 12 and 37 -> 17 (bench/RESULTS.md). The leads are
    set apart by grouping, which SQLite does by sorting them (112 ms there) where its DISTINCT
    inserts each into a b-tree (185)."""
    word = _one_kept_word(value, mode)
    if word is not None:
        postgres = ctx.conn.dialect.name == "postgresql"
        known = _lead_word_count(ctx, word) if postgres else _lead_text_count(ctx, word)
        if known is not None:
            return known
    found = matching(ctx, value, mode)
    if found is None:
        # No words: the text matches every lead.
        return kept_count(ctx, "lead")
    lead_id = text_index.c.lead_id
    leads = select(lead_id).where(found, lead_id.is_not(None)).group_by(lead_id).subquery()
    return int(ctx.conn.execute(select(func.count()).select_from(leads)).scalar_one())


def text_condition(
    ctx: Context, object_type: str, on: FromClause, value: str, mode: str, path: str = "query"
) -> ColumnElement[bool]:
    """Rows of `on` (objects of `object_type`) whose text matches `value` in Close's `mode`."""
    t = text_index
    if object_type in ("lead", "contact") or object_type.startswith("activity."):
        kind = _KIND.get(object_type)
        one_kind = kind == "contact" or object_type.startswith("activity.")
        row_kinds = (kind or "activity",) if one_kind else EVERY_KIND
        found = matching(ctx, value, mode, row_kinds)
        if found is None:
            return true()
        owner = t.c.lead_id if object_type == "lead" else t.c.object_id
        kinds = [t.c.kind == row_kinds[0]] if one_kind else []
        if ctx.first_rows and ctx.conn.dialect.name == "sqlite":
            # A lead's one word: the count of the leads holding it decides, which a count of
            # the same search then reuses (GET /lead/ answers total_results).
            word = _one_kept_word(value, mode) if object_type == "lead" else None
            leads = None
            if word is not None:
                leads = _lead_text_count(ctx, word)
                if leads is not None and leads >= threshold(ctx, COMMON_SHARE, COMMON_MIN):
                    checked = _documents_checked(ctx, on, word, leads)
                    if checked is not None:
                        return checked
            walk = _walk_on_sqlite(ctx, _fts_query(words(value), mode), row_kinds, leads)
            if walk is not None:
                scope = (t.c.organization_id == ctx.organization_id, owner == on.c.id, *kinds)
                return exists(select(sql_literal(1)).select_from(t).where(*scope, walk))
        return on.c.id.in_(select(owner).where(found, *kinds))
    columns: list[ColumnElement[Any]]
    if object_type == "opportunity":
        columns = [on.c.note]
    elif object_type == "custom_object":
        columns = [on.c.name]
    elif object_type == "task":
        columns = [on.c.text]
    else:
        raise Invalid({path: f"{object_type} has no text to search."})
    return or_(false(), *(text_match(c, mode, value) for c in columns))
