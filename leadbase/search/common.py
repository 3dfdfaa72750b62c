"""Whether a condition is common among an organization's rows: SQLite's choice of plan for a page.

SQLite's planner reads a page of a condition that many rows meet through the condition's index
(every match looked up, then sorted) where walking the rows in the page's order stops after a
few hundred; it has no statistics to tell the two apart. The search asks the database instead,
only while a page read in an index's order is compiled (`Context.first_rows`): one small
statement counts the matches up to a threshold set by the organization's kept count, and stops.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Select, func, select

from leadbase.db.context import Context
from leadbase.db.repository import kept_count


def threshold(ctx: Context, share: float, least: int, table_name: str = "lead") -> int:
    """`least`, or `share` of the organization's kept rows of `table_name` when more."""
    return max(least, math.ceil(share * kept_count(ctx, table_name)))


def count_up_to(ctx: Context, hits: Select[Any], cap: int) -> int:
    """The rows of `hits`, counted up to `cap` and no further."""
    return int(ctx.conn.execute(select(func.count()).select_from(hits.limit(cap).subquery())).scalar_one())


def reaches(ctx: Context, hits: Select[Any], share: float, least: int, table_name: str = "lead") -> bool:
    """Whether `hits` (a select of matching rows) holds at least `least` rows and `share` of the
    organization's kept rows of `table_name`. The rows are counted up to that threshold and no
    further: a value a tenth of a million leads hold would otherwise cost 100,000 reads to decide."""
    needed = threshold(ctx, share, least, table_name)
    return count_up_to(ctx, hits, needed) >= needed
