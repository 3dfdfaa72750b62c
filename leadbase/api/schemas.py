"""OpenAPI pieces for operations: request bodies, answers and list envelopes from JSON schemas.

The schemas themselves come from the resources' field declarations (`Fields`), so the
served description changes when a declaration does, and never disagrees with validation.
"""

from __future__ import annotations

from typing import Any

from leadbase.db.fields import Fields

Schema = dict[str, Any]
EMPTY_OBJECT: Schema = {"type": "object", "properties": {}, "description": "An empty object."}


def request_body(schema: Schema) -> Schema:
    return {"content": {"application/json": {"schema": schema}}, "required": True}


def answer(schema: Schema | None, status: int = 200, description: str = "OK") -> Schema:
    """The `responses` entry of an operation that answers `schema` (None: no body, 204)."""
    if schema is None or status == 204:
        return {str(status): {"description": "No content"}}
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def envelope(item: Schema, *, has_more: bool = True, total: bool = False, **extra: Schema) -> Schema:
    """`{"data": [...], "has_more": ..., "total_results": ...}` around objects of `item`."""
    properties: Schema = {"data": {"type": "array", "items": item}}
    if has_more:
        properties["has_more"] = {"type": "boolean"}
    if total:
        properties["total_results"] = {"type": "integer"}
    properties.update(extra)
    return {"type": "object", "properties": properties, "required": list(properties)}


def object_schema(description: str = "", **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if description:
        schema["description"] = description
    return schema


def of_fields(fields: Fields | None, *, request: bool = False, creating: bool = False) -> Schema:
    """The response (or request) schema of a declaration."""
    if fields is None:
        return {"type": "object"}
    return fields.request_schema(creating=creating) if request else fields.response_schema()
