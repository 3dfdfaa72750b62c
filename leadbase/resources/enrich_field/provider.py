"""The pluggable side of AI field enrichment: what a provider is given, what it answers, and how the
one named by the `enrichment_provider` setting (`LEADBASE_ENRICHMENT_PROVIDER`) is loaded.

leadbase ships no provider: it invents no data. A deployment names its own with an import path,
`package.module:attribute` (or `package.module.attribute`), where the attribute is an object with
an `enrich` method, or a class or function that makes one when called without arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class FieldToEnrich:
    """The custom field to fill: what a model needs to know to answer in its terms."""

    id: str
    name: str
    # Close's field type: text, number, date, datetime, choices...
    type: str
    # The field's description, which Close's app offers as the field's enrichment guidance.
    description: str | None
    choices: tuple[str, ...] = ()
    accepts_multiple_values: bool = False


@dataclass(frozen=True)
class EnrichmentRequest:
    organization_id: str
    # "lead" or "contact".
    object_type: str
    object_id: str
    # The object as the API shows it (a lead with its contacts, a contact with its lead_id...).
    data: dict[str, Any]
    field: FieldToEnrich
    # The value the object holds now (None when it holds none).
    current_value: Any


@dataclass(frozen=True)
class Enrichment:
    """A provider's answer. `value` None means it found nothing (nothing is written)."""

    value: Any
    confidence: str | None = None
    reasoning: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class EnrichmentProvider(Protocol):
    def enrich(self, request: EnrichmentRequest) -> Enrichment:
        """The field's value for this object. Raise `EnrichmentFailed` when it cannot tell;
        any other exception is reported the same way (as a 502 naming the provider's message)."""
        ...


class EnrichmentFailed(Exception):
    """The provider could not enrich the field (its service is down, it refused...)."""


def load_provider(path: str | None) -> EnrichmentProvider | None:
    """The provider an import path names; None when none is configured. Fails at start, not on the
    first request, when the path names nothing usable."""
    if path is None or not path.strip():
        return None
    module_name, sep, attribute = path.strip().partition(":")
    if not sep:
        module_name, _, attribute = module_name.rpartition(".")
    if not module_name or not attribute:
        raise ValueError(f"enrichment_provider {path!r}: use package.module:attribute")
    target: Any = getattr(import_module(module_name), attribute)
    provider = target if isinstance(target, EnrichmentProvider) and not isinstance(target, type) else target()
    if not isinstance(provider, EnrichmentProvider):
        raise ValueError(f"enrichment_provider {path!r} has no enrich(request) method")
    return provider
