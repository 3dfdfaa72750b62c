"""The custom data model: field definitions, where they apply, custom types and their instances."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc

# One row per custom field definition, whatever its kind (lead, contact, opportunity,
# activity, custom_object or shared). Where a field applies, and with which per-object
# settings (required, editable_with_roles, display position), is in custom_field_association.
custom_field = Table(
    "custom_field",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(255), nullable=False),
    # core.names.name_key(name); unique among shared fields here, per placement in associations.
    Column("name_key", Text, nullable=False),
    Column("description", Text, nullable=True),
    Column("type", String(32), nullable=False),
    Column("choices", JSONDoc, nullable=True),
    Column("accepts_multiple_values", Boolean, nullable=False),
    Column("custom_activity_type_id", ID, ForeignKey("custom_activity_type.id"), nullable=True),
    Column("custom_object_type_id", ID, ForeignKey("custom_object_type.id"), nullable=True),
    Column("referenced_custom_type_id", ID, ForeignKey("custom_object_type.id"), nullable=True),
    Column("back_reference_is_visible", Boolean, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "kind", "date_created"),
    Index(None, "organization_id", "referenced_custom_type_id"),
    Index(
        "uq_custom_field_shared_name_key",
        "organization_id",
        "name_key",
        unique=True,
        sqlite_where=text("kind = 'shared'"),
        postgresql_where=text("kind = 'shared'"),
    ),
)

# A field applied to one kind of object: a regular field has exactly one association, a
# shared field one per object kind it serves. `type_id` names the custom activity type or
# custom object type, and is "" for leads, contacts and opportunities so that the unique
# constraint holds (NULLs would never collide).
custom_field_association = Table(
    "custom_field_association",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("field_id", ID, ForeignKey("custom_field.id"), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("type_id", ID, nullable=False),
    # The field's name_key, copied here so that one index keeps names unique per placement.
    Column("name_key", Text, nullable=False),
    Column("required", Boolean, nullable=False),
    Column("editable_with_roles", JSONDoc, nullable=False),
    Column("position", Integer, nullable=False),
    *audit_columns(),
    UniqueConstraint("organization_id", "field_id", "object_type", "type_id"),
    UniqueConstraint(
        "organization_id",
        "object_type",
        "type_id",
        "name_key",
        name="uq_custom_field_association_placement_name_key",
    ),
    Index(None, "organization_id", "object_type", "type_id", "position"),
)

custom_object_type = Table(
    "custom_object_type",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("name_plural", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("api_create_only", Boolean, nullable=False),
    Column("editable_with_roles", JSONDoc, nullable=False),
    Column("is_archived", Boolean, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

custom_activity_type = Table(
    "custom_activity_type",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("api_create_only", Boolean, nullable=False),
    Column("editable_with_roles", JSONDoc, nullable=False),
    Column("is_archived", Boolean, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

custom_object = Table(
    "custom_object",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("custom_object_type_id", ID, ForeignKey("custom_object_type.id"), nullable=False),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("custom", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "lead_id", "custom_object_type_id", "date_created"),
    Index(None, "organization_id", "custom_object_type_id", "date_created"),
    Index(None, "organization_id", "date_created"),
)
