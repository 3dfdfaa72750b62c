"""Time zones, local time and summaries on leads and contacts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadbase.resources.lead.service import address_summary
from tests.support import Api, Clock, all_events

NOON_UTC = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_a_lead_in_one_zone_shows_its_local_time(api: Api, clock: Clock) -> None:
    clock.set(NOON_UTC)
    lead = api.ok(
        "POST",
        "lead/",
        json={"name": "Initech", "addresses": [{"city": "San Francisco", "state": "CA", "country": "US"}]},
    )
    assert lead["addresses"][0]["tz_ids"] == ["America/Los_Angeles"]
    assert lead["localtime"] == "2026-07-01T05:00:00-07:00"
    assert lead["primary_address_summary"] == "San Francisco, CA, US"
    assert lead["contacts_summary"] == ""


def test_without_an_address_the_contacts_phones_tell(api: Api, clock: Clock) -> None:
    clock.set(NOON_UTC)
    lead = api.ok(
        "POST",
        "lead/",
        json={"name": "Globex", "contacts": [{"name": "Hank", "phones": [{"phone": "+442071234567"}]}]},
    )
    (hank,) = lead["contacts"]
    assert hank["phones"][0]["tz_ids"] == ["Europe/London"]
    assert hank["phones"][0]["outbound_sms_blocked"] is False
    assert (hank["timezone"], hank["timezone_source"]) == ("Europe/London", "phone")
    assert lead["localtime"] == "2026-07-01T13:00:00+01:00"
    assert lead["primary_address_summary"] is None


def test_a_contact_without_a_certain_zone(api: Api) -> None:
    lead = api.ok(
        "POST", "lead/", json={"contacts": [{"name": "Toll", "phones": [{"phone": "+18004445555"}]}]}
    )
    (contact,) = lead["contacts"]
    assert len(contact["phones"][0]["tz_ids"]) > 1
    assert (contact["timezone"], contact["timezone_source"]) == (None, None)
    assert lead["localtime"] is None


def test_contacts_summary_names_three_then_counts(api: Api) -> None:
    names = ["Ann", "Bob", "Cy", "Di", "Ed"]
    lead = api.ok("POST", "lead/", json={"contacts": [{"name": n} for n in names]})
    assert lead["contacts_summary"] == "Ann, Bob, Cy and 2 more"


def test_the_passing_of_time_is_not_a_change(api: Api, clock: Clock) -> None:
    clock.set(NOON_UTC)
    lead = api.ok("POST", "lead/", json={"name": "Acme", "addresses": [{"state": "NY", "country": "US"}]})
    clock.set(NOON_UTC.replace(hour=13))
    api.ok("PUT", f"lead/{lead['id']}/", json={"description": "later"})
    (update,) = [e for e in all_events(api) if e["action"] == "updated" and e["object_id"] == lead["id"]]
    assert "localtime" not in update["changed_fields"]
    assert update["data"]["localtime"] == "2026-07-01T09:00:00-04:00"


@pytest.mark.parametrize(
    ("address", "line"),
    [
        (
            {"address_1": " 1 Main St ", "city": "Austin", "state": "TX", "zipcode": "73301"},
            "1 Main St, Austin, TX 73301",
        ),
        ({"state": "  ", "zipcode": None, "country": "US"}, "US"),
        ({"zipcode": "10115", "country": "DE"}, "10115, DE"),
        ({}, ""),
    ],
)
def test_an_address_summary_is_the_same_when_read_again(address: dict[str, object], line: str) -> None:
    # The second answer comes from the summaries kept per distinct address.
    assert address_summary(address) == line
    assert address_summary(dict(address)) == line


def test_an_address_part_that_cannot_be_kept_is_worked_out_without_keeping() -> None:
    # Written by hand in SQL: an unhashable part cannot key the kept summaries. It fails as it
    # did before they were kept (a part that is not text has no summary), not with another error.
    with pytest.raises(AttributeError):
        address_summary({"address_1": ["1 Main St"], "city": "Austin"})
