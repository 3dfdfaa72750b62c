"""The key under which a user-chosen name must be unique (lead status labels, custom field names).

Two names are the same name when they look the same to a person, so the key is Unicode's
NFKC_Casefold in spirit: compatibility forms fold to their plain letters (fullwidth letters,
ligatures, superscripts), NFC and NFD spellings of one accented letter meet, case is folded
(`ß` with `ss`, not only ASCII `lower()`), characters that draw nothing are dropped (zero-width
spaces and joiners, soft hyphens, word joiners, byte-order marks, variation selectors, Hangul
fillers), and runs of white space count as one space, with none at either end.

The key is what unique indexes cover; the name itself is stored as the client sent it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Invisible characters that are not in the format category (Cf), which is dropped as a whole.
_INVISIBLE = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180B, 0x180C, 0x180D, 0x180F),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
_SPACES = re.compile(r"\s+")
# A btree entry must stay small on every database: NFKC can expand a 255-character name
# 18-fold, so a longer key is replaced by its digest (equal keys keep equal digests).
MAX_KEY_BYTES = 512


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and ord(char) not in _INVISIBLE


def name_key(name: str) -> str:
    """The uniqueness key of a name: equal for names a reader cannot tell apart."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if _visible(c))
    # Case folding can leave text that is no longer NFKC (and NFKC can expose new foldable
    # letters), so fold and normalize again, as Unicode's NFKC_Casefold does.
    text = unicodedata.normalize("NFKC", text.casefold())
    text = _SPACES.sub(" ", text).strip()
    if len(text.encode()) > MAX_KEY_BYTES:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return text
