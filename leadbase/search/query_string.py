"""A lead query string translated into Close's JSON Advanced Filtering query.

    translate('status:Qualified call(date >= "2 weeks ago") sort:-date_updated', "lead", resolver)

gives the `{"type": "and", "queries": [{"type": "object_type", ...}, ...]}` dict that
POST /data/search/ takes, plus its `sort` list, so both ways of searching answer from one
engine (compile_query). The parse is lead_query.py's; the meaning of each name is
query_fields.py's; names only the organization knows (custom fields, statuses, smart views,
users) are resolved through the `Resolver` the caller passes in, which keeps this module free of
the database and testable as pure translation.

A term leadbase cannot answer is a 400 naming it and its character position, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from leadbase.core.errors import BadRequest
from leadbase.search import lead_query as parsed
from leadbase.search.query_fields import (
    CHILD_RELATIONS,
    FIELDS,
    HAS_RELATED,
    RELATIONS,
    SORTS,
    THROUGH,
    FieldSpec,
    Kind,
)
from leadbase.search.query_moments import moment_range
from leadbase.search.targets import SLICE_KEYS

Query = dict[str, Any]

_COMPARISONS = (">", ">=", "<", "<=")
_CUSTOM_CONDITIONS: dict[str, Kind] = {
    "text": "text",
    "textarea": "text",
    "hidden": "text",
    "number": "number",
    "date": "date",
    "datetime": "date",
    "choices": "term",
    "user": "user",
    "contact": "reference",
    "custom_object": "reference",
}
_OPPORTUNITY_STATUS_TYPES = ("active", "won", "lost")


@dataclass(frozen=True)
class CustomField:
    id: str
    type: str


class Resolver(Protocol):
    """What only the caller's organization knows, looked up by name."""

    def custom_field(self, object_type: str, name: str) -> CustomField | None:
        """The custom field of objects of `object_type` with this id, or this name (any case)."""

    def status_ids(self, reference_type: str, label: str) -> list[str]:
        """Ids of the statuses (`status.lead` or `status.opportunity`) with this id or label."""

    def saved_search_id(self, name_or_id: str) -> str | None:
        """The smart view with this id, or this name, visible to the caller."""

    def user_ids(self, value: str) -> list[str]:
        """Members with this id, email or full name."""


@dataclass(frozen=True)
class Translation:
    query: Query
    sort: list[dict[str, Any]]


def translate(text: str, object_type: str, resolver: Resolver, tz_offset: float | None = None) -> Translation:
    """The Advanced Filtering query and sort that `text` means for objects of `object_type`."""
    tree = parsed.parse(text)
    translator = _Translator(resolver, tz_offset)
    queries: list[Query] = [{"type": "object_type", "object_type": object_type}]
    if tree.where != parsed.MATCH_ALL:
        where = translator.node(tree.where, object_type)
        plain_and = where["type"] == "and" and not where.get("negate")
        queries.extend(where["queries"] if plain_and else [where])
    sort = [translator.sort(item, object_type) for item in tree.sorts]
    return Translation({"type": "and", "queries": queries}, sort)


def _field_ref(object_type: str, name: str) -> Query:
    return {"type": "regular_field", "object_type": object_type, "field_name": name}


def _condition(field: Query, condition: Query) -> Query:
    return {"type": "field_condition", "field": field, "condition": condition}


