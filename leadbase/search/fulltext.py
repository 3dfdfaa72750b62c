"""The `text` query node: a word search across an object's text, through the database's index.

Leads, contacts and activities (notes, calls, meetings, emails, SMS, WhatsApp messages) have
their words in `text_index`, one row per object kept by triggers (migration 7c2d4e6f8a10):
a lead's name, description and url, a contact's name, title, emails and phones, an
activity's note, title, subject, body or text. SQLite matches them with FTS5, PostgreSQL with
a tsvector and its GIN index; both split words on punctuation and compare them lowercased,
without stemming. A lead matches when its own words, or those of one of its contacts or
activities, do; every word must be found in one object.

`text_condition` is the one entry point: the `text` node of Advanced Filtering, and the bare
words of the lead query string. Objects without a row in the index (opportunities, tasks,
custom objects) compare their text column with LIKE.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, FromClause, false, func, literal_column, or_, select, true
from sqlalchemy.sql import column, table

from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.filters import text_match
from leadbase.db.models import text_index

_WORD = re.compile(r"\w+")
# The FTS5 table (SQLite only, not in the metadata): its rowid is text_index.id.
_FTS = table("text_index_fts", column("rowid"), column("text_index_fts"))
_KIND = {"lead": "lead", "contact": "contact"}


def words(value: str) -> list[str]:
    """The words of a search as the index splits them: letters and digits, lowercased."""
    return _WORD.findall(value.lower())


def _fts_query(terms: list[str], mode: str) -> str:
    if mode in ("phrase", "exact_value"):
        return '"' + " ".join(terms) + '"'
    if mode == "beginning_of_words":
        return " ".join(f'"{t}"*' for t in terms)
    return " ".join(f'"{t}"' for t in terms)


def _ts_query(terms: list[str], mode: str) -> str:
    if mode in ("phrase", "exact_value"):
        return " <-> ".join(terms)
    if mode == "beginning_of_words":
        return " & ".join(f"{t}:*" for t in terms)
    return " & ".join(terms)


def matching(ctx: Context, value: str, mode: str) -> ColumnElement[bool] | None:
    """The condition on `text_index` rows whose words match (None: the text has no words)."""
    terms = words(value)
    if not terms:
        return None
    if ctx.conn.dialect.name == "postgresql":
        document: ColumnElement[Any] = literal_column("text_index.document")
        return document.op("@@")(func.to_tsquery("simple", _ts_query(terms, mode)))
    hits = select(_FTS.c.rowid).where(_FTS.c.text_index_fts.match(_fts_query(terms, mode)))
    return text_index.c.id.in_(hits)


def text_condition(
    ctx: Context, object_type: str, on: FromClause, value: str, mode: str, path: str = "query"
) -> ColumnElement[bool]:
    """Rows of `on` (objects of `object_type`) whose text matches `value` in Close's `mode`."""
    t = text_index
    if object_type in ("lead", "contact") or object_type.startswith("activity."):
        found = matching(ctx, value, mode)
        if found is None:
            return true()
        scoped = select(t.c.lead_id if object_type == "lead" else t.c.object_id).where(
            t.c.organization_id == ctx.organization_id, found
        )
        kind = _KIND.get(object_type)
        if kind == "contact" or object_type.startswith("activity."):
            scoped = scoped.where(t.c.kind == (kind or "activity"))
        return on.c.id.in_(scoped)
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
