"""The six kinds of custom field and what sets them apart."""

from __future__ import annotations

from dataclasses import dataclass

from leadbase.custom_fields.definitions import (
    ACTIVITY_TYPE,
    CONTACT,
    LEAD,
    OBJECT_TYPE,
    OPPORTUNITY,
    Placement,
)
from leadbase.custom_fields.types import FIELD_TYPES

# Every type with a class in custom_fields/types/.
ALL_TYPES = frozenset(FIELD_TYPES)
# Close offers textarea on custom activities (and custom objects); leads, contacts and
# opportunities keep to single-line text.
REGULAR_TYPES = ALL_TYPES - {"textarea"}
# Fields of these types may hold several values.
MULTI_VALUE_TYPES = frozenset({"choices", "user", "contact", "custom_object"})


@dataclass(frozen=True)
class FieldKind:
    name: str
    # Close's URL segment under /custom_field/.
    segment: str
    model_name: str
    # Where its fields apply (association object_type); None for shared fields, which
    # apply wherever they are associated.
    object_type: str | None
    # The body/response key naming the custom type the field belongs to.
    type_key: str | None
    types: frozenset[str]
    type_changeable: bool
    create_status: int = 200
    delete_status: int = 200

    @property
    def path(self) -> str:
        return f"custom_field/{self.segment}"

    @property
    def event_type(self) -> str:
        return f"custom_fields.{self.name}"

    @property
    def has_required(self) -> bool:
        return self.type_key is not None

    @property
    def shared(self) -> bool:
        return self.object_type is None

    def placement(self, type_id: str | None) -> Placement:
        assert self.object_type is not None
        return Placement(self.object_type, type_id or "")


KINDS: dict[str, FieldKind] = {
    k.name: k
    for k in (
        FieldKind("lead", "lead", "LeadCustomField", LEAD, None, REGULAR_TYPES, True),
        FieldKind("contact", "contact", "ContactCustomField", CONTACT, None, REGULAR_TYPES, True),
        FieldKind(
            "opportunity", "opportunity", "OpportunityCustomField", OPPORTUNITY, None, REGULAR_TYPES, True
        ),
        FieldKind(
            "activity",
            "activity",
            "ActivityCustomField",
            ACTIVITY_TYPE,
            "custom_activity_type_id",
            ALL_TYPES,
            False,
        ),
        FieldKind(
            "custom_object",
            "custom_object_type",
            "CustomObjectCustomField",
            OBJECT_TYPE,
            "custom_object_type_id",
            ALL_TYPES,
            False,
            create_status=201,
            delete_status=204,
        ),
        FieldKind("shared", "shared", "SharedCustomField", None, None, ALL_TYPES, False),
    )
}
KIND_BY_EVENT = {k.event_type: k for k in KINDS.values()}
KIND_OF_OBJECT_TYPE = {k.object_type: k for k in KINDS.values() if k.object_type is not None}
