"""Time zones of phones and addresses, and when a local time is certain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import phonenumbers
import pytest

from leadbase.core.timezones import (
    address_zones,
    agreed_zone,
    country_code,
    lasting_zone,
    local_time,
    phone_zones,
)

JULY = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
JANUARY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "zones"),
    [
        ("+14155550100", ["America/Los_Angeles"]),
        ("+442071234567", ["Europe/London"]),
        ("+33142685300", ["Europe/Paris"]),
    ],
)
def test_phone_zones(number: str, zones: list[str]) -> None:
    assert phone_zones(phonenumbers.parse(number)) == zones


def test_a_toll_free_number_may_ring_anywhere_in_its_plan() -> None:
    zones = phone_zones(phonenumbers.parse("+18004445555"))
    assert {"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"} <= set(zones)


@pytest.mark.parametrize(
    ("country", "state", "zones"),
    [
        ("US", "CA", ["America/Los_Angeles"]),
        ("us", "California", ["America/Los_Angeles"]),
        ("United States", "TX", ["America/Chicago", "America/Denver"]),
        ("GB", None, ["Europe/London"]),
        ("France", "", ["Europe/Paris"]),
        ("XX", None, []),
        (None, "CA", []),
        ("", None, []),
    ],
)
def test_address_zones(country: str | None, state: str | None, zones: list[str]) -> None:
    assert address_zones(country, state) == zones


def test_a_country_without_its_region_lists_every_zone() -> None:
    zones = address_zones("CA", None)
    assert {"America/Toronto", "America/Vancouver"} <= set(zones)
    # An unknown US state falls back to the country's zones.
    assert "America/New_York" in address_zones("US", "Atlantis")


def test_country_codes() -> None:
    assert country_code("de") == "DE"
    assert country_code("Germany") == "DE"
    assert country_code("USA") == "US"
    assert country_code("Narnia") is None


def test_a_zone_is_agreed_when_every_candidate_shows_the_same_time() -> None:
    # Germany's zones (Berlin, Busingen) agree; Texas's (Chicago, Denver) do not, so the next
    # candidate list (a phone in New York) decides.
    assert agreed_zone([address_zones("DE", None)], JULY) == "Europe/Berlin"
    assert agreed_zone([address_zones("US", "TX"), ["America/New_York"]], JULY) == "America/New_York"
    assert agreed_zone([address_zones("US", "TX")], JULY) is None
    assert agreed_zone([[], ["Not/AZone"]], JULY) is None


def test_a_lasting_zone_is_one_no_moment_changes() -> None:
    # Arizona's Phoenix and Colorado's Denver agree in winter only: no lasting answer.
    assert lasting_zone([]) == (True, None)
    assert lasting_zone([["America/New_York"], ["America/Denver", "America/Phoenix"]]) == (
        True,
        "America/New_York",
    )
    assert lasting_zone([["America/Denver", "America/Phoenix"]]) == (False, None)
    assert lasting_zone([["Not/AZone"]]) == (False, None)
    assert agreed_zone([["America/Denver", "America/Phoenix"]], JANUARY) == "America/Denver"
    assert agreed_zone([["America/Denver", "America/Phoenix"]], JULY) is None


def test_local_time() -> None:
    shown = local_time("America/Los_Angeles", JULY)
    assert shown is not None
    assert shown.utcoffset() == timedelta(hours=-7)
    assert shown.hour == 5
    assert local_time(None, JULY) is None
    assert local_time("Not/AZone", JULY) is None
