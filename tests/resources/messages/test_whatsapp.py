"""WhatsApp messages (/activity/whatsapp_message/): required fields, markdown, the external id filter."""

from __future__ import annotations

from typing import Any

from tests.custom_data import contact, events_of, lead
from tests.resources.messages.helpers import uploaded
from tests.support import Api, validation_errors

Obj = dict[str, Any]


def _body(api: Api, **extra: Any) -> Obj:
    holder = lead(api)
    ann = contact(api, holder["id"])
    return {
        "lead_id": holder["id"],
        "contact_id": ann["id"],
        "direction": "incoming",
        "external_whatsapp_message_id": "wamid.1",
        "message_markdown": "*Hello* _there_, ~no~ <b>html</b>",
        "local_phone": "+14155550100",
        "remote_phone": "+14155550101",
        "activity_at": "2024-06-01T12:00:00Z",
        **extra,
    }


def test_a_message_has_closes_attributes(api: Api) -> None:
    photo = uploaded(api, "photo.jpg", "image/jpeg", b"jpeg!")
    body = _body(
        api,
        attachments=[{"url": photo, "filename": "photo.jpg", "content_type": "image/jpeg"}],
        integration_link="https://www.wa-bridge.example/m/1",
    )
    created: Obj = api.ok("POST", "activity/whatsapp_message/", json=body)
    assert created["_type"] == "WhatsAppMessage" and created["source"] == "api"
    assert (
        created["message_html"] == "<strong>Hello</strong> <em>there</em>, <s>no</s> &lt;b&gt;html&lt;/b&gt;"
    )
    assert created["text"] == "Hello there, no <b>html</b>"
    assert created["activity_at"] == "2024-06-01T12:00:00.000000+00:00"
    assert created["remote_phone_formatted"] == "+1 415-555-0101"
    assert created["integration_name"] == "wa-bridge.example"
    assert created["attachments"] == [
        {"url": photo, "filename": "photo.jpg", "content_type": "image/jpeg", "size": 5}
    ]
    assert api.ok("GET", f"activity/whatsapp_message/{created['id']}/") == created
    (event,) = events_of(api, created["id"])
    assert (event["object_type"], event["action"]) == ("activity.whatsapp_message", "created")
    listed = api.ok("GET", "activity/whatsapp_message/", params={"external_whatsapp_message_id": "wamid.1"})
    assert [m["id"] for m in listed["data"]] == [created["id"]]
    assert (
        api.ok("GET", "activity/whatsapp_message/", params={"external_whatsapp_message_id": "x"})["data"]
        == []
    )


def test_required_fields_and_bad_input_write_nothing(api: Api, make_api: Any) -> None:
    body = _body(api)
    for key in ("lead_id", "contact_id", "direction", "external_whatsapp_message_id", "message_markdown",
                "local_phone", "remote_phone", "activity_at"):  # fmt: skip
        missing = {k: v for k, v in body.items() if k != key}
        errors = validation_errors(api.post("activity/whatsapp_message/", json=missing))
        assert {"lead_id": "lead", "contact_id": "contact"}.get(key, key) in errors, (key, errors)
    theirs = lead(make_api())
    for bad, key in (
        ({"direction": "inbound"}, "direction"),
        ({"remote_phone": "nope"}, "remote_phone"),
        ({"integration_link": "ftp://x"}, "integration_link"),
        ({"response_to_id": "acti_nothing"}, "response_to_id"),
        ({"lead_id": theirs["id"]}, "lead"),
        ({"attachments": [{"url": "https://example.com/a.png", "filename": "a.png"}]}, "attachments"),
    ):
        errors = validation_errors(api.post("activity/whatsapp_message/", json={**body, **bad}))
        assert key in errors, (bad, errors)
    assert api.ok("GET", "activity/whatsapp_message/")["data"] == []


def test_updates_keep_the_lead_and_external_id(api: Api) -> None:
    body = _body(api)
    created: Obj = api.ok("POST", "activity/whatsapp_message/", json=body)
    # The external id names one message.
    again = validation_errors(api.post("activity/whatsapp_message/", json=body))
    assert again == {
        "external_whatsapp_message_id": "A WhatsApp message with this external id already exists."
    }
    url = f"activity/whatsapp_message/{created['id']}/"
    assert "external_whatsapp_message_id" in validation_errors(
        api.put(url, json={"external_whatsapp_message_id": "wamid.2"})
    )
    assert "lead" in validation_errors(api.put(url, json={"lead_id": lead(api, "Other")["id"]}))
    reply: Obj = api.ok(
        "POST",
        "activity/whatsapp_message/",
        json={**body, "external_whatsapp_message_id": "wamid.3", "response_to_id": created["id"]},
    )
    assert reply["response_to_id"] == created["id"]
    changed = api.ok("PUT", url, json={"message_markdown": "_edited_", "direction": "outgoing"})
    assert (changed["message_html"], changed["direction"]) == ("<em>edited</em>", "outgoing")
    assert [e["action"] for e in events_of(api, created["id"])] == ["created", "updated"]
    assert api.ok("DELETE", url) == {}
    assert [m["id"] for m in api.ok("GET", "activity/whatsapp_message/")["data"]] == [reply["id"]]
