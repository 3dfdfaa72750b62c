"""Close-style ids: a prefix, an underscore and base62 characters."""

from __future__ import annotations

import secrets
import string

BASE62 = string.ascii_letters + string.digits

# Close uses 43 random characters for older object kinds and 22 for newer ones.
LONG = 43
SHORT = 22


def new_id(prefix: str, length: int = LONG) -> str:
    choice = secrets.choice
    return prefix + "_" + "".join(choice(BASE62) for _ in range(length))


def looks_like(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix + "_")
