"""Unsubscribed emails and blocked phone numbers: the API, their events, and the functions sending
and calling ask (`unsubscribed_among`, `blocked_among`)."""

from __future__ import annotations

from collections.abc import Callable

from leadbase.db.context import Actor, Context
from leadbase.resources.outreach import blocked_among, unsubscribed_among
from tests.support import Api, error_of, validation_errors


def _ctx_of(api: Api, conn: object) -> Context:
    org = api.org
    return Context(conn=conn, actor=Actor(org.organization_id, org.user_id, None, "admin"))  # type: ignore[arg-type]


def test_unsubscribe_and_resubscribe(api: Api) -> None:
    response = api.post("unsubscribe/email/", json={"email": " Ann@Acme.TEST "})
    assert (response.status_code, response.json()) == (201, {"email": "ann@acme.test"})
    # Unsubscribing again changes nothing and records nothing.
    events_before = api.events(object_type="unsubscribed_email")
    assert api.ok("POST", "unsubscribe/email/", 201, json={"email": "ann@acme.test"}) == {
        "email": "ann@acme.test"
    }
    assert api.events(object_type="unsubscribed_email") == events_before
    assert [e["action"] for e in events_before] == ["created"]
    assert events_before[0]["data"] == {"email": "ann@acme.test"}
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "bo@acme.test"})
    assert api.ok("GET", "unsubscribe/email/") == {
        "data": [{"email": "ann@acme.test"}, {"email": "bo@acme.test"}],
        "has_more": False,
    }
    assert api.ok("GET", "unsubscribe/email/", params={"_limit": 1}) == {
        "data": [{"email": "ann@acme.test"}],
        "has_more": True,
    }
    assert api.ok("DELETE", "unsubscribe/email/ANN@acme.test/") == {"email": "ann@acme.test"}
    assert [e["action"] for e in api.events(object_type="unsubscribed_email")][:1] == ["deleted"]
    error_of(api.delete("unsubscribe/email/ann@acme.test/"), 404)
    assert api.ok("GET", "unsubscribe/email/")["data"] == [{"email": "bo@acme.test"}]


def test_unsubscribe_bad_bodies(api: Api) -> None:
    assert set(validation_errors(api.post("unsubscribe/email/", json={}))) == {"email"}
    assert set(validation_errors(api.post("unsubscribe/email/", json={"email": "not an address"}))) == {
        "email"
    }
    long = "a" * 490 + "@acme.test"
    assert set(validation_errors(api.post("unsubscribe/email/", json={"email": long}))) == {"email"}
    extra = validation_errors(api.post("unsubscribe/email/", json={"email": "a@acme.test", "reason": "x"}))
    assert set(extra) == {"reason"}
    assert api.ok("GET", "unsubscribe/email/")["data"] == []


def test_unsubscriptions_are_per_organization(api: Api, make_api: Callable[..., Api]) -> None:
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "ann@acme.test"})
    stranger = make_api()
    assert stranger.ok("GET", "unsubscribe/email/")["data"] == []
    error_of(stranger.delete("unsubscribe/email/ann@acme.test/"), 404)
    with api.engine.connect() as conn:
        assert unsubscribed_among(_ctx_of(api, conn), ["ANN@acme.test", "bo@acme.test", ""]) == {
            "ann@acme.test"
        }
        assert unsubscribed_among(_ctx_of(stranger, conn), ["ann@acme.test"]) == set()


