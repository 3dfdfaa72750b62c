"""Close-style ids: a prefix, an underscore and base62 characters."""

from __future__ import annotations

import os
import string

BASE62 = string.ascii_letters + string.digits

# Close uses 43 random characters for older object kinds and 22 for newer ones.
LONG = 43
SHORT = 22

# Random bytes map to base62 by value mod 62; bytes of 248 and up are dropped first, so every
# character stays equally likely (248 = 4 * 62). One urandom call per id instead of one per character.
_TO_BASE62 = bytes(ord(BASE62[b % 62]) for b in range(256))
_REJECT = bytes(range(248, 256))


def new_id(prefix: str, length: int = LONG) -> str:
    chars = b""
    while len(chars) < length:
        chars += os.urandom(length + 8).translate(_TO_BASE62, _REJECT)
    return prefix + "_" + chars[:length].decode("ascii")


def looks_like(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix + "_")
