"""What custom object types and custom activity types share: attributes, fields, and deletion.

A type's `fields` come from the cached field definitions (no query per type); deleting a
type deletes what depends on it, each with its event: its instances, its own fields, its
shared field associations, and, for custom object types, the fields elsewhere that
reference it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from leadbase.core.errors import Forbidden, Invalid
from leadbase.custom_fields.definitions import OrgDefinitions, Placement, org_definitions
from leadbase.custom_fields.deletion import delete_field, field_spec
from leadbase.custom_fields.placements import remove_associations, reorder, require_admin
from leadbase.custom_fields.render import render_compact
from leadbase.custom_fields.watch import watch_types
from leadbase.db.context import Context
from leadbase.db.fields import BOOL, IDS, OBJECTS, REQUIRED, TEXT, Field, Fields, Problem, audit, shown
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, has
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service, require_object
from leadbase.resources.common import name_field, role_list, roles_value, strict_bool

# How both kinds of custom types are served: Close lists every type at once ({"data": [...]},
# no paging), creates with 201 and deletes with 204.
TYPE_ENDPOINT: dict[str, Any] = {
    "has_more": False,
    "default_limit": 10_000,
    "max_limit": 10_000,
    "create_status": 201,
    "delete_status": 204,
}


DOES_NOT_EXIST = "Object does not exist."
TYPE_DESCRIPTION_LENGTH = 10_000


def unchanged(value: Any) -> Any:
    """The cleaner of a field an update may repeat but not change (`check_unchanged` saw to it)."""
    return value


def may_edit_instances(ctx: Context, type_row: Row) -> None:
    """A type's `editable_with_roles` restricts who may create, change and delete its instances.

    Roles that manage customizations always may (they can change the restriction itself).
    """
    roles = type_row.get("editable_with_roles") or []
    if roles and ctx.actor.role_id not in roles and not has(ctx, MANAGE_CUSTOMIZATIONS):
        raise Forbidden(f'Your role may not edit "{type_row["name"]}" objects: only {", ".join(roles)} may.')


class CustomTypeService(Service):
    # Association object_type of the type's fields.
    placement_type: ClassVar[str]
    has_plural: ClassVar[bool] = False
    # Custom activity types take a field order on update; custom object types do not.
    reorders_fields: ClassVar[bool] = False

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        definitions = org_definitions(self.ctx)

        def fields(row: Row) -> list[dict[str, Any]]:
            placement = Placement(self.placement_type, row["id"])
            return [
                render_compact(definitions.rows[d.id], definitions.association(d.id, placement))
                for d in definitions.for_placement(placement)
            ]

        computed = {"fields": fields, **self.computed(definitions)}
        declared = self._fields()
        return [declared.render(r, computed) for r in rows]

    def computed(self, definitions: OrgDefinitions) -> dict[str, Callable[[Row], Any]]:
        """The computed fields of this kind of type besides `fields`, from the page's definitions."""
        return {}

    # ---- writing -------------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        # A body copied from another organization's type (`fields`, `id`...) is fine: only
        # the writable attributes are read.
        require_admin(self.ctx)
        return self._fields().clean(require_object(body), creating=True, cleaners=self._roles())

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        require_admin(self.ctx)
        return self._fields().clean(require_object(body), creating=False, cleaners=self._roles())

    def _roles(self) -> dict[str, Callable[[Any], Any]]:
        # Custom role ids are the organization's: checked with the request.
        return {"editable_with_roles": lambda value: roles_value(self.ctx, value)}

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        # Custom activity types take their fields' order on update; it lives on the associations.
        if self.reorders_fields and isinstance(body, dict) and "fields" in body:
            return reorder(self.ctx, Placement(self.placement_type, row["id"]), body["fields"])
        return False

    def authorize(self, action: str, row: Row | None) -> None:
        require_admin(self.ctx)

    def watch(self, action: str, row: Row | None) -> None:
        if action == "delete":
            watch_types(self.ctx)

    def delete_dependants(self, row: Row) -> None:
        # Its instances (declared children) are gone already; their fields follow.
        placement = Placement(self.placement_type, row["id"])
        definitions = org_definitions(self.ctx)
        for association in [a for a in definitions.associations if a.placement == placement]:
            field_row = definitions.rows[association.field_id]
            if field_row["kind"] == "shared":
                self.unit.touch(field_spec(field_row["kind"]), field_row)
                remove_associations(self.ctx, field_row["id"], placement)
            else:
                # Its values lived on the instances, which are gone.
                delete_field(self.ctx, field_row, remove_stored_values=False)

    def instance_type(self, value: Any) -> Row:
        """The (unarchived) type an instance body names, or Problem (a field cleaner)."""
        if value is None:
            raise Problem(REQUIRED)
        row = self.repo.find(self.spec, value) if isinstance(value, str) else None
        if row is None:
            raise Problem(DOES_NOT_EXIST)
        if row["is_archived"]:
            raise Problem("This type is archived: no new instances can be created.")
        return row


def type_fields(*, plural: bool = False, back_references: bool = False) -> Fields:
    """The declared fields of a custom type (custom object types have a plural and back references)."""
    return Fields(
        (
            shown("id"),
            name_field(),
            *((name_field("name_plural"),) if plural else ()),
            Field("description", TEXT, max_length=TYPE_DESCRIPTION_LENGTH),
            Field("api_create_only", BOOL, default=False, cleaner=strict_bool),
            Field("editable_with_roles", IDS, default=list, cleaner=role_list, shows=_listed),
            Field("is_archived", BOOL, default=False, cleaner=strict_bool),
            Field(
                "fields",
                OBJECTS,
                computed=True,
                description="Its fields; on update of a custom activity type, their ids in a new order.",
            ),
            *((shown("back_reference_fields", OBJECTS, computed=True),) if back_references else ()),
            *audit(),
        )
    )


def _listed(value: Any) -> list[Any]:
    return list(value or [])


def type_service(ctx: Context, instances: ResourceSpec) -> CustomTypeService:
    """The service of the custom type resource whose instances `instances` are (a custom
    activity's type, a custom object's type): the relation through its `custom_type_column`."""
    column = instances.custom_type_column
    if column is None:
        raise LookupError(f"{instances.path} has no custom type")
    spec = instances.parent(column)
    service = spec.service(ctx, spec)
    assert isinstance(service, CustomTypeService)
    return service


def check_unchanged(body: dict[str, Any], row: Row, keys: tuple[str, ...]) -> None:
    """Keys an update may repeat but not change."""
    errors = {k: "This cannot be changed." for k in keys if k in body and body[k] != row[k]}
    if errors:
        raise Invalid(errors)
