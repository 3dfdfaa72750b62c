from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from leadbase.api.auth import KeyResolver
from leadbase.db.models import event
from leadbase.jobs.worker import Worker
from leadbase.resources.bulk import load
from tests.support import Api

LEADS_QUERY: dict[str, Any] = {"type": "object_type", "object_type": "lead"}


def leads_named(prefix: str) -> dict[str, Any]:
    """An s_query: the leads whose name starts with `prefix`."""
    return {
        "type": "and",
        "queries": [
            LEADS_QUERY,
            {
                "type": "field_condition",
                "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
                "condition": {"type": "text", "mode": "beginning_of_words", "value": prefix},
            },
        ],
    }


def load_leads(api: Api, engine: Engine, bodies: list[dict[str, Any]]) -> None:
    """Leads through the bulk loader: thousands in a few statements."""
    actor = KeyResolver(engine, 0).resolve(api.org.api_key)
    load(engine, actor, "lead", bodies, batch_size=1000)


def run_jobs(engine: Engine) -> None:
    """Run the worker until nothing is due: the bulk action's job, then webhook deliveries."""
    worker = Worker(engine)
    try:
        worker.run_until_idle(limit=10_000)
    finally:
        worker.sender.close()


def count_events(engine: Engine, organization_id: str, object_type: str, action: str) -> int:
    e = event
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(e)
                .where(
                    e.c.organization_id == organization_id,
                    e.c.object_type == object_type,
                    e.c.action == action,
                )
            ).scalar_one()
        )


@pytest.fixture
def jobs(engine: Engine) -> Callable[[], None]:
    return lambda: run_jobs(engine)
