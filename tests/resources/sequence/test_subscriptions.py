"""/sequence_subscription/: who may be subscribed, with which sender, lists, changes, and the
`subscribe` function other code (bulk enrollment) calls."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadbase.core.errors import Invalid
from leadbase.db.context import Actor, Context
from leadbase.resources.sequence.subscriptions import subscribe as subscribe_contact
from tests.api.test_openapi import CLOSE_OPERATIONS, served_operations
from tests.resources.sequence.helpers import email_template, lead_with_contact, new_sequence, subscribe
from tests.support import Api, error_of, validation_errors


def _email_sequence(api: Api, **extra: object) -> dict[str, object]:
    return new_sequence(
        api, [{"step_type": "email", "delay": 3600, "email_template_id": email_template(api)["id"]}], **extra
    )


def test_subscribe_read_and_list(api: Api) -> None:
    sequence = _email_sequence(api)
    lead, contact = lead_with_contact(api)
    response = api.post(
        "sequence_subscription/",
        json={
            "sequence_id": sequence["id"],
            "contact_id": contact["id"],
            "sender_name": "Bob Seller",
            "sender_email": "Bob@Example.com",
            "calls_assigned_to": [api.org.user_id],
        },
    )
    assert response.status_code == 201
    made = response.json()
    assert set(made) >= {
        "id", "sequence_id", "contact_id", "lead_id", "contact_email", "sender_account_id", "sender_name",
        "sender_email", "calls_assigned_to", "status", "status_reason", "pause_reason", "start_date",
        "organization_id", "created_by_id", "updated_by_id", "date_created", "date_updated",
    }  # fmt: skip
    assert (made["lead_id"], made["contact_email"], made["sender_email"]) == (
        lead["id"],
        "ann@acme.test",
        "Bob@example.com",
    )
    assert made["created_by_id"] == api.org.user_id and made["sender_account_id"] is None
    assert api.ok("GET", f"sequence_subscription/{made['id']}/") == made
    for key in ("sequence_id", "contact_id", "lead_id"):
        listed = api.ok("GET", "sequence_subscription/", params={key: made[key]})
        assert listed == {"data": [made], "has_more": False}
    assert (
        api.ok("GET", "sequence_subscription/", params={"lead_id": lead["id"], "status": "paused"})["data"]
        == []
    )
    response = api.get("sequence_subscription/")
    assert response.status_code == 400
    assert response.json()["errors"] == ["At least one of sequence_id, contact_id or lead_id is required."]
    (created,) = api.events(object_id=made["id"])
    assert (created["action"], created["object_type"], created["lead_id"]) == (
        "created",
        "sequence_subscription",
        lead["id"],
    )
    assert api.delete(f"sequence_subscription/{made['id']}/").status_code in (404, 405)


def test_who_may_be_subscribed(api: Api) -> None:
    sequence = _email_sequence(api)
    _lead, contact = lead_with_contact(api)
    errors = validation_errors(api.post("sequence_subscription/", json={}))
    assert set(errors) == {"sequence_id", "contact_id"}
    errors = validation_errors(
        api.post(
            "sequence_subscription/",
            json={
                "sequence_id": sequence["id"],
                "contact_id": contact["id"],
                "contact_email": "eve@example.com",
            },
        )
    )
    assert set(errors) == {"contact_email", "sender_email"}
    no_email = api.ok("POST", "contact/", json={"lead_id": _lead["id"], "name": "Cal"})
    errors = validation_errors(
        api.post(
            "sequence_subscription/",
            json={
                "sequence_id": sequence["id"],
                "contact_id": no_email["id"],
                "sender_email": "bob@example.com",
            },
        )
    )
    assert set(errors) == {"contact_email"}
    subscribe(api, sequence, contact)
    response = api.post(
        "sequence_subscription/",
        json={"sequence_id": sequence["id"], "contact_id": contact["id"], "sender_email": "bob@example.com"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == ["This contact is already subscribed to this workflow."]
    paused = _email_sequence(api, status="paused")
    closed = _email_sequence(api, allow_manual_enrollment=False)
    for refused in (paused, closed):
        errors = validation_errors(
            api.post(
                "sequence_subscription/",
                json={
                    "sequence_id": refused["id"],
                    "contact_id": contact["id"],
                    "sender_email": "b@example.com",
                },
            )
        )
        assert set(errors) == {"sequence_id"}
    assert (
        api.ok("GET", "sequence_subscription/", params={"contact_id": contact["id"]})["data"][0][
            "sequence_id"
        ]
        == (sequence["id"])
    )


def test_changing_the_sender_and_the_status(api: Api) -> None:
    sequence = _email_sequence(api)
    _lead, contact = lead_with_contact(api)
    made = subscribe(api, sequence, contact)
    url = f"sequence_subscription/{made['id']}/"
    changed = api.ok(
        "PUT",
        url,
        json={"sender_name": "Carol", "sender_email": "carol@example.com", "sequence_id": "seq_other"},
    )
    assert (changed["sender_name"], changed["sender_email"], changed["sequence_id"]) == (
        "Carol",
        "carol@example.com",
        sequence["id"],
    )
    errors = validation_errors(api.put(url, json={"status": "goal", "calls_assigned_to": ["user_nobody"]}))
    assert set(errors) == {"status", "calls_assigned_to"}
    errors = validation_errors(api.put(url, json={"sender_account_id": "emailacct_nope"}))
    assert set(errors) == {"sender_account_id"}
    assert api.ok("GET", url) == changed
    finished = api.ok("PUT", url, json={"status": "finished"})
    assert (finished["status"], finished["status_reason"]) == ("finished", "manual")
    (updated, *_rest) = api.events(object_id=made["id"])
    assert {"status", "status_reason"} <= set(updated["changed_fields"])
    assert updated["previous_data"]["status"] == "active"


def test_other_organizations_see_no_subscription(api: Api, make_api: Callable[..., Api]) -> None:
    sequence = _email_sequence(api)
    _lead, contact = lead_with_contact(api)
    made = subscribe(api, sequence, contact)
    stranger = make_api()
    error_of(stranger.get(f"sequence_subscription/{made['id']}/"), 404)
    error_of(stranger.put(f"sequence_subscription/{made['id']}/", json={"status": "paused"}), 404)
    assert stranger.ok("GET", "sequence_subscription/", params={"sequence_id": sequence["id"]})["data"] == []
    assert api.ok("GET", f"sequence_subscription/{made['id']}/")["status"] == "active"


def test_the_subscribe_function_answers_as_the_endpoint(api: Api) -> None:
    sequence = _email_sequence(api)
    _lead, contact = lead_with_contact(api)
    org = api.org
    actor = Actor(org.organization_id, org.user_id, None, "admin")
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            made = subscribe_contact(
                Context(conn=conn, actor=actor),
                sequence_id=str(sequence["id"]),
                contact_id=contact["id"],
                sender_name="Bob",
                sender_email="bob@example.com",
            )
    assert api.ok("GET", f"sequence_subscription/{made['id']}/") == made
    assert [e["action"] for e in api.events(object_id=made["id"])] == ["created"]
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin(), pytest.raises(Invalid) as raised:
            subscribe_contact(
                Context(conn=conn, actor=actor),
                sequence_id=str(sequence["id"]),
                contact_id=contact["id"],
                sender_email="bob@example.com",
            )
    assert raised.value.errors == ["This contact is already subscribed to this workflow."]


def test_the_nine_operations_of_closes_openapi_are_served(api: Api) -> None:
    sequence_ops = {
        op
        for op in CLOSE_OPERATIONS
        if op.split(" ")[1].startswith(("/sequence/", "/sequence_subscription/"))
    }
    assert len(sequence_ops) == 9
    assert sequence_ops <= served_operations(api)
