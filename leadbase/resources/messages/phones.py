"""Phone numbers of SMS and WhatsApp messages: E.164 in, formatted with their country out."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import phonenumbers

from leadbase.db.fields import Problem


def phone_value(value: Any) -> Any:
    """An E.164 number (`+` and the country code), or null."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Problem("Enter a valid phone number.")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise Problem("Enter a valid phone number in E.164 format (+14155550100).") from exc
    if not phonenumbers.is_possible_number(number):
        raise Problem("Enter a valid phone number in E.164 format (+14155550100).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65_536)
def details(phone: str | None) -> tuple[str | None, str | None]:
    """The international format and the country of a stored number."""
    if not phone:
        return None, None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone, None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted, phonenumbers.region_code_for_number(number)
