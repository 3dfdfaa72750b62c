"""Close's Advanced Filtering query (the JSON of `POST /data/search/`) parsed into frozen nodes.

The parser only checks the shape: every node, field reference, condition and moment is read
into a typed value, and anything malformed or unknown is a 400 naming where it is, as a JSON
path (`query.queries[2].condition.type`). What a field means on an object type is the
compiler's business (search/compiler.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from leadbase.core.errors import Invalid

# Deeper than any query a person or Close's UI builds; bounds the recursion of the compiler
# (the request body's own bound, api/middleware.MAX_DEPTH, is 64 JSON levels).
MAX_DEPTH = 16
MAX_NODES = 2_000

TEXT_MODES = ("full_words", "phrase", "beginning_of_words", "exact_value")
TextMode = Literal["full_words", "phrase", "beginning_of_words", "exact_value"]

# ---- field references ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegularField:
    object_type: str
    field_name: str


@dataclass(frozen=True)
class CustomField:
    custom_field_id: str


FieldRef = RegularField | CustomField

# ---- moments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedUTC:
    value: str


@dataclass(frozen=True)
class FixedLocalDate:
    value: str
    which: Literal["start", "end"]


@dataclass(frozen=True)
class Now:
    pass


@dataclass(frozen=True)
class Offset:
    direction: Literal["past", "future"]
    moment: Moment
    # years, months, weeks, days, hours, minutes, seconds
    amounts: tuple[tuple[str, int], ...]
    which_day_end: Literal["start", "end"] | None


@dataclass(frozen=True)
class PeriodEdge:
    range: str
    which: Literal["start", "end"]


Moment = FixedUTC | FixedLocalDate | Now | Offset | PeriodEdge

# ---- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextCondition:
    value: str
    mode: TextMode


@dataclass(frozen=True)
class TermCondition:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class ReferenceCondition:
    reference_type: str | None
    object_ids: tuple[str, ...]


@dataclass(frozen=True)
class NumberRange:
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None


@dataclass(frozen=True)
class MomentRange:
    on_or_after: Moment | None
    before: Moment | None


@dataclass(frozen=True)
class Exists:
    pass


@dataclass(frozen=True)
class BooleanCondition:
    value: bool


@dataclass(frozen=True)
class CurrentUser:
    pass


Condition = (
    TextCondition
    | TermCondition
    | ReferenceCondition
    | NumberRange
    | MomentRange
    | Exists
    | BooleanCondition
    | CurrentUser
)

# ---- query nodes ----------------------------------------------------------------------------
# Every node keeps its JSON path, so that what the compiler finds wrong is reported where it is.


@dataclass(frozen=True)
class And:
    queries: tuple[Node, ...]
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class Or:
    queries: tuple[Node, ...]
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class ObjectType:
    object_type: str
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class FieldCondition:
    field: FieldRef
    condition: Condition
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class HasRelated:
    this_object_type: str | None
    related_object_type: str
    related_query: Node
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class Text:
    value: str
    mode: TextMode
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class Id:
    value: str
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class Ids:
    values: tuple[str, ...]
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class SavedSearch:
    saved_search_id: str
    negate: bool = False
    path: str = "query"


@dataclass(frozen=True)
class MatchAll:
    negate: bool = False
    path: str = "query"


Node = And | Or | ObjectType | FieldCondition | HasRelated | Text | Id | Ids | SavedSearch | MatchAll

# ---- parsing --------------------------------------------------------------------------------


def bad(path: str, message: str) -> Invalid:
    return Invalid({path: message}, errors=[f"{path}: {message}"])


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(path, "Expected an object.")
    return value


def _string(raw: dict[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise bad(f"{path}.{key}", "Expected a non-empty string.")
    return value


def _bool(raw: dict[str, Any], key: str, path: str) -> bool:
    value = raw.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad(f"{path}.{key}", "Expected true or false.")
    return value


def _list(raw: dict[str, Any], key: str, path: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list):
        raise bad(f"{path}.{key}", "Expected a list.")
    return value


def _type(raw: dict[str, Any], path: str) -> str:
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise bad(f"{path}.type", "Expected the type of the node (a string).")
    return kind


class _Parser:
    def __init__(self) -> None:
        self.count = 0

    def node(self, value: Any, path: str, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise bad(path, f"The query nests more than {MAX_DEPTH} levels deep.")
        self.count += 1
        if self.count > MAX_NODES:
            raise bad(path, f"The query has more than {MAX_NODES} nodes.")
        raw = _object(value, path)
        kind = _type(raw, path)
        negate = _bool(raw, "negate", path)
        if kind in ("and", "or"):
            items = _list(raw, "queries", path)
            queries = tuple(self.node(q, f"{path}.queries[{i}]", depth + 1) for i, q in enumerate(items))
            return (And if kind == "and" else Or)(queries, negate, path)
        if kind == "object_type":
            return ObjectType(_string(raw, "object_type", path) or "", negate, path)
        if kind == "field_condition":
            field = field_ref(raw.get("field"), f"{path}.field")
            condition = self.condition(raw.get("condition"), f"{path}.condition")
            return FieldCondition(field, condition, negate, path)
        if kind == "has_related":
            related = _string(raw, "related_object_type", path) or ""
            this = _string(raw, "this_object_type", path, required=False)
            inner = raw.get("related_query", {"type": "match_all"})
            query = self.node(inner, f"{path}.related_query", depth + 1)
            return HasRelated(this, related, query, negate, path)
        if kind == "text":
            value = raw.get("value")
            if not isinstance(value, str):
                raise bad(f"{path}.value", "Expected the text to search for.")
            return Text(value, _mode(raw, path), negate, path)
        if kind == "id":
            return Id(_string(raw, "value", path) or "", negate, path)
        if kind == "ids":
            values = _list(raw, "values", path)
            if not all(isinstance(v, str) for v in values):
                raise bad(f"{path}.values", "Expected a list of ids.")
            return Ids(tuple(values), negate, path)
        if kind == "saved_search":
            return SavedSearch(_string(raw, "saved_search_id", path) or "", negate, path)
        if kind == "match_all":
            return MatchAll(negate, path)
        raise bad(f"{path}.type", f"Unknown query type {kind!r}.")

    def condition(self, value: Any, path: str) -> Condition:
        raw = _object(value, path)
        kind = _type(raw, path)
        if kind == "text":
            text = raw.get("value")
            if not isinstance(text, str):
                raise bad(f"{path}.value", "Expected the text to match.")
            return TextCondition(text, _mode(raw, path))
        if kind == "term":
            values = _list(raw, "values", path)
            if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
                raise bad(f"{path}.values", "Expected a list of strings or numbers.")
            return TermCondition(tuple(values))
        if kind == "reference":
            ids = _list(raw, "object_ids", path)
            if not all(isinstance(v, str) for v in ids):
                raise bad(f"{path}.object_ids", "Expected a list of ids.")
            return ReferenceCondition(_string(raw, "reference_type", path, required=False), tuple(ids))
        if kind == "number_range":
            bounds: dict[str, float] = {}
            for key in ("gt", "gte", "lt", "lte"):
                bound = raw.get(key)
                if bound is None:
                    continue
                if not isinstance(bound, (int, float)) or isinstance(bound, bool):
                    raise bad(f"{path}.{key}", "Expected a number.")
                bounds[key] = bound
            return NumberRange(**bounds)
        if kind == "moment_range":
            start = raw.get("on_or_after", raw.get("gte"))
            end = raw.get("before", raw.get("lt"))
            start_path = f"{path}.on_or_after" if "on_or_after" in raw else f"{path}.gte"
            end_path = f"{path}.before" if "before" in raw else f"{path}.lt"
            return MomentRange(
                None if start is None else moment(start, start_path),
                None if end is None else moment(end, end_path),
            )
        if kind == "exists":
            return Exists()
        if kind == "boolean":
            flag = raw.get("value")
            if not isinstance(flag, bool):
                raise bad(f"{path}.value", "Expected true or false.")
            return BooleanCondition(flag)
        if kind == "current_user":
            return CurrentUser()
        raise bad(f"{path}.type", f"Unknown condition type {kind!r}.")


def _mode(raw: dict[str, Any], path: str) -> TextMode:
    mode = raw.get("mode", "full_words")
    if mode not in TEXT_MODES:
        raise bad(f"{path}.mode", "Expected one of " + ", ".join(TEXT_MODES) + ".")
    return mode  # type: ignore[no-any-return]


def field_ref(value: Any, path: str) -> FieldRef:
    raw = _object(value, path)
    kind = _type(raw, path)
    if kind == "regular_field":
        return RegularField(_string(raw, "object_type", path) or "", _string(raw, "field_name", path) or "")
    if kind == "custom_field":
        return CustomField(_string(raw, "custom_field_id", path) or "")
    raise bad(f"{path}.type", f"Unknown field type {kind!r}: use regular_field or custom_field.")


_DURATION_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


def moment(value: Any, path: str) -> Moment:
    # Some clients send ISO strings where a moment goes: read them as fixed instants.
    if isinstance(value, str):
        return FixedUTC(value)
    raw = _object(value, path)
    kind = _type(raw, path)
    if kind == "fixed_utc":
        return FixedUTC(_string(raw, "value", path) or "")
    if kind == "fixed_local_date":
        return FixedLocalDate(_string(raw, "value", path) or "", _which(raw, "which", path, "start"))
    if kind == "now":
        return Now()
    if kind == "offset":
        direction = raw.get("direction", "past")
        if direction not in ("past", "future"):
            raise bad(f"{path}.direction", "Expected past or future.")
        offset = _object(raw.get("offset", {}), f"{path}.offset")
        amounts = []
        for unit, amount in offset.items():
            if unit not in _DURATION_UNITS:
                raise bad(f"{path}.offset.{unit}", "Unknown unit: use " + ", ".join(_DURATION_UNITS) + ".")
            if amount is None:
                continue
            if not isinstance(amount, int) or isinstance(amount, bool) or abs(amount) > 100_000:
                raise bad(f"{path}.offset.{unit}", "Expected a whole number.")
            amounts.append((unit, amount))
        base = moment(raw.get("moment", {"type": "now"}), f"{path}.moment")
        end = raw.get("which_day_end")
        if end is not None and end not in ("start", "end"):
            raise bad(f"{path}.which_day_end", "Expected start or end.")
        return Offset(direction, base, tuple(amounts), end)
    if kind == "start_end_of_predefined_relative_period":
        return PeriodEdge(_string(raw, "range", path) or "", _which(raw, "which", path, "start"))
    raise bad(f"{path}.type", f"Unknown moment type {kind!r}.")


def _which(raw: dict[str, Any], key: str, path: str, default: str) -> Literal["start", "end"]:
    which = raw.get(key, default)
    if which not in ("start", "end"):
        raise bad(f"{path}.{key}", "Expected start or end.")
    return which  # type: ignore[no-any-return]


def parse(query: Any, path: str = "query") -> Node:
    """The tree of a JSON query, or Invalid naming the first problem and where it is."""
    return _Parser().node(query, path, 0)
