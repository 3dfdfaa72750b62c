"""Where leadbase's internal phone numbers come from: never a real, reachable number.

The North American Numbering Plan reserves 555-0100 to 555-0199 in every area code for fiction
(film, books, examples): no subscriber can hold them. An internal number "rented" from leadbase is
`+1 <area code> 555 01xx`, the lowest of the hundred not yet held by the organization in that
area code. Other countries' fictional ranges are not offered; nor are toll-free numbers, since
800-555 numbers are real.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COUNTRIES = {"US": "415", "CA": "604"}
FIRST, LAST = 100, 199
AREA_CODE = re.compile(r"^[2-9][0-8][0-9]$")


class NoNumber(ValueError):
    """No fictional number can be given for this request."""


def area_code(country: str, prefix: str) -> str:
    """The area code a request asks for (its prefix, without +1) or the country's default."""
    digits = re.sub(r"[^0-9]", "", prefix)
    if digits.startswith("1") and len(digits) == 4:
        digits = digits[1:]
    if not digits:
        return COUNTRIES[country]
    if not AREA_CODE.match(digits):
        raise NoNumber(f"{prefix!r} is not a North American area code (three digits, e.g. 415).")
    return digits


def candidates(code: str) -> list[str]:
    return [f"+1{code}555{line:04d}" for line in range(FIRST, LAST + 1)]


def first_free(code: str, held: Iterable[str]) -> str:
    taken = set(held)
    for number in candidates(code):
        if number not in taken:
            return number
    raise NoNumber(f"Every fictional number of area code {code} (555-0100 to 555-0199) is already in use.")


def is_fictional(number: str) -> bool:
    return re.fullmatch(r"\+1[2-9][0-8][0-9]55501[0-9]{2}", number) is not None
