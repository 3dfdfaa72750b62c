"""Fields whose values are ids of other objects: users, contacts, custom objects.

Each validates a whole list of values with one lookup, so a multi-value field costs one query.
"""

from __future__ import annotations

from typing import Any

from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.types.base import FieldType, ValueProblem, WriteEnv


def _strings(values: list[Any], what: str) -> list[str]:
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValueProblem(f"Not a valid {what} id.")
    return [v.strip() for v in values]


class Reference(FieldType):
    multiple = True
    what = "object"

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        return self.clean(definition, [value], env)[0]

    shown_as_stored = frozenset({str})

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if isinstance(element, str) else None

    def filter_value(self, definition: FieldDefinition, value: Any) -> Any:
        return _strings([value], self.what)[0]


class User(Reference):
    """A member of the organization, active or former, given by id or by exact full name."""

    name = "user"
    what = "user"

    def clean(self, definition: FieldDefinition, values: list[Any], env: WriteEnv) -> list[Any]:
        wanted = _strings(values, self.what)
        found = env.lookups.user_ids(wanted)
        for value in wanted:
            if value not in found:
                raise ValueProblem(f'"{value}" is not a user of this organization.')
        return [found[v] for v in wanted]


class Contact(Reference):
    """A contact of the same lead as the object holding the value."""

    name = "contact"
    what = "contact"

    def clean(self, definition: FieldDefinition, values: list[Any], env: WriteEnv) -> list[Any]:
        wanted = _strings(values, self.what)
        leads = env.lookups.contact_leads(wanted)
        for value in wanted:
            if value not in leads:
                raise ValueProblem(f"Contact {value} does not exist.")
            if env.lead_id is None or leads[value] != env.lead_id:
                raise ValueProblem(f"Contact {value} is not a contact of this lead.")
        return wanted


class CustomObject(Reference):
    """An instance of the field's referenced custom object type, on the same lead."""

    name = "custom_object"
    what = "custom object"

    def clean(self, definition: FieldDefinition, values: list[Any], env: WriteEnv) -> list[Any]:
        wanted = _strings(values, self.what)
        found = env.lookups.custom_objects(wanted)
        for value in wanted:
            if value not in found:
                raise ValueProblem(f"Custom object {value} does not exist.")
            type_id, lead_id = found[value]
            if type_id != definition.referenced_custom_type_id:
                raise ValueProblem(f"Custom object {value} is not of the type this field references.")
            if env.lead_id is None or lead_id != env.lead_id:
                raise ValueProblem(f"Custom object {value} does not belong to this lead.")
        return wanted
