"""Time zones of phone numbers and postal addresses, from well-kept data.

Phone numbers: libphonenumber's prefix tables (the `phonenumbers` package). Addresses: the IANA
database's `zone.tab` (country -> zones, shipped by the `tzdata` package) and, for the states of
the United States, the `us` package. Nothing here is a hand-made table.

A place may have several zones (a toll-free number, a country without its region): every
candidate is listed. A local time is known when the candidates agree: every zone of the list shows
the same wall clock at that moment (Germany's two zones do; Texas's two do not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import us
from phonenumbers import timezone as phone_timezone

UNKNOWN = phone_timezone.UNKNOWN_TIMEZONE


def _tab(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    zones: dict[str, list[str]] = {}
    for columns in _tab("zone.tab"):
        zones.setdefault(columns[0], []).append(columns[2])
    return {country: tuple(names) for country, names in zones.items()}


@cache
def _country_codes_by_name() -> dict[str, str]:
    return {columns[1].strip().lower(): columns[0] for columns in _tab("iso3166.tab")}


def country_code(country: str | None) -> str | None:
    """ISO 3166 alpha-2 code of `US`, `us` or `United States`; None when unknown."""
    if not country or not country.strip():
        return None
    value = country.strip()
    if len(value) == 2 and value.upper() in _zones_by_country():
        return value.upper()
    names = _country_codes_by_name()
    found = names.get(value.lower())
    if found is None and value.lower() in ("usa", "united states of america"):
        found = "US"
    return found


def phone_zones(number: phonenumbers.PhoneNumber) -> list[str]:
    """The zones a parsed number may ring in (several for toll-free and nationwide numbers)."""
    zones = phone_timezone.time_zones_for_number(number)
    return [z for z in zones if z != UNKNOWN]


def address_zones(country: str | None, state: str | None) -> list[str]:
    """The zones of an address: its US state's, else its country's (every one of them)."""
    return list(_address_zones(country, state))


# Few distinct (country, state) pairs exist, and a page of leads (an export: a million) asks
# for the same ones again and again; the state lookup costs ~0.1 ms each time.
@lru_cache(maxsize=4096)
def _address_zones(country: str | None, state: str | None) -> tuple[str, ...]:
    code = country_code(country)
    if code is None:
        return ()
    if code == "US" and state and state.strip():
        found = us.states.lookup(state.strip())
        if found is not None and found.time_zones:
            return tuple(found.time_zones)
    return _zones_by_country().get(code, ())


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def agreed_zone(candidates: Iterable[Sequence[str]], moment: datetime) -> str | None:
    """The first zone of the first candidate list whose zones all show the same time at `moment`."""
    lists = candidates if type(candidates) is list else list(candidates)
    if not lists:
        return None
    first = lists[0]
    if len(first) == 1 and _zone(first[0]) is not None:
        # One known zone agrees with itself at any moment: the usual phone number or address,
        # answered without copying the lists or hashing the moment into the cache's key (a page
        # of whole leads asks ~400 times).
        return first[0]
    return _agreed_zone(tuple(tuple(names) for names in lists), moment)


def lasting_zone(candidates: Sequence[Sequence[str]]) -> tuple[bool, str | None]:
    """(True, `agreed_zone`) when that is the same at every moment (no candidates, or a first
    list of one known zone), else (False, None): the answer depends on the moment."""
    if not candidates:
        return True, None
    first = candidates[0]
    if len(first) == 1 and _zone(first[0]) is not None:
        return True, first[0]
    return False, None


# A page renders every object at one `moment`, and its objects share few lists of zones.
@lru_cache(maxsize=1024)
def _agreed_zone(candidates: tuple[tuple[str, ...], ...], moment: datetime) -> str | None:
    for names in candidates:
        zones = [z for z in (_zone(n) for n in names) if z is not None]
        if zones and len({moment.astimezone(z).utcoffset() for z in zones}) == 1:
            return names[0]
    return None


def local_time(zone: str | None, moment: datetime) -> datetime | None:
    """`moment` as the wall clock of `zone` shows it (with its offset); None without a zone."""
    found = _zone(zone) if zone else None
    return moment.astimezone(found) if found is not None else None
