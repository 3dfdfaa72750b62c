"""Rapid successive status changes of one lead or opportunity fold into one activity (Close's
`updated`), and a change reverted within the window deletes it (Close's `deleted`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from leadbase.resources.activities import STATUS_CHANGE_FOLD_WINDOW
from tests.custom_data import lead
from tests.support import Api, Clock

Obj = dict[str, Any]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _changes(api: Api, lead_id: str) -> list[Obj]:
    data: list[Obj] = api.ok("GET", "activity/status_change/lead/", params={"lead_id": lead_id})["data"]
    return data


def _actions(api: Api, object_type: str) -> list[str]:
    return [e["action"] for e in reversed(api.events(object_type=object_type))]


def _three(api: Api) -> list[Obj]:
    statuses: list[Obj] = api.ok("GET", "status/lead/")["data"]
    assert len(statuses) >= 3
    return statuses[:3]


def test_successive_changes_within_the_window_fold_into_one(api: Api, clock: Clock) -> None:
    a, b, c = _three(api)
    clock.set(START)
    acme = lead(api, "Acme", status_id=a["id"])
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": b["id"]})
    clock.set(START + STATUS_CHANGE_FOLD_WINDOW)  # the window's last moment still folds
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": c["id"]})
    changes = _changes(api, acme["id"])
    assert len(changes) == 1
    one = changes[0]
    assert (one["old_status_id"], one["new_status_id"]) == (a["id"], c["id"])
    assert one["new_status_label"] == c["label"]
    assert _actions(api, "activity.lead_status_change") == ["created", "updated"]


def test_a_change_past_the_window_is_a_new_activity(api: Api, clock: Clock) -> None:
    a, b, c = _three(api)
    clock.set(START)
    acme = lead(api, "Acme", status_id=a["id"])
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": b["id"]})
    clock.set(START + STATUS_CHANGE_FOLD_WINDOW + timedelta(microseconds=1))
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": c["id"]})
    changes = _changes(api, acme["id"])
    assert [(x["old_status_id"], x["new_status_id"]) for x in changes] == [
        (b["id"], c["id"]),
        (a["id"], b["id"]),
    ]
    assert _actions(api, "activity.lead_status_change") == ["created", "created"]


def test_a_change_reverted_within_the_window_is_deleted(api: Api, clock: Clock) -> None:
    a, b, _ = _three(api)
    clock.set(START)
    acme = lead(api, "Acme", status_id=a["id"])
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": b["id"]})
    clock.set(START + timedelta(seconds=5))
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": a["id"]})
    assert _changes(api, acme["id"]) == []
    assert _actions(api, "activity.lead_status_change") == ["created", "deleted"]
    feed = api.ok("GET", "activity/", params={"lead_id": acme["id"]})["data"]
    assert [x["_type"] for x in feed] == ["Created"]


def test_opportunity_status_changes_fold_the_same_way(api: Api, clock: Clock) -> None:
    clock.set(START)
    statuses: list[Obj] = api.ok("GET", "status/opportunity/")["data"]
    first = statuses[0]
    others = [s for s in statuses if s["pipeline_id"] == first["pipeline_id"]][1:3]
    assert len(others) == 2
    deal = api.ok("POST", "opportunity/", json={"status_id": first["id"]})
    for status in others:
        api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": status["id"]})
    path = "activity/status_change/opportunity/"
    changes = api.ok("GET", path, params={"opportunity_id": deal["id"]})["data"]
    assert [(x["old_status_id"], x["new_status_id"]) for x in changes] == [(first["id"], others[1]["id"])]
    api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": first["id"]})
    assert api.ok("GET", path, params={"opportunity_id": deal["id"]})["data"] == []
    assert _actions(api, "activity.opportunity_status_change") == ["created", "updated", "deleted"]
