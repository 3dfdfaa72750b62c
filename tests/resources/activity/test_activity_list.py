"""GET /activity/: every activity type listed together (Close's polymorphic list)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete

from leadbase.db.models import activity
from leadbase.db.resource import resources
from leadbase.resources import load_all
from tests.custom_data import activity_type, contact, field, key, lead
from tests.support import Api, Clock, count_statements

Obj = dict[str, Any]


def _listed(api: Api, **params: Any) -> list[Obj]:
    data: list[Obj] = api.ok("GET", "activity/", params=params)["data"]
    return data


def _ids(objects: list[Obj]) -> list[str]:
    return [o["id"] for o in objects]


def _world(api: Api, clock: Clock, *, keep_created: bool = False) -> tuple[Obj, Obj, Obj, Obj, list[Obj]]:
    """Two custom activity types, two leads; four activities one day apart (oldest first).

    Unless `keep_created`, the leads' Created activities are taken out (written behind the API),
    so the lists below hold the four custom activities alone."""
    visit, call = activity_type(api, "Site Visit"), activity_type(api, "Phone Call")
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    acme, globex = lead(api, "Acme"), lead(api, "Globex")
    ann = contact(api, acme["id"])
    made = []
    for day, (kind, holder, extra) in enumerate(
        [
            (visit, acme, {key(outcome): "Won", "contact_id": ann["id"]}),
            (call, acme, {}),
            (visit, globex, {"status": "draft"}),
            (call, globex, {"activity_at": "2024-01-01T00:00:00+00:00"}),
        ],
        start=1,
    ):
        clock.set(datetime(2024, 5, day, 12, tzinfo=UTC))
        body = {"custom_activity_type_id": kind["id"], "lead_id": holder["id"], **extra}
        made.append(api.ok("POST", "activity/custom/", json=body))
    clock.release()
    if not keep_created:
        with api.engine.begin() as conn:
            conn.execute(delete(activity).where(activity.c.type == "Created"))
    return visit, call, acme, globex, made


def test_every_activity_newest_first_each_as_its_type_shows_it(api: Api, clock: Clock) -> None:
    _visit, _call, _acme, _globex, made = _world(api, clock)
    body = api.ok("GET", "activity/")
    assert body["has_more"] is False
    assert body["data"] == [api.ok("GET", f"activity/custom/{a['id']}/") for a in reversed(made)]
    assert body["data"][-1]["_type"] == "CustomActivity" and body["data"][-1]["custom_activity_type_id"]


def test_filters_by_lead_contact_user_and_type(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    visit, call, acme, globex, made = _world(api, clock)
    newest_first = list(reversed(made))
    assert _ids(_listed(api, lead_id=acme["id"])) == _ids(newest_first[2:])
    assert _ids(_listed(api, lead_id=f"{acme['id']},{globex['id']}")) == _ids(newest_first)
    assert _ids(_listed(api, lead_id__in=globex["id"])) == _ids(newest_first[:2])
    assert _ids(_listed(api, contact_id=made[0]["contact_id"])) == [made[0]["id"]]
    assert _ids(_listed(api, user_id=api.org.user_id)) == _ids(newest_first)
    assert _listed(api, user_id="user_nobody") == []
    # _type: a type name, `Custom` (every custom activity), custom activity type ids, several at once.
    assert _ids(_listed(api, _type="CustomActivity")) == _ids(newest_first)
    assert _ids(_listed(api, _type="Custom")) == _ids(newest_first)
    assert _ids(_listed(api, _type=visit["id"])) == [made[2]["id"], made[0]["id"]]
    assert _ids(_listed(api, _type__in=f"{call['id']},Note")) == [made[3]["id"], made[1]["id"]]
    assert _ids(_listed(api, _type=f"{visit['id']},{call['id']}", lead_id=acme["id"])) == _ids(
        newest_first[2:]
    )
    assert _listed(api, _type="Note") == []
    assert _ids(_listed(api, id__in=f"{made[0]['id']},{made[3]['id']}")) == [made[3]["id"], made[0]["id"]]
    # Another organization sees none of them, whatever it asks for.
    stranger = make_api()
    assert _listed(stranger) == [] and _listed(stranger, lead_id=acme["id"]) == []


def test_date_ranges_in_the_forms_clients_send(api: Api, clock: Clock) -> None:
    _visit, _call, _acme, _globex, made = _world(api, clock)
    # tap-closeio: naive datetimes, second precision; closeio: dates and offsets.
    window = {"date_created__gt": "2024-05-02T00:00:00", "date_created__lt": "2024-05-04T00:00:00"}
    assert _ids(_listed(api, **window)) == [made[2]["id"], made[1]["id"]]
    assert _ids(_listed(api, date_created__gte="2024-05-03")) == [made[3]["id"], made[2]["id"]]
    assert _ids(_listed(api, date_created__lte="2024-05-01T14:00:00+02:00")) == [made[0]["id"]]
    assert _ids(_listed(api, activity_at__lt="2024-05-01", _order_by="-activity_at")) == [made[3]["id"]]
    response = api.get("activity/", params={"date_created__gt": "yesterday-ish"})
    assert response.status_code == 400 and "date_created__gt" in response.json()["field-errors"]


def test_ordering_and_paging(api: Api, clock: Clock) -> None:
    _visit, _call, _acme, _globex, made = _world(api, clock)
    by_activity_at = sorted(made, key=lambda a: a["activity_at"], reverse=True)
    assert _ids(_listed(api, _order_by="-activity_at")) == _ids(by_activity_at)
    assert _ids(_listed(api, _order_by="date_created")) == _ids(made)
    first = api.ok("GET", "activity/", params={"_limit": 3})
    rest = api.ok("GET", "activity/", params={"_limit": 3, "_skip": 3})
    assert (first["has_more"], rest["has_more"]) == (True, False)
    assert _ids(first["data"] + rest["data"]) == _ids(list(reversed(made)))
    assert _listed(api, _fields="id,_type") == [
        {"id": a["id"], "_type": "CustomActivity"} for a in reversed(made)
    ]
    response = api.get("activity/", params={"_order_by": "status"})
    assert response.status_code == 400 and "_order_by" in response.json()["field-errors"]


def test_a_page_is_one_query_whatever_its_types(api: Api, clock: Clock) -> None:
    _world(api, clock, keep_created=True)
    every = api.ok("GET", "activity/")["data"]  # also warms the organization's cached data
    # A two-row page holding both types: each type's batch (comment summaries...) runs once a page.
    skip = next(i for i in range(len(every) - 1) if every[i]["_type"] != every[i + 1]["_type"])
    with count_statements(api.engine) as few:
        page = api.ok("GET", "activity/", params={"_limit": 2, "_skip": skip})["data"]
    assert {a["_type"] for a in page} == {"Created", "CustomActivity"}
    with count_statements(api.engine) as many:
        # Four custom activities and the two leads' Created activities.
        assert sorted(a["_type"] for a in _listed(api)) == ["Created"] * 2 + ["CustomActivity"] * 4
    assert len(many) == len(few)
    assert sum("FROM activity" in s for s in many.statements) == 1


def test_a_mixed_page_reads_its_comment_summaries_once(api: Api, clock: Clock) -> None:
    acme = _world(api, clock)[2]
    api.ok("POST", "activity/note/", json={"lead_id": acme["id"], "note": "Called back"})
    api.ok("GET", "activity/")  # warms the organization's cached data
    with count_statements(api.engine) as seen:
        page = api.ok("GET", "activity/")["data"]
    # Two types that both show `comment_summary` share the page.
    assert {a["_type"] for a in page} == {"Note", "CustomActivity"}
    assert all("comment_summary" in a for a in page)
    # One summary query for the whole page, not one per type on it.
    assert sum("FROM comment_thread" in s for s in seen.statements) == 1


def test_the_family_is_listed_not_written(api: Api) -> None:
    assert api.post("activity/", json={"lead_id": "lead_x"}).status_code == 405
    load_all()
    family = resources.get("activity")
    assert {
        "CustomActivity",
        "Note",
        "Call",
        "Meeting",
        "Email",
        "EmailThread",
        "SMS",
        "WhatsAppMessage",
    } <= set(family.members())
    assert {"CustomActivity", "Created", "LeadStatusChange", "OpportunityStatusChange"} <= set(
        family.members()
    )
    assert {"TaskCompleted", "LeadMerge", "FormSubmission"} <= set(family.members())
    assert family.members()["CustomActivity"] is resources.get("activity/custom")
