"""GET /event/: filters, cursor paging, the envelope and the request facts of each event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import Api, Clock, all_events, error_of, validation_errors

Event = dict[str, Any]


def _ids(events: list[Event]) -> list[str]:
    return [e["id"] for e in events]


@pytest.fixture
def history(api: Api, make_api: Callable[..., Api]) -> dict[str, Any]:
    """A small history: two leads with contacts, updates, a delete, and a second user's write."""
    first = api.ok("POST", "lead/", json={"name": "First", "contacts": [{"name": "Ann"}]})
    second = api.ok("POST", "lead/", json={"name": "Second"})
    api.ok("PUT", f"lead/{first['id']}/", json={"description": "changed"})
    contact = api.ok("POST", "contact/", json={"lead_id": second["id"], "name": "Bob"})
    api.ok("PUT", f"contact/{contact['id']}/", json={"title": "CEO"})
    status = api.ok("POST", "status/lead/", json={"label": "Nurture"})
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    colleague = make_api(organization_name=name)
    theirs = colleague.ok("POST", "lead/", json={"name": "Colleague's"})
    colleague.ok("DELETE", f"lead/{theirs['id']}/")
    return {
        "first": first,
        "second": second,
        "contact": contact,
        "status": status,
        "colleague": colleague,
        "theirs": theirs,
    }


def test_every_event_has_the_full_envelope(api: Api, history: dict[str, Any]) -> None:
    events = all_events(api)
    # Ten of the objects written, and each lead's Created activity (recorded, then one deleted).
    assert len(events) == 14
    assert len([e for e in events if e["object_type"] == "activity.created"]) == 4
    keys = {
        "id", "date_created", "date_updated", "organization_id", "user_id", "request_id", "api_key_id",
        "oauth_client_id", "oauth_scope", "object_type", "object_id", "lead_id", "action", "changed_fields",
        "meta", "data", "previous_data",
    }  # fmt: skip
    for event in events:
        assert set(event) == keys
        # The envelope's datetimes are naive UTC, the object data's carry +00:00.
        assert (
            "+" not in event["date_created"] and datetime.fromisoformat(event["date_created"]).tzinfo is None
        )
        assert event["date_updated"] >= event["date_created"]
        if event["data"] is not None and "date_updated" in event["data"]:
            assert event["data"]["date_updated"].endswith("+00:00")
    # Newest first.
    updated = [e["date_updated"] for e in events]
    assert updated == sorted(updated, reverse=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"object_type": "contact"}, lambda e: e["object_type"] == "contact"),
        ({"action": "updated"}, lambda e: e["action"] == "updated"),
        (
            {"object_type": "lead", "action": "created"},
            lambda e: (e["object_type"], e["action"]) == ("lead", "created"),
        ),
        ({"object_type": "status.lead"}, lambda e: e["object_type"] == "status.lead"),
        ({"action": "deleted"}, lambda e: e["action"] == "deleted"),
    ],
)
def test_filters_by_type_and_action(
    api: Api, history: dict[str, Any], params: dict[str, str], expected: Callable[[Event], bool]
) -> None:
    everything = all_events(api)
    wanted = [e for e in everything if expected(e)]
    assert wanted and len(wanted) < len(everything)
    assert _ids(all_events(api, **params)) == _ids(wanted)


def test_lead_id_covers_the_lead_and_its_children(api: Api, history: dict[str, Any]) -> None:
    second = history["second"]
    events = all_events(api, lead_id=second["id"])
    assert sorted((e["object_type"], e["action"]) for e in events) == [
        ("activity.created", "created"),
        ("contact", "created"),
        ("contact", "updated"),
        ("lead", "created"),
        ("lead", "updated"),
    ]
    assert all(e["lead_id"] == second["id"] for e in events)
    contacts = all_events(api, lead_id=second["id"], object_type="contact", action="updated")
    assert [e["object_id"] for e in contacts] == [history["contact"]["id"]]


def test_object_id_is_that_object_only(api: Api, history: dict[str, Any]) -> None:
    first = history["first"]
    events = all_events(api, object_id=first["id"])
    assert [e["action"] for e in events] == ["updated", "created"]
    assert all(e["object_id"] == first["id"] for e in events)
    assert all_events(api, object_id=first["id"], action="created") == events[1:]


