"""How a resource is served over HTTP: the endpoint declaration, apart from its storage.

`ResourceSpec` (db/) says what a resource stores, how it relates to others and what its
fields are; an `Endpoint` says which of the standard verbs Close serves for it, with which
status codes, and how its lists page. The generic routes are built from endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadbase.core.registry import Registry
from leadbase.db.resource import ResourceSpec

ALL_VERBS = frozenset({"list", "create", "get", "update", "delete"})


@dataclass(frozen=True)
class Endpoint:
    """The HTTP side of one resource: list, create, get, update and delete, as switched on by `verbs`."""

    spec: ResourceSpec
    verbs: frozenset[str] = ALL_VERBS
    create_status: int = 200
    # Close answers most deletes with 200 {}; newer resources with 204 and no body.
    delete_status: int = 200
    default_limit: int = 100
    max_limit: int = 200
    total_results: bool = False
    has_more: bool = True
    tag: str = ""
    summary_name: str = ""
    # The plural in summaries ("List Activities"); the name and an "s" when empty.
    summary_plural: str = ""
    # OpenAPI parameters of list filters a service reads itself (`list_filter`), to describe them.
    list_parameters: tuple[dict[str, Any], ...] = ()

    def __getattr__(self, name: str) -> Any:
        # The storage facts (path, model_name, filters...) read through to the spec.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.spec, name)


endpoints: Registry[Endpoint] = Registry("endpoint")


def expose(spec: ResourceSpec, **http: Any) -> Endpoint:
    """Serve a registered resource at its path with the standard routes."""
    return endpoints.add(spec.path, Endpoint(spec, **http))
