from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conformance.factories import World
from tests.support import Api


@pytest.fixture
def world(api: Api, make_api: Callable[..., Api]) -> World:
    return World(api, make_api)


@pytest.fixture
def other_world(make_api: Callable[..., Api]) -> World:
    """A second, unrelated organization."""
    return World(make_api(), make_api)
