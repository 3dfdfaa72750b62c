"""Opportunities: their fields and computed values, statuses and dates, leads and contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.support import Api, Clock, all_events, count_statements, error_of, validation_errors

Obj = dict[str, Any]


def _status(api: Api, kind: str) -> Obj:
    return next(s for s in api.ok("GET", "status/opportunity/")["data"] if s["type"] == kind)  # type: ignore[no-any-return]


def _lead(api: Api, **body: Any) -> Obj:
    return api.ok("POST", "lead/", json=body)  # type: ignore[no-any-return]


def _deal(api: Api, **body: Any) -> Obj:
    if "lead_id" not in body:
        body["lead_id"] = _lead(api, name="Acme Widgets")["id"]
    return api.ok("POST", "opportunity/", json=body)  # type: ignore[no-any-return]


def test_create_shows_every_field_with_the_computed_values(api: Api) -> None:
    lead = _lead(api, name="Acme Widgets")
    active = _status(api, "active")
    deal = api.ok(
        "POST",
        "opportunity/",
        json={
            "lead_id": lead["id"],
            "status_id": active["id"],
            "value": 120000,
            "value_period": "monthly",
            "confidence": 50,
            "note": "Pilot for 10 seats",
        },
    )
    sales = api.ok("GET", "pipeline/")["data"][0]
    assert deal["id"].startswith("oppo_") and len(deal["id"]) == len("oppo_") + 43
    expected = {
        "lead_id": lead["id"],
        "lead_name": "Acme Widgets",
        "contact_id": None,
        "contact_name": None,
        "user_id": api.org.user_id,
        "status_id": active["id"],
        "status_label": "Active",
        "status_display_name": "Active",
        "status_type": "active",
        "pipeline_id": sales["id"],
        "pipeline_name": "Sales",
        "value": 120000,
        "value_period": "monthly",
        "value_currency": "USD",
        "value_formatted": "$1,200 monthly",
        "confidence": 50,
        "expected_value": 60000,
        "annualized_value": 1440000,
        "annualized_expected_value": 720000,
        "note": "Pilot for 10 seats",
        "date_won": None,
        "date_lost": None,
        "attachments": [],
        "integration_links": [],
        "organization_id": api.org.organization_id,
        "created_by": api.org.user_id,
        "updated_by": api.org.user_id,
        "is_stalled": False,
    }
    assert {k: deal[k] for k in expected} == expected
    assert deal["user_name"] and deal["user_name"] == deal["created_by_name"]
    assert api.ok("GET", f"opportunity/{deal['id']}/") == deal
    (event,) = api.events(object_id=deal["id"])
    assert (event["object_type"], event["action"], event["lead_id"]) == ("opportunity", "created", lead["id"])
    assert event["data"] == deal


def test_defaults_of_an_empty_body_with_a_lead(api: Api) -> None:
    deal = _deal(api)
    assert (deal["value"], deal["value_period"], deal["confidence"]) == (None, "one_time", 0)
    assert (deal["expected_value"], deal["annualized_value"], deal["annualized_expected_value"]) == (
        None,
        None,
        None,
    )
    assert deal["value_formatted"] is None
    assert deal["status_label"] == "Active"


def test_values_by_period_and_formatting(api: Api) -> None:
    cases = [
        ({"value": 50000}, "$500", 50000, 25000),
        ({"value": 50050, "value_period": "one_time"}, "$500.50", 50050, 25025),
        ({"value": 1200000, "value_period": "annual"}, "$12,000 annually", 1200000, 600000),
        ({"value": 999, "value_period": "monthly"}, "$9.99 monthly", 11988, 5994),
    ]
    for body, formatted, annualized, annualized_expected in cases:
        deal = _deal(api, confidence=50, **body)
        assert deal["value_formatted"] == formatted, body
        assert deal["expected_value"] == body["value"] * 50 // 100
        assert (deal["annualized_value"], deal["annualized_expected_value"]) == (
            annualized,
            annualized_expected,
        )


def test_value_formatted_follows_the_organization_currency(api: Api) -> None:
    deal = _deal(api, value=250000)
    api.ok("PUT", f"organization/{api.org.organization_id}/", json={"currency": "EUR"})
    again = api.ok("GET", f"opportunity/{deal['id']}/")
    assert (again["value_currency"], again["value_formatted"]) == ("EUR", "€2,500")


def test_changing_value_or_confidence_recomputes(api: Api) -> None:
    deal = _deal(api, value=10000, confidence=20)
    changed = api.ok("PUT", f"opportunity/{deal['id']}/", json={"confidence": 80, "value_period": "monthly"})
    assert (changed["expected_value"], changed["annualized_value"], changed["annualized_expected_value"]) == (
        8000,
        120000,
        96000,
    )
    cleared = api.ok("PUT", f"opportunity/{deal['id']}/", json={"value": None})
    assert (cleared["expected_value"], cleared["annualized_value"], cleared["value_formatted"]) == (
        None,
        None,
        None,
    )
    (latest, *_) = api.events(object_id=deal["id"])
    assert {"value", "expected_value", "annualized_value", "value_formatted"} <= set(latest["changed_fields"])


def test_bad_fields_are_400_and_write_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    lead = _lead(api)
    other = make_api()
    cases: list[tuple[Obj, str]] = [
        ({"value": "100"}, "value"),
        ({"value": 1.5}, "value"),
        ({"value": 10**16}, "value"),
        ({"value": 2**70}, "value"),
        ({"value_period": "weekly"}, "value_period"),
        ({"value_period": None}, "value_period"),
        ({"confidence": 101}, "confidence"),
        ({"confidence": -1}, "confidence"),
        ({"note": 5}, "note"),
        ({"date_won": "yesterday"}, "date_won"),
        ({"status_id": "stat_nope"}, "status"),
        ({"status_id": _status(other, "won")["id"]}, "status"),
        ({"status": "No such status"}, "status"),
        ({"pipeline_id": "pipe_nope"}, "pipeline_id"),
        ({"user_id": other.org.user_id}, "user_id"),
        ({"attachments": [{"url": 5}]}, "attachments"),
    ]
    for body, key in cases:
        assert key in validation_errors(api.post("opportunity/", json={"lead_id": lead["id"], **body})), body
    assert validation_errors(api.post("opportunity/", json={"lead_id": "lead_nope"})) == {
        "lead": "Object does not exist."
    }
    foreign_lead = _lead(other)
    assert "lead" in validation_errors(api.post("opportunity/", json={"lead_id": foreign_lead["id"]}))
    assert api.ok("GET", "opportunity/")["data"] == []
    deal = _deal(api)
    assert "confidence" in validation_errors(
        api.put(f"opportunity/{deal['id']}/", json={"confidence": "high"})
    )
    assert api.ok("GET", f"opportunity/{deal['id']}/") == deal


def test_the_status_defaults_to_the_first_of_the_pipeline_given(api: Api) -> None:
    renewals = api.ok("POST", "pipeline/", expected=201, json={"name": "Renewals"})
    renewing = api.ok(
        "POST",
        "status/opportunity/",
        json={"label": "Renewing", "type": "active", "pipeline_id": renewals["id"]},
    )
    deal = _deal(api, pipeline_id=renewals["id"])
    assert (deal["status_id"], deal["pipeline_id"], deal["pipeline_name"]) == (
        renewing["id"],
        renewals["id"],
        "Renewals",
    )
    # A status of another pipeline than the one given is refused.
    won = _status(api, "won")
    errors = validation_errors(
        api.post(
            "opportunity/",
            json={"lead_id": deal["lead_id"], "pipeline_id": renewals["id"], "status_id": won["id"]},
        )
    )
    assert "status_id" in errors
    # Moving to another pipeline without a status takes that pipeline's first status.
    sales = api.ok("GET", "pipeline/")["data"][0]
    moved = api.ok("PUT", f"opportunity/{deal['id']}/", json={"pipeline_id": sales["id"]})
    assert (moved["status_label"], moved["pipeline_name"]) == ("Active", "Sales")


def test_an_empty_pipeline_cannot_take_an_opportunity(api: Api) -> None:
    empty = api.ok("POST", "pipeline/", expected=201, json={"name": "Empty"})
    lead = _lead(api)
    assert "pipeline_id" in validation_errors(
        api.post("opportunity/", json={"lead_id": lead["id"], "pipeline_id": empty["id"]})
    )


def test_status_by_label_is_still_accepted(api: Api) -> None:
    deal = _deal(api, status="won")
    assert (deal["status_label"], deal["status_type"]) == ("Won", "won")


def test_date_won_is_set_on_entering_won_and_kept_after(api: Api, clock: Clock) -> None:
    clock.set(datetime(2024, 5, 1, 2, 30, tzinfo=UTC))
    won, lost, active = _status(api, "won"), _status(api, "lost"), _status(api, "active")
    deal = _deal(api)
    assert deal["date_won"] is None
    # x-tz-offset: at 02:30 UTC it is still April 30 five hours west.
    won_deal = api.ok(
        "PUT", f"opportunity/{deal['id']}/", json={"status_id": won["id"]}, headers={"x-tz-offset": "-5"}
    )
    assert won_deal["date_won"] == "2024-04-30"
    back = api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": active["id"]})
    assert back["date_won"] == "2024-04-30"
    lost_deal = api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": lost["id"]})
    assert lost_deal["date_won"] == "2024-04-30"
    assert lost_deal["date_lost"] == "2024-05-01T02:30:00.000000+00:00"
    assert _deal(api, status_id=won["id"])["date_won"] == "2024-05-01"


def test_a_date_won_given_is_kept(api: Api) -> None:
    won = _status(api, "won")
    assert _deal(api, status_id=won["id"], date_won="2023-12-24")["date_won"] == "2023-12-24"
    deal = _deal(api, date_won="2022-01-02")
    assert (
        api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": won["id"]})["date_won"] == "2022-01-02"
    )
    both = api.ok(
        "PUT", f"opportunity/{_deal(api)['id']}/", json={"status_id": won["id"], "date_won": "2021-06-30"}
    )
    assert both["date_won"] == "2021-06-30"


def test_the_contact_must_be_one_of_the_lead(api: Api) -> None:
    lead = _lead(api, name="Acme", contacts=[{"name": "Ann"}])
    other = _lead(api, contacts=[{"name": "Bob"}])
    ann, bob = lead["contacts"][0], other["contacts"][0]
    deal = _deal(api, lead_id=lead["id"], contact_id=ann["id"])
    assert (deal["contact_id"], deal["contact_name"]) == (ann["id"], "Ann")
    assert "contact_id" in validation_errors(
        api.post("opportunity/", json={"lead_id": lead["id"], "contact_id": bob["id"]})
    )
    assert "contact_id" in validation_errors(
        api.put(f"opportunity/{deal['id']}/", json={"contact_id": bob["id"]})
    )
    assert "contact_id" in validation_errors(
        api.put(f"opportunity/{deal['id']}/", json={"contact_id": "cont_x"})
    )
    # A contact deleted later is no longer shown as the opportunity's.
    api.ok("DELETE", f"contact/{ann['id']}/")
    assert api.ok("GET", f"opportunity/{deal['id']}/")["contact_id"] is None


def test_without_a_lead_id_a_new_lead_is_created(api: Api) -> None:
    deal = api.ok("POST", "opportunity/", json={"value": 100})
    lead = api.ok("GET", f"lead/{deal['lead_id']}/")
    assert lead["name"] is None
    assert [o["id"] for o in lead["opportunities"]] == [deal["id"]]
    (lead_event,) = api.events(object_id=lead["id"])
    assert lead_event["action"] == "created"
    assert [o["id"] for o in lead_event["data"]["opportunities"]] == [deal["id"]]


def test_without_a_lead_id_a_contact_names_the_lead(api: Api) -> None:
    lead = _lead(api, contacts=[{"name": "Ann"}])
    deal = api.ok("POST", "opportunity/", json={"contact_id": lead["contacts"][0]["id"]})
    assert deal["lead_id"] == lead["id"]


def test_the_owner_defaults_to_the_creator_and_may_be_any_member(
    api: Api, make_api: Callable[..., Api]
) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    deal = _deal(member)
    assert deal["user_id"] == member.org.user_id
    handed = api.ok("PUT", f"opportunity/{deal['id']}/", json={"user_id": api.org.user_id})
    assert handed["user_id"] == api.org.user_id and handed["user_name"]
    assert api.ok("PUT", f"opportunity/{deal['id']}/", json={"user_id": None})["user_name"] is None


def test_imports_may_give_date_created_and_created_by(api: Api) -> None:
    deal = _deal(api, date_created="2020-01-02T03:04:05+00:00", created_by=api.org.user_id)
    assert deal["date_created"] == "2020-01-02T03:04:05.000000+00:00"
    assert validation_errors(api.post("opportunity/", json={"date_created": "soon"})) == {
        "date_created": "Not a valid datetime."
    }


def test_attachments_are_kept(api: Api) -> None:
    body = [{"url": "https://files.example/a.pdf", "filename": "a.pdf", "content_type": "application/pdf"}]
    deal = _deal(api, attachments=body)
    assert deal["attachments"] == [{**body[0], "size": None, "thumbnail_url": None}]


def test_custom_values(api: Api) -> None:
    field = api.ok("POST", "custom_field/opportunity/", json={"name": "Source", "type": "text"})
    key = f"custom.{field['id']}"
    deal = _deal(api, **{key: "Webinar"})
    assert deal[key] == "Webinar"
    assert api.ok("GET", f"opportunity/{deal['id']}/")[key] == "Webinar"
    assert key not in api.ok("PUT", f"opportunity/{deal['id']}/", json={key: None})
    assert "custom.cf_nope" in validation_errors(api.post("opportunity/", json={"custom.cf_nope": 1}))


def test_list_filters(api: Api, make_api: Callable[..., Api]) -> None:
    won, lost = _status(api, "won"), _status(api, "lost")
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    a = _deal(api, value_period="monthly", value=100)
    b = _deal(api, status_id=won["id"], date_won="2024-03-01", value=200)
    c = _deal(member, status_id=lost["id"], value_period="annual", value=300)

    def ids(**params: str) -> set[str]:
        return {o["id"] for o in api.ok("GET", "opportunity/", params=params)["data"]}

    assert ids(status_type="won") == {b["id"]}
    assert ids(status_type__in="won,lost") == {b["id"], c["id"]}
    assert ids(status_label="Lost") == ids(status="Lost") == {c["id"]}
    assert ids(status_label__in="Active,Won") == {a["id"], b["id"]}
    assert ids(status_id=won["id"]) == {b["id"]}
    assert ids(value_period__in="monthly,annual") == {a["id"], c["id"]}
    assert ids(user_id=member.org.user_id) == {c["id"]}
    assert ids(lead_id=a["lead_id"]) == {a["id"]}
    assert ids(date_won__gte="2024-02-01") == {b["id"]}
    assert ids(date_won__lt="2024-02-01") == set()
    assert ids(is_stalled="true") == set()
    assert ids(is_stalled="false") == {a["id"], b["id"], c["id"]}
    # The query string (search/query_string.py), as Close documents it for opportunities.
    assert ids(query="value >= 200") == {b["id"], c["id"]}
    assert ids(query="status:won or status:lost") == {b["id"], c["id"]}
    assert ids(query="note:important") == set()


def test_order_by(api: Api) -> None:
    small = _deal(api, value=100, value_period="monthly", confidence=90)
    big = _deal(api, value=1000, confidence=10)
    # Where opportunities without a value go differs by database (docs/compatibility.md).
    none = _deal(api, value=500, value_period="annual", confidence=50)

    def order(by: str) -> list[str]:
        return [o["id"] for o in api.ok("GET", "opportunity/", params={"_order_by": by})["data"]]

    assert order("-value") == [big["id"], none["id"], small["id"]]
    assert order("-annualized_value") == [small["id"], big["id"], none["id"]]
    assert order("confidence") == [big["id"], none["id"], small["id"]]
    assert order("-annualized_expected_value") == [small["id"], none["id"], big["id"]]
    assert order("date_created") == [small["id"], big["id"], none["id"]]
    assert "_order_by" in validation_errors(api.get("opportunity/", params={"_order_by": "lead_name"}))


def test_order_by_the_owners_name(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    zed = make_api(organization_name=name, role="user", email="zed.zulu@example.com")
    amy = make_api(organization_name=name, role="user", email="amy.alpha@example.com")
    z, a, a2 = _deal(zed, value=1), _deal(amy, value=2), _deal(amy, value=3)

    def order(by: str, **params: str) -> list[str]:
        page = api.ok("GET", "opportunity/", params={"_order_by": by, **params})
        return [o["id"] for o in page["data"]]

    assert order("user_name")[2] == z["id"]
    assert order("user_name,value") == [a["id"], a2["id"], z["id"]]
    assert order("-user_name,value") == [z["id"], a["id"], a2["id"]]
    assert order("-user_name,-value") == [z["id"], a2["id"], a["id"]]
    assert order("user_name", _limit="1", _skip="2") == [z["id"]]
    page = api.ok("GET", "opportunity/", params={"_order_by": "user_name", "_limit": 1})
    assert page["total_results"] == 3 and page["has_more"] is True


def test_totals_are_over_every_match_not_the_page(api: Api) -> None:
    won = _status(api, "won")
    _deal(api, value=10000, confidence=50)
    _deal(api, value=20000, value_period="monthly", confidence=25, status_id=won["id"])
    _deal(api, value=30000, value_period="annual", confidence=100)
    _deal(api, confidence=100)
    page = api.ok("GET", "opportunity/", params={"_limit": 1})
    assert len(page["data"]) == 1 and page["has_more"] is True
    assert page["total_results"] == 4
    assert page["count_by_value_period"] == {"one_time": 2, "monthly": 1, "annual": 1}
    assert (page["total_value_one_time"], page["total_value_monthly"], page["total_value_annual"]) == (
        10000,
        20000,
        30000,
    )
    assert page["total_value_annualized"] == 10000 + 20000 * 12 + 30000
    assert (
        page["expected_value_one_time"],
        page["expected_value_monthly"],
        page["expected_value_annual"],
    ) == (
        5000,
        5000,
        30000,
    )
    assert page["expected_value_annualized"] == 5000 + 60000 + 30000
    assert page["total_value_annualized_formatted"] == "$2,800"
    assert page["expected_value_annualized_formatted"] == "$950"
    filtered = api.ok("GET", "opportunity/", params={"status_type": "won"})
    assert filtered["total_results"] == 1 and filtered["count_by_value_period"] == {"monthly": 1}
    assert (filtered["total_value_one_time"], filtered["total_value_one_time_formatted"]) == (0, None)


def test_a_list_page_costs_the_same_statements_whatever_its_size(api: Api) -> None:
    for n in range(5):
        lead = _lead(api, contacts=[{"name": f"C{n}"}])
        _deal(api, lead_id=lead["id"], contact_id=lead["contacts"][0]["id"], value=n)
    api.ok("GET", "opportunity/", params={"_limit": 1})
    counts = []
    for size in (1, 5):
        with count_statements(api.engine) as statements:
            api.ok("GET", "opportunity/", params={"_limit": size})
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_lead_embeds_its_opportunities(api: Api) -> None:
    lead = _lead(api, name="Acme")
    first = _deal(api, lead_id=lead["id"], note="first")
    second = _deal(api, lead_id=lead["id"], note="second")
    _deal(api, note="elsewhere")
    got = api.ok("GET", f"lead/{lead['id']}/")
    assert got["opportunities"] == [
        api.ok("GET", f"opportunity/{first['id']}/"),
        api.ok("GET", f"opportunity/{second['id']}/"),
    ]
    assert api.ok("GET", f"lead/{lead['id']}/", params={"_fields": "id,name"}) == {
        "id": lead["id"],
        "name": "Acme",
    }
    page = api.ok("GET", "lead/", params={"_fields": "id,opportunities"})["data"]
    assert {o["id"]: len(o["opportunities"]) for o in page}[lead["id"]] == 2


def test_deleting_a_lead_deletes_its_opportunities(api: Api) -> None:
    deal = _deal(api)
    api.ok("DELETE", f"lead/{deal['lead_id']}/")
    assert api.get(f"opportunity/{deal['id']}/").status_code == 404
    (latest, *_) = all_events(api, object_id=deal["id"])
    assert (latest["action"], latest["object_type"]) == ("deleted", "opportunity")


def test_delete_is_200_with_an_empty_body(api: Api) -> None:
    deal = _deal(api)
    assert api.ok("DELETE", f"opportunity/{deal['id']}/") == {}
    assert error_of(api.get(f"opportunity/{deal['id']}/"), 404)["error"]
    actions = [e["action"] for e in api.events(object_id=deal["id"])]
    assert actions == ["deleted", "created"]
    assert api.ok("GET", f"lead/{deal['lead_id']}/")["opportunities"] == []


def test_another_organizations_opportunity_is_404(api: Api, make_api: Callable[..., Api]) -> None:
    other = _deal(make_api())
    assert api.get(f"opportunity/{other['id']}/").status_code == 404
    assert api.put(f"opportunity/{other['id']}/", json={"note": "mine"}).status_code == 404
    assert api.delete(f"opportunity/{other['id']}/").status_code == 404
    assert api.ok("GET", "opportunity/")["total_results"] == 0


def test_bulk_loading_writes_the_rows_and_events_the_api_would(api: Api) -> None:
    from leadbase.db.context import Actor
    from leadbase.resources.bulk import load

    lead = _lead(api)
    won = _status(api, "won")
    actor = Actor(api.org.organization_id, api.org.user_id, None, "admin")
    bodies = [{"lead_id": lead["id"], "value": 100 * n, "status_id": won["id"]} for n in range(3)]
    assert load(api.engine, actor, "opportunity", bodies).created == 3
    page = api.ok("GET", "opportunity/", params={"lead_id": lead["id"]})
    assert page["total_results"] == 3 and page["total_value_one_time"] == 300
    assert all(o["date_won"] is not None and o["status_type"] == "won" for o in page["data"])
    for deal in page["data"]:
        (event,) = api.events(object_id=deal["id"])
        assert event["action"] == "created" and event["data"] == deal


def test_deleting_an_opportunity_field_removes_its_values(api: Api) -> None:
    field = api.ok("POST", "custom_field/opportunity/", json={"name": "Tier", "type": "text"})
    key = f"custom.{field['id']}"
    deal = _deal(api, **{key: "Gold"})
    api.ok("DELETE", f"custom_field/opportunity/{field['id']}/")
    assert key not in api.ok("GET", f"opportunity/{deal['id']}/")
    (latest, *_) = api.events(object_id=deal["id"])
    assert latest["action"] == "updated" and key in latest["changed_fields"]
