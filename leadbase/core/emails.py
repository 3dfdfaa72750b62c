"""Email address syntax: any syntactically valid address, special-use domains included.

email-validator refuses domains reserved for special uses (`.test`, `.local`, `.example`,
`.invalid`...) even when deliverability is not checked. Close accepts them, and fixtures and
tests written against Close use them everywhere (`ann@acme.test`), so leadbase empties the
library's list of those names (the library documents the list as the place to change that) and
checks syntax only: no DNS, no reserved names.
"""

from __future__ import annotations

import email_validator
from email_validator import EmailNotValidError, validate_email

__all__ = ["EmailNotValidError", "normalized_email"]

email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()


def normalized_email(address: str) -> str:
    """The normalized form of a syntactically valid address; EmailNotValidError otherwise."""
    return validate_email(address, check_deliverability=False).normalized
