from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, update

from leadbase.db.models import webhook_subscription
from leadbase.events.delivery import DeliverySettings
from leadbase.jobs.worker import Worker, WorkerSettings
from tests.resources.webhook.receiver import Receiver, running_receiver
from tests.support import Api


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


@pytest.fixture(autouse=True)
def _pause_other_subscriptions(engine: Engine) -> Iterator[None]:
    """Subscriptions of earlier tests point at receivers gone since: keep them out of the way."""
    yield
    with engine.begin() as conn:
        conn.execute(
            update(webhook_subscription)
            .where(webhook_subscription.c.status == "active")
            .values(status="paused", pause_reason="test")
        )


@pytest.fixture
def make_worker(engine: Engine) -> Callable[..., Worker]:
    made: list[Worker] = []

    def make(**delivery: Any) -> Worker:
        settings = WorkerSettings(delivery=DeliverySettings(**{"timeout_seconds": 2.0, **delivery}))
        worker = Worker(engine, settings)
        made.append(worker)
        return worker

    yield make  # type: ignore[misc]
    for worker in made:
        worker.sender.close()


def subscribe(api: Api, url: str, *events: str, **extra: Any) -> dict[str, Any]:
    pairs = [
        dict(zip(("object_type", "action"), e.split(":"), strict=True)) for e in events or ("lead:created",)
    ]
    body: dict[str, Any] = {"url": url, "events": pairs, **extra}
    made: dict[str, Any] = api.ok("POST", "webhook/", 201, json=body)
    return made