def test_user_id(api: Api, history: dict[str, Any]) -> None:
    colleague = history["colleague"].org
    theirs = all_events(api, user_id=colleague.user_id, object_type="lead")
    assert len(all_events(api, user_id=colleague.user_id)) == 4  # and the lead's Created activity
    assert [(e["action"], e["object_id"]) for e in theirs] == [
        ("deleted", history["theirs"]["id"]),
        ("created", history["theirs"]["id"]),
    ]
    assert all(e["api_key_id"] == colleague.api_key_id for e in theirs)
    mine = all_events(api, user_id=api.org.user_id)
    assert len(mine) == 10 and all(e["user_id"] == api.org.user_id for e in mine)


def test_request_id_groups_one_request(api: Api) -> None:
    lead = api.ok(
        "POST", "lead/", json={"name": "Grouped", "contacts": [{"name": "A"}, {"name": "B"}, {"name": "C"}]}
    )
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "Regrouped"})
    create_events = all_events(api, object_type="contact")
    request_ids = {e["request_id"] for e in create_events}
    assert len(request_ids) == 1
    (request_id,) = request_ids
    grouped = all_events(api, request_id=request_id)
    assert sorted(e["object_type"] for e in grouped) == [
        "activity.created",
        "contact",
        "contact",
        "contact",
        "lead",
    ]
    (update,) = all_events(api, action="updated")
    assert update["request_id"] != request_id
    assert all_events(api, request_id=update["request_id"]) == [update]


def test_meta_names_the_request(api: Api) -> None:
    lead = api.ok("POST", "lead", json={"name": "Meta"})
    api.request("PUT", f"/lead//{lead['id']}", json={"name": "Meta 2"})
    api.request("POST", f"lead/{lead['id']}/", json={}, headers={"x-http-method-override": "DELETE"})
    metas = [e["meta"] for e in all_events(api, object_id=lead["id"])]
    assert metas == [
        {"request_method": "DELETE", "request_path": f"/api/v1/lead/{lead['id']}/"},
        {"request_method": "PUT", "request_path": f"/api/v1/lead/{lead['id']}/"},
        {"request_method": "POST", "request_path": "/api/v1/lead/"},
    ]


def test_cursor_paging_walks_everything_once(api: Api, history: dict[str, Any]) -> None:
    everything = all_events(api)
    walked: list[Event] = []
    cursor: str | None = ""  # clients start with an empty cursor
    pages = 0
    while cursor is not None:
        page = api.ok("GET", "event/", params={"_limit": 3, "_cursor": cursor})
        assert set(page) == {"data", "cursor_next", "cursor_previous"}
        walked.extend(page["data"])
        cursor = page["cursor_next"]
        pages += 1
        if cursor is not None:
            assert len(page["data"]) == 3
    assert pages == 5
    assert _ids(walked) == _ids(everything)
    # A cursor keeps its place while new events arrive.
    first = api.ok("GET", "event/", params={"_limit": 3})
    api.ok("POST", "lead/", json={"name": "Newer"})
    resumed = api.ok("GET", "event/", params={"_limit": 3, "_cursor": first["cursor_next"]})
    assert _ids(resumed["data"]) == _ids(everything[3:6])


def test_cursor_with_filters(api: Api, history: dict[str, Any]) -> None:
    wanted = all_events(api, object_type="lead")
    page = api.ok("GET", "event/", params={"object_type": "lead", "_limit": 2})
    rest = all_events(api, object_type="lead", _cursor=page["cursor_next"])
    assert _ids(page["data"] + rest) == _ids(wanted)


def test_the_last_page_says_cursor_next_null(api: Api) -> None:
    page = api.ok("GET", "event/")
    assert page == {"data": [], "cursor_next": None, "cursor_previous": None}
    api.ok("POST", "lead/", json={"name": "Only"})
    page = api.ok("GET", "event/", params={"_limit": 1, "object_type": "lead"})
    assert len(page["data"]) == 1 and page["cursor_next"] is None


