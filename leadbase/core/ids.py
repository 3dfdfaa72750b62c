"""Close-style ids: a prefix, an underscore and base62 characters.

Ids are random by default. `seed(value)` switches the process to a seeded generator, so a test
run that makes the same requests in the same order gets the same ids (LEADBASE_ID_SEED). The
generator is one per process, shared by its threads under a lock: ids stay unique across
threads, but which thread draws first decides who gets which id, so reproducibility also needs
requests made one at a time. Several processes seeded alike would draw the same ids: a seed
is for one process (`leadbase serve` refuses it with more than one worker).
"""

from __future__ import annotations

import hashlib
import os
import random
import string
import threading

BASE62 = string.ascii_letters + string.digits

# Close uses 43 random characters for older object kinds and 22 for newer ones.
LONG = 43
SHORT = 22

# Random bytes map to base62 by value mod 62; bytes of 248 and up are dropped first, so every
# character stays equally likely (248 = 4 * 62). One urandom call per id instead of one per character.
_TO_BASE62 = bytes(ord(BASE62[b % 62]) for b in range(256))
_REJECT = bytes(range(248, 256))

_lock = threading.Lock()
_seeded: random.Random | None = None


def seed(value: str | None) -> None:
    """Draw ids from a generator seeded with `value` from now on (None: back to random ids).

    Seeding again with the same value restarts the same sequence.
    """
    global _seeded
    with _lock:
        # A digest, not Python's hash(): the same seed gives the same ids in every process.
        _seeded = None if value is None else random.Random(hashlib.sha256(value.encode()).digest())


def seeded() -> bool:
    return _seeded is not None


def _random_bytes(count: int) -> bytes:
    generator = _seeded
    if generator is None:
        return os.urandom(count)
    with _lock:
        return generator.randbytes(count)


def new_id(prefix: str, length: int = LONG) -> str:
    chars = b""
    while len(chars) < length:
        chars += _random_bytes(length + 8).translate(_TO_BASE62, _REJECT)
    return prefix + "_" + chars[:length].decode("ascii")


def looks_like(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix + "_")
