"""Search languages parsed into small immutable trees, and Advanced Filtering compiled to SQL.

The entry points other layers use (docs/architecture.md, "Search"):

- `compile_query(ctx, object_type, query)`: Close's JSON query -> a WHERE condition on the
  object type's table, scoped to the caller's organization;
- `query_filter(object_type, query)`: the same as a node of the one filter tree (db/filters);
- `search(ctx, body, limits)`: one page of a `POST /data/search/` body;
- `search_ids(ctx, object_type, query, sort=..., limit=...)`: the matching ids, in order;
- `text_condition(...)` (search/fulltext.py): the word search of the `text` node.
"""

from leadbase.search.engine import (
    CLOSE_LIMITS,
    SearchLimits,
    SearchPage,
    compile_query,
    object_type_of,
    query_filter,
    related_ids,
    search,
    search_ids,
)
from leadbase.search.fulltext import text_condition

__all__ = [
    "CLOSE_LIMITS",
    "SearchLimits",
    "SearchPage",
    "compile_query",
    "object_type_of",
    "query_filter",
    "related_ids",
    "search",
    "search_ids",
    "text_condition",
]
