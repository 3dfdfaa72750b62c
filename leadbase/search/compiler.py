"""Advanced Filtering nodes compiled to one SQL condition: never evaluated in Python over rows.

`has_related` is an EXISTS (children: a lead's contacts) or an IN (parents: a contact's
lead) against the related table, or an EXISTS over the elements of a JSON list (a contact's
emails, a lead's addresses); `negate` wraps any node in NOT. Custom fields go through the
`custom` extension of db/filters.py (each field type's own condition, in custom_fields),
which search does not import.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Table,
    and_,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy import literal as sql_literal
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BooleanClauseList

from leadbase.core import clock
from leadbase.core.dates import tz_from_offset
from leadbase.core.errors import BadRequest, Invalid, NotFound
from leadbase.core.phones import typed_number
from leadbase.db.context import Context, first_rows
from leadbase.db.filters import EXTENSIONS, Operator, text_match
from leadbase.db.models import saved_search
from leadbase.db.repository import kept_count
from leadbase.search import nodes as n
from leadbase.search.common import count_up_to
from leadbase.search.fulltext import (
    Owners,
    common_word_of_children,
    field_prefilter,
    owners_of_word,
    text_condition,
)
from leadbase.search.moments import range_instants
from leadbase.search.ranges import joined_ranges
from leadbase.search.targets import Target, Value, elements, target

# SQLite, a page read in an index's order (the leads' date order) of a condition on a custom
# value: three plans (`_page_plan`), costed from the matches m among the organization's N kept
# rows, a page of 101 of them wanted, at a million leads (microseconds):
# - `index`: the matches listed from the value's index, each row read and sorted (5 a match);
# - `members`: the matches' row ids listed from the value's index (0.6 a match), then the page's
#   index walked, each entry looked up in the list (0.3 an entry read, N / m entries a match);
# - `walk`: the page's index walked, each row read and its JSON value compared (2.2 a row).
# `members` beats `walk` below sqrt(VALUE_WALK_FACTOR * N) matches (17,900 of a million) and
# `index` above sqrt(VALUE_MEMBERS_FACTOR * N) (2,650). Revenue in [1M, 1.1M), a hundredth of a
# million leads: 28 ms walked, 54 through the index, 9.6 by membership.
VALUE_WALK_FACTOR = 320.0
VALUE_WALK_MIN = 2_000
VALUE_MEMBERS_FACTOR = 7.0
VALUE_MEMBERS_MIN = 500
PagePlan = Literal["walk", "members", "index"]

# SQLite, a page of leads having a related object no word finds (an opportunity of a status; a
# contact found by a word is fulltext.owners_of_word's): the list of every lead that has one
# costs a lookup per match, while checking the page's leads one by one stops after 100 matches.
# From a sample of the first leads of the page's order (RELATED_SAMPLE, what a walk reads
# first), the share that has one decides: the walk wins above
# sqrt(RELATED_WALK_FACTOR / rows) (1.7% of a million leads, 5.5% of 100,000; checking a lead
# costs about three times what listing a match does), and never below RELATED_WALK_MIN.
RELATED_SAMPLE = 200
RELATED_WALK_FACTOR = 300.0
RELATED_WALK_MIN = 0.01

# The conditions on a custom field that compare its value (`_common_on_a_page` may walk them).
_COMPARED = (n.TermCondition, n.ReferenceCondition, n.NumberRange, n.MomentRange)
# The comparisons of a single-value custom field that its value index answers (a bound comes
# with `value IS NOT NULL`, which the index answers too).
_INDEXED_COMPARISONS = (
    operators.in_op,
    operators.eq,
    operators.ge,
    operators.gt,
    operators.lt,
    operators.le,
    operators.is_not,
)

# Smart views used inside smart views: deeper than this is a loop or a mistake.
MAX_VIEW_DEPTH = 8


def bad(path: str, message: str) -> Invalid:
    return n.bad(path, message)


def find_object_type(node: n.Node) -> str | None:
    """The object type a query searches: its top-level `object_type` node (also inside `and`s)."""
    if isinstance(node, n.ObjectType) and not node.negate:
        return node.object_type
    if isinstance(node, n.And) and not node.negate:
        for child in node.queries:
            found = find_object_type(child)
            if found is not None:
                return found
    return None


def visible_view(ctx: Context, view_id: str) -> dict[str, Any] | None:
    """The caller's organization's smart view `view_id` if the caller may use it (shared, or theirs)."""
    t = saved_search
    row = (
        ctx.conn.execute(select(t).where(t.c.organization_id == ctx.organization_id, t.c.id == view_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    view = dict(row)
    user = ctx.actor.user_id
    shared_with = view.get("shared_with") or []
    if view["is_shared"] or view["user_id"] in (None, user) or (user is not None and user in shared_with):
        return view
    return None


# Turns a smart view's legacy query string into Close's JSON query for objects of a type:
# (ctx, text, object_type) -> query. The query-string language resolves names (statuses,
# custom fields, users) through the resources layer, which search does not import, so
# resources registers it here when imported (as custom_fields registers db/filters extensions).
StringTranslator = Callable[[Context, str, str], Mapping[str, Any]]
_string_translators: list[StringTranslator] = []


def register_string_translator(translator: StringTranslator) -> None:
    """Let smart views stored with only a `query` string be used as nodes (the latest wins)."""
    _string_translators.append(translator)


def view_query(ctx: Context, view_id: str, path: str) -> tuple[dict[str, Any], n.Node]:
    """A smart view and its parsed query, or a 404 (another organization's, or not shared)."""
    view = visible_view(ctx, view_id)
    if view is None:
        raise NotFound("Smart view not found.")
    s_query = view.get("s_query")
    if isinstance(s_query, dict) and "query" in s_query:
        return view, n.parse(s_query["query"], f"{path}<{view_id}>")
    text = view.get("query")
    if not isinstance(text, str) or not text.strip() or not _string_translators:
        raise bad(path, f"The smart view {view_id} has no structured query (s_query).")
    try:
        query = _string_translators[-1](ctx, text, str(view.get("type") or "lead"))
    except (BadRequest, Invalid) as problem:
        raise bad(path, f"The query string of the smart view {view_id} cannot be used: {problem}") from None
    return view, n.parse(query, f"{path}<{view_id}>")


class Compiler:
    """One query's compilation: the request's clock, time zone and caller."""

    def __init__(
        self, ctx: Context, now: datetime | None = None, pending: Mapping[str, n.Node] | None = None
    ) -> None:
        self.ctx = ctx
        self.now = now or clock.now()
        # Smart views being written in this request, by id: their new queries (a loop through
        # a view being changed is found before it is saved).
        self.pending = dict(pending or {})
        self.views: list[str] = []
        # Tables the condition being built is already inside (see `_related`).
        self.tables: list[Table] = []
        # Compiling a condition checked row by row (a walk): the text index's candidate lists,
        # read whole before the first row, are left out where a LIKE decides anyway.
        self.checking_rows = False

    # ---- nodes ----------------------------------------------------------------------------

    def compile(self, node: n.Node, on: Target) -> ColumnElement[bool]:
        """The condition on `on`'s table (or elements) selecting what `node` matches."""
        table = on.table if on.parent is None else None
        if table is not None:
            self.tables.append(table)
        try:
            return self.node(node, on, table)
        finally:
            if table is not None:
                self.tables.pop()

    def node(self, node: n.Node, on: Target, table: FromClause | None) -> ColumnElement[bool]:
        condition = self._node(node, on, table)
        if not node.negate:
            return condition
        # SQL's NOT of an unknown (NULL: a lead without the custom value, compared on
        # PostgreSQL) is still unknown and would drop the row; a negated node matches every
        # row the node does not match, so an unknown counts as false before the NOT.
        return not_(func.coalesce(condition, false()))

    def _node(self, node: n.Node, on: Target, table: FromClause | None) -> ColumnElement[bool]:
        if isinstance(node, n.And):
            return and_(true(), *(self.node(q, on, table) for q in joined_ranges(node.queries)))
        if isinstance(node, n.Or):
            return or_(false(), *(self.node(q, on, table) for q in node.queries))
        if isinstance(node, n.MatchAll):
            return true()
        if isinstance(node, n.ObjectType):
            if target(node.object_type) is None:
                raise bad(f"{node.path}.object_type", f"Unknown object type {node.object_type!r}.")
            return true() if node.object_type == on.name else false()
        if isinstance(node, n.HasRelated):
            # The related rows are a list read whole (or one EXISTS per row): no first-rows
            # shortcut inside (search/fulltext.py). Only `_related` itself may check the page's
            # rows one by one, given the page's order.
            page_order = self.ctx.page_order if self.ctx.first_rows else ()
            with first_rows(self.ctx, reading_first=False):
                return self._related(node, on, table, page_order=page_order)
        if isinstance(node, n.SavedSearch):
            return self._view(node, on, table)
        if isinstance(node, n.FieldCondition):
            return self._field(node, on, table)
        if on.parent is not None or table is None:
            # JSON elements (a contact's emails) have fields only.
            raise bad(node.path, f"{on.name} can only be filtered by its fields.")
        if isinstance(node, n.FieldCondition):
            return self._field(node, on, table)
        if isinstance(node, n.Text):
            return text_condition(self.ctx, on.name, table, node.value, node.mode, node.path)
        if isinstance(node, n.Id):
            return table.c.id == node.value
        return table.c.id.in_(list(node.values))

    def _view(self, node: n.SavedSearch, on: Target, table: FromClause | None) -> ColumnElement[bool]:
        view_id = node.saved_search_id
        if view_id in self.views or len(self.views) >= MAX_VIEW_DEPTH:
            raise bad(f"{node.path}.saved_search_id", "Smart views refer to each other in a loop.")
        inner = self.pending.get(view_id)
        if inner is None:
            _, inner = view_query(self.ctx, view_id, f"{node.path}.saved_search_id")
        self.views.append(view_id)
        try:
            return self.node(inner, on, table)
        finally:
            self.views.pop()

    # ---- relations --------------------------------------------------------------------------

    def _related(
        self, node: n.HasRelated, on: Target, table: FromClause | None, *, page_order: tuple[Any, ...] = ()
    ) -> ColumnElement[bool]:
        """`page_order`: the ORDER BY terms of the page this relation filters (none: not a page
        read in an index's order), which may then check its rows one by one."""
        if node.this_object_type is not None and node.this_object_type != on.name:
            raise bad(
                f"{node.path}.this_object_type",
                f"Expected {on.name!r}: the object being filtered at this point of the query.",
            )
        other = target(node.related_object_type)
        if other is None:
            raise bad(
                f"{node.path}.related_object_type", f"Unknown object type {node.related_object_type!r}."
            )
        unrelated = bad(
            f"{node.path}.related_object_type", f"{on.name} has no related {node.related_object_type}."
        )
        if table is None or on.parent is not None:
            raise unrelated
        if other.parent is not None:
            if other.parent != on.name or other.column is None:
                raise unrelated
            items = elements(self.ctx, table, other.column)
            inner = self.node(node.related_query, other, items)
            found = exists(select(sql_literal(1)).select_from(items).where(inner))
            if self.checking_rows:
                return found
            candidates = self._element_prefilter(node.related_query, on, table, other)
            return found if candidates is None else and_(candidates, found)
        related = other.table
        if related in self.tables:
            # The same table inside itself would need aliases, which the custom field conditions
            # (written against the table) do not take.
            raise bad(node.path, f"leadbase cannot search {other.name} inside {other.name}.")
        own_key = f"{on.name}_id"
        their_key = f"{other.name.partition('.')[0]}_id"
        if own_key in related.c:
            # Children (a lead's contacts): one exists per lead, on the children's index.
            self.tables.append(related)
            try:
                inner = self.node(node.related_query, other, related)
            finally:
                self.tables.pop()
            scope = other.scope(self.ctx, related)
            paging = page_order and table is on.table and not self.checking_rows
            # The children's leads, as a list. No NULL may enter it: NOT IN over a NULL is
            # unknown, and would drop every row.
            owner = related.c[own_key]
            their_leads = table.c.id.in_(select(owner).where(*scope, owner.is_not(None), inner))
            if self.ctx.conn.dialect.name == "sqlite":
                # SQLite runs a correlated EXISTS once per candidate lead; the list is read once
                # (at a million leads: 40 ms against seconds). A page whose leads mostly have
                # such children checks them one by one instead.
                if paging:
                    walk = self._children_checked(node, other, related, own_key, table)
                    owners = self._owners_of_word(node.related_query, other, table)
                    if owners is None and self._dense(on, walk, page_order):
                        return walk
                    if owners is not None and owners.walk is not None:
                        return and_(owners.walk, walk)
                return their_leads
            if paging and self._walks_owners_on_postgres(node.related_query, other, related):
                # A sublink inside an expression is not pulled up into a join: PostgreSQL
                # hashes the children's leads once and reads the page's leads in order
                # through an index holding their ids (lead (organization_id, date_created,
                # id)), stopping at the page's end. Contacts at an email domain held by 8,500
                # of a million leads: about 11,000 leads read, 25 ms, against 8,400 lookups
                # and a sort, 50 ms.
                listed: ColumnElement[bool] = their_leads.is_(true())
                return listed
            return exists(
                select(sql_literal(1))
                .select_from(related)
                .where(*scope, related.c[own_key] == table.c.id, inner)
            )
        if their_key in table.c:
            # A parent (a contact's lead): its id among the matching parents.
            self.tables.append(related)
            try:
                inner = self.node(node.related_query, other, related)
            finally:
                self.tables.pop()
            scope = other.scope(self.ctx, related)
            return table.c[their_key].in_(select(related.c.id).where(*scope, inner))
        raise unrelated

    def _children_checked(
        self, node: n.HasRelated, other: Target, related: Table, own_key: str, table: FromClause
    ) -> ColumnElement[bool]:
        """`has_related` children as an EXISTS per row of `table`, without the text index's
        candidate lists: a walk checks a few children of each row it reads."""
        self.tables.append(related)
        self.checking_rows = True
        try:
            inner = self.node(node.related_query, other, related)
        finally:
            self.checking_rows = False
            self.tables.pop()
        scope = other.scope(self.ctx, related)
        own = related.c[own_key] == table.c.id
        return exists(select(sql_literal(1)).select_from(related).where(*scope, own, inner))

    def _owners_of_word(self, query: n.Node, other: Target, table: FromClause) -> Owners | None:
        """For children found by a word of their text (a contact's email at a domain, its name):
        the page's leads owning a row of the word, if common (fulltext.owners_of_word); None for
        children found otherwise."""
        word = self._word_of_children(query, other)
        if word is None:
            return None
        field_name, condition, element = word
        return owners_of_word(
            self.ctx, table.c.id, other.name, field_name, condition.mode, condition.value, element
        )

    def _word_of_children(self, query: n.Node, other: Target) -> tuple[str, n.TextCondition, str] | None:
        """The field, text condition (as stored) and element (`contact_email`, or "") of the
        word children are found by (in an `and`, the first), or None when no word finds them."""
        if query.negate:
            return None
        if isinstance(query, n.And):
            found = (self._word_of_children(q, other) for q in query.queries)
            return next((word for word in found if word is not None), None)
        element = ""
        if isinstance(query, n.HasRelated):
            inner = target(query.related_object_type)
            if inner is None or inner.parent != other.name:
                return None
            element, query = inner.name, query.related_query
            if query.negate:
                return None
        if not isinstance(query, n.FieldCondition) or not isinstance(query.condition, n.TextCondition):
            return None
        ref = query.field
        if isinstance(ref, n.CustomField):
            return None
        condition = self._as_stored(element or other.name, ref.field_name, query.condition)
        return ref.field_name, condition, element

    def _walks_owners_on_postgres(self, query: n.Node, other: Target, related: Table) -> bool:
        """PostgreSQL, a page of leads in an index's order having children a word finds: whether
        the organization's children holding the word are common enough for the page to read its
        leads in order, each looked up in the hashed list of the children's leads
        (fulltext.common_word_of_children)."""
        word = self._word_of_children(query, other)
        if word is None:
            return False
        field_name, condition, element = word
        return common_word_of_children(
            self.ctx, related, other.name, field_name, condition.mode, condition.value, element
        )

    def _dense(self, on: Target, condition: ColumnElement[bool], page_order: tuple[Any, ...]) -> bool:
        """Whether enough of the first rows of the page's order (RELATED_SAMPLE of the
        organization's rows of `on`, what a walk reads first) meet `condition` for the page to
        check its rows one by one (RELATED_WALK_FACTOR)."""
        # Only leads are counted by triggers (COUNTED_TABLES): other searches keep the list.
        rows = kept_count(self.ctx, on.table.name)
        if not rows:
            return False
        needed = max(RELATED_WALK_MIN, math.sqrt(RELATED_WALK_FACTOR / rows))
        if needed > 1.0:
            return False
        table = on.table
        # Not correlated: the sample is the first rows of the table itself, in the page's order.
        first = (
            select(table.c.id)
            .where(*on.scope(self.ctx, table))
            .order_by(*page_order)
            .limit(RELATED_SAMPLE)
            .correlate(None)
        )
        met = select(func.count()).select_from(table).where(table.c.id.in_(first), condition)
        return int(self.ctx.conn.execute(met).scalar_one()) >= needed * min(rows, RELATED_SAMPLE)

    def _element_prefilter(
        self, query: n.Node, on: Target, table: FromClause, other: Target
    ) -> ColumnElement[bool] | None:
        """For a text condition on an element's field (a contact's email addresses), the rows
        whose indexed text can hold it: reading every element of every row is a scan."""
        if not isinstance(query, n.FieldCondition) or query.negate:
            return None
        ref, condition = query.field, query.condition
        if isinstance(ref, n.CustomField) or not isinstance(condition, n.TextCondition):
            return None
        condition = self._as_stored(other.name, ref.field_name, condition)
        return field_prefilter(
            self.ctx, on.name, table, ref.field_name, condition.mode, condition.value, element=other.name
        )

    # ---- field conditions ---------------------------------------------------------------------

    def _field(self, node: n.FieldCondition, on: Target, table: FromClause | None) -> ColumnElement[bool]:
        ref = node.field
        if isinstance(ref, n.CustomField):
            return self._custom(node, on, ref)
        if ref.object_type != on.name:
            raise bad(
                f"{node.path}.field.object_type",
                f"Expected {on.name!r}: use has_related to reach the fields of {ref.object_type}.",
            )
        value = on.value(self.ctx, table, ref.field_name) if table is not None else None
        if value is None:
            raise bad(f"{node.path}.field.field_name", f"{on.name} has no field {ref.field_name!r}.")
        if isinstance(node.condition, n.TextCondition):
            node = replace(node, condition=self._as_stored(on.name, ref.field_name, node.condition))
        if value.lookup is not None:
            looked_up = Value(value.lookup.table.c[value.lookup.column], value.kind)
            return value.lookup.where(self._condition(looked_up, node.condition, f"{node.path}.condition"))
        condition = self._condition(value, node.condition, f"{node.path}.condition")
        if self.checking_rows:
            return condition
        if isinstance(node.condition, n.TextCondition) and table is not None and value.kind == "text":
            # LIKE on a word start scans every row: the text index narrows them first.
            mode, text = node.condition.mode, node.condition.value
            candidates = field_prefilter(self.ctx, on.name, table, ref.field_name, mode, text)
            if candidates is not None:
                return and_(candidates, condition)
        return condition

    def _as_stored(self, object_type: str, field_name: str, condition: n.TextCondition) -> n.TextCondition:
        """A text condition on a field compared with its value as stored: a phone number typed in
        any usual notation ('(415) 555-0100') as the E.164 form phones are kept in, read in the
        organization's region; part of a number ('555'), and every other field, as typed."""
        if (object_type, field_name) != ("contact_phone", "phone"):
            return condition
        settings = self.ctx.memo.get("settings")
        region = getattr(settings, "default_phone_region", None) or "US"
        number = typed_number(condition.value, region)
        return condition if number is None else replace(condition, value=number)

    def _condition(self, value: Value, condition: n.Condition, path: str) -> ColumnElement[bool]:
        column, kind = value.expression, value.kind

        def refuse() -> Invalid:
            name = type(condition).__name__
            return bad(f"{path}.type", f"This field ({kind}) does not take a {name} condition.")

        if isinstance(condition, n.Exists):
            present = column.is_not(None)
            return and_(present, column != "") if kind == "text" else present
        if isinstance(condition, n.TextCondition):
            if kind == "text":
                return text_match(column, condition.mode, condition.value)
            if kind == "id":
                return column == condition.value
            raise refuse()
        if isinstance(condition, n.TermCondition):
            if kind in ("text", "id"):
                return column.in_([str(v) for v in condition.values])
            if kind == "number":
                return column.in_(list(condition.values))
            raise refuse()
        if isinstance(condition, n.ReferenceCondition):
            if kind not in ("id", "text"):
                raise refuse()
            return column.in_(list(condition.object_ids))
        if isinstance(condition, n.CurrentUser):
            if kind != "id":
                raise refuse()
            user = self.ctx.actor.user_id
            return column == user if user is not None else false()
        if isinstance(condition, n.BooleanCondition):
            if kind != "bool":
                raise refuse()
            return column == condition.value
        if isinstance(condition, n.NumberRange):
            if kind != "number":
                raise refuse()
            bounds = _bounds(condition)
            return and_(column.is_not(None), *(_compare(column, op, bound) for op, bound in bounds))
        if kind not in ("datetime", "date"):
            raise refuse()
        start, end = self._moments(condition, path)
        parts: list[ColumnElement[bool]] = [column.is_not(None)]
        if kind == "date":
            zone = tz_from_offset(self.ctx.tz_offset)
            if start is not None:
                parts.append(column >= start.astimezone(zone).date())
            if end is not None:
                # The last day that starts before `end`.
                parts.append(column <= (end.astimezone(zone) - timedelta(microseconds=1)).date())
            return and_(*parts)
        if start is not None:
            parts.append(column >= start)
        if end is not None:
            parts.append(column < end)
        return and_(*parts)

    def _moments(self, condition: n.MomentRange, path: str) -> tuple[datetime | None, datetime | None]:
        return range_instants(condition, self.now, self.ctx.tz_offset, path)

    def _custom(self, node: n.FieldCondition, on: Target, ref: n.CustomField) -> ColumnElement[bool]:
        path = f"{node.path}.field.custom_field_id"
        if on.parent is not None or on.spec.custom_field_kind is None:
            raise bad(path, f"{on.name} has no custom fields.")
        extension = EXTENSIONS["custom"]
        spec = on.spec
        condition = node.condition
        terms: list[tuple[Operator, Any]]
        if isinstance(condition, n.TextCondition):
            terms = [("text", (condition.mode, condition.value))]
        elif isinstance(condition, n.TermCondition):
            terms = [("in", list(condition.values))]
        elif isinstance(condition, n.ReferenceCondition):
            terms = [("in", list(condition.object_ids))]
        elif isinstance(condition, n.NumberRange):
            terms = list(_bounds(condition)) or [("exists", True)]
        elif isinstance(condition, n.MomentRange):
            start, end = self._moments(condition, f"{node.path}.condition")
            zone = tz_from_offset(self.ctx.tz_offset)
            terms = [("gte", start.astimezone(zone))] if start is not None else []
            terms += [("lt", end.astimezone(zone))] if end is not None else []
            terms = terms or [("exists", True)]
        elif isinstance(condition, n.Exists):
            terms = [("exists", True)]
        elif isinstance(condition, n.BooleanCondition):
            terms = [("eq", condition.value)]
        else:
            user = self.ctx.actor.user_id
            if user is None:
                return false()
            terms = [("eq", user)]
        try:
            found = and_(*(extension(self.ctx, spec, ref.custom_field_id, op, value) for op, value in terms))
        except Invalid as problem:
            message = next(iter(problem.field_errors.values()), str(problem))
            raise bad(
                path if "does not exist" in str(message) else f"{node.path}.condition", str(message)
            ) from None
        plan: PagePlan = self._page_plan(on, found) if isinstance(condition, _COMPARED) else "index"
        if plan == "walk":
            # `IS 1`: a condition SQLite cannot read from the value's index, so it walks the page's.
            # A bound's `value IS NOT NULL` goes: a comparison with no value is not true either,
            # and each term extracts the value from the row's JSON again.
            parts = _conjuncts(found)
            bounds = [part for part in parts if getattr(part, "operator", None) is not operators.is_not]
            return and_(*(bounds or parts)).is_(true())
        if plan == "members":
            # `+ 0`: a value SQLite cannot take from an index, so it looks each row id of the
            # page's walk up in the list instead of reading the list row by row.
            row_id: ColumnElement[int] = literal_column(f"{on.table.name}.rowid")
            listed = select(row_id).select_from(on.table).where(*on.scope(self.ctx, on.table), found)
            return (row_id + literal_column("0")).in_(listed.correlate(None))
        return found

    def _page_plan(self, on: Target, found: ColumnElement[bool]) -> PagePlan:
        """SQLite, a page read in an index's order: `walk`, `members` or `index` (the constants
        above), from the matches counted up to where walking wins. Other databases weigh it
        themselves from their statistics."""
        if not self.ctx.first_rows or self.ctx.conn.dialect.name != "sqlite":
            return "index"
        # `value IN (...)` or bounds on the value: a single-value field, whose index lists the
        # matches. A list of values (a multi-value field) has no index on SQLite: its page walks
        # already, and counting its matches could read every row.
        terms = _conjuncts(found)
        if not terms or not all(
            isinstance(term, BinaryExpression) and term.operator in _INDEXED_COMPARISONS for term in terms
        ):
            return "index"
        rows = kept_count(self.ctx, on.table.name)
        walk_from = max(VALUE_WALK_MIN, math.ceil(math.sqrt(VALUE_WALK_FACTOR * rows)))
        members_from = max(VALUE_MEMBERS_MIN, math.ceil(math.sqrt(VALUE_MEMBERS_FACTOR * rows)))
        hits = select(sql_literal(1)).select_from(on.table).where(*on.scope(self.ctx, on.table), found)
        matches = count_up_to(self.ctx, hits, walk_from)
        if matches >= walk_from:
            return "walk"
        return "members" if matches >= members_from else "index"


def _conjuncts(condition: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """The terms a condition ANDs together (itself, when it is not an AND)."""
    if isinstance(condition, BooleanClauseList) and condition.operator is operators.and_:
        return [term for clause in condition.clauses for term in _conjuncts(clause)]
    return [condition]


def _bounds(condition: n.NumberRange) -> list[tuple[Operator, float]]:
    pairs: tuple[tuple[Operator, float | None], ...] = (
        ("gt", condition.gt),
        ("gte", condition.gte),
        ("lt", condition.lt),
        ("lte", condition.lte),
    )
    return [(op, bound) for op, bound in pairs if bound is not None]


def _compare(column: ColumnElement[Any], op: str, bound: float) -> ColumnElement[bool]:
    if op == "gt":
        return column > bound
    if op == "gte":
        return column >= bound
    if op == "lt":
        return column < bound
    return column <= bound
