"""The registered resources, as pytest parameters: resources added later are covered too."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.api.endpoint import Endpoint, endpoints
from leadbase.db.resource import ResourceSpec
from leadbase.resources import load_all

load_all()

# Each parameter is an Endpoint: its HTTP facts, and its ResourceSpec's storage facts read through.
ALL: list[Endpoint] = sorted(endpoints, key=lambda endpoint: endpoint.path)


def with_verbs(*verbs: str) -> list[Any]:
    """One parameter per registered resource that has all of `verbs`."""
    return [pytest.param(spec, id=spec.path) for spec in ALL if set(verbs) <= spec.verbs]


def logged_with_verbs(*verbs: str) -> list[Any]:
    """Like with_verbs, for resources whose changes go to the event log."""
    return [
        pytest.param(spec, id=spec.path)
        for spec in ALL
        if set(verbs) <= spec.verbs and spec.object_type is not None
    ]


def object_id_of(spec: ResourceSpec) -> str:
    """An id of the right shape that names nothing."""
    from leadbase.core.ids import new_id

    return new_id(spec.id_prefix, spec.id_length)
