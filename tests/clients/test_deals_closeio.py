"""Pipelines and opportunities with Close's official client (`closeio`) against a live server:
a pipeline with its statuses, an opportunity moved through won, and the lead that shows it."""

from __future__ import annotations

import pytest
from closeio_api import API, ValidationError

from tests.clients.live import bootstrap


@pytest.fixture
def close(live_server: str, database_url: str) -> API:
    account = bootstrap(database_url)
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_a_deal_through_a_new_pipeline_to_won(close: API) -> None:
    pipeline = close.post("pipeline", {"name": "Enterprise"})
    assert pipeline["id"].startswith("pipe_") and pipeline["statuses"] == []
    labels = (("Discovery", "active"), ("Proposal", "active"), ("Closed won", "won"), ("Closed lost", "lost"))
    statuses = {
        label: close.post("status/opportunity", {"label": label, "type": kind, "pipeline_id": pipeline["id"]})
        for label, kind in labels
    }
    listed = close.get(f"pipeline/{pipeline['id']}")["statuses"]
    assert [(s["label"], s["type"]) for s in listed] == list(labels)

    lead = close.post("lead", {"name": "Globex", "contacts": [{"name": "Hank"}]})
    deal = close.post(
        "opportunity",
        {
            "lead_id": lead["id"],
            "pipeline_id": pipeline["id"],
            "contact_id": lead["contacts"][0]["id"],
            "value": 2500000,
            "value_period": "annual",
            "confidence": 40,
            "note": "Three-year deal",
        },
    )
    assert (deal["status_label"], deal["pipeline_name"], deal["contact_name"]) == (
        "Discovery",
        "Enterprise",
        "Hank",
    )
    assert (deal["value_formatted"], deal["expected_value"]) == ("$25,000 annually", 1000000)

    with pytest.raises(ValidationError):
        close.put(f"opportunity/{deal['id']}", {"confidence": 140})

    proposal = close.put(
        f"opportunity/{deal['id']}", {"status_id": statuses["Proposal"]["id"], "confidence": 70}
    )
    assert (proposal["status_type"], proposal["date_won"]) == ("active", None)
    won = close.put(
        f"opportunity/{deal['id']}", {"status_id": statuses["Closed won"]["id"], "confidence": 100}
    )
    assert won["status_type"] == "won" and won["date_won"] is not None

    page = close.get("opportunity", params={"status_type": "won", "_limit": 10})
    assert [o["id"] for o in page["data"]] == [deal["id"]]
    assert page["total_results"] == 1 and page["total_value_annual"] == 2500000

    shown = close.get(f"lead/{lead['id']}")
    assert [(o["id"], o["status_label"], o["date_won"]) for o in shown["opportunities"]] == [
        (deal["id"], "Closed won", won["date_won"])
    ]
    organization = close.get(f"organization/{lead['organization_id']}")
    assert [p["name"] for p in organization["pipelines"]] == ["Sales", "Enterprise"]

    # A status still in use stays; emptied of its statuses, the pipeline can go.
    with pytest.raises(ValidationError):
        close.delete(f"status/opportunity/{statuses['Closed won']['id']}")
    close.delete(f"lead/{lead['id']}")
    for status in statuses.values():
        close.delete(f"status/opportunity/{status['id']}")
    close.delete(f"pipeline/{pipeline['id']}")
    assert [p["name"] for p in close.get("pipeline")["data"]] == ["Sales"]
