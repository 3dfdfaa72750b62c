"""/webhook/: Close's five operations, validation, limits and who may do what."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from tests.resources.webhook.conftest import subscribe
from tests.support import Api, error_of, validation_errors

URL = "http://127.0.0.1:9/hook"


def test_create_shows_the_subscription_with_its_signature_key(api: Api) -> None:
    made = subscribe(api, URL, "lead:created", "opportunity:updated")
    assert made["id"].startswith("whsub_")
    assert re.fullmatch(r"[0-9a-f]{64}", made["signature_key"])
    assert made["url"] == URL
    assert made["events"] == [
        {"object_type": "lead", "action": "created"},
        {"object_type": "opportunity", "action": "updated"},
    ]
    assert made["status"] == "active"
    assert made["verify_ssl"] is True
    assert made["pause_reason"] is None
    assert made["health_status"] == "healthy"
    assert made["organization_id"] == api.org.organization_id
    fetched = api.ok("GET", f"webhook/{made['id']}/")
    assert fetched == made
    listed = api.ok("GET", "webhook/")
    assert [s["id"] for s in listed["data"]] == [made["id"]]
    assert listed["has_more"] is False


def test_each_subscription_gets_its_own_key(api: Api) -> None:
    keys = {subscribe(api, URL)["signature_key"] for _ in range(3)}
    assert len(keys) == 3


def test_update_is_partial_and_events_replace_the_list(api: Api) -> None:
    made = subscribe(api, URL, "lead:created")
    changed = api.ok(
        "PUT", f"webhook/{made['id']}/", json={"events": [{"object_type": "contact", "action": "deleted"}]}
    )
    assert changed["events"] == [{"object_type": "contact", "action": "deleted"}]
    assert changed["url"] == URL
    assert changed["signature_key"] == made["signature_key"]
    changed = api.ok(
        "PUT", f"webhook/{made['id']}/", json={"url": "https://example.com/x", "verify_ssl": False}
    )
    assert (changed["url"], changed["verify_ssl"]) == ("https://example.com/x", False)


def test_pause_and_resume_through_the_api(api: Api) -> None:
    made = subscribe(api, URL)
    paused = api.ok("PUT", f"webhook/{made['id']}/", json={"status": "paused"})
    assert (paused["status"], paused["pause_reason"]) == ("paused", "api")
    resumed = api.ok("PUT", f"webhook/{made['id']}/", json={"status": "active"})
    assert (resumed["status"], resumed["pause_reason"]) == ("active", None)


def test_delete_answers_200_and_the_subscription_is_gone(api: Api) -> None:
    made = subscribe(api, URL)
    assert api.ok("DELETE", f"webhook/{made['id']}/") == {}
    error_of(api.get(f"webhook/{made['id']}/"), 404)


def test_bad_bodies_are_400s_naming_the_field(api: Api) -> None:
    assert "url" in validation_errors(
        api.post("webhook/", json={"events": [{"object_type": "lead", "action": "created"}]})
    )
    assert "events" in validation_errors(api.post("webhook/", json={"url": URL}))
    for url in ("ftp://example.com/", "not a url", "http://", "", "http://x.example/" + "a" * 2048, 5):
        errors = validation_errors(
            api.post("webhook/", json={"url": url, "events": [{"object_type": "lead", "action": "created"}]})
        )
        assert "url" in errors, url
    for events in (
        [],
        "lead",
        [{"object_type": "lead"}],
        [{"object_type": "lead", "action": "created"}] * 2,
        [{"object_type": "lead", "action": "created", "bogus": 1}],
    ):
        assert "events" in validation_errors(api.post("webhook/", json={"url": URL, "events": events})), (
            events
        )
    bad_filters = (
        {"type": "nope"},
        {"type": "equals"},
        {"type": "and", "filters": []},
        {"type": "field_accessor", "filter": {"type": "is_null"}},
        {"type": "not", "filter": {"type": "equals"}},
        "equals",
    )
    for extra in bad_filters:
        body = {"url": URL, "events": [{"object_type": "lead", "action": "created", "extra_filter": extra}]}
        assert "events" in validation_errors(api.post("webhook/", json=body)), extra
    made = subscribe(api, URL)
    assert "status" in validation_errors(api.put(f"webhook/{made['id']}/", json={"status": "sleeping"}))
    assert api.ok("GET", "webhook/")["data"] == [made]  # nothing else was written


def test_at_most_forty_subscriptions_per_organization(api: Api) -> None:
    for _ in range(40):
        subscribe(api, URL)
    body = error_of(
        api.post("webhook/", json={"url": URL, "events": [{"object_type": "lead", "action": "created"}]}), 400
    )
    assert "40" in body["errors"][0]


def test_another_organizations_subscription_is_a_404(api: Api, make_api: Callable[..., Api]) -> None:
    made = subscribe(api, URL)
    other = make_api()
    error_of(other.get(f"webhook/{made['id']}/"), 404)
    error_of(other.put(f"webhook/{made['id']}/", json={"status": "paused"}), 404)
    error_of(other.delete(f"webhook/{made['id']}/"), 404)
    assert other.ok("GET", "webhook/")["data"] == []


def test_members_manage_their_own_subscriptions_admins_all(make_api: Callable[..., Api]) -> None:
    name = f"Hooks {uuid.uuid4().hex[:8]}"
    api = make_api(organization_name=name)
    admins = subscribe(api, URL)
    member = make_api(organization_name=name, role="user")
    mine = subscribe(member, URL)
    assert [s["id"] for s in member.ok("GET", "webhook/")["data"]] == [mine["id"]]
    error_of(member.put(f"webhook/{admins['id']}/", json={"status": "paused"}), 403)
    error_of(member.delete(f"webhook/{admins['id']}/"), 403)
    assert {s["id"] for s in api.ok("GET", "webhook/")["data"]} == {admins["id"], mine["id"]}
    api.ok("PUT", f"webhook/{mine['id']}/", json={"status": "paused"})
