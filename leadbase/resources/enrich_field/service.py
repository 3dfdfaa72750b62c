"""POST /enrich_field/: fill one custom field of a lead or contact from the configured provider.

Three steps, so that no transaction stays open while a provider thinks (on SQLite a writer
holds the database's write lock): read and check the request, ask the provider, then write the
value through the object's own service (its permissions, the field's `editable_with_roles`, the
field type's checks, and the object's `updated` event) in a transaction of its own. The write
looks at the value again, so a value set meanwhile is not overwritten unless asked.

Without a configured provider the answer is a 400 saying so: leadbase invents no values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadbase.core.errors import BadRequest, FieldErrors, Invalid, LeadbaseError, NotFound
from leadbase.custom_fields.definitions import FieldDefinition, org_definitions
from leadbase.custom_fields.types import ValueProblem, WriteEnv, field_type
from leadbase.custom_fields.values import custom_values, is_unset, readable
from leadbase.db.context import Context
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.resources.enrich_field.provider import (
    Enrichment,
    EnrichmentFailed,
    EnrichmentProvider,
    EnrichmentRequest,
    FieldToEnrich,
)

OBJECT_TYPES = ("lead", "contact")
# Close enriches text, number, date and choice fields; references (users, contacts, custom
# objects) name objects a provider cannot know, so they are refused.
ENRICHABLE = ("text", "textarea", "hidden", "number", "date", "datetime", "choices")
NO_PROVIDER = (
    "AI field enrichment is not available: this leadbase server has no enrichment provider configured "
    "(set LEADBASE_ENRICHMENT_PROVIDER to the import path of one)."
)


class ProviderFailed(LeadbaseError):
    """The provider failed or answered something the field cannot hold: not the caller's fault."""

    status_code = 502


@dataclass(frozen=True)
class Ask:
    """A checked request: what to ask the provider and what to do with its answer."""

    spec: ResourceSpec
    object_id: str
    definition: FieldDefinition
    request: EnrichmentRequest
    set_new_value: bool
    overwrite: bool


def _flag(body: dict[str, Any], name: str, default: bool, errors: FieldErrors) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(name, "Must be true or false.")
        return default
    return value


def _text(body: dict[str, Any], name: str, errors: FieldErrors) -> str:
    value = body.get(name)
    if value is None or value == "":
        errors.add(name, "This field is required.")
        return ""
    if not isinstance(value, str):
        errors.add(name, "Not a valid string.")
        return ""
    return value


def prepare(ctx: Context, body: dict[str, Any]) -> Ask:
    """Check the body, the object and the field; read what the provider is to be told."""
    errors = FieldErrors()
    organization_id = _text(body, "organization_id", errors)
    object_type = _text(body, "object_type", errors)
    if object_type and object_type not in OBJECT_TYPES:
        errors.add("object_type", "Not a valid choice: use lead or contact.")
    object_id = _text(body, "object_id", errors)
    field_id = _text(body, "field_id", errors)
    set_new_value = _flag(body, "set_new_value", True, errors)
    overwrite = _flag(body, "overwrite_existing_value", False, errors)
    errors.raise_if_any()
    if organization_id != ctx.organization_id:
        raise NotFound.for_model("Organization")
    spec = resources.get(object_type)
    service = spec.service(ctx, spec)
    row = service.get(object_id)
    definition = custom_values(ctx, object_type).by_id.get(field_id)
    if definition is None:
        raise Invalid.field("field_id", f"No custom field of {object_type}s has the id {field_id}.")
    if definition.type not in ENRICHABLE:
        raise Invalid.field(
            "field_id",
            f"Fields of type {definition.type} cannot be enriched: use text, number, date or choices.",
        )
    described = org_definitions(ctx).rows.get(field_id, {})
    return Ask(
        spec=spec,
        object_id=object_id,
        definition=definition,
        request=EnrichmentRequest(
            organization_id=ctx.organization_id,
            object_type=object_type,
            object_id=object_id,
            data=service.render_one(row),
            field=FieldToEnrich(
                id=definition.id,
                name=definition.name,
                type=definition.type,
                description=described.get("description"),
                choices=definition.choices,
                accepts_multiple_values=definition.accepts_multiple_values,
            ),
            current_value=_current(definition, row),
        ),
        set_new_value=set_new_value,
        overwrite=overwrite,
    )


def _current(definition: FieldDefinition, row: Row) -> Any:
    return readable(definition, (row.get("custom") or {}).get(definition.id))


def ask(provider: EnrichmentProvider | None, question: Ask) -> Enrichment:
    """The provider's answer, its value in the form the field holds (None: nothing found)."""
    if provider is None:
        raise BadRequest(NO_PROVIDER)
    try:
        answer = provider.enrich(question.request)
    except EnrichmentFailed as exc:
        raise ProviderFailed(f"The enrichment provider could not enrich the field: {exc}") from exc
    except Exception as exc:  # a provider is third-party code: its failure is a 502, never a 500
        raise ProviderFailed(f"The enrichment provider failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, Enrichment):
        raise ProviderFailed("The enrichment provider answered something that is not an Enrichment.")
    definition = question.definition
    if is_unset(answer.value):
        return Enrichment(None, answer.confidence, answer.reasoning)
    try:
        if isinstance(answer.value, list) and not definition.accepts_multiple_values:
            raise ValueProblem("This field accepts only one value.")
        values = answer.value if isinstance(answer.value, list) else [answer.value]
        stored = field_type(definition.type).clean(definition, values, WriteEnv())
    except ValueProblem as problem:
        raise ProviderFailed(
            f'The enrichment provider answered a value the field "{definition.name}" cannot hold: '
            f"{problem.message}"
        ) from problem
    held = list(dict.fromkeys(stored)) if definition.accepts_multiple_values else stored[0]
    return Enrichment(readable(definition, held), answer.confidence, answer.reasoning)


def save(ctx: Context, question: Ask, found: Enrichment) -> None:
    """Write the found value when asked to, and when the field is empty or may be overwritten."""
    if not question.set_new_value or found.value is None:
        return
    service = question.spec.service(ctx, question.spec)
    row = service.get(question.object_id)
    if _current(question.definition, row) is not None and not question.overwrite:
        return
    service.update(row, {f"custom.{question.definition.id}": found.value})


def answer_of(question: Ask, found: Enrichment) -> dict[str, Any]:
    request = question.request
    return {
        "organization_id": request.organization_id,
        "object_type": request.object_type,
        "object_id": request.object_id,
        "field_id": request.field.id,
        "value": found.value,
        "confidence": found.confidence,
        "reasoning": found.reasoning,
    }
