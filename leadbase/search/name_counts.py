"""SQLite: the count of a search for leads whose name has a word starting so (`name:Ac`), read
from the text index with a lead read only when its name must be.

Counting the leads of `name:Ac` over the leads' own table reads each candidate lead the index
finds, to check its name with LIKE: at a million leads, 8,300 candidates cost 3 ms in FTS5, 14 in
`text_index` and 36 more in `lead` (the rows are wide: JSON columns of custom fields, emails,
addresses). A lead's row in `text_index` holds its name first (its body is name, description and
url joined by spaces: migration 7c2d4e6f8a10), so a body starting with the word says the name
does, and no lead is read for it; only a candidate whose body starts otherwise (its word is
later in the name, or in the description) is read, and its name checked as the search would.

Every row of the index belongs to a lead that exists (`fulltext.count_leads_with_words`), so
the count of the rows is the count of the leads.
"""

from __future__ import annotations

from sqlalchemy import exists, func, literal_column, or_, select
from sqlalchemy import literal as sql_literal

from leadbase.db.context import Context
from leadbase.db.filters import text_match, words
from leadbase.db.models import lead, text_index
from leadbase.search import nodes as n
from leadbase.search.fulltext import PLAIN_WORD, matching

_NAME = n.RegularField("lead", "name")


def lone_name_start(node: n.Node | None) -> str | None:
    """The word of a condition that a lead's name has a word starting with one plain word
    (`name:Ac`: `beginning_of_words`), lowercased; None for any other node."""
    if not isinstance(node, n.FieldCondition) or node.negate or node.field != _NAME:
        return None
    condition = node.condition
    if not isinstance(condition, n.TextCondition) or condition.mode != "beginning_of_words":
        return None
    terms = words(condition.value)
    return terms[0] if len(terms) == 1 and PLAIN_WORD.fullmatch(terms[0]) else None


def count_leads_by_name_start(ctx: Context, word: str) -> int | None:
    """How many of the organization's leads have a word of their name starting with `word`
    (`lone_name_start`); None on PostgreSQL, whose index of names' words the count reads."""
    if ctx.conn.dialect.name != "sqlite":
        return None
    found = matching(ctx, word, "beginning_of_words", ("lead",))
    assert found is not None  # one plain word
    t = text_index
    # The body starts with the name: a body starting with the word (LIKE, case aside as the
    # search's own) is a name starting with it.
    name_starts = t.c.body.ilike(word + "%")
    name_has = text_match(lead.c.name, "beginning_of_words", word)
    named = exists(select(sql_literal(1)).where(lead.c.id == t.c.object_id, name_has))
    rows = select(func.count()).where(t.c.kind == literal_column("'lead'"), found, or_(name_starts, named))
    return int(ctx.conn.execute(rows).scalar_one())
