"""The custom data workflow with Close's official client (`closeio`) against a live server:
1. create a custom object type; 2. give it fields, its own and a shared one; 3. create and
manage instances on a lead, and see them from the lead (reference fields, back references)."""

from __future__ import annotations

from typing import Any

import pytest
from closeio_api import API, ValidationError

from tests.clients.live import bootstrap


@pytest.fixture
def close(live_server: str, database_url: str) -> API:
    account = bootstrap(database_url)
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_custom_object_workflow(close: API) -> None:
    # 1. A custom object type.
    subscription = close.post(
        "custom_object_type",
        {"name": "Subscription", "name_plural": "Subscriptions", "description": "Paid plans"},
    )
    assert subscription["id"].startswith("cotype_")
    assert (subscription["fields"], subscription["back_reference_fields"]) == ([], [])

    # 2. Its own fields, and a shared field associated with it (and with leads).
    seats = close.post(
        "custom_field/custom_object_type/",
        {"custom_object_type_id": subscription["id"], "name": "Seats", "type": "number", "required": True},
    )
    plan = close.post(
        "custom_field/custom_object_type/",
        {
            "custom_object_type_id": subscription["id"],
            "name": "Plan",
            "type": "choices",
            "choices": ["Basic", "Pro"],
        },
    )
    # Scripts written for closeio often end paths with "/", which the client doubles.
    owner = close.post("custom_field/shared/", {"name": "Account owner", "type": "user"})
    association = close.post(
        f"custom_field/shared/{owner['id']}/association",
        {"object_type": "custom_object_type", "custom_object_type_id": subscription["id"], "required": False},
    )
    assert association["custom_object_type_id"] == subscription["id"]
    close.post(f"custom_field/shared/{owner['id']}/association", {"object_type": "lead"})
    schema = close.get(f"custom_field_schema/custom_object/{subscription['id']}")
    assert [(f["name"], f["is_shared"]) for f in schema["fields"]] == [
        ("Seats", False),
        ("Plan", False),
        ("Account owner", True),
    ]
    assert [f["id"] for f in close.get(f"custom_object_type/{subscription['id']}")["fields"]] == [
        seats["id"],
        plan["id"],
        owner["id"],
    ]

    # 3. Instances on a lead.
    me = close.get("me")
    lead = close.post("lead", {"name": "Acme"})
    with pytest.raises(ValidationError) as missing:
        close.post(
            "custom_object",
            {"custom_object_type_id": subscription["id"], "lead_id": lead["id"], "name": "Pro"},
        )
    assert missing.value.field_errors == {f"custom.{seats['id']}": "This field is required."}
    pro = close.post(
        "custom_object",
        {
            "custom_object_type_id": subscription["id"],
            "lead_id": lead["id"],
            "name": "Pro plan",
            f"custom.{seats['id']}": 25,
            f"custom.{plan['id']}": "Pro",
            f"custom.{owner['id']}": me["id"],
        },
    )
    basic = close.post(
        "custom_object",
        {
            "custom_object_type_id": subscription["id"],
            "lead_id": lead["id"],
            "name": "Basic plan",
            f"custom.{seats['id']}": 3,
        },
    )
    assert pro["id"].startswith("custobj_") and pro[f"custom.{seats['id']}"] == 25
    updated = close.put(f"custom_object/{basic['id']}", {f"custom.{plan['id']}": "Basic", "name": "Basic"})
    assert (updated["name"], updated[f"custom.{plan['id']}"]) == ("Basic", "Basic")
    with pytest.raises(ValidationError) as bad_choice:
        close.put(f"custom_object/{basic['id']}", {f"custom.{plan['id']}": "Gold"})
    assert f"custom.{plan['id']}" in bad_choice.value.field_errors
    listed = close.get("custom_object", params={"lead_id": lead["id"]})
    assert [o["id"] for o in listed["data"]] == [pro["id"], basic["id"]] and listed["has_more"] is False

    # ... seen from the lead: a reference field on leads, and the type's back references.
    main = close.post(
        "custom_fields/lead",
        {
            "name": "Main subscription",
            "type": "custom_object",
            "referenced_custom_type_id": subscription["id"],
        },
    )
    lead = close.put(
        f"lead/{lead['id']}", {f"custom.{main['id']}": pro["id"], f"custom.{owner['id']}": me["id"]}
    )
    assert lead[f"custom.{main['id']}"] == pro["id"]
    assert lead["custom"]["Main subscription"] == pro["id"]
    back = close.get(f"custom_object_type/{subscription['id']}")["back_reference_fields"]
    assert [(f["id"], f["object_type"]) for f in back] == [(main["id"], "lead")]
    lead_fields = close.get(
        f"organization/{me['organizations'][0]['id']}", params={"_fields": "lead_custom_fields"}
    )
    assert {f["name"] for f in lead_fields["lead_custom_fields"]} == {"Account owner", "Main subscription"}

    # Deleting the instance clears the lead's reference; every step is in the event log.
    assert close.delete(f"custom_object/{pro['id']}") == ""
    assert f"custom.{main['id']}" not in close.get(f"lead/{lead['id']}")
    events: list[dict[str, Any]] = close.get("event", params={"lead_id": lead["id"]})["data"]
    kinds = {(e["object_type"], e["action"]) for e in events}
    assert {("custom_object", "created"), ("custom_object", "updated"), ("custom_object", "deleted")} <= kinds
    assert ("lead", "updated") in kinds
    assert close.get("custom_object", params={"lead_id": lead["id"]})["data"][0]["id"] == basic["id"]
