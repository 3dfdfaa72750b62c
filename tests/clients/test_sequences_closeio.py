"""Close's official Python client (`closeio`) with sequences and their subscriptions."""

from __future__ import annotations

from typing import Any

import pytest
from closeio_api import API, APIError

from tests.clients.live import bootstrap


@pytest.fixture
def account(database_url: str) -> dict[str, Any]:
    return bootstrap(database_url)


@pytest.fixture
def close(live_server: str, account: dict[str, Any]) -> API:
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_sequences_and_subscriptions(close: API) -> None:
    template = close.post(
        "email_template",
        {"name": "Intro", "subject": "Hi {{ contact.first_name }}", "body": "Hello", "is_shared": True},
    )
    sequence = close.post(
        "sequence",
        {
            "name": "Onboarding",
            "timezone": "Europe/Paris",
            "steps": [
                {"step_type": "email", "delay": 0, "email_template_id": template["id"]},
                {"step_type": "call", "delay": 86400},
            ],
        },
    )
    assert [s["step_type"] for s in sequence["steps"]] == ["email", "call"]
    # What export scripts read: the list by pages, then each sequence's counts.
    listed = close.get("sequence", params={"_fields": "id", "_skip": 0})
    assert listed == {"data": [{"id": sequence["id"]}], "has_more": False}
    lead = close.post(
        "lead", {"name": "Acme", "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]}
    )
    subscription = close.post(
        "sequence_subscription",
        {
            "sequence_id": sequence["id"],
            "contact_id": lead["contacts"][0]["id"],
            "sender_name": "Bob",
            "sender_email": "bob@example.com",
        },
    )
    assert subscription["status"] == "active"
    paused = close.put(f"sequence_subscription/{subscription['id']}", {"status": "paused"})
    assert (paused["status"], paused["pause_reason"]) == ("paused", "manual")
    # change_sequence_sender: the subscriptions of a sequence, then a new sender on each.
    page = close.get("sequence_subscription", params={"sequence_id": sequence["id"], "_skip": 0})
    (found,) = page["data"]
    moved = close.put(
        f"sequence_subscription/{found['id']}", {"sender_name": "Carol", "sender_email": "carol@example.com"}
    )
    assert (moved["sender_name"], moved["sender_email"]) == ("Carol", "carol@example.com")
    counts = close.get(f"sequence/{sequence['id']}")["subscription_counts_by_status"]
    assert (counts["active"], counts["paused"]) == (0, 1)
    with pytest.raises(APIError):
        close.get("sequence_subscription")
    with pytest.raises(APIError):
        close.delete(f"sequence/{sequence['id']}")
