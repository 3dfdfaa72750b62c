"""Custom values on leads and contacts: writing, reading back, validation, roles, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.custom_data import contact, custom_object, events_of, field, key, lead, object_type
from tests.support import Api, error_of, validation_errors


def _lead_with(api: Api, **values: Any) -> dict[str, Any]:
    return lead(api, **values)


def test_values_read_back_under_custom_keys_and_in_the_legacy_dict(api: Api) -> None:
    industry = field(api, "lead", "Industry")
    seats = field(api, "lead", "Seats", "number")
    created = _lead_with(api, **{key(industry): "Software", key(seats): 12})
    assert created[key(industry)] == "Software"
    assert created[key(seats)] == 12
    assert created["custom"] == {"Industry": "Software", "Seats": 12}
    # Fields without a value are absent, not null.
    empty = lead(api, "Empty")
    assert key(industry) not in empty and empty["custom"] == {}
    assert api.ok("GET", f"lead/{created['id']}/", params={"_fields": f"id,{key(seats)}"}) == {
        "id": created["id"],
        key(seats): 12,
    }


def test_writes_by_name_and_with_the_legacy_dict(api: Api) -> None:
    industry = field(api, "lead", "Industry")
    source = field(api, "lead", "Source")
    created = api.ok(
        "POST", "lead/", json={"name": "Acme", "custom.Industry": "IT", "custom": {"Source": "Web"}}
    )
    assert created[key(industry)] == "IT" and created[key(source)] == "Web"
    errors = validation_errors(api.post("lead/", json={"custom.Shoe Size": 9}))
    assert errors == {"custom.Shoe Size": 'The Custom Field "Shoe Size" does not exist.'}
    errors = validation_errors(api.post("lead/", json={"custom": {"Nope": 1}}))
    assert "custom.Nope" in errors
    assert "custom" in validation_errors(api.post("lead/", json={"custom": "Industry=IT"}))


@pytest.mark.parametrize("unset", [None, "", []])
def test_null_empty_string_and_empty_list_unset(api: Api, unset: Any) -> None:
    industry = field(api, "lead", "Industry")
    created = _lead_with(api, **{key(industry): "IT"})
    updated = api.ok("PUT", f"lead/{created['id']}/", json={key(industry): unset})
    assert key(industry) not in updated and updated["custom"] == {}


def test_add_and_remove_on_multi_value_fields(api: Api) -> None:
    tags = field(api, "lead", "Tags", "choices", choices=["a", "b", "c"], accepts_multiple_values=True)
    created = _lead_with(api, **{key(tags): "a"})
    assert created[key(tags)] == ["a"]
    url = f"lead/{created['id']}/"
    assert api.ok("PUT", url, json={f"{key(tags)}.add": "b"})[key(tags)] == ["a", "b"]
    assert api.ok("PUT", url, json={f"{key(tags)}.add": ["b", "c"]})[key(tags)] == ["a", "b", "c"]
    assert api.ok("PUT", url, json={f"{key(tags)}.remove": "a"})[key(tags)] == ["b", "c"]
    # A set replaces the whole list; duplicates collapse.
    assert api.ok("PUT", url, json={key(tags): ["c", "c", "a"]})[key(tags)] == ["c", "a"]
    removed = api.ok("PUT", url, json={f"{key(tags)}.remove": ["c", "a"]})
    assert key(tags) not in removed
    plain = field(api, "lead", "Plain")
    assert f"{key(plain)}.add" in validation_errors(api.put(url, json={f"{key(plain)}.add": "x"}))


@pytest.mark.parametrize(
    ("type_name", "extra", "bad"),
    [
        ("number", {}, "twelve"),
        ("number", {}, True),
        ("number", {}, {"n": 1}),
        ("date", {}, "12/06/2014"),
        ("date", {}, "2014-02-30"),
        ("datetime", {}, "yesterday"),
        ("text", {}, {"a": 1}),
        ("text", {}, True),
        ("choices", {"choices": ["Basic"]}, "basic"),
        ("choices", {"choices": ["Basic"]}, ["Basic"]),
        ("user", {}, "user_doesnotexist"),
        ("contact", {}, "cont_doesnotexist"),
        ("hidden", {}, {"nested": True}),
    ],
)
def test_invalid_values_are_400_naming_the_field_and_write_nothing(
    api: Api, type_name: str, extra: dict[str, Any], bad: Any
) -> None:
    target = field(api, "lead", "Target", type_name, **extra)
    other = field(api, "lead", "Other")
    created = lead(api)
    before = api.ok("GET", f"lead/{created['id']}/")
    errors = validation_errors(api.put(f"lead/{created['id']}/", json={key(target): bad, key(other): "fine"}))
    assert list(errors) == [key(target)]
    assert api.ok("GET", f"lead/{created['id']}/") == before
    assert validation_errors(api.post("lead/", json={"name": "New", key(target): bad})) == errors
    assert [e["action"] for e in events_of(api, created["id"])] == ["created"]


def test_numbers_dates_and_datetimes_are_normalized(api: Api) -> None:
    number, day, moment = (
        field(api, "lead", "N", "number"),
        field(api, "lead", "D", "date"),
        field(api, "lead", "T", "datetime"),
    )
    created = _lead_with(
        api, **{key(number): "12.5", key(day): "2014-06-12", key(moment): "2014-06-27T22:00:00-08:00"}
    )
    assert created[key(number)] == 12.5
    assert created[key(day)] == "2014-06-12"
    assert created[key(moment)] == "2014-06-28T06:00:00.000000+00:00"
    # A naive datetime is read in the x-tz-offset zone.
    naive = api.ok("POST", "lead/", json={key(moment): "2014-06-27T22:00:00"}, headers={"x-tz-offset": "-8"})
    assert naive[key(moment)] == "2014-06-28T06:00:00.000000+00:00"


def test_user_values_by_id_or_full_name_of_a_member(api: Api, make_api: Callable[..., Api]) -> None:
    owner = field(api, "lead", "Owner", "user")
    me = api.ok("GET", "me/")
    full_name = f"{me['first_name']} {me['last_name']}".strip()
    assert _lead_with(api, **{key(owner): api.org.user_id})[key(owner)] == api.org.user_id
    assert _lead_with(api, **{key(owner): full_name})[key(owner)] == api.org.user_id
    stranger = make_api()
    errors = validation_errors(api.post("lead/", json={key(owner): stranger.org.user_id}))
    assert key(owner) in errors


def test_contact_values_must_be_contacts_of_the_same_lead(api: Api, make_api: Callable[..., Api]) -> None:
    champion = field(api, "lead", "Champion", "contact")
    mine, elsewhere = lead(api, "Mine"), lead(api, "Elsewhere")
    ann = contact(api, mine["id"], "Ann")
    bob = contact(api, elsewhere["id"], "Bob")
    url = f"lead/{mine['id']}/"
    assert api.ok("PUT", url, json={key(champion): ann["id"]})[key(champion)] == ann["id"]
    assert key(champion) in validation_errors(api.put(url, json={key(champion): bob["id"]}))
    other_org = make_api()
    theirs = contact(other_org, lead(other_org)["id"])
    assert key(champion) in validation_errors(api.put(url, json={key(champion): theirs["id"]}))
    # A lead being created has no contacts yet.
    assert key(champion) in validation_errors(api.post("lead/", json={key(champion): ann["id"]}))


def test_custom_object_values_must_be_of_the_referenced_type_on_the_same_lead(api: Api) -> None:
    subscription, invoice = object_type(api, "Subscription"), object_type(api, "Invoice")
    main = field(
        api, "lead", "Main subscription", "custom_object", referenced_custom_type_id=subscription["id"]
    )
    mine, elsewhere = lead(api, "Mine"), lead(api, "Elsewhere")
    good = custom_object(api, subscription["id"], mine["id"])
    wrong_type = custom_object(api, invoice["id"], mine["id"])
    wrong_lead = custom_object(api, subscription["id"], elsewhere["id"])
    url = f"lead/{mine['id']}/"
    assert api.ok("PUT", url, json={key(main): good["id"]})[key(main)] == good["id"]
    for bad in (wrong_type["id"], wrong_lead["id"], "custobj_doesnotexist"):
        assert key(main) in validation_errors(api.put(url, json={key(main): bad}))


def test_several_values_on_a_single_value_field_are_400(api: Api) -> None:
    owner = field(api, "lead", "Owner", "user")
    errors = validation_errors(api.post("lead/", json={key(owner): [api.org.user_id, api.org.user_id]}))
    assert errors == {key(owner): "This field accepts only one value."}


def test_fields_of_other_kinds_do_not_apply(api: Api) -> None:
    contact_field = field(api, "contact", "Birthday", "date")
    errors = validation_errors(api.post("lead/", json={key(contact_field): "2000-01-01"}))
    assert key(contact_field) in errors


def test_contact_values(api: Api) -> None:
    role = field(api, "contact", "Role", "choices", choices=["Buyer", "User"], accepts_multiple_values=True)
    created = lead(api)
    person = api.ok("POST", "contact/", json={"lead_id": created["id"], "name": "Ann", key(role): "Buyer"})
    assert person[key(role)] == ["Buyer"]
    updated = api.ok("PUT", f"contact/{person['id']}/", json={f"{key(role)}.add": "User"})
    assert updated[key(role)] == ["Buyer", "User"]
    assert key(role) in validation_errors(api.put(f"contact/{person['id']}/", json={key(role): "Boss"}))
    event = events_of(api, person["id"])[-1]
    assert event["changed_fields"].count(key(role)) == 1
    assert event["previous_data"][key(role)] == ["Buyer"] and event["data"][key(role)] == ["Buyer", "User"]


def test_value_changes_are_lead_updated_events_with_the_custom_key(api: Api) -> None:
    industry = field(api, "lead", "Industry")
    created = _lead_with(api, **{key(industry): "IT"})
    api.ok("PUT", f"lead/{created['id']}/", json={key(industry): "Retail"})
    event = events_of(api, created["id"])[-1]
    assert event["object_type"] == "lead" and event["action"] == "updated"
    assert key(industry) in event["changed_fields"]
    assert event["previous_data"][key(industry)] == "IT"
    assert event["data"][key(industry)] == "Retail"


def test_editable_with_roles_restricts_who_may_change_a_value(api: Api, make_api: Callable[..., Api]) -> None:
    locked = field(api, "lead", "Locked", editable_with_roles=["superuser"])
    created = _lead_with(api, **{key(locked): "set by admin"})
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    user = make_api(organization_name=organization, role="user")
    superuser = make_api(organization_name=organization, role="superuser")
    url = f"lead/{created['id']}/"
    assert "error" in error_of(user.put(url, json={key(locked): "nope"}), 403)
    assert api.ok("GET", url)[key(locked)] == "set by admin"
    # Sending the current value back, or changing other things, is not an edit of the field.
    assert user.ok("PUT", url, json={key(locked): "set by admin", "name": "Renamed"})["name"] == "Renamed"
    assert superuser.ok("PUT", url, json={key(locked): "by superuser"})[key(locked)] == "by superuser"


def test_values_hidden_when_no_longer_valid_are_not_shown(api: Api) -> None:
    """A value stored before its choice was removed is no longer returned."""
    tier = field(api, "lead", "Tier", "choices", choices=["A", "B"])
    created = _lead_with(api, **{key(tier): "B"})
    api.ok("PUT", f"custom_field/lead/{tier['id']}/", json={"choices": ["A"]})
    assert key(tier) not in api.ok("GET", f"lead/{created['id']}/")


def test_reference_values_of_the_wrong_kind_are_400(api: Api) -> None:
    subscription = object_type(api)
    owner = field(api, "lead", "Owner", "user")
    champion = field(api, "lead", "Champion", "contact")
    main = field(api, "lead", "Main", "custom_object", referenced_custom_type_id=subscription["id"])
    holder = lead(api)
    person = contact(api, holder["id"])
    url = f"lead/{holder['id']}/"
    assert key(owner) in validation_errors(api.put(url, json={key(owner): person["id"]}))
    assert key(champion) in validation_errors(api.put(url, json={key(champion): holder["id"]}))
    assert key(main) in validation_errors(api.put(url, json={key(main): person["id"]}))
    assert key(champion) in validation_errors(api.put(url, json={key(champion): 12}))


def test_deleting_a_contact_removes_it_from_contact_fields_of_its_lead(api: Api) -> None:
    champion = field(api, "lead", "Champion", "contact")
    buddies = field(api, "contact", "Buddies", "contact", accepts_multiple_values=True)
    holder = lead(api)
    ann, bob = contact(api, holder["id"], "Ann"), contact(api, holder["id"], "Bob")
    api.ok("PUT", f"lead/{holder['id']}/", json={key(champion): ann["id"]})
    api.ok("PUT", f"contact/{bob['id']}/", json={key(buddies): [ann["id"], bob["id"]]})
    api.ok("DELETE", f"contact/{ann['id']}/")
    assert key(champion) not in api.ok("GET", f"lead/{holder['id']}/")
    assert api.ok("GET", f"contact/{bob['id']}/")[key(buddies)] == [bob["id"]]
    assert key(champion) in events_of(api, holder["id"])[-1]["changed_fields"]
    assert key(buddies) in events_of(api, bob["id"])[-1]["changed_fields"]
