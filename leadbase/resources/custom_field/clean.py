"""Checks of the attributes that custom fields and custom types share."""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.context import Context
from leadbase.db.fields import Problem
from leadbase.resources.common import MISSING, NAME_LENGTH, ROLES, name_value, roles_value

__all__ = [
    "NAME_LENGTH",
    "ROLES",
    "clean_bool",
    "clean_choices",
    "clean_description",
    "clean_name",
    "clean_roles",
]
FIELD_DESCRIPTION_LENGTH = 280
TYPE_DESCRIPTION_LENGTH = 10_000


def clean_name(body: dict[str, Any], key: str, errors: FieldErrors, *, required: bool) -> Any:
    if key not in body:
        if required:
            errors.add(key, "This field is required.")
        return MISSING
    try:
        return name_value(body[key])
    except Problem as problem:
        errors.add(key, problem.message)
        return MISSING


def clean_description(body: dict[str, Any], errors: FieldErrors, *, max_length: int) -> Any:
    if "description" not in body:
        return MISSING
    value = body["description"]
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add("description", "Not a valid string.")
        return MISSING
    if len(value) > max_length:
        errors.add("description", f"Longer than the maximum of {max_length} characters.")
        return MISSING
    return value


def clean_bool(body: dict[str, Any], key: str, errors: FieldErrors) -> Any:
    if key not in body:
        return MISSING
    value = body[key]
    if not isinstance(value, bool):
        errors.add(key, "Must be true or false.")
        return MISSING
    return value


def clean_roles(body: dict[str, Any], key: str, errors: FieldErrors, ctx: Context) -> Any:
    """A list of roles: built-in names (admin, superuser, user, restricteduser) or the ids of the
    organization's custom roles."""
    if key not in body:
        return MISSING
    try:
        return roles_value(ctx, body[key])
    except Problem as problem:
        errors.add(key, problem.message)
        return MISSING


def clean_choices(value: Any, errors: FieldErrors) -> list[str] | None:
    """The choices of a choices field: distinct, non-blank strings, at least one."""
    if not isinstance(value, list) or not value:
        errors.add("choices", "A choices field needs a non-empty list of choices.")
        return None
    if not all(isinstance(v, str) and v.strip() for v in value):
        errors.add("choices", "Each choice must be a non-blank string.")
        return None
    if len(set(value)) != len(value):
        errors.add("choices", "Each choice may appear only once.")
        return None
    return list(value)
