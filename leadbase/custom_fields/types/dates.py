"""Date and datetime fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from leadbase.core.clock import iso
from leadbase.core.dates import parse_datetime
from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.types.base import FieldType, ValueProblem, WriteEnv

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _valid_date(value: Any) -> bool:
    return isinstance(value, str) and _valid_date_text(value)


# Read back on every page that shows the field (a page of whole leads: one check per lead and
# date field, 0.7 us each), while an organization's values repeat: each text is checked once.
@lru_cache(maxsize=4096)
def _valid_date_text(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class Date(FieldType):
    """A calendar date, stored and shown as YYYY-MM-DD (ISO text sorts as dates do)."""

    name = "date"

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if isinstance(value, str) and _valid_date(value.strip()):
            return value.strip()
        raise ValueProblem("Not a valid date: use YYYY-MM-DD.")

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if _valid_date(element) else None

    def filter_value(self, definition: FieldDefinition, value: Any) -> Any:
        # An instant (a search's moment, already in the caller's zone) compares as its day there.
        if isinstance(value, datetime):
            return value.date().isoformat()
        return super().filter_value(definition, value)

    def convert(self, definition: FieldDefinition, element: Any, env: WriteEnv) -> Any | None:
        # A datetime field becoming a date field keeps the (UTC) day of each value.
        if isinstance(element, str) and not _valid_date(element):
            try:
                return parse_datetime(element).date().isoformat()
            except ValueError:
                return None
        return super().convert(definition, element, env)


class DateTime(FieldType):
    """An instant: ISO 8601 in, UTC with microseconds out (so stored text sorts as time does).

    A value without an offset is read in the request's x-tz-offset zone (UTC without it), and
    a bare date means its midnight there.
    """

    name = "datetime"

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                return iso(parse_datetime(value, env.tz_offset, naive_in_offset=True))
            except ValueError:
                pass
        raise ValueProblem("Not a valid datetime: use ISO 8601, such as 2014-06-27T22:00:00-08:00.")

    shown_as_stored = frozenset({str})

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if isinstance(element, str) else None

    def filter_value(self, definition: FieldDefinition, value: Any) -> Any:
        if isinstance(value, datetime):
            return iso(value)
        return super().filter_value(definition, value)
