"""Emails, phones and urls on a contact: validated and normalized on write."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import phonenumbers

from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.timezones import agreed_zone, lasting_zone, phone_zones
from leadbase.db.fields import Problem


def _entries(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Expected a list.")
    return value


def _nested(entries: dict[str, Any]) -> dict[str, Any]:
    """Per-entry problems in Close's nested shape: each entry has errors and field-errors."""
    return {
        "errors": {index: {"errors": [], "field-errors": problems} for index, problems in entries.items()}
    }


def _entry_type(entry: dict[str, Any], default: str) -> str | None:
    kind = entry.get("type", default)
    if kind is None:
        return default
    return kind if isinstance(kind, str) else None


def clean_emails(value: Any) -> list[dict[str, Any]]:
    """A contact's emails (a field cleaner): each address checked and normalized."""
    entries = _entries(value)
    cleaned: list[dict[str, Any]] = []
    nested: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
            nested[str(index)] = {"email": "Enter a valid email address."}
            continue
        kind = _entry_type(entry, "office")
        try:
            # Syntax only: no DNS, and special-use domains (ann@acme.test) are addresses too.
            address = normalized_email(entry["email"].strip())
        except EmailNotValidError:
            nested[str(index)] = {"email": "Enter a valid email address."}
            continue
        if kind is None:
            nested[str(index)] = {"type": "Not a valid string."}
            continue
        cleaned.append({"email": address, "type": kind})
    if nested:
        raise Problem(_nested(nested))
    return cleaned


def clean_phones(value: Any, region: str) -> list[dict[str, Any]]:
    """A contact's phones in E.164, read in the organization's region when they have no country code."""
    entries = _entries(value)
    cleaned: list[dict[str, Any]] = []
    nested: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        raw = entry.get("phone") if isinstance(entry, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            nested[str(index)] = {"phone": "Enter a valid phone number."}
            continue
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            nested[str(index)] = {"phone": "Enter a valid phone number."}
            continue
        kind = _entry_type(entry, "office")
        if kind is None:
            nested[str(index)] = {"type": "Not a valid string."}
            continue
        cleaned.append(
            {"phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), "type": kind}
        )
    if nested:
        raise Problem(_nested(nested))
    return cleaned


def clean_urls(value: Any) -> list[dict[str, Any]]:
    """A contact's urls (a field cleaner)."""
    entries = _entries(value)
    cleaned: list[dict[str, Any]] = []
    nested: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        url = entry.get("url") if isinstance(entry, dict) else None
        kind = _entry_type(entry, "url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url.strip() or kind is None:
            nested[str(index)] = {"url": "Enter a valid URL."}
            continue
        cleaned.append({"url": url.strip(), "type": kind})
    if nested:
        raise Problem(_nested(nested))
    return cleaned


@lru_cache(maxsize=65_536)
def _phone_details(phone: str) -> tuple[str, str | None, tuple[str, ...]]:
    """International format, country and time zones of a stored E.164 number (parsing costs ~70 us)."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone, None, ()
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted, phonenumbers.region_code_for_number(number), tuple(phone_zones(number))


def render_emails(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "is_unsubscribed": False} for e in stored]


def render_phones(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [render_phone(p) for p in stored]


def render_phone(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored phone with the read-only details Close adds."""
    formatted, country, zones = _phone_details(entry["phone"])
    return {
        "phone": entry["phone"],
        "phone_formatted": formatted,
        "type": entry["type"],
        "country": country,
        # leadbase sends no SMS and keeps no opt-outs yet: nothing blocks a number.
        "outbound_sms_blocked": False,
        "tz_ids": list(zones),
    }


def lasting_phones_zone(stored: list[dict[str, Any]]) -> tuple[bool, str | None]:
    """(True, `phones_zone`) when that is the same at every moment, else (False, None)."""
    return lasting_zone([_phone_details(p["phone"])[2] for p in stored])


def phones_zone(stored: list[dict[str, Any]], now: datetime) -> str | None:
    """The contact's time zone from its phones: the first whose zones agree on the time."""
    return agreed_zone([_phone_details(p["phone"])[2] for p in stored], now)