def test_blocked_numbers(api: Api, make_api: Callable[..., Api]) -> None:
    response = api.post("blocked_phone_number/", json={"phone": "+1 (415) 555-0123", "reason": " Spam "})
    assert response.status_code == 201
    blocked = response.json()
    assert set(blocked) == {
        "id", "phone", "reason", "organization_id", "created_by", "updated_by", "date_created", "date_updated"
    }  # fmt: skip
    assert (blocked["phone"], blocked["reason"]) == ("+14155550123", "Spam")
    url = f"blocked_phone_number/{blocked['id']}/"
    assert api.ok("GET", url) == blocked
    # Only the reason changes; the number of a block stays.
    changed = api.ok("PUT", url, json={"reason": "Robocalls", "phone": "+14155550199"})
    assert (changed["phone"], changed["reason"]) == ("+14155550123", "Robocalls")
    taken = validation_errors(
        api.post("blocked_phone_number/", json={"phone": "+14155550123", "reason": "x"})
    )
    assert set(taken) == {"phone"}
    assert set(validation_errors(api.post("blocked_phone_number/", json={"phone": "123"}))) == {
        "phone",
        "reason",
    }
    assert set(validation_errors(api.put(url, json={"reason": None}))) == {"reason"}
    stranger = make_api()
    error_of(stranger.get(url), 404)
    assert stranger.ok("POST", "blocked_phone_number/", 201, json={"phone": "+14155550123", "reason": "x"})
    with api.engine.connect() as conn:
        assert blocked_among(_ctx_of(api, conn), ["+14155550123", "+14155550100"]) == {"+14155550123"}
    response = api.delete(url)
    assert (response.status_code, response.content) == (204, b"")
    with api.engine.connect() as conn:
        assert blocked_among(_ctx_of(api, conn), ["+14155550123"]) == set()


def test_blocked_number_settings(api: Api, make_api: Callable[..., Api]) -> None:
    assert api.ok("GET", "blocked_phone_number/settings/") == {"reject_anonymous_inbound_calls": False}
    assert api.ok("PUT", "blocked_phone_number/settings/", json={"reject_anonymous_inbound_calls": True}) == {
        "reject_anonymous_inbound_calls": True
    }
    assert api.ok("GET", "blocked_phone_number/settings/") == {"reject_anonymous_inbound_calls": True}
    assert api.ok("PUT", "blocked_phone_number/settings/", json={}) == {
        "reject_anonymous_inbound_calls": True
    }
    bad = api.put("blocked_phone_number/settings/", json={"reject_anonymous_inbound_calls": "yes"})
    assert set(validation_errors(bad)) == {"reject_anonymous_inbound_calls"}
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    assert member.ok("GET", "blocked_phone_number/settings/") == {"reject_anonymous_inbound_calls": True}
    error_of(
        member.put("blocked_phone_number/settings/", json={"reject_anonymous_inbound_calls": False}), 403
    )
    # Each organization has its own.
    assert make_api().ok("GET", "blocked_phone_number/settings/") == {"reject_anonymous_inbound_calls": False}


def test_contact_emails_show_whether_they_are_unsubscribed(api: Api, make_api: Callable[..., Api]) -> None:
    lead = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            "contacts": [{"name": "Ann", "emails": [{"email": "Ann@acme.test"}, {"email": "a2@acme.test"}]}],
        },
    )
    contact_id = lead["contacts"][0]["id"]
    flags = lambda: [  # noqa: E731
        (e["email"], e["is_unsubscribed"]) for e in api.ok("GET", f"contact/{contact_id}/")["emails"]
    ]
    assert flags() == [("Ann@acme.test", False), ("a2@acme.test", False)]
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "ann@ACME.test"})
    assert flags() == [("Ann@acme.test", True), ("a2@acme.test", False)]
    shown = api.ok("GET", f"lead/{lead['id']}/")["contacts"][0]["emails"]
    assert [e["is_unsubscribed"] for e in shown] == [True, False]
    # Another organization's unsubscriptions mean nothing here.
    make_api().ok("POST", "unsubscribe/email/", 201, json={"email": "a2@acme.test"})
    assert flags() == [("Ann@acme.test", True), ("a2@acme.test", False)]
    api.ok("DELETE", "unsubscribe/email/ann@acme.test/")
    assert flags() == [("Ann@acme.test", False), ("a2@acme.test", False)]