def test_limit_defaults_to_and_stops_at_50(api: Api) -> None:
    # Three events each: the lead, its contact, its Created activity.
    for n in range(17):
        api.ok("POST", "lead/", json={"name": f"Lead {n}", "contacts": [{"name": f"C{n}"}]})
    page = api.ok("GET", "event/")
    assert len(page["data"]) == 50 and page["cursor_next"] is not None
    assert len(api.ok("GET", "event/", params={"_limit": 50})["data"]) == 50
    for bad in ("51", "0", "-1", "x"):
        assert "_limit" in validation_errors(api.get("event/", params={"_limit": bad}))
    rest = api.ok("GET", "event/", params={"_cursor": page["cursor_next"]})
    assert len(rest["data"]) == 1 and rest["cursor_next"] is None


def test_bad_cursor_is_400_json(api: Api) -> None:
    for cursor in ("nonsense!", "czEyYQ"):
        assert error_of(api.get("event/", params={"_cursor": cursor}), 400)["error"]


@pytest.fixture
def dated(api: Api, clock: Clock) -> list[Event]:
    """Three leads created at noon UTC on May 1st, 2nd and 3rd 2024; their events, oldest first."""
    for day in (1, 2, 3):
        clock.set(datetime(2024, 5, day, 12, 0, tzinfo=UTC))
        api.ok("POST", "lead/", json={"name": f"May {day}"})
    clock.release()
    return list(reversed(all_events(api, object_type="lead")))


@pytest.mark.parametrize(
    ("params", "days"),
    [
        ({"date_updated__gte": "2024-05-02"}, [2, 3]),
        ({"date_updated__gt": "2024-05-02T12:00:00"}, [3]),
        ({"date_updated__gte": "2024-05-02T12:00:00Z"}, [2, 3]),
        ({"date_updated__lt": "2024-05-02T14:00:00+02:00"}, [1]),
        ({"date_updated__lte": "2024-05-02T12:00:00.000000"}, [1, 2]),
        ({"date_updated__gt": "2024-05-02T12:00:00+0000"}, [3]),
        ({"date_updated__gte": "2024-05-02 12:00:00z"}, [2, 3]),
        ({"date_updated__gte": "2024-05-02", "date_updated__lt": "2024-05-03"}, [2]),
    ],
)
def test_date_updated_ranges(api: Api, dated: list[Event], params: dict[str, str], days: list[int]) -> None:
    got = all_events(api, object_type="lead", **params)
    assert sorted(e["data"]["name"] for e in got) == [f"May {d}" for d in days]


def test_date_only_filters_follow_x_tz_offset(api: Api, dated: list[Event]) -> None:
    def names(offset: str | None, **params: str) -> list[str]:
        headers = {"x-tz-offset": offset} if offset is not None else {}
        data = api.ok("GET", "event/", params={**params, "object_type": "lead"}, headers=headers)["data"]
        return sorted(e["data"]["name"] for e in data)

    # Midnight of May 2nd at UTC-13 is 13:00 UTC: May 2nd's noon event is before it.
    assert names(None, date_updated__gte="2024-05-02") == ["May 2", "May 3"]
    assert names("-13", date_updated__gte="2024-05-02") == ["May 3"]
    # At UTC+13 it is 11:00 UTC on May 1st: May 1st's noon event is after it.
    assert names("13", date_updated__gte="2024-05-02") == ["May 1", "May 2", "May 3"]
    assert names("5.5", date_updated__lt="2024-05-02") == ["May 1"]
    # A value with an offset is not moved by the header.
    assert names("-13", date_updated__gte="2024-05-02T12:00:00Z") == ["May 2", "May 3"]
    # A header that is not a number of hours is ignored.
    assert names("Europe/Paris", date_updated__gte="2024-05-02") == ["May 2", "May 3"]


def test_get_one_event(api: Api, history: dict[str, Any]) -> None:
    newest = all_events(api)[0]
    assert api.ok("GET", f"event/{newest['id']}/") == newest
    assert error_of(api.get("event/ev_nope/"), 404) == {
        "error": "Empty query: Event matching query does not exist."
    }


def test_fields_on_the_feed(api: Api, history: dict[str, Any]) -> None:
    full = api.ok("GET", "event/", params={"_limit": 4})
    page = api.ok("GET", "event/", params={"_limit": 4, "_fields": "id,action,nope"})
    assert page["cursor_next"] == full["cursor_next"]
    assert page["data"] == [{"id": e["id"], "action": e["action"]} for e in full["data"]]
