"""Phone numbers as people type them, read as the E.164 form leadbase stores."""

from __future__ import annotations

import re

import phonenumbers

# What a typed number may hold besides digits: a leading +, spaces, dots, dashes, parentheses.
_TYPED_NUMBER = re.compile(r"\+?[\d\s().\-]+")
# Fewer digits than this is part of a number ("555"), which is searched as typed.
MIN_DIGITS = 7


def typed_number(text: str, region: str) -> str | None:
    """The E.164 form of `text` when it is a whole phone number in any usual notation
    ('(415) 555-0100', '+1 415 555 0100', '415.555.0100'), read in `region` when it has no
    country code; None when it is not one."""
    text = text.strip()
    if not _TYPED_NUMBER.fullmatch(text) or sum(c.isdigit() for c in text) < MIN_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
