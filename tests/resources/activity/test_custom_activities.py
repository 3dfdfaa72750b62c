"""Custom activities (/activity/custom/): drafts and published ones, required fields, filters, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.custom_data import activity_type, contact, events_of, field, key, lead
from tests.support import Api, error_of, validation_errors


def _post(api: Api, **body: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("POST", "activity/custom/", json=body)
    return created


def test_create_has_closes_attributes(api: Api) -> None:
    visit = activity_type(api)
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    holder = lead(api)
    created = _post(api, custom_activity_type_id=visit["id"], lead_id=holder["id"], **{key(outcome): "Won"})
    assert created["id"].startswith("acti_") and len(created["id"]) == len("acti_") + 43
    assert created["_type"] == "CustomActivity"
    assert created["status"] == "published"
    assert created["last_published_at"] is not None
    assert created["activity_at"] == created["date_created"]
    assert created["user_id"] == api.org.user_id and created["user_name"]
    assert (created["pinned"], created["pinned_at"], created["source"]) == (False, None, "api")
    assert (created["mentions"], created["users"], created["contact_id"]) == ([], [], None)
    assert created[key(outcome)] == "Won"
    assert api.ok("GET", f"activity/custom/{created['id']}/") == created
    event = events_of(api, created["id"])[0]
    assert (event["object_type"], event["action"], event["lead_id"]) == (
        "activity.custom_activity",
        "created",
        holder["id"],
    )


def test_required_fields_are_checked_when_published_only(api: Api) -> None:
    visit = activity_type(api)
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"], required=True)
    holder = lead(api)
    body = {"custom_activity_type_id": visit["id"], "lead_id": holder["id"]}
    assert validation_errors(api.post("activity/custom/", json=body)) == {
        key(outcome): "This field is required."
    }
    draft = _post(api, **body, status="draft")
    assert draft["status"] == "draft" and draft["last_published_at"] is None
    url = f"activity/custom/{draft['id']}/"
    assert validation_errors(api.put(url, json={"status": "published"})) == {
        key(outcome): "This field is required."
    }
    published = api.ok("PUT", url, json={"status": "published", key(outcome): "Won"})
    assert published["status"] == "published" and published["last_published_at"] is not None
    # A published activity cannot lose a required value; back to draft it may.
    assert key(outcome) in validation_errors(api.put(url, json={key(outcome): None}))
    back = api.ok("PUT", url, json={"status": "draft", key(outcome): None})
    assert back["status"] == "draft" and key(outcome) not in back
    assert [e["action"] for e in events_of(api, draft["id"])] == ["created", "updated", "updated"]


def test_pinning_contact_and_activity_at(api: Api) -> None:
    visit = activity_type(api)
    holder, other = lead(api), lead(api, "Other")
    ann = contact(api, holder["id"])
    stranger = contact(api, other["id"])
    created = _post(
        api,
        custom_activity_type_id=visit["id"],
        lead_id=holder["id"],
        contact_id=ann["id"],
        pinned=True,
        activity_at="2024-01-02T03:04:05+00:00",
    )
    assert created["pinned"] is True and created["pinned_at"] is not None
    assert created["contact_id"] == ann["id"]
    assert created["activity_at"] == "2024-01-02T03:04:05.000000+00:00"
    url = f"activity/custom/{created['id']}/"
    assert api.ok("PUT", url, json={"pinned": False})["pinned_at"] is None
    assert "contact" in validation_errors(api.put(url, json={"contact_id": stranger["id"]}))
    errors = validation_errors(
        api.post(
            "activity/custom/",
            json={
                "custom_activity_type_id": visit["id"],
                "lead_id": holder["id"],
                "contact_id": stranger["id"],
            },
        )
    )
    assert "contact" in errors


def test_invalid_creates(api: Api, make_api: Callable[..., Api]) -> None:
    visit = activity_type(api)
    holder = lead(api)
    assert set(validation_errors(api.post("activity/custom/", json={}))) == {
        "custom_activity_type_id",
        "lead",
    }
    for bad, error_key in (
        ({"status": "done"}, "status"),
        ({"user_id": make_api().org.user_id}, "user"),
        ({"activity_at": "soon"}, "activity_at"),
        ({"lead_id": "lead_nope"}, "lead"),
        ({"custom_activity_type_id": "actitype_nope"}, "custom_activity_type_id"),
    ):
        body = {"custom_activity_type_id": visit["id"], "lead_id": holder["id"], **bad}
        assert error_key in validation_errors(api.post("activity/custom/", json=body)), bad
    archived = activity_type(api, "Old", is_archived=True)
    body = {"custom_activity_type_id": archived["id"], "lead_id": holder["id"]}
    assert "custom_activity_type_id" in validation_errors(api.post("activity/custom/", json=body))


def test_custom_fields_map_is_accepted(api: Api) -> None:
    visit = activity_type(api)
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    created = _post(
        api,
        custom_activity_type_id=visit["id"],
        lead_id=lead(api)["id"],
        custom_fields={outcome["id"]: "Won"},
    )
    assert created[key(outcome)] == "Won"


def test_fields_of_another_type_do_not_apply(api: Api) -> None:
    visit, call = activity_type(api, "Visit"), activity_type(api, "Call")
    call_field = field(api, "activity", "Duration", "number", custom_activity_type_id=call["id"])
    errors = validation_errors(
        api.post(
            "activity/custom/",
            json={"custom_activity_type_id": visit["id"], "lead_id": lead(api)["id"], key(call_field): 3},
        )
    )
    assert key(call_field) in errors


def test_list_filters(api: Api) -> None:
    visit, call = activity_type(api, "Visit"), activity_type(api, "Call")
    mine, other = lead(api, "Mine"), lead(api, "Other")
    a = _post(api, custom_activity_type_id=visit["id"], lead_id=mine["id"])
    b = _post(api, custom_activity_type_id=call["id"], lead_id=mine["id"])
    c = _post(api, custom_activity_type_id=visit["id"], lead_id=other["id"])
    everything = api.ok("GET", "activity/custom/")
    # Newest first.
    assert [x["id"] for x in everything["data"]] == [c["id"], b["id"], a["id"]]
    assert validation_errors(api.get("activity/custom/", params={"custom_activity_type_id": visit["id"]}))
    by_type = api.ok(
        "GET", "activity/custom/", params={"lead_id": mine["id"], "custom_activity_type_id": visit["id"]}
    )
    assert [x["id"] for x in by_type["data"]] == [a["id"]]
    both_leads = api.ok("GET", "activity/custom/", params={"lead_id": f"{mine['id']},{other['id']}"})
    assert len(both_leads["data"]) == 3


def test_editable_with_roles_of_the_type(api: Api, make_api: Callable[..., Api]) -> None:
    visit = activity_type(api, editable_with_roles=["admin"])
    holder = lead(api)
    made = _post(api, custom_activity_type_id=visit["id"], lead_id=holder["id"])
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    user = make_api(organization_name=organization, role="user")
    assert "error" in error_of(user.put(f"activity/custom/{made['id']}/", json={"pinned": True}), 403)
    body = {"custom_activity_type_id": visit["id"], "lead_id": holder["id"]}
    assert "error" in error_of(user.post("activity/custom/", json=body), 403)


def test_deleting_an_activity_and_its_lead(api: Api) -> None:
    visit = activity_type(api)
    holder = lead(api)
    first = _post(api, custom_activity_type_id=visit["id"], lead_id=holder["id"])
    second = _post(api, custom_activity_type_id=visit["id"], lead_id=holder["id"])
    assert api.ok("DELETE", f"activity/custom/{first['id']}/") == {}
    assert error_of(api.get(f"activity/custom/{first['id']}/"), 404) == {
        "error": "Empty query: CustomActivity matching query does not exist."
    }
    api.ok("DELETE", f"lead/{holder['id']}/")
    assert error_of(api.get(f"activity/custom/{second['id']}/"), 404)
    assert events_of(api, second["id"])[-1]["action"] == "deleted"
