"""Custom object types: user-defined kinds of objects that live on leads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.custom_fields.definitions import OBJECT_TYPE, OrgDefinitions, org_definitions
from leadbase.custom_fields.deletion import delete_field
from leadbase.custom_fields.render import render_back_reference
from leadbase.db.repository import Row
from leadbase.resources.custom_types import CustomTypeService


class CustomObjectTypeService(CustomTypeService):
    placement_type = OBJECT_TYPE
    has_plural = True

    def computed(self, definitions: OrgDefinitions) -> dict[str, Callable[[Row], Any]]:
        def back_references(row: Row) -> list[dict[str, Any]]:
            return [render_back_reference(r, definitions) for r in definitions.referencing(row["id"])]

        return {"back_reference_fields": back_references}

    def delete_dependants(self, row: Row) -> None:
        # Fields elsewhere that point at this type cannot point anywhere once it is gone:
        # they are deleted, their values first (with events). The type's own fields that
        # point at it go with its instances below.
        for field_row in org_definitions(self.ctx).referencing(row["id"]):
            if field_row["custom_object_type_id"] != row["id"]:
                delete_field(self.ctx, field_row)
        super().delete_dependants(row)
