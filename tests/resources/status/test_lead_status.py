"""Lead statuses: the defaults of a new organization, labels, and what may be deleted."""

from __future__ import annotations

from tests.support import Api, all_events, validation_errors

DEFAULTS = ["Potential", "Bad Fit", "Qualified", "Customer"]


def _labels(api: Api) -> list[str]:
    return [s["label"] for s in api.ok("GET", "status/lead/")["data"]]


def test_a_new_organization_has_the_four_defaults_in_order(api: Api) -> None:
    page = api.ok("GET", "status/lead/")
    assert page["has_more"] is False
    assert [s["label"] for s in page["data"]] == DEFAULTS
    for status in page["data"]:
        assert set(status) == {"id", "label", "color", "organization_id"}
        assert status["color"] is None
        assert status["id"].startswith("stat_") and len(status["id"]) == len("stat_") + 43
        assert status["organization_id"] == api.org.organization_id
        assert api.ok("GET", f"status/lead/{status['id']}/") == status


def test_create_appends_and_the_first_stays_the_default(api: Api) -> None:
    created = api.ok("POST", "status/lead/", json={"label": "  Nurture  "})
    assert created["label"] == "Nurture"
    assert _labels(api) == [*DEFAULTS, "Nurture"]
    assert api.ok("POST", "lead/", json={})["status_label"] == "Potential"
    assert api.ok("POST", "lead/", json={"status": "Nurture"})["status_id"] == created["id"]


def test_label_is_required_and_not_blank(api: Api) -> None:
    for body, message in (({}, "This field is required."), ({"label": "   "}, None), ({"label": None}, None)):
        errors = validation_errors(api.post("status/lead/", json=body))
        assert set(errors) == {"label"}, body
        if message:
            assert errors["label"] == message
    assert validation_errors(api.post("status/lead/", json={"label": 5})) == {"label": "Not a valid string."}
    assert _labels(api) == DEFAULTS


def test_duplicate_labels_are_400_ignoring_case(api: Api) -> None:
    assert "label" in validation_errors(api.post("status/lead/", json={"label": "potential"}))
    nurture = api.ok("POST", "status/lead/", json={"label": "Nurture"})
    assert "label" in validation_errors(api.put(f"status/lead/{nurture['id']}/", json={"label": "CUSTOMER"}))
    # Renaming a status to its own label, in another case, is fine.
    assert api.ok("PUT", f"status/lead/{nurture['id']}/", json={"label": "NURTURE"})["label"] == "NURTURE"
    assert _labels(api) == [*DEFAULTS, "NURTURE"]


def test_another_organization_may_use_the_same_labels(api: Api, make_api: object) -> None:
    other = make_api()  # type: ignore[operator]
    assert other.ok("POST", "status/lead/", json={"label": "Nurture"})["label"] == "Nurture"
    assert api.ok("POST", "status/lead/", json={"label": "Nurture"})["label"] == "Nurture"


def test_renaming_shows_on_leads(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"status": "Qualified"})
    status_id = lead["status_id"]
    api.ok("PUT", f"status/lead/{status_id}/", json={"label": "Hot"})
    assert api.ok("GET", f"lead/{lead['id']}/")["status_label"] == "Hot"


def test_a_status_in_use_cannot_be_deleted(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"status": "Customer"})
    customer = lead["status_id"]
    response = api.delete(f"status/lead/{customer}/")
    body = response.json()
    assert response.status_code == 400
    assert body["errors"] and body["field-errors"] == {}
    assert "Customer" in _labels(api)
    api.ok("PUT", f"lead/{lead['id']}/", json={"status": "Potential"})
    assert api.ok("DELETE", f"status/lead/{customer}/") == {}
    assert _labels(api) == ["Potential", "Bad Fit", "Qualified"]
    assert api.get(f"status/lead/{customer}/").status_code == 404


def test_the_last_status_cannot_be_deleted(api: Api) -> None:
    statuses = api.ok("GET", "status/lead/")["data"]
    for status in statuses[:-1]:
        api.ok("DELETE", f"status/lead/{status['id']}/")
    response = api.delete(f"status/lead/{statuses[-1]['id']}/")
    assert response.status_code == 400 and response.json()["errors"]
    assert _labels(api) == [statuses[-1]["label"]]


def test_status_events(api: Api) -> None:
    created = api.ok("POST", "status/lead/", json={"label": "Nurture"})
    api.ok("PUT", f"status/lead/{created['id']}/", json={"label": "Warm"})
    api.ok("DELETE", f"status/lead/{created['id']}/")
    events = all_events(api, object_id=created["id"])
    assert [(e["object_type"], e["action"], e["lead_id"]) for e in events] == [
        ("status.lead", "deleted", None),
        ("status.lead", "updated", None),
        ("status.lead", "created", None),
    ]
    assert events[1]["changed_fields"] == ["label"]
    assert events[1]["previous_data"] == {"label": "Nurture"}
    assert events[0]["previous_data"]["label"] == "Warm"


def test_color_is_set_changed_and_cleared(api: Api) -> None:
    created = api.ok("POST", "status/lead/", json={"label": "Warm", "color": "#ffaa00"})
    assert created["color"] == "#ffaa00"
    changed = api.ok("PUT", f"status/lead/{created['id']}/", json={"color": "blue"})
    assert (changed["label"], changed["color"]) == ("Warm", "blue")
    assert api.ok("GET", f"status/lead/{created['id']}/")["color"] == "blue"
    assert api.ok("PUT", f"status/lead/{created['id']}/", json={"color": None})["color"] is None
    assert "color" in validation_errors(api.put(f"status/lead/{created['id']}/", json={"color": 7}))
    assert "color" in validation_errors(api.put(f"status/lead/{created['id']}/", json={"color": "x" * 65}))
    (latest, *_) = api.events(object_id=created["id"])
    assert latest["changed_fields"] == ["color"]
