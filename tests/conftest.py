"""Fixtures: one database per session (SQLite, or PostgreSQL when asked), a fresh
organization per test, and clients bound to it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.search.fulltext import forget_word_sums
from tests.support import (
    Api,
    Clock,
    migrated_engine,
    new_organization,
    requested_database_url,
    scratch_database,
)

# Every server the tests start compares each kept representation it answers with a fresh one
# (leadbase/db/kept.py): a test reading an object twice fails if the kept one is wrong.
os.environ.setdefault("LEADBASE_CHECK_KEPT_RENDERINGS", "true")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(requested_database_url(str(tmp_path_factory.mktemp("db")))) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    with migrated_engine(database_url) as engine:
        yield engine


@pytest.fixture(scope="session")
def client(
    database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    files = str(tmp_path_factory.mktemp("files"))
    app = create_app(Settings(database_url=database_url, rate_limit="off", files_dir=files))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def make_api(client: TestClient, engine: Engine) -> Callable[..., Api]:
    """Make an API client for a brand-new organization (or a new member of one)."""

    def make(**kwargs: object) -> Api:
        return Api(client, new_organization(engine, **kwargs))  # type: ignore[arg-type]

    return make


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    """An admin's client in a fresh organization: every test starts from a clean tenant."""
    return make_api()


@pytest.fixture(autouse=True)
def fresh_word_sums() -> None:
    """Each test chooses its searches' plans from the index as it stands (search/fulltext.py
    keeps a word start's sum some seconds; tests/search/test_full_text.py tests that)."""
    forget_word_sums()


@pytest.fixture
def clock() -> Iterator[Clock]:
    controller = Clock()
    try:
        yield controller
    finally:
        controller.release()
