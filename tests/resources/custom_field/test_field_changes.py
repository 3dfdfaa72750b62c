"""What changing or deleting a field does to the values objects already hold."""

from __future__ import annotations

from tests.custom_data import activity_type, events_of, field, key, lead, object_type
from tests.support import Api


def test_deleting_a_field_removes_its_values_with_an_event_per_object(api: Api) -> None:
    industry = field(api, "lead", "Industry")
    other = field(api, "lead", "Other")
    holders = [lead(api, f"L{n}", **{key(industry): f"v{n}", key(other): "kept"}) for n in range(2)]
    bystander = lead(api, "No value")
    api.ok("DELETE", f"custom_field/lead/{industry['id']}/")
    for holder in holders:
        now = api.ok("GET", f"lead/{holder['id']}/")
        assert key(industry) not in now and now[key(other)] == "kept"
        event = events_of(api, holder["id"])[-1]
        assert event["action"] == "updated"
        assert key(industry) in event["changed_fields"]
        assert event["previous_data"][key(industry)] == holder[key(industry)]
        assert event["request_id"] == api.events(object_id=industry["id"])[0]["request_id"]
    assert [e["action"] for e in events_of(api, bystander["id"])] == ["created"]
    # A new field never sees values of the old one, even with the same name.
    again = field(api, "lead", "Industry")
    assert key(again) not in api.ok("GET", f"lead/{holders[0]['id']}/")


def test_deleting_a_contact_field_removes_contact_values(api: Api) -> None:
    birthday = field(api, "contact", "Birthday", "date")
    person = api.ok("POST", "contact/", json={"lead_id": lead(api)["id"], key(birthday): "2000-01-31"})
    api.ok("DELETE", f"custom_field/contact/{birthday['id']}/")
    assert key(birthday) not in api.ok("GET", f"contact/{person['id']}/")
    assert key(birthday) in events_of(api, person["id"])[-1]["changed_fields"]


def test_changing_the_type_converts_values_and_drops_what_does_not_convert(api: Api) -> None:
    amount = field(api, "lead", "Amount")
    convertible = lead(api, "Numeric", **{key(amount): "42"})
    not_convertible = lead(api, "Words", **{key(amount): "forty-two"})
    changed = api.ok("PUT", f"custom_field/lead/{amount['id']}/", json={"type": "number"})
    assert changed["type"] == "number" and "converting_to_type" not in changed
    assert api.ok("GET", f"lead/{convertible['id']}/")[key(amount)] == 42
    assert key(amount) not in api.ok("GET", f"lead/{not_convertible['id']}/")
    for holder in (convertible, not_convertible):
        assert key(amount) in events_of(api, holder["id"])[-1]["changed_fields"]
    back = api.ok("PUT", f"custom_field/lead/{amount['id']}/", json={"type": "text"})
    assert back["type"] == "text"
    assert api.ok("GET", f"lead/{convertible['id']}/")[key(amount)] == "42"


def test_datetime_to_date_keeps_the_day(api: Api) -> None:
    when = field(api, "lead", "When", "datetime")
    holder = lead(api, **{key(when): "2024-05-01T23:30:00+00:00"})
    api.ok("PUT", f"custom_field/lead/{when['id']}/", json={"type": "date"})
    assert api.ok("GET", f"lead/{holder['id']}/")[key(when)] == "2024-05-01"


def test_removing_choices_drops_the_values_that_used_them(api: Api) -> None:
    tags = field(api, "lead", "Tags", "choices", choices=["a", "b", "c"], accepts_multiple_values=True)
    holder = lead(api, **{key(tags): ["a", "b"]})
    only_b = lead(api, "Only b", **{key(tags): ["b"]})
    api.ok("PUT", f"custom_field/lead/{tags['id']}/", json={"choices": ["a", "c"]})
    assert api.ok("GET", f"lead/{holder['id']}/")[key(tags)] == ["a"]
    assert key(tags) not in api.ok("GET", f"lead/{only_b['id']}/")
    # Adding a choice changes no value, so no object is touched.
    before = len(api.events(object_id=holder["id"]))
    api.ok("PUT", f"custom_field/lead/{tags['id']}/", json={"choices": ["a", "c", "d"]})
    assert len(api.events(object_id=holder["id"])) == before


def test_turning_multiple_values_off_keeps_the_first_and_on_wraps_in_a_list(api: Api) -> None:
    tags = field(api, "lead", "Tags", "choices", choices=["a", "b"], accepts_multiple_values=True)
    holder = lead(api, **{key(tags): ["b", "a"]})
    api.ok("PUT", f"custom_field/lead/{tags['id']}/", json={"accepts_multiple_values": False})
    assert api.ok("GET", f"lead/{holder['id']}/")[key(tags)] == "b"
    api.ok("PUT", f"custom_field/lead/{tags['id']}/", json={"accepts_multiple_values": True})
    assert api.ok("GET", f"lead/{holder['id']}/")[key(tags)] == ["b"]


def test_deleting_an_activity_field_removes_values_from_activities(api: Api) -> None:
    visit = activity_type(api)
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    holder = lead(api)
    activity = api.ok(
        "POST",
        "activity/custom/",
        json={"custom_activity_type_id": visit["id"], "lead_id": holder["id"], key(outcome): "Won"},
    )
    api.ok("DELETE", f"custom_field/activity/{outcome['id']}/")
    assert key(outcome) not in api.ok("GET", f"activity/custom/{activity['id']}/")
    event = events_of(api, activity["id"])[-1]
    assert event["object_type"] == "activity.custom_activity" and key(outcome) in event["changed_fields"]


def test_deleting_a_custom_object_field_removes_values_from_instances(api: Api) -> None:
    subscription = object_type(api)
    seats = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"])
    holder = lead(api)
    instance = api.ok(
        "POST",
        "custom_object/",
        201,
        json={
            "custom_object_type_id": subscription["id"],
            "lead_id": holder["id"],
            "name": "Pro",
            key(seats): 3,
        },
    )
    api.ok("DELETE", f"custom_field/custom_object_type/{seats['id']}/", 204)
    assert key(seats) not in api.ok("GET", f"custom_object/{instance['id']}/")
    assert key(seats) in events_of(api, instance["id"])[-1]["changed_fields"]


def test_user_field_conversion_from_text_resolves_names(api: Api) -> None:
    me = api.ok("GET", "me/")
    owner = field(api, "lead", "Owner")
    holder = lead(api, **{key(owner): f"{me['first_name']} {me['last_name']}".strip()})
    stranger = lead(api, "Stranger", **{key(owner): "Nobody Known"})
    api.ok("PUT", f"custom_field/lead/{owner['id']}/", json={"type": "user"})
    assert api.ok("GET", f"lead/{holder['id']}/")[key(owner)] == api.org.user_id
    assert key(owner) not in api.ok("GET", f"lead/{stranger['id']}/")
