"""Close's official Python client (`closeio` from PyPI) against a live leadbase server."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from closeio_api import API, APIError, ValidationError

from tests.clients.live import bootstrap

# The client's own pattern for the RateLimit header (closeio 2.1).
CLIENT_RATELIMIT = re.compile(r"limit=(\d+), remaining=(\d+), reset=(\d+)")


@pytest.fixture
def account(database_url: str) -> dict[str, Any]:
    return bootstrap(database_url)


@pytest.fixture
def close(live_server: str, account: dict[str, Any]) -> API:
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_bootstrap_key_works_with_the_client(close: API, account: dict[str, Any], database_url: str) -> None:
    me = close.get("me")
    assert me["id"] == account["user_id"]
    assert me["organizations"][0]["id"] == account["organization_id"]
    assert close.get("api_key")["data"][0]["organization_id"] == account["organization_id"]
    # A second bootstrap of the same organization and email gives the same ids and a new key.
    again = bootstrap(database_url, organization=me["organizations"][0]["name"], email=me["email"])
    assert (again["organization_id"], again["user_id"]) == (account["organization_id"], account["user_id"])
    assert again["api_key"] != account["api_key"]
    assert API(base_url=close.base_url, api_key=again["api_key"]).get("me")["id"] == me["id"]


def test_leads_create_read_update_delete(close: API) -> None:
    lead = close.post(
        "lead",
        {
            "name": "Acme",
            "status": "Potential",
            "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.example", "type": "office"}]}],
        },
    )
    assert lead["id"].startswith("lead_") and lead["status_label"] == "Potential"
    assert close.get(f"lead/{lead['id']}") == lead
    updated = close.put(f"lead/{lead['id']}", {"status": "Qualified", "description": "hot"})
    assert (updated["status_label"], updated["description"], updated["name"]) == ("Qualified", "hot", "Acme")
    assert close.get(f"lead/{lead['id']}", params={"_fields": "id,status_label"}) == {
        "id": lead["id"],
        "status_label": "Qualified",
    }
    assert close.delete(f"lead/{lead['id']}") == {}
    with pytest.raises(APIError) as raised:
        close.get(f"lead/{lead['id']}")
    assert raised.value.response.status_code == 404
    with pytest.raises(APIError):
        close.get(f"contact/{lead['contacts'][0]['id']}")


def test_contacts_create_read_update_delete(close: API) -> None:
    lead = close.post("lead", {"name": "Contacts Inc"})
    contact = close.post(
        "contact",
        {"lead_id": lead["id"], "name": "Bob", "phones": [{"phone": "8004445555", "type": "office"}]},
    )
    assert contact["phones"][0]["phone"] == "+18004445555"
    assert close.get(f"lead/{lead['id']}")["contact_ids"] == [contact["id"]]
    updated = close.put(
        f"contact/{contact['id']}", {"emails": [{"email": "bob@example.com"}], "title": "CFO"}
    )
    assert [e["email"] for e in updated["emails"]] == ["bob@example.com"]
    assert updated["phones"] == contact["phones"] and updated["title"] == "CFO"
    assert close.get(f"contact/{contact['id']}") == updated
    listed = close.get("contact", params={"lead_id": lead["id"]})
    assert [c["id"] for c in listed["data"]] == [contact["id"]] and listed["has_more"] is False
    assert close.delete(f"contact/{contact['id']}") == {}
    assert close.get(f"lead/{lead['id']}")["contact_ids"] == []


def test_paging_with_skip_and_limit_until_has_more_is_false(close: API) -> None:
    created = [close.post("lead", {"name": f"Paged {n}"})["id"] for n in range(7)]
    seen: list[str] = []
    skip, pages = 0, 0
    while True:
        page = close.get("lead", params={"_skip": skip, "_limit": 3, "_fields": "id"})
        assert page["total_results"] == 7
        seen.extend(lead["id"] for lead in page["data"])
        skip += len(page["data"])
        pages += 1
        if not page["has_more"]:
            break
    assert pages == 3
    assert seen == created


def test_validation_errors_raise_validation_error(close: API) -> None:
    with pytest.raises(ValidationError) as raised:
        close.post("lead", {"name": "Bad", "status": "No Such Status"})
    assert raised.value.errors == []
    assert set(raised.value.field_errors) == {"status"}
    with pytest.raises(ValidationError) as raised:
        close.post("contact", {"lead_id": "lead_doesnotexist", "name": "Nobody"})
    assert raised.value.field_errors == {"lead": "Object does not exist."}
    with pytest.raises(ValidationError) as raised:
        close.get("lead", params={"_limit": "lots"})
    assert "_limit" in raised.value.field_errors
    assert close.get("lead")["data"] == []


def test_not_found_raises_api_error(close: API) -> None:
    with pytest.raises(APIError) as raised:
        close.get("lead/lead_doesnotexist")
    assert not isinstance(raised.value, ValidationError)
    assert raised.value.response.status_code == 404
    assert raised.value.response.json() == {"error": "Empty query: Lead matching query does not exist."}


def test_doubled_slashes_from_the_client_still_route(close: API) -> None:
    # api.get("status/lead/") requests /api/v1/status/lead//, as close-api-scripts do.
    labels = [s["label"] for s in close.get("status/lead/")["data"]]
    assert labels == ["Potential", "Bad Fit", "Qualified", "Customer"]


def test_walking_the_event_log_with_cursors(close: API) -> None:
    lead = close.post("lead", {"name": "Logged", "contacts": [{"name": "A"}, {"name": "B"}]})
    close.put(f"lead/{lead['id']}", {"name": "Logged again"})
    close.post("contact", {"lead_id": lead["id"], "name": "C"})
    events: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = close.get("event", params={"lead_id": lead["id"], "_limit": 2, "_cursor": cursor})
        assert "cursor_next" in page
        for event in page["data"]:
            assert "data" in event and "previous_data" in event
        events.extend(page["data"])
        cursor = page["cursor_next"]
        if not cursor:
            break
    assert len(events) == 7
    assert sorted((e["object_type"], e["action"]) for e in events) == [
        ("activity.created", "created"),
        ("contact", "created"),
        ("contact", "created"),
        ("contact", "created"),
        ("lead", "created"),
        ("lead", "updated"),
        ("lead", "updated"),
    ]
    created_request = next(e for e in events if e["object_type"] == "lead" and e["action"] == "created")
    same_request = close.get("event", params={"request_id": created_request["request_id"]})["data"]
    assert len(same_request) == 4  # the lead, its two contacts, its Created activity


def test_a_burst_rides_through_rate_limits(rate_limited_server: str, database_url: str) -> None:
    account = bootstrap(database_url)
    close = API(base_url=rate_limited_server + "/api/v1/", api_key=account["api_key"], max_retries=5)
    statuses: list[int] = []

    def record(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        statuses.append(response.status_code)
        if response.status_code == 429:
            # What the client reads to decide how long to sleep.
            assert CLIENT_RATELIMIT.match(response.headers["RateLimit"])
            assert int(response.headers["Retry-After"]) >= 1

    close.session.hooks["response"].append(record)
    # Keep writing until the limit has bitten twice (a slow machine just needs more requests);
    # every call must still come back with its object.
    created: list[str] = []
    while statuses.count(429) < 2:
        assert len(created) < 200, "two hundred requests at 3 per second were never limited"
        lead = close.post("lead", {"name": f"Burst {len(created)}"})
        assert lead["name"] == f"Burst {len(created)}"
        created.append(lead["id"])
    for lead_id in created[-4:]:
        assert close.get(f"lead/{lead_id}")["id"] == lead_id
    assert statuses.count(200) == len(created) + 4
    assert set(statuses) == {200, 429}
    listed = close.get("lead", params={"_limit": 200})
    assert sorted(lead["id"] for lead in listed["data"]) == sorted(created)