def _slice(term: parsed.Term) -> Query:
    """`slice:i/n` (i from 1 to n): the i-th of n disjoint parts of the leads, together all of
    them, as scripts split an export among workers: a range of the lead's `slice_key`."""
    number, _, parts = term.value.strip().partition("/")
    if term.op != ":" or not (number.isdigit() and parts.isdigit()) or not 1 <= int(number) <= int(parts):
        raise BadRequest(
            f"slice: at character {term.position} of the query takes i/n, a whole i from 1 to n."
        )
    i, n = int(number), int(parts)
    bounds = {"gte": (i - 1) * SLICE_KEYS // n}
    if i < n:
        bounds["lt"] = i * SLICE_KEYS // n
    return _condition(_field_ref("lead", "slice_key"), {"type": "number_range", **bounds})


def _related(this: str, chain: tuple[str, ...], inner: Query) -> Query:
    """`this` has a related chain[0], which has a related chain[1], ... matching `inner`."""
    for position in range(len(chain) - 1, -1, -1):
        parent = chain[position - 1] if position else this
        inner = {
            "type": "has_related",
            "this_object_type": parent,
            "related_object_type": chain[position],
            "related_query": inner,
        }
    return inner


def _negated(query: Query) -> Query:
    return {**query, "negate": not query.get("negate", False)}


_MATCH_ALL: Query = {"type": "and", "queries": []}


def _presence(relation: str, condition: Query) -> Query | None:
    """`contacts > 0`, `contacts:0`...: a count of children that only asks whether there are any,
    as has_related (which every engine answers on the children's index); None for other counts."""
    low = math.ceil(condition["gte"]) if "gte" in condition else None
    high = math.floor(condition["lte"]) if "lte" in condition else None
    if "gt" in condition:
        low = math.floor(condition["gt"]) + 1
    if "lt" in condition:
        high = math.ceil(condition["lt"]) - 1
    any_child = _related("lead", (relation,), _MATCH_ALL)
    if high is None and low is not None and low <= 1:
        return any_child if low == 1 else _MATCH_ALL
    if low is None or low <= 0:
        if high is not None and high == 0:
            return _negated(any_child)
        if high is not None and high < 0:
            return _negated(_MATCH_ALL)
    return None


class _Translator:
    def __init__(self, resolver: Resolver, tz_offset: float | None) -> None:
        self.resolver = resolver
        self.tz_offset = tz_offset

    # ---- structure ---------------------------------------------------------------------

    def node(self, node: parsed.Node, scope: str) -> Query:
        if isinstance(node, parsed.Term):
            return self.term(node, scope)
        if isinstance(node, parsed.Not):
            return _negated(self.node(node.item, scope))
        if isinstance(node, parsed.Related):
            return self.related(node, scope)
        return {"type": node.kind, "queries": [self.node(item, scope) for item in node.items]}

    def related(self, node: parsed.Related, scope: str) -> Query:
        target = RELATIONS.get(scope, {}).get(node.name)
        if target is None:
            known = ", ".join(sorted(RELATIONS.get(scope, {}))) or "none"
            raise BadRequest(
                f"Unknown sub-query {node.name}(...) at character {node.position} of the query; "
                f"on {scope} objects use one of: {known}."
            )
        inner = _MATCH_ALL if node.where == parsed.MATCH_ALL else self.node(node.where, target)
        return _related(scope, (target,), inner)

    def sort(self, sort: parsed.Sort, scope: str) -> dict[str, Any]:
        direction = "desc" if sort.descending else "asc"
        if sort.field.startswith("custom."):
            field = self.custom(sort.field, scope, sort.position)
            return {"direction": direction, "field": {"type": "custom_field", "custom_field_id": field.id}}
        name = SORTS.get(scope, {}).get(sort.field)
        if name is None:
            known = ", ".join(sorted(SORTS.get(scope, {})))
            raise BadRequest(
                f"Cannot sort by {sort.field!r} (character {sort.position} of the query); "
                f"use one of: {known}, or custom.<field>."
            )
        return {"direction": direction, "field": _field_ref(scope, name)}

    # ---- terms -------------------------------------------------------------------------

    def term(self, term: parsed.Term, scope: str) -> Query:
        name = term.field
        if not name:
            # A bare word or quoted phrase: full text over the object's text.
            return {"type": "text", "value": term.value, "mode": "phrase" if term.quoted else "full_words"}
        if name == "has":
            return self.has(term, scope)
        if name in ("in", "saved_search", "saved_search_id", "smart_view"):
            return self.saved_search(term)
        if name.startswith("custom."):
            field = self.custom(name, scope, term.position)
            kind = _CUSTOM_CONDITIONS.get(field.type, "text")
            ref = {"type": "custom_field", "custom_field_id": field.id}
            return self.condition(ref, FieldSpec(field.id, kind, "user" if kind == "user" else ""), term)
        spec = FIELDS.get(scope, {}).get(name)
        if spec is not None:
            return self.condition(_field_ref(scope, spec.name), spec, term)
        through = THROUGH.get(scope, {}).get(name)
        if through is not None:
            chain, field_name = through
            target = chain[-1]
            inner_spec = FIELDS[target][field_name]
            if term.value == "*" and term.op == ":":
                return _related(scope, chain, _MATCH_ALL)
            return _related(
                scope, chain, self.condition(_field_ref(target, inner_spec.name), inner_spec, term)
            )
        for prefix, relation in (("opportunity_", "opportunity"), ("contact_", "contact")):
            # Legacy shorthands: `opportunity_status:won` is `opportunity(status:won)`.
            rest = name.removeprefix(prefix)
            if name.startswith(prefix) and relation in RELATIONS.get(scope, {}).values():
                inner = FIELDS[relation].get(rest)
                if inner is not None:
                    query = self.condition(_field_ref(relation, inner.name), inner, term)
                    return _related(scope, (relation,), query)
        if name == "slice" and scope == "lead":
            return _slice(term)
        raise BadRequest(f"Unknown field {name!r} at character {term.position} of the query.")

    def has(self, term: parsed.Term, scope: str) -> Query:
        """`has:calls` (a related object exists) or `has:<field>` (the field is set)."""
        what = term.value.strip()
        key = what.lower()
        chain = HAS_RELATED.get(scope, {}).get(key)
        if chain is not None:
            return _related(scope, chain, _MATCH_ALL)
        if key.startswith("custom."):
            field = self.custom("custom." + what[len("custom.") :], scope, term.position)
            return _condition({"type": "custom_field", "custom_field_id": field.id}, {"type": "exists"})
        spec = FIELDS.get(scope, {}).get(key)
        if spec is not None and spec.kind != "id":
            return _condition(_field_ref(scope, spec.name), {"type": "exists"})
        raise BadRequest(f"Unknown has:{what} at character {term.position} of the query.")

    def saved_search(self, term: parsed.Term) -> Query:
        found = self.resolver.saved_search_id(term.value)
        if found is None:
            raise BadRequest(f"No smart view named {term.value!r} (character {term.position} of the query).")
        return {"type": "saved_search", "saved_search_id": found}

    def custom(self, name: str, scope: str, position: int) -> CustomField:
        wanted = name.removeprefix("custom.")
        field = self.resolver.custom_field(scope, wanted)
        if field is None:
            raise BadRequest(f"No {scope} custom field named {wanted!r} (character {position} of the query).")
        return field

    def condition(self, field: Query, spec: FieldSpec, term: parsed.Term) -> Query:
        """`field <op> value` for a field of kind `spec.kind`."""
        op, value, where = term.op, term.value, f"character {term.position} of the query"
        if spec.kind == "id":
            if op not in (":", "="):
                raise BadRequest(f"{term.field} takes `:` only ({where}).")
            return {"type": "id", "value": value}
        if value == "*" and op in (":", "="):
            return _condition(field, {"type": "exists"})
        if op in _COMPARISONS and spec.kind not in ("date", "number"):
            raise BadRequest(f"{term.field} cannot be compared with {op} ({where}); use `:`.")
        if spec.kind == "text":
            mode = "exact_value" if op == "=" else "phrase" if term.quoted else "beginning_of_words"
            if spec.name == "email" and op == ":":
                # A whole address, or else a part of one (`@acme.com`, `acme.com`).
                mode = "exact_value" if "@" in value[1:] else "phrase"
            elif spec.name == "phone" and op == ":":
                mode = "exact_value"
            return _condition(field, {"type": "text", "mode": mode, "value": value})
        if spec.kind == "date":
            condition = moment_range(op, value, self.tz_offset)
            if condition is None:
                raise BadRequest(f"Not a valid date in the query: {value!r} ({where}).")
            return _condition(field, condition)
        if spec.kind == "number":
            condition = self.number(op, value, term)
            relation = CHILD_RELATIONS.get(spec.name) if field.get("object_type") == "lead" else None
            answered = _presence(relation, condition) if relation is not None else None
            return answered if answered is not None else _condition(field, condition)
        if spec.kind == "term":
            return _condition(field, {"type": "term", "values": [value]})
        if spec.kind == "boolean":
            flag = value.lower()
            if flag not in ("true", "false", "yes", "no", "1", "0"):
                raise BadRequest(f"{term.field} takes true or false ({where}).")
            return _condition(field, {"type": "boolean", "value": flag in ("true", "yes", "1")})
        if spec.kind == "user":
            if value.lower() in ("me", "current_user"):
                return _condition(field, {"type": "current_user"})
            ids = self.resolver.user_ids(value)
            return _condition(field, {"type": "reference", "reference_type": "user", "object_ids": ids})
        if spec.kind == "status":
            return self.status(field, spec, term)
        return _condition(
            field, {"type": "reference", "reference_type": spec.reference_type, "object_ids": [value]}
        )

    def status(self, field: Query, spec: FieldSpec, term: parsed.Term) -> Query:
        ids = self.resolver.status_ids(spec.reference_type, term.value)
        lowered = term.value.lower()
        if not ids and spec.reference_type == "status.opportunity" and lowered in _OPPORTUNITY_STATUS_TYPES:
            # `opportunity(status:won)`: any status of that type.
            type_field = {**field, "field_name": "status_type"}
            return _condition(type_field, {"type": "term", "values": [lowered]})
        # An unknown label matches nothing, as a label nobody uses would.
        return _condition(
            field, {"type": "reference", "reference_type": spec.reference_type, "object_ids": ids}
        )

    def number(self, op: str, value: str, term: parsed.Term) -> Query:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise BadRequest(
                f"{term.field} expects a number, not {value!r} (character {term.position} of the query)."
            )
        amount: int | float = int(number) if number.is_integer() else number
        keys = {">": ("gt",), ">=": ("gte",), "<": ("lt",), "<=": ("lte",)}.get(op, ("gte", "lte"))
        return {"type": "number_range", **dict.fromkeys(keys, amount)}
