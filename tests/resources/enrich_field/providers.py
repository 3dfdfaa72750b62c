"""Deterministic enrichment providers for the tests: no network, no model, answers derived from
the request alone (leadbase itself ships none)."""

from __future__ import annotations

from typing import Any

from leadbase.resources.enrich_field.provider import Enrichment, EnrichmentFailed, EnrichmentRequest


class EchoProvider:
    """Answers from the object's name: a text field gets "<kind> of <name>", a number its length,
    a date a fixed day, a choices field its first choice (all of them when it takes several)."""

    def __init__(self) -> None:
        self.requests: list[EnrichmentRequest] = []

    def enrich(self, request: EnrichmentRequest) -> Enrichment:
        self.requests.append(request)
        field = request.field
        name = str(request.data.get("name") or request.data.get("display_name") or "")
        value: Any
        if field.type == "number":
            value = len(name)
        elif field.type == "date":
            value = "2024-02-29"
        elif field.type == "choices":
            value = list(field.choices) if field.accepts_multiple_values else field.choices[0]
        else:
            value = f"{field.name} of {name}"
        return Enrichment(
            value=value, confidence="high", reasoning=f"Derived from {request.object_type} {name}."
        )


class FixedProvider:
    """Always answers the same value (set per test); `None` means it found nothing."""

    value: Any = None

    def enrich(self, request: EnrichmentRequest) -> Enrichment:
        return Enrichment(value=self.value, confidence="low", reasoning=None)


class FailingProvider:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or EnrichmentFailed("the model is down")

    def enrich(self, request: EnrichmentRequest) -> Enrichment:
        raise self.error


def make_echo() -> EchoProvider:
    """A factory function, as a setting may name one."""
    return EchoProvider()
